"""The words people read outside Qt's widgets, in Danish and English, keyed by message id.

Template names, descriptions and explanations are said by the GUI and the `kpidesk` command
alike, so their text lives here once (pure Python, no Qt) rather than in Qt's `.ts` files,
which the CLI cannot load. Widget strings stay in `tr()` and `resources/i18n/*.ts`.
See docs/architecture.md, "Languages".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kpidesk.domain.display import Language, language

# A text, or a plural's (one, other) forms: Danish and English both use "one" for exactly 1.
Text = str | tuple[str, str]


@dataclass(frozen=True)
class Msg:
    """One message in both languages; `{name}` fields are filled by `say`, `{n}` is the count."""

    da: Text
    en: Text

    def __post_init__(self) -> None:
        if isinstance(self.da, tuple) != isinstance(self.en, tuple):
            raise ValueError(f"a plural needs plural forms in both languages: {self!r}")

    def text(self, lang: str = "da", n: int | None = None, **values: Any) -> str:
        """The text in `lang` with its fields filled; a plural picks its form by `n`."""
        text = self.en if language(lang) == "en" else self.da
        if isinstance(text, tuple):
            if n is None:
                raise ValueError(f"{self!r} is a plural: say how many (n=)")
            text = text[0] if n == 1 else text[1]
        if n is not None:
            values.setdefault("n", n)
        return text.format(**values) if values else text


NO_TEXT = Msg(da="", en="")


class Catalogue:
    """Messages by id (`template.kam_coverage.name`, `explain.summary` …), in da and en."""

    def __init__(self) -> None:
        self._messages: dict[str, Msg] = {}

    def define(self, prefix: str, messages: Mapping[str, Msg]) -> None:
        """Add messages under `prefix.`; the same id again must say the same (a re-import)."""
        for key, msg in messages.items():
            msg_id = f"{prefix}.{key}" if prefix else key
            known = self._messages.get(msg_id)
            if known is not None and known != msg:
                raise ValueError(f"message {msg_id!r} is already defined differently")
            self._messages[msg_id] = msg

    def __contains__(self, msg_id: object) -> bool:
        return msg_id in self._messages

    def ids(self) -> list[str]:
        return sorted(self._messages)

    def get(self, msg_id: str) -> Msg:
        try:
            return self._messages[msg_id]
        except KeyError:
            raise KeyError(f"no message {msg_id!r} in the catalogue") from None

    def say(self, msg_id: str, lang: str = "da", n: int | None = None, **values: Any) -> str:
        """The message in `lang` with its fields filled; a plural picks its form by `n`."""
        try:
            return self.get(msg_id).text(lang, n, **values)
        except ValueError as exc:
            raise ValueError(f"message {msg_id!r}: {exc}") from None


CATALOGUE = Catalogue()
define = CATALOGUE.define
say = CATALOGUE.say


def _code(value: str) -> str:
    """`en_GB.UTF-8` → `en`; `C`/`POSIX` stay as they are."""
    return value.split(".")[0].split("@")[0].split("_")[0].split("-")[0].strip().lower()


def language_from_environment(environ: Mapping[str, str]) -> Language:
    """The language a Unix desktop asks for, decided the way Qt's `QLocale.system()` does.

    The first of LC_ALL, LC_MESSAGES and LANG that is set names the locale; a C or POSIX locale
    (or none) is no language and gets Danish; otherwise the first entry of LANGUAGE, when set,
    overrides it. English for an English locale, Danish for any other, as the GUI decides.
    """
    chosen = ""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        chosen = environ.get(name, "")
        if chosen:
            break
    if not chosen or _code(chosen) in ("c", "posix"):
        return "da"
    preferred = [part for part in environ.get("LANGUAGE", "").split(":") if part.strip()]
    if preferred:
        chosen = preferred[0]
    return language(_code(chosen))
