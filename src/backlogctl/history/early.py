"""git's walk of one item's files, started before the configuration is read.

Most of `history ID` is one ``git log -- PATHS`` (see `Trail.item_commits`).
That walk needs only the repository, the tip and the files named for the id,
and those need only the items folder: reading and validating backlog.yaml
(pydantic, the model, the YAML reader), the cache and the rest of the history
code change nothing about it. So the walk is started from the items folder as
backlog.yaml's text names it, and all of that is imported and worked out on
the other core while git walks.

The guess never decides an answer: `Trail` takes the walk only when the
repository, the tip, the items folder and the id are the ones it works out
itself from the validated configuration, and stops it otherwise. Anything
unusual (no backlog.yaml, an items folder written in a way the guess does not
read, not a repository, no commits) gives no early walk, and the command finds
and reports everything as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from backlogctl.errors import BacklogError
from backlogctl.history.git import Repo, locate
from backlogctl.history.walk import PathWalk, core_to_spare, date_order
from backlogctl.ids import is_item_path
from backlogctl.rootdir import CONFIG_NAME, DEFAULT_ITEMS_DIR, nearest

# One top-level line ``items_dir: NAME`` with a plain NAME, perhaps a comment after a space.
_ITEMS_DIR_LINE = re.compile(
    rb"^items_dir[ \t]*:[ \t]*([A-Za-z0-9_][A-Za-z0-9_./-]*)(?:[ \t]+#[^\r\n]*)?[ \t]*\r?$", re.MULTILINE
)
_READ_AT_MOST = 1 << 20


@dataclass(eq=False)
class StartedWalk:
    """git walking the files named for ``item_id`` at ``tip``, with the items folder it was started for."""

    repo: Repo
    tip: str
    items_dir: str
    item_id: str
    paths: list[str]
    """Repository paths of the files named for the id at the tip (what git walks)."""
    stream: PathWalk

    def fits(self, repo: Repo, tip: str, items_dir: str, item_id: str) -> bool:
        """Whether this is the walk `Trail.item_commits` starts for these (then its paths are too)."""
        here = (self.repo.top, self.repo.git_dir, self.repo.prefix, self.tip, self.items_dir, self.item_id)
        return here == (repo.top, repo.git_dir, repo.prefix, tip, items_dir, item_id)

    def close(self) -> None:
        """Stop git if it still walks (nothing is left behind if the walk was not taken)."""
        self.stream.close()


_ahead: tuple[Path, str, StartedWalk | None] | None = None
"""The walk `start_ahead` started, with the folder and id it was started for."""


def start_ahead(start: Path, item_id: str) -> None:
    """Start `start_item_walk` before the command line is read (`backlogctl.__main__`).

    typer, click and the command's options take ~0.1 s to import and parse;
    git walks meanwhile. `start_item_walk` hands the walk over when the
    command asks for the same folder and id; `drop_ahead` stops it otherwise.
    """
    global _ahead
    drop_ahead()
    _ahead = (start, item_id, start_item_walk(start, item_id))


def drop_ahead() -> None:
    """Stop the walk `start_ahead` started if no command took it."""
    global _ahead
    if _ahead is not None:
        _start, _item_id, started = _ahead
        _ahead = None
        if started is not None:
            started.close()


def start_item_walk(start: Path, item_id: str) -> StartedWalk | None:
    """Start the walk of ``item_id``'s files at HEAD from backlog.yaml's text; None when unsure.

    Nothing here is reported: a failure or a doubt gives None and the command
    then runs, and reports errors, exactly as it would without the early walk.
    """
    global _ahead
    if _ahead is not None:
        ahead_start, ahead_id, started = _ahead
        _ahead = None
        if (ahead_start, ahead_id) == (start, item_id):
            return started  # a walk started for these, or the same answer: none to start
        if started is not None:
            started.close()
    root = nearest(start)
    if root is None:
        return None
    try:
        with open(root / CONFIG_NAME, "rb") as file:
            items_dir = items_dir_named(file.read(_READ_AT_MOST))
        if items_dir is None:
            return None
        repo = locate(root)
        tip = repo.text("rev-parse", "--verify", "--quiet", "--end-of-options", "HEAD^{commit}")
        if _answered(repo, tip, items_dir, item_id):
            return None  # the cache has the answer: no walk
        # git lists the commits (for a split walk) while the files are looked up.
        order = date_order(repo, tip) if core_to_spare() else None
        try:
            paths = named_files(repo, tip, items_dir, item_id)
        except BaseException:
            if order is not None:
                order.close()
            raise
        if not paths:
            if order is not None:
                order.close()
            return None
        stream = PathWalk(repo, tip, items_dir, sorted(paths), order=order)
    except (OSError, BacklogError):
        return None
    return StartedWalk(repo, tip, items_dir, item_id, paths, stream)


def _answered(repo: Repo, tip: str, items_dir: str, item_id: str) -> bool:
    """Whether the cache holds `item_history`'s result for these (looked up only when the cache is on)."""
    from backlogctl import cache

    if not cache.enabled():
        return False
    from backlogctl.history.cache import HistoryCache, history_key

    stored = HistoryCache(repo.git_dir)
    try:
        return stored.has_result(history_key(repo.path_in_repo(items_dir), item_id, tip))
    finally:
        stored.close()


def items_dir_named(config_text: bytes) -> str | None:
    """The items folder backlog.yaml's text names on one plain top-level line; None if it is not that simple.

    A guess for the early walk only (`Trail` checks it against the validated configuration).
    """
    if b"items_dir" not in config_text:
        return DEFAULT_ITEMS_DIR
    found = _ITEMS_DIR_LINE.findall(config_text)
    if len(found) != 1 or config_text.count(b"items_dir") != 1:
        return None
    return str(found[0].decode("ascii"))


def named_files(repo: Repo, tip: str, items_dir: str, item_id: str) -> list[str]:
    """Repository paths of the item files at ``tip`` whose names start with the id (``<id>-<slug>.yaml``)."""
    folder = repo.path_in_repo(items_dir)
    listing = repo.run("ls-tree", "-r", "-z", "--name-only", "--full-tree", tip, "--", folder)
    lead, cut = item_id.lower(), len(repo.prefix)
    if lead.isascii():
        # One scan of the whole listing for the names that start with the id
        # (100,000 names: a few ms, against 60-80 ms name by name).
        names: Iterable[str] = _named_in(listing, lead.encode())
    else:
        names = (
            name
            for name in listing.decode("utf-8", "replace").split("\0")
            if name.rsplit("/", 1)[-1].lower().startswith((f"{lead}-", f"{lead}."))
        )
    return [name for name in names if is_item_path(name[cut:], items_dir)]


def _named_in(listing: bytes, lead: bytes) -> Iterator[str]:
    """The names in a NUL-separated listing whose last part starts with ``lead`` and ``-`` or ``.``.

    Letters compare in any case (ids are ASCII: ``bytes.lower``).
    """
    low = listing.lower()
    for found in re.finditer(re.escape(lead) + rb"[-.]", low):
        at = found.start()
        if at and low[at - 1] not in b"\0/":
            continue  # the id is inside a longer name
        end = low.find(b"\0", at)
        end = len(low) if end < 0 else end
        if b"/" not in low[at:end]:
            yield listing[low.rfind(b"\0", 0, at) + 1 : end].decode("utf-8", "replace")
