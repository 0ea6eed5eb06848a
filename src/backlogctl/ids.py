"""Item ids and item files: the one home of what an id looks like and which files are items.

An id is ``<PREFIX>-<N>`` (``AI-7``); an item file is ``<id>-<slug>.yaml`` under
the items folder, not hidden, ending in ``.yaml`` or ``.yml``. The ``id:`` inside
the file is authoritative; the file name's leading id is the fallback for a file
that cannot be read. Everything here is pure text work: no YAML, no git, no disk.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

ID = r"[A-Za-z][A-Za-z0-9]*-[0-9]+"
"""The id grammar, for building other patterns."""

_ID = re.compile(rf"({ID})")
_ID_PARTS = re.compile(r"([A-Za-z][A-Za-z0-9]*)-([0-9]+)")
_NAMED = re.compile(rf"({ID})[-.]")
_ID_AT = re.compile(rb"id:[ \t]*['\"]?(" + ID.encode() + rb")")

SUFFIXES = (".yaml", ".yml")
"""What an item file's name ends with."""


def is_id(text: str) -> bool:
    """Whether ``text`` looks like an id of any prefix (``AI-7``, ``ML-12``)."""
    return _ID.fullmatch(text) is not None


def pattern_for(prefix: str) -> re.Pattern[str]:
    """The ids of one prefix (``AI-<N>``), for ``fullmatch``."""
    return re.compile(rf"{re.escape(prefix)}-[0-9]+")


def parts(item_id: str) -> tuple[str, int] | None:
    """``AI-7`` -> ``("AI", 7)``; None for anything that is not an id."""
    match = _ID_PARTS.fullmatch(item_id)
    return (match.group(1), int(match.group(2))) if match else None


def natural_key(item_id: str) -> tuple[str, int, str]:
    """Sort key that puts AI-9 before AI-10."""
    prefix, _, number = item_id.rpartition("-")
    if number.isdigit():
        return (prefix, int(number), "")
    return (item_id, -1, item_id)


def slugify(title: str, limit: int = 40) -> str:
    """A file-name slug: ``Churn prediction (B2B)`` -> ``churn-prediction-b2b``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:limit].rstrip("-") or "item"


def file_name(item_id: str, title: str) -> str:
    """The file name of a new item: ``AI-7-churn-prediction.yaml`` (never renamed later)."""
    return f"{item_id}-{slugify(title)}.yaml"


def is_item_name(name: str) -> bool:
    """Whether a file name (no folder) can be an item file: ``.yaml``/``.yml``, not hidden."""
    return name.endswith(SUFFIXES) and not name.startswith(".")


def is_item_path(path: str, items_dir: str) -> bool:
    """Whether a backlog-relative path (forward slashes) is an item file under ``items_dir``.

    Nothing on the way may be hidden: the working-tree walk skips hidden folders too.
    """
    inside = path[len(items_dir.rstrip("/")) + 1 :] if items_dir not in ("", ".") else path
    return path.endswith(SUFFIXES) and not any(part.startswith(".") for part in inside.split("/"))


def id_from_name(name: str) -> str | None:
    """The id a file name starts with (``AI-7-churn.yaml`` -> ``AI-7``), from the last path part."""
    match = _ID.match(name.rsplit("/", 1)[-1])
    return match.group(1) if match else None


def name_matches(name: str, item_id: str) -> bool:
    """Whether a file name belongs to ``item_id``: it starts with the id and a dash (any case)."""
    return name.upper().startswith((f"{item_id.upper()}-", f"{item_id.upper()}."))


def named_id(name: str) -> str | None:
    """The id a file name is named for by `name_matches`' rule (``AI-7-churn.yaml``, ``AI-7.yaml``)."""
    match = _NAMED.match(name)
    return match.group(1) if match else None


def id_in_text(raw: bytes) -> str | None:
    """The id of the first top-level ``id:`` line of a file's bytes, without parsing YAML."""
    found = ids_in_text(raw, first=True)
    return found[0] if found else None


def ids_in_text(raw: bytes, *, first: bool = False) -> list[str]:
    """Every top-level ``id:`` value in a file's bytes (a file may be half-merged).

    ``bytes.find`` looks for ``id:`` and the pattern is tried only there, at a
    line's start: `new` runs this over every item file.
    """
    found = []
    at = raw.find(b"id:")
    while at >= 0:
        if at == 0 or raw[at - 1] == 10:  # "\n"
            match = _ID_AT.match(raw, at)
            if match:
                found.append(match.group(1).decode())
                if first:
                    break
        at = raw.find(b"id:", at + 3)
    return found


def file_id(data: dict[str, Any] | None, path: str | None) -> str | None:
    """An item's id: its ``id:`` field, else the id its file name starts with."""
    if data is not None and isinstance(data.get("id"), str):
        return str(data["id"])
    return id_from_name(path) if path is not None else None
