"""Shared test set-up: Qt offscreen before any QApplication exists; signal generators."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import tempfile

import pytest

# the analysis cache (sonolens.store) never touches the user's ~/.cache from the tests:
# a session-wide folder for anything run before a test's own, then one per test
os.environ["SONOLENS_CACHE_DIR"] = tempfile.mkdtemp(prefix="sonolens-test-cache-")
os.environ.pop("SONOLENS_NO_CACHE", None)
# views show the whole frequency range unless a test turns the fit on open on (its own
# tests: tests/qt/test_frequency_fit.py); also for the windows e2e tests start
os.environ["SONOLENS_FIT_ON_OPEN"] = "0"


@pytest.fixture(autouse=True)
def _analysis_cache_dir(tmp_path_factory, monkeypatch) -> None:
    """Each test its own, empty analysis cache folder (SONOLENS_CACHE_DIR)."""
    monkeypatch.setenv("SONOLENS_CACHE_DIR", str(tmp_path_factory.mktemp("analysis-cache")))
    monkeypatch.delenv("SONOLENS_NO_CACHE", raising=False)
