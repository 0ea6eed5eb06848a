"""Field names in words, for people who never open an item file.

A label comes from the model: a field's own ``title`` when the model gives
one, a lab's custom field's ``title`` or short ``description`` from
backlog.yaml, else the field's name in words (``scores.business_value`` is
"business value score", ``expected_benefit.metric`` is "expected benefit:
metric").
"""

from __future__ import annotations

from typing import Any

_GROUP_WORDS = {"scores": "{} score", "resources": "{}", "expected_benefit": "expected benefit: {}"}


def _words(name: str) -> str:
    return name.replace("_", " ").strip()


def _model_title(dotted: str) -> str | None:
    """An explicit ``title=`` on the item model's field (pydantic), if any."""
    from backlogctl.model import Item

    model: Any = Item
    info = None
    for part in dotted.split("."):
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return None
        info = fields[part]
        model = info.annotation
        for arg in getattr(model, "__args__", ()) or ():  # X | None
            if hasattr(arg, "model_fields"):
                model = arg
    title = getattr(info, "title", None)
    return str(title) if title else None


def _custom(dotted: str, config: Any) -> str | None:
    """A lab's own field: its title, or its description when that is a short label."""
    declared = getattr(config, "fields", None) or {}
    spec = declared.get(dotted) if isinstance(declared, dict) else None
    if spec is None:
        return None
    for key in ("title", "description"):
        text = spec.get(key) if isinstance(spec, dict) else getattr(spec, key, None)
        if isinstance(text, str) and text.strip() and (key == "title" or len(text) <= 40):
            return text.strip().rstrip(".")
    return None


def field_label(dotted: str, config: Any = None) -> str:
    """``dotted`` (a field path) in words."""
    found = _custom(dotted, config) or _model_title(dotted)
    if found:
        return found
    head, _, rest = dotted.partition(".")
    if rest and head in _GROUP_WORDS:
        return _GROUP_WORDS[head].format(_words(rest.replace(".", ": ")))
    return ": ".join(_words(part) for part in dotted.split("."))
