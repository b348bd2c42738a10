"""`sonolens dataset --scheduler`: the same table from a Dask cluster as from --jobs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonolens.cli.main import main
from tests.unit.signals import make_signal

APP = Path(__file__).resolve().parents[2] / "app"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(APP))
    return subprocess.run([sys.executable, "-m", "sonolens", *args], capture_output=True,
                          text=True, env=env, timeout=180)


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    for k, (label, sr) in enumerate([("dogs", 22050), ("dogs", 16000), ("cats", 44100)]):
        path = root / label / f"clip{k}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, make_signal(sr, 1.0, seed=k), sr)
    (root / "cats" / "truncated.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 30)
    return root


def test_local_cluster_of_processes_equals_jobs(corpus, tmp_path):
    """`--scheduler local`: a LocalCluster of 2 worker processes started by the command."""
    with_jobs, with_dask = tmp_path / "jobs.csv", tmp_path / "dask.csv"
    first = run_cli("dataset", str(corpus), "-o", str(with_jobs), "--jobs", "2")
    second = run_cli("dataset", str(corpus), "-o", str(with_dask), "--scheduler", "local",
                     "--jobs", "2")
    for result in (first, second):
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "wrote 3 rows" in result.stderr and "1 file failed" in result.stderr
    assert with_dask.read_bytes() == with_jobs.read_bytes()
    assert ((tmp_path / "dask.errors.csv").read_text()
            == (tmp_path / "jobs.errors.csv").read_text())
    assert (tmp_path / "dask.errors.csv").read_text().startswith(
        "filename,error\ncats/truncated.wav,")


def test_scheduler_address_of_a_running_cluster(corpus, tmp_path, capsys):
    """An existing cluster reached by its address (threads here: quick to start in a test;
    the tasks are the same functions, pickled and sent over TCP)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        out = tmp_path / "remote.csv"
        code = main(["dataset", str(corpus), "-o", str(out), "--scheduler",
                     cluster.scheduler_address, "--stats", "mean,max", "--features",
                     "centroid,mfcc"])
    assert code == 1
    local = tmp_path / "local.csv"
    assert main(["-q", "dataset", str(corpus), "-o", str(local), "--stats", "mean,max",
                 "--features", "centroid,mfcc"]) == 1
    assert out.read_bytes() == local.read_bytes()
    assert "cats/truncated.wav" in capsys.readouterr().err
    rows = np.loadtxt(out, delimiter=",", skiprows=1, usecols=range(2, 44))
    assert rows.shape == (3, 42) and np.isfinite(rows).all()


def test_unreachable_scheduler_is_one_error_line(corpus, tmp_path):
    result = run_cli("dataset", str(corpus), "-o", str(tmp_path / "o.csv"),
                     "--scheduler", "no-port-here")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: cannot reach the Dask scheduler at no-port-here "
        "(missing port number in address 'no-port-here')"]
    assert not (tmp_path / "o.csv").exists()


def test_without_dask_the_option_says_what_to_install(corpus, tmp_path):
    code = (
        "import sys; sys.modules['distributed'] = None;"  # as if dask were not installed
        "from sonolens.cli.main import main;"
        f"sys.exit(main(['dataset', {str(corpus)!r}, '-o', {str(tmp_path / 'o.csv')!r},"
        " '--scheduler', 'local']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(APP)), timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: --scheduler needs dask: pip install sonolens[dask]"
