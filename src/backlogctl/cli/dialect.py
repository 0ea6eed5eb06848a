"""One command-line dialect: --format names, -o FILE, help without Python type names.

Every command takes its output options from here so the same kind of output
has the same name everywhere (docs/cli.md has the table):

- ``table``: rows for people (list, rank, plan, ...); ``text``: one record or
  prose for people (show, lint, history, changes, ...). Each command accepts
  the other name as a synonym for its human output, so ``--format text`` and
  ``--format table`` both work everywhere.
- ``json`` (always with ``"version": 1``), ``csv``, ``markdown``, ``html``,
  ``yaml``, ``github`` mean the same thing on every command that offers them.

``-o FILE`` writes what would go to stdout into FILE instead (see
``store/output.py`` for what happens with links, devices and folders).
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

HUMAN = ("table", "text")
"""The two names of human output; a command offering one accepts the other."""


def _normalise(names: tuple[str, ...]) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        if value is None or value in names:
            return value
        lowered = value.lower()
        if lowered in names:
            return lowered
        if lowered in HUMAN:
            for name in names:
                if name in HUMAN:
                    return name
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(names)}")

    return check


def _completer(names: tuple[str, ...]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [name for name in names if name.startswith(incomplete)]

    return complete


def format_option(*names: str, help: str | None = None) -> Any:
    """The ``--format/-f`` option offering ``names`` (the first human one is the default by convention)."""
    return typer.Option(
        "--format",
        "-f",
        metavar="|".join(names),
        help=help or "Output format: " + ", ".join(names) + ".",
        callback=_normalise(names),
        autocompletion=_completer(names),
    )


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "-o",
        "--output",
        metavar="FILE",
        help="Write the output to FILE instead of stdout (an existing file keeps its mode; see docs/cli.md).",
        show_default=False,
    ),
]


@contextlib.contextmanager
def output_to(path: Path | None) -> Iterator[None]:
    """Send what the body writes to stdout into ``path`` (when given), written once it is complete."""
    if path is None:
        yield
        return
    from backlogctl.store import output

    output.check_target(path)  # before the work: -o DIR or '' fails fast, nothing written
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        yield
    output.write_document(path, buffer.getvalue())
    sys.stderr.write(f"wrote {path}\n")


def plain_metavars(command: Any) -> None:
    """Give every parameter of ``command`` (and its sub-commands) a metavar in words.

    typer labels a parameter without a metavar by its Python type (``<str>``,
    ``<bool>``, ``<list[str]>``); people read ``--model MODEL`` and
    ``--format table|json``. Flags get no label at all. Applied to the whole
    command tree when the root group is built, so commands added later are
    covered too (tests/test_cli_dialect.py walks them all).
    """
    for param in getattr(command, "params", []):
        _name_metavar(param)
    help_option = getattr(command, "get_help_option", None)
    if help_option is not None and not getattr(help_option, "_plain", False):

        def quiet_help(ctx: Any, _original: Any = help_option) -> Any:
            option = _original(ctx)
            if option is not None:
                option.metavar = ""
            return option

        quiet_help._plain = True  # type: ignore[attr-defined]
        command.get_help_option = quiet_help
    for sub in getattr(command, "commands", {}).values():
        plain_metavars(sub)


def _name_metavar(param: Any) -> None:
    if getattr(param, "param_type_name", "") == "argument":
        # The name column already shows the argument; the type column would say <str>.
        param.display_type_rich = lambda ctx: None
    if param.metavar is not None:
        return
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        param.metavar = ""
        return
    descriptor = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None) if getattr(descriptor, "is_choice", False) else None
    if choices:
        param.metavar = "|".join(str(getattr(c, "value", c)) for c in choices)
    else:
        param.metavar = (param.name or "value").upper().replace("_", "-")
