"""Running git: locating the repository, one-shot commands and a blob reader.

Every git process backlogctl starts is started here. Commands are read-only
except the commits and review tags of `history.commit`.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from backlogctl.errors import GitError

NO_GIT = (
    "git is not installed or not on PATH; history commands need it "
    "(lint, rank, list and show work without it)"
)

# Options that keep git's output machine-readable whatever the user configured.
# log.follow would turn a one-path history walk into git's similarity-based
# --follow, which wanders into other items' files; log.showRoot keeps the root
# commit's files.
_BASE = [
    "git",
    "--literal-pathspecs",
    "-c",
    "core.quotepath=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "color.ui=false",
    "-c",
    "log.follow=false",
    "-c",
    "log.showRoot=true",
]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    return env


@dataclass(frozen=True, slots=True)
class Repo:
    """The git repository that holds a backlog."""

    top: Path
    """The working tree's top folder."""
    git_dir: Path
    prefix: str
    """The backlog root relative to ``top``, posix, '' or ending in '/'."""

    def path_in_repo(self, relative: str) -> str:
        """A backlog-relative path as a path from the repository's top."""
        joined = PurePosixPath(self.prefix or ".") / relative
        return joined.as_posix().removeprefix("./")

    def run(self, *args: str, check: bool = True) -> bytes:
        """Run ``git ARGS`` at the top of the repository; return stdout."""
        return run(self.top, *args, check=check)

    def text(self, *args: str) -> str:
        return self.run(*args).decode("utf-8", "replace").strip()

    def is_shallow(self) -> bool:
        return (self.git_dir / "shallow").exists()

    def head_is_born(self) -> bool:
        return bool(self.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip())


def run(cwd: Path, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
    """Run one git command; a failure is a GitError with git's own message."""
    try:
        done = subprocess.run(
            [*_BASE, *args], cwd=cwd, input=stdin, capture_output=True, env=_environment(), check=False
        )
    except FileNotFoundError:
        raise GitError(NO_GIT) from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit {done.returncode}"
        raise GitError(f"git {args[0]} failed: {detail.removeprefix('fatal: ')}")
    return done.stdout


def locate(root: Path) -> Repo:
    """The repository around ``root``, or a GitError saying why there is none."""
    try:
        done = subprocess.run(
            [*_BASE, "rev-parse", "--show-toplevel", "--absolute-git-dir", "--show-prefix"],
            cwd=root,
            capture_output=True,
            env=_environment(),
            check=False,
        )
    except FileNotFoundError:
        raise GitError(NO_GIT) from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if done.returncode != 0:
        raise GitError(
            f"{root} is not inside a git repository; history needs the backlog committed to git "
            "(git init && git add . && git commit)"
        )
    top, git_dir, prefix = [*done.stdout.decode("utf-8", "replace").split("\n"), "", "", ""][:3]
    return Repo(Path(top), Path(git_dir), prefix)


def require_history(root: Path) -> Repo:
    """A repository with a full, born history, or one clear GitError."""
    repo = locate(root)
    if not repo.head_is_born():
        raise GitError("the current branch has no commits yet; commit the backlog first")
    if repo.is_shallow():
        raise GitError(
            "this is a shallow clone, so the history is incomplete; deepen it with 'git fetch --unshallow'"
        )
    return repo


class BlobReader:
    """One long-running ``git cat-file --batch`` process for many objects."""

    def __init__(self, repo: Repo) -> None:
        try:
            self._process = subprocess.Popen(
                [*_BASE, "cat-file", "--batch"],
                cwd=repo.top,
                env=_environment(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise GitError(NO_GIT) from None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        if self._process.stdout:
            self._process.stdout.close()
        self._process.wait()

    def read_many(self, names: Iterable[str]) -> dict[str, bytes | None]:
        """Contents of many objects (``sha`` or ``rev:path``); None for missing ones."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        request = "".join(f"{name}\n" for name in wanted).encode()
        # A writer thread: git blocks on a full stdout while we would block on stdin.
        writer = threading.Thread(target=_feed, args=(stdin, request), daemon=True)
        writer.start()
        found: dict[str, bytes | None] = {}
        for name in wanted:
            found[name] = _read_one(stdout)
        writer.join()
        return found

    def read(self, name: str) -> bytes | None:
        return self.read_many([name])[name]


_TYPES = (b"blob", b"tree", b"commit", b"tag")


def _feed(stdin: IO[bytes], request: bytes) -> None:
    stdin.write(request)
    stdin.flush()


def _read_one(stdout: IO[bytes]) -> bytes | None:
    header = stdout.readline()
    if not header:
        raise GitError("git cat-file stopped unexpectedly")
    parts = header.split()
    if len(parts) < 3 or parts[-2] not in _TYPES or not parts[-1].isdigit():
        return None  # "<name> missing" or "<name> ambiguous"
    size = int(parts[2])
    body = stdout.read(size)
    stdout.read(1)  # the newline after each object
    return body
