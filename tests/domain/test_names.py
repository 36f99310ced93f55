"""Names compared the same everywhere: trimmed, inner spaces collapsed, Unicode case-folded."""

from __future__ import annotations

from kpidesk.domain.names import clean_name, name_key, same_name


def test_clean_name_trims_and_collapses_inner_white_space() -> None:
    assert clean_name("  Salg \t  Team ") == "Salg Team"
    assert clean_name("Salg\u00a0Team") == "Salg Team"  # Excel's no-break space too


def test_name_key_folds_every_letter_not_only_ascii() -> None:
    assert name_key("ØKONOMI") == name_key("økonomi") == "økonomi"
    assert name_key("STRAẞE") == name_key("strasse")
    assert same_name("Salg  Team", "salg team")
    assert not same_name("Salg", "Salg Team")
