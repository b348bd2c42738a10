"""Seekable files decoded on two threads (audio/parallel_decode.py) give exactly the blocks a
sequential read gives, damaged or not; the counted stderr silencing (audio/quiet.py)
nests, lets two threads in at once and gives fd 2 back when the last one leaves.
"""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source, quiet, soundfile_decoder
from sonolens.audio.parallel_decode import iter_blocks_parallel
from sonolens.audio.quiet import quiet_native_stderr
from sonolens.audio.soundfile_decoder import DecodeStopped

SR = 22050


def _write(path, n=3 * SR + 333, channels=2, subtype="PCM_16"):
    rng = np.random.default_rng(5)
    sf.write(str(path), (0.3 * rng.standard_normal((n, channels))).astype(np.float32), SR,
             subtype=subtype)
    return path


def _sequential(path, **kwargs):
    blocks, stop = [], None
    try:
        for block in soundfile_decoder.iter_blocks(path, **kwargs):
            blocks.append(block)
    except DecodeStopped as stopped:
        stop = (stopped.frames_read, stopped.reason)
    return blocks, stop


def _parallel(path, **kwargs):
    blocks, stop = [], None
    try:
        for block in iter_blocks_parallel(path, **kwargs):
            blocks.append(block)
    except DecodeStopped as stopped:
        stop = (stopped.frames_read, stopped.reason)
    return blocks, stop


def _assert_same_blocks(ours, ref):
    assert [len(b) for b in ours] == [len(b) for b in ref]
    for a, b in zip(ours, ref, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("ext,subtype", [("flac", "PCM_16"), ("flac", "PCM_24"),
                                         ("wav", "FLOAT"), ("aiff", "PCM_24")])
@pytest.mark.parametrize("blocksize,start,threads", [(65536, 0, 2), (4096, 0, 2),
                                                     (1000, 12345, 3), (7777, 5, 1)])
def test_parallel_blocks_equal_sequential_blocks(tmp_path, ext, subtype, blocksize, start,
                                                 threads):
    path = _write(tmp_path / f"x.{ext}", channels=3, subtype=subtype)
    frames = sf.info(str(path)).frames
    ours = _parallel(path, frames=frames, start=start, blocksize=blocksize, threads=threads)
    ref = _sequential(path, start=start, blocksize=blocksize)
    assert ours[1] is None and ref[1] is None
    _assert_same_blocks(ours[0], ref[0])
    whole = sf.read(str(path), dtype="float32", always_2d=True)[0]
    np.testing.assert_array_equal(np.concatenate(ours[0]), whole[start:])


def test_decodes_on_two_threads(tmp_path, monkeypatch):
    import contextlib
    import time

    path = _write(tmp_path / "x.flac", n=20 * 4096)
    opened_on, inside, most = [], [0], [0]
    lock = threading.Lock()
    real_open = soundfile_decoder.open_file

    def spy_open(p):
        opened_on.append(threading.current_thread().name)
        return real_open(p)

    @contextlib.contextmanager
    def slow_read(handle):  # around each seek + read: how many run at once
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.02)
        try:
            yield
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(soundfile_decoder, "open_file", spy_open)
    monkeypatch.setattr(soundfile_decoder, "quiet_for", slow_read)
    blocks = list(iter_blocks_parallel(path, frames=20 * 4096, blocksize=4096, threads=2))
    assert len(blocks) == 20
    assert most[0] == 2  # two reads at once, never more
    assert len(opened_on) == 2 and len(set(opened_on)) == 2  # one handle per thread
    assert all(name.startswith("sonolens-decode") for name in opened_on)


def test_truncated_flac_stops_where_the_sequential_reader_stops(tmp_path):
    good = _write(tmp_path / "good.flac", n=4 * SR)
    raw = good.read_bytes()
    cut = tmp_path / "cut.flac"
    cut.write_bytes(raw[: len(raw) * 3 // 5])
    frames = sf.info(str(cut)).frames  # the header's promise: 4 s
    assert frames == 4 * SR
    ours = _parallel(cut, frames=frames, blocksize=4096)
    ref = _sequential(cut, blocksize=4096)
    assert ref[1] is not None and ours[1] == ref[1]  # same frame, same reason
    np.testing.assert_array_equal(np.concatenate(ours[0]), np.concatenate(ref[0]))
    assert 0 < ref[1][0] < frames


def test_a_wrong_count_loses_no_data(tmp_path):
    """Past a header count that is too small the sequential reader goes on."""
    path = _write(tmp_path / "x.wav", n=3 * SR)
    ours = _parallel(path, frames=SR + 17, blocksize=4096)
    whole = sf.read(str(path), dtype="float32", always_2d=True)[0]
    np.testing.assert_array_equal(np.concatenate(ours[0]), whole)


def _decode_threads():
    return [t for t in threading.enumerate() if t.name.startswith("sonolens-decode")]


def _open_fds():
    return len(os.listdir("/proc/self/fd"))


def test_closing_early_stops_the_threads_and_closes_the_handles(tmp_path):
    path = _write(tmp_path / "x.flac", n=40 * 4096)
    before = _open_fds()
    blocks = iter_blocks_parallel(path, frames=40 * 4096, blocksize=4096)
    next(blocks)
    next(blocks)
    assert _open_fds() > before  # two handles are open
    blocks.close()
    assert _decode_threads() == []
    assert _open_fds() == before


def test_file_source_blocks_decode_in_parallel_and_find_the_length(tmp_path, monkeypatch):
    path = _write(tmp_path / "x.flac", n=3 * SR + 1)
    calls = []
    from sonolens.audio import parallel_decode

    real = parallel_decode.iter_blocks_parallel

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel_decode, "iter_blocks_parallel", spy)
    with open_source(path) as source:
        data = source.read_all()
        assert source.length_known and source.frames == 3 * SR + 1
        assert source.warnings == []
    assert calls and calls[-1]["frames"] == 3 * SR + 1
    np.testing.assert_array_equal(data, sf.read(str(path), dtype="float32", always_2d=True)[0])


def test_decoding_threads_do_not_swallow_what_others_write_to_stderr(tmp_path, capfd):
    """fd 2 is process-wide: silencing it around every read of the two decoding threads
    lost ~45% of the lines the consuming thread wrote meanwhile (a traceback, a progress
    bar). libsndfile's WAV/FLAC/AIFF code prints nothing: those reads are not silenced."""
    path = _write(tmp_path / "x.flac", n=20 * 65536)
    written = 0
    with open_source(path) as source:
        for number, _block in enumerate(source.blocks(blocksize=65536)):
            if number >= 2:  # both threads have opened their handle (opening is silenced)
                os.write(2, f"line {number}\n".encode())  # as sys.stderr does, outside pytest
                written += 1
    assert capfd.readouterr().err.count("line ") == written == 18


# -- quiet_native_stderr ---------------------------------------------------------------


def _fd2():
    st = os.fstat(2)
    return st.st_dev, st.st_ino


def _devnull():
    st = os.stat(os.devnull)
    return st.st_dev, st.st_ino


def test_nested_silencing_restores_fd2_when_the_outer_one_leaves(capfd):
    real, fds = _fd2(), _open_fds()
    with quiet_native_stderr():
        assert _fd2() == _devnull()
        os.write(2, b"hidden 1\n")
        with quiet_native_stderr():
            os.write(2, b"hidden 2\n")
        assert _fd2() == _devnull()  # the inner one left, the outer one is still inside
        os.write(2, b"hidden 3\n")
    assert _fd2() == real and _open_fds() == fds
    os.write(2, b"shown\n")
    assert capfd.readouterr().err == "shown\n"
    assert quiet._users == 0 and quiet._saved is None


def test_two_threads_inside_at_once(capfd):
    real, fds = _fd2(), _open_fds()
    both_inside, first_left = threading.Barrier(2), threading.Event()
    seen = {}

    def first():
        with quiet_native_stderr():
            both_inside.wait(timeout=5)
        first_left.set()

    def second():
        with quiet_native_stderr():
            both_inside.wait(timeout=5)
            first_left.wait(timeout=5)
            seen["after first left"] = _fd2()
            os.write(2, b"hidden\n")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert seen["after first left"] == _devnull()  # still silenced for the second
    assert _fd2() == real and _open_fds() == fds
    os.write(2, b"shown\n")
    assert capfd.readouterr().err == "shown\n"


def test_many_threads_entering_and_leaving_leave_fd2_restored(capfd):
    real, fds = _fd2(), _open_fds()

    def churn():
        for _ in range(300):
            with quiet_native_stderr():
                os.write(2, b"x")

    threads = [threading.Thread(target=churn) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert _fd2() == real and _open_fds() == fds
    assert quiet._users == 0
    os.write(2, b"shown\n")
    assert capfd.readouterr().err == "shown\n"


def test_an_exception_inside_restores_fd2(capfd):
    real = _fd2()
    with pytest.raises(RuntimeError), quiet_native_stderr():
        raise RuntimeError("decoder failed")
    assert _fd2() == real and quiet._users == 0


@pytest.mark.parametrize("blocksize", [4096, 65536])
def test_file_source_blocks_of_a_truncated_flac_give_the_prefix(tmp_path, blocksize):
    """The parallel part ends at the block that fails; the sequential reader then seeks
    there, which fails in a FLAC cut just after it ("psf_fseek() failed" used to become
    "cannot be read" for the whole file): it decodes up to it instead."""
    good = _write(tmp_path / "good.flac", n=4 * SR)
    raw = good.read_bytes()
    cut = tmp_path / "cut.flac"
    cut.write_bytes(raw[: len(raw) * 3 // 5])
    ref, (stopped_at, reason) = _sequential(cut, blocksize=blocksize)
    with open_source(cut) as source:
        data = np.concatenate(list(source.blocks(blocksize=blocksize)))
        assert source.frames == len(data) == stopped_at
        assert source.warnings == [f"file ends early: decoded {stopped_at / SR:.2f} s of "
                                   f"4.00 s ({reason})"]
    np.testing.assert_array_equal(data, np.concatenate(ref))
