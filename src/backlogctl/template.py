"""The lab's item model: the built-in fields plus what backlog.yaml declares.

``item_model(config)`` is the one entry point. It returns :class:`Item` itself
for a configuration without ``fields`` or ``scales``, and otherwise a subclass
built with pydantic's ``create_model``: declared scores on ``scores``, declared
fields at their dotted paths (inside ``expected_benefit``/``resources`` or in
groups of their own). Built models are cached per declaration, so every
command of a run, and every run over one configuration in a process, builds
it once. No I/O here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    create_model,
)

from backlogctl.config import Config
from backlogctl.fields import FieldSpec
from backlogctl.model import Benefit, Item, Resources, Scores, score_field, score_type
from backlogctl.scales import BUILTIN, Scale

URL_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$"

_MODELS: dict[str, type[Item]] = {}
_OPEN = ConfigDict(extra="allow", populate_by_name=True)


def item_model(config: Config) -> type[Item]:
    """The item model of this configuration (cached per declaration)."""
    if not config.fields and not config.scales:
        return Item
    key = declaration_key(config)
    model = _MODELS.get(key)
    if model is None:
        model = _MODELS[key] = _build(config)
    return model


def declaration_key(config: Config) -> str:
    """What the item model depends on, as one string."""
    fields = {name: spec.model_dump(exclude_none=True) for name, spec in config.fields.items()}
    declared = {"fields": fields, "scales": config.scales, "prefix": config.id_prefix}
    return json.dumps(declared, sort_keys=True, default=str)


def _build(config: Config) -> type[Item]:
    scores = _scores_model(config.score_scales())
    tree = _tree(config.fields)
    prefix = config.id_prefix
    top: dict[str, Any] = {"scores": (scores, Field(default_factory=scores, description="Scoring inputs."))}
    for name, node in tree.items():
        if name == "expected_benefit":
            top[name] = (
                _group(Benefit, "Benefit", node, prefix) | None,
                Field(None, description="The benefit, measurable."),
            )
        elif name == "resources":
            top[name] = (
                _group(Resources, "Resources", node, prefix) | None,
                Field(None, description="Required resources."),
            )
        elif isinstance(node, FieldSpec):
            top[name] = _leaf(node, prefix)
        else:
            group = _group(BaseModel, _title(name), node, prefix)
            top[name] = (group | None, Field(None, description=f"The lab's {name.replace('_', ' ')} fields."))
    model: type[Item] = create_model("LabItem", __base__=Item, **top)
    model.model_config["title"] = "backlogctl item"
    return model


def _scores_model(scales: dict[str, Scale]) -> type[Scores]:
    changed = {name: scale for name, scale in scales.items() if BUILTIN.get(name) != scale}
    if not changed:
        return Scores
    fields: dict[str, Any] = {
        name: (score_type(scale) | None, score_field(scale)) for name, scale in changed.items()
    }
    return create_model("LabScores", __base__=Scores, **fields)


def _tree(fields: dict[str, FieldSpec]) -> dict[str, Any]:
    """Declarations nested by their dotted paths: {"monitoring": {"owner": FieldSpec}}."""
    tree: dict[str, Any] = {}
    for dotted, spec in fields.items():
        *parents, leaf = dotted.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = spec
    return tree


def _group(base: type[BaseModel], title: str, node: dict[str, Any], prefix: str) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for name, child in node.items():
        if isinstance(child, FieldSpec):
            fields[name] = _leaf(child, prefix)
        else:
            group = _group(BaseModel, _title(name), child, prefix)
            fields[name] = (group | None, Field(None))
    config = None if base is not BaseModel else _OPEN
    if config is None:
        return create_model(title, __base__=base, **fields)
    return create_model(title, __config__=config, **fields)


def _title(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


def field_type(spec: FieldSpec, prefix: str = "AI") -> Any:
    """The pydantic type of one declared field (without None); ids use the backlog's prefix."""
    if spec.type == "integer":
        return Annotated[int, Field(strict=True, ge=spec.min, le=spec.max)]
    if spec.type == "number":
        return Annotated[float, BeforeValidator(_not_bool), Field(ge=spec.min, le=spec.max)]
    if spec.type == "date":
        return Annotated[dt.date, WithJsonSchema({"type": "string", "format": "date"})]
    if spec.type == "boolean":
        return Annotated[bool, Field(strict=True)]
    if spec.type == "choice":
        return Literal[tuple(spec.values or ())]
    if spec.type == "list":
        return list[str]
    if spec.type == "ids":
        pattern = rf"^{re.escape(prefix)}-[0-9]+$"
        item_id = _matching(pattern, f"must be an item id such as {prefix}-7")
        return list[Annotated[str, item_id, WithJsonSchema({"type": "string", "pattern": pattern})]]
    if spec.type == "url":
        url = _matching(URL_PATTERN, "must be a URL such as https://example.org/page")
        return Annotated[
            str, url, WithJsonSchema({"type": "string", "format": "uri", "pattern": URL_PATTERN})
        ]
    return str


def _matching(pattern: str, message: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.match(value) is None:
            raise ValueError(message)
        return value

    return AfterValidator(check)


def _leaf(spec: FieldSpec, prefix: str) -> tuple[Any, Any]:
    return (field_type(spec, prefix) | None, Field(None, description=spec.description))


def field_levels(model: type[BaseModel]) -> dict[str, tuple[str, ...]]:
    """Known field names per dotted level of ``model`` ("" is the top), for unknown-field hints."""
    cached = _LEVELS.get(model)
    if cached is None:
        cached = _LEVELS[model] = dict(_levels(model, ""))
    return cached


_LEVELS: dict[type[BaseModel], dict[str, tuple[str, ...]]] = {}


def _levels(model: type[BaseModel], level: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    yield level, tuple(model.model_fields)
    for name, info in model.model_fields.items():
        nested = _nested_model(info.annotation)
        if nested is not None:
            yield from _levels(nested, f"{level}.{name}" if level else name)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``Model | None``, or None for any other annotation."""
    candidates = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None
