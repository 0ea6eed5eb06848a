"""The only writes to git: committing files backlogctl wrote, and review tags."""

from __future__ import annotations

from pathlib import Path

from backlogctl.errors import GitError
from backlogctl.history.git import Repo, locate

_IN_PROGRESS = {
    "MERGE_HEAD": "a merge",
    "rebase-merge": "a rebase",
    "rebase-apply": "a rebase or am",
    "CHERRY_PICK_HEAD": "a cherry-pick",
    "REVERT_HEAD": "a revert",
    "BISECT_LOG": "a bisect",
}


def check_can_commit(repo: Repo) -> None:
    """Refuse on a detached HEAD or in the middle of a merge, rebase or similar."""
    for name, what in _IN_PROGRESS.items():
        if (repo.git_dir / name).exists():
            raise GitError(f"git is in the middle of {what}; finish or abort it first, then commit")
    if not repo.run("symbolic-ref", "-q", "HEAD", check=False).strip():
        raise GitError("HEAD is detached; check out a branch before using --commit")


def ensure_can_commit(root: Path) -> None:
    """Refuse --commit before anything is written: detached HEAD, merge or rebase under way."""
    check_can_commit(locate(root))


def commit_files(root: Path, paths: list[Path], message: str) -> str:
    """Commit exactly ``paths`` with ``message``; returns the new commit's sha.

    Like ``git commit --only``: other staged or unstaged changes stay as they
    were and are not part of the commit. Never amends or rewrites history.
    """
    repo = locate(root)
    check_can_commit(repo)
    rel = [_inside(repo, path) for path in paths]
    # A new file must be known to the index before `commit --only` accepts it.
    repo.run("add", "--", *rel)
    repo.run("commit", "--quiet", "--only", "-m", message, "--", *rel)
    return repo.text("rev-parse", "HEAD")


def _inside(repo: Repo, path: Path) -> str:
    try:
        return path.resolve().relative_to(repo.top.resolve()).as_posix()
    except ValueError:
        raise GitError(f"{path} is outside the git repository at {repo.top}") from None


def tag_review(root: Path, name: str, message: str) -> str:
    """Create the annotated tag ``name`` on HEAD; refuse if it exists."""
    repo = locate(root)
    if not repo.head_is_born():
        raise GitError("the current branch has no commits yet; commit the backlog before closing a review")
    if repo.run("rev-parse", "--verify", "--quiet", f"refs/tags/{name}", check=False).strip():
        raise GitError(f"tag {name} already exists; a review was already closed today")
    repo.run("tag", "-a", "-m", message, name, "HEAD")
    return repo.text("rev-parse", "HEAD")


def uncommitted_marks(root: Path, items_dir: str, day: str) -> list[Path]:
    """Item files whose only uncommitted change is ``last_reviewed`` set to ``day``.

    These are what `review mark` wrote without --commit; `review close --commit`
    commits them (and nothing else) before tagging.
    """
    import datetime as dt

    from backlogctl import store
    from backlogctl.history.git import BlobReader
    from backlogctl.history.snapshot import parse_blob
    from backlogctl.history.walk import diff

    repo = locate(root)
    status = repo.run(
        "status", "--porcelain", "-z", "--untracked-files=no", "--", repo.path_in_repo(items_dir)
    )
    changed = [entry[3:].decode("utf-8", "replace") for entry in status.split(b"\0") if entry[1:2] == b"M"]
    if not changed:
        return []
    found = []
    with BlobReader(repo) as reader:
        before = reader.read_many(f"HEAD:{name}" for name in changed)
        for name in changed:
            path = repo.top / name
            old = parse_blob(before[f"HEAD:{name}"], path).data
            now = store.load_items([path])[0].data
            if old is None or now is None:
                continue
            if [(field, new) for field, _, new in diff(old, now)] == [
                ("last_reviewed", dt.date.fromisoformat(day))
            ]:
                found.append(path)
    return found
