"""The highest id numbers in use at the tips of every branch, for `new`.

`new` needs one number above every id in use anywhere, not the ids themselves.
Per distinct tree of the items folder that number never changes, so it is
cached by tree id; a run reads only the trees it has not seen before.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from backlogctl import ids
from backlogctl.errors import GitError
from backlogctl.history.cache import cache_dir, enabled
from backlogctl.history.git import Repo, locate, run

Highest = dict[str, int]
"""Id prefix -> highest number in use."""


def branch_highest_ids(root: Path, items_dir: str) -> Highest:
    """The highest id number per prefix in the items folder at any branch tip.

    A few git processes whatever the number of branches: the tips, the tree of
    the items folder at each, and for trees not cached one ``diff-tree --stdin``
    that lists one tree's files and then only what each other tree adds to it
    (an over-estimate where a branch deleted items, which only skips numbers).
    Outside git, or without git, the answer is empty.
    """
    try:
        repo = locate(root)
        tips = repo.text("for-each-ref", "--format=%(objectname)", "refs/heads", "refs/remotes").split()
        folder = repo.path_in_repo(items_dir)
        trees = _trees(repo, [f"{tip}:{folder}" for tip in dict.fromkeys(tips)])
        if not trees:
            return {}
        cache = _Cache(repo)
        missing = [tree for tree in trees if tree not in cache.known]
        if missing:
            cache.update(_highest_per_tree(repo, missing))
    except GitError:
        return {}
    highest: Highest = {}
    for tree in trees:
        for prefix, number in cache.known.get(tree, {}).items():
            highest[prefix] = max(highest.get(prefix, 0), number)
    return highest


def _trees(repo: Repo, names: list[str]) -> list[str]:
    """The distinct tree ids behind ``rev:path`` names, via one cat-file process."""
    if not names:
        return []
    request = "".join(f"{name}\n" for name in names).encode()
    answer = run(repo.top, "cat-file", "--batch-check=%(objectname) %(objecttype)", stdin=request)
    found = [line.split()[0] for line in answer.decode().splitlines() if line.endswith(" tree")]
    return list(dict.fromkeys(found))


def _highest_per_tree(repo: Repo, trees: list[str]) -> dict[str, Highest]:
    empty = repo.text("hash-object", "-t", "tree", "/dev/null")
    base = trees[0]
    pairs = [f"{empty} {base}", *(f"{base} {tree}" for tree in trees[1:])]
    listing = run(
        repo.top,
        "diff-tree",
        "--stdin",
        "-z",
        "-r",
        "--name-only",
        "--no-renames",
        "--diff-filter=A",
        stdin=("\n".join(pairs) + "\n").encode(),
    )
    # Output: for each pair a header line "<a> <b>\n", then the NUL-ended names it adds.
    result: dict[str, Highest] = {}
    current: Highest | None = None
    base_highest: Highest = {}
    for field in listing.decode("utf-8", "replace").split("\0"):
        header, newline, name = field.rpartition("\n")
        if newline:
            tree = header.split(" ")[-1]
            current = result.setdefault(tree, dict(base_highest) if tree != base else {})
        found = ids.parts(ids.id_from_name(name) or "") if name.endswith(ids.SUFFIXES) else None
        if found and current is not None:
            prefix, number = found
            current[prefix] = max(current.get(prefix, 0), number)
            if current is result.get(base):
                base_highest[prefix] = current[prefix]
    for tree in trees:
        result.setdefault(tree, dict(base_highest))
    return result


class _Cache:
    """Tree id -> highest ids, in a small JSON file; failures only cost speed."""

    def __init__(self, repo: Repo) -> None:
        key = hashlib.sha1(str(repo.git_dir).encode()).hexdigest()[:16]
        self.path = cache_dir() / f"branch-ids-{key}.json"
        self.enabled = enabled()
        self.known: dict[str, Highest] = {}
        if not self.enabled:
            return
        try:
            self.known = json.loads(self.path.read_text())
            if not isinstance(self.known, dict):
                self.known = {}
        except (OSError, ValueError):
            self.known = {}

    def update(self, found: dict[str, Highest]) -> None:
        self.known.update(found)
        if not self.enabled:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_suffix(f".{os.getpid()}.tmp")
            temp.write_text(json.dumps(self.known))
            os.replace(temp, self.path)
        except OSError:
            pass
