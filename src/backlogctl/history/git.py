"""Running git through GitPython: the repository, one-shot commands and a blob reader.

Every git process backlogctl starts is started here, through GitPython's
`Git` command interface (`Repo.git`). Commands are read-only except the
commits and review tags of `history.commit`, which use the same accessor.

The environment is stripped as pre-commit does: a ``GIT_*`` variable that is
not on the allow-list (identity, dates, transport, the user's own config
files) cannot redirect a command, so a hook's or an IDE's ``GIT_INDEX_FILE``
or ``GIT_DIR`` does not point backlogctl at another index or repository.
"""

from __future__ import annotations

import os
import queue
import re
import selectors
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, ClassVar

from backlogctl.errors import GitError

if TYPE_CHECKING:
    import git as gitpython

NO_GIT = "git is not installed or not on PATH"
NO_GIT_HINT = "history commands need it (lint, rank, list and show work without it)"
NOT_A_REPO = "{root} is not inside a git repository"
NOT_A_REPO_HINT = "history needs the backlog committed to git (git init && git add . && git commit)"

# Options that keep git's output machine-readable whatever the user configured.
# log.follow would turn a one-path history walk into git's similarity-based
# --follow, which wanders into other items' files; log.showRoot keeps the root
# commit's files; log.diffMerges (combined, remerge...) would change what a
# merge reports (every diff below also passes its merge option explicitly).
OPTIONS = (
    "--literal-pathspecs",
    "--no-replace-objects",
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
    "-c",
    "log.diffMerges=separate",
    "-c",
    "core.fsmonitor=false",
)
"""Everything here that changes git's answer; the cache key includes it."""

# GIT_* variables passed through unchanged (pre-commit's list, plus the
# identity and date of commits and the user's own configuration files).
_ALLOWED = re.compile(
    r"GIT_(AUTHOR_|COMMITTER_)(NAME|EMAIL|DATE)"
    r"|GIT_(EXEC_PATH|SSH|SSH_COMMAND|SSL_CAINFO|SSL_NO_VERIFY|ASKPASS|TERMINAL_PROMPT"
    r"|HTTP_PROXY_AUTHMETHOD|ALLOW_PROTOCOL|CONFIG_NOSYSTEM|CONFIG_GLOBAL|CONFIG_SYSTEM"
    r"|CONFIG_COUNT|CONFIG_KEY_\d+|CONFIG_VALUE_\d+|TRACE\w*|PYTHON_\w+|EDITOR|SEQUENCE_EDITOR)"
)
_DUBIOUS = "dubious ownership"


def allowed_variable(name: str) -> bool:
    return not name.startswith("GIT_") or bool(_ALLOWED.fullmatch(name))


def strip_environment() -> None:
    """Drop every GIT_* variable outside the allow-list from this process's environment.

    GitPython's discovery reads ``GIT_DIR``, ``GIT_WORK_TREE`` and
    ``GIT_OBJECT_DIRECTORY`` from ``os.environ`` and every command it starts
    inherits ``os.environ`` (it can add to it, never remove), so the variables
    are removed where both look. Hooks that our commits run get theirs from git.
    """
    for name in [name for name in os.environ if not allowed_variable(name)]:
        del os.environ[name]


def _command(args: Iterable[str]) -> list[str]:
    from git import Git

    return [str(Git.GIT_PYTHON_GIT_EXECUTABLE or "git"), *OPTIONS, *args]


@dataclass(eq=False)
class Repo:
    """The git repository that holds a backlog, with GitPython's `Git` to run commands."""

    top: Path
    """The working tree's top folder."""
    git_dir: Path
    prefix: str
    """The backlog root relative to ``top``, posix, '' or ending in '/'."""
    common_dir: Path | None = None
    _git: gitpython.Git | None = field(default=None, repr=False)

    @property
    def git(self) -> gitpython.Git:
        """GitPython's command interface for this repository (stripped environment, pinned options).

        `history.commit` makes commits and tags through it, so hooks run as usual.
        """
        if self._git is None:
            from git import Git

            strip_environment()
            self._git = Git(self.top)
            self._git.update_environment(LC_ALL="C", LANGUAGE="C")
        return self._git

    def gitpython(self) -> gitpython.Repo:
        """GitPython's `Repo` object for this repository."""
        from git import Repo as GitRepo

        return GitRepo(self.top)

    def path_in_repo(self, relative: str) -> str:
        """A backlog-relative path as a path from the repository's top."""
        joined = PurePosixPath(self.prefix or ".") / relative
        return joined.as_posix().removeprefix("./")

    def run(self, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
        """Run ``git ARGS`` at the top of the repository; return stdout."""
        out, err, code = self.call(*args, stdin=stdin)
        if check and code != 0:
            raise _failure(args[0], err, code)
        return out

    def call(self, *args: str, stdin: bytes | None = None) -> tuple[bytes, bytes, int]:
        """Run ``git ARGS``; (stdout, stderr, exit code)."""
        process = self.start(*args, stdin=stdin is not None)
        out, err = process.communicate(stdin)
        return out, err, process.returncode

    def start(self, *args: str, stdin: bool = False, stderr: bool = True) -> Any:
        """Start ``git ARGS`` through GitPython; the process (stdout piped)."""
        from git.exc import GitCommandNotFound

        try:
            process = self.git.execute(
                _command(args), as_process=True, istream=subprocess.PIPE if stdin else None
            )
        except GitCommandNotFound:
            raise GitError(NO_GIT, hint=NO_GIT_HINT) from None
        return process

    def text(self, *args: str) -> str:
        return self.run(*args).decode("utf-8", "replace").strip()

    def is_shallow(self) -> bool:
        return ((self.common_dir or self.git_dir) / "shallow").exists()

    def head_is_born(self) -> bool:
        return bool(self.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip())

    def check_readable(self) -> None:
        """Raise a GitError when git refuses this repository (dubious ownership...)."""
        _out, err, code = self.call("rev-parse", "--git-dir")
        if code != 0:
            raise _failure("rev-parse", err, code)


class Output:
    """A git command's output, read by a thread as git writes it, so git never waits for us.

    `chunks` gives stdout as it arrives (the caller works while git does);
    `finish` waits for git and raises its error; `close` stops git if it still
    runs and reaps it, so no process or thread is left behind whatever the
    caller does.
    """

    _open: ClassVar[set[Output]] = set()
    """Every Output not yet closed (`close_all`)."""

    def __init__(self, repo: Repo, *args: str) -> None:
        self._command = args[0]
        self._process = repo.start(*args)  # GitPython's AutoInterrupt: killed if it is dropped
        self._popen: subprocess.Popen[bytes] = self._process.proc
        Output._open.add(self)
        self._thread: threading.Thread | None = None
        self._chunks: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._stderr: list[bytes] = []
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    @classmethod
    def close_all(cls) -> None:
        """Close every Output still open: at exit, when an interrupt cut a command short.

        Ctrl-C in a terminal stops git too (same process group), but an
        interrupt sent to backlogctl alone can land between starting git and
        the code that would close it; nothing is left walking then either.
        """
        for output in list(cls._open):
            output.close()

    def _drain(self) -> None:
        """Read stdout and stderr until git closes both (both at once: either pipe can fill)."""
        stdout, stderr = self._popen.stdout, self._popen.stderr
        assert stdout is not None and stderr is not None
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(stdout.fileno(), selectors.EVENT_READ)
                selector.register(stderr.fileno(), selectors.EVENT_READ)
                while selector.get_map():
                    for key, _ in selector.select():
                        data = os.read(key.fd, 1 << 16)
                        if not data:
                            selector.unregister(key.fd)
                        elif key.fd == stdout.fileno():
                            self._chunks.put(data)
                        else:
                            self._stderr.append(data)
        finally:
            self._chunks.put(None)

    def chunks(self) -> Iterator[bytes]:
        """Stdout in pieces as git writes it (cut anywhere), until git closes it."""
        while (chunk := self._chunks.get()) is not None:
            yield chunk
        self._chunks.put(None)  # a second reader ends at once too

    def finish(self) -> None:
        """Wait for git to end; a GitError with its message if it failed."""
        if self._thread is not None:
            self._thread.join()
        code = self._popen.wait()
        if code != 0:
            raise _failure(self._command, b"".join(self._stderr), code)

    def running(self) -> bool:
        return self._popen.poll() is None

    def close(self) -> None:
        """Stop git if it still runs, reap it and close its pipes."""
        if self._popen.poll() is None:
            self._popen.terminate()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=10)
        if thread is not None and thread.is_alive():  # something else holds the pipes open
            self._popen.kill()
        self._popen.wait()
        if thread is None or not thread.is_alive():
            for pipe in (self._popen.stdout, self._popen.stderr):
                if pipe is not None:
                    pipe.close()
        Output._open.discard(self)

    def __enter__(self) -> Output:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RepositoryRefused(GitError):
    """Git refuses to work in the repository (``safe.directory``: dubious ownership)."""


def _failure(command: str, stderr: bytes, code: int) -> GitError:
    text = stderr.decode("utf-8", "replace").strip()
    if _DUBIOUS in text:
        where = re.search(r"repository at '([^']*)'", text)
        at = where.group(1) if where else "this repository"
        return RepositoryRefused(
            f"git refuses the repository at {at} (dubious ownership: another user owns it); "
            f"if you trust it, run: git config --global --add safe.directory {at}"
        )
    lines = text.splitlines()
    detail = lines[-1] if lines else f"exit {code}"
    return GitError(f"git {command} failed: {detail.removeprefix('fatal: ')}")


def run(cwd: Path, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
    """Run one git command in the repository around ``cwd``."""
    return locate(cwd).run(*args, check=check, stdin=stdin)


def locate(root: Path) -> Repo:
    """The repository around ``root`` (GitPython's discovery), or a GitError saying why there is none."""
    import git as gitpython

    strip_environment()
    start = Path(root).resolve()
    try:
        found = gitpython.Repo(start, search_parent_directories=True)
    except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError):
        raise GitError(NOT_A_REPO.format(root=root), hint=NOT_A_REPO_HINT) from None
    if found.bare or found.working_tree_dir is None:
        raise GitError(NOT_A_REPO.format(root=root), hint=NOT_A_REPO_HINT)
    top = Path(found.working_tree_dir).resolve()
    git_dir = Path(found.git_dir).resolve()
    common = Path(found.common_dir).resolve()
    found.close()
    try:
        inside = start.relative_to(top).as_posix()
    except ValueError:
        raise GitError(NOT_A_REPO.format(root=root), hint=NOT_A_REPO_HINT) from None
    prefix = "" if inside in ("", ".") else f"{inside}/"
    return Repo(top, git_dir, prefix, common)


def require_history(root: Path) -> Repo:
    """A repository with a full, born history, or one clear GitError."""
    repo = locate(root)
    out, err, code = repo.call("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if code != 0 and err.strip():
        raise _failure("rev-parse", err, code)
    if not out.strip():
        raise GitError("the current branch has no commits yet", hint="commit the backlog first")
    if repo.is_shallow():
        raise GitError(
            "this is a shallow clone, so the history is incomplete",
            hint="deepen it with 'git fetch --unshallow'",
        )
    return repo


class BlobReader:
    """Many objects through GitPython's persistent ``git cat-file --batch`` process.

    GitPython keeps one ``cat-file --batch`` per `Git` object and reads one
    object per round trip (`Git.get_object_data`); `read_many` writes all the
    requests to that same process from a thread while reading the answers, so
    git never waits for us between objects.
    """

    def __init__(self, repo: Repo) -> None:
        from git.exc import GitCommandNotFound

        self._git = repo.git
        try:
            self._process = self._git._get_persistent_cmd("cat_file_all", "cat_file", batch=True)
        except GitCommandNotFound:
            raise GitError(NO_GIT, hint=NO_GIT_HINT) from None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._git.clear_cache()

    def read_many(self, names: Iterable[str]) -> dict[str, bytes | None]:
        """Contents of many objects (``sha`` or ``rev:path``); None for missing ones."""
        wanted = [name for name in dict.fromkeys(names) if "\n" not in name]
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
        return self.read_many([name]).get(name)


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
    size = int(parts[-1])
    body = stdout.read(size)
    stdout.read(1)  # the newline after each object
    return body
