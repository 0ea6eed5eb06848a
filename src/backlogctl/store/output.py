"""Output documents written with -o FILE: deliberate about links, devices, folders and modes.

- A regular file (new or existing) is replaced atomically: a temporary file
  beside it, then a rename; an existing file keeps its permission bits.
- A symbolic link is followed, as the shell's ``>`` follows it: the link
  stays and its target is written (atomically if the target is a regular file).
- An existing file that is not a regular file (``/dev/null``, a FIFO, a
  terminal) is written into directly and never replaced, not even as root.
- A folder (``-o DIR``, ``-o .``, ``-o ''``) or a missing parent folder is
  refused with one line before any work is done.
- A failed write (a full disk, a read-only folder) is one line and leaves an
  existing file as it was.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from backlogctl.errors import InputError
from backlogctl.store.write import new_file_mode, write_atomic


def _target(path: Path) -> Path:
    """``path`` with symbolic links followed (the file that will actually be written)."""
    return Path(os.path.realpath(path))


def check_target(path: Path) -> None:
    """Refuse an output path that can never be written, before any work is done."""
    if str(path) in ("", "."):
        raise InputError("-o needs a file name, not the current folder")
    target = _target(path)
    if target.is_dir():
        raise InputError(f"-o {path}: is a folder; give a file name inside it")
    if not target.parent.is_dir():
        raise InputError(f"-o {path}: the folder {target.parent} does not exist")


def write_document(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` as described in the module docstring."""
    check_target(path)
    target = _target(path)
    data = text.encode("utf-8")
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"-o {path}: cannot write: {exc.strerror}") from None
    try:
        if info is not None and not stat.S_ISREG(info.st_mode):
            _write_in_place(target, data)
        else:
            _replace(target, data, info)
    except OSError as exc:
        raise InputError(f"-o {path}: cannot write: {exc.strerror}; nothing was written") from None


def _write_in_place(target: Path, data: bytes) -> None:
    """A device or FIFO: open it for writing (no create, no truncate) and write."""
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _replace(target: Path, data: bytes, info: os.stat_result | None) -> None:
    """A regular file, new or existing: replaced atomically, keeping an existing file's mode and owner."""
    if info is None:
        write_atomic(target, data, new_file_mode())
    else:
        write_atomic(target, data, stat.S_IMODE(info.st_mode), owner=(info.st_uid, info.st_gid))
