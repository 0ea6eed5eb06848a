"""The HTML report in a real headless Chromium, driven over the DevTools protocol on a pipe.

No network and no extra packages: Chromium reads protocol messages from fd 3
and writes them to fd 4 (--remote-debugging-pipe), each a JSON text ended by NUL.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import select
import shutil
import struct
import subprocess
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backlogctl import backlog as backlog_module
from backlogctl import report
from backlogctl.render import chart, report_html
from tests.helpers import HOSTILE_TITLES, SECTIONS

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM = next((found for name in BROWSERS if (found := shutil.which(name))), None)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="SKIPPED LOUDLY: Chromium is missing, so the HTML report was not checked in a browser "
        "(install it: apt-get install chromium)",
    ),
]


class Browser:
    """One headless Chromium and one page, spoken to over the DevTools pipe."""

    def __init__(self, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:  # runs in the child: the protocol expects fds 3 and 4
            high_in = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            high_out = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        assert CHROMIUM is not None
        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--mute-audio",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire,
            close_fds=False,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)

    def call(self, method: str, session: bool = False, timeout: float = 30, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return dict(json.loads(raw))

    def open(self, path: Path, width: int = 1400, height: int = 1000) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.events.clear()
        self.call("Page.navigate", session=True, url=path.resolve().as_uri())
        deadline = time.monotonic() + 30
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._receive(deadline))

    def js(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", session=True, expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        box = self.js(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
            e.scrollIntoView({{block: "center"}}); const r = e.getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2]; }})()""")
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                session=True,
                type=kind,
                x=box[0],
                y=box[1],
                button="left",
                clickCount=1,
            )

    def screenshot(self) -> bytes:
        data = self.call(
            "Page.captureScreenshot",
            session=True,
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": 1400, "height": 2400, "scale": 0.25},
        )["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chrome = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chrome
    finally:
        chrome.close()


def render_to(folder: Path, target: Path) -> report.Pack:
    pack = report.build(backlog_module.load(folder), today=dt.date(2026, 11, 1))
    target.write_text(report_html.render(pack), encoding="utf-8")
    return pack


def pixels(png: bytes) -> list[bytes]:
    """Rows of RGB(A) bytes of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, header = 8, b"", b""
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind, body = png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        offset += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8
    assert colour in (2, 6)
    step = 3 if colour == 2 else 4
    stride = width * step
    raw, rows, previous = zlib.decompress(idat), [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = previous[i], previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return rows


def test_example_report_renders_with_every_section_and_one_point_per_item(
    browser: Browser, example: Path, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    pack = render_to(example, page)
    browser.open(page)
    assert browser.js("[...document.querySelectorAll('header[id], section[id]')].map(e => e.id)") == SECTIONS
    assert browser.js("document.querySelectorAll('svg.matrix .point').length") == len(pack.ranking) > 0
    assert browser.js("document.querySelectorAll('#ranking-table tbody tr').length") == len(pack.ranking)
    ids = browser.js("[...document.querySelectorAll('svg.matrix .point')].map(p => p.dataset.id).sort()")
    assert ids == sorted(row.id for row in pack.ranking)
    assert browser.js("document.title").startswith(pack.name)


def test_ranking_table_sorts_when_a_heading_is_clicked(
    browser: Browser, example: Path, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    pack = render_to(example, page)
    browser.open(page)
    column = (
        "[...document.querySelectorAll('#ranking-table tbody tr')].map(r => r.cells[{}].textContent.trim())"
    )
    assert browser.js(column.format(0)) == [str(row.rank) for row in pack.ranking]
    browser.click("#ranking-table thead th:nth-child(4) button")  # Score: highest first
    scores = browser.js(
        "[...document.querySelectorAll('#ranking-table tbody tr')].map(r => +r.cells[3].dataset.sort)"
    )
    assert scores == sorted(scores, reverse=True)
    assert (
        browser.js("document.querySelector('#ranking-table thead th:nth-child(4)').ariaSort") == "descending"
    )
    browser.click("#ranking-table thead th:nth-child(3) button")  # Title: A to Z
    titles = browser.js(column.format(2))
    assert titles == sorted(titles, key=str.lower)
    assert titles != [row.title for row in pack.ranking]
    browser.click("#ranking-table thead th:nth-child(1) button")  # Rank: was ascending, now descending
    browser.click("#ranking-table thead th:nth-child(1) button")
    assert browser.js(column.format(0)) == [str(row.rank) for row in pack.ranking]


def test_screenshot_is_not_blank(browser: Browser, example: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    render_to(example, page)
    browser.open(page)
    rows = pixels(browser.screenshot())
    values = [sum(row[i : i + 3]) // 3 for row in rows for i in range(0, len(row), 4)]
    dark = sum(1 for v in values if v < 128) / len(values)
    colours = {row[i : i + 3] for row in rows for i in range(0, len(row), 4)}
    assert 0.01 < dark < 0.5, dark  # text on a light page, not all white and not all black
    assert len(colours) > 50  # chart tints, the points' colours and anti-aliased text


def test_hostile_titles_stay_text_and_labels_stay_inside_the_svg(
    browser: Browser, backlog: Path, tmp_path: Path
) -> None:
    from tests.helpers import SCRIPT, write_item

    for index, (item_id, title) in enumerate(HOSTILE_TITLES.items()):
        value, effort = (13, 20) if index < 6 else (20, 1)
        write_item(backlog, item_id, title, value=value, effort=effort)
    write_item(backlog, "AI-9", SCRIPT, value=1, effort=1)
    page = tmp_path / "hostile.html"
    render_to(backlog, page)
    browser.open(page, width=900)  # a narrow window scales the chart down; the viewBox still holds
    assert browser.js("document.querySelectorAll('script').length") == 1
    assert browser.js("document.querySelectorAll('img').length") == 0
    shown = browser.js("[...document.querySelectorAll('#incomplete tbody bdi')].map(b => b.textContent)")
    assert SCRIPT in shown
    boxes = browser.js(
        """[...document.querySelectorAll('svg.matrix .point text')].map(t => {
               const b = t.getBBox();
               return [t.closest('.point').dataset.id, b.x, b.y, b.width, b.height]; })"""
    )
    assert len(boxes) == len(HOSTILE_TITLES)
    for ident, x, y, width, height in boxes:
        assert width > 0, ident
        assert height > 0, ident
        assert x >= 0, (ident, x, width)
        assert x + width <= chart.WIDTH, (ident, x, width)
        assert y >= 0, (ident, y, height)
        assert y + height <= chart.HEIGHT, (ident, y, height)
    # The full titles are in the points' <title>, for hover and screen readers.
    titles = browser.js("[...document.querySelectorAll('svg.matrix .point > title')].map(t => t.textContent)")
    for title in HOSTILE_TITLES.values():
        assert any(title in t for t in titles), title


# --- every screen, and paper -------------------------------------------------------------------

PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")


def many_items(folder: Path, count: int = 64) -> None:
    """A backlog long enough for the ranking to run over several printed pages."""
    from tests.helpers import write_item

    values, efforts = [1, 2, 3, 5, 8, 13, 20], [1, 2, 3, 5, 8, 13, 20]
    for n in range(1, count + 1):
        write_item(
            folder,
            f"AI-{n}",
            f"Model number {n} for the {['churn', 'pricing', 'routing', 'forecasting'][n % 4]} team",
            value=values[n % 7],
            effort=efforts[(n * 3) % 7],
            kind=["new", "implement", "revise", "retire"][n % 4],
        )


@pytest.mark.parametrize("width", [1280, 768, 390])
def test_the_pack_fits_every_screen(browser: Browser, example: Path, tmp_path: Path, width: int) -> None:
    page = tmp_path / "report.html"
    pack = render_to(example, page)
    browser.open(page, width=width, height=900)
    # The document never scrolls sideways; wide tables and the chart scroll inside their own box.
    overflow = browser.js("[document.documentElement.scrollWidth, window.innerWidth]")
    wide = browser.js(
        """[...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
               .filter(e => !e.closest('.scroll, .chart-box'))
               .map(e => e.tagName + '.' + e.className).slice(0, 5)"""
    )
    assert overflow[0] <= overflow[1], (overflow, wide)
    # Every ranked id is on screen, whole, on one line.
    boxes = browser.js(
        """[...document.querySelectorAll('#ranking-table tbody th.id')].map(e => {
               const r = e.getBoundingClientRect(); const range = document.createRange();
               range.selectNodeContents(e);
               return [e.textContent.trim(), r.left, r.right, r.width, range.getClientRects().length]; })"""
    )
    assert [b[0] for b in boxes] == [row.id for row in pack.ranking]
    for ident, left, right, box_width, lines in boxes:
        assert box_width > 0 and left >= 0 and right <= width, (ident, left, right)
        assert lines == 1, ident
    # Ids and statuses never break inside a word, in any table.
    broken = browser.js(
        """[...document.querySelectorAll('.id, .status')].filter(e => e.textContent.trim()).filter(e => {
               const range = document.createRange(); range.selectNodeContents(e);
               const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
               return tops.size > 1 && !e.textContent.trim().includes(' '); })
             .map(e => e.textContent.trim())"""
    )
    assert broken == []
    # The chart's smallest text is at least 10 CSS px wherever it is drawn.
    smallest = browser.js(
        """(() => { const svg = document.querySelector('svg.matrix');
               const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
               return Math.min(...[...svg.querySelectorAll('text')].map(
                   t => parseFloat(getComputedStyle(t).fontSize) * scale)); })()"""
    )
    assert smallest >= 10, smallest
    # Chart labels stay inside the plot frame.
    frame = [chart.LEFT, chart.RIGHT]  # the plot frame, in the drawing's units (getBBox's)
    labels = browser.js(
        """[...document.querySelectorAll('svg.matrix .point text')].map(t => {
               const b = t.getBBox(); return [t.closest('.point').dataset.id, b.x, b.x + b.width]; })"""
    )
    for ident, left, right in labels:
        assert frame[0] <= left and right <= frame[1] + 0.5, (ident, left, right, frame)


def test_on_a_phone_the_ranking_reflows_into_cards(browser: Browser, example: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    render_to(example, page)
    browser.open(page, width=390, height=800)
    assert (
        browser.js("getComputedStyle(document.querySelector('#ranking-table tbody tr')).display") == "block"
    )
    label = browser.js(
        "getComputedStyle(document.querySelector('#ranking-table td[data-label=Status]'), '::before').content"
    )
    assert label == '"Status: "'
    browser.open(page, width=1280, height=800)
    assert (
        browser.js("getComputedStyle(document.querySelector('#ranking-table tbody tr')).display")
        == "table-row"
    )


def print_pages(browser: Browser, page: Path, folder: Path) -> list[str]:
    """The page printed to PDF by Chromium (A4 landscape, the print stylesheet), as text per page."""
    browser.open(page, width=1280, height=900)
    data = browser.call(
        "Page.printToPDF", session=True, timeout=60, printBackground=True, preferCSSPageSize=True
    )["data"]
    pdf = folder / "pack.pdf"
    if os.environ.get("BACKLOGCTL_KEEP_PDF"):
        shutil.copy(page, os.environ["BACKLOGCTL_KEEP_PDF"] + ".html")
        Path(os.environ["BACKLOGCTL_KEEP_PDF"]).write_bytes(base64.b64decode(data))
    pdf.write_bytes(base64.b64decode(data))
    assert PDFINFO is not None and PDFTOTEXT is not None
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    pages = []
    for number in range(1, count + 1):
        done = subprocess.run(
            [PDFTOTEXT, "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        pages.append(done.stdout)
    return pages


@pytest.mark.skipif(
    PDFTOTEXT is None, reason="SKIPPED LOUDLY: pdftotext missing (apt-get install poppler-utils)"
)
def test_the_pack_prints_on_paper(browser: Browser, backlog: Path, tmp_path: Path) -> None:
    many_items(backlog)
    page = tmp_path / "report.html"
    pack = render_to(backlog, page)
    pages = print_pages(browser, page, tmp_path)
    assert len(pages) >= 3
    text = "\n".join(pages)
    for row in pack.ranking:  # every ranked item is printed
        assert f" {row.id} " in text or f"\n{row.id} " in text, row.id
    caption = "Each ranked item by its effort"
    chart_pages = [i for i, p in enumerate(pages) if caption in p]
    assert len(chart_pages) == 1
    ranking_pages = [
        i
        for i, p in enumerate(pages[: chart_pages[0]])
        if any(re.search(rf"\b{r.id}\b", p) for r in pack.ranking)
    ]
    assert len(ranking_pages) >= 2, "the ranking should run over pages for this test to mean something"
    for index in ranking_pages:  # the header row repeats, with its text
        assert "Main contributors" in pages[index], f"page {index + 1} has ranking rows but no header"
        assert "Owner" in pages[index]
    for index in ranking_pages[:-1]:  # no page holds a few rows and then stays blank
        rows = sum(1 for r in pack.ranking if re.search(rf"\b{r.id}\b", pages[index]))
        assert rows >= 6, f"page {index + 1} holds only {rows} ranking rows"
    chart_page = pages[chart_pages[0]]
    assert (
        "Business value" in chart_page or "business value" in chart_page
    )  # the chart and its caption together
    for index, content in enumerate(pages[:-1]):  # no page with only a caption or a heading
        lines = [line for line in content.splitlines() if line.strip()]
        assert len(lines) >= 4, f"page {index + 1} is nearly empty: {lines}"
    assert "↕" not in text and "▲ " not in text.replace("▲ 1", "")  # no sort arrows
    assert "Click a heading" not in text
