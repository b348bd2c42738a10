"""Benchmarks run for as long as their size asks (minutes on an hour of audio): the
suite's per-test hang guard (pyproject: pytest-timeout ``timeout``) does not apply here."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.timeout(0))
