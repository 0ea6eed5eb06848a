"""The highest id numbers in use at the tips of every branch, for `new`.

`new` needs one number above every id in use anywhere, not the ids themselves.
Per distinct tree of the items folder that number never changes, so it is
cached by tree id; a run reads only the trees it has not seen before.
"""

from __future__ import annotations

import json
import marshal
import os
import time
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
    unchanged = _Refs.answer(root, items_dir)
    if unchanged is not None:
        highest.update(unchanged)
        return highest
    try:
        repo = locate(root)
        refs = _Refs(root, items_dir, repo)
        # HEAD's tree first: it is the base the others are compared with, read by name
        # (its files are also in the working tree, which `new` reads itself).
        head = repo.run("rev-parse", "--verify", "--quiet", "HEAD", check=False).decode().split()
        listed = repo.text("for-each-ref", "--format=%(objectname)", "refs/heads", "refs/remotes")
        tips = head + listed.split()
        folder = repo.path_in_repo(items_dir)
        trees = _trees(repo, [f"{tip}:{folder}" for tip in dict.fromkeys(tips)])
        if not trees:
            refs.keep(highest)
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
    refs.keep(highest)
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


TABLES = {
    "branch_ids": "repo TEXT, tree TEXT, highest TEXT, PRIMARY KEY (repo, tree)",
    "branch_refs": "key TEXT PRIMARY KEY, stamps BLOB, highest TEXT",
}
SALT = "branch-ids-3"  # 2: ids read from contents too; 3: the answer by the refs' stamps
RACY_SECONDS = 2


class _Refs:
    """The last answer for a backlog, valid while nothing that decides it has changed; no git run to know.

    The answer depends on which repository holds the backlog and on the commits
    HEAD and the branches point at (a commit's trees never change). Git changes
    a ref by renaming a new file over it (a loose ref, ``packed-refs``, HEAD,
    reftable's ``tables.list``), so the folders of the loose refs and the
    identity (size, mtime_ns, ctime_ns, inode, device) of HEAD and
    ``packed-refs`` change with every ref; a ``.git`` appearing in a folder
    between the backlog and the repository's top (or replaced there) changes
    that folder. These
    *stamps* are taken before git runs, and an answer is stored only when none
    of them changed within ``RACY_SECONDS`` (the parse cache's rule). A stamp
    that differs, or any doubt, and git is asked as before.
    """

    def __init__(self, root: Path, items_dir: str, repo: Repo) -> None:
        self.key = _key(root, items_dir)
        self.started = time.time_ns()
        self.stamps: list[tuple[str, Stamp]] | None = None
        common = repo.common_dir or repo.git_dir
        paths = [*_between(Path(root).resolve(), repo.top), repo.git_dir / "HEAD"]
        if not (repo.top / ".git").is_dir():
            paths.append(repo.top / ".git")  # a "gitdir:" file (a worktree): where it points may change
        paths += [common / "packed-refs", common / "reftable", common / "refs"]
        for top in (common / "refs" / "heads", common / "refs" / "remotes"):
            paths += [Path(folder) for folder, _, _ in os.walk(top)] if top.is_dir() else [top]
        self.stamps = [(str(path), _stamp(path)) for path in paths]

    @staticmethod
    def answer(root: Path, items_dir: str) -> Highest | None:
        tables = cachefile.open_tables("branch-ids", SALT, TABLES)
        if tables is None:
            return None
        try:
            query = "SELECT stamps, highest FROM branch_refs WHERE key = ?"
            row = tables.read(lambda db: db.execute(query, (_key(root, items_dir),)).fetchone())
            if row is None:
                return None
            stamps = marshal.loads(row[0])
            if all(_stamp(Path(path)) == stamp for path, stamp in stamps):
                return dict(json.loads(row[1]))
        except (*cachefile.ERRORS, ValueError, TypeError, EOFError):
            pass
        finally:
            tables.close()
        return None

    def keep(self, highest: Highest) -> None:
        """Store ``highest`` for the stamps taken before git ran, unless one is too recent to trust."""
        limit = self.started - RACY_SECONDS * 1_000_000_000
        if self.stamps is None or any(s is not None and max(s[1], s[2]) > limit for _, s in self.stamps):
            return
        tables = cachefile.open_tables("branch-ids", SALT, TABLES)
        if tables is None:
            return
        row = (self.key, marshal.dumps(self.stamps), json.dumps(highest))
        try:
            tables.write(lambda db: db.execute("INSERT OR REPLACE INTO branch_refs VALUES (?, ?, ?)", row))
        except cachefile.ERRORS:
            pass
        finally:
            tables.close()


Stamp = tuple[int, int, int, int, int] | None


def _stamp(path: Path) -> Stamp:
    """A path's identity, not following a link; None when it does not exist."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)


def _key(root: Path, items_dir: str) -> str:
    return f"{os.path.realpath(root)}\x1f{items_dir}"


def _between(start: Path, top: Path) -> list[Path]:
    """``start`` and each folder above it up to ``top``: where a new ``.git`` would change the repository."""
    found = [start]
    while found[-1] != top and found[-1] != found[-1].parent:
        found.append(found[-1].parent)
    return found


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
