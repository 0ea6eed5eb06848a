"""The names index (store/names.py): used only while provably fresh, and never a different answer.

Every test compares the answers with the index against the same answers with
the cache off (``BACKLOGCTL_NO_CACHE=1``) on the same files. Folders are
"aged" (their mtime set ten seconds back) where a test needs the index to be
stored: a real backlog's folders are older than the two racy seconds, a test's
are not. A change after aging sets the folder's mtime to now, as any change does.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from backlogctl import cache, store
from backlogctl.errors import BacklogError
from backlogctl.store import names
from backlogctl.usecases import items


def age(folder: Path) -> None:
    """Every folder under ``folder`` (and it) last changed ten seconds ago."""
    past = time.time() - 10
    for current, _, _ in os.walk(folder):
        os.utime(current, (past, past))


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Aged folders are trusted (their ctime, which aging sets to now, is not held against them)."""
    monkeypatch.setattr(names, "RACY_SECONDS", 0)


def answer(root: Path, item_id: str) -> tuple[str, Any]:
    """What `show` finds for ``item_id``: the file and its title, or the error's one line."""
    try:
        shown = items.show_item(root, item_id)
    except BacklogError as exc:
        return "error", str(exc)
    return shown.entry.path.relative_to(root).as_posix(), (shown.entry.data or {}).get("title")


def uncached(monkeypatch: pytest.MonkeyPatch, call: Any) -> Any:
    with monkeypatch.context() as off:
        off.setenv("BACKLOGCTL_NO_CACHE", "1")
        return call()


def indexed(root: Path) -> bool:
    tree = names.Tree.of(root / "items", os.path.realpath(root), names=False)
    tree.close()
    return tree.indexed


def same_answers(root: Path, monkeypatch: pytest.MonkeyPatch, wanted: list[str]) -> None:
    for item_id in wanted:
        assert answer(root, item_id) == uncached(monkeypatch, lambda i=item_id: answer(root, i)), item_id
    folder = root / "items"
    assert store.scan_ids(folder) == uncached(monkeypatch, lambda: store.scan_ids(folder))


def test_the_index_is_stored_once_the_folders_are_old_and_then_used(
    example: Path, trusted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    (example / "items" / "team").mkdir()
    moved = next((example / "items").glob("AI-2-*.yaml"))
    moved.rename(example / "items" / "team" / moved.name)
    age(example / "items")
    assert not indexed(example)  # the first run lists and stores
    assert indexed(example)
    same_answers(example, monkeypatch, ["AI-1", "AI-2", "ai-3", "AI-99"])


def test_folders_changed_within_the_racy_seconds_are_not_stored(example: Path) -> None:
    for _ in range(2):
        assert not indexed(example)
    location = cache.location()
    db = sqlite3.connect(location)
    assert db.execute("SELECT count(*) FROM name_folders").fetchone() == (0,)
    db.close()


def test_nothing_is_stored_with_the_cache_off(
    example: Path, trusted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    age(example / "items")
    monkeypatch.setenv("BACKLOGCTL_NO_CACHE", "1")
    assert not indexed(example)
    assert not indexed(example)
    assert not cache.location().exists()


@pytest.mark.parametrize(
    "change",
    [
        "rename",
        "move to a sub-folder",
        "delete",
        "add a sub-folder",
        "replace in place with another id",
        "duplicate under another name",
        "rename a sub-folder",
    ],
)
def test_changes_behind_the_index_are_seen(
    example: Path, trusted: None, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    folder = example / "items"
    (folder / "team").mkdir()
    in_team = next(folder.glob("AI-4-*.yaml"))
    in_team.rename(folder / "team" / in_team.name)
    age(folder)
    assert not indexed(example)
    assert indexed(example)
    target = next(folder.glob("AI-3-*.yaml"))
    if change == "rename":
        target.rename(folder / "AI-3-renamed.yaml")
    elif change == "move to a sub-folder":
        target.rename(folder / "team" / target.name)
    elif change == "delete":
        target.unlink()
    elif change == "add a sub-folder":
        (folder / "team" / "deeper").mkdir()
        (folder / "team" / "deeper" / "AI-40-deep.yaml").write_text(
            target.read_text(encoding="utf-8").replace("id: AI-3", "id: AI-40"), encoding="utf-8"
        )
    elif change == "replace in place with another id":
        target.write_text(
            target.read_text(encoding="utf-8").replace("id: AI-3", "id: AI-77"), encoding="utf-8"
        )
    elif change == "duplicate under another name":
        (folder / "team" / "AI-3-copy.yaml").write_bytes(target.read_bytes())
    elif change == "rename a sub-folder":
        (folder / "team").rename(folder / "squad")
    if change != "replace in place with another id":
        assert not indexed(example)  # a folder changed: listed again
    same_answers(example, monkeypatch, ["AI-3", "AI-4", "AI-40", "AI-77"])


def test_a_wrong_index_costs_a_fallback_not_a_wrong_answer(
    example: Path, trusted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    age(example / "items")
    indexed(example)
    assert indexed(example)
    db = sqlite3.connect(cache.location())
    with db:
        # AI-3's entry points at AI-4's file; AI-5 has no entry at all.
        four = db.execute("SELECT path FROM named WHERE id = 'AI-4'").fetchone()[0]
        db.execute("UPDATE named SET path = ? WHERE id = 'AI-3'", (four,))
        db.execute("DELETE FROM named WHERE id = 'AI-5'")
    db.close()
    assert indexed(example)
    same_answers(example, monkeypatch, ["AI-3", "AI-4", "AI-5"])


def test_ids_edited_in_place_are_read_again(
    example: Path, trusted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = example / "items"
    age(folder)
    first = store.scan_ids(folder)
    target = next(folder.glob("AI-3-*.yaml"))
    stat = target.stat()
    # Same size, same mtime: only the ctime tells, and the identity holds it.
    target.write_text(target.read_text(encoding="utf-8").replace("id: AI-3", "id: AI-9"), encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert "AI-9" in store.scan_ids(folder) and "AI-9" not in first
    assert store.scan_ids(folder) == uncached(monkeypatch, lambda: store.scan_ids(folder))


def test_random_changes_keep_the_answers_of_the_cache_off(
    example: Path, trusted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adds, renames, moves, deletions and edits in place, each followed by lookups with and without it."""
    folder = example / "items"
    rng = random.Random(19)
    texts = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.yaml")}
    for step in range(40):
        files = sorted(p for p in folder.rglob("*.yaml"))
        action = rng.choice(["add", "rename", "move", "delete", "edit", "folder", "nothing"])
        number = rng.randrange(1, 30)
        if action == "add" or not files:
            body = rng.choice(list(texts.values()))
            body = re.sub(r"^id: .*$", f"id: AI-{number}", body, flags=re.MULTILINE)
            (folder / f"AI-{number}-added-{step}.yaml").write_text(body, encoding="utf-8")
        elif action == "rename":
            victim = rng.choice(files)
            victim.rename(victim.with_name(f"AI-{number}-renamed-{step}.yaml"))
        elif action == "move":
            subs = [p for p in folder.rglob("*") if p.is_dir()] + [folder]
            victim = rng.choice(files)
            victim.rename(rng.choice(subs) / victim.name)
        elif action == "delete":
            rng.choice(files).unlink()
        elif action == "edit":
            victim = rng.choice(files)
            text = victim.read_text(encoding="utf-8")
            victim.write_text(text.replace("title:", f"id: AI-{number}\ntitle:", 1), encoding="utf-8")
        elif action == "folder":
            (folder / f"sub-{step}").mkdir()
        if rng.random() < 0.7:
            age(folder)
        wanted = [f"AI-{rng.randrange(1, 30)}" for _ in range(3)]
        same_answers(example, monkeypatch, wanted)


def witnessed(folder: Path) -> bool:
    """Whether `names.Witness` can watch ``folder`` here (Linux, a local file system)."""
    import sys

    return sys.platform.startswith("linux") and names._local(os.stat(folder).st_dev)


def set_effort(root: Path, item_id: str, value: int) -> None:
    from backlogctl import editing

    editing.set_fields(root, item_id, [f"scores.effort={value}"])


@pytest.fixture(params=["the kernel's clocks", "no multigrain stamps"])
def clocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """As the kernel is, or as if its stamps were never ahead of the clock (the writer then waits)."""
    if request.param == "no multigrain stamps":
        monkeypatch.setattr(names, "CLOCK_REALTIME_COARSE", time.CLOCK_REALTIME)


def test_a_set_keeps_the_index_fresh_across_its_own_rename(
    example: Path, trusted: None, clocks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = example / "items"
    if not witnessed(folder):
        pytest.skip("no inotify on a local file system here: the next command lists, as before")
    age(folder)
    assert not indexed(example)
    assert indexed(example)
    before = os.stat(folder)
    for value in (8, 13, 20):
        set_effort(example, "AI-3", value)
        assert os.stat(folder).st_mtime_ns != before.st_mtime_ns  # the rename changed the folder
        assert indexed(example)  # and yet the index is fresh: only our rename happened
    same_answers(example, monkeypatch, ["AI-3", "AI-4"])
    assert answer(example, "AI-3")[0].startswith("items/AI-3-")


FOREIGN = ["add a file", "duplicate the id", "remove a file", "rename a file", "add a sub-folder"]


def foreign_change(folder: Path, change: str) -> None:
    """What another process (git checkout, an editor) might do to the items folder."""
    other = next(folder.glob("AI-4-*.yaml"))
    if change == "add a file":
        text = other.read_text(encoding="utf-8").replace("id: AI-4", "id: AI-41")
        (folder / "AI-41-added.yaml").write_text(text, encoding="utf-8")
    elif change == "duplicate the id":
        (folder / "AI-3-copy.yaml").write_bytes(next(folder.glob("AI-3-*.yaml")).read_bytes())
    elif change == "remove a file":
        other.unlink()
    elif change == "rename a file":
        other.rename(folder / "AI-4-renamed.yaml")
    elif change == "add a sub-folder":
        (folder / "team").mkdir()
        text = other.read_text(encoding="utf-8").replace("id: AI-4", "id: AI-42")
        (folder / "team" / "AI-42-deep.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("when", ["before our rename", "after our rename, same tick"])
@pytest.mark.parametrize("change", FOREIGN)
def test_a_foreign_change_during_a_set_is_seen_by_the_next_command(
    example: Path, trusted: None, clocks: None, monkeypatch: pytest.MonkeyPatch, change: str, when: str
) -> None:
    """Another process changes the folder while `set` writes: its own rename must not hide that."""
    from backlogctl.store import write

    folder = example / "items"
    age(folder)
    indexed(example)
    assert indexed(example)
    real_write = write.write_atomic

    def with_a_foreign_change(path: Path, data: bytes, mode: int, owner: Any = None) -> None:
        if when == "before our rename":
            foreign_change(folder, change)
            real_write(path, data, mode, owner)
        else:
            real_write(path, data, mode, owner)
            ours = os.stat(folder)
            foreign_change(folder, change)
            os.utime(folder, ns=(ours.st_atime_ns, ours.st_mtime_ns))  # as if in the same tick

    monkeypatch.setattr(write, "write_atomic", with_a_foreign_change)
    set_effort(example, "AI-3", 8)
    monkeypatch.setattr(write, "write_atomic", real_write)
    assert not indexed(example)  # listed again
    same_answers(example, monkeypatch, ["AI-3", "AI-4", "AI-41", "AI-42"])


@pytest.mark.parametrize("change", FOREIGN)
def test_a_foreign_change_right_after_a_set_is_seen_by_the_next_command(
    example: Path, trusted: None, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """The folder's mtime forced back to what `set` left (as a change in the same tick would)."""
    folder = example / "items"
    age(folder)
    indexed(example)
    set_effort(example, "AI-3", 8)
    left = os.stat(folder)
    foreign_change(folder, change)
    os.utime(folder, ns=(left.st_atime_ns, left.st_mtime_ns))
    assert not indexed(example)
    same_answers(example, monkeypatch, ["AI-3", "AI-4", "AI-41", "AI-42"])
    if change == "duplicate the id":  # and `set` after it finds the same
        with pytest.raises(BacklogError, match="held by 2 files"):
            set_effort(example, "AI-3", 13)
    else:
        set_effort(example, "AI-3", 13)
    assert answer(example, "AI-3") == uncached(monkeypatch, lambda: answer(example, "AI-3"))


@pytest.mark.parametrize(
    "events",
    [
        [],
        [(0x100, 0, ".AI-3-x.yaml.abc.tmp"), (0x40, 7, ".AI-3-x.yaml.abc.tmp")],
        [(0x100, 0, ".AI-3-x.yaml.abc.tmp"), (0x40, 7, ".AI-3-x.yaml.abc.tmp"), (0x80, 8, "AI-3-x.yaml")],
        [(0x100, 0, ".AI-3-x.yaml.abc.tmp"), (0x40, 7, ".AI-3-x.yaml.def.tmp"), (0x80, 7, "AI-3-x.yaml")],
        [(0x100, 0, "AI-9-new.yaml"), (0x40, 7, "AI-9-new.yaml"), (0x80, 7, "AI-3-x.yaml")],
        [
            (0x100, 0, ".AI-3-x.yaml.abc.tmp"),
            (0x40, 7, ".AI-3-x.yaml.abc.tmp"),
            (0x80, 7, "AI-3-x.yaml"),
            (0x200, 0, "AI-4-y.yaml"),
        ],
        None,
    ],
)
def test_only_our_own_temporary_file_and_rename_count_as_ours(events: Any) -> None:
    ours = [(0x100, 0, ".AI-3-x.yaml.abc.tmp"), (0x40, 7, ".AI-3-x.yaml.abc.tmp"), (0x80, 7, "AI-3-x.yaml")]
    assert names._only_ours(ours, "AI-3-x.yaml")
    assert not names._only_ours(events, "AI-3-x.yaml")
