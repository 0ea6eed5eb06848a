"""git's log read as a stream: parsed as it arrives, git's failure reported, no process left behind.

`changes` parses git's output while git still walks (and reads the changed
files meanwhile). These tests cut real output at arbitrary points, make git
fail in the middle of a walk by removing an object it needs, and stop walks
early, on real repositories.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backlogctl import authoring
from backlogctl.errors import BacklogError, GitError
from backlogctl.history import audit, early
from backlogctl.history import trail as trail_module
from backlogctl.history.git import Repo, locate
from backlogctl.history.trail import Trail
from backlogctl.history.walk import _FORMAT, LOG_OPTIONS, LogStream, parse_log, parse_tokens, tokens
from backlogctl.render import jsonout
from tests.helpers import ANNA, BEN, ITEM, commit, day, edit, git, init_repo, script_history

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads children from /proc")


@pytest.fixture(scope="module")
def scripted_log(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The raw log of the scripted history (moves, a merge, a deletion), as `LogStream` asks git for it."""
    folder = tmp_path_factory.mktemp("scripted") / "backlog"
    authoring.init(folder, name="Test lab")
    init_repo(folder, "init backlog")
    script_history(folder)
    return locate(folder).run("log", *LOG_OPTIONS, _FORMAT, "HEAD")


@given(st.lists(st.integers(min_value=0, max_value=1 << 16), max_size=40))
def test_output_cut_anywhere_parses_as_the_whole(scripted_log: bytes, cuts: list[int]) -> None:
    at = sorted({cut % (len(scripted_log) + 1) for cut in cuts})
    chunks = [scripted_log[start:end] for start, end in zip([0, *at], [*at, len(scripted_log)], strict=True)]
    whole = list(parse_log(scripted_log))
    assert len(whole) == 9  # init and the script's eight commits, its clean merge too
    assert list(parse_tokens(tokens(chunks))) == whole


def _children() -> set[tuple[int, str]]:
    """This process's child processes (pid, name), zombies included."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if int(rest[1]) == os.getpid():
            found.add((int(stat.parent.name), name))
    return found


def _drains() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "_drain" in t.name]


def _long_history(root: Path, commits: int) -> list[str]:
    """``commits`` commits editing one item, on a fresh repository of the backlog ``root``."""
    init_repo(root, "init backlog")
    item = root / "items" / "AI-1-churn.yaml"
    item.write_text(ITEM.format(id="AI-1", title="Churn"), encoding="utf-8")
    shas = [commit(root, "Add churn", "2026-11-01T10:00:00+00:00", ANNA)]
    for n in range(1, commits):
        edit(item, f"effort: {n + 2}", f"effort: {n + 3}")
        shas.append(commit(root, f"Effort {n + 3}", f"2026-11-01T10:{n:02d}:00+00:00", ANNA))
    return shas


def test_git_failing_in_the_middle_of_the_walk_is_one_error_and_leaves_nothing_behind(backlog: Path) -> None:
    shas = _long_history(backlog, 40)
    root = git(backlog, "rev-list", "--max-parents=0", "HEAD").strip()
    tree = git(backlog, "rev-parse", f"{shas[25]}^{{tree}}").strip()
    stored = backlog / ".git" / "objects" / tree[:2] / tree[2:]
    kept = stored.read_bytes()
    stored.unlink()  # git lists every commit, then writes commits until it needs this tree

    before, threads = _children(), len(_drains())
    with pytest.raises(GitError, match=f"git log failed: .*{tree}"):
        audit.backlog_changes(backlog, since=root)
    assert _children() <= before
    assert len(_drains()) == threads

    env = {**os.environ, "BACKLOGCTL_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "backlogctl", "changes", "--since", root],
        cwd=backlog,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert "git log failed" in done.stderr

    stored.write_bytes(kept)  # the walk that failed left nothing cached: the next one is whole
    cached = jsonout.to_json_value(audit.backlog_changes(backlog, since=root))
    assert len(cached["changed"]) == 39
    assert cached == jsonout.to_json_value(audit.backlog_changes(backlog, since=root))


def test_a_walk_left_unfinished_stops_git(git_backlog: Path) -> None:
    script_history(git_backlog)
    before, threads = _children(), len(_drains())
    stream = LogStream(locate(git_backlog), "HEAD", "items")
    first = next(iter(stream))
    assert first.files
    stream.close()
    assert _children() <= before
    assert len(_drains()) == threads


def test_a_walk_started_and_never_read_ends_with_the_trail(git_backlog: Path) -> None:
    script_history(git_backlog)
    before, threads = _children(), len(_drains())
    with pytest.raises(RuntimeError, match="caller failed"), Trail(git_backlog) as trail:
        trail.start_commits(trail.resolve("HEAD"), prefetch=True)
        raise RuntimeError("caller failed")
    assert _children() <= before
    assert len(_drains()) == threads


def _awkward_history(root: Path) -> None:
    """The scripted history, then a file committed with conflict markers and repaired, and a
    pure move next to a stray file of the same id (paired otherwise once the move's content is
    read elsewhere)."""
    script_history(root)
    items = root / "items"
    churn = items / "AI-1-churn.yaml"
    good = churn.read_text(encoding="utf-8")
    churn.write_text(f"<<<<<<< HEAD\n{good}=======\n{good}>>>>>>> other\n", encoding="utf-8")
    commit(root, "Commit the markers", day(10), ANNA)
    churn.write_text(good.replace("effort: 3", "effort: 8"), encoding="utf-8")
    commit(root, "Repair, with a new effort", day(11), BEN)
    forecast = (items / "AI-3-forecast.yaml").read_text(encoding="utf-8")
    (items / "AI-3-aa-copy.yaml").write_text(forecast.replace("Forecast", "Copy"), encoding="utf-8")
    commit(root, "A stray copy", day(12), ANNA)
    (items / "AI-3-aa-copy.yaml").unlink()
    (items / "z").mkdir()
    (items / "AI-3-forecast.yaml").rename(items / "z" / "AI-3-forecast.yaml")
    commit(root, "Drop the copy, move forecast", day(13), BEN)
    (items / "y").mkdir()
    edit(items / "z" / "AI-3-forecast.yaml", "effort: 3", "effort: 4")
    (items / "z" / "AI-3-forecast.yaml").rename(items / "y" / "AI-3-forecast.yaml")
    commit(root, "Move forecast again, re-estimated", day(14), ANNA)


@pytest.mark.parametrize("batch", [1, 3, 256])
def test_changes_worked_out_while_git_walks_are_the_whole_walks(
    git_backlog: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    _awkward_history(git_backlog)
    monkeypatch.setenv("BACKLOGCTL_NO_CACHE", "1")
    with Trail(git_backlog) as trail:
        commits = trail.commits(trail.resolve("HEAD"))  # no work while git walks: the reference
        whole = [(i, c.sha, f, old, new) for i, c, f, old, new in trail.changes_in(commits, fields_only=True)]
    assert ("AI-1", "scores.effort", 3, 8) in [(i, f, old, new) for i, _, f, old, new in whole]
    assert ("AI-3", "title", "Copy", "Forecast") in [(i, f, old, new) for i, _, f, old, new in whole]

    monkeypatch.setattr(trail_module, "PREFETCH_BATCH", batch)
    got = audit.backlog_changes(git_backlog)
    assert [(c.id, c.commit, c.field, c.old, c.new) for c in got.changed] == [
        change for change in whole if change[2] is not None
    ]


# --- history's walk, started before the configuration is read (history/early.py) ---


def _git_commands(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The git commands backlogctl starts from now on, and "config" where backlog.yaml is read."""
    from backlogctl import config

    events: list[str] = []
    start, load = Repo.start, config.load

    def recorded_start(self: Repo, *args: str, **kwargs: Any) -> Any:
        events.append(args[0])
        return start(self, *args, **kwargs)

    def recorded_load(where: Path) -> Any:
        events.append("config")
        return load(where)

    monkeypatch.setattr(Repo, "start", recorded_start)
    monkeypatch.setattr(config, "load", recorded_load)
    return events


def test_history_takes_the_walk_started_before_the_configuration(
    git_backlog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script_history(git_backlog)
    monkeypatch.setenv("BACKLOGCTL_NO_CACHE", "1")
    head = git(git_backlog, "rev-parse", "HEAD").strip()
    reference = jsonout.to_json_value(audit.item_history(git_backlog, "AI-1", until=head))  # no early walk

    events = _git_commands(monkeypatch)
    got = jsonout.to_json_value(audit.item_history(git_backlog, "AI-1", walk_first=True))
    assert got == reference
    assert len(got["changes"]) == 5  # created, rescored, ready, tagged, started
    assert events.count("log") == 1  # the early walk was taken, not walked again
    assert events.count("ls-tree") == 1
    assert events.index("log") < events.index("config")

    del events[:]  # by default (loops over many items) the configuration comes first
    assert jsonout.to_json_value(audit.item_history(git_backlog, "AI-1")) == reference
    assert events.index("config") < events.index("log")


def test_history_answered_by_the_cache_starts_no_walk(
    git_backlog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script_history(git_backlog)
    # The cache is on (a fresh one per test): the first run stores the result.
    first = jsonout.to_json_value(audit.item_history(git_backlog, "AI-1", walk_first=True))
    events = _git_commands(monkeypatch)
    assert jsonout.to_json_value(audit.item_history(git_backlog, "AI-1", walk_first=True)) == first
    assert "log" not in events
    assert "ls-tree" not in events


def test_a_walk_started_for_another_head_is_stopped_and_not_taken(git_backlog: Path) -> None:
    script_history(git_backlog)
    before, threads = _children(), len(_drains())
    started = early.start_item_walk(git_backlog, "AI-1")
    assert started is not None
    edit(git_backlog / "items" / "AI-1-churn.yaml", "status: in_progress", "status: deployed")
    new_head = commit(git_backlog, "Deploy AI-1", day(9), BEN)
    with Trail(git_backlog, started) as trail:
        commits = trail.item_commits(trail.resolve("HEAD"), "AI-1")
        assert not started.stream.running()  # stopped, not left walking
    assert commits is not None
    assert commits[-1].sha == new_head
    assert _children() <= before
    assert len(_drains()) == threads


def test_history_with_a_broken_configuration_leaves_no_walk_behind(
    git_backlog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backlogctl import config

    script_history(git_backlog)
    path = git_backlog / "backlog.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "id_prefix: [AI\n", encoding="utf-8")
    with pytest.raises(BacklogError) as expected:
        config.load(git_backlog)
    events = _git_commands(monkeypatch)
    before, threads = _children(), len(_drains())
    with pytest.raises(BacklogError) as got:
        audit.item_history(git_backlog, "AI-1", walk_first=True)
    assert str(got.value) == str(expected.value)
    assert "log" in events  # the walk had started
    assert _children() <= before
    assert len(_drains()) == threads


@pytest.mark.parametrize(
    "text",
    [
        "name: Lab\n",
        "name: Lab\nitems_dir: items\n",
        "items_dir: work/items   # where the files are\nname: Lab\n",
        "items_dir: things\r\nname: Lab\r\n",
        "items_dir:    spaced\n",
        "items_dir: 'quoted'\n",
        'items_dir: "a b"\n',
        "items_dir: a#b\n",
        "items_dir: first\nitems_dir: second\n",
        "name: Lab\n# items_dir: old\nitems_dir: new\n",
        "name: Lab\ndescription: |\n  items_dir: not this\n",
        "{name: Lab, items_dir: flow}\n",
        "items_dir: >-\n  folded\n",
    ],
)
def test_the_guessed_items_folder_is_none_or_the_configurations(text: str) -> None:
    from backlogctl import config, store

    guess = early.items_dir_named(text.encode())
    path = Path("backlog.yaml")
    try:
        configured = config.parse_config(store.parse(text, path), path).items_dir
    except BacklogError:
        configured = None
    assert guess is None or guess == configured
