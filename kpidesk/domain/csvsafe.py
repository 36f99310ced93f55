"""Cells that spreadsheet programs would run as formulas, made harmless (CSV injection).

OWASP's guidance: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
is prefixed with a single quote, so Excel and LibreOffice show it as text instead of
evaluating it. Only text that comes from people (names, logins, rule names) goes through
here; numbers kpidesk formats itself stay numbers.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(text: str) -> str:
    """The text as a spreadsheet shows it literally (a leading `'` only where needed)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
