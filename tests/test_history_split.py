"""git's walk of a few paths split in two processes reports exactly what one walk reports.

`PathWalk` walks the ancestors of a middle commit M and the rest (``TIP ^M``)
at once and puts the commits back in ``git rev-list --date-order`` order.
These tests build random histories with `git fast-import` (branches forked
and merged in any order, merges that keep one side, take the other or write
a third value, deletions and re-creations, commit dates that tie, run
backwards or interleave across branches) and compare the split walk with one
`git log` of the same paths, commit for commit, with and without a
commit-graph file (git orders a walk differently when it has generation
numbers).
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlogctl.errors import GitError
from backlogctl.history import walk
from backlogctl.history.git import locate
from backlogctl.history.walk import LogStream, PathWalk, log
from tests.helpers import git

FILES = ("items/AI-1-a.yaml", "items/AI-2-b.yaml", "items/sub/AI-3-c.yaml")
START = 1_700_000_000
Step = tuple[int, int, int, int, int]
"""What a commit does (edit, branch, merge), on which branch, with which other, which file, date step."""


@dataclass
class Branch:
    mark: int | None = None
    tree: dict[str, str] = field(default_factory=dict)


def _history(steps: list[Step]) -> bytes:
    """A fast-import stream from drawn steps (kind, branch, other, file, date offset)."""
    branches = [Branch()]
    out: list[bytes] = []
    mark = 0
    date = START

    def commit(on: Branch, changes: dict[str, str | None], merge: Branch | None, when: int) -> None:
        nonlocal mark
        mark += 1
        stamp = f"{when} +0000"
        lines = [
            "commit refs/heads/main" if on is branches[0] else f"commit refs/heads/b{branches.index(on)}",
            f"mark :{mark}",
            f"author A <a@example.org> {stamp}",
            f"committer A <a@example.org> {stamp}",
            f"data {len(str(mark)) + 1}",
            f"c{mark}",
        ]
        if on.mark is not None:
            lines.append(f"from :{on.mark}")
        if merge is not None and merge.mark is not None:
            lines.append(f"merge :{merge.mark}")
        body = [line.encode() for line in lines]
        for path, text in changes.items():
            if text is None:
                body.append(f"D {path}".encode())
            else:
                data = text.encode()
                body += [f"M 100644 inline {path}".encode(), f"data {len(data)}".encode(), data]
        out.append(b"\n".join(body) + b"\n")
        on.mark = mark
        for path, text in changes.items():
            if text is None:
                on.tree.pop(path, None)
            else:
                on.tree[path] = text

    commit(branches[0], {path: f"id: AI-{n + 1}\nv: 0\n" for n, path in enumerate(FILES)}, None, date)
    for kind, at, other, file_at, offset in steps:
        date += offset  # offsets below zero: clocks that run backwards; zero: dates that tie
        on = branches[at % len(branches)]
        path = FILES[file_at % len(FILES)]
        if kind == 0 or (kind == 2 and len(branches) == 1):  # an edit (or a deletion, or a re-creation)
            value = None if offset % 5 == 0 and path in on.tree else f"id: AI-x\nv: {mark}\n"
            commit(on, {path: value}, None, date)
        elif kind == 1:  # a new branch where ``on`` is
            branches.append(Branch(on.mark, dict(on.tree)))
        else:  # merge another branch into ``on``: keep ours, take theirs or write a third value
            source = branches[other % len(branches)]
            if source is on or source.mark is None:
                continue
            theirs = source.tree.get(path)
            choice = (offset + other) % 3
            value = on.tree.get(path) if choice == 0 else theirs if choice == 1 else f"id: AI-m\nv: {mark}\n"
            wanted = dict(on.tree)
            wanted.update({p: t for p, t in source.tree.items() if p not in wanted})
            if value is None:
                wanted.pop(path, None)
            else:
                wanted[path] = value
            changes: dict[str, str | None] = {p: t for p, t in wanted.items() if on.tree.get(p) != t}
            changes.update({p: None for p in on.tree if p not in wanted})
            commit(on, changes, source, date)
    # Merge every branch into main at the end, so all of it is reachable from the tip.
    for branch in branches[1:]:
        date += 1
        if branch.mark is not None:
            commit(branches[0], {}, branch, date)
    return b"".join(out)


STEPS = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.integers(0, 7),
        st.integers(0, 7),
        st.integers(0, 2),
        st.sampled_from([-3600, -1, 0, 0, 1, 1, 5, 60, 3600]),
    ),
    min_size=4,
    max_size=60,
)


def _repo(steps: list[Step], folder: Path, graph: bool) -> None:
    git(folder, "init", "-q", "-b", "main")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, input=_history(steps), check=True)
    if graph:
        git(folder, "commit-graph", "write", "--reachable")


@pytest.mark.parametrize("graph", [False, True], ids=["no commit-graph", "commit-graph"])
@settings(max_examples=60, deadline=None)
@given(steps=STEPS)
def test_split_walk_reports_what_one_walk_reports(graph: bool, steps: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        _repo(steps, folder, graph)
        repo = locate(folder)
        for paths in ([FILES[0]], [FILES[1], FILES[2]], list(FILES)):
            one = log(repo, "HEAD", ".", paths=paths)
            split = list(PathWalk(repo, "HEAD", ".", paths, split_at=1))
            assert [c.sha for c in split] == [c.sha for c in one]
            assert split == one


def test_a_short_history_is_one_walk(git_backlog: Path) -> None:
    """Below ``split_at`` commits there is one git, and the answer is the same."""
    repo = locate(git_backlog)
    paths = sorted(str(p.relative_to(git_backlog)) for p in (git_backlog / "items").glob("AI-1-*.yaml"))
    short = PathWalk(repo, "HEAD", "items", paths)
    split = PathWalk(repo, "HEAD", "items", paths, split_at=1)
    try:
        assert len(short._walks) == 1
        assert len(split._walks) == 2
        assert list(short) == list(split) == log(repo, "HEAD", "items", paths=paths)
    finally:
        short.close()
        split.close()


def test_the_halves_are_disjoint_and_cover_the_history(tmp_path: Path) -> None:
    """The middle commit's ancestors and ``TIP ^M`` together are every commit, once."""
    steps = [(k % 3, k % 5, (k * 7) % 5, k % 3, (-1) ** k * (k % 4)) for k in range(80)]
    _repo(steps, tmp_path, graph=False)
    repo = locate(tmp_path)
    split = PathWalk(repo, "HEAD", ".", list(FILES), split_at=1)
    try:
        halves = [list(part) for part in split._walks]
    finally:
        split.close()
    shas = [c.sha for half in halves for c in half]
    assert all(halves), "both halves report commits in this history"
    assert len(shas) == len(set(shas))
    assert sorted(shas) == sorted(c.sha for c in log(repo, "HEAD", ".", paths=list(FILES)))


def test_a_failing_half_is_reported_and_nothing_is_left(tmp_path: Path) -> None:
    """git dying in one half gives git's error; the other half is stopped."""
    steps = [(0, 0, 0, k % 3, 1) for k in range(30)]
    _repo(steps, tmp_path, graph=False)
    repo = locate(tmp_path)
    split = PathWalk(repo, "HEAD", ".", list(FILES), split_at=1)
    # A walk of a revision that does not exist fails the way a broken repository does.
    split._walks[1].close()
    split._walks[1] = LogStream(repo, "0" * 40, ".", paths=list(FILES))
    with pytest.raises(GitError):
        list(split)
    assert not split.running()


def _long_lived_branches(seed: int) -> list[Step]:
    """Branches forked early, worked on while main moves on, merged late: their commits are older than M."""
    import random

    rng = random.Random(seed)
    steps = [(1, 0, 0, 0, 1) for _ in range(4)]  # four branches off the first commit
    for _ in range(160):
        kind = rng.choice([0, 0, 0, 0, 2])
        offset = rng.choice([0, 1, 1, 30, -5])
        steps.append((kind, rng.randrange(5), rng.randrange(5), rng.randrange(3), offset))
    return steps


@pytest.mark.parametrize("seed", range(6))
def test_commits_older_than_the_middle_are_put_where_git_puts_them(tmp_path: Path, seed: int) -> None:
    """The second half holds branch commits dated before M: the order comes from the whole walk."""
    _repo(_long_lived_branches(seed), tmp_path, graph=seed % 2 == 1)
    repo = locate(tmp_path)
    for paths in ([FILES[0]], list(FILES)):
        one = log(repo, "HEAD", ".", paths=paths)
        split = PathWalk(repo, "HEAD", ".", paths, split_at=1)
        try:
            halves = [list(part) for part in split._walks]
        finally:
            split.close()
        # Either half's commits, one after the other, is not git's order here ...
        assert [c.sha for half in halves for c in half] != [c.sha for c in one]
        # ... and the split walk's order is.
        assert list(PathWalk(repo, "HEAD", ".", paths, split_at=1)) == one


@pytest.mark.parametrize(
    ("cores", "load", "halves"),
    [({0, 1}, 0.2, 2), ({0, 1}, 1.4, 2), ({0, 1}, 1.6, 1), ({0}, 0.0, 1), ({0, 1, 2, 3}, 3.0, 2)],
)
def test_a_long_history_is_split_only_with_a_core_to_spare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: set[int], load: float, halves: int
) -> None:
    """From `SPLIT_AT` commits the walk is split when the load average leaves a core idle (as ``make -l``)."""
    _repo([(0, 0, 0, k % 3, 1) for k in range(walk.SPLIT_AT + 10)], tmp_path, graph=False)
    monkeypatch.setattr(walk.os, "sched_getaffinity", lambda _pid: cores)
    monkeypatch.setattr(walk.os, "getloadavg", lambda: (load, load, load))
    repo = locate(tmp_path)
    found = PathWalk(repo, "HEAD", ".", [FILES[1]])
    try:
        assert len(found._walks) == halves
        assert list(found) == log(repo, "HEAD", ".", paths=[FILES[1]])
    finally:
        found.close()
