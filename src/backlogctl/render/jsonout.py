"""JSON output: JSON values (``to_json_value``), dates as ISO strings, stable key order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any


def to_json_value(value: Any) -> Any:
    """Turn dataclasses, pydantic models, enums, dates and paths into JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_json_value(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.metadata.get("json", True)  # metadata={"json": False}: a field for stderr only
        }
    if hasattr(value, "model_dump"):
        return to_json_value(value.model_dump(mode="json", exclude_none=False))
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, float) and value != value:  # NaN has no JSON form
        return None
    return value


def dumps(value: Any) -> str:
    return json.dumps(to_json_value(value), indent=2, ensure_ascii=False)


VERSION = 1
"""Every JSON document the CLI prints carries ``"version": 1`` (docs/json.md)."""


def document(value: Any) -> Any:
    """``value`` as a JSON document: the object's keys in their order, then ``"version"``."""
    data = to_json_value(value)
    if isinstance(data, dict):
        return {**data, "version": VERSION}
    return {"items": data, "version": VERSION}


def write(value: Any) -> None:
    """Print ``value`` as a versioned JSON document (see ``document``)."""
    sys.stdout.write(json.dumps(document(value), indent=2, ensure_ascii=False) + "\n")
