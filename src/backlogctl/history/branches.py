"""The highest id numbers in use at the tips of every branch, for `new`.

`new` needs one number above every id in use anywhere, not the ids themselves.
Per distinct tree of the items folder that number never changes, so it is
cached by tree id; a run reads only the trees it has not seen before.
"""

from __future__ import annotations

import json
from pathlib import Path

from backlogctl import cache as cachefile
from backlogctl import ids
from backlogctl.errors import GitError
from backlogctl.history.git import BlobReader, Repo, RepositoryRefused, locate, run

Highest = dict[str, int]
"""Id prefix -> highest number in use."""


class BranchIds(dict[str, int]):
    """Id prefix -> highest number in use, and a warning when the scan could not run."""

    warning: str | None = None


def branch_highest_ids(root: Path, items_dir: str, *, strict: bool = False) -> BranchIds:
    """The highest id number per prefix in the items folder at any branch tip.

    A few git processes whatever the number of branches: the tips, the tree of
    the items folder at each, and for trees not cached one ``diff-tree --stdin``
    that lists one tree's files and then only what each other tree adds to it
    (an over-estimate where a branch deleted items, which only skips numbers).
    Outside git, or without git, the answer is empty. When git refuses the
    repository (dubious ownership) the answer is empty with a warning, and
    ``strict`` (for ``--commit``) raises instead.
    """
    highest = BranchIds()
    try:
        repo = locate(root)
        # HEAD's tree first: it is the base the others are compared with, read by name
        # (its files are also in the working tree, which `new` reads itself).
        head = repo.run("rev-parse", "--verify", "--quiet", "HEAD", check=False).decode().split()
        refs = repo.text("for-each-ref", "--format=%(objectname)", "refs/heads", "refs/remotes")
        tips = head + refs.split()
        folder = repo.path_in_repo(items_dir)
        trees = _trees(repo, [f"{tip}:{folder}" for tip in dict.fromkeys(tips)])
        if not trees:
            return highest
        cache = _Cache(repo)
        missing = [tree for tree in trees if tree not in cache.known]
        if missing:
            cache.update(_highest_per_tree(repo, missing))
    except RepositoryRefused as exc:
        if strict:
            raise
        highest.warning = f"ids on other branches were not checked: {exc.message}"
        return highest
    except GitError:
        return highest
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
    listing = repo.run(
        "diff-tree",
        "--stdin",
        "-z",
        "-r",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--diff-filter=AM",
        stdin=("\n".join(pairs) + "\n").encode(),
    )
    files = _added(listing)
    # A name says the id for most files; the contents are read where the name
    # says nothing (renamed by hand) and for what a branch adds or changes (an
    # id edited in place): few blobs, all through one cat-file process.
    unread = {blob for tree, name, blob in files if tree != base or ids.id_from_name(name) is None}
    contents: dict[str, bytes | None] = {}
    if unread:
        with BlobReader(repo) as reader:
            contents = reader.read_many(sorted(unread))
    result: dict[str, Highest] = {base: {}}
    for tree, name, blob in files:
        current = result.setdefault(tree, {})
        found = [ids.id_from_name(name), ids.id_in_text(contents.get(blob) or b"")]
        for item_id in found:
            number = ids.parts(item_id or "")
            if number is not None:
                prefix, value = number
                current[prefix] = max(current.get(prefix, 0), value)
    base_highest = result[base]
    for tree in trees:
        merged = dict(base_highest)
        for prefix, value in result.get(tree, {}).items():
            merged[prefix] = max(merged.get(prefix, 0), value)
        result[tree] = merged
    return result


def _added(listing: bytes) -> list[tuple[str, str, str]]:
    """(tree, path, blob) of each item file in ``diff-tree --stdin -z --raw`` output."""
    tokens = listing.split(b"\0")
    found: list[tuple[str, str, str]] = []
    tree, at = "", 0
    while at < len(tokens):
        token = tokens[at]
        if b"\n" in token:  # "<a> <b>\n" starts each pair's entries
            header, _, token = token.rpartition(b"\n")
            tree = header.split()[-1].decode()
        if token.startswith(b":") and at + 1 < len(tokens):
            name = tokens[at + 1].decode("utf-8", "replace")
            if name.endswith(ids.SUFFIXES):
                found.append((tree, name, token.split()[3].decode()))
            at += 2
            continue
        at += 1
    return found


TABLES = {"branch_ids": "repo TEXT, tree TEXT, highest TEXT, PRIMARY KEY (repo, tree)"}
SALT = "branch-ids-2"  # 2: ids read from contents too


class _Cache:
    """Tree id -> highest ids, in the ``branch_ids`` table of the one cache file; failures only cost speed."""

    def __init__(self, repo: Repo) -> None:
        self.repo = str(repo.git_dir)
        self.known: dict[str, Highest] = {}
        tables = cachefile.open_tables("branch-ids", SALT, TABLES)
        if tables is None:
            return
        try:
            query = "SELECT tree, highest FROM branch_ids WHERE repo = ?"
            rows = tables.read(lambda db: db.execute(query, (self.repo,)).fetchall())
            self.known = {tree: json.loads(highest) for tree, highest in rows or []}
        except (*cachefile.ERRORS, ValueError):
            self.known = {}
        finally:
            tables.close()

    def update(self, found: dict[str, Highest]) -> None:
        self.known.update(found)
        tables = cachefile.open_tables("branch-ids", SALT, TABLES)
        if tables is None:
            return
        rows = [(self.repo, tree, json.dumps(highest)) for tree, highest in found.items()]
        try:
            tables.write(
                lambda db: db.executemany("INSERT OR REPLACE INTO branch_ids VALUES (?, ?, ?)", rows)
            )
        except cachefile.ERRORS:
            pass
        finally:
            tables.close()
