"""Names people type (profiles, rules, logins): how they are cleaned and compared.

Compared without regard to case for every letter, not only ASCII: SQLite's `lower()` folds
ASCII only (`ØKONOMI` and `økonomi` would differ there but not on PostgreSQL), so the key is
computed in Python and compared in Python, the same on every backend and in the GUI.
"""

from __future__ import annotations


def clean_name(name: str) -> str:
    """Trimmed, with every run of inner white space one plain space (`Salg  Team` → `Salg Team`)."""
    return " ".join(name.split())


def name_key(name: str) -> str:
    """What two names must share to be the same name: the cleaned name, case-folded."""
    return clean_name(name).casefold()


def same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)
