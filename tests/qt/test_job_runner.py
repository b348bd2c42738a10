"""JobRunner: keyed generator jobs on QThreads, latest-only delivery, clean shutdown.

Deterministic: threads are coordinated with threading.Event handshakes and the GUI side
with waitSignal / waitUntil; nothing asserts on elapsed time.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Generator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QObject

from sonolens.core.errors import ParameterError, SonolensError
from sonolens.core.progress import Progress
from sonolens.workers import JobRunner, leftover_threads

TIMEOUT_MS = 5000
TIMEOUT_S = TIMEOUT_MS / 1000


class Recorder:
    """Every signal of a runner, in order, with the thread it arrived on."""

    def __init__(self, runner: JobRunner) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.threads: set[int] = set()
        for name in ("progressed", "partial", "finished", "failed", "cancelled",
                     "busy_changed"):
            getattr(runner, name).connect(self._recorder(name))

    def _recorder(self, name: str):
        def record(*args: Any) -> None:
            self.threads.add(threading.get_ident())
            self.events.append((name, *args))
        return record

    def of(self, name: str) -> list[tuple[Any, ...]]:
        return [event[1:] for event in self.events if event[0] == name]


class Spinner:
    """A job that yields until cancelled, recording start, end and the closing thread."""

    def __init__(self, result: Any = "spun") -> None:
        self.started = threading.Event()
        self.ended = threading.Event()
        self.release = threading.Event()
        self.result = result
        self.closed_on: int | None = None

    def __call__(self) -> Generator[Progress, None, Any]:
        try:
            self.started.set()
            while not self.release.is_set():
                yield Progress(0, 1, "spinning")
                self.release.wait(0.001)
            return self.result
        finally:
            self.closed_on = threading.get_ident()
            self.ended.set()


@pytest.fixture
def runner(qtbot):
    job_runner = JobRunner(threads=2)
    yield job_runner
    job_runner.shutdown()


@pytest.fixture
def recorder(runner):
    return Recorder(runner)


def wait_event(event: threading.Event) -> None:
    assert event.wait(TIMEOUT_S), "worker handshake timed out"


def test_result_delivered_with_token_on_the_gui_thread(qtbot, runner, recorder):
    ran_on: list[int] = []
    token = ("generation", 3, object())

    def job():
        ran_on.append(threading.get_ident())
        yield Progress(1, 2, "half")
        yield Progress(2, 2, "all")
        return 42

    with qtbot.waitSignal(runner.finished, timeout=TIMEOUT_MS) as blocker:
        serial = runner.submit("k", job, token=token)
    assert isinstance(serial, int)
    assert blocker.args[:2] == ["k", 42]
    assert blocker.args[2] is token
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=TIMEOUT_MS)
    assert ran_on[0] != threading.get_ident()
    assert recorder.threads == {threading.get_ident()}
    assert recorder.of("busy_changed") == [(True,), (False,)]
    assert recorder.of("failed") == [] and recorder.of("cancelled") == []


def test_progress_is_throttled_but_final_one_arrives(qtbot):
    slow = JobRunner(threads=1, progress_interval=3600.0)  # only first + final pass
    seen = Recorder(slow)

    def job():
        for i in range(1, 101):
            yield Progress(i, 200, "counting")
        return "done"

    try:
        with qtbot.waitSignal(slow.finished, timeout=TIMEOUT_MS):
            slow.submit("k", job)
        assert seen.of("progressed") == [("k", 0.005, "counting"), ("k", 1.0, "counting")]
    finally:
        slow.shutdown()


def test_final_one_is_not_repeated(qtbot):
    fast = JobRunner(threads=1, progress_interval=0.0)
    seen = Recorder(fast)

    def job():
        yield Progress(1, 2, "s")
        yield Progress(2, 2, "s")
        return None

    try:
        with qtbot.waitSignal(fast.finished, timeout=TIMEOUT_MS):
            fast.submit("k", job)
        assert seen.of("progressed") == [("k", 0.5, "s"), ("k", 1.0, "s")]
    finally:
        fast.shutdown()


def test_unthrottled_progress_arrives_in_order(qtbot):
    fast = JobRunner(threads=1, progress_interval=0.0)
    seen = Recorder(fast)

    def job():
        for i in range(1, 11):
            yield Progress(i, 10, "s")
        return None

    try:
        with qtbot.waitSignal(fast.finished, timeout=TIMEOUT_MS):
            fast.submit("k", job)
        fractions = [args[1] for args in seen.of("progressed")]
        assert fractions == pytest.approx([i / 10 for i in range(1, 11)])
    finally:
        fast.shutdown()


def test_partial_latest_wins_and_is_flushed_before_finished(qtbot):
    slow = JobRunner(threads=1, progress_interval=3600.0)
    seen = Recorder(slow)
    token = object()

    def job():
        yield Progress(1, 3, partial="a")
        yield Progress(2, 3, partial="b")
        yield Progress(3, 3, partial="c")
        yield Progress(3, 3)  # no partial: does not erase "c"
        return "table"

    try:
        with qtbot.waitSignal(slow.finished, timeout=TIMEOUT_MS):
            slow.submit("k", job, token=token)
        assert seen.of("partial") == [("k", "a", token), ("k", "c", token)]
        names = [event[0] for event in seen.events if event[0] != "busy_changed"]
        assert names[-1] == "finished"
        assert names.index("partial", 1) < names.index("finished")
    finally:
        slow.shutdown()


def test_a_held_partial_arrives_while_the_job_waits(qtbot):
    """The throttle holds "b" back; the job then waits (for its source): "b" still arrives
    once the interval has passed, before the job goes on."""
    runner = JobRunner(threads=1, progress_interval=0.2)
    seen = Recorder(runner)
    go_on = threading.Event()

    def job():
        yield Progress(1, 3, partial="a")
        yield Progress(2, 3, partial="b")  # within the interval: held
        go_on.wait(timeout=30)
        yield Progress(3, 3)
        return "done"

    try:
        runner.submit("k", job, token=None)
        qtbot.waitUntil(lambda: [e[1] for e in seen.of("partial")] == ["a", "b"],
                        timeout=TIMEOUT_MS)
        assert not go_on.is_set() and runner.is_busy("k")  # sent while the job waits
        with qtbot.waitSignal(runner.finished, timeout=TIMEOUT_MS):
            go_on.set()
        assert [e[1] for e in seen.of("partial")] == ["a", "b"]  # not sent twice
    finally:
        go_on.set()
        runner.shutdown()


def test_same_key_supersedes_and_closes_the_running_job(qtbot, runner, recorder):
    first = Spinner("A")
    b_saw_a_closed: list[bool] = []

    def job_b():
        b_saw_a_closed.append(first.ended.is_set())
        yield Progress(1, 1)
        return "B"

    runner.submit("k", first, token="a")
    wait_event(first.started)
    with qtbot.waitSignal(runner.finished, timeout=TIMEOUT_MS) as blocker:
        runner.submit("k", job_b, token="b")
    assert blocker.args == ["k", "B", "b"]
    qtbot.waitUntil(runner.is_idle, timeout=TIMEOUT_MS)
    assert recorder.of("finished") == [("k", "B", "b")]
    assert first.ended.is_set() and first.closed_on != threading.get_ident()
    assert b_saw_a_closed == [True]  # one generator per key: A's finally ran before B began
    assert recorder.of("cancelled") == []  # superseding is not cancelling the key
    assert all(args[2] == "b" for args in recorder.of("partial"))


def test_two_keys_run_concurrently(qtbot, runner, recorder):
    a_in, b_in = threading.Event(), threading.Event()

    def job(mine: threading.Event, other: threading.Event):
        def run():
            mine.set()
            met = other.wait(TIMEOUT_S)  # only true if the other job runs at the same time
            yield Progress(1, 1)
            return met
        return run

    runner.submit("a", job(a_in, b_in))
    runner.submit("b", job(b_in, a_in))
    qtbot.waitUntil(lambda: len(recorder.of("finished")) == 2, timeout=3 * TIMEOUT_MS)
    assert sorted(recorder.of("finished")) == [("a", True, None), ("b", True, None)]


def test_jobs_beyond_the_pool_are_queued_and_replaced(qtbot, runner, recorder):
    gate = threading.Event()
    started = {name: threading.Event() for name in ("a", "b", "c1", "c2")}

    def job(name: str):
        def run():
            started[name].set()
            assert gate.wait(TIMEOUT_S)
            yield Progress(1, 1)
            return name
        return run

    runner.submit("a", job("a"))
    runner.submit("b", job("b"))
    wait_event(started["a"])
    wait_event(started["b"])
    runner.submit("c", job("c1"))
    runner.submit("c", job("c2"))  # replaces the queued c1
    assert runner.is_busy("c")
    assert not started["c1"].is_set() and not started["c2"].is_set()
    gate.set()
    qtbot.waitUntil(lambda: len(recorder.of("finished")) == 3, timeout=TIMEOUT_MS)
    qtbot.waitUntil(runner.is_idle, timeout=TIMEOUT_MS)
    assert sorted(recorder.of("finished")) == [("a", "a", None), ("b", "b", None),
                                               ("c", "c2", None)]
    assert not started["c1"].is_set()
    assert recorder.of("busy_changed") == [(True,), (False,)]


def test_user_error_becomes_its_one_line_message(qtbot, runner, capsys):
    def job():
        yield Progress(1, 2)
        raise ParameterError("n_fft=3 must be\n  a power of two")

    with qtbot.waitSignal(runner.failed, timeout=TIMEOUT_MS) as blocker:
        runner.submit("k", job, token="t")
    assert blocker.args == ["k", "n_fft=3 must be a power of two", "t"]
    assert "Traceback" not in capsys.readouterr().err


def test_value_error_from_factory_is_a_user_message(qtbot, runner):
    def make_job():
        raise ValueError("no source")

    with qtbot.waitSignal(runner.failed, timeout=TIMEOUT_MS) as blocker:
        runner.submit("k", make_job)
    assert blocker.args[1] == "no source"


def test_unexpected_error_is_internal_with_traceback_on_stderr(qtbot, runner, capsys):
    def job():
        yield Progress(1, 2)
        raise KeyError("boom")

    with qtbot.waitSignal(runner.failed, timeout=TIMEOUT_MS) as blocker:
        runner.submit("k", job)
    message = blocker.args[1]
    assert message == "internal error: KeyError: 'boom'"
    assert "\n" not in message
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "KeyError: 'boom'" in err


def test_non_generator_job_fails(qtbot, runner, capsys):
    with qtbot.waitSignal(runner.failed, timeout=TIMEOUT_MS) as blocker:
        runner.submit("k", lambda: [Progress(1, 1)])  # type: ignore[arg-type, return-value]
    assert blocker.args[1].startswith("internal error: TypeError:")
    assert "TypeError" in capsys.readouterr().err


def test_cancel_emits_cancelled_and_never_finished(qtbot, runner, recorder):
    spinner = Spinner()
    runner.submit("k", spinner)
    wait_event(spinner.started)
    with qtbot.waitSignal(runner.cancelled, timeout=TIMEOUT_MS) as blocker:
        runner.cancel("k")
    assert blocker.args == ["k"]
    assert not runner.is_busy("k")
    qtbot.waitUntil(runner.is_idle, timeout=TIMEOUT_MS)
    assert spinner.ended.is_set()
    assert recorder.of("finished") == [] and recorder.of("failed") == []
    assert recorder.of("busy_changed") == [(True,), (False,)]
    with qtbot.assertNotEmitted(runner.cancelled):
        runner.cancel("k")  # nothing left to cancel
        runner.cancel("unknown")


def test_cancel_all_cancels_queued_and_running(qtbot):
    single = JobRunner(threads=1)
    seen = Recorder(single)
    spinner = Spinner()
    queued_ran = threading.Event()

    def queued():
        queued_ran.set()
        yield Progress(1, 1)

    try:
        single.submit("a", spinner)
        single.submit("b", queued)
        wait_event(spinner.started)
        single.cancel_all()
        assert sorted(seen.of("cancelled")) == [("a",), ("b",)]
        assert not single.is_busy()
        qtbot.waitUntil(single.is_idle, timeout=TIMEOUT_MS)
        assert spinner.ended.is_set() and not queued_ran.is_set()
        assert seen.of("finished") == []
    finally:
        single.shutdown()


def test_shutdown_during_a_running_job(qtbot):
    job_runner = JobRunner(threads=2)
    seen = Recorder(job_runner)
    spinner = Spinner()
    job_runner.submit("k", spinner)
    wait_event(spinner.started)
    count = len(seen.events)
    job_runner.shutdown(timeout_ms=TIMEOUT_MS)
    assert spinner.ended.is_set()  # the job's finally ran, on its own thread
    assert spinner.closed_on != threading.get_ident()
    job_runner.shutdown()  # idempotent
    never = threading.Event()

    def late():
        never.set()
        yield Progress(1, 1)

    job_runner.submit("k", late)  # ignored after shutdown
    job_runner.cancel("k")
    job_runner.cancel_all()
    QCoreApplication.processEvents()
    assert len(seen.events) == count
    assert not never.is_set()
    assert not job_runner.is_busy()


def test_shutdown_gives_up_on_a_job_that_never_yields(qtbot, capsys):
    job_runner = JobRunner(threads=1)
    inside, release, ended = threading.Event(), threading.Event(), threading.Event()

    def stubborn():
        try:
            inside.set()
            release.wait(TIMEOUT_S)  # no yield: cannot be interrupted
            yield Progress(1, 1)
        finally:
            ended.set()

    job_runner.submit("k", stubborn)
    wait_event(inside)
    job_runner.shutdown(timeout_ms=1)
    assert "did not stop within 1 ms" in capsys.readouterr().err
    release.set()
    leftover_threads.stop_leftover_threads()  # what the exit hook does: wait for the orphan
    assert ended.is_set()


def test_runner_is_collected_cleanly_after_shutdown(qtbot):
    job_runner = JobRunner(threads=2)
    with qtbot.waitSignal(job_runner.finished, timeout=TIMEOUT_MS):
        job_runner.submit("k", _one_step)
    job_runner.shutdown()
    del job_runner
    gc.collect()
    QCoreApplication.processEvents()


def _one_step() -> Generator[Progress, None, str]:
    yield Progress(1, 1)
    return "ok"


def test_deleting_the_parent_shuts_the_runner_down(qtbot):
    parent = QObject()
    job_runner = JobRunner(parent)
    spinner = Spinner()
    job_runner.submit("k", spinner)
    wait_event(spinner.started)
    shiboken6.delete(parent)
    assert spinner.ended.is_set()


def test_stress_same_key_delivers_only_the_last(qtbot, runner, recorder):
    def make(i: int):
        def job():
            yield Progress(0, 2, partial=i)
            yield Progress(1, 2)
            return i
        return job

    serials = [runner.submit("k", make(i), token=i) for i in range(50)]
    assert serials == sorted(set(serials))
    qtbot.waitUntil(lambda: recorder.of("finished") != [], timeout=TIMEOUT_MS)
    qtbot.waitUntil(runner.is_idle, timeout=TIMEOUT_MS)
    assert recorder.of("finished") == [("k", 49, 49)]
    assert {args[1] for args in recorder.of("partial")} <= {49}
    assert recorder.of("failed") == [] and recorder.of("cancelled") == []
    assert recorder.of("busy_changed") == [(True,), (False,)]


def test_invalid_thread_count():
    with pytest.raises(ValueError, match="threads"):
        JobRunner(threads=0)


def test_sonolens_error_is_the_base_of_user_errors():
    assert issubclass(ParameterError, SonolensError)


def test_a_quiet_job_shows_no_progress_and_no_busy_but_still_counts(qtbot, runner, recorder):
    """Housekeeping (the cache's writes) runs under a quiet prefix: nothing for the status
    bar to show or offer to cancel, yet the runner is not idle until it ends."""
    runner.run_quietly("store")
    spinner = Spinner("written")
    runner.submit("store-1", spinner)
    wait_event(spinner.started)
    qtbot.wait(50)  # progress, had it been emitted, would have arrived
    assert runner.is_busy() and not runner.is_idle()
    assert recorder.of("progressed") == [] and recorder.of("busy_changed") == []
    loud = Spinner()
    runner.submit("analysis", loud)  # another job: busy shows, its progress arrives
    wait_event(loud.started)
    qtbot.waitUntil(lambda: recorder.of("progressed") != [], timeout=TIMEOUT_MS)
    assert recorder.of("busy_changed") == [(True,)]
    assert {key for key, *_ in recorder.of("progressed")} == {"analysis"}
    runner.cancel_all()  # the user's Cancel: what they were shown, not the housekeeping
    assert recorder.of("cancelled") == [("analysis",)]
    assert recorder.of("busy_changed") == [(True,), (False,)]  # the quiet one still runs
    loud.release.set()
    assert runner.is_busy("store-1")
    with qtbot.waitSignal(runner.finished, timeout=TIMEOUT_MS) as blocker:
        spinner.release.set()
    assert blocker.args[:2] == ["store-1", "written"]
    qtbot.waitUntil(runner.is_idle, timeout=TIMEOUT_MS)
    assert recorder.of("busy_changed") == [(True,), (False,)]
