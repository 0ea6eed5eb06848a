"""`edit ID`: the item in the user's editor, checked like lint before anything is written.

Like `kubectl edit`: when what was saved has problems, the file is opened
again with the problems listed at the top as comments (removed again before
writing); saving it unchanged gives up. The item file itself is written only
once the result passes, and only if nobody changed it meanwhile.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backlogctl import store
from backlogctl.editing import Edited, edit_problems, load_entry, save_edit
from backlogctl.errors import ConflictError, InputError

HEADER = "# backlogctl: this edit was not saved. Fix what is listed below and save again,\n"
_HEADER_END = "# (these lines are removed before the file is written)\n"


def edit(
    start: Path,
    item_id: str,
    open_editor: Callable[[Path], None],
    *,
    commit: bool = False,
    why: str | None = None,
) -> Edited:
    """Edit one item in ``open_editor`` until it passes or the user gives up; then write (and commit)."""
    from backlogctl import history

    backlog, entry = load_entry(start, item_id)
    label = entry.id or entry.path.stem
    if commit:
        history.ensure_can_commit(backlog.root)
        history.ensure_clean(backlog.root, [entry.path])  # before the user spends time editing
    document = store.read_document(entry.path)
    folder = Path(tempfile.mkdtemp(prefix="backlogctl-edit-"))
    draft = folder / entry.path.name
    keep = False
    try:
        shown = document.text
        draft.write_text(shown, encoding="utf-8")
        while True:
            open_editor(draft)
            saved = draft.read_text(encoding="utf-8")
            text = _without_header(saved)
            if saved == shown:
                if shown == document.text:
                    return Edited(label, entry.path)
                raise InputError("the edit was given up; nothing was written", path=entry.path)
            problems = _problems(backlog, entry, text, label)
            if not problems:
                break
            shown = _header(problems) + text
            draft.write_text(shown, encoding="utf-8")
        result = Edited(label, entry.path, _changes(document.data(), store.parse(text, entry.path)))
        if not result.changed:
            return result

        try:
            save_edit(backlog, entry, document, text, result, why=why, commit=commit)
        except ConflictError as exc:
            keep = True
            raise ConflictError(
                "the file changed while you were editing it; nothing was written. "
                f"Your version is in {draft}",
                path=entry.path,
            ) from exc
        return result
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def _problems(backlog: Any, entry: Any, text: str, label: str) -> list[str]:
    try:
        data = store.parse(text, entry.path)
    except InputError as exc:
        return [f"line {exc.line}: {exc.message}" if exc.line else exc.message]
    if not isinstance(data, dict):
        return ["the file must be a mapping of field: value"]
    if data.get("id") != label:
        return [f"id: it must stay {label}; 'backlogctl renumber {label} NEW_ID' gives an item a new id"]
    return [
        f"line {line}: {message}" if line else message
        for line, message in edit_problems(backlog, entry, text)
    ]


def _header(problems: list[str]) -> str:
    listed = "".join(f"#   - {' '.join(problem.split())}\n" for problem in problems)
    return HEADER + "# Save it unchanged to give up.\n" + listed + _HEADER_END


def _without_header(text: str) -> str:
    if not text.startswith(HEADER):
        return text
    end = text.find(_HEADER_END)
    return text[end + len(_HEADER_END) :] if end >= 0 else text


def _changes(before: Any, after: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """Changed leaf fields, dotted, in the order of the new file."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [] if before == after else [(prefix.rstrip("."), before, after)]
    found = []
    for key in [*after, *(k for k in before if k not in after)]:
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            found.extend(_changes(old, new, f"{prefix}{key}."))
        elif old != new or (key in before) != (key in after):
            found.append((f"{prefix}{key}", old, new))
    return found
