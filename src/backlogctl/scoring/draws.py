"""The random inputs of the stability analysis, drawn for every run at once (NumPy).

`perturbation` moves each weight and score the way 0.1 did one run at a time
with ``random.Random(seed)``: the same Mersenne Twister words are read in the
same order (weights, then each ranked item's inputs in rank order), so a seed
gives the same answer as before, but the values of all runs come out as arrays.
`session` draws each rated score from one of the raters' values instead.

NumPy is imported here only: the module is loaded by the commands that ask for
stability (`rank --stability`, `report`, `plan --stability`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from backlogctl.scales import BUILTIN, steps_for
from backlogctl.scoring.models import Compiled, read_inputs

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from backlogctl.model import Item

    Floats = npt.NDArray[np.float64]
    Ints = npt.NDArray[np.signedinteger[Any]]

STEPS: dict[str, tuple[float, ...]] = steps_for(BUILTIN)
"""The steps a built-in score moves along; other scales move by their own rule or not at all.
A backlog's own scales: ``scales.steps_for(config.score_scales())``, passed as ``steps``."""


@dataclass(frozen=True, slots=True)
class Perturbation:
    """How far one run moves the inputs (options of `rank --stability`, `scoring.stability`)."""

    runs: int = 500
    weight_spread: float = 0.5
    """Each weight of a weighted model is multiplied by a factor in [1 - spread, 1 + spread]."""
    score_steps: int = 1
    """Each score on a stepped scale moves by up to this many steps either way."""
    confidence_spread: float = 0.1
    """Confidence moves by up to this much either way (kept in 0..1)."""
    reach_spread: float = 0.2
    """Reach is multiplied by a factor in [1 - spread, 1 + spread]."""
    seed: int = 0


@dataclass(frozen=True, slots=True)
class Draws:
    """The inputs of every run: ``values[name]`` is runs x items, ``weights`` runs x criteria."""

    ids: tuple[str, ...]
    values: dict[str, Floats]
    weights: Floats | None
    runs: int

    def score_sets(self) -> Iterator[dict[str, dict[str, float]]]:
        """One ``{item id: {score name: value}}`` per run."""
        columns = {name: array.tolist() for name, array in self.values.items()}
        for run in range(self.runs):
            yield {
                key: {name: col[run][j] for name, col in columns.items()} for j, key in enumerate(self.ids)
            }


def base_values(items: Sequence[Item], compiled: Compiled) -> list[dict[str, float]]:
    """Each item's values for the model's inputs (every input present: the items are ranked)."""
    return [read_inputs(item, compiled)[0] for item in items]


BATCH = 100
"""Runs drawn together: bounds the memory of the arrays (runs x items) at any backlog size."""


def perturbation(
    items: Sequence[Item],
    compiled: Compiled,
    settings: Perturbation,
    scale_steps: Mapping[str, tuple[float, ...]] = STEPS,
) -> Iterator[Draws]:
    """Every run's weights and scores moved by ``settings``, read from ``random.Random(seed)``,
    in batches of runs; a score moves along its scale's ``scale_steps``."""
    import numpy as np

    steps = settings.score_steps
    base = base_values(items, compiled)
    names = compiled.inputs
    # The order in which 0.1 drew: every weight, then each item's inputs in the model's order.
    kinds: list[bool] = [False] * len(compiled.criteria)  # True: a choice among steps, False: uniform
    slots: dict[str, list[int]] = {name: [] for name in names}
    for values in base:
        for name in names:
            kind = _kind(name, values[name], scale_steps)
            slots[name].append(-1 if kind is None else len(kinds))
            if kind is not None:
                kinds.append(kind)
    columns = {name: np.array([values[name] for values in base], dtype=np.float64) for name in names}
    slot_arrays = {name: np.array(slots[name], dtype=np.int64) for name in names}
    weights = np.array([c.weight for c in compiled.criteria], dtype=np.float64)
    stream = _Stream(settings.seed, 2 * steps + 1, kinds)
    ids = tuple(item.id for item in items)
    for first in range(0, settings.runs, BATCH):
        runs = min(BATCH, settings.runs - first)
        words = stream.positions(runs)
        choice = stream.choices(words) - steps  # the step each choice moves, -steps..steps
        uniform = stream.uniforms(words)
        moved = None
        if compiled.criteria:
            low, high = 1 - settings.weight_spread, 1 + settings.weight_spread
            moved = weights * (low + (high - low) * uniform[:, : len(compiled.criteria)])
        arrays = {
            name: _moved(name, columns[name], slot_arrays[name], choice, uniform, settings, scale_steps)
            for name in names
        }
        yield Draws(ids, arrays, moved, runs)


def session(
    items: Sequence[Item],
    compiled: Compiled,
    ratings: Mapping[str, Mapping[str, Sequence[float]]],
    settings: Perturbation,
) -> Iterator[Draws]:
    """Every run draws each rated score from one rater's value (uniformly); unrated inputs stay."""
    import numpy as np

    generator = np.random.default_rng(settings.seed)
    runs = settings.runs
    base = base_values(items, compiled)
    arrays: dict[str, Floats] = {}
    for name in compiled.inputs:
        column = np.array([values[name] for values in base], dtype=np.float64)
        array = np.repeat(column[np.newaxis, :], runs, axis=0)
        for j, item in enumerate(items):
            rated = ratings.get(item.id, {}).get(name)
            if rated:
                choices = np.array(rated, dtype=np.float64)
                array[:, j] = choices[generator.integers(0, len(choices), size=runs)]
        arrays[name] = array
    weights = None
    if compiled.criteria:
        spread = settings.weight_spread
        factors = generator.uniform(1 - spread, 1 + spread, size=(runs, len(compiled.criteria)))
        weights = np.array([c.weight for c in compiled.criteria]) * factors
    yield Draws(tuple(item.id for item in items), arrays, weights, runs)


def _kind(name: str, value: float, scale_steps: Mapping[str, tuple[float, ...]]) -> bool | None:
    steps = scale_steps.get(name)
    if steps is not None and value in steps:
        return True
    if name in ("confidence", "reach"):
        return False
    return None


def _moved(
    name: str,
    column: Floats,
    slot: Ints,
    choice: Ints,
    uniform: Floats,
    settings: Perturbation,
    scale_steps: Mapping[str, tuple[float, ...]],
) -> Floats:
    import numpy as np

    drawn = slot >= 0
    result = np.repeat(column[np.newaxis, :], choice.shape[0], axis=0)
    if not drawn.any():
        return result
    where = slot[drawn]
    if name in scale_steps:
        steps = np.array(scale_steps[name], dtype=np.float64)
        index = np.searchsorted(steps, column[drawn])
        moved = np.clip(index + choice[:, where], 0, len(steps) - 1)
        result[:, drawn] = steps[moved]
    elif name == "confidence":
        low, high = -settings.confidence_spread, settings.confidence_spread
        result[:, drawn] = np.minimum(
            1.0, np.maximum(0.0, column[drawn] + (low + (high - low) * uniform[:, where]))
        )
    else:  # reach
        low, high = 1 - settings.reach_spread, 1 + settings.reach_spread
        result[:, drawn] = column[drawn] * (low + (high - low) * uniform[:, where])
    return result


class _Stream:
    """The 32-bit words ``random.Random(seed)`` reads, and where each draw of a run finds its word.

    ``choice`` among n values takes the top ``n.bit_length()`` bits of a word and
    skips words whose value is n or more (``_randbelow``); ``random()`` takes two words.
    """

    def __init__(self, seed: int, options: int, kinds: list[bool]) -> None:
        import numpy as np

        state = random.Random(seed).getstate()[1]
        self.bits = np.random.MT19937()
        key = np.array(state[:624], dtype=np.uint32)
        self.bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": state[624]}}
        self.options = options
        self.shift = 32 - options.bit_length()
        self.kinds = kinds
        self.segments = [(kind, len(list(group))) for kind, group in _groups(kinds)]
        choices = sum(kinds)
        # words one run reads on average: two per uniform, 2^bits / options per choice
        self.per_run = 2 * (len(kinds) - choices) + choices * (1 << options.bit_length()) / options
        self.words = np.empty(0, dtype=np.uint32)
        self.position = 0
        self.following: list[int] | None = None

    def _extend(self, count: int, keep_all: bool = False) -> None:
        """Draw ``count`` more words; drop those read before this batch unless ``keep_all``."""
        import numpy as np

        kept = self.words if keep_all else self.words[self.position :]
        if not keep_all:
            self.position = 0
        self.words = np.concatenate([kept, self.bits.random_raw(count).astype(np.uint32)])
        accepted = (self.words >> self.shift) < self.options
        self.accepted = np.flatnonzero(accepted).astype(np.int32)
        self.before = np.concatenate([[0], np.cumsum(accepted, dtype=np.int32)])
        self.following = None

    def positions(self, runs: int) -> Ints:
        """The word each draw of each of the next ``runs`` runs reads (runs x draws)."""
        import numpy as np

        out = np.empty((runs, len(self.kinds)), dtype=np.int32)
        self._extend(int(runs * self.per_run * 1.02) + 1024)
        for run in range(runs):
            while True:
                if len(self.segments) <= 16:
                    found = self._run(self.position, out[run])
                else:
                    found = self._run_each(self.position, out[run])
                if found is not None:
                    self.position = found
                    break
                self._extend(int((runs - run) * self.per_run * 1.02) + 1024, keep_all=True)
        self.batch = self.words
        return out

    def _run(self, position: int, out: Ints) -> int | None:
        """Fill one run segment by segment; None when the words run out."""
        import numpy as np

        column = 0
        for kind, count in self.segments:
            if kind:
                first = int(self.before[position]) if position < len(self.before) else len(self.accepted)
                if first + count > len(self.accepted):
                    return None
                found = self.accepted[first : first + count]
                out[column : column + count] = found
                position = int(found[-1]) + 1
            else:
                if position + 2 * count > len(self.words):
                    return None
                out[column : column + count] = position + 2 * np.arange(count)
                position += 2 * count
            column += count
        return position

    def _run_each(self, position: int, out: Ints) -> int | None:
        """Fill one run draw by draw (many short segments: faster in plain Python)."""
        import numpy as np

        if self.following is None:
            after = np.append(self.accepted, len(self.words))
            self.following = after[self.before[:-1]].tolist()
        following = self.following
        end = len(self.words)
        found: list[int] = []
        for kind in self.kinds:
            if kind:
                if position >= end:
                    return None
                position = following[position]
                found.append(position)
                position += 1
            else:
                found.append(position)
                position += 2
            if position > end:
                return None
        out[:] = found
        return position

    def choices(self, positions: Ints) -> Ints:
        return (self.batch[positions] >> self.shift).astype("int64")

    def uniforms(self, positions: Ints) -> Floats:
        """``random.random()`` from the two words at each position (the last one may lie past a choice)."""
        import numpy as np

        words = self.batch
        second = np.minimum(positions + 1, len(words) - 1)
        high = (words[positions] >> 5).astype(np.float64)
        low = (words[second] >> 6).astype(np.float64)
        # numpy 2.4 infers the type the cast names, 2.3 does not: the cast stays for both.
        return cast("Floats", (high * 67108864.0 + low) * (1.0 / 9007199254740992.0))  # type: ignore[redundant-cast, unused-ignore]


def _groups(kinds: list[bool]) -> Iterator[tuple[bool, Iterator[bool]]]:
    import itertools

    return itertools.groupby(kinds)


def percentile(sorted_places: Ints, fraction: float) -> Ints:
    """Nearest-rank percentile of each column of an already sorted runs x items array."""
    return cast("Ints", sorted_places[max(0, math.ceil(fraction * sorted_places.shape[0]) - 1)])
