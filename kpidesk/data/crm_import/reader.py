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
    return Source(path, "Windows-1252", "cp1252", lines), None


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


def find_files(directory: Path) -> tuple[dict[str, Path], list[str]]:
    """The CRM files in DIR (names matched case-insensitively) and other CSV files found."""
    if not directory.exists():
        raise ImportFailed([f"{directory}: folder not found"])
    if not directory.is_dir():
        raise ImportFailed([f"{directory}: not a folder"])
    found: dict[str, Path] = {}
    ignored: list[str] = []
    for path in sorted(directory.iterdir()):
        if not path.is_file():
            continue
        name = path.name.lower()
        if name in FILE_NAMES and name not in found:
            found[name] = path
        elif name.endswith(".csv"):
            ignored.append(path.name)
    if not found:
        raise ImportFailed([f"{directory}: no CRM files found (expected {', '.join(FILE_NAMES)})"])
    return found, ignored


def find_sources(directory: Path, patterns: list[str]) -> tuple[list[list[Path]], list[str]]:
    """Per pattern (a file name or a glob, matched case-insensitively) the files in DIR it
    names, and the CSV files no pattern names."""
    if not directory.exists():
        raise ImportFailed([f"{directory}: folder not found"])
    if not directory.is_dir():
        raise ImportFailed([f"{directory}: not a folder"])
    files = [path for path in sorted(directory.iterdir()) if path.is_file()]
    matched: list[list[Path]] = []
    used: set[Path] = set()
    for pattern in patterns:
        hits = [path for path in files if fnmatch.fnmatchcase(path.name.lower(), pattern.lower())]
        matched.append(hits)
        used.update(hits)
    ignored = [p.name for p in files if p not in used and p.name.lower().endswith(".csv")]
    return matched, ignored
