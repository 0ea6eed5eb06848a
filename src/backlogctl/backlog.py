"""The backlog as loaded: every item file with its item or what is wrong with it."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from backlogctl import config as config_module
from backlogctl import ids, store, template
from backlogctl.config import BacklogDir
from backlogctl.errors import ConfigError, InputError, NotFoundError
from backlogctl.ids import natural_key
from backlogctl.model import Item


@dataclass(frozen=True, slots=True)
class FieldError:
    """A schema violation in one field of one item."""

    field: str
    message: str
    value: Any = None
    type: str = ""
    """pydantic's error type (``missing``, ``int_parsing``...): compare this, never the message."""


@dataclass(slots=True)
class Entry:
    """One item file: its data, its validated item, and what is wrong with it."""

    path: Path
    data: dict[str, Any] | None
    item: Item | None = None
    """The validated model; None when the item is invalid or was loaded with ``models=False``."""
    error: InputError | None = None
    invalid: list[FieldError] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        if self.item is not None:
            return self.item.id
        value = self.data.get("id") if self.data else None
        return value if isinstance(value, str) else None

    @property
    def status(self) -> str | None:
        """The status as written, when it is text (a list or a number is the schema rule's to report)."""
        if self.data is None and self.item is not None:
            return self.item.status  # loaded as the model alone (Backlog.keep_models)
        value = self.data.get("status") if self.data else None
        return value if isinstance(value, str) else None

    @property
    def valid(self) -> bool:
        """The file is a mapping that passed the schema (it has, or had, an item model)."""
        return self.item is not None or (self.data is not None and not self.invalid)


@dataclass(slots=True)
class Backlog:
    """A backlog folder with its configuration and every item file in it.

    A backlog loaded in part (`load_ids`) holds only some item files and carries
    ``names``, every item file by the id its name gives, to read more of it
    (`around`).
    """

    dir: BacklogDir
    entries: list[Entry]
    names: Names | None = None

    @property
    def root(self) -> Path:
        return self.dir.root

    @property
    def config(self) -> config_module.Config:
        return self.dir.config

    @property
    def items(self) -> list[Item]:
        """Every item that passed the schema, in natural id order."""
        return [e.item for e in self.entries if e.item is not None]

    def keep_models(self) -> None:
        """Give every valid entry its model and drop its parsed data: one representation per item.

        For a backlog loaded with ``models=False`` whose data has been read
        (rank's lint gate): the models are built as ``load`` builds them, and
        each item's dict goes as its model comes, so the two are never held
        side by side (100,000 items: 5.3 -> 3.8 KiB each). Invalid entries keep
        their data, which is all they have.
        """
        model = template.item_model(self.config)
        shared: dict[tuple[str, ...], set[str]] = {}
        with _loading():
            for entry in self.entries:
                if entry.item is None and entry.data is not None and not entry.invalid:
                    entry.item = model.model_validate(entry.data)
                    share_fields_sets(entry.item, shared)
                    entry.data = None

    def relative(self, path: Path) -> str:
        """A path as shown to users: relative to the backlog root."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def find(self, item_id: str) -> Entry:
        """The entry whose id is ``item_id`` (case-insensitive), or NotFoundError."""
        wanted = item_id.upper()
        found = [e for e in self.entries if e.id is not None and e.id.upper() == wanted]
        if len(found) > 1:
            files = " and ".join(self.relative(e.path) for e in found)
            raise InputError(
                f"id {found[0].id} is held by {len(found)} files, {files}; give one a new id with "
                f"'backlogctl renumber {found[0].id} --file {self.relative(found[-1].path)}'"
            )
        if found:
            return found[0]
        for entry in self.entries:
            # A file that cannot be read has no id; its name still tells whose it is.
            if ids.name_matches(entry.path.name, wanted):
                if entry.error is not None:
                    raise entry.error
                raise InputError(
                    f"holds id {entry.id!r}, not {item_id!r}; the id inside the file counts, fix it",
                    path=entry.path,
                    line=1,
                )
        raise NotFoundError(f"no item with id {item_id!r}; 'backlogctl list' shows the ids")

    def around(self, references: list[dict[str, Any] | None]) -> Backlog:
        """What lint's cross-item rules need to judge the loaded items, with ``references`` as data.

        A backlog loaded in whole is returned as it is. A partial one gains
        every item the data's ``depends_on`` (and declared ``ids`` fields) name,
        and theirs in turn: the duplicate, dependency and cycle rules then say
        of the loaded items what they would say in the whole backlog. When a
        reference is not settled by the names (no file or two named for it, a
        file that cannot be read or holds another id) or the chain is long, the
        whole backlog is loaded instead.
        """
        names = self.names
        if names is None:
            return self
        declared = [name for name, spec in self.config.fields.items() if spec.type == "ids"]
        wanted = [ref for data in references for ref in _references(data, declared)]
        wanted += [ref for entry in self.entries for ref in _references(entry.data, declared)]
        loaded = {entry.id for entry in self.entries}
        while wanted:
            ref = wanted.pop()
            if ref in loaded:
                continue
            entry = self._named(ref)
            if entry is None or entry.id != ref or len(self.entries) > AROUND_LIMIT:
                return names.whole(self.root)
            loaded.add(ref)
            wanted.extend(_references(entry.data, []))
        self.entries.sort(key=_order)
        return self

    def _named(self, item_id: str) -> Entry | None:
        """The entry of the one file named for ``item_id``, read now; None unless the names settle it."""
        assert self.names is not None
        files = self.names.files(item_id)
        if len(files) != 1 or files[0][1] is not None:
            return None
        path = files[0][0]
        for entry in self.entries:
            if entry.path == path:
                return entry
        entry = entries_from(store.load_items([path]), model=template.item_model(self.config))[0]
        if entry.error is not None or entry.id is None or entry.id.upper() != item_id.upper():
            return None
        self.entries.append(entry)
        return entry


AROUND_LIMIT = 2000
"""Items `Backlog.around` reads one by one before loading the whole backlog (with its cache) is cheaper."""


class Names:
    """Item files by the id their names give (`store.ItemNames`), and the whole backlog once loaded."""

    def __init__(self, backlog_dir: BacklogDir) -> None:
        self._names = store.ItemNames(backlog_dir.items_path, backlog_dir.root)
        self._whole: Backlog | None = None

    def files(self, item_id: str) -> list[tuple[Path, str | None]]:
        """(path, why it is refused or None) of each file named for ``item_id`` (any case)."""
        return [(Path(found), refused) for found, refused in self._names.named(item_id)]

    def whole(self, root: Path) -> Backlog:
        """The whole backlog, loaded once."""
        if self._whole is None:
            self._whole = load(root)
        return self._whole


def _references(data: dict[str, Any] | None, declared: list[str]) -> list[str]:
    """Ids an item's data names: ``depends_on`` and the declared ``ids`` fields (text values only)."""
    from backlogctl.model import get_path

    if not isinstance(data, dict):
        return []
    found: list[str] = []
    for dotted in ["depends_on", *declared]:
        value = get_path(data, dotted)
        if isinstance(value, list):
            found.extend(ref for ref in value if isinstance(ref, str))
    return found


def refuse_non_id(item_id: str, config: config_module.Config) -> None:
    """Anything that is not an id (a path, say) is refused where an id is asked for."""
    if not ids.is_id(item_id):
        raise InputError(
            f"{item_id!r} is not an item id; ids look like {config.id_prefix}-7 (see 'backlogctl list')"
        )


def load_ids(start: Path, wanted: list[str]) -> tuple[Backlog, list[Entry]]:
    """The backlog containing ``start`` and the entries of ``wanted`` ids, reading only their files.

    Item files are named for their ids (`ids.file_name`), so a walk over the
    names finds an id's file without reading any other; the id inside it is
    confirmed. When the names do not settle an id (no file or two named for
    it, a file that cannot be read or holds another id) the whole backlog is
    loaded and `Backlog.find` answers, with its errors, as for every command
    before. Not seen this way: a second file holding the id under another
    name (lint reports it twice, as `duplicate-id` and `file-name`).
    The backlog returned holds only the files read (`Backlog.names` is set)
    unless the whole one had to be loaded.
    """
    backlog_dir = config_module.load(start)
    if backlog_dir.items_path.is_dir():
        part = Backlog(backlog_dir, [], Names(backlog_dir))
        found = []
        for item_id in wanted:
            refuse_non_id(item_id, backlog_dir.config)
            entry = part._named(item_id)
            if entry is None:
                break
            found.append(entry)
        else:
            part.entries.sort(key=_order)
            return part, found
    whole = load(start)
    entries = []
    for item_id in wanted:
        refuse_non_id(item_id, whole.config)
        entries.append(whole.find(item_id))
    return whole, entries


def validate(data: dict[str, Any], model: type[Item] = Item) -> tuple[Item | None, list[FieldError]]:
    """Validate one item's data against the item model (``template.item_model(config)``)."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = [
            FieldError(
                ".".join(str(p) for p in err["loc"]) or "(item)",
                err["msg"].removeprefix("Value error, "),
                err.get("input"),
                err["type"],
            )
            for err in exc.errors(include_url=False)
        ]
        return None, errors


def item_paths(backlog_dir: BacklogDir) -> tuple[list[Path], list[store.Loaded]]:
    """Every item file in the backlog, and records for files that cannot be used."""
    paths: list[Path] = []
    refused: list[store.Loaded] = []
    folder = backlog_dir.items_path
    if not folder.is_dir():
        # A mistyped items_dir must not make lint pass on nothing.
        raise ConfigError(
            f"the items folder {backlog_dir.config.items_dir!r} (items_dir) does not exist;"
            " create it, or fix items_dir",
            path=backlog_dir.config_path,
        )
    for found in store.discover(folder, backlog_dir.root):
        if isinstance(found, Path):
            paths.append(found)
        else:
            refused.append(found)
    return paths, refused


def share_fields_sets(model: BaseModel, shared: dict[tuple[str, ...], set[str]]) -> None:
    """Give ``model`` and the models inside it the one set of set fields its kind has in ``shared``.

    pydantic keeps a fresh set of the fields given (``model_fields_set``) in every
    instance: four sets of 2.3 KB and three times 0.7 KB per item, half of what a
    validated item holds. Items written from one template set the same fields,
    so one set per combination serves them all (keyed by the set's order, which
    equal sets built alike share). Loaded models are not assigned to (nothing in
    backlogctl does; ``model_copy`` copies the set first).
    """
    fields_set = model.__pydantic_fields_set__
    key = tuple(fields_set)
    found = shared.get(key)
    if found is None:
        shared[key] = fields_set
    else:
        object.__setattr__(model, "__pydantic_fields_set__", found)
    values = model.__dict__
    for name in _nested(type(model)):
        value = values[name]
        if isinstance(value, BaseModel):
            share_fields_sets(value, shared)


_NESTED: dict[type[BaseModel], tuple[str, ...]] = {}


def _nested(kind: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``kind`` that hold a model (``scores``, ``resources``...), found once per class."""
    found = _NESTED.get(kind)
    if found is None:
        found = _NESTED[kind] = tuple(
            name for name, info in kind.model_fields.items() if _holds_model(info.annotation)
        )
    return found


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type):
        return issubclass(annotation, BaseModel)
    return any(_holds_model(arg) for arg in get_args(annotation))


def entries_from(loaded: list[store.Loaded], *, models: bool = True, model: type[Item] = Item) -> list[Entry]:
    """Entries of the loaded files, validated; ``models=False`` keeps what is wrong but not the models."""
    entries = []
    shared: dict[tuple[str, ...], set[str]] = {}
    for record in loaded:
        entry = Entry(record.path, record.data, error=record.error)
        if record.data is not None:
            item, entry.invalid = validate(record.data, model)
            if models and item is not None:
                share_fields_sets(item, shared)
                entry.item = item
        entries.append(entry)
    entries.sort(key=_order)
    return entries


def _order(entry: Entry) -> tuple[tuple[str, int, str], str]:
    return (natural_key(entry.id) if entry.id else ("~", 0, ""), str(entry.path))


def load(start: Path, paths: list[Path] | None = None, *, models: bool = True) -> Backlog:
    """Load the backlog containing ``start``; ``paths`` limits it to some files.

    ``models=False`` validates every item but keeps only what is wrong with it,
    not the item model: lint reads the files' data, and the models are half the
    memory of a loaded backlog (``Backlog.items`` is then empty).
    """
    backlog_dir = config_module.load(start)
    refused: list[store.Loaded] = []
    cache_for = None
    if paths is None:
        paths, refused = item_paths(backlog_dir)
        cache_for = backlog_dir.items_path
    with _loading():
        model = template.item_model(backlog_dir.config)
        entries = entries_from(store.load_items(paths, cache_for) + refused, models=models, model=model)
    return Backlog(backlog_dir, entries)


@contextlib.contextmanager
def _loading() -> Iterator[None]:
    """No cyclic garbage collection while items are built, and none of them rescanned after.

    Loading builds ~100 objects per item and no cycles; the cyclic collector
    would rescan them all again and again (a third of the time at 10,000 items).
    What is loaded lives as long as the command, so it is frozen afterwards.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
