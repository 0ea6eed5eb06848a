"""Whole CLI invocations on mutated backlogs: no crash, and a failed command changes nothing.

Each example copies a small committed backlog (five items of the example lab),
damages one file in one way a careless team or a hostile repository would
(a value of the wrong shape, a huge number, a tag, a cut-off file, a link
loop, a broken backlog.yaml...), then runs a few commands in-process. Every
command must end with one of the documented exit codes (0, 1, 2) and no
exception of its own; a command that failed (exit 2) must leave every file
and the git index byte for byte as they were, and a read command must never
change anything.

CI runs a bounded number of examples (the hypothesis profile in conftest);
for a deep run: ``python -m pytest --hypothesis-profile=deep tests/test_cli_fuzz.py``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from backlogctl.cli import app
from backlogctl.render import console
from tests.helpers import EXAMPLE, GIT_ENV

ITEMS = [
    "AI-1-customer-and-order-feature-store.yaml",
    "AI-3-churn-prediction-for-b2b-contract-custom.yaml",
    "AI-4-spare-parts-demand-forecast.yaml",
    "AI-5-support-retrieval-assistant.yaml",
    "AI-8-credit-limit-model-for-trade-customers.yaml",
]
ITEM_KEYS = [
    "id",
    "title",
    "kind",
    "status",
    "owner",
    "team",
    "stakeholders",
    "created",
    "last_reviewed",
    "decision",
    "description",
    "expected_benefit",
    "resources",
    "scores",
    "risk_class",
    "depends_on",
    "tags",
    "links",
    "notes",
]
NESTED_KEYS = ["effort", "business_value", "feasibility", "confidence", "effort_weeks", "metric", "target"]
CONFIG_KEYS = ["name", "id_prefix", "items_dir", "review", "scoring", "statuses", "cadence_days", "default"]
HOSTILE = [
    "[ready]",
    "{a: 1}",
    "9" * 5000,
    "-" + "9" * 4400,
    "1e400",
    ".inf",
    "-.inf",
    ".nan",
    "!!binary aGk=",
    "!!python/object/apply:os.system ['true']",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "~",
    "''",
    "2026-13-40",
    "2026-02-29",
    "2026-01-02 10:00:00",
    '"\\x1b]52;c;aGk=\\x07\\x1b[2J"',
    '"\\u202eevil"',
    "&a [*a, *a]",
    "*nowhere",
    "[[[[[[[[[[]]]]]]]]]]",
    "-1",
    "0",
    "1000000000000000000000",
    "true",
    "AI-1",
    "[AI-1, AI-999, 7]",
    "[AI-3]",
    "x" * 3000,
    "'<script>alert(1)</script>'",
    "'=cmd|calc'",
    "0x1F",
    "'../../etc/passwd'",
    "review/ bad..ref",
    "{cadence_days: -5}",
    "{default: nowhere}",
]


def _mutate_value(text: str, key: str, value: str) -> str:
    """Replace the value of the first line that sets ``key`` (at any indent)."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        stripped = line.lstrip(" ")
        if stripped.startswith(f"{key}:"):
            indent = line[: len(line) - len(stripped)]
            lines[number] = f"{indent}{key}: {value}"
            return "\n".join(lines)
    return text + f"\n{key}: {value}\n"


FILE_DAMAGE = ["loop", "folder", "empty", "rename", "outside", "dir-loop"]
MUTATIONS = st.one_of(
    st.tuples(st.just("value"), st.sampled_from(ITEM_KEYS + NESTED_KEYS), st.sampled_from(HOSTILE)),
    st.tuples(st.just("config"), st.sampled_from(CONFIG_KEYS), st.sampled_from(HOSTILE)),
    st.tuples(st.just("cut"), st.integers(0, 4000), st.just("")),
    st.tuples(st.just("bytes"), st.integers(0, 4000), st.binary(min_size=1, max_size=4).map(bytes.hex)),
    st.tuples(st.just("drop-line"), st.integers(0, 80), st.just("")),
    st.tuples(st.just("twice"), st.integers(0, 80), st.just("")),
    st.tuples(
        st.just("fs"),
        st.sampled_from(["loop", "folder", "empty", "rename", "outside", "dir-loop"]),
        st.just(""),
    ),
)

READS: list[list[str]] = [
    ["list"],
    ["list", "--format", "json"],
    ["list", "--format", "csv"],
    ["show", "AI-3"],
    ["show", "AI-3", "--format", "json"],
    ["lint"],
    ["lint", "--format", "json"],
    ["lint", "items/" + ITEMS[2]],
    ["rank"],
    ["rank", "--explain", "--format", "json"],
    ["rank", "--format", "csv"],
    ["rank", "--format", "markdown", "--all"],
    ["rank", "--stability", "--format", "json"],
    ["rank", "--model", "value_density"],
    ["report", "--format", "markdown"],
    ["report", "--format", "html"],
    ["history", "AI-3", "--format", "json"],
    ["changes", "--format", "json"],
    ["review", "due"],
    ["schema"],
]
WRITES: list[list[str]] = [
    ["set", "AI-3", "scores.effort=5"],
    ["set", "AI-4", "title=Spare parts forecast"],
    ["new", "A model", "--kind", "new", "--owner", "anna"],
    ["review", "mark", "AI-3", "AI-4"],
]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed five-item backlog, copied for every example."""
    folder = tmp_path_factory.mktemp("fuzz") / "lab"
    (folder / "items").mkdir(parents=True)
    shutil.copy(EXAMPLE / "backlog.yaml", folder / "backlog.yaml")
    for name in ITEMS:
        shutil.copy(EXAMPLE / "items" / name, folder / "items" / name)
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "five items"]):
        subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)
    return folder


def _apply(folder: Path, mutation: tuple[str, object, str], pick: int) -> None:
    kind, where, value = mutation
    item = folder / "items" / ITEMS[pick % len(ITEMS)]
    if kind == "value":
        item.write_text(_mutate_value(item.read_text(encoding="utf-8"), str(where), value), encoding="utf-8")
    elif kind == "config":
        config = folder / "backlog.yaml"
        config.write_text(
            _mutate_value(config.read_text(encoding="utf-8"), str(where), value), encoding="utf-8"
        )
    elif kind in ("cut", "bytes"):
        raw = item.read_bytes()
        at = int(str(where)) % (len(raw) + 1)
        item.write_bytes(raw[:at] if kind == "cut" else raw[:at] + bytes.fromhex(value) + raw[at:])
    elif kind in ("drop-line", "twice"):
        lines = item.read_text(encoding="utf-8").split("\n")
        at = int(str(where)) % len(lines)
        lines[at:at] = [] if kind == "drop-line" else [lines[at]]
        if kind == "drop-line":
            del lines[at]
        item.write_text("\n".join(lines), encoding="utf-8")
    else:
        _damage_files(folder, item, str(where))


def _damage_files(folder: Path, item: Path, how: str) -> None:
    if how == "loop":
        (folder / "items" / "loop").symlink_to(".")
    elif how == "dir-loop":
        (folder / "items" / "sub").mkdir()
        (folder / "items" / "sub" / "back").symlink_to("../sub")
    elif how == "folder":
        item.unlink()
        item.mkdir()
    elif how == "empty":
        item.write_bytes(b"")
    elif how == "rename":
        item.rename(item.with_name("AI-77-renamed-by-hand.yaml"))
    elif how == "outside":
        (folder / "items" / "AI-90-elsewhere.yaml").symlink_to("/etc/hostname")


def _state(folder: Path) -> dict[str, str]:
    """Every file's bytes (hashed) and link target, and the git index."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d != ".git" or dirpath != str(folder)]
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = Path(dirpath, name)
            key = str(path.relative_to(folder))
            if path.is_symlink():
                state[key] = "-> " + os.readlink(path)
            elif path.is_file():
                state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    index = folder / ".git" / "index"
    state[".git/index"] = hashlib.sha256(index.read_bytes()).hexdigest()
    state[".git/index.lock"] = str((folder / ".git" / "index.lock").exists())
    return state


def _invoke(folder: Path, args: list[str]) -> tuple[int, str]:
    console.reset()
    outcome = CliRunner().invoke(app, ["-C", str(folder), *args], catch_exceptions=True)
    if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
        raise AssertionError(f"backlogctl {' '.join(args)} crashed") from outcome.exception
    return outcome.exit_code, outcome.output


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    mutation=MUTATIONS,
    pick=st.integers(0, 4),
    commands=st.lists(st.sampled_from(READS + WRITES), min_size=1, max_size=3),
)
def test_a_damaged_backlog_never_crashes_a_command_nor_loses_a_file(
    base: Path, tmp_path: Path, mutation: tuple[str, object, str], pick: int, commands: list[list[str]]
) -> None:
    folder = tmp_path / "example"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(base, folder, symlinks=True)
    _apply(folder, mutation, pick)
    for args in commands:
        before = _state(folder)
        code, output = _invoke(folder, args)
        assert code in (0, 1, 2), f"exit {code} from {args} after {mutation}:\n{output}"
        assert "Traceback" not in output, output
        if code == 2 or args in READS:
            assert _state(folder) == before, f"{args} exited {code} and changed files after {mutation}"


def test_the_fuzz_reaches_the_error_paths(base: Path, tmp_path: Path) -> None:
    """A mutation the harness applies really damages the backlog: lint sees it."""
    folder = tmp_path / "example"
    shutil.copytree(base, folder, symlinks=True)
    _apply(folder, ("value", "status", "[ready]"), 1)
    code, output = _invoke(folder, ["lint"])
    assert code == 1, output
    assert ITEMS[1] in output


run_commands: Callable[..., object] = _invoke  # for a REPL session reproducing a failure
