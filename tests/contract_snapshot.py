"""The JSON contract as the CLI prints it on the demo portal: ``crawl`` → ``export --format jsonl`` and
``extract`` of every demo report page, with the values that change from run to run (ports, clocks, run
ids) masked. Only the CLI is called, so the same snapshot can be taken of any version of the code:
``python tests/contract_snapshot.py OUT.json`` wrote ``tests/golden/contract/demo.json`` before the code
moved into crawler/crawl, crawler/extract and crawler/corpus, and ``tests/test_contract.py`` compares."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site

# Values that differ between two runs of the same code: when and in which run a row was written.
VOLATILE_KEYS = frozenset({"fetched_at", "first_seen_at", "run_id", "updated_at"})


def _cli(*args: str) -> str:
    command = [sys.executable, "-m", "crawler.cli", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=600).stdout


def _masked(value: Any, base_url: str) -> Any:
    if isinstance(value, str):
        return value.replace(base_url, "http://portal")
    if isinstance(value, list):
        return [_masked(item, base_url) for item in value]
    if isinstance(value, dict):
        return {
            key: ("<volatile>" if key in VOLATILE_KEYS else _masked(item, base_url))
            for key, item in value.items()
        }
    return value


def snapshot() -> dict[str, Any]:
    """The export of a crawl of the demo portal (no browser) and ``extract`` of each report page."""
    site = build_site()
    server = DemoServer(site).start()
    try:
        base_url = server.url("").rstrip("/")
        with tempfile.TemporaryDirectory() as scratch:
            db_path = str(Path(scratch) / "contract.db")
            settings = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
            _cli("crawl", server.url("/"), "--db", db_path, "--render", "never", *settings)
            lines = _cli("export", "--format", "jsonl", "--db", db_path).splitlines()
            export = sorted((json.loads(line) for line in lines), key=lambda record: record["url"])
            extracts = {}
            for path in sorted(site.expected_report_paths()):
                page = site.pages.get(path)
                if page is None or not page.body.lstrip().startswith(b"<"):
                    continue
                saved = Path(scratch) / "page.html"
                saved.write_bytes(page.body)
                extracts[path] = json.loads(_cli("extract", str(saved), "--url", server.url(path)))
        return _masked({"export": export, "extract": extracts}, base_url)
    finally:
        server.stop()


def main() -> int:
    out = Path(sys.argv[1])
    out.write_text(
        json.dumps(snapshot(), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
