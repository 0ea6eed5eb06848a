"""`backlog.yaml`: the backlog's configuration, found by walking up like git."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from backlogctl import scales as scale_module
from backlogctl.errors import BacklogError, ConfigError, NotFoundError
from backlogctl.fields import Condition, DeclarationError, FieldSpec, check_declarations
from backlogctl.rootdir import CONFIG_NAME as CONFIG_NAME  # re-exported: the file's name
from backlogctl.rootdir import DEFAULT_ITEMS_DIR, nearest

IDENTITY = ["id", "title", "kind", "owner", "decision", "description"]
READY = [
    *IDENTITY,
    "expected_benefit.metric",
    "expected_benefit.target",
    "resources.effort_weeks",
    "scores.*",
]

_STRICT = ConfigDict(extra="forbid")


class Statuses(BaseModel):
    """The lifecycle: allowed statuses and what each group means."""

    model_config = _STRICT

    names: list[str] = Field(
        ["proposed", "ready", "in_progress", "deployed", "parked", "rejected", "retired"],
        description="Every allowed status, in lifecycle order.",
    )
    rankable: list[str] = Field(["proposed", "ready"], description="Statuses that rank ranks by default.")
    started: list[str] = Field(["in_progress", "deployed"], description="Statuses in which work has begun.")
    closed: list[str] = Field(
        ["deployed", "rejected", "retired"], description="Statuses of finished items; the rest are open."
    )

    @model_validator(mode="after")
    def _groups_use_known_names(self) -> Statuses:
        for group in ("rankable", "started", "closed"):
            for name in getattr(self, group):
                if name not in self.names:
                    raise ValueError(f"{group}: {name!r} is not one of statuses.names")
        return self


_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def ref_name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid git ref name (git check-ref-format's rules), or None."""
    bad = _REF_FORBIDDEN.search(name)
    if bad:
        return f"it contains {bad.group()!r} (no spaces, control characters or ~^:?*[\\)"
    if name.startswith(("-", "/")) or name.endswith(("/", ".")) or "//" in name:
        return "it may not start with - or /, end with / or ., or contain //"
    if ".." in name or "@{" in name:
        return "it may not contain .. or @{"
    if any(part.startswith(".") or part.endswith(".lock") for part in name.split("/")):
        return "no part may start with . or end with .lock"
    return None


class Review(BaseModel):
    """How often items are reviewed."""

    model_config = _STRICT

    cadence_days: int = Field(14, ge=1, description="Days after which an open item is due for review.")
    tag_prefix: str = Field("review/", description="Prefix of the git tags that mark a closed review.")

    @field_validator("tag_prefix")
    @classmethod
    def _ref_name(cls, value: str) -> str:
        # It reaches `git tag` as an argument: the tag it makes must be a valid ref name.
        problem = ref_name_problem(f"{value}2026-01-01")
        if problem:
            raise ValueError(f"{value!r} cannot start a git tag name: {problem}")
        return value


class Criterion(BaseModel):
    """One term of a weighted scoring model."""

    model_config = _STRICT

    weight: float = Field(gt=0, description="Relative weight of this criterion.")
    scale: tuple[float, float] | None = Field(
        None,
        description="[low, high] bounds used to scale the input to 0-1; defaults to the field's own scale.",
    )
    direction: Literal["benefit", "cost"] = Field("benefit", description="cost criteria count 1 - n.")

    @field_validator("scale")
    @classmethod
    def _ordered(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and value[0] >= value[1]:
            raise ValueError("scale must be [low, high] with low < high")
        return value


class ScoringModel(BaseModel):
    """A scoring model: weighted criteria, a built-in formula or a custom formula."""

    model_config = _STRICT

    type: Literal["weighted", "wsjf", "rice", "ice", "formula"] = Field(
        "weighted", description="weighted, wsjf, rice, ice or formula."
    )
    description: str | None = Field(None, description="What the model is for, shown in the report.")
    criteria: dict[str, Criterion] | None = Field(None, description="For type weighted: the criteria.")
    formula: str | None = Field(None, description="For type formula: an expression over the score fields.")
    confidence_discount: bool = Field(False, description="Multiply the score by the item's confidence.")

    @field_validator("formula")
    @classmethod
    def _safe_formula(cls, value: str | None) -> str | None:
        # Checked at load, so a bad formula names its model and column before any ranking;
        # the names it reads are checked against the lab's scales by Config.
        if value is not None:
            from backlogctl.scoring.formula import FormulaError, parse

            try:
                parse(value, names=None)
            except FormulaError as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _complete(self) -> ScoringModel:
        if self.type == "formula" and not self.formula:
            raise ValueError("a formula model needs 'formula'")
        if self.formula and self.type != "formula":
            self.type = "formula"
        return self

    def check_scores(self, scales: dict[str, scale_module.Scale]) -> None:
        """ValueError when the model reads a score the lab has no scale for."""
        for name, criterion in (self.criteria or {}).items():
            if criterion.scale is None and name not in scales:
                raise DeclarationError(
                    ("criteria", name),
                    f"{name!r} is not a known score; declare it under scales or give it a scale",
                )
        if self.formula is not None:
            from backlogctl.scoring.formula import FormulaError, parse

            try:
                parse(self.formula, names=scales)
            except FormulaError as exc:
                raise DeclarationError(("formula",), str(exc)) from None


def builtin_models() -> dict[str, ScoringModel]:
    """The scoring models every backlog has."""
    return {
        "weighted": ScoringModel(
            type="weighted",
            description="Weighted sum of business value, feasibility and effort (cost), 0-100.",
            criteria={
                "business_value": Criterion(weight=0.5),
                "feasibility": Criterion(weight=0.25),
                "effort": Criterion(weight=0.25, direction="cost"),
            },
        ),
        "wsjf": ScoringModel(type="wsjf", description="Cost of delay over job size (SAFe)."),
        "rice": ScoringModel(type="rice", description="Reach x impact x confidence over effort."),
        "ice": ScoringModel(type="ice", description="Impact x confidence x feasibility."),
    }


class StabilitySettings(BaseModel):
    """How `rank --stability` and the report perturb the ranking, and when a place counts as settled."""

    model_config = _STRICT

    runs: int = Field(500, ge=0, le=100_000, description="Monte Carlo runs.")
    seed: int = Field(0, ge=0, description="Random seed: the same seed gives the same report.")
    weight_spread: float = Field(
        0.5, ge=0, lt=1, description="Each weight is multiplied by a factor in [1 - spread, 1 + spread]."
    )
    score_steps: int = Field(1, ge=0, le=10, description="Each stepped score moves up to this many steps.")
    confidence_spread: float = Field(0.1, ge=0, le=1, description="Confidence moves up to this much.")
    reach_spread: float = Field(
        0.2, ge=0, lt=1, description="Reach is multiplied by [1 - spread, 1 + spread]."
    )
    settled_places: int = Field(
        2, ge=0, description="Settled: the 5th-95th percentile rank range spans at most this many places..."
    )
    settled_share: float = Field(
        0.9,
        gt=0.5,
        le=1,
        description="...or the item is in (or out of) the top N in at least this share of runs.",
    )


class Scoring(BaseModel):
    """Which scoring model ranks the backlog, and any models of the lab's own."""

    model_config = _STRICT

    stability: StabilitySettings = Field(
        default_factory=StabilitySettings,
        description="Perturbation sizes and the settled rule of --stability.",
    )

    default: str = Field("weighted", description="The model rank uses without --model.")
    models: dict[str, ScoringModel] = Field(
        default_factory=dict, description="Models of the lab's own; a built-in name overrides the built-in."
    )

    def all_models(self) -> dict[str, ScoringModel]:
        return {**builtin_models(), **self.models}

    @model_validator(mode="after")
    def _default_exists(self) -> Scoring:
        if self.default not in self.all_models():
            known = ", ".join(sorted(self.all_models()))
            raise ValueError(f"default: no scoring model named {self.default!r} (known: {known})")
        return self


def _scale_spec(spec: Any) -> Any:
    scale_module.declared("scale", spec)  # ValueError names what is wrong; loc names the scale
    return spec


def _default_required() -> dict[str, list[str]]:
    return {
        "proposed": list(IDENTITY),
        "ready": list(READY),
        "in_progress": list(READY),
        "deployed": list(READY),
    }


class Config(BaseModel):
    """The contents of backlog.yaml."""

    model_config = _STRICT

    name: str = Field("Model backlog", description="The backlog's name, shown in reports.")
    id_prefix: str = Field("AI", pattern=r"^[A-Z][A-Z0-9]*$", description="Prefix of item ids: AI-7.")
    items_dir: str = Field(
        DEFAULT_ITEMS_DIR, description="Folder of the item files, relative to backlog.yaml."
    )
    statuses: Statuses = Field(default_factory=Statuses)
    required: dict[str, list[str]] = Field(
        default_factory=_default_required,
        description=(
            "Fields an item must fill, per status (dotted paths; 'scores.*' means every score "
            "the default scoring model reads). Statuses not listed need the identity fields."
        ),
    )
    review: Review = Field(default_factory=Review)
    scoring: Scoring = Field(default_factory=Scoring)
    fields: dict[str, FieldSpec] = Field(
        default_factory=dict,
        description="The lab's own item fields, by dotted path: {type, description, values, min, max}.",
    )
    scales: dict[str, Annotated[Any, BeforeValidator(_scale_spec)]] = Field(
        default_factory=dict,
        description=(
            "Score scales under scores.: a list of allowed values or {min, max, integer, description}; "
            "a built-in name overrides the built-in scale."
        ),
    )
    require_when: list[Condition] = Field(
        default_factory=list,
        description="Conditional completeness: {when: {field: value}, fields: [...], why: ...}.",
    )
    _score_scales: dict[str, scale_module.Scale] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _lab_template(self) -> Config:
        self._score_scales = scale_module.table(self.scales)
        check_declarations(self.fields, self._score_scales, self.require_when, self.statuses.names)
        for name, model in self.scoring.models.items():
            try:
                model.check_scores(self._score_scales)
            except DeclarationError as exc:
                raise DeclarationError(("scoring", "models", name, *exc.loc), str(exc)) from None
        return self

    def score_scales(self) -> dict[str, scale_module.Scale]:
        """Every score's scale: the built-in ones with backlog.yaml's ``scales`` on top."""
        return self._score_scales or scale_module.table(self.scales)

    @field_validator("items_dir")
    @classmethod
    def _inside(cls, value: str) -> str:
        path = Path(value)
        if path.is_absolute() or ".." in path.parts:
            raise ValueError("must be a folder inside the backlog, without '..'")
        return value

    def required_for(self, status: str | None) -> list[str]:
        """Dotted field paths an item of this status must fill."""
        if status is not None and status in self.required:
            return self.required[status]
        return list(IDENTITY)


class BacklogDir(BaseModel):
    """Where a backlog lives and how it is configured."""

    model_config = ConfigDict(frozen=True)

    root: Path
    config: Config

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def items_path(self) -> Path:
        return self.root / self.config.items_dir


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds backlog.yaml."""
    root = nearest(start)
    if root is None:
        raise NotFoundError(
            f"no {CONFIG_NAME} in {start.resolve()} or any folder above it; "
            "run 'backlogctl init' to create a backlog"
        )
    return root


def parse_config(data: Any, path: Path, text: str | None = None) -> Config:
    """Validate backlog.yaml's contents, naming the key (and its line) on error."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping of settings", path=path, line=1)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        declared = (first.get("ctx") or {}).get("error")
        loc = [
            str(part) for part in (declared.loc if isinstance(declared, DeclarationError) else first["loc"])
        ]
        where = ".".join(loc) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown setting; remove it or check its spelling"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        line = _line_of(loc, text)
        raise ConfigError(f"{where}: {message}{more}", path=path, line=line) from None


def _line_of(loc: list[str], text: str | None) -> int | None:
    """The line of the deepest key of ``loc`` that the file has."""
    if text is None:
        return None
    from backlogctl import store

    lines = store.key_lines(text)
    index = next((i for i, part in enumerate(loc) if part.isdigit()), None)
    if index is not None and index > 0:
        in_list = _line_in_list(text, lines.get(".".join(loc[:index])), int(loc[index]), loc[index + 1 :])
        if in_list is not None:
            return in_list
    for depth in range(len(loc), 0, -1):
        found = lines.get(".".join(loc[:depth]))
        if found:
            return found[0]
    return None


def _line_in_list(text: str, parent: tuple[int, int] | None, index: int, keys: list[str]) -> int | None:
    """The line of ``keys`` inside the ``index``-th entry of a block list (require_when)."""
    if parent is None:
        return None
    rows = text.splitlines()
    entries = [n for n in range(parent[0], len(rows)) if rows[n].lstrip().startswith("- ")]
    if index >= len(entries):
        return None
    line = entries[index]
    end = entries[index + 1] if index + 1 < len(entries) else len(rows)
    for key in keys[:2]:
        for number in range(line, end):
            if f"{key}:" in rows[number]:
                line = number
                break
    return line + 1


def load(start: Path) -> BacklogDir:
    """Find and read the backlog that contains ``start``."""
    from backlogctl import store

    root = find_root(start)
    path = root / CONFIG_NAME
    store.inside(root, path)
    text, data = store.read_config(path)
    backlog_dir = BacklogDir(root=root, config=parse_config(data, path, text))
    _check_items_folder(backlog_dir, path, text)
    return backlog_dir


def _check_items_folder(backlog_dir: BacklogDir, path: Path, text: str) -> None:
    """The items folder, if it exists, is a real folder inside the backlog (not a link out of it)."""
    from backlogctl import store

    folder = backlog_dir.items_path
    where = f"items_dir {backlog_dir.config.items_dir!r}"
    try:
        store.inside(backlog_dir.root, folder)
    except BacklogError as exc:
        raise ConfigError(f"{where} {exc.message}", path=path, line=_line_of(["items_dir"], text)) from None
    if folder.exists() and not folder.is_dir():
        raise ConfigError(
            f"{where} is a file, not a folder; point items_dir at the items folder",
            path=path,
            line=_line_of(["items_dir"], text),
        )
