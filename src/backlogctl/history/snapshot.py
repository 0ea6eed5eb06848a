"""Revisions and the backlog as it was at one of them, read from git's objects."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backlogctl import store
from backlogctl.backlog import Backlog, entries_from
from backlogctl.config import CONFIG_NAME, BacklogDir, Config, parse_config
from backlogctl.errors import ConfigError, GitError, InputError, NotFoundError
from backlogctl.history.git import BlobReader, Repo, locate
from backlogctl.ids import is_item_path
from backlogctl.store.read import MAX_BYTES, decode

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LAST_REVIEW = "last-review"


def resolve(root: Path, rev: str) -> str:
    """The commit sha ``rev`` names: anything git accepts, a date, or last-review."""
    from backlogctl import config as config_module

    backlog_dir = config_module.load(root)
    repo = locate(backlog_dir.root)
    return resolve_in(repo, rev, backlog_dir.config.review.tag_prefix)


def resolve_in(repo: Repo, rev: str, tag_prefix: str = "review/", tip: str = "HEAD") -> str:
    """Resolve ``rev`` in ``repo``; dates look along the first-parent line of ``tip``."""
    rev = rev.strip()
    if not rev or rev.startswith("-"):
        raise InputError(f"{rev!r} is not a revision")
    if rev == LAST_REVIEW:
        return _last_review(repo, tag_prefix)
    if DATE.match(rev):
        return _at_date(repo, rev, tip)
    sha = repo.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False).decode().strip()
    if not sha:
        raise NotFoundError(
            f"unknown revision {rev!r}; give a commit, tag or branch, a date YYYY-MM-DD, or {LAST_REVIEW}"
        )
    return sha


def _at_date(repo: Repo, day: str, tip: str) -> str:
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise InputError(f"{day!r} is not a real date; write YYYY-MM-DD") from None
    if not repo.head_is_born():
        raise GitError("the current branch has no commits yet; commit the backlog first")
    # "At that date" includes the whole day, in the local time zone.
    sha = repo.text("rev-list", "-1", "--first-parent", f"--before={day} 23:59:59", tip)
    if not sha:
        raise NotFoundError(f"no commit on or before {day}")
    return sha


def _last_review(repo: Repo, tag_prefix: str) -> str:
    refname = repo.text(
        "for-each-ref",
        "--sort=-refname",
        "--sort=-creatordate",
        "--count=1",
        "--format=%(refname)",
        f"refs/tags/{tag_prefix}*",
    )
    if not refname:
        raise NotFoundError(
            f"no review tag ({tag_prefix}*) yet, so there is no last review; "
            "run 'backlogctl review close' after a review, or give --since a revision or date"
        )
    return repo.text("rev-parse", "--verify", f"{refname}^{{commit}}")


@dataclass(frozen=True, slots=True)
class TreeFile:
    """One item file in a commit's tree."""

    path: str
    """Relative to the backlog root, posix."""
    blob: str


def item_files(repo: Repo, sha: str, items_dir: str) -> list[TreeFile]:
    """The item files (.yaml/.yml, not hidden, not links) under ``items_dir`` at ``sha``."""
    listing = repo.run("ls-tree", "-r", "-z", "--full-tree", sha, "--", repo.path_in_repo(items_dir))
    files = []
    cut = len(repo.prefix)
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.decode("utf-8", "replace").partition("\t")
        mode, kind, blob = meta.split(" ")
        path = name[cut:]
        if kind != "blob" or mode == "120000" or not is_item_path(path, items_dir):
            continue
        files.append(TreeFile(path, blob))
    return files


def parse_blob(raw: bytes | None, path: Path) -> store.Loaded:
    """One item file's bytes as a Loaded record, like reading it from disk."""
    try:
        if raw is None:
            raise InputError("missing from the git object store", path=path)
        if len(raw) > MAX_BYTES:
            raise InputError(f"file is {len(raw) / 1e6:.1f} MB; item files are limited to 1 MiB", path=path)
        return store.Loaded(path, store.as_mapping(store.parse(decode(raw, path), path), path))
    except InputError as exc:
        return store.Loaded(path, None, exc)


def config_at(repo: Repo, reader: BlobReader, sha: str, rev: str) -> Config:
    """backlog.yaml as it was at ``sha``."""
    shown = Path(f"{rev}:{CONFIG_NAME}")
    raw = reader.read(f"{sha}:{repo.path_in_repo(CONFIG_NAME)}")
    if raw is None:
        raise NotFoundError(f"{CONFIG_NAME} did not exist at {rev}; pick a later revision")
    try:
        data: Any = store.parse(decode(raw, shown), shown)
    except InputError as exc:
        raise ConfigError(exc.message, path=shown, line=exc.line) from None
    return parse_config(data, shown)


def backlog_at(root: Path, rev: str) -> Backlog:
    """The backlog as it was at ``rev`` (config and items from that tree).

    Reads git objects only; the working tree is never touched. Entry paths are
    where the files were, under today's backlog root.
    """
    from backlogctl import config as config_module

    current = config_module.load(root)
    repo = locate(current.root)
    sha = resolve_in(repo, rev, current.config.review.tag_prefix)
    with BlobReader(repo) as reader:
        config = config_at(repo, reader, sha, rev)
        files = item_files(repo, sha, config.items_dir)
        blobs = reader.read_many(f.blob for f in files)
    loaded = [parse_blob(blobs[f.blob], current.root / f.path) for f in files]
    from backlogctl.template import item_model

    entries = entries_from(loaded, model=item_model(config))
    return Backlog(BacklogDir(root=current.root, config=config), entries)


def titles_at(root: Path, shas: list[str], ids: set[str]) -> dict[str, str]:
    """Titles of the items ``ids`` as they were at ``shas`` (the first sha that has one wins).

    Reads only the files named for those ids (``<id>-*.yaml``), not the whole
    backlog: `changes` needs a title per changed item, not every item parsed.
    """
    from backlogctl import config as config_module

    current = config_module.load(root)
    repo = locate(current.root)
    items_dir = current.config.items_dir
    titles: dict[str, str] = {}
    with BlobReader(repo) as reader:
        for sha in shas:
            wanted = {f"{item_id}-": item_id for item_id in ids - titles.keys()}
            if not wanted:
                break
            files = [f for f in item_files(repo, sha, items_dir) if _named_for(f.path, wanted)]
            blobs = reader.read_many(f.blob for f in files)
            for f in files:
                data = parse_blob(blobs[f.blob], current.root / f.path).data or {}
                item_id, title = data.get("id"), data.get("title")
                if isinstance(item_id, str) and item_id in ids and isinstance(title, str):
                    titles.setdefault(item_id, title)
    return titles


def _named_for(path: str, prefixes: dict[str, str]) -> bool:
    name = path.rsplit("/", 1)[-1]
    cut = name.find("-", name.find("-") + 1)
    return name[: cut + 1] in prefixes if cut > 0 else False
