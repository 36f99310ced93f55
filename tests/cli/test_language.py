"""The CLI speaks the locale's language (or `--lang`), with the catalogue's complete English."""

from __future__ import annotations

import re
import string

import kpidesk.cli.kpi_commands  # noqa: F401 - defines the CLI's messages
import kpidesk.domain.freshness  # noqa: F401 - defines the data's freshness words
import kpidesk.domain.words  # noqa: F401 - defines the shared words
import kpidesk.services.people  # noqa: F401 - defines the rule guidance
import kpidesk.services.team  # noqa: F401 - defines the team CSV headings
from kpidesk.domain.messages import CATALOGUE
from kpidesk.engine.catalogue import discover


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_is_complete_in_both_languages() -> None:
    """English complete: no empty text, the same fields in a plural's forms, no "(s)" standing
    in for a plural (a plural has its forms). The languages may use different fields (a date
    "d. 4/12" against "on 4 Dec")."""
    discover()  # the templates define their names and descriptions
    assert len(CATALOGUE.ids()) > 40
    for msg_id in CATALOGUE.ids():
        msg = CATALOGUE.get(msg_id)
        das = msg.da if isinstance(msg.da, tuple) else (msg.da,)
        ens = msg.en if isinstance(msg.en, tuple) else (msg.en,)
        for text in (*das, *ens):
            assert text.strip(), msg_id
            assert not re.search(r"\w\(s\)|\(e\)r\b", text), f"{msg_id}: {text!r}"
        for forms in (das, ens):
            assert all(_fields(text) == _fields(forms[-1]) for text in forms), msg_id
