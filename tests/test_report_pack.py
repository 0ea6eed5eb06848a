"""The meeting pack speaks to stakeholders: words, not field paths or commands; same in Markdown and HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from tests.helpers import Result, write_item

Run = Callable[..., Result]


def _ready_with_gaps(backlog: Path) -> None:
    """AI-3 is ready but its benefit and scores were never filled in (template placeholders)."""
    (backlog / "items" / "AI-3-item-3.yaml").write_text(
        "id: AI-3\ntitle: Invoice matching\nkind: new\nstatus: ready\nowner: Ben\ncreated: 2026-10-01\n"
        "last_reviewed: 2026-10-30\ndecision: TODO\ndescription: Matches invoices to orders.\n"
        "expected_benefit: {summary: TODO, metric: TODO, baseline: TODO, target: TODO}\n"
        "resources: {effort_weeks: 4}\nscores: {feasibility: 3}\n",
        encoding="utf-8",
    )


def _stakeholder_part(markdown: str) -> str:
    return markdown.split("## For the backlog owner")[0]


class _Text(HTMLParser):
    """The text of an HTML page, section by section (by id)."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, str] = {}
        self._current = ""
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("id")
        if tag in ("section", "header") and found:
            self._current = found
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and self._current:
            self.sections[self._current] = self.sections.get(self._current, "") + data


def _html_sections(html: str) -> dict[str, str]:
    parser = _Text()
    parser.feed(html)
    return parser.sections


def test_markdown_and_html_have_the_same_sections_and_ranking_columns(run: Run, backlog: Path) -> None:
    write_item(backlog, "AI-1", "Churn", value=13, effort=3)
    write_item(backlog, "AI-2", "Pricing", value=8, effort=5)
    markdown = run("report").stdout
    html = run("report", "--format", "html").stdout
    headings = re.findall(r"^## (.+)$", markdown, re.M)
    html_headings = re.findall(r'<h2 id="[a-z-]+">([^<]+)</h2>', html)
    assert [h.replace("versus", "vs") for h in headings] == [h.replace("versus", "vs") for h in html_headings]
    md_columns = [
        c.strip() for c in markdown.split("## Ranking\n\n")[1].splitlines()[0].strip("|").split("|")
    ]
    html_columns = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', html.split('id="ranking-table"')[1])[:8]
    assert md_columns == html_columns
    assert "Owner" in md_columns
    assert "| Dana Example |" in markdown


def test_report_top_n_shows_the_first_n(run: Run, backlog: Path) -> None:
    for n in range(1, 7):
        write_item(backlog, f"AI-{n}", f"Model {n}", value=[1, 2, 3, 5, 8, 13][n - 1], effort=3)
    markdown = run("report", "--top", "3").stdout
    table = markdown.split("## Ranking\n\n")[1].split("\n\n## ")[0]
    assert "The top 3 of 6 ranked items." in table
    assert len([line for line in table.splitlines() if line.startswith("| ") and "AI-" in line]) == 3
    html = run("report", "--top", "3", "--format", "html").stdout
    assert html.split('id="ranking-table"')[1].split("<tbody>")[1].split("</tbody>")[0].count("<tr>") == 3
    assert "The top 3 of 6" in html


def test_nothing_rankable_says_why_in_words(run: Run, backlog: Path) -> None:
    write_item(backlog, "AI-1", "Churn", value=13, effort=3, status="deployed")
    write_item(backlog, "AI-2", "Pricing", value=8, effort=5, status="rejected")
    ranked = run("rank")
    assert "status deployed (--all ranks it): AI-1" in ranked.stdout
    markdown = run("report").stdout
    ranking = markdown.split("## Ranking\n\n")[1].split("\n\n## ")[0]
    assert "No item is rankable. Why:" in ranking
    assert "status deployed: AI-1" in ranking
    assert "status rejected: AI-2" in ranking
    assert "--all" not in ranking
    html = _html_sections(run("report", "--format", "html").stdout)
    assert "status deployed: AI-1" in html["ranking"]
    assert "--all" not in html["ranking"]


def test_incomplete_items_name_fields_in_words_and_placeholders_as_missing(run: Run, backlog: Path) -> None:
    write_item(backlog, "AI-1", "Churn", value=13, effort=3)
    _ready_with_gaps(backlog)
    markdown = run("report").stdout
    people = _stakeholder_part(markdown)
    incomplete = people.split("## Incomplete items")[1]
    assert "| AI-3 | Invoice matching | ready |" in incomplete
    for words in ("decision", "expected benefit: metric", "business value score", "effort score"):
        assert words in incomplete, words
    for engineer in ("scores.business_value", "expected_benefit.metric", "TODO", "placeholder", "backlogctl"):
        assert engineer not in people, engineer
    owner = markdown.split("## For the backlog owner")[1]
    assert "scores.business_value is missing" in owner
    assert "backlogctl set ID FIELD=VALUE" in owner
    html = _html_sections(run("report", "--format", "html").stdout)
    for section, text in html.items():
        if section != "owner":
            assert "scores.business_value" not in text, section
            assert "backlogctl" not in text or section == "header", section
    assert "business value score" in html["incomplete"]


def test_changed_fields_are_named_in_words_and_placeholders_read_missing(run: Run, git_backlog: Path) -> None:
    from tests.helpers import git

    _ready_with_gaps(git_backlog)
    git(git_backlog, "add", "-A")
    git(git_backlog, "commit", "-q", "-m", "AI-3")
    git(git_backlog, "tag", "review/2026-10-30")
    item = git_backlog / "items" / "AI-3-item-3.yaml"
    item.write_text(item.read_text().replace("metric: TODO", "metric: match rate"), encoding="utf-8")
    git(git_backlog, "commit", "-q", "-am", "metric")
    markdown = run("report", "--since", "review/2026-10-30").stdout
    changes = markdown.split("## Changes since the last review")[1].split("\n## ")[0]
    assert "| AI-3 | expected benefit: metric | missing | match rate |" in changes
