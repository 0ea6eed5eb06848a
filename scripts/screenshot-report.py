#!/usr/bin/env python3
"""Render the example's HTML meeting pack in headless Chromium: docs/report.png and docs/report-phone.png.

Usage: python scripts/screenshot-report.py [OUTPUT.png [PHONE.png]]

The first is a laptop window (1400 px wide), the second a phone (390 px wide,
where the ranking reflows into cards).

Builds the demo repository (examples/build-demo.py: examples/ai-lab with two
review cycles of history) in a temporary folder, so that the report shows
movement and changes; falls back to examples/ai-lab itself when the demo
script is missing. Needs git, Chromium (Debian: apt-get install chromium) and
backlogctl installed (pip install -e .). Nothing is fetched from the network.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WINDOW = "1400,2800"  # header, ranking and the value-versus-effort matrix
PHONE = "390,2400"  # a phone in the meeting: the header and the first ranking cards


def backlog_folder(work: Path) -> Path:
    """The demo repository when it can be built, else the plain example."""
    demo_script = REPO / "examples" / "build-demo.py"
    if demo_script.is_file():
        target = work / "demo"
        subprocess.run([sys.executable, str(demo_script), str(target)], check=True, capture_output=True)
        return target
    return REPO / "examples" / "ai-lab"


def render(folder: Path, page: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "backlogctl",
            "-C",
            str(folder),
            "report",
            "--format",
            "html",
            "-o",
            str(page),
        ],
        check=True,
    )


def screenshot(page: Path, png: Path, profile: Path, window: str = WINDOW) -> None:
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if browser is None:
        sys.exit("error: Chromium is not installed (Debian: apt-get install chromium)")
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={window}",
            f"--screenshot={png}",
            page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    if not png.is_file() or png.stat().st_size < 10_000:
        sys.exit(f"error: Chromium wrote no usable screenshot to {png}")


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else REPO / "docs" / "report.png"
    phone = Path(argv[1]) if len(argv) > 1 else output.with_name(output.stem + "-phone.png")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="backlogctl-shot-") as temp:
        work = Path(temp)
        page = work / "report.html"
        render(backlog_folder(work), page)
        for target, window in ((output, WINDOW), (phone, PHONE)):
            shot = work / "shot.png"
            screenshot(page, shot, work / f"profile-{window}", window)
            shutil.move(shot, target)
            print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
