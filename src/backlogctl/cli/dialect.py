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


def word_metavars(command: Any, *, recurse: bool = True) -> None:
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
    if help_option is not None and not getattr(help_option, "_quiet", False):

        def quiet_help(ctx: Any, _original: Any = help_option) -> Any:
            option = _original(ctx)
            if option is not None:
                option.metavar = ""
            return option

        quiet_help._quiet = True  # type: ignore[attr-defined]
        command.get_help_option = quiet_help
    for sub in getattr(command, "commands", {}).values() if recurse else ():
        word_metavars(sub)


def _backlog(ctx: Any) -> Any:
    """The backlog completion works in: -C DIR when given, else the current folder (None if there is none)."""
    from backlogctl import config
    from backlogctl.errors import BacklogError

    root = ctx.find_root()
    directory = root.params.get("directory") if root.params else None
    try:
        return config.load(Path(directory) if directory else Path.cwd())
    except (BacklogError, OSError):
        return None


def complete_item_id(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """Item ids of the backlog, from the item file names (no file is parsed: completion stays instant)."""
    from backlogctl import ids

    found = _backlog(ctx)
    if found is None:
        return []
    folder = found.root / found.config.items_dir
    names: set[str] = set()
    try:
        for path in folder.rglob("*"):
            key = ids.id_from_name(path.name) if ids.is_item_name(path.name) else None
            if key and key.lower().startswith(incomplete.lower()):
                names.add(key)
    except OSError:
        return []
    return sorted(names, key=ids.natural_key)


def complete_status(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """The lab's statuses (backlog.yaml), or the built-in ones outside a backlog."""
    found = _backlog(ctx)
    if found is None:
        from backlogctl.config import Statuses

        names = list(Statuses().names)
    else:
        names = list(found.config.statuses.names)
    return [name for name in names if name.startswith(incomplete)]


def complete_model(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """The backlog's scoring models, built-in and declared."""
    found = _backlog(ctx)
    if found is None:
        return []
    return sorted(name for name in found.config.scoring.all_models() if name.startswith(incomplete))


_COMPLETERS = {
    "item_id": complete_item_id,
    "item_ids": complete_item_id,
    "ids": complete_item_id,
    "status": complete_status,
    "statuses": complete_status,
    "model": complete_model,
}
"""Parameters completed from the backlog by name, on every command (also ones added later)."""


def _complete_from_backlog(param: Any) -> None:
    if getattr(param, "_custom_shell_complete", "absent") is not None:
        return  # the command gave its own completer (or typer has no such hook)
    name = param.name or ""
    metavar = (param.metavar or "").rstrip(".")
    completer = _COMPLETERS.get(name) or (complete_item_id if metavar in ("ID", "NEW_ID") else None)
    if completer is not None:
        param._custom_shell_complete = completer


def _name_metavar(param: Any) -> None:
    _complete_from_backlog(param)
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
