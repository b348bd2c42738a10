"""The comparison summary: per feature column the means of A and B, the mean difference
and their correlation, and the log-spectral distance, over the overlap or the selection."""

from __future__ import annotations

import math

from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

HEADERS = ("Feature", "Mean A", "Mean B", "Mean B − A", "Correlation")


def _cell(value: float) -> str:
    return "–" if not math.isfinite(value) else f"{value:.6g}"


class SummaryPanel(QWidget):
    """``show_summary(rows, lsd, span)``; ``table`` holds one row per feature column."""

    def __init__(self) -> None:
        super().__init__()
        self.span_label = QLabel("Waiting for both analyses…")
        self.distance_label = QLabel("")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.span_label)
        layout.addWidget(self.distance_label)
        layout.addWidget(self.table)

    def show_summary(self, rows: list[tuple[str, float, float, float, float]], lsd: float,
                     span: tuple[float, float], selection: bool) -> None:
        what = "the selection" if selection else "the overlap"
        self.span_label.setText(f"Over {what}: {span[0]:.3f}–{span[1]:.3f} s of A")
        self.distance_label.setText(f"Log-spectral distance: {_cell(lsd)} dB")
        self.table.setRowCount(len(rows))
        for r, (name, *values) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(name))
            for c, value in enumerate(values, start=1):
                self.table.setItem(r, c, QTableWidgetItem(_cell(value)))
        self.table.resizeColumnsToContents()

    def value(self, feature: str, header: str) -> str:
        """The text shown for ``feature`` under ``header`` ('' if not shown)."""
        column = HEADERS.index(header)
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text() == feature:
                return self.table.item(r, column).text()
        return ""
