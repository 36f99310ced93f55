"""Reading the export's files: which files, which encoding, which delimiter, which lines."""

from __future__ import annotations

import codecs
import csv
import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kpidesk.data.crm_import.entities import FILE_NAMES
from kpidesk.data.crm_import.report import ImportFailed


@dataclass
class Source:
    path: Path
    label: str  # what the report says, e.g. "UTF-8 with BOM"
    codec: str
    lines: int


def _line_of(data: bytes, position: int, before: int) -> int:
    return before + data[:position].count(b"\n") + 1


def detect_encoding(path: Path) -> tuple[Source | None, tuple[int, str] | None]:
    """UTF-8 (with or without BOM), else Windows-1252; streamed, so big files stay cheap."""
    with path.open("rb") as handle:
        head = handle.read(3)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, (1, "UTF-16 is not supported: save it as 'CSV UTF-8' (or plain CSV) instead")
    bom = head == codecs.BOM_UTF8
    lines = 0
    utf8_error: tuple[int, str] | None = None
    cp1252_error: tuple[int, str] | None = None
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    last = b""
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            if utf8_error is None:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError as exc:
                    line = _line_of(chunk, exc.start, lines)
                    utf8_error = (line, f"byte 0x{chunk[exc.start]:02x} on line {line}")
            if utf8_error is not None and cp1252_error is None:
                # Only needed once UTF-8 failed, but cheap: the file is read once either way.
                try:
                    cp1252.decode(chunk)
                except UnicodeDecodeError as exc:
                    line = _line_of(chunk, exc.start, lines)
                    cp1252_error = (line, f"byte 0x{chunk[exc.start]:02x}")
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if utf8_error is None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_error = (lines + 1, "the file ends inside a UTF-8 character")
    if last and last != b"\n":
        lines += 1
    if utf8_error is None:
        label = "UTF-8 with BOM" if bom else "UTF-8"
        return Source(path, label, "utf-8-sig", lines), None
    if bom:
        return None, (
            utf8_error[0],
            f"starts as UTF-8 (BOM) but is not valid UTF-8: {utf8_error[1]}",
        )
    if cp1252_error is not None:
        return None, (cp1252_error[0], f"neither UTF-8 nor Windows-1252: {cp1252_error[1]}")
    mixed = _mixed_utf8(path)
    if mixed is not None:
        return None, mixed
    return Source(path, "Windows-1252", "cp1252", lines), None


BAD_LINES_SHOWN = 10


def _mixed_utf8(path: Path) -> tuple[int, str] | None:
    """A file with UTF-8 multi-byte characters and also bytes that are not UTF-8.

    Read as Windows-1252 its UTF-8 text would turn into mojibake (`Søren` -> `SÃ¸ren`), read
    as UTF-8 the other bytes are wrong: nobody can tell which is meant, so it is refused with
    the lines to correct. (A file without any UTF-8 multi-byte character is Windows-1252, as
    Danish Excel writes it.)
    """
    utf8_line = 0
    bad: list[int] = []
    count = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                count += 1
                if len(bad) < BAD_LINES_SHOWN:
                    bad.append(number)
                continue
            utf8_line = utf8_line or number
    if not utf8_line or not bad:
        return None
    shown = ", ".join(str(n) for n in bad) + (
        f" and {count - len(bad)} more" if count > len(bad) else ""
    )
    return bad[0], (
        f"mixes UTF-8 (e.g. line {utf8_line}) with bytes that are not UTF-8 on line"
        f"{'s' if count > 1 else ''} {shown}: save the file again as UTF-8 (or correct those lines)"
    )


def sniff_delimiter(header: str) -> str:
    """Danish Excel writes `;`, everything else `,`: the header line tells which."""
    return ";" if header.count(";") > header.count(",") else ","


def numbered_rows(source: Source, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (a quoted value may span lines)."""
    with source.path.open(encoding=source.codec, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        last = 0
        for values in reader:
            yield last + 1, values
            last = reader.line_num


def not_readable(path: Path, directory: Path) -> str | None:
    """Why a CSV-looking entry of DIR is not read: a folder, or a link leading out of DIR."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(directory.resolve()):
            return f"{path.name} is a link to {target}, outside the folder: not followed"
    if path.is_dir():
        return f"{path.name} is a folder, not a file"
    return None


def find_files(directory: Path) -> tuple[dict[str, Path], list[str], list[str]]:
    """The CRM files in DIR (names matched case-insensitively), other CSV files found, and
    CSV names that are not read (folders, links out of DIR), each with the reason."""
    if not directory.exists():
        raise ImportFailed([f"{directory}: folder not found"])
    if not directory.is_dir():
        raise ImportFailed([f"{directory}: not a folder"])
    found: dict[str, Path] = {}
    ignored: list[str] = []
    refused: list[str] = []
    for path in sorted(directory.iterdir()):
        name = path.name.lower()
        if name in FILE_NAMES or name.endswith(".csv"):
            reason = not_readable(path, directory)
            if reason is not None:
                refused.append(reason)
                continue
        if not path.is_file():
            continue
        if name in FILE_NAMES and name not in found:
            found[name] = path
        elif name.endswith(".csv"):
            ignored.append(path.name)
    if not found:
        raise ImportFailed(
            [f"{directory}: no CRM files found (expected {', '.join(FILE_NAMES)})"]
            + [f"{directory}: {reason}" for reason in refused]
        )
    return found, ignored, refused


def find_sources(
    directory: Path, patterns: list[str]
) -> tuple[list[list[Path]], list[str], list[str]]:
    """Per pattern (a file name or a glob, matched case-insensitively) the files in DIR it
    names, the CSV files no pattern names, and entries not read (folders, links out of DIR)."""
    if not directory.exists():
        raise ImportFailed([f"{directory}: folder not found"])
    if not directory.is_dir():
        raise ImportFailed([f"{directory}: not a folder"])
    files: list[Path] = []
    refused: list[str] = []
    for path in sorted(directory.iterdir()):
        named = any(fnmatch.fnmatchcase(path.name.lower(), p.lower()) for p in patterns)
        if named or path.name.lower().endswith(".csv"):
            reason = not_readable(path, directory)
            if reason is not None:
                refused.append(reason)
                continue
        if path.is_file():
            files.append(path)
    matched: list[list[Path]] = []
    used: set[Path] = set()
    for pattern in patterns:
        hits = [path for path in files if fnmatch.fnmatchcase(path.name.lower(), pattern.lower())]
        matched.append(hits)
        used.update(hits)
    ignored = [p.name for p in files if p not in used and p.name.lower().endswith(".csv")]
    return matched, ignored, refused
