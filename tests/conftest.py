"""Shared fixtures: the demo portal served on 127.0.0.1, crawl settings, and ../shared material."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.crawl.runner import crawl_settings
from crawler.demo import DemoServer, DemoSite, build_site

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GOVREPORTS_SHARED", REPO.parent / "shared"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Live-site tests run only when asked for: CI has no internet."""
    if os.environ.get("GOVREPORTS_INTERNET") == "1":
        return
    skip = pytest.mark.skip(reason="needs the internet (set GOVREPORTS_INTERNET=1)")
    for item in items:
        if "requires_internet" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def demo_site() -> DemoSite:
    return build_site()


@pytest.fixture(scope="session")
def demo_server(demo_site: DemoSite) -> Iterator[DemoServer]:
    server = DemoServer(demo_site).start()
    yield server
    server.stop()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent")
    return SHARED


@pytest.fixture
def fast_settings() -> Callable[..., dict[str, Any]]:
    """Builds the project's settings for a fast crawl of a local server into a database path."""

    def build(db_path: Path, **overrides: Any) -> dict[str, Any]:
        fast = {
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "GOVREPORTS_RETRY_BACKOFF": 0.05,
            # OCR is CPU-heavy: the crawl tests that read the demo's scan ask for it (test_crawl.py).
            "GOVREPORTS_OCR": "never",
        }
        return crawl_settings(str(db_path), fast | overrides)

    return build
