"""A small, safe evaluator for scoring formulas.

A formula is parsed with :mod:`ast` and every node is checked against a
whitelist: numbers, score names, ``+ - * / **``, unary minus, parentheses and
the functions ``min max log sqrt abs``. Nothing is ever passed to ``eval``.
The checked tree is turned into nested closures, so scoring ten thousand items
does not walk the tree again.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from backlogctl.errors import InputError
from backlogctl.scales import BUILTIN

MAX_LENGTH = 400
"""Longest formula accepted, in characters."""
MAX_EXPONENT = 10.0
"""Largest exponent (in absolute value) a formula may use."""

FUNCTIONS: dict[str, tuple[Callable[..., float], int, int]] = {
    # name: (function, fewest arguments, most arguments)
    "min": (min, 2, 8),
    "max": (max, 2, 8),
    "log": (math.log, 1, 1),
    "sqrt": (math.sqrt, 1, 1),
    "abs": (abs, 1, 1),
}

Evaluate = Callable[[Mapping[str, float]], float]


class FormulaError(InputError):
    """A formula that cannot be accepted; ``column`` is 1-based."""

    def __init__(self, message: str, source: str, column: int | None = None) -> None:
        where = f" at column {column}" if column is not None else ""
        super().__init__(f"formula {source!r}: {message}{where}")
        self.reason = message
        self.column = column


class EvaluationError(ValueError):
    """A formula that cannot be computed for one item (division by zero, log of 0...)."""


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text, the score names it reads, and how to compute it."""

    source: str
    names: frozenset[str]
    run: Evaluate

    def __call__(self, values: Mapping[str, float]) -> float:
        """The formula's value; EvaluationError when it has none for these inputs."""
        try:
            result = self.run(values)
        except ZeroDivisionError:
            raise EvaluationError("division by zero") from None
        except OverflowError:
            raise EvaluationError("result too large") from None
        except ValueError as exc:
            raise EvaluationError(f"math error ({exc})") from None
        except TypeError:
            # float ** float can give a complex number: (-8) ** 0.5
            raise EvaluationError("not a real number") from None
        if isinstance(result, complex) or not math.isfinite(result):
            raise EvaluationError("not a finite real number")
        return float(result)


def parse(source: str, names: Collection[str] | None = tuple(BUILTIN)) -> Formula:
    """Check ``source`` and compile it; FormulaError names what is wrong and where.

    ``names`` are the score names it may read (the lab's scales); None accepts any
    name, for checking a formula's shape before the scales are known.
    """
    text = source.strip()
    if not text:
        raise FormulaError("is empty", source)
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"is {len(text)} characters long; the limit is {MAX_LENGTH}", _short(text))
    if text.split()[0] in ("import", "from"):
        raise FormulaError("imports are not allowed", text, 1)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        column = exc.offset if exc.offset and exc.offset > 0 else None
        raise FormulaError(f"is not a valid expression ({exc.msg})", text, column) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("cannot be parsed", text) from None
    used: set[str] = set()
    run = _Compiler(text, None if names is None else frozenset(names), used).compile(tree.body)
    return Formula(text, frozenset(used), run)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


class _Compiler:
    """Walks the tree once: refuses what is not allowed, returns closures for the rest."""

    def __init__(self, source: str, names: frozenset[str] | None, used: set[str]) -> None:
        self.source = source
        self.names = names
        self.used = used

    def fail(self, message: str, node: ast.AST) -> FormulaError:
        column = getattr(node, "col_offset", None)
        return FormulaError(message, self.source, None if column is None else column + 1)

    def compile(self, node: ast.expr) -> Evaluate:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail(_refusal(node), node)

    def constant(self, node: ast.Constant) -> Evaluate:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"only numbers are allowed, not {type(value).__name__} {value!r}", node)
        number = float(value)
        if not math.isfinite(number):
            raise self.fail("number too large", node)
        return lambda values: number

    def name(self, node: ast.Name) -> Evaluate:
        name = node.id
        if name in FUNCTIONS:
            raise self.fail(f"{name} is a function; call it as {name}(...)", node)
        if self.names is not None and name not in self.names:
            raise self.fail(f"unknown name {name!r}{_hint(name, self.names)}", node)
        self.used.add(name)
        return lambda values: values[name]

    def binary(self, node: ast.BinOp) -> Evaluate:
        left, right = self.compile(node.left), self.compile(node.right)
        if isinstance(node.op, ast.Pow):
            return self.power(node, left, right)
        operation = _BINARY.get(type(node.op))
        if operation is None:
            raise self.fail(f"operator {_symbol(node.op)} is not allowed; use + - * / **", node)
        return lambda values: operation(left(values), right(values))

    def power(self, node: ast.BinOp, base: Evaluate, exponent: Evaluate) -> Evaluate:
        fixed = _constant_value(node.right)
        if fixed is not None and abs(fixed) > MAX_EXPONENT:
            raise self.fail(f"exponent {fixed:g} is too large; the limit is {MAX_EXPONENT:g}", node.right)

        def run(values: Mapping[str, float]) -> float:
            power = exponent(values)
            if abs(power) > MAX_EXPONENT:
                raise OverflowError
            return float(base(values) ** power)

        return run

    def unary(self, node: ast.UnaryOp) -> Evaluate:
        operand = self.compile(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda values: -operand(values)
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.fail(f"operator {_symbol(node.op)} is not allowed", node)

    def call(self, node: ast.Call) -> Evaluate:
        if isinstance(node.func, ast.Attribute):
            raise self.fail("attribute access is not allowed", node.func)
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            called = node.func.id if isinstance(node.func, ast.Name) else "this"
            allowed = ", ".join(sorted(FUNCTIONS))
            raise self.fail(f"calling {called} is not allowed; the functions are {allowed}", node)
        if node.keywords:
            raise self.fail("keyword arguments are not allowed", node.keywords[0].value)
        function, fewest, most = FUNCTIONS[node.func.id]
        if not fewest <= len(node.args) <= most:
            wanted = str(fewest) if fewest == most else f"{fewest} to {most}"
            raise self.fail(f"{node.func.id} takes {wanted} arguments, not {len(node.args)}", node)
        args = [self.compile(arg) for arg in node.args]
        return lambda values: float(function(*(arg(values) for arg in args)))


def _constant_value(node: ast.expr) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _constant_value(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    return None


def _refusal(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return "attribute access is not allowed"
    if isinstance(node, ast.Compare):
        return "comparisons are not allowed"
    if isinstance(node, ast.BoolOp):
        return "and/or are not allowed"
    if isinstance(node, ast.Subscript):
        return "indexing is not allowed"
    if isinstance(node, ast.Lambda | ast.NamedExpr):
        return "definitions and assignments are not allowed"
    return f"{type(node).__name__.lower()} expressions are not allowed; use numbers, scores and + - * / **"


def _symbol(op: ast.AST) -> str:
    symbols = {
        ast.FloorDiv: "//",
        ast.Mod: "%",
        ast.MatMult: "@",
        ast.LShift: "<<",
        ast.RShift: ">>",
        ast.BitOr: "|",
        ast.BitAnd: "&",
        ast.BitXor: "^",
        ast.Invert: "~",
        ast.Not: "not",
    }
    return symbols.get(type(op), type(op).__name__)


def _hint(name: str, names: frozenset[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(names), n=1)
    return f" (did you mean {close[0]}?)" if close else f"; known scores: {', '.join(sorted(names))}"
