"""The fast YAML path: yaml-rs (Rust, YAML 1.2), used only where it agrees with ruamel.

yaml-rs parses an item ~20x faster than ruamel's C-backed safe loader, but
its scalar resolution differs at a few edges (quoted dates become dates,
``.5e3`` and ``-.inF`` become floats, times become ``datetime.time``, no
merge keys, no ``!!binary``, no 1.1 directive). ``parse`` returns
``UNSURE`` whenever the text or the result comes near one of those edges,
and for every error, so the caller falls back to ruamel, which stays the
reference for data and for error messages. tests/test_loader_differential.py
proves the agreement.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Iterable
from typing import Any

UNSURE: Any = object()
"""Returned when the text must go to the exact (ruamel) loader."""

# Floats with a leading dot and an unsigned exponent (.5e3: ruamel reads a
# string) and special floats in odd spellings (-.inF: ruamel reads a string).
_RISKY_FLOAT = re.compile(r"\.[0-9_]+[eE][0-9]|\.(?i:inf|nan)")
_FLOW_QUESTION = re.compile(r"[\[{,][ \t]*\?")
# Characters ruamel refuses (controls, DEL, C1, U+FFFE/F) or reads as a line
# break (NEL, U+0085) that yaml-rs keeps as text.
# Tabs and the Unicode line/paragraph separators: ruamel refuses a tab in many
# places (after a value, before a key) and breaks lines at U+2028/U+2029.
_NOT_YAML_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\r(?!\n)")
_PLAIN_BYTES = bytes([10, *range(32, 127)])
"""Line feeds and printable ASCII: text of only these holds nothing _NOT_YAML_TEXT finds
(deleting them with bytes.translate is one pass in C; the regex is three times slower)."""
# Number spellings the two resolvers read differently: digits next to an
# underscore (yaml-rs: _2024, 1e1_0 and _.3 are numbers) and radix prefixes in any
# case (yaml-rs: 0X8, 0B11, 0O17 are numbers; ruamel: text).
# Two patterns, each starting with one character (the underscore looks behind
# for the character before it), so each search jumps from one "_" or "0" to the
# next: as one alternation, the search tried every position (8 us an item).
_RISKY_UNDERSCORE = re.compile(r"_(?:[0-9.+-]|(?<=[0-9.+-]_))")
_RADIX = re.compile(r"0[xXoObB]")
# Inside a flow collection: a "?", a ":" that ends a scalar ("[a:]", yaml-rs: a
# mapping, ruamel: text) or starts one ("{b: :x}"), or a block indicator (> |)
# opening a value. A ":" inside a scalar ("[https://example.org]") is fine.
_FLOW_COLON = re.compile(r":(?=[\]},\n]|$)|[\s\[{,]:", re.MULTILINE)
_BLOCK_IN_FLOW = re.compile(r"[\[{,:]\s*[>|]")
_DATE_LIKE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_SAFE_SCALARS = (str, int, float, bool, type(None))
MAX_DEPTH = 64
MAX_NUMBER = 10**18
"""Larger numbers have no meaning in an item (and past 4,300 digits Python cannot print them)."""
_INF = float("inf")
_intern = sys.intern
NESTING_BUDGET = 1000
"""Documents with this many nesting signs ([ { - ?) go to the exact loader's depth check."""

_yaml_rs: Any
try:
    import yaml_rs as _yaml_rs
except ImportError:  # pragma: no cover - yaml-rs is a dependency; ruamel still works without it
    _yaml_rs = None


VERSION = "off"
"""yaml-rs's version, part of the parse cache's key ("off" without it)."""
if _yaml_rs is not None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        VERSION = version("yaml-rs")
    except PackageNotFoundError:  # pragma: no cover - imported but not installed as a distribution
        VERSION = "unknown"


def enabled() -> bool:
    """Whether the fast path runs: yaml-rs is installed and BACKLOGCTL_FAST_YAML is not 0.

    CI runs the suite a second time with BACKLOGCTL_FAST_YAML=0 so the exact
    (ruamel) path is tested as the only path too.
    """
    return _yaml_rs is not None and os.environ.get("BACKLOGCTL_FAST_YAML", "") != "0"


def parse(text: str) -> Any:
    """The document's data, or UNSURE when only the exact loader may answer.

    Keys and short text values come interned (``shared``), as ``read.compact``
    leaves the exact reader's data: the walk that checks agreement does it.
    """
    if not enabled() or _risky(text):
        return UNSURE
    try:
        data = _yaml_rs.loads(text)
    except Exception:  # every error is reported by the exact loader, with its line
        return UNSURE
    if type(data) is not dict:
        return UNSURE
    try:
        return _agreed(data, text, 0)
    except _Disagree:
        return UNSURE


def _risky(text: str) -> bool:
    """No final newline, tags, anchors, merge keys, directives, odd floats, flow "?".

    Cheap tests first: each regex runs only where a substring test or one pass
    of ``bytes.translate`` could not rule its spelling out (an item is ~40 us
    of regex work otherwise, more than yaml-rs's parse).
    """
    return (
        # yaml-rs recurses per nesting level and segfaults on "- - - ..." 200,000 deep;
        # read.check_nesting measures such documents before any parser recurses.
        text.count("[") + text.count("{") + text.count("-") + text.count("?") >= NESTING_BUDGET
        # yaml-rs adds a line break to a block scalar that ends the file without one.
        or not text.endswith("\n")
        or "!" in text
        or "&" in text
        or "<<" in text
        or text.startswith("%")
        or "\n%" in text
        or _RISKY_FLOAT.search(text) is not None
        # ruamel reads "[?x]" as a mapping {x: null}, yaml-rs as the text "?x".
        or ("?" in text and _FLOW_QUESTION.search(text) is not None)
        or (
            len(text.encode("utf-8", "surrogatepass").translate(None, _PLAIN_BYTES)) > 0
            and _NOT_YAML_TEXT.search(text) is not None
        )
        or _RISKY_UNDERSCORE.search(text) is not None
        or _RADIX.search(text) is not None
        or (("[" in text or "{" in text) and _risky_flow(text))
    )


def _risky_flow(text: str) -> bool:
    """A flow collection holding a spelling the readers disagree on; linear in the text.

    Only the lines where a collection opens are looked at: the search jumps from
    one ``[`` or ``{`` to the next (``str.find``, each kept until passed) instead
    of walking every line in Python, and a regex runs only on a collection
    holding the character it looks for.
    """
    size = len(text)
    square, curly = text.find("["), text.find("{")
    while True:
        if square < 0 and curly < 0:
            return False
        start = curly if square < 0 or 0 <= curly < square else square
        end = text.find("\n", start)
        end = size if end < 0 else end
        rest = text[start:end]
        if rest.count("[") + rest.count("{") > rest.count("]") + rest.count("}"):
            rest = text[start:]  # the collection goes on over the next lines
            end = size
        if (
            "?" in rest
            or (":" in rest and _FLOW_COLON.search(rest) is not None)
            or (("|" in rest or ">" in rest) and _BLOCK_IN_FLOW.search(rest) is not None)
        ):
            return True
        if 0 <= square <= end:
            square = text.find("[", end + 1)
        if 0 <= curly <= end:
            curly = text.find("{", end + 1)


def _quoted(date: dt.date, text: str) -> bool:
    """True when the date may be text: quoted ("2024-01-02") or alone on its line, as in a
    block scalar (``|`` then the date); yaml-rs makes a date of both."""
    iso = date.isoformat()
    start = text.find(iso)
    while start >= 0:
        at = start  # back over spaces and tabs, without copying the text before the date
        while at and text[at - 1] in " \t":
            at -= 1
        if not at or text[at - 1] in "'\"\n":
            return True
        start = text.find(iso, start + 1)
    return False


SHARED_TEXT = 40
"""Text values this short (statuses, owners, tags, ids) are interned, like every key."""


class _Disagree(Exception):
    """A value the two readers may build differently: the exact reader answers."""


def _agreed(node: Any, text: str, depth: int) -> Any:
    """``node`` checked and shared in one walk; raises _Disagree where the readers may differ.

    Checked: every value is of a kind both loaders build the same way. Shared:
    every key and every text value of at most SHARED_TEXT characters is
    interned (one string object each across all items). Dicts are rebuilt in
    their order, lists changed in place; nothing else changes.
    """
    if depth > MAX_DEPTH:
        raise _Disagree  # the exact loader reports it
    is_dict = type(node) is dict
    pairs: Iterable[tuple[Any, Any]] = node.items() if is_dict else enumerate(node)
    out: Any = {} if is_dict else node
    for key, value in pairs:
        if is_dict:
            if type(key) is not str or (key[4:5] == "-" and _DATE_LIKE.match(key)):
                raise _Disagree
            key = _intern(key)
        kind = type(value)
        if kind is str:
            # ruamel rejects impossible dates (2024-02-30) that yaml-rs keeps as
            # text, and reads a bare "=" as the YAML value tag.
            if value == "=" or (value[4:5] == "-" and _DATE_LIKE.match(value)):
                raise _Disagree
            # yaml-rs keeps a newline for an empty block scalar ("|" then nothing).
            if value[:1] == "\n" and not value.strip("\n"):
                raise _Disagree
            if len(value) <= SHARED_TEXT:
                value = _intern(value)
        elif kind is dict or kind is list:
            value = _agreed(value, text, depth + 1)
        elif kind is int:
            if not -MAX_NUMBER <= value <= MAX_NUMBER:
                raise _Disagree  # the exact reader refuses it with its line
        elif kind is dt.date:
            if _quoted(value, text):
                raise _Disagree
        elif kind is float:
            if value != value or value in (_INF, -_INF):
                raise _Disagree
        elif kind not in _SAFE_SCALARS:
            raise _Disagree
        out[key] = value
    return out
