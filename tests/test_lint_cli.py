"""`backlogctl lint` through the CLI: every format, PATH selection and exit code."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from backlogctl.lint import RULES
from tests.helpers import Result

Run = Callable[..., Result]
VALID = Path(__file__).parent / "examples" / "valid"


def add_valid_items(backlog: Path) -> None:
    """The valid examples, reviewed today so the review cadence holds on any date."""
    today = dt.date.today().isoformat()
    for example in sorted(VALID.glob("*.yaml")):
        text = re.sub(r"^last_reviewed: .*$", f"last_reviewed: {today}", example.read_text(), flags=re.M)
        (backlog / "items" / example.name).write_text(text, encoding="utf-8")


def write(backlog: Path, name: str, text: str) -> Path:
    path = backlog / "items" / name
    path.write_text(text, encoding="utf-8")
    return path


BROKEN = "id: AI-8\ntitle: [unclosed\n"
UNKNOWN_FIELD = (VALID / "AI-1-churn-prediction.yaml").read_text().replace("team:", "teem:")


def test_clean_backlog_exits_0(backlog: Path, run: Run) -> None:
    add_valid_items(backlog)
    result = run("lint", "--format", "text")
    assert result.exit_code == 0
    assert "4 item files checked, no problems" in result.stdout


def test_text_groups_problems_per_file(backlog: Path, run: Run) -> None:
    add_valid_items(backlog)
    write(backlog, "AI-8-broken.yaml", BROKEN)
    result = run("lint", "--format", "text")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    heading = lines.index("items/AI-8-broken.yaml")
    assert re.match(r"  3:1 +error +yaml-syntax +invalid YAML", lines[heading + 1])
    assert "1 error, 0 warnings in 1 file (5 item files checked)" in result.stdout
    assert "Traceback" not in result.output


def test_json_has_the_documented_shape(backlog: Path, run: Run) -> None:
    add_valid_items(backlog)
    write(backlog, "AI-8-broken.yaml", BROKEN)
    result = run("lint", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data == {
        "problems": [
            {
                "path": "items/AI-8-broken.yaml",
                "line": 3,
                "column": 1,
                "rule": "yaml-syntax",
                "severity": "error",
                "item": None,
                "message": data["problems"][0]["message"],
            }
        ],
        "summary": {"items": 5, "errors": 1, "warnings": 0},
        "version": 1,
    }


def test_github_annotations(backlog: Path, run: Run) -> None:
    write(backlog, "AI-8-broken.yaml", BROKEN)
    write(
        backlog,
        "AI-1-churn-prediction.yaml",
        UNKNOWN_FIELD.replace("2026-11-16", dt.date.today().isoformat()),
    )
    result = run("lint", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::warning file=items/AI-1-churn-prediction.yaml,line=7,col=1,title=backlogctl unknown-field::"
        "unknown field 'teem'; did you mean 'team'?",
        "::error file=items/AI-8-broken.yaml,line=3,col=1,title=backlogctl yaml-syntax::"
        "invalid YAML: did not find expected ',' or ']'; fix the syntax",
    ]


def test_auto_format_is_github_under_github_actions(
    backlog: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(backlog, "AI-8-broken.yaml", BROKEN)
    assert not run("lint").stdout.startswith("::error")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run("lint").stdout.startswith("::error file=items/AI-8-broken.yaml,line=3,")


def test_annotation_paths_start_at_the_working_folder(
    backlog: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(backlog, "AI-8-broken.yaml", BROKEN)
    monkeypatch.chdir(backlog.parent)
    result = run("lint", "--format", "github")
    assert result.stdout.startswith(f"::error file={backlog.name}/items/AI-8-broken.yaml,")
    assert (
        json.loads(run("lint", "--format", "json").stdout)["problems"][0]["path"] == "items/AI-8-broken.yaml"
    )


def test_warnings_fail_only_under_strict(backlog: Path, run: Run) -> None:
    add_valid_items(backlog)
    write(
        backlog,
        "AI-1-churn-prediction.yaml",
        UNKNOWN_FIELD.replace("2026-11-16", dt.date.today().isoformat()),
    )
    relaxed = run("lint", "--format", "json")
    assert relaxed.exit_code == 0
    assert json.loads(relaxed.stdout)["summary"] == {"items": 4, "errors": 0, "warnings": 1}
    assert run("lint", "--strict").exit_code == 1


def test_a_bad_file_never_hides_the_others(backlog: Path, run: Run) -> None:
    write(backlog, "AI-8-broken.yaml", BROKEN)
    (backlog / "items" / "AI-9-latin1.yaml").write_bytes("id: AI-9\ntitle: M\xfcller\n".encode("latin-1"))
    write(backlog, "AI-10-list.yaml", "- a\n- b\n")
    write(backlog, "AI-11-incomplete.yaml", "id: AI-11\ntitle: Half\nstatus: proposed\n")
    result = run("lint", "--format", "json")
    assert result.exit_code == 1
    rules = {(p["path"], p["rule"]) for p in json.loads(result.stdout)["problems"]}
    assert {
        ("items/AI-8-broken.yaml", "yaml-syntax"),
        ("items/AI-9-latin1.yaml", "encoding"),
        ("items/AI-10-list.yaml", "not-a-mapping"),
        ("items/AI-11-incomplete.yaml", "incomplete"),
    } <= rules


def test_paths_limit_the_report_but_not_what_rules_see(backlog: Path, run: Run) -> None:
    add_valid_items(backlog)
    write(backlog, "AI-8-broken.yaml", BROKEN)
    twin = (
        (VALID / "AI-1-churn-prediction.yaml").read_text().replace("2026-11-16", dt.date.today().isoformat())
    )
    write(backlog, "AI-1-twin.yaml", twin)

    result = run("lint", "--format", "json", "items/AI-1-twin.yaml")

    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert {(p["path"], p["rule"]) for p in data["problems"]} == {("items/AI-1-twin.yaml", "duplicate-id")}
    assert "items/AI-1-churn-prediction.yaml" in data["problems"][0]["message"]
    assert data["summary"]["items"] == 1
    assert run("lint", "items/AI-2-invoice-ocr.yaml").exit_code == 0
    assert run("lint", "--format", "json", "items").exit_code == 1


def test_paths_relative_to_the_working_folder(backlog: Path, run: Run) -> None:
    write(backlog, "AI-8-broken.yaml", BROKEN)
    result = run("lint", "--format", "json", "AI-8-broken.yaml", cwd=backlog / "items")
    assert json.loads(result.stdout)["summary"]["errors"] == 1


@pytest.mark.parametrize("path", ["items/nope.yaml", "../outside.yaml", "/etc"])
def test_paths_that_do_not_exist_or_leave_the_backlog_exit_2(backlog: Path, run: Run, path: str) -> None:
    (backlog.parent / "outside.yaml").write_text("id: AI-1\n")
    result = run("lint", path)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert path in result.stderr
    assert "Traceback" not in result.output


def test_no_backlog_exits_2(tmp_path: Path, run: Run) -> None:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    result = run("lint", cwd=empty)
    assert result.exit_code == 2
    assert "no backlog.yaml" in result.stderr


def test_bad_configuration_exits_2(backlog: Path, run: Run) -> None:
    (backlog / "backlog.yaml").write_text("review:\n  cadence_days: often\n")
    result = run("lint")
    assert result.exit_code == 2
    assert "backlog.yaml" in result.stderr
    assert "cadence_days" in result.stderr


def test_list_rules_prints_every_rule(run: Run) -> None:
    result = run("lint", "--list-rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(RULES)
    for rule in RULES.values():
        assert any(re.match(rf"{rule.id} +{rule.severity} +{re.escape(rule.doc)}$", line) for line in lines)


def test_help_has_an_example(run: Run) -> None:
    result = run("lint", "--help")
    assert result.exit_code == 0
    assert "Example: backlogctl lint" in result.stdout


def test_the_example_backlog_lints_without_errors(tmp_path: Path, run: Run) -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "ai-lab"
    if not (example / "backlog.yaml").is_file():
        pytest.skip("examples/ai-lab is not there yet")
    copy = tmp_path / "ai-lab"
    shutil.copytree(example, copy)
    result = run("lint", "--format", "json", cwd=copy)
    assert json.loads(result.stdout)["summary"]["errors"] == 0, result.stdout
