"""The README's picture of the reading room: crawl the demo portal, open `govreports browse` on it and
photograph the charts in headless Debian chromium.

Run from the repository root: ``.venv/bin/python docs/readingroom_screenshot.py`` (writes
``docs/readingroom-charts.png``; a font with Chinese glyphs, e.g. Debian's fonts-wqy-microhei, makes the
labels legible).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from crawler.corpus import browse

OUTPUT = Path(__file__).resolve().parent / "readingroom-charts.png"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "corpus.db"
        crawl = [sys.executable, "-m", "crawler.cli", "demo", "--port", "0", "--db", str(db_path)]
        subprocess.run(crawl, check=True, capture_output=True)
        port = browse.free_port()
        process = browse.start_datasette(db_path, port)
        try:
            browse.wait_until_ready(browse.url_of(port), process)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 760, "height": 900})
                page.goto(browse.url_of(port, "/-/charts"))
                first = page.locator("#chart-per-year").bounding_box()
                last = page.locator("#chart-coverage").bounding_box()
                assert first and last
                bottom = last["y"] + last["height"]
                clip = {"x": 0, "y": first["y"], "width": 760, "height": bottom - first["y"]}
                page.screenshot(path=str(OUTPUT), clip=clip)
                browser.close()
        finally:
            browse.stop(process)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
