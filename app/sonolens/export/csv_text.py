"""Text cells for CSV files that spreadsheets open safely (CSV / formula injection).

Every CSV writer of Sonolens passes its text cells (file names, labels, messages) through
:func:`safe_text`: a cell that a spreadsheet would run as a formula gets a leading quote.
"""

from __future__ import annotations

#: First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(cell: str) -> str:
    """``cell`` with a ``'`` prefix if it starts like a formula (``=1+2`` -> ``'=1+2``),
    also after leading quotes of its own (``'=x`` -> ``''=x``), so that :func:`unsafe_text`
    gives back every text exactly."""
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_START) else cell


def unsafe_text(cell: str) -> str:
    """Undo :func:`safe_text` (for reading back a file Sonolens wrote; a cell written by
    hand without the quote is kept as it is)."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START):
        return cell[1:]
    return cell
