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


@dataclass(frozen=True, slots=True)
class Revision:
    """A revision resolved once: its commit ``sha`` in ``repo``, seen from today's backlog folder."""

    sha: str
    repo: Repo
    backlog_dir: BacklogDir


def resolve_revision(root: Path, rev: str) -> Revision:
    """The commit ``rev`` names (anything git accepts, a date, or last-review), to read a backlog at."""
    from backlogctl import config as config_module

    backlog_dir = config_module.load(root)
    repo = locate(backlog_dir.root)
    return Revision(resolve_in(repo, rev, backlog_dir.config.review.tag_prefix), repo, backlog_dir)


def resolve(root: Path, rev: str) -> str:
    """The commit sha ``rev`` names: anything git accepts, a date, or last-review."""
    return resolve_revision(root, rev).sha


def resolve_in(repo: Repo, rev: str, tag_prefix: str = "review/", tip: str = "HEAD") -> str:
    """Resolve ``rev`` in ``repo``; dates look along the first-parent line of ``tip``."""
    rev = rev.strip()
    if not rev or rev.startswith("-") or "\n" in rev:
        raise InputError(f"{rev!r} is not a revision")
    if ".." in rev:
        raise InputError(
            f"{rev!r} is a range", hint="give one revision (changes takes --since REV and --until REV)"
        )
    if rev == LAST_REVIEW:
        return last_review(repo, tag_prefix).sha
    if DATE.match(rev):
        return _at_date(repo, rev, tip)
    sha = repo.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False)
    found = sha.decode().strip()
    if not found:
        raise NotFoundError(
            f"unknown revision {rev!r}",
            hint=f"give a commit, tag or branch, a date YYYY-MM-DD, or {LAST_REVIEW}",
        )
    return found


def end_of_day(day: str) -> int:
    """The last second of ``day`` (YYYY-MM-DD) in the local time zone, as a Unix time."""
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise InputError(f"{day!r} is not a real date", hint="write YYYY-MM-DD") from None
    end = dt.datetime.combine(date, dt.time(23, 59, 59))
    try:
        return int(end.astimezone().timestamp())
    except (OverflowError, OSError, ValueError):
        return int(end.replace(tzinfo=dt.UTC).timestamp())


def _at_date(repo: Repo, day: str, tip: str) -> str:
    """The last commit on ``tip``'s first-parent line committed on or before the end of ``day``.

    The date is parsed here and compared with git's exact commit times, never
    handed to git's approximate date parser.
    """
    limit = end_of_day(day)
    if not repo.head_is_born():
        raise GitError("the current branch has no commits yet", hint="commit the backlog first")
    # The committer date on the first-parent line: when the change reached the branch.
    listing = repo.run("rev-list", "--first-parent", "--timestamp", tip)
    for line in listing.decode().splitlines():
        stamp, _, sha = line.partition(" ")
        if int(stamp) <= limit:
            return sha
    raise NotFoundError(f"no commit on or before {day}")


@dataclass(frozen=True, slots=True)
class Review:
    """The last review: its tag, its commit, and whether HEAD still descends from it."""

    tag: str
    sha: str
    on_line: bool


_TAG_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def last_review(repo: Repo, tag_prefix: str) -> Review:
    """The review tag with the newest review date in its name (``review/2026-11-21``).

    Ties and names without a date fall back to the tag's creation date. A tag
    that HEAD no longer descends from (the reviewed commit was rebased away) is
    still the last review; ``on_line`` says so, for a warning.
    """
    listing = repo.run(
        "for-each-ref",
        "--format=%(refname)%00%(creatordate:unix)%00%(*objectname)%00%(objectname)",
        f"refs/tags/{tag_prefix}*",
    )
    best: tuple[str, int, str, str] | None = None
    for line in listing.decode("utf-8", "replace").splitlines():
        refname, created, peeled, target = [*line.split("\0"), "", "", ""][:4]
        found = _TAG_DATE.search(refname.removeprefix(f"refs/tags/{tag_prefix}"))
        key = (found.group(1) if found else "", int(created or 0), refname, peeled or target)
        if best is None or key[:3] > best[:3]:
            best = key
    if best is None:
        raise NotFoundError(
            f"no review tag ({tag_prefix}*) yet, so there is no last review",
            hint="run 'backlogctl review close' after a review, or give --since a revision or date",
        )
    refname = best[2]
    sha = repo.text("rev-parse", "--verify", f"{refname}^{{commit}}")
    _out, _err, code = repo.call("merge-base", "--is-ancestor", sha, "HEAD")
    return Review(refname.removeprefix("refs/tags/"), sha, code == 0)


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
        raise NotFoundError(f"{CONFIG_NAME} did not exist at {rev}", hint="pick a later revision")
    try:
        data: Any = store.parse(decode(raw, shown), shown)
    except InputError as exc:
        raise ConfigError(exc.problem, path=shown, line=exc.line, hint=exc.hint) from None
    return parse_config(data, shown)


def backlog_at(root: Path, rev: str) -> Backlog:
    """The backlog as it was at ``rev`` (config and items from that tree); see `backlog_of`."""
    return backlog_of(resolve_revision(root, rev), rev)


def backlog_of(revision: Revision, rev: str | None = None) -> Backlog:
    """The backlog as it was at a resolved ``revision``; messages name it ``rev`` (default: its sha).

    Reads git objects only; the working tree is never touched. Entry paths are
    where the files were, under today's backlog root.
    """
    current, repo, sha = revision.backlog_dir, revision.repo, revision.sha
    with BlobReader(repo) as reader:
        config = config_at(repo, reader, sha, rev or sha)
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
