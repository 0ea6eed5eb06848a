"""One error base class; the CLI maps each kind to an exit code.

Errors are structured: ``kind`` names what went wrong (for input errors the
lint rule that reports it), ``path``, ``line`` and ``column`` say where,
``problem`` and ``hint`` are the two halves of ``message`` ("what is wrong; what
to do"). Code that needs to tell errors apart reads these fields; nothing
parses a message.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_BUG = 3

REPORT_BUGS = "https://github.com/backlogctl/backlogctl/issues"
"""Where an unexpected error (exit 3) asks to be reported."""


class BacklogError(Exception):
    """An expected failure: the user gets one line, never a traceback."""

    exit_code = EXIT_USAGE
    default_kind = "error"

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        kind: str | None = None,
        hint: str | None = None,
    ) -> None:
        full = f"{message}; {hint}" if hint else message
        super().__init__(full)
        self.message = full
        self.problem = message
        """What is wrong, without the hint (``message`` when the raiser gave no ``hint``)."""
        self.hint = hint
        """What to do about it, when the raiser gave it apart."""
        self.path = path
        self.line = line
        self.column = column
        self.kind = kind if kind is not None else self.default_kind

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path)
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class ConfigError(BacklogError):
    """backlog.yaml is missing or invalid."""

    default_kind = "config"


class InputError(BacklogError):
    """A file the command must read cannot be used (bad YAML, bad encoding...).

    For item files ``kind`` is the id of the lint rule that reports the error:
    ``yaml-syntax``, ``encoding``, ``merge-conflict``, ``not-a-mapping``,
    ``bad-value`` or ``unreadable`` (the default).
    """

    default_kind = "unreadable"


class NotFoundError(BacklogError):
    """An id, path or revision that does not exist."""

    default_kind = "not-found"


class ConflictError(BacklogError):
    """Someone else changed the file while we were editing it."""

    default_kind = "conflict"


class GitError(BacklogError):
    """Git cannot answer: not a repository, shallow clone, git missing."""

    default_kind = "git"


class Findings(BacklogError):
    """The command ran and found problems (lint errors): exit 1."""

    exit_code = EXIT_FINDINGS
    default_kind = "findings"
