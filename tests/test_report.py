"""report: the meeting pack's content, its Markdown and HTML, escaping and chart layout."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from backlogctl import backlog as backlog_module
from backlogctl import report
from backlogctl.render import chart, report_html, report_markdown
from tests.helpers import HOSTILE_TITLES, SCRIPT, SECTIONS, git, write_item

MARKDOWN_HEADINGS = [
    "## Ranking",
    "## Value versus effort",
    "## Rank stability",
    "## Changes since the last review",
    "## Due for review",
    "## Incomplete items",
    "## Blocked by dependencies",
    "## For the backlog owner",
]


@pytest.fixture
def hostile(backlog: Path) -> Path:
    """A backlog whose titles try to break the HTML, the Markdown and the chart."""
    for index, (item_id, title) in enumerate(HOSTILE_TITLES.items()):
        # Most share the right-most, top cell (value 13, effort 20), where labels have least room.
        value, effort = (13, 20) if index < 6 else (20, 1)
        write_item(backlog, item_id, title, value=value, effort=effort, kind=["new", "revise"][index % 2])
    # Lint reads a whole-title <...> as a template placeholder: this one lands in "Incomplete items".
    write_item(backlog, "AI-9", SCRIPT, value=1, effort=1)
    return backlog


def build(folder: Path, **options: str) -> report.Pack:
    return report.build(backlog_module.load(folder), today=dt.date(2026, 11, 1), **options)  # type: ignore[arg-type]


class Collector(HTMLParser):
    """Elements (tag, attributes) and the text of the page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> Collector:
    collector = Collector()
    collector.feed(text)
    return collector


# --- the example backlog ---------------------------------------------------------------------------


def test_markdown_of_the_example_has_every_section_in_order(
    example: Path, run: Callable[..., object]
) -> None:
    result = run("report", "--format", "markdown", cwd=example)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    text: str = result.stdout  # type: ignore[attr-defined]
    assert text.startswith("# Example AI Lab — review ")
    positions = [text.index(heading + "\n") for heading in MARKDOWN_HEADINGS]
    assert positions == sorted(positions)
    pack = build(example)
    assert pack.ranking, "the example backlog ranks items"
    for row in pack.ranking:
        assert f"| {row.rank} | {row.id} |" in text
    assert "**quick wins:**" in text
    assert "**time sinks:**" in text
    assert "No earlier review found" in text  # the copy is not a git repository


def test_html_of_the_example_is_self_contained(example: Path, run: Callable[..., object]) -> None:
    out = example / "pack.html"
    result = run("report", "--format", "html", "-o", str(out), cwd=example)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    html = out.read_text(encoding="utf-8")
    page = parse_html(html)
    ids = [attrs.get("id") for _, attrs in page.tags if attrs.get("id") in SECTIONS]
    assert ids == SECTIONS
    # Nothing is fetched: no external scripts, styles, images or fonts.
    for tag, attrs in page.tags:
        assert not (tag in ("script", "img", "iframe") and attrs.get("src")), (tag, attrs)
        assert not (tag == "link" and attrs.get("href")), attrs
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", html)
    pack = build(example)
    assert html.count('class="point"') == len(pack.placed) == len(pack.ranking)
    assert sum(1 for tag, _ in page.tags if tag == "script") == 1


def test_stdout_is_the_default_and_output_file_is_replaced_atomically(
    example: Path, run: Callable[..., object]
) -> None:
    target = example / "out.md"
    target.write_text("old", encoding="utf-8")
    result = run("report", "-o", str(target), cwd=example)
    assert result.exit_code == 0
    assert result.stdout == ""  # type: ignore[attr-defined]
    assert target.read_text(encoding="utf-8").startswith("# Example AI Lab")
    assert not [p for p in example.iterdir() if p.name.startswith(".out.md.")]


def test_output_into_a_missing_folder_is_one_error_line(example: Path, run: Callable[..., object]) -> None:
    result = run("report", "-o", str(example / "nowhere" / "pack.html"), cwd=example)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "does not exist" in result.stderr  # type: ignore[attr-defined]


# --- without git, with git and review tags ---------------------------------------------------------


def test_without_a_review_tag_the_pack_says_so_and_skips_changes(git_backlog: Path) -> None:
    write_item(git_backlog, "AI-1", "Churn prediction", value=13, effort=3)
    pack = build(git_backlog)
    assert not pack.baseline.found
    assert pack.baseline.note is not None
    note = "No earlier review found: no review tag (review/*) yet, so there is no last review"
    assert pack.baseline.note == note, "the problem, without the hint to the CLI user"
    assert pack.changes is None
    assert all(row.movement is None and not row.new_since for row in pack.ranking)
    assert "Movement and changes are left out" in report_markdown.render(pack)


def test_an_unknown_since_revision_is_an_error(git_backlog: Path, run: Callable[..., object]) -> None:
    result = run("report", "--since", "no-such-rev", cwd=git_backlog)
    assert result.exit_code == 2
    assert "unknown revision" in result.stderr  # type: ignore[attr-defined]


def test_movement_since_the_last_review_tag(git_backlog: Path) -> None:
    write_item(git_backlog, "AI-1", "Churn prediction", value=13, effort=3)
    write_item(git_backlog, "AI-2", "Invoice OCR", value=8, effort=3)
    git(git_backlog, "add", "-A")
    git(git_backlog, "commit", "-q", "-m", "two items", date="2026-10-01T10:00:00+00:00")
    git(git_backlog, "tag", "-a", "review/2026-10-01", "-m", "review", date="2026-10-01T12:00:00+00:00")
    write_item(git_backlog, "AI-2", "Invoice OCR", value=20, effort=1)
    write_item(git_backlog, "AI-3", "Spare parts forecast", value=3, effort=13)
    git(git_backlog, "add", "-A")
    git(git_backlog, "commit", "-q", "-m", "re-estimate", date="2026-10-20T10:00:00+00:00")
    write_item(git_backlog, "AI-1", "Churn prediction", value=13, effort=3, status="parked")
    git(
        git_backlog,
        "commit",
        "-qam",
        "park",
        date="2026-10-21T10:00:00+00:00",
        author="Lea Park <lea@example.org>",
    )
    write_item(git_backlog, "AI-1", "Churn prediction", value=13, effort=3)
    pack = build(git_backlog)
    assert pack.changes is not None
    assert [r.id for r in pack.changes.added] == ["AI-3"]
    assert not pack.changes.removed
    assert [(c.id, c.old, c.new, c.author, c.date) for c in pack.changes.status] == [
        ("AI-1", "proposed", "parked", "Lea Park", "2026-10-21")
    ]
    assert [(c.id, c.field, c.old, c.new) for c in pack.changes.scores] == [
        ("AI-2", "scores.business_value", 8, 20),
        ("AI-2", "scores.effort", 3, 1),
    ]
    markdown = report_markdown.render(pack)
    assert "| AI-1 | status | proposed | parked | Lea Park | 2026-10-21 |" in markdown
    assert pack.baseline.found
    assert pack.revision
    rows = {row.id: row for row in pack.ranking}
    assert (rows["AI-2"].rank, rows["AI-2"].movement) == (1, 1)
    assert (rows["AI-1"].rank, rows["AI-1"].movement) == (2, -1)
    assert rows["AI-3"].new_since
    assert rows["AI-3"].movement is None
    html = report_html.render(pack)
    assert "▲ 1" in html
    assert "▼ 1" in html
    assert "up 1 places" in html


# --- hostile text ----------------------------------------------------------------------------------


def test_hostile_titles_are_escaped_in_html(hostile: Path) -> None:
    pack = build(hostile)
    assert [i.id for i in pack.incomplete] == ["AI-9"]
    html = report_html.render(pack)
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = parse_html(html)
    assert sum(1 for tag, _ in page.tags if tag == "script") == 1  # ours, the table sorter
    assert not any(tag == "img" for tag, _ in page.tags)
    text = "".join(page.text)
    for title in [*HOSTILE_TITLES.values(), SCRIPT]:
        assert title in text  # shown as text, whole (the table and the point titles)


def test_chart_labels_stay_inside_the_svg_and_keep_the_full_text(hostile: Path) -> None:
    pack = build(hostile)
    root = ET.fromstring(chart.svg(pack))
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    points = root.findall("{*}g/{*}g[@class='point']") or root.findall(".//g[@class='point']")
    assert len(points) == len(pack.placed) == len(HOSTILE_TITLES)
    for point in points:
        label = next(e for e in point.iter() if e.get("class") == "label")
        shown = "".join(label.itertext())
        x, y = float(label.attrib["x"]), float(label.attrib["y"])
        if label.get("text-anchor") == "end":  # near the right edge a label runs left of its marker
            x -= chart.text_width(shown)
        assert x >= chart.LEFT, shown
        assert x + chart.text_width(shown) <= chart.RIGHT <= width, shown
        assert 0 <= y <= height
        full = next(e for e in point.iter() if e.tag.endswith("title")).text or ""
        ident = point.attrib["data-id"]
        assert HOSTILE_TITLES[ident] in full
        assert shown.split(" ")[0] == ident  # the id is never cut
        if shown not in (ident, f"{ident} {HOSTILE_TITLES[ident]}"):
            assert shown.endswith("…")
    long_label = next(p for p in points if p.attrib["data-id"] == "AI-3")
    assert "END" not in "".join(next(e for e in long_label.iter() if e.get("class") == "label").itertext())


def test_rtl_titles_are_isolated(hostile: Path, tmp_path: Path) -> None:
    pack = build(hostile)
    html = report_html.render(pack)
    assert f"<bdi>{HOSTILE_TITLES['AI-4']}</bdi>" in html
    # In the crowded corner an RTL title may be cut to its id; alone, its label shows it isolated.
    from backlogctl import authoring

    alone = tmp_path / "alone"
    authoring.init(alone, name="RTL")
    write_item(alone, "AI-4", HOSTILE_TITLES["AI-4"], value=20, effort=1)
    assert 'unicode-bidi="isolate" direction="rtl"' in chart.svg(build(alone))


def test_markdown_tables_survive_pipes_and_markup(hostile: Path) -> None:
    text = report_markdown.render(build(hostile))
    ranking = text.split("## Ranking\n\n")[1].split("\n\n")[0].splitlines()
    header_cells = ranking[0].count(" | ")
    for line in ranking[2:]:
        assert line.replace("\\|", "").count(" | ") == header_cells, line
    assert "<script>" not in text
    assert "\\<script\\>alert(1)\\</script\\>" in text


def test_crowded_cells_fan_out_without_overlapping_markers(hostile: Path) -> None:
    placed = chart._layout(build(hostile).placed)
    positions = sorted((round(x), round(y)) for x, y, *_ in placed.values())
    assert len(set(positions)) == len(positions)


# --- pieces of the pack ----------------------------------------------------------------------------


def test_blocked_items_name_what_they_wait_for(backlog: Path) -> None:
    write_item(backlog, "AI-1", "Feature store", value=5, effort=8)
    write_item(backlog, "AI-2", "Churn model", value=13, effort=3, depends_on="AI-1")
    pack = build(backlog)
    assert [(b.id, [d.id for d in b.waiting_on]) for b in pack.blocked] == [("AI-2", ["AI-1"])]
    assert "| AI-2 | Churn model | proposed | AI-1 (proposed) |" in report_markdown.render(pack)


def test_incomplete_items_carry_their_lint_problems(backlog: Path) -> None:
    write_item(backlog, "AI-1", "Complete", value=5, effort=8)
    (backlog / "items" / "AI-2-bare.yaml").write_text(
        "id: AI-2\ntitle: Bare\nstatus: proposed\n", encoding="utf-8"
    )
    pack = build(backlog)
    assert [i.id for i in pack.incomplete] == ["AI-2"]
    assert any(f.severity == "error" for f in pack.incomplete[0].findings)
    assert "AI-2" not in [row.id for row in pack.ranking]  # like `rank`, lint errors keep it out
    assert pack.unranked_note is not None
    assert "AI-2" in pack.unranked_note


@pytest.mark.parametrize(
    ("value", "effort", "quadrant"),
    [
        (13, 2, "quick wins"),
        (20, 13, "big bets"),
        (3, 1, "fill-ins"),
        (5, 8, "time sinks"),
        (8, 5, "quick wins"),
    ],
)
def test_quadrants_split_between_5_and_8(value: int, effort: int, quadrant: str) -> None:
    assert report.quadrant(value, effort) == quadrant


def test_label_fitting_cuts_with_an_ellipsis() -> None:
    assert chart.fit("short", 200) == "short"
    cut = chart.fit("x" * 100, 60)
    assert cut.endswith("…")
    assert chart.text_width(cut) <= 60
    assert chart.direction("  «שלום»") == "rtl"
    assert chart.direction("AI-1 abc") == "ltr"


def test_items_due_for_review_come_from_the_review_cadence(backlog: Path) -> None:
    write_item(backlog, "AI-1", "Fresh", value=5, effort=8)
    write_item(backlog, "AI-2", "Stale", value=5, effort=8)
    path = backlog / "items" / "AI-2-item-2.yaml"
    path.write_text(path.read_text().replace("last_reviewed: 2026-10-30", "last_reviewed: 2026-09-01"))
    pack = build(backlog)
    assert [(d.id, d.days_since) for d in pack.due] == [("AI-2", 61)]
    assert "| AI-2 | Stale | Dana Example | 2026-09-01 | 61 |" in report_markdown.render(pack)


def test_format_follows_the_output_extension(run, backlog: Path, tmp_path: Path) -> None:
    page = tmp_path / "pack.html"
    notes = tmp_path / "pack.md"
    assert run("report", "-o", str(page)).exit_code == 0
    assert run("report", "-o", str(notes)).exit_code == 0
    assert page.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
    assert notes.read_text(encoding="utf-8").startswith("# ")
    forced = tmp_path / "forced.html"
    assert run("report", "--format", "markdown", "-o", str(forced)).exit_code == 0
    assert forced.read_text(encoding="utf-8").startswith("# ")
