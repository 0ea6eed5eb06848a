"""Session results: agreement against hand-computed examples, what to discuss first, snapping."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from backlogctl import backlog as backlog_module
from backlogctl import sessions
from backlogctl.sessions.agreement import krippendorff_alpha
from backlogctl.sessions.scales import scale_for, snap


def test_alpha_matches_krippendorffs_worked_example() -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", interval data: 0.849.

    Four observers, twelve units, missing values; unit 12 has one value and is not pairable.
    """
    units = [
        [1, 1, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [5, 5, 5],
        [1, 1],
        [3],
    ]
    alpha = krippendorff_alpha(units)
    assert alpha is not None
    assert round(alpha, 3) == 0.849


def test_alpha_by_hand() -> None:
    """Units (1, 2), (3, 3), (2, 4); n = 6 pairable values.

    Observed: unit 1 gives (1-2)^2 twice = 2, unit 2 gives 0, unit 3 (2-4)^2 twice = 8; each over
    m - 1 = 1: D_o = 10 / 6. Expected: all ordered pairs of the six values 1, 2, 3, 3, 2, 4:
    2*6*43 - 2*15^2 = 66, over 6*5: D_e = 2.2. alpha = 1 - (10/6) / 2.2 = 0.2424...
    """
    assert krippendorff_alpha([[1, 2], [3, 3], [2, 4]]) == pytest.approx(1 - (10 / 6) / 2.2)
    assert krippendorff_alpha([[5, 5], [3, 3, 3]]) == 1.0  # nobody disagrees: 1, not undefined
    # (1, 5), (5, 1): D_o = 2 * 16 * 2 / 4 = 16; D_e = (2*4*52 - 2*12^2) / (4*3) = 128 / 12
    assert krippendorff_alpha([[1, 5], [5, 1]]) == pytest.approx(1 - 16 / (128 / 12))
    assert krippendorff_alpha([[4], [2]]) is None


def test_perfect_disagreement_is_negative() -> None:
    # two raters who always give opposite ends: D_o = 16, D_e = 64/6*... -> alpha below zero
    alpha = krippendorff_alpha([[1, 5], [5, 1], [1, 5]])
    assert alpha is not None and alpha < 0


ITEM = """\
id: {id}
title: {title}
kind: new
status: proposed
owner: anna
created: {created}
decision: Which cases come first.
description: A model.
scores: {{business_value: {bv}, feasibility: {feas}, effort: {effort}}}
"""


def write_case(root: Path) -> None:
    """AI-4's raters disagree widely (business value 1 or 8) but it stays last whatever they say;
    AI-3's disagree by one feasibility point, and that swaps it with AI-2."""
    (root / "items").mkdir(parents=True)
    (root / "backlog.yaml").write_text("name: Case\nid_prefix: AI\nitems_dir: items\n")
    rows = [
        ("AI-1", "Leader", "2026-01-01", 20, 5, 1),
        ("AI-2", "Twin one", "2026-01-02", 8, 3, 5),
        ("AI-3", "Twin two", "2026-01-03", 8, 3, 5),
        ("AI-4", "Trailer", "2026-01-04", 1, 1, 20),
    ]
    for key, title, created, bv, feas, effort in rows:
        text = ITEM.format(id=key, title=title, created=created, bv=bv, feas=feas, effort=effort)
        (root / "items" / f"{key}-x.yaml").write_text(text)
    folder = root / "sessions" / "s"
    folder.mkdir(parents=True)
    (folder / "session.yaml").write_text(
        "name: s\nopened: 2026-12-01\nmodel: weighted\n"
        "criteria: [business_value, effort, feasibility]\nitems: [AI-1, AI-2, AI-3, AI-4]\n"
    )
    for rater, ai3_feas, ai4_bv in (("anna", 3, 1), ("ben", 3, 1), ("chen", 4, 8)):
        (folder / f"{rater}.yaml").write_text(
            f"AI-1: {{business_value: 20, feasibility: 5, effort: 1}}\n"
            f"AI-2: {{business_value: 8, feasibility: 3, effort: 5}}\n"
            f"AI-3: {{business_value: 8, feasibility: {ai3_feas}, effort: 5, comment: easy}}\n"
            f"AI-4: {{business_value: {ai4_bv}, feasibility: 1, effort: 20}}\n"
        )


def test_discuss_first_is_what_moves_the_ranking_not_the_widest_spread(tmp_path: Path) -> None:
    write_case(tmp_path)
    found = sessions.results(backlog_module.load(tmp_path), "s")
    by_id = {row.id: row for row in found.items}
    assert by_id["AI-4"].spread > by_id["AI-3"].spread  # 4 steps against 1
    assert by_id["AI-4"].rank_range == (4, 4) and not by_id["AI-4"].discuss
    assert by_id["AI-3"].rank_range == (2, 3) and by_id["AI-3"].discuss
    assert found.discuss_first == ["AI-3"]
    assert found.items[0].id == "AI-3"
    ai4 = by_id["AI-4"].criteria["business_value"]
    assert (ai4.median, ai4.min, ai4.max, ai4.n) == (1, 1, 8, 3)
    assert ai4.values == {"anna": 1, "ben": 1, "chen": 8}
    assert by_id["AI-3"].comments == {"anna": "easy", "ben": "easy", "chen": "easy"}
    assert found.agreement["effort"] == 1.0


def test_stability_from_the_raters_settles_what_they_agree_on(tmp_path: Path) -> None:
    from backlogctl import prioritise, scoring

    write_case(tmp_path)
    loaded = backlog_module.load(tmp_path)
    ranking = prioritise.rank_backlog(loaded)
    ratings = sessions.stability_ratings(loaded, "s")
    module = importlib.import_module("backlogctl.scoring.stability")  # the package exports the function
    settings, _rule = module.configured(loaded.config, weight_spread=0.0)
    found = {s.id: s for s in scoring.stability(ranking, loaded.config, settings=settings, ratings=ratings)}
    assert (found["AI-1"].low, found["AI-1"].high) == (1, 1)
    assert (found["AI-4"].low, found["AI-4"].high) == (4, 4)
    assert found["AI-3"].low == 2 and found["AI-3"].high == 3


@pytest.mark.parametrize(
    ("criterion", "value", "snapped"),
    [
        ("business_value", 6.5, 8),
        ("business_value", 4, 5),
        ("business_value", 3.9, 3),
        ("feasibility", 3.5, 4),
    ],
)
def test_medians_snap_to_the_scale(criterion: str, value: float, snapped: float) -> None:
    from backlogctl.config import Config

    assert snap(scale_for(Config(), criterion), value) == snapped
