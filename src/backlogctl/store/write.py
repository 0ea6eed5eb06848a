"""Atomic, exclusive and conflict-checked writes."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from backlogctl.errors import ConflictError, InputError

BOM = "\ufeff"


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Serialise writers in one folder (flock on the folder itself)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _temp_beside(path: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def encode(text: str, bom: bool) -> bytes:
    return ((BOM if bom else "") + text).encode("utf-8")


def replace(path: Path, text: str, *, expected: bytes, bom: bool = False) -> None:
    """Write ``text`` over ``path`` atomically, if the file still holds ``expected``.

    A concurrent edit between our read and this write is a conflict, never a
    silent overwrite.
    """
    data = encode(text, bom)
    with folder_lock(path.parent):
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            raise ConflictError("the file was removed while it was being edited", path=path) from None
        if current != expected:
            raise ConflictError(
                "the file changed while it was being edited; nothing was written, run the command again",
                path=path,
            )
        temp = _temp_beside(path, data)
        try:
            os.chmod(temp, path.stat().st_mode & 0o777)
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise


def create(path: Path, text: str) -> None:
    """Create ``path`` with ``text``; fail if it exists. Atomic: no half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_beside(path, encode(text, False))
    try:
        os.link(temp, path)
    except FileExistsError:
        raise InputError("already exists", path=path) from None
    finally:
        temp.unlink(missing_ok=True)
