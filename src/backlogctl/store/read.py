"""Reading item files: fast, safe, and with clear errors for bad input."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any

from backlogctl import ids
from backlogctl.errors import InputError
from backlogctl.store import fast

MAX_BYTES = 1 << 20
"""Item files larger than this are refused: no real item comes near it."""
MAX_NODES = 100_000
"""Alias expansion past this many nodes is refused (the "billion laughs")."""
MAX_DEPTH = 64
"""Nesting deeper than this is refused."""
TOO_MANY_DIGITS = (
    "invalid value: a number with more than 18 digits; no item field needs one, write a smaller one"
)

CONFLICT_MARKERS = ("<<<<<<<", "=======", ">>>>>>>")


@dataclass(frozen=True, slots=True)
class Loaded:
    """One item file as read from disk: its mapping, or why it has none."""

    path: Path
    data: dict[str, Any] | None
    error: InputError | None = None


def _safe_yaml(pure: bool = False) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=pure)
    yaml.allow_duplicate_keys = False
    return yaml


_yaml: Any = None
_pure_yaml: Any = None


LIBYAML_MISREADS = re.compile(r"(?<![^\s\[{,])[&*][-0-9A-Za-z_]*[:?]")
"""An anchor or alias whose name holds ``:`` or ``?`` (``&x:y``), which YAML 1.2 allows.

libyaml ends the name there and reads the rest as the value (``a: &x:y 1`` as
``a: ":y 1"``) where ruamel's own parser and yaml-rs read ``a: 1``: such text
goes to ruamel's parser.
"""


def _loader() -> Any:
    global _yaml
    if _yaml is None:
        _yaml = _safe_yaml()
    return _yaml


def _load(text: str) -> Any:
    """ruamel's safe loader: its C scanner, and its Python scanner where the C one refuses.

    libyaml's scanner refuses a few YAML 1.2 spellings that ruamel's own scanner
    (the one every edit goes through) and yaml-rs read, such as a URL in a flow
    list (``links: [https://example.org]``). Falling back keeps the exact reader
    in agreement with both, so a file never reads differently because another
    line sent it down this path.
    """
    from ruamel.yaml.error import MarkedYAMLError

    global _pure_yaml
    if _pure_yaml is None:
        _pure_yaml = _safe_yaml(pure=True)
    if LIBYAML_MISREADS.search(text):
        return _load_pure(text)
    try:
        return _loader().load(text)
    except MarkedYAMLError as refused:
        try:
            return _load_pure(text)
        except Exception:
            raise refused from None


def _load_pure(text: str) -> Any:
    try:
        return _pure_yaml.load(text)
    finally:
        # ruamel keeps a document's `%YAML 1.1` on the reused loader: every later
        # file would read as YAML 1.1 (`[12:30:45]` as 45045). Forget it.
        _pure_yaml.version = None


def decode(raw: bytes, path: Path) -> str:
    """Bytes to text: UTF-8 with an optional BOM, or one clear error."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8",
            path=path,
            line=line,
            kind="encoding",
        ) from None
    if "<<<<<<<" in text or ">>>>>>>" in text:
        for number, line_text in enumerate(text.splitlines(), 1):
            if line_text[:7] in CONFLICT_MARKERS and line_text[7:8] in ("", " "):
                raise InputError(
                    "merge conflict marker left in the file; resolve the conflict and remove the markers",
                    path=path,
                    line=number,
                    column=1,
                    kind="merge-conflict",
                )
    return text


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing anything that is not a regular, sane-sized file."""
    return read_file(path)[0]


def read_file(path: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its stat, from one open: no race between the two."""
    try:
        # O_NONBLOCK: opening a FIFO must not hang; regular files ignore the flag.
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=path) from None
    except FileNotFoundError:
        raise InputError("file does not exist", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    try:
        stat = os.fstat(fd)
        if S_ISDIR(stat.st_mode):
            raise InputError("is a folder, not a file", path=path)
        if not S_ISREG(stat.st_mode):
            raise InputError("is not a regular file", path=path)
        if stat.st_size > MAX_BYTES:
            raise InputError(
                f"file is {stat.st_size / 1e6:.1f} MB; item files are limited to {MAX_BYTES >> 10} KiB",
                path=path,
            )
        # One read for a file that is as large as its stat says: a regular file returns
        # fewer bytes than asked only at its end. One that grew is read on, to the limit.
        chunks = []
        total = 0
        want = stat.st_size + 1
        while True:
            chunk = os.read(fd, want)
            chunks.append(chunk)
            total += len(chunk)
            if len(chunk) < want or total > MAX_BYTES:
                break
            want = 1 << 16
        raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if len(raw) > MAX_BYTES:
            raise InputError(f"file grew past {MAX_BYTES >> 10} KiB while being read", path=path)
        return raw, stat
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    finally:
        os.close(fd)


def parse(text: str, path: Path) -> Any:
    """Parse YAML 1.2 text: the fast parser when it is sure to agree, else ruamel's safe loader."""
    data = fast.parse(text)
    if data is not fast.UNSURE:
        return data
    return parse_exact(text, path)


def parse_exact(text: str, path: Path) -> Any:
    """Parse YAML 1.2 text with ruamel's safe loader; errors name line and column."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    check_nesting(text, path)
    try:
        data = _load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        problem = _explain(exc, text, line)
        raise InputError(
            f"invalid YAML: {problem}", path=path, line=line, column=column, kind="yaml-syntax"
        ) from None
    except YAMLError as exc:
        position = getattr(exc, "position", None)  # a ReaderError: a character YAML does not allow
        if isinstance(position, int) and isinstance(getattr(exc, "character", None), int):
            line = text.count("\n", 0, position) + 1
            raise InputError(
                f"invalid YAML: character U+{exc.character:04X} is not allowed in YAML text; remove it",  # type: ignore[attr-defined]
                path=path,
                line=line,
                kind="yaml-syntax",
            ) from None
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid YAML"
        raise InputError(f"invalid YAML: {first}; fix the syntax", path=path, kind="yaml-syntax") from None
    except RecursionError:
        raise InputError(
            f"nested too deeply (over {MAX_DEPTH} levels)", path=path, kind="yaml-syntax"
        ) from None
    except (ValueError, TypeError, OverflowError, IndexError) as exc:  # 2026-13-40; `!!float` with no value
        raise _bad_value(exc, text, path) from None
    if "&" in text:
        _check_expansion(data, path)
    _check_depth(data, path, text)
    return data


_BAD_TAG = re.compile(r"constructor for the tag '([^']*)'")
_DATE_VALUE = re.compile(r"^([ \t]*(?:- )?)([\w.-]+):[ \t]*['\"]?(\d{4})-(\d{1,2})-(\d{1,2})\b", re.MULTILINE)


def _explain(exc: Any, text: str, line: int | None) -> str:
    """The parser's complaint, with what to do for the mistakes people make."""
    problem = str(exc.problem or exc.context or "invalid YAML").strip()
    if "duplicate anchor" in str(exc.context):
        return "an anchor (&name) is defined twice; give each anchor its own name"
    tag = _BAD_TAG.search(problem)
    if tag:
        return (
            f"the tag {tag.group(1)!r} is not allowed; item files hold plain text, numbers, dates, lists"
            " and mappings"
        )
    if line is not None:
        lines = text.splitlines()
        if line <= len(lines):
            current = lines[line - 1]
            if "\t" in current[: len(current) - len(current.lstrip(" \t"))]:
                return "a tab is used for indentation; YAML indents with spaces only"
    return f"{problem}; fix the syntax"


def _bad_value(exc: Exception, text: str, path: Path) -> InputError:
    """A value the loader could not build: name the impossible date if there is one."""
    if "digits" in str(exc):  # Python's limit on converting long integers
        return _too_many_digits(text, path)
    for match in _DATE_VALUE.finditer(text):
        year, month, day = (int(part) for part in match.groups()[2:])
        try:
            dt.date(year, month, day)
        except ValueError as reason:
            line = text.count("\n", 0, match.start()) + 1
            value = "-".join(match.groups()[2:])
            return InputError(
                f"{match.group(2)}: {value} is not a real date ({reason}); write YYYY-MM-DD",
                path=path,
                line=line,
                column=len(match.group(1)) + 1,
                kind="bad-value",
            )
    return InputError(
        f"invalid value: {exc}; remove the explicit tag or write a plain value", path=path, kind="bad-value"
    )


NESTING_SIGNS = "[{-?"
"""Characters that can open a nesting level without a new, deeper-indented line."""
NESTING_BUDGET = fast.NESTING_BUDGET
"""Below this many nesting signs a document cannot nest dangerously deep."""


def check_nesting(text: str, path: Path) -> None:
    """Refuse oversized text and deep nesting before a composer sees it.

    The C composer recurses without a limit (it segfaults near 30,000 levels)
    and is quadratic in flow depth, so depth is measured first from the
    parser's events, which stream without recursion and stop at MAX_DEPTH.
    Indentation alone cannot nest deeper than ~1,400 levels in MAX_BYTES.
    """
    from ruamel.yaml.error import YAMLError

    if len(text) > MAX_BYTES:
        raise InputError(f"text is over {MAX_BYTES >> 10} KiB; item files are limited to that", path=path)
    if sum(text.count(sign) for sign in NESTING_SIGNS) < NESTING_BUDGET:
        return
    depth = 0
    try:
        for event in _loader().parse(text):
            name = type(event).__name__
            if name in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark is not None else None
                    raise InputError(
                        f"nested too deeply (over {MAX_DEPTH} levels); flatten the structure",
                        path=path,
                        line=line,
                        kind="yaml-syntax",
                    )
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
    except YAMLError:
        return  # a syntax error before any deep level: the loader reports it with its line


def _check_expansion(data: Any, path: Path) -> None:
    """Refuse documents whose aliases expand past MAX_NODES nodes."""
    sizes: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, dict | list) or depth > MAX_DEPTH:
            return 1
        known = sizes.get(id(node))
        if known is not None:
            return known
        children = node.values() if isinstance(node, dict) else node
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_NODES:
                break
        sizes[id(node)] = total
        return total

    if size(data, 0) > MAX_NODES:
        raise InputError(
            f"aliases expand to more than {MAX_NODES:,} values; write the values out instead",
            path=path,
            kind="yaml-syntax",
        )


def _check_depth(data: Any, path: Path, text: str = "") -> None:
    """Refuse deep nesting, keys that are not text, and values no item can hold.

    ``? [a, b]`` makes a tuple key; ``!!binary`` bytes, ``!!set``, infinite or
    not-a-number floats and integers past ``fast.MAX_NUMBER`` would reach JSON
    output, scoring and ``repr`` as values nothing downstream can handle.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(
                f"nested too deeply (over {MAX_DEPTH} levels); flatten the structure",
                path=path,
                kind="yaml-syntax",
            )
        if isinstance(node, dict):
            for key in node:
                if not isinstance(key, str):
                    raise InputError(
                        f"invalid YAML: the key {_short(key)} is not text; field names are plain words",
                        path=path,
                        kind="yaml-syntax",
                    )
            children: Iterable[Any] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            _check_scalar(node, path, text)
            continue
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            else:
                _check_scalar(child, path, text)


_PLAIN_TYPES = (str, bool, type(None), dt.date)


def _check_scalar(value: Any, path: Path, text: str) -> None:
    if isinstance(value, _PLAIN_TYPES):
        return
    if isinstance(value, int):
        if -fast.MAX_NUMBER <= value <= fast.MAX_NUMBER:
            return
        raise _too_many_digits(text, path)
    if isinstance(value, float):
        if math.isfinite(value):
            return
        raise InputError(
            "invalid value: an infinite or not-a-number value (.inf, .nan); write a finite number",
            path=path,
            line=_line_matching(text, r"(?i)\.(?:inf|nan)\b|[0-9]e[0-9]{3}"),
            kind="bad-value",
        )
    names: dict[type, str] = {bytes: "binary data (!!binary)", set: "a set (!!set)"}
    kind = names.get(type(value), f"a {type(value).__name__}")
    raise InputError(
        f"invalid value: {kind} is not allowed; item files hold text, numbers, dates, lists and mappings",
        path=path,
        line=_line_matching(text, r"!!"),
        kind="bad-value",
    )


def _too_many_digits(text: str, path: Path) -> InputError:
    """A number past 18 digits, on the line of the first one in ``text``."""
    return InputError(TOO_MANY_DIGITS, path=path, line=_line_matching(text, r"[0-9]{19}"), kind="bad-value")


def _line_matching(text: str, pattern: str) -> int | None:
    match = re.search(pattern, text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _short(value: Any) -> str:
    shown = repr(value) if not isinstance(value, int) or abs(value) < 10**100 else "(a huge number)"
    return shown if len(shown) <= 60 else shown[:57] + "..."


def load_mapping(path: Path, what: str = "an item") -> dict[str, Any]:
    """Read and parse one file that must hold a mapping."""
    return as_mapping(parse(decode(read_bytes(path), path), path), path, what)


_KINDS = {"list": "a list", "str": "a single text", "int": "a number", "float": "a number", "bool": "yes/no"}


def as_mapping(data: Any, path: Path, what: str = "an item") -> dict[str, Any]:
    """``data`` if it is a mapping, else the not-a-mapping error for ``path``."""
    if not isinstance(data, dict):
        found = "empty" if data is None else _KINDS.get(type(data).__name__, f"a {type(data).__name__}")
        raise InputError(
            f"is {found}",
            hint=f"{what} file must be a mapping of field: value",
            path=path,
            line=1,
            column=1,
            kind="not-a-mapping",
        )
    return data


SHARED_TEXT = fast.SHARED_TEXT
"""Values this short (statuses, owners, tags, ids) are interned, like every key."""


def compact(node: Any) -> Any:
    """``node`` with every key and every short text value interned: one string object each.

    yaml-rs and ruamel create fresh key strings in every file; 100,000 items
    hold the same ~35 field names 100,000 times (about 2 KB per item), and the
    same statuses, owners and tags. Interned, they are held once, and marshal
    (the parse cache) writes them as interned, so warm loads share them too.
    Dicts are rebuilt in their order, lists in place; nothing else changes.
    The fast reader does the same in the walk that checks its answer
    (``fast._agreed``); this is for the exact reader's data.
    """
    kind = type(node)
    if kind is dict:
        return {sys.intern(key) if type(key) is str else key: compact(value) for key, value in node.items()}
    if kind is list:
        for index, value in enumerate(node):
            node[index] = compact(value)
        return node
    if kind is str and len(node) <= SHARED_TEXT:
        return sys.intern(node)
    return node


def parse_item(text: str, path: Path) -> dict[str, Any]:
    """An item file's mapping, its keys and short text values interned (see ``compact``).

    The fast reader interns in the walk that checks its answer (one walk, not two).
    """
    data = fast.parse(text)
    if data is not fast.UNSURE:
        return data  # type: ignore[no-any-return]
    return compact(as_mapping(parse_exact(text, path), path, "an item"))  # type: ignore[no-any-return]


def load_items(paths: list[Path], cache_for: Path | None = None) -> list[Loaded]:
    """Read many item files; a bad file becomes an error record, never an exception.

    With ``cache_for`` (the items folder) parsed data is reused from the cache
    for files whose identity is unchanged; see ``store.cache``.
    """
    from backlogctl import cache as cachefile
    from backlogctl.store import cache as cache_module

    cache = cache_module.Cache(cache_for) if cache_for is not None and cachefile.enabled() else None
    stored = cache.read(paths) if cache is not None else None
    loaded = []
    for index, path in enumerate(paths):
        if stored is not None:
            data = stored[index]
            if data is not None:
                stored[index] = None
                loaded.append(Loaded(path, data))
                continue
        try:
            raw, stat = read_file(path)
            data = parse_item(decode(raw, path), path)
            if cache is not None:
                cache.put(path, cache_module.identity(stat), data)
            loaded.append(Loaded(path, data))
        except InputError as exc:
            loaded.append(Loaded(path, None, exc))
    if cache is not None:
        cache.save()
    return loaded


def inside(root: Path, path: Path) -> Path:
    """``path`` with every link resolved, refused unless it stays inside ``root``.

    Every file backlogctl reads in a backlog (configuration, template, items,
    schema) passes here, so a cloned repository whose template links to
    ``~/.config/gh/hosts.yml`` cannot make a command copy it into an item.
    """
    try:
        real = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        return path  # the caller reports the missing file in its own words
    except OSError as exc:  # a link loop
        raise InputError(f"cannot resolve the path ({exc.strerror})", path=path) from None
    if not real.is_relative_to(Path(os.path.realpath(root))):
        raise InputError(
            f"is a link to {real}, outside the backlog; backlogctl reads only files inside it",
            path=path,
        )
    return real


def _walk(folder: Path, root: Path, *, ordered: bool) -> Iterator[tuple[str, str | None]]:
    """The one walk over item files: (path, why it is refused or None) for each candidate.

    Hidden entries and names that cannot be item files are skipped (``ids.is_item_name``).
    Links are followed only inside ``root`` and each real folder is listed once, so a
    link loop ends. A folder that cannot be listed, a link that leaves ``root`` or
    loops, and a file named like an item with the wrong case of extension (``.YAML``)
    come with the reason they are refused, so lint never passes on what it skipped.
    ``ordered`` sorts each folder by name (deterministic output).
    """
    real_root = os.path.realpath(root)
    stack = [os.fspath(folder)]
    for current, entries in _folders(stack, ordered=ordered):
        if isinstance(entries, str):
            yield current, entries
            continue
        for entry in entries:
            verdict = _verdict(entry, real_root)
            if verdict is FOLDER:
                stack.append(entry.path)
            elif verdict is not None:
                yield entry.path, verdict[1]


def _folders(stack: list[str], *, ordered: bool) -> Iterator[tuple[str, list[os.DirEntry[str]] | str]]:
    """Each folder on ``stack`` once (the caller pushes sub-folders): its entries, or why not listed."""
    seen: set[str] = set()
    while stack:
        current = stack.pop()
        real = os.path.realpath(current)
        if real in seen:
            continue  # a link back to a folder already listed
        seen.add(real)
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda e: e.name) if ordered else list(listing)
        except OSError as exc:
            yield current, unlisted(exc)
            continue
        yield current, entries


def unlisted(exc: OSError) -> str:
    """Why the items of a folder that cannot be listed are not checked."""
    return f"cannot list this folder ({exc.strerror}); its items are not checked"


FOLDER = ("folder", None)
"""`_verdict` of a folder the walk goes into."""


def _verdict(entry: os.DirEntry[str] | _Entry, real_root: str) -> tuple[str, str | None] | None:
    """What the walk makes of one entry: FOLDER, ("file", why it is refused or None), or None (skip it)."""
    name = entry.name
    if name.startswith("."):
        return None
    if entry.is_symlink():
        try:
            target = os.path.realpath(entry.path, strict=True)
        except OSError:
            return "file", "symlink loops or points nowhere; not followed"
        if not target.startswith(real_root + os.sep):
            return "file", "symlink points outside the backlog; not followed"
    if entry.is_dir():
        return FOLDER
    if ids.is_item_name(name):
        return "file", None
    if ids.is_item_name(name.lower()):
        suffix = name.rsplit(".", 1)[1]
        return "file", f"item files end in .yaml; rename this .{suffix} file or it is never read"
    return None


def discover(folder: Path, root: Path) -> Iterator[Loaded | Path]:
    """Item files under ``folder``: paths, or error records for what cannot be an item."""
    for found, refused in _walk(folder, root, ordered=True):
        path = Path(found)
        yield path if refused is None else Loaded(path, None, InputError(refused, path=path))


class ItemNames:
    """The files named for an id, found without reading any (`names.Tree`: the names index or a listing).

    The folders are those `_walk` goes into; a lookup gives what `_walk` would
    give for the names that match, (path, why it is refused or None). With a
    fresh names index a lookup is one query; otherwise the tree is listed (one
    ``scandir`` per folder; names are kept, not entries) and names are matched
    in C, so one lookup among 100,000 files takes milliseconds. After a few
    lookups every listed name is indexed by its id instead.
    """

    LOOKUPS_BEFORE_INDEX = 8

    def __init__(self, folder: Path, root: Path) -> None:
        from backlogctl.store.names import Tree

        self._real_root = os.path.realpath(root)
        self._tree = Tree.of(folder, self._real_root, names=False)
        if not self._tree.indexed:
            self._tree.close()  # lookups match the listing; the index is not asked again
        self._index: dict[str, list[str]] | None = None
        self._lookups = 0

    def named(self, item_id: str) -> list[tuple[str, str | None]]:
        """(path, why it is refused or None) of each item file named ``<item_id>-…`` or ``<item_id>.…``."""
        self._lookups += 1
        tree = self._tree
        if tree.indexed:
            paths = tree.named(item_id)
        else:
            if self._index is None and self._lookups > self.LOOKUPS_BEFORE_INDEX:
                self._index = {}
                for listed in tree.folders:
                    for name in listed.names:
                        named = ids.named_id(name)
                        if named is not None:
                            self._index.setdefault(named.upper(), []).append(os.path.join(listed.path, name))
            paths = self._index.get(item_id.upper(), []) if self._index is not None else tree.named(item_id)
        found: list[tuple[str, str | None]] = []
        for path in paths:
            verdict = _verdict(_Entry(path), self._real_root)
            if verdict is not None and verdict is not FOLDER:
                found.append((path, verdict[1]))
        for folder, why in tree.unlisted:
            if ids.name_matches(os.path.basename(folder), item_id):
                found.append((folder, why))
        return found


class _Entry:
    """One path with the part of `os.DirEntry` that `_verdict` asks (each answer a system call)."""

    __slots__ = ("name", "path")

    def __init__(self, path: str) -> None:
        self.path = path
        self.name = os.path.basename(path)

    def is_symlink(self) -> bool:
        return os.path.islink(self.path)

    def is_dir(self) -> bool:
        return os.path.isdir(self.path)


def scan_ids(folder: Path) -> set[str]:
    """Ids used by item files under ``folder``, from file names and ``id:`` lines.

    A text scan, not a parse: fast enough to run before every ``new`` in a
    10,000-item backlog (plain ``os`` calls, one read per file), and it still
    sees ids in files that are otherwise broken. Symlinks leaving ``folder``,
    hidden entries and anything but regular files are skipped. The names index
    (`names.scan_ids`) keeps each file's ids, so only changed files are read.
    """
    from backlogctl.store import names

    return names.scan_ids(folder)


def _head(path: str) -> bytes:
    """Up to MAX_BYTES of a file, in one read for any item-sized file; b"" if unreadable."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return b""
    try:
        chunks = [os.read(fd, 1 << 16)]
        while len(chunks[-1]) == 1 << 16 and sum(map(len, chunks)) < MAX_BYTES:
            chunks.append(os.read(fd, 1 << 16))
        return b"".join(chunks)[:MAX_BYTES]
    except OSError:
        return b""
    finally:
        os.close(fd)
