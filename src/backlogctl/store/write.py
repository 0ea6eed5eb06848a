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
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise InputError(f"cannot open the folder to lock it: {exc.strerror}", path=folder) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def new_file_mode() -> int:
    """The mode a new file gets (0o666 less the umask), as ``open`` would give it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _temp_beside(path: Path, data: bytes, mode: int, owner: tuple[int, int] | None = None) -> Path:
    """A fully written, fsynced temporary file in ``path``'s folder (same file system: rename is atomic)."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            if owner is not None:
                with contextlib.suppress(OSError):  # only root may give a file to someone else
                    os.fchown(handle.fileno(), *owner)
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable: fsync the folder that holds the new name."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int, owner: tuple[int, int] | None = None) -> None:
    """Put ``data`` at ``path`` all at once: a fsynced temporary file beside it, renamed over it.

    Readers see the old file or the new one, never a mix; after a crash the old
    one survives. The folder is synced so the rename itself is durable. The
    file gets ``mode`` and, where allowed, ``owner`` (uid, gid).
    """
    temp = _temp_beside(path, data, mode, owner)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def encode(text: str, bom: bool) -> bytes:
    return ((BOM if bom else "") + text).encode("utf-8")


def replace(path: Path, text: str, *, expected: bytes, bom: bool = False) -> None:
    """Write ``text`` over ``path`` atomically, if the file still holds ``expected``.

    A concurrent edit between our read and this write is a conflict, never a
    silent overwrite. A symlink (discovery only admits ones inside the
    backlog) stays a symlink: its target is replaced.
    """
    data = encode(text, bom)
    target = Path(os.path.realpath(path))
    try:
        with folder_lock(target.parent):
            try:
                current = target.read_bytes()
            except FileNotFoundError:
                raise ConflictError("the file was removed while it was being edited", path=path) from None
            if current != expected:
                raise ConflictError(
                    "the file changed while it was being edited; nothing was written, run the command again",
                    path=path,
                )
            from backlogctl.store.names import Witness

            witness = Witness.start(target.parent)  # keeps the names index fresh across our rename
            try:
                write_atomic(target, data, target.stat().st_mode & 0o7777)
                if witness is not None:
                    witness.finish(target.name)
            finally:
                if witness is not None:
                    witness.close()
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}; nothing was changed", path=path) from None


def create(path: Path, text: str) -> None:
    """Create ``path`` with ``text``; fail if it exists. Atomic: no half-written file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = _temp_beside(path, encode(text, False), new_file_mode())
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", path=path) from None
    try:
        os.link(temp, path)  # unlike rename, link never replaces an existing file
    except FileExistsError:
        raise InputError("already exists", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", path=path) from None
    finally:
        temp.unlink(missing_ok=True)
    _sync_folder(path.parent)


def restore(path: Path, data: bytes | None) -> None:
    """Put a file back as it was: ``data`` atomically, or no file when ``data`` is None.

    Used to undo a command whose commit git refused; keeps the file's mode.
    """
    if data is None:
        path.unlink(missing_ok=True)
        return
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        current = None
    if current == data:
        return
    mode = path.stat().st_mode & 0o7777 if current is not None else new_file_mode()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data, mode)
