"""Creating backlogs and items, and editing item fields."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from backlogctl import ids, store, template
from backlogctl.backlog import validate
from backlogctl.config import CONFIG_NAME, BacklogDir, Config
from backlogctl.errors import InputError
from backlogctl.fields import FieldSpec
from backlogctl.model import Item, has_path
from backlogctl.scales import BUILTIN as BUILTIN_SCALES
from backlogctl.schema import SCHEMA_FILE

CONFIG_TEMPLATE = """\
# backlogctl configuration. Every key is optional; the values below are the
# defaults. See `backlogctl --help` and the README for what each one does.
name: Model backlog
id_prefix: AI
items_dir: items
review:
  cadence_days: 14
scoring:
  default: weighted
"""


def packaged_template() -> str:
    """The item template shipped with backlogctl."""
    shipped = resources.files("backlogctl") / "templates" / "item.yaml"
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    # Running from a source checkout: the template sits at the repository root.
    source = Path(__file__).resolve().parents[2] / "templates" / "item.yaml"
    return source.read_text(encoding="utf-8")


def template_text(backlog_dir: BacklogDir) -> str:
    """The backlog's own templates/item.yaml, or the packaged one."""
    own = backlog_dir.root / "templates" / "item.yaml"
    if own.is_file() or own.is_symlink():
        return store.read_document(store.inside(backlog_dir.root, own)).text
    return packaged_template()


def lacking_fields(backlog_dir: BacklogDir) -> list[str]:
    """Declared fields and scores (dotted) that the backlog's item template lacks."""
    text = template_text(backlog_dir)
    return [
        dotted
        for dotted, _, _ in _declared(backlog_dir.config)
        if not has_path(store.parse(text, Path("t")), dotted)
    ]


def with_declared_fields(text: str, config: Config) -> str:
    """The template with every declared field it lacks: a placeholder and its description as a comment."""
    declared = _declared(config)
    if not declared:
        return text
    data = store.parse(text, Path("templates/item.yaml"))
    for dotted, placeholder, comment in declared:
        if has_path(data, dotted):
            continue
        text = store.set_value(text, dotted, placeholder)
        line, column = store.key_lines(text)[dotted]
        lines = text.splitlines(keepends=True)
        newline = "\r\n" if "\r\n" in text else "\n"
        lines.insert(line - 1, " " * (column - 1) + f"# {comment}{newline}")
        text = "".join(lines)
    return text


def _declared(config: Config) -> list[tuple[str, Any, str]]:
    """(dotted path, placeholder, comment) of each declared field and custom score."""
    found: list[tuple[str, Any, str]] = []
    for dotted, spec in config.fields.items():
        placeholder: Any = "TODO" if spec.type == "text" else [] if spec.type in ("list", "ids") else None
        what = _what(spec, config.id_prefix)
        comment = f"{spec.description} ({what})" if spec.description else what[:1].upper() + what[1:] + "."
        found.append((dotted, placeholder, comment))
    for name, scale in config.score_scales().items():
        if name not in BUILTIN_SCALES:
            allowed = scale.allowed()
            comment = f"{scale.description} ({allowed})" if scale.description else f"{name}: {allowed}."
            found.append((f"scores.{name}", None, comment))
    return found


def _what(spec: FieldSpec, prefix: str) -> str:
    """What a declared field holds, as the template's comment says it."""
    if spec.type == "choice":
        return "one of " + ", ".join(map(str, spec.values or ()))
    if spec.type in ("integer", "number"):
        kind = "a whole number" if spec.type == "integer" else "a number"
        low = "" if spec.min is None else f" from {spec.min:g}"
        high = "" if spec.max is None else f" to {spec.max:g}"
        return kind + low + high
    return {
        "text": "text",
        "date": "a date, YYYY-MM-DD",
        "boolean": "true or false",
        "list": "a list, e.g. [a, b]",
        "ids": f"item ids, e.g. [{prefix}-3]",
        "url": "a URL, e.g. https://example.org/page",
    }[spec.type]


def init(folder: Path, *, name: str = "Model backlog", prefix: str = "AI") -> list[Path]:
    """Create backlog.yaml, items/ and the JSON Schema; refuse to overwrite.

    The name and prefix are written through the YAML layer and the result is
    validated before anything is created; a failure part-way removes what this
    call created, so a failed init leaves the folder as it was.
    """
    from backlogctl import schema
    from backlogctl.config import Config

    text = _config_text(name, prefix)
    config_path = folder / CONFIG_NAME
    if folder.exists() and not folder.is_dir():
        raise InputError("is a file, not a folder; give init a folder", path=folder)
    if config_path.exists() or config_path.is_symlink():
        raise InputError(f"{CONFIG_NAME} already exists; this is a backlog already", path=config_path)
    created: list[Path] = []
    try:
        if not folder.exists():
            _mkdir(folder, created)
        store.create(config_path, text)
        created.append(config_path)
        items = folder / "items"
        if not items.is_dir():
            _mkdir(items, created)
        # git keeps no empty folder: without this a clone of a new backlog has no items/.
        keep = items / ".gitkeep"
        if not keep.exists():
            store.create(keep, "")
            created.append(keep)
        schema_path = folder / SCHEMA_FILE
        if not schema_path.exists():
            store.create(schema_path, schema.schema_text(Config(name=name, id_prefix=prefix)))
            created.append(schema_path)
    except BaseException:
        for path in reversed(created):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() else path.unlink()
        raise
    return [config_path, folder / "items", folder / SCHEMA_FILE]


def _mkdir(folder: Path, created: list[Path]) -> None:
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder: {exc.strerror}", path=folder) from None
    created.append(folder)


def _config_text(name: str, prefix: str) -> str:
    """backlog.yaml for a new backlog, refused before writing if the values would not load."""
    from backlogctl.config import Config

    if not name.strip() or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InputError("--name must be one line of text, e.g. --name 'Model backlog'")
    if not re.fullmatch(Config.model_fields["id_prefix"].metadata[0].pattern, prefix):
        raise InputError(
            f"--prefix {prefix!r}: use capital letters and digits, starting with a letter, e.g. AI"
        )
    from backlogctl.config import parse_config

    text = store.set_value(store.set_value(CONFIG_TEMPLATE, "name", name), "id_prefix", prefix)
    parse_config(store.parse(text, Path(CONFIG_NAME)), Path(CONFIG_NAME), text)  # what init writes loads
    return text


@dataclass(frozen=True, slots=True)
class Created:
    id: str
    path: Path
    commit: str | None = None
    relative: str = ""
    """The path from the backlog's root, posix, as shown to users."""
    warning: str | None = None
    """Something the user should know (the branch scan could not run), for stderr."""


def _schema_line(backlog_dir: BacklogDir, path: Path) -> str:
    import os

    relative = os.path.relpath(backlog_dir.root / SCHEMA_FILE, path.parent)
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}\n"


def next_number(used: set[str], prefix: str) -> int:
    """One above the highest number of ``prefix``'s ids in ``used`` (1 for none)."""
    lead = f"{prefix}-"
    cut = len(lead)
    numbers = [int(i[cut:]) for i in used if i.startswith(lead) and i[cut:].isascii() and i[cut:].isdigit()]
    return max(numbers, default=0) + 1


def new_item(
    backlog_dir: BacklogDir,
    title: str,
    fields: dict[str, Any],
    *,
    taken: set[str] = frozenset(),  # type: ignore[assignment]
    today: dt.date | None = None,
) -> Created:
    """Create an item file from the template with the next free id.

    ``taken`` holds ids known elsewhere (other branches). Id choice and file
    creation happen under a lock on the items folder, so two concurrent runs
    never pick the same id.
    """
    # The id goes in with the other values: the template is edited once, not twice.
    return _create(
        backlog_dir,
        title,
        lambda item_id: draft(backlog_dir, title, {**fields, "id": item_id}, today=today),
        taken,
    )


def draft(
    backlog_dir: BacklogDir,
    title: str,
    fields: dict[str, Any],
    *,
    today: dt.date | None = None,
    template: str | None = None,
) -> str:
    """The new item's text: the template with ``title``, ``created``, ``fields`` (``id`` once known)."""
    values = {"title": title, "created": today or dt.date.today(), **fields}
    text = template if template is not None else template_text(backlog_dir)
    text = with_declared_fields(text, backlog_dir.config)
    return store.set_values(text, values)


def item_path(backlog_dir: BacklogDir, item_id: str, title: str) -> Path:
    """Where the item ``item_id`` titled ``title`` is created."""
    return backlog_dir.items_path / ids.file_name(item_id, title)


def create_drafted(
    backlog_dir: BacklogDir,
    title: str,
    text: str,
    *,
    taken: set[str] = frozenset(),  # type: ignore[assignment]
    before_write: Callable[[Path, str], None] | None = None,
) -> Created:
    """Give a drafted item the next free id and create its file (under the items folder's lock).

    ``before_write(path, text)`` may refuse the finished file by raising; nothing is written then.
    """
    return _create(
        backlog_dir, title, lambda item_id: store.set_value(text, "id", item_id), taken, before_write
    )


def _create(
    backlog_dir: BacklogDir,
    title: str,
    body_for: Callable[[str], str],
    taken: set[str],
    before_write: Callable[[Path, str], None] | None = None,
) -> Created:
    """Pick the next free id and create the file ``body_for(id)`` under the items folder's lock."""
    prefix = backlog_dir.config.id_prefix
    folder = backlog_dir.items_path
    folder.mkdir(parents=True, exist_ok=True)
    with store.folder_lock(folder):
        used = set(taken) | store.scan_ids(folder)
        item_id = f"{prefix}-{next_number(used, prefix)}"
        path = item_path(backlog_dir, item_id, title)
        body = body_for(item_id)
        _check(body, path, template.item_model(backlog_dir.config))
        body = _schema_line(backlog_dir, path) + body
        if before_write is not None:
            before_write(path, body)
        store.create(path, body)
    return Created(item_id, path)


def create(
    start: Path,
    title: str,
    *,
    kind: str | None = None,
    owner: str | None = None,
    sets: list[str] | None = None,
    commit: bool = False,
    why: str | None = None,
) -> Created:
    """`new`: an item from the template with the next free id, committed all or nothing with ``commit``."""
    import dataclasses

    from backlogctl import config, history
    from backlogctl.assign import parse_assignments

    if not title.strip():
        raise InputError("the title is empty; give the item a name people will say in the meeting")
    backlog_dir = config.load(start)
    fields = parse_assignments(sets or [], item_model=template.item_model(backlog_dir.config))
    if "id" in fields:
        raise InputError("new picks the id itself (the next free one); leave out --set id=...")
    if "title" in fields:
        raise InputError("the title is the first argument of new; leave out --set title=...")
    fields.update({k: v for k, v in (("kind", kind), ("owner", owner)) if v is not None})
    # The highest id per prefix at any branch tip: new ids go above it.
    # A repository git refuses: --commit stops, otherwise a warning says the scan was skipped.
    highest = history.branch_highest_ids(backlog_dir.root, backlog_dir.config.items_dir, strict=commit)
    taken = {f"{prefix}-{number}" for prefix, number in highest.items()}
    if commit:
        history.ensure_can_commit(backlog_dir.root)
        _refuse_what_the_hook_refuses(backlog_dir, title, fields)
    created, sha = history.commit_change(
        backlog_dir.root,
        lambda: new_item(backlog_dir, title, fields, taken=taken),
        written=lambda c: [c.path],
        message=lambda c: history.full_message(f"{c.id}: add {title}", why),
        commit=commit,
    )
    shown = created.path.relative_to(backlog_dir.root).as_posix()
    return dataclasses.replace(created, commit=sha, relative=shown, warning=highest.warning)


def _refuse_what_the_hook_refuses(backlog_dir: BacklogDir, title: str, fields: dict[str, Any]) -> None:
    """With a pre-commit hook that lints, an item still at placeholders would be refused: say so first."""
    from backlogctl import history
    from backlogctl.backlog import Backlog, entries_from
    from backlogctl.lint import check

    if not history.hook_lints(backlog_dir.root):
        return
    text = with_declared_fields(template_text(backlog_dir), backlog_dir.config)
    prefix = backlog_dir.config.id_prefix
    values = {"title": title, "created": dt.date.today(), **fields, "id": f"{prefix}-0"}
    for dotted, value in values.items():
        text = store.set_value(text, dotted, value)
    path = backlog_dir.items_path / ids.file_name(f"{prefix}-0", title)
    data = store.parse(text, path)
    entry = entries_from([store.Loaded(path, data)], model=template.item_model(backlog_dir.config))[0]
    missing = [
        p.field
        for p in check(Backlog(backlog_dir, [entry]), locate=False)
        if p.rule == "incomplete" and p.field
    ]
    if missing:
        options = " ".join(f"--set {name}=..." for name in missing)
        raise InputError(
            "the pre-commit hook runs backlogctl lint, which would refuse this item: "
            f"{', '.join(missing)} would still be empty or placeholders. Give them: {options}; "
            "or create the item without --commit, fill it in, and commit it then (nothing was written)"
        )


def _check(text: str, path: Path, model: type[Item]) -> None:
    data = store.parse(text, path)
    _, errors = validate(data, model)
    if errors:
        first = errors[0]
        raise InputError(f"{first.field}: {first.message}; nothing was written", path=path)


@dataclass(frozen=True, slots=True)
class Edit:
    path: Path
    changes: list[tuple[str, Any, Any]]  # field, old, new

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def set_fields(
    path: Path,
    assignments: dict[str, Any],
    *,
    force: bool = False,
    before_write: Callable[[bytes, str], None] | None = None,
    model: type[Item] = Item,
) -> Edit:
    """Set dotted fields of one item file, keeping everything else byte for byte.

    Refuses (unless ``force``) when the result would not pass the schema; a
    file changed by someone else meanwhile is a conflict, not an overwrite.
    ``before_write(old_bytes, new_text)`` may refuse the edit by raising.
    """
    from backlogctl.editing import assign_values, check_reads_back

    document = store.read_document(path)
    data = document.data()
    if "id" in assignments:
        raise InputError("the id is fixed at creation and cannot be set", path=path)
    text, changes = assign_values(document.text, data, assignments)
    if not changes:
        return Edit(path, [])
    result = store.parse(text, path)
    check_reads_back(data, result, {dotted: new for dotted, _, new in changes}, [], path)
    if not force:
        _, errors = validate(result, model)
        if errors:
            first = errors[0]
            line = store.key_lines(text).get(first.field, (None, 0))[0]
            raise InputError(
                f"{first.field}: {first.message}; nothing was written (use --force to write it anyway)",
                path=path,
                line=line,
            )
    if before_write is not None:
        before_write(document.raw, text)
    store.replace(path, text, expected=document.raw, bom=document.bom)
    return Edit(path, changes)


def parse_assignments(pairs: list[str]) -> dict[str, Any]:
    """``["scores.effort=5", "tags=[a, b]"]`` -> ``{"scores.effort": 5, "tags": ["a", "b"]}``."""
    result: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", name):
            raise InputError(f"expected FIELD=VALUE (e.g. scores.effort=5), got {pair!r}")
        result[name] = store.parse_value(raw) if raw.strip() else None
    return result
