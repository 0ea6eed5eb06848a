"""Ids in use at the tips of every branch, for picking a fresh id in `new`."""

from __future__ import annotations

import re
from pathlib import Path

from backlogctl.errors import GitError
from backlogctl.history.git import BlobReader, locate

_ID_NAME = re.compile(r"^([A-Za-z][A-Za-z0-9]*-[0-9]+)")


def branch_item_ids(root: Path, items_dir: str) -> set[str]:
    """Ids of item files at the tip of every local and remote-tracking branch.

    Ids come from file names (``AI-7-slug.yaml``). One ``for-each-ref`` and one
    ``cat-file --batch`` process read every distinct items tree, however many
    branches there are. Outside git (or without git) the answer is empty.
    """
    try:
        repo = locate(root)
        tips = repo.text("for-each-ref", "--format=%(objectname)", "refs/heads", "refs/remotes").split()
        if not tips:
            return set()
        folder = repo.path_in_repo(items_dir)
        with BlobReader(repo) as reader:
            return _ids_in_trees(reader, [f"{tip}:{folder}" for tip in dict.fromkeys(tips)])
    except GitError:
        return set()


def _ids_in_trees(reader: BlobReader, names: list[str]) -> set[str]:
    ids: set[str] = set()
    seen: set[str] = set()
    pending = names
    while pending:
        subtrees: list[str] = []
        for body in reader.read_many(pending).values():
            if body is None:
                continue
            for mode, name, sha in _tree_entries(body):
                if mode == b"40000":
                    if sha not in seen:
                        seen.add(sha)
                        subtrees.append(sha)
                    continue
                match = _ID_NAME.match(name)
                if match and name.endswith((".yaml", ".yml")):
                    ids.add(match.group(1))
        pending = subtrees
    return ids


def _tree_entries(body: bytes) -> list[tuple[bytes, str, str]]:
    """Entries of a raw tree object: (mode, name, sha)."""
    entries = []
    at = 0
    while at < len(body):
        space = body.index(b" ", at)
        nul = body.index(b"\0", space)
        mode = body[at:space]
        name = body[space + 1 : nul].decode("utf-8", "replace")
        sha = body[nul + 1 : nul + 21].hex()
        entries.append((mode, name, sha))
        at = nul + 21
    return entries
