"""A window leaves no thread behind even when its jobs are the first to load a library that
starts threads of its own (tests/qt/test_stress.py's "no leaked thread", made certain).

scipy brings its own OpenBLAS, which starts one idle server thread per extra core when it
loads; the window first loads it in pass 2 (MFCC), on a job's thread, after the first
analysis started a pool. Such a thread outlived the window and carried the job thread's name
("sonolens-job-th"), so test_stress failed whenever scipy was first loaded during its random
sequence. Run in a fresh interpreter: in this one scipy is usually loaded already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.e2e import ROOT, cli_env

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS",
                         "OPENBLAS_DEFAULT_NUM_THREADS")


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2,
                    reason="OpenBLAS starts no server thread on one core: nothing to provoke")
def test_first_load_of_scipy_in_a_job_leaves_no_thread_after_close(tmp_path):
    env = cli_env()
    for name in BLAS_THREAD_VARIABLES:  # the child's own start, not this process's settings
        env.pop(name, None)
    result = subprocess.run([sys.executable, "-m", "tests.qt.late_threads_child", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=240, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.splitlines()[-1])
    # the scenario really happened: scipy was first loaded by the second window's job
    assert not report["scipy_before"] and report["scipy_after"], report
    assert report["left"] == [], f"threads still running after close: {report['left']}"
