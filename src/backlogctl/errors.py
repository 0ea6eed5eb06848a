"""One error base class; the CLI maps each kind to an exit code."""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class BacklogError(Exception):
    """An expected failure: the user gets one line, never a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class ConfigError(BacklogError):
    """backlog.yaml is missing or invalid."""


class InputError(BacklogError):
    """A file the command must read cannot be used (bad YAML, bad encoding...)."""


class NotFoundError(BacklogError):
    """An id, path or revision that does not exist."""


class ConflictError(BacklogError):
    """Someone else changed the file while we were editing it."""


class GitError(BacklogError):
    """Git cannot answer: not a repository, shallow clone, git missing."""


class Findings(BacklogError):
    """The command ran and found problems (lint errors): exit 1."""

    exit_code = EXIT_FINDINGS
