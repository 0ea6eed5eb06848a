"""The only writes to git: the one --commit flow every writing command uses, and review tags.

`commit_change` is all or nothing. It refuses up front when a file it will
change has uncommitted changes of its own; it remembers every file's bytes
and the index, runs the change, and commits exactly the files the change
touched through GitPython (so hooks run). If git refuses for any reason — a
failing hook, signing, a lock that does not clear, an ignored path, Ctrl-C —
every file gets its old bytes back, the index is put back as it was, and the
error carries everything git and its hooks said.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from backlogctl.errors import GitError
from backlogctl.history.git import Repo, locate

T = TypeVar("T")

LOCK_WAIT = 10.0
"""Seconds a commit waits for a busy index (another git holding index.lock) before giving up."""

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


def full_message(summary: str, why: str | None) -> str:
    """The commit message: what changed on the first line, the user's why (``-m``) as the body."""
    why = (why or "").strip()
    return f"{summary}\n\n{why}\n" if why else f"{summary}\n"


def why_of(message: str) -> str | None:
    """The user's why in a commit message written by `full_message` (its body), if any."""
    _, _, body = message.strip().partition("\n\n")
    lines = [line for line in body.splitlines() if not _is_trailer(line)]
    return "\n".join(lines).strip() or None


def _is_trailer(line: str) -> bool:
    name, sep, _ = line.partition(": ")
    return bool(sep) and name.replace("-", "").isalnum() and name[:1].isupper() and " " not in name


def commit_change(
    root: Path,
    change: Callable[[], T],
    *,
    written: Callable[[T], Sequence[Path]],
    message: Callable[[T], str],
    touches: Sequence[Path] = (),
    also: Sequence[Path] = (),
    commit: bool = True,
) -> tuple[T, str | None]:
    """Run ``change`` and commit what it wrote, all or nothing; returns its result and the commit's sha.

    ``touches``: existing files the change will rewrite or remove, known before
    it runs (refused when they have uncommitted changes of their own).
    ``also``: files committed as they already are (review marks written
    earlier); kept as they are whatever happens.
    ``written(result)``: every file the change wrote, created or removed.
    With ``commit=False`` this is just ``change()``. When the change writes
    nothing, nothing is committed (sha None).
    """
    if not commit:
        return change(), None
    repo = locate(root)
    check_can_commit(repo)
    refuse_uncommitted(repo, touches)
    saved = {path: _bytes_of(path) for path in [*touches, *also]}
    try:
        result = change()
        paths = list(dict.fromkeys(written(result)))
        if not paths:
            return result, None
        for path in paths:
            saved.setdefault(path, None)  # not known before: created by the change
        sha = _commit_paths(repo, paths, message(result))
    except BaseException:
        _restore_files(saved)
        raise
    return result, sha


def refuse_uncommitted(repo: Repo, paths: Sequence[Path]) -> None:
    """Refuse when any of ``paths`` has changes not committed yet (they would ride along unexplained)."""
    existing = [path for path in paths if path.exists()]
    if not existing:
        return
    rel = [_inside(repo, path) for path in existing]
    status = repo.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *rel)
    dirty = sorted({entry[3:].decode("utf-8", "replace") for entry in status.split(b"\0") if entry})
    if dirty:
        listed = ", ".join(dirty)
        raise GitError(
            f"{listed} has uncommitted changes of its own; commit or stash them first, "
            "or run without --commit (nothing was written)"
        )


def commit_files(root: Path, paths: list[Path], message: str) -> str:
    """Commit exactly ``paths`` (already written) with ``message``; the index is restored if git refuses."""
    repo = locate(root)
    check_can_commit(repo)
    return _commit_paths(repo, paths, message)


def _commit_paths(repo: Repo, paths: Sequence[Path], message: str) -> str:
    """Like ``git add`` + ``git commit --only``: other staged or unstaged changes stay as they were."""
    rel = [_inside(repo, path) for path in paths]
    with _commit_lock(repo):
        saved_index = _bytes_of(repo.git_dir / "index")
        try:
            # A new file must be known to the index before `commit --only` accepts it;
            # a removed one is staged as removed.
            _git(repo, "add", "--all", "--", *rel)
            _git(repo, "commit", "--quiet", "--only", "--cleanup=strip", "-m", message, "--", *rel)
        except BaseException as refusal:
            try:
                _restore_index(repo, saved_index)
            except GitError as also:
                raise GitError(f"{refusal}\n{also.message}") from None
            raise
        return repo.text("rev-parse", "HEAD")


def _inside(repo: Repo, path: Path) -> str:
    try:
        return path.absolute().parent.resolve().joinpath(path.name).relative_to(repo.top.resolve()).as_posix()
    except ValueError:
        raise GitError(f"{path} is outside the git repository at {repo.top}") from None


def _bytes_of(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _restore_files(saved: dict[Path, bytes | None]) -> None:
    from backlogctl.store.write import restore

    for path, data in saved.items():
        restore(path, data)


@contextlib.contextmanager
def _commit_lock(repo: Repo) -> Iterator[None]:
    """Serialise backlogctl's commits in one repository (twenty concurrent `new --commit` queue here)."""
    from backlogctl.store.write import folder_lock

    with folder_lock(repo.git_dir):
        yield


def _index_busy(said: str) -> bool:
    return "index.lock" in said and ("File exists" in said or "Unable to create" in said)


def _git(repo: Repo, *args: str) -> None:
    """Run one writing git command through GitPython; wait out a busy index for up to LOCK_WAIT seconds."""
    deadline = time.monotonic() + LOCK_WAIT
    pause = 0.05
    while True:
        status, said = _run_forwarding(repo, *args)
        if status == 0:
            return
        if _index_busy(said) and time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
            continue
        raise GitError(_refusal(args[0], status, said, busy=_index_busy(said)))


def _refusal(command: str, status: int, said: str, *, busy: bool) -> str:
    head = f"git {command} refused (exit {status}); nothing was committed and every file is as it was"
    if busy:
        head += (
            f"; another git process held the index for more than {LOCK_WAIT:g} seconds"
            " (wait for it to finish and run the command again)"
        )
    said = said.strip()
    return f"{head}. Git said:\n{said}" if said else head


def _run_forwarding(repo: Repo, *args: str) -> tuple[int, str]:
    """Run ``git ARGS``; a SIGINT meanwhile is passed on to git, which is waited for (no lock left behind).

    Returns git's exit status and everything it and its hooks printed.
    """
    handle = repo.start(*args)
    process = getattr(handle, "proc", handle)  # GitPython's AutoInterrupt wraps the Popen
    interrupted: list[int] = []

    def forward(signum: int, frame: object) -> None:
        interrupted.append(signum)
        with contextlib.suppress(OSError):
            process.send_signal(signum)

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, forward) if main else None
    try:
        out, err = process.communicate()
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    if interrupted and process.returncode != 0:
        raise KeyboardInterrupt
    # Git finished before the interrupt could stop it (or its hook ignored it): the
    # step is done, and undoing the files now would leave a commit they contradict.
    said = (err or b"").decode("utf-8", "replace") + (out or b"").decode("utf-8", "replace")
    return int(process.returncode), said


def _restore_index(repo: Repo, saved: bytes | None) -> None:
    """Put the index back as it was, taking git's own lock (index.lock) to do it."""
    index = repo.git_dir / "index"
    lock = repo.git_dir / "index.lock"
    if _bytes_of(index) == saved:
        return  # git refused before touching it
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:
            if time.monotonic() > deadline:
                raise GitError(
                    f"could not put the git index back: {lock} is held by another process"
                ) from None
            time.sleep(0.05)
    try:
        if saved is not None:
            os.write(fd, saved)
            os.fsync(fd)
    finally:
        os.close(fd)
    if saved is None:
        index.unlink(missing_ok=True)
        lock.unlink()
    else:
        os.replace(lock, index)


def tag_exists(root: Path, name: str) -> bool:
    repo = locate(root)
    return bool(repo.run("rev-parse", "--verify", "--quiet", f"refs/tags/{name}", check=False).strip())


def tag_review(root: Path, name: str, message: str, *, force: bool = False) -> str:
    """Create the annotated tag ``name`` on HEAD; refuse if it exists unless ``force`` (which moves it)."""
    repo = locate(root)
    if not repo.head_is_born():
        raise GitError("the current branch has no commits yet; commit the backlog before closing a review")
    if not force and tag_exists(root, name):
        raise GitError(f"tag {name} already exists; a review was already closed today (--force moves it)")
    _git(repo, "tag", *(["--force"] if force else []), "-a", "-m", message, name, "HEAD")
    return repo.text("rev-parse", "HEAD")


def uncommitted_marks(root: Path, items_dir: str, day: str) -> list[Path]:
    """Item files whose only uncommitted change is ``last_reviewed`` set to ``day``.

    These are what `review mark` wrote without --commit; `review close --commit`
    commits them (and nothing else) before tagging.
    """
    return [path for path, only_mark in uncommitted_items(root, items_dir, day) if only_mark]


def uncommitted_items(root: Path, items_dir: str, day: str) -> list[tuple[Path, bool]]:
    """Every item file with uncommitted changes, and whether its only change is a review mark of ``day``."""
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
            only_mark = (
                old is not None
                and now is not None
                and [(field, new) for field, _, new in diff(old, now)]
                == [("last_reviewed", dt.date.fromisoformat(day))]
            )
            found.append((path, only_mark))
    return found


def hook_lints(root: Path) -> bool:
    """Whether the repository has a pre-commit hook that runs backlogctl lint (directly or via pre-commit)."""
    repo = locate(root)
    hook = Path(repo.text("rev-parse", "--git-path", "hooks/pre-commit"))
    hook = hook if hook.is_absolute() else repo.top / hook
    if not (hook.is_file() and os.access(hook, os.X_OK)):
        return False
    try:
        said = hook.read_text(encoding="utf-8", errors="replace")
        if "backlogctl" in said:
            return True
        config = repo.top / ".pre-commit-config.yaml"
        return (
            "pre-commit" in said and config.is_file() and "backlogctl" in config.read_text(errors="replace")
        )
    except OSError:
        return False


def messages(root: Path, shas: Sequence[str]) -> dict[str, str]:
    """The full message of each commit (a commit message cannot hold a NUL, so -z frames them)."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    out = locate(root).run("log", "--no-walk=unsorted", "-z", "--format=%H%n%B", *wanted)
    found = {}
    for record in out.decode("utf-8", "replace").split("\0"):
        sha, _, body = record.strip("\n").partition("\n")
        if sha:
            found[sha] = body
    return found


def ensure_clean(root: Path, paths: Sequence[Path]) -> None:
    """Refuse, before anything is done, when a file has uncommitted changes of its own."""
    refuse_uncommitted(locate(root), paths)
