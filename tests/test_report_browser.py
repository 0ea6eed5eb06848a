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
