"""Shared test set-up: Qt offscreen before any QApplication exists; signal generators."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
