"""Reading ``FIELD=VALUE`` from the command line, typed by the item's schema.

A text field takes VALUE literally (``description=Predicts churn: monthly``);
other fields read VALUE as a YAML scalar or flow collection (``scores.effort=5``,
``tags=[ops, finance]``). ``FIELD:=YAML`` always reads YAML; ``FIELD=@PATH``
reads the value from a file, ``FIELD=@-`` from standard input, and ``\\@``
starts a value with a literal ``@``.
"""

from __future__ import annotations

import re
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backlogctl import store
from backlogctl.errors import InputError
from backlogctl.store.read import decode

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_MAX_DEPTH = 20


def field_type(dotted: str, item_model: Any = None) -> Any:
    """The declared type of a dotted field in the item model (the lab's, ``template.item_model``;
    None when the field is not declared)."""
    from pydantic import BaseModel

    from backlogctl.model import Item

    model: Any = item_model or Item
    annotation: Any = None
    for part in dotted.split("."):
        if model is None:
            return None
        info = model.model_fields.get(part)
        if info is None:
            return None
        annotation = info.annotation
        model = next(
            (t for t in _members(annotation) if isinstance(t, type) and issubclass(t, BaseModel)), None
        )
    return annotation


def _members(annotation: Any) -> tuple[Any, ...]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return tuple(a for a in typing.get_args(annotation) if a is not type(None))
    return (annotation,)


def is_text(dotted: str, item_model: Any = None) -> bool:
    """A free-text field: its value is a sentence, never YAML."""
    return _members(field_type(dotted, item_model)) == (str,)


def _expects(dotted: str, item_model: Any = None) -> str | None:
    """What a non-text field holds, in words: 'a list', 'a mapping' or None for scalars/unknown."""
    from pydantic import BaseModel

    members = _members(field_type(dotted, item_model))
    if any(typing.get_origin(m) is list or m is list for m in members):
        return "a list"
    if any(isinstance(m, type) and issubclass(m, BaseModel) for m in members):
        return "a mapping"
    return None


def parse_assignments(
    pairs: list[str], stdin: Callable[[], str] | None = None, item_model: Any = None
) -> dict[str, Any]:
    """``["scores.effort=5", "description=Predicts churn: monthly"]`` -> typed values by dotted field.

    ``item_model`` is the lab's item model (``template.item_model(config)``), so declared text
    fields are read literally too; the built-in model without it.
    """
    result: dict[str, Any] = {}
    for pair in pairs:
        name, value = _one(pair, stdin or _read_stdin, item_model)
        if name in result:
            raise InputError(f"{name} is given twice; give each field once")
        result[name] = value
    return result


def parse_fields(names: list[str]) -> list[str]:
    """Dotted field names (for `unset`), checked for shape."""
    for name in names:
        _check_name(name, name)
    return list(dict.fromkeys(names))


def _check_name(name: str, pair: str) -> None:
    if not _NAME.fullmatch(name):
        raise InputError(f"expected FIELD=VALUE (e.g. scores.effort=5), got {pair!r}")
    if name.count(".") >= _MAX_DEPTH:
        raise InputError(f"{name[:60]}...: field paths go at most {_MAX_DEPTH} levels deep")


def _one(pair: str, stdin: Callable[[], str], item_model: Any = None) -> tuple[str, Any]:
    name, sep, raw = pair.partition("=")
    forced = name.endswith(":")
    name = name.removesuffix(":").strip()
    if not sep:
        raise InputError(f"expected FIELD=VALUE (e.g. scores.effort=5), got {pair!r}")
    _check_name(name, pair)
    raw = _source(name, raw, stdin)
    if forced:
        return name, _yaml(name, raw, forced=True)
    if is_text(name, item_model):
        return name, raw if raw.strip() else None
    return name, _yaml(name, raw, forced=False, item_model=item_model)


def _source(name: str, raw: str, stdin: Callable[[], str]) -> str:
    """The value text: from a file for ``@PATH``, standard input for ``@-``; ``\\@`` is a literal ``@``."""
    if raw.startswith("\\@"):
        return raw[1:]
    if not raw.startswith("@"):
        return raw
    where = raw[1:]
    if where == "-":
        text = stdin()
    else:
        try:
            text = decode(Path(where).read_bytes(), Path(where))
        except OSError as exc:
            raise InputError(f"{name}=@{where}: cannot read the file: {exc.strerror}") from None
    # An editor ends every file with a line break; the value does not.
    return text.removesuffix("\n").removesuffix("\r")


def _read_stdin() -> str:
    if sys.stdin is None or sys.stdin.isatty():
        raise InputError("FIELD=@- reads the value from standard input; pipe it in")
    return sys.stdin.read()


def _yaml(name: str, raw: str, *, forced: bool, item_model: Any = None) -> Any:
    if not raw.strip():
        return None
    value = store.parse_value(raw)
    if forced:
        return value
    expects = _expects(name, item_model)
    if isinstance(value, dict) and expects != "a mapping":
        return _refuse(name, raw, "a mapping", "': '" if ": " in raw else "'{'")
    if isinstance(value, list) and expects not in ("a list", None):
        return _refuse(name, raw, "a list", "'['")
    return value


def _refuse(name: str, raw: str, read_as: str, because: str) -> Any:
    raise InputError(
        f"{name}={raw}: the value was read as {read_as} because of {because}; "
        f"quote it, or use {name}:=... if you mean YAML"
    )
