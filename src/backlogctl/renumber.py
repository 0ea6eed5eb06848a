"""`renumber ID [NEW_ID]`: a new id for an item, its file renamed, references rewritten, one commit.

The commit carries a ``Renumbered-from: OLD`` trailer; `history NEW_ID`
follows it back into the item's life under its old id (`history.renumbering`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backlogctl import store
from backlogctl.backlog import Backlog, Entry
from backlogctl.errors import InputError


@dataclass(slots=True)
class Renumbered:
    old: str
    new: str
    path: Path
    relative: str
    references: list[str] = field(default_factory=list)
    """Backlog-relative paths of the items whose depends_on was rewritten."""
    commit: str | None = None


def renumber(
    start: Path,
    item_id: str,
    new_id: str | None = None,
    *,
    file: Path | None = None,
    commit: bool = False,
    why: str | None = None,
) -> Renumbered:
    """Give one item a new id (default: the next free one, as `new` picks it)."""
    from backlogctl import backlog as backlog_module
    from backlogctl import history
    from backlogctl.authoring import next_number
    from backlogctl.editing import write_files
    from backlogctl.history.renumbering import message_for, path_trailer
    from backlogctl.ids import is_id, name_matches

    backlog = backlog_module.load(start)
    entry = _entry(backlog, item_id, file, start)
    old = entry.id or item_id
    prefix = backlog.config.id_prefix
    used = {e.id.upper() for e in backlog.entries if e.id}
    if new_id is None:
        highest = history.branch_highest_ids(backlog.root, backlog.config.items_dir)
        taken = {f"{p}-{n}" for p, n in highest.items()} | {e.id for e in backlog.entries if e.id}
        new_id = f"{prefix}-{next_number(taken, prefix)}"
    if not is_id(new_id):
        raise InputError(f"{new_id!r} is not an item id; ids look like {prefix}-7")
    if new_id.upper() in used:
        raise InputError(
            f"{new_id} is already used; give a free id, or leave NEW_ID out for the next free one"
        )
    document = store.read_document(entry.path)
    text = store.set_value(document.text, "id", new_id)
    name = entry.path.name
    rest = name[len(old) + 1 :] if name_matches(name, old) and name[len(old)] == "-" else name
    target = entry.path.with_name(f"{new_id}-{rest}")
    plan: list[tuple[Path, str | None, bytes | None]] = [(target, _with_bom(text, document.bom), None)]
    duplicated = sum(1 for e in backlog.entries if e.id and e.id.upper() == old.upper()) > 1
    references = [] if duplicated else _references(backlog, entry, old, new_id)
    plan += [(path, new_text, raw) for path, new_text, raw in references]
    plan.append((entry.path, None, document.raw))
    result = Renumbered(
        old, new_id, target, backlog.relative(target), [backlog.relative(p) for p, _, _ in references]
    )
    title = entry.data.get("title") if entry.data else None
    old_path = path_trailer(backlog.root, entry.path) if duplicated and commit else None
    summary = f"{old} → {new_id}: renumber {title or entry.path.stem}"
    _, result.commit = history.commit_change(
        backlog.root,
        lambda: write_files(plan),
        touches=[entry.path, *(p for p, _, _ in references)],
        written=lambda paths: paths,
        message=lambda _: message_for(history.full_message(summary, why), old, old_path),
        commit=commit,
    )
    return result


def _with_bom(text: str, bom: bool) -> str:
    return (store.BOM if bom else "") + text


def _entry(backlog: Backlog, item_id: str, file: Path | None, start: Path) -> Entry:
    from backlogctl import query

    if file is None:
        return query.entry_for(backlog, item_id)
    wanted = (file if file.is_absolute() else start / file).resolve()
    for entry in backlog.entries:
        if entry.path.resolve() == wanted:
            if (entry.id or "").upper() != item_id.upper():
                raise InputError(f"holds id {entry.id!r}, not {item_id!r}", path=entry.path)
            return entry
    raise InputError(f"{file} is not an item file of this backlog")


def _references(backlog: Backlog, renamed: Entry, old: str, new: str) -> list[tuple[Path, str, bytes]]:
    """Other items whose depends_on names ``old``, with their text rewritten to name ``new``."""
    found = []
    for entry in backlog.entries:
        if entry is renamed or not entry.data:
            continue
        depends = entry.data.get("depends_on")
        if not isinstance(depends, list) or not any(
            isinstance(d, str) and d.upper() == old.upper() for d in depends
        ):
            continue
        document = store.read_document(entry.path)
        rewritten = [new if isinstance(d, str) and d.upper() == old.upper() else d for d in depends]
        found.append((entry.path, store.set_value(document.text, "depends_on", rewritten), document.raw))
    return found
