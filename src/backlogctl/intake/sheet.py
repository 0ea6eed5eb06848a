"""Reading a spreadsheet into header and rows: CSV (stdlib), XLSX (python-calamine), Jira's CSV export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backlogctl.errors import InputError

FORMATS = ("csv", "xlsx", "jira-csv")
XLSX_HINT = "reading .xlsx needs the xlsx extra: pip install 'backlogctl[xlsx]'"
_JIRA_MARKERS = {"issue key", "summary"}
_LARGEST = 20 * 1024 * 1024  # a backlog spreadsheet, not a data set


@dataclass(frozen=True, slots=True)
class Sheet:
    """A table as the spreadsheet shows it: row numbers count the header as row 1."""

    path: Path
    format: str
    columns: list[str]
    rows: list[tuple[int, list[Any]]]


def read(path: Path, fmt: str | None = None) -> Sheet:
    """Read ``path`` as ``fmt`` (default: from the extension; a Jira export is recognised by its header)."""
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise InputError("no such file", path=path)
    if path.stat().st_size > _LARGEST:
        raise InputError(f"larger than {_LARGEST // 1024 // 1024} MB; is this the backlog?", path=path)
    if fmt is None:
        fmt = "xlsx" if path.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods"} else "csv"
    table = _xlsx(path) if fmt == "xlsx" else _csv(path)
    table = [row for row in table]
    if not table or not any(_filled(cell) for cell in table[0]):
        raise InputError("the first row must name the columns, and it is empty", path=path)
    columns = [str(cell).strip() for cell in table[0]]
    if fmt == "csv" and {_norm(c) for c in columns} >= _JIRA_MARKERS:
        fmt = "jira-csv"
    rows = [
        (number, _pad(row, len(columns)))
        for number, row in enumerate(table[1:], start=2)
        if any(_filled(cell) for cell in row)
    ]
    for number, row in rows:
        if len(row) > len(columns) and any(_filled(cell) for cell in row[len(columns) :]):
            raise InputError(f"row {number} has more cells than the header has columns", path=path)
    return Sheet(path, fmt, columns, [(n, row[: len(columns)]) for n, row in rows])


def _norm(header: str) -> str:
    return " ".join(header.casefold().split())


def _filled(cell: Any) -> bool:
    return cell is not None and str(cell).strip() != ""


def _pad(row: list[Any], width: int) -> list[Any]:
    return row + [""] * (width - len(row)) if len(row) < width else row


def _csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # German Excel saves "CSV" in Windows-1252; every byte decodes there.
        text = raw.decode("cp1252", errors="replace")
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise InputError(f"not readable as CSV: {exc}", path=path) from None


def _xlsx(path: Path) -> list[list[Any]]:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        raise InputError(XLSX_HINT) from None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows: list[list[Any]] = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise InputError(f"not readable as a spreadsheet: {exc}", path=path) from None
    return rows
