"""The one cache file: one switch for every cache, and safe when two processes use it at once."""

from __future__ import annotations

import json
import marshal
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from backlogctl import backlog, history
from backlogctl import cache as cachefile
from backlogctl.history import audit
from backlogctl.render import jsonout
from backlogctl.store import cache as parse_cache
from tests.helpers import script_history


def titles(root: Path) -> dict[str | None, Any]:
    return {entry.id: (entry.data or {}).get("title") for entry in backlog.load(root).entries}


def answers(root: Path) -> tuple[Any, ...]:
    """What each of the three caches feeds: item data, an item's history, the highest branch ids."""
    return (
        titles(root),
        jsonout.to_json_value(audit.item_history(root, "AI-1")),
        dict(history.branch_highest_ids(root, "items")),
    )


def poison(location: Path) -> None:
    """Wrong answers in every table: a title in the parse cache, AI-1's history swapped with AI-3's,
    and a highest id of 500 for every tree."""
    db = sqlite3.connect(location)
    with db:
        for path, record in db.execute("SELECT path, record FROM parsed").fetchall():
            ident, data, dates = marshal.loads(record)
            data["title"] = "Poisoned"
            record = marshal.dumps((ident, data, dates))
            db.execute("UPDATE parsed SET record = ? WHERE path = ?", (record, path))
        results = db.execute("SELECT key, value FROM results").fetchall()
        keys = {key.split("\x1f")[2]: (key, value) for key, value in results}
        (one, first), (three, third) = keys["AI-1"], keys["AI-3"]
        db.execute("UPDATE results SET value = ? WHERE key = ?", (third, one))
        db.execute("UPDATE results SET value = ? WHERE key = ?", (first, three))
        db.execute("UPDATE branch_ids SET highest = ?", (json.dumps({"AI": 500}),))
    db.close()


def test_one_switch_turns_every_cache_off(git_backlog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script_history(git_backlog)
    monkeypatch.setattr(parse_cache, "RACY_SECONDS", 0)  # the items were written a moment ago
    monkeypatch.setenv("BACKLOGCTL_NO_CACHE", "1")
    cold = answers(git_backlog)
    jsonout.to_json_value(audit.item_history(git_backlog, "AI-3"))
    assert not cachefile.location().exists(), "the switch writes nothing"
    assert not cachefile.folder().exists()

    monkeypatch.delenv("BACKLOGCTL_NO_CACHE")
    assert answers(git_backlog) == cold  # fills the cache
    jsonout.to_json_value(audit.item_history(git_backlog, "AI-3"))
    poison(cachefile.location())
    served = answers(git_backlog)
    assert served[0] == {"AI-1": "Poisoned", "AI-3": "Poisoned"}, "the parse cache answers"
    assert [c["commit"] for c in served[1]["changes"]] != [c["commit"] for c in cold[1]["changes"]]
    assert served[2] == {"AI": 500}, "the branch-ids cache answers"

    monkeypatch.setenv("BACKLOGCTL_NO_CACHE", "1")
    assert answers(git_backlog) == cold, "with the switch on, no cache is read"


def test_the_cache_is_one_private_file(git_backlog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script_history(git_backlog)
    answers(git_backlog)
    assert sorted(p.name for p in cachefile.folder().iterdir()) == [cachefile.FILE_NAME]
    assert cachefile.location().stat().st_mode & 0o777 == 0o600


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from backlogctl.store import cache, load_items

    cache.RACY_SECONDS = 0
    folder, go, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    while not go.exists():
        time.sleep(0.001)
    for n in range(rounds):
        for path in sorted(folder.iterdir()):
            path.write_text(f"id: {path.stem}\\ntitle: round {n}\\n")
        loaded = load_items(sorted(folder.iterdir()), cache_for=folder)
        assert all(item.data and item.data["title"] == f"round {n}" for item in loaded), loaded
    """
)


def test_two_processes_writing_at_once_leave_a_readable_cache(tmp_path: Path) -> None:
    folders = [tmp_path / "one", tmp_path / "two"]
    for folder in folders:
        folder.mkdir()
        for n in range(1, 31):
            (folder / f"AI-{n}.yaml").write_text(f"id: AI-{n}\ntitle: start\n")
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), str(go), "100"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in folders
    ]
    time.sleep(0.5)  # both started (importing) before either writes
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        assert err == ""

    db = sqlite3.connect(cachefile.location())
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = db.execute("SELECT folder, count(*) FROM parsed GROUP BY folder").fetchall()
    db.close()
    assert stored == [(os.path.realpath(f), 30) for f in folders], "both processes' rows are there"
    for folder in folders:
        paths = sorted(folder.iterdir())
        for path, data in zip(paths, parse_cache.Cache(folder).read(paths), strict=True):
            assert data == {"id": path.stem, "title": "round 99"}, path
