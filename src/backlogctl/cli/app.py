"""The typer app, global options, and the one place errors become exit codes."""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup
from typer.models import CommandInfo, DefaultPlaceholder, TyperInfo

from backlogctl import __version__

F = TypeVar("F", bound=Callable[..., Any])
Info = TypeVar("Info", CommandInfo, TyperInfo)


class _Group(TyperGroup):
    """The root command group: help in words (no Python type names) for every command in the tree."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from backlogctl.cli import dialect

        dialect.word_metavars(self)

    def get_params(self, ctx: Any) -> Any:
        # typer adds --install-completion and --show-completion here, after the tree walk.
        from backlogctl.cli import dialect

        params = super().get_params(ctx)
        for param in params:
            if param.metavar is None and getattr(param, "is_flag", False):
                param.metavar = ""
        dialect.word_metavars(self, recurse=False)
        return params


app = typer.Typer(
    cls=_Group,
    name="backlogctl",
    help="An AI lab's model backlog as YAML files in git: rank it, lint it, audit it, report it.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"backlogctl {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Option("-C", help="Run as if started in DIR (like git -C).", metavar="DIR"),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    ctx.obj = directory


def start_dir(ctx: typer.Context) -> Path:
    """The folder the command works from: -C DIR or the current one."""
    root = ctx.find_root()
    directory = root.obj if isinstance(root.obj, Path) else None
    if directory is None:
        try:
            return Path.cwd()
        except FileNotFoundError:
            from backlogctl.errors import NotFoundError

            raise NotFoundError("the current folder no longer exists; cd to the backlog again") from None
    if not directory.is_dir():
        from backlogctl.errors import NotFoundError

        raise NotFoundError(f"-C {directory}: no such folder")
    return directory


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one error line to stderr and return the Exit to raise."""
    sys.stderr.write(f"error: {message}\n")
    return typer.Exit(code)


def command(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """Register a command on ``app`` whose BacklogErrors become exit codes."""
    return lambda func: _register(app, func, *args, **kwargs)


def _register(target: typer.Typer, func: F, *args: Any, **kwargs: Any) -> F:
    target.command(*args, **kwargs)(handle_errors(func))
    return func


def handle_errors(func: F) -> F:
    """Turn the core's expected errors into one stderr line and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from backlogctl.errors import BacklogError

        try:
            return func(*args, **kwargs)
        except BacklogError as exc:
            raise fail(_shown(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:
            if _is_usage_error(exc):
                raise  # typer shows usage errors itself (exit 2)
            raise _bug(exc) from None

    return wrapper  # type: ignore[return-value]


def _is_usage_error(exc: Exception) -> bool:
    """A usage error raised by typer's parser (its exception classes are private to typer)."""
    return any(cls.__name__ == "ClickException" for cls in type(exc).__mro__)


def _bug(exc: Exception) -> typer.Exit:
    """One line for an unexpected exception (exit 3); BACKLOGCTL_DEBUG=1 adds the traceback."""
    from backlogctl.errors import EXIT_BUG, REPORT_BUGS

    if os.environ.get("BACKLOGCTL_DEBUG", "") not in ("", "0"):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    detail = str(exc).splitlines()[0] if str(exc) else ""
    where = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return fail(
        f"internal error ({where}); this is a bug in backlogctl {__version__}: please report it at"
        f" {REPORT_BUGS} (BACKLOGCTL_DEBUG=1 shows the traceback)",
        EXIT_BUG,
    )


def _shown(exc: Any) -> str:
    """The error's text with its path relative to the working folder when inside it."""
    path = exc.path
    if isinstance(path, Path) and path.is_absolute():
        with contextlib.suppress(ValueError, OSError):
            exc.path = path.relative_to(Path.cwd())
    return str(exc)


def main() -> None:
    """Console-script entry point."""
    if os.environ.get("NO_COLOR"):
        # typer's help and usage errors go through its own rich console, which
        # keeps bold and dim under NO_COLOR; no terminal means no styles at all.
        os.environ.setdefault("_TYPER_FORCE_DISABLE_TERMINAL", "1")
        if "typer.rich_utils" in sys.modules:
            setattr(sys.modules["typer.rich_utils"], "FORCE_TERMINAL", False)  # noqa: B010
    from backlogctl.render import console

    console.prepare_streams()
    registered = app.registered_commands, app.registered_groups
    only_the_command(sys.argv[1:], os.environ)
    try:
        app()
    finally:
        app.registered_commands, app.registered_groups = registered


def only_the_command(args: list[str], environ: Mapping[str, str]) -> None:
    """Keep only the command being run (or its group) registered on ``app``.

    typer builds every registered command's parameters on each run, ~25 ms of
    a 1,000-item ``rank``. Help, ``--version`` and a name that is no command
    (typer suggests the nearest) run no command: they see every command as a
    help-only copy (:func:`_help_only`: its name and help, no parameters),
    which draws the same page. Completion sees every command, as it is.
    """
    if any(key.startswith(("_BACKLOGCTL_COMPLETE", "_TYPER_COMPLETE")) for key in environ):
        return
    at = 0
    while at < len(args) and args[at].startswith("-C"):
        at += 2 if args[at] == "-C" else 1  # -C DIR, or -CDIR
    narrowed = _narrow(app, args[at:])
    if narrowed is not None:
        app.registered_commands, app.registered_groups = narrowed


def _narrow(target: typer.Typer, args: list[str]) -> tuple[list[CommandInfo], list[TyperInfo]] | None:
    """What ``target`` needs registered to run ``args`` (None: everything, as it is).

    ``args`` start where ``target``'s sub-command name would be. A known name
    keeps that command alone (a group narrowed again, when it has no options
    of its own to read past). No name, a name that is none of them, or a first
    option that ends the run before any command (help, version) keeps every
    command as a help-only copy. Any other option keeps everything.
    """
    first = args[0] if args else None
    if first is not None and first.startswith("-"):
        return _help_only_all(target) if first in _ENDS_THE_RUN else None
    commands = [info for info in target.registered_commands if info.name == first]
    groups = [info for info in target.registered_groups if info.name == first]
    if not commands and not groups:
        return _help_only_all(target)
    if groups and groups[0].typer_instance is not None and not _reads_options(groups[0]):
        inner = groups[0].typer_instance
        narrowed = _narrow(inner, args[1:])
        if narrowed is not None:
            group = copy.copy(groups[0])
            group.typer_instance = copy.copy(inner)
            group.typer_instance.registered_commands, group.typer_instance.registered_groups = narrowed
            groups = [group]
    return commands, groups


_ENDS_THE_RUN = ("-h", "--help", "--version")
"""Options that print and exit while the arguments are read, before any command runs."""


def _reads_options(group: TyperInfo) -> bool:
    """Whether the group has a callback of its own (its options could take the next word as a value)."""
    inner = group.typer_instance
    return any(
        callback is not None and not isinstance(callback, DefaultPlaceholder)
        for callback in (
            group.callback,
            inner.info.callback if inner else None,
            inner.registered_callback.callback if inner and inner.registered_callback else None,
        )
    )


def _help_only_all(target: typer.Typer) -> tuple[list[CommandInfo], list[TyperInfo]]:
    """Every command and group of ``target`` as a help-only copy."""
    return [_help_only(info) for info in target.registered_commands], [
        _help_only_group(info) for info in target.registered_groups
    ]


def _help_only(info: Info) -> Info:
    """The command as a help page lists it (name, help, panel, hidden, deprecated), without its parameters.

    typer reads every parameter of every registered command (signature, type
    hints, converters) before it draws even the top-level page. A help-only
    copy's callback takes nothing, so there is nothing to read.
    """
    shown = copy.copy(info)
    if callable(info.callback):
        shown.callback = _no_parameters(info.callback)
    return shown


def _help_only_group(info: TyperInfo) -> TyperInfo:
    shown = _help_only(info)
    inner = info.typer_instance
    if inner is not None:
        shown.typer_instance = copy.copy(inner)
        shown.typer_instance.info = _help_only(inner.info)
        if inner.registered_callback is not None:
            shown.typer_instance.registered_callback = _help_only(inner.registered_callback)
        shown.typer_instance.registered_commands, shown.typer_instance.registered_groups = _help_only_all(
            inner
        )
    return shown


def _no_parameters(func: Callable[..., Any]) -> Callable[..., Any]:
    """A function with ``func``'s name and docstring (typer's help text) that takes nothing."""

    def help_only() -> None:
        raise RuntimeError(f"the help-only copy of {func.__name__} ran")  # only help and errors see these

    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(help_only, attribute, getattr(func, attribute))
    help_only.__annotations__ = {}  # typer would evaluate "None" (a string in this module) twice per command
    return help_only
