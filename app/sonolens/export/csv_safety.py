"""Text cells that spreadsheets would run as formulas (CSV injection), made inert.

A cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before looking for one) is a formula to Excel, LibreOffice and Google
Sheets: a file named ``=HYPERLINK("http://…")`` would become a live link. Prefixing a
single quote makes the cell plain text in all of them (OWASP's advice). Numbers are never
passed here: only text such as file names and labels.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """``text``, prefixed with ``'`` if a spreadsheet would evaluate it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
