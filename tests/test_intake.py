"""`import`: CSV, XLSX and Jira exports become items, all rows checked before any is written."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import EXAMPLE, Result, git

JIRA = Path(__file__).parent / "imports" / "jira-export.csv"

LAB_HEADER = [
    "Titel",
    "Verantwortlich",
    "Status",
    "Nutzen",
    "Aufwand",
    "Machbarkeit",
    "Risikoklasse",
    "Erstellt",
    "Schlagworte",
    "Personenwochen",
    "Bemerkungen",
    "ID",
]
LAB_ROWS: list[list[Any]] = [
    [
        "Churn-Vorhersage B2B",
        "Jonas Brandt",
        "vorgeschlagen",
        13,
        5,
        4,
        "begrenzt",
        dt.date(2026, 11, 3),
        "vertrieb, kunden",
        6,
        "Mit Vertrieb abgestimmt",
        "L-1",
    ],
    [
        "Rechnungs-OCR",
        "Aylin Demir",
        "in Arbeit",
        8,
        3,
        5,
        "minimal",
        "01.12.2026",
        "finanzen; dokumente",
        4.5,
        None,
        "L-2",
    ],
    [
        "Bedarfsprognose Ersatzteile",
        "Niklas Berger",
        "Bereit",
        20,
        13,
        3,
        "unbewertet",
        "15.10.2026",
        "",
        12,
        "",
        "L-3",
    ],
]


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """A lab spreadsheet made by a real XLSX writer (openpyxl), as Excel would save it."""
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Modell-Backlog"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def items_of(run: Callable[..., Result]) -> list[dict[str, Any]]:
    listed = run("list", "--format", "csv")
    assert listed.exit_code == 0
    return list(csv.DictReader(io.StringIO(listed.stdout)))


def item_files(backlog: Path) -> list[Path]:
    return sorted((backlog / "items").glob("*.yaml"))


def test_list_csv_of_the_example_round_trips(run: Callable[..., Result], tmp_path: Path) -> None:
    exported = run("list", "--format", "csv", cwd=EXAMPLE)
    source = tmp_path / "example.csv"
    source.write_text(exported.stdout, encoding="utf-8")

    result = run("import", str(source))

    assert result.exit_code == 0, result.output
    original = list(csv.DictReader(io.StringIO(exported.stdout)))
    imported = items_of(run)
    assert len(imported) == len(original) == 32
    # Ids are given by `new`; every field the CSV carries comes back as it was.
    assert [{k: v for k, v in row.items() if k != "id"} for row in imported] == [
        {k: v for k, v in row.items() if k != "id"} for row in original
    ]


def test_a_lab_spreadsheet_with_german_headers(
    run: Callable[..., Result], backlog: Path, tmp_path: Path
) -> None:
    sheet = write_xlsx(tmp_path / "backlog.xlsx", LAB_HEADER, LAB_ROWS)

    result = run("import", str(sheet), "--key", "ID")

    assert result.exit_code == 0, result.output
    assert "3 items created" in result.stdout
    shown = run("show", "AI-2", "--format", "json")
    import json

    item = json.loads(shown.stdout)["item"]
    assert item["title"] == "Rechnungs-OCR"
    assert item["owner"] == "Aylin Demir"
    assert item["status"] == "in_progress"
    assert item["created"] == "2026-12-01"
    assert item["tags"] == ["finanzen", "dokumente"]
    assert item["scores"]["business_value"] == 8
    assert item["scores"]["effort"] == 3
    assert item["resources"]["effort_weeks"] == 4.5
    assert item["import_key"] == "L-2"
    first = json.loads(run("show", "AI-1", "--format", "json").stdout)["item"]
    assert first["risk_class"] == "limited"
    assert first["created"] == "2026-11-03"
    assert first["notes"] == "Mit Vertrieb abgestimmt"
    lint = run("lint", "--format", "json")
    assert "unknown-field" not in lint.stdout  # import_key is a documented field


def test_one_bad_row_writes_nothing_and_names_the_row(
    run: Callable[..., Result], backlog: Path, tmp_path: Path
) -> None:
    rows = [list(row) for row in LAB_ROWS]
    rows[1][4] = 4  # Aufwand 4 is off the Fibonacci scale: refused, not rounded to 3 or 5
    sheet = write_xlsx(tmp_path / "backlog.xlsx", LAB_HEADER, rows)

    result = run("import", str(sheet))

    assert result.exit_code == 2
    assert "row 3, column 'Aufwand'" in result.stderr
    assert "must be one of 1, 2, 3, 5, 8, 13, 20" in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert item_files(backlog) == []


def test_every_failure_is_named(run: Callable[..., Result], backlog: Path, tmp_path: Path) -> None:
    source = tmp_path / "sheet.csv"
    source.write_text(
        "Titel;Erstellt;Status;Machbarkeit\n"
        "Gut;01.12.2026;bereit;3\n"
        ";02.12.2026;bereit;3\n"
        "Datum falsch;31.02.2026;bereit;3\n"
        "Status falsch;01.12.2026;fertig;7\n",
        encoding="utf-8",
    )

    result = run("import", str(source))

    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert "4 problems; nothing was written" in lines[0]
    assert "  row 3, column 'Titel': empty; every item needs a title" in lines
    assert "  row 4, column 'Erstellt': '31.02.2026' is not a date; write 2026-12-01 or 01.12.2026" in lines
    assert any(line.startswith("  row 5, column 'Status': 'fertig' is not one of proposed") for line in lines)
    assert any(line.startswith("  row 5, column 'Machbarkeit': 7") for line in lines)
    assert item_files(backlog) == []


def test_dry_run_shows_and_writes_nothing(run: Callable[..., Result], backlog: Path, tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "backlog.xlsx", LAB_HEADER, LAB_ROWS)

    result = run("import", str(sheet), "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "would create AI-1\titems/AI-1-churn-vorhersage-b2b.yaml\t(row 2)"
    assert "3 items would be created; nothing written (--dry-run)" in result.stdout
    assert item_files(backlog) == []


def test_a_key_makes_the_import_re_runnable(
    run: Callable[..., Result], backlog: Path, tmp_path: Path
) -> None:
    sheet = write_xlsx(tmp_path / "backlog.xlsx", LAB_HEADER, LAB_ROWS[:2])
    assert run("import", str(sheet), "--key", "ID").exit_code == 0
    write_xlsx(sheet, LAB_HEADER, LAB_ROWS)

    again = run("import", str(sheet), "--key", "ID")

    assert again.exit_code == 0, again.output
    assert "skipped row 2: key 'L-1' was imported as AI-1" in again.stdout
    assert "created AI-3\titems/AI-3-bedarfsprognose-ersatzteile.yaml\t(row 4)" in again.stdout
    assert len(item_files(backlog)) == 3


def test_a_repeated_key_is_refused(run: Callable[..., Result], backlog: Path, tmp_path: Path) -> None:
    rows = [list(row) for row in LAB_ROWS]
    rows[2][-1] = "L-1"
    sheet = write_xlsx(tmp_path / "backlog.xlsx", LAB_HEADER, rows)

    result = run("import", str(sheet), "--key", "ID")

    assert result.exit_code == 2
    assert "row 4, column 'ID': key 'L-1' again (first in row 2)" in result.stderr
    assert item_files(backlog) == []


def test_map_names_a_column_and_leaves_one_out(
    run: Callable[..., Result], backlog: Path, tmp_path: Path
) -> None:
    source = tmp_path / "sheet.csv"
    source.write_text("Use case,Owner,Nutzen\nLead scoring,anna,5\n", encoding="utf-8")

    result = run("import", str(source), "--map", "Use case=title", "--map", "Nutzen=-")

    assert result.exit_code == 0, result.output
    import json

    item = json.loads(run("show", "AI-1", "--format", "json").stdout)["item"]
    assert (item["title"], item["owner"], item["scores"]["business_value"]) == ("Lead scoring", "anna", None)


@pytest.mark.parametrize(
    ("maps", "message"),
    [
        (["Nope=title"], "--map names a column the file does not have: 'nope'"),
        (["Titel=titel"], "'titel' is not a field"),
    ],
)
def test_bad_maps_are_refused(
    run: Callable[..., Result], backlog: Path, tmp_path: Path, maps: list[str], message: str
) -> None:
    source = tmp_path / "sheet.csv"
    source.write_text("Titel\nA\n", encoding="utf-8")
    args = [arg for pair in maps for arg in ("--map", pair)]

    result = run("import", str(source), *args)

    assert result.exit_code == 2
    assert message in result.stderr
    assert item_files(backlog) == []


def test_jira_export(run: Callable[..., Result], backlog: Path) -> None:
    result = run("import", str(JIRA))

    assert result.exit_code == 0, result.output
    import json

    first = json.loads(run("show", "AI-1", "--format", "json").stdout)["item"]
    assert first["title"] == "Churn model for B2B customers"
    assert first["tags"] == ["sales", "retention"]  # Labels,Labels,Labels gathered, empty ones dropped
    assert first["scores"]["business_value"] == 8  # priority High
    assert first["scores"]["effort"] == 8  # story points
    assert first["status"] == "proposed"  # To Do
    assert first["created"] == "2026-11-03"
    assert first["import_key"] == "ML-101"  # the issue key is the default key
    statuses = [row["status"] for row in items_of(run)]
    assert statuses == ["proposed", "in_progress", "deployed"]
    again = run("import", str(JIRA))
    assert "0 items created, 3 skipped as imported before" in again.stdout


def test_jira_story_points_off_the_scale_are_refused(
    run: Callable[..., Result], backlog: Path, tmp_path: Path
) -> None:
    source = tmp_path / "jira.csv"
    source.write_text(
        JIRA.read_text(encoding="utf-8").replace(",8,ML Sprint", ",40,ML Sprint"), encoding="utf-8"
    )

    result = run("import", str(source), "--format", "jira-csv")

    assert result.exit_code == 2
    assert (
        "row 2, column 'Custom field (Story Points)': 40: must be one of 1, 2, 3, 5, 8, 13, 20"
        in result.stderr
    )


def test_commit_makes_one_commit(run: Callable[..., Result], git_backlog: Path, tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "backlog.xlsx", LAB_HEADER, LAB_ROWS)
    before = git(git_backlog, "rev-list", "--count", "HEAD")

    result = run("import", str(sheet), "--commit", "-m", "Import the lab sheet")

    assert result.exit_code == 0, result.output
    assert int(git(git_backlog, "rev-list", "--count", "HEAD")) == int(before) + 1
    assert git(git_backlog, "log", "-1", "--format=%s").strip() == "Import 3 items from backlog.xlsx"
    assert git(git_backlog, "log", "-1", "--format=%b").strip() == "Import the lab sheet"
    files = git(git_backlog, "show", "--name-only", "--format=", "HEAD").split()
    assert len(files) == 3 and all(f.startswith("items/AI-") for f in files)
    assert git(git_backlog, "status", "--porcelain") == ""


def test_cp1252_csv_from_german_excel(run: Callable[..., Result], backlog: Path, tmp_path: Path) -> None:
    source = tmp_path / "excel.csv"
    source.write_bytes(
        "Titel;Verantwortlich;Konfidenz\nPrüfplan-Optimierung;Jürgen Weiß;0,8\n".encode("cp1252")
    )

    result = run("import", str(source))

    assert result.exit_code == 0, result.output
    import json

    item = json.loads(run("show", "AI-1", "--format", "json").stdout)["item"]
    assert (item["title"], item["owner"], item["scores"]["confidence"]) == (
        "Prüfplan-Optimierung",
        "Jürgen Weiß",
        0.8,
    )


def test_missing_xlsx_reader_says_how_to_install(
    run: Callable[..., Result], backlog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    sheet = write_xlsx(tmp_path / "backlog.xlsx", LAB_HEADER, LAB_ROWS)
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # import fails as when not installed

    result = run("import", str(sheet))

    assert result.exit_code == 2
    assert (
        result.stderr.strip() == "error: reading .xlsx needs the xlsx extra: pip install 'backlogctl[xlsx]'"
    )


def test_a_refused_commit_leaves_nothing_behind(
    run: Callable[..., Result], git_backlog: Path, tmp_path: Path
) -> None:
    sheet = write_xlsx(tmp_path / "backlog.xlsx", LAB_HEADER, LAB_ROWS)
    hook = git_backlog / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook: no imports today' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    before = git(git_backlog, "rev-parse", "HEAD")

    result = run("import", str(sheet), "--commit")

    assert result.exit_code == 2
    assert "no imports today" in result.stderr
    assert item_files(git_backlog) == []
    assert git(git_backlog, "rev-parse", "HEAD") == before
    assert git(git_backlog, "status", "--porcelain") == ""
