"""The ``GOVREPORTS_*`` settings gathered into one frozen dataclass, read with typed getters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class SettingsReader(Protocol):
    """The part of Scrapy's ``Settings`` we use (a plain test double works too)."""

    def get(self, name: str, default: object = None) -> object: ...
    def getint(self, name: str, default: int = 0) -> int: ...


RENDER_MODES = ("auto", "never", "always")


@dataclass(frozen=True)
class CrawlConfig:
    db_path: str = "output/corpus.db"
    max_depth: int = 6
    max_pages_per_site: int = 400
    max_listing_pages: int = 50
    store_batch_size: int = 50
    render: str = "auto"  # auto | never | always: when pages go through the browser
    render_timeout_ms: int = 15_000
    # How long a rendered page is given to go quiet on the network before it is read anyway.
    render_settle_ms: int = 5_000
    # Hosts that count as official (gov.cn) besides gov.cn itself: tests play portals on loopback.
    official_hosts: frozenset[str] = frozenset()
    # Recrawl every report page even if stored and unchanged (no conditional requests, no skips).
    full: bool = False
    # Processes that extract pages off the reactor thread (GOVREPORTS_WORKERS; 0 = in this process).
    workers: int = 0
    # Check every request of a rendered page, redirect hops included, with the address guard
    # (GOVREPORTS_BROWSER_GUARD; off only to show, in a test, what it stops).
    browser_guard: bool = True

    @classmethod
    def from_settings(cls, settings: SettingsReader) -> CrawlConfig:
        config = cls(
            db_path=str(settings.get("GOVREPORTS_DB") or cls.db_path),
            max_depth=settings.getint("GOVREPORTS_MAX_DEPTH", cls.max_depth),
            max_pages_per_site=settings.getint("GOVREPORTS_MAX_PAGES_PER_SITE", cls.max_pages_per_site),
            max_listing_pages=settings.getint("GOVREPORTS_MAX_LISTING_PAGES", cls.max_listing_pages),
            store_batch_size=settings.getint("GOVREPORTS_STORE_BATCH_SIZE", cls.store_batch_size),
            render=str(settings.get("GOVREPORTS_RENDER") or cls.render).lower(),
            render_timeout_ms=settings.getint("GOVREPORTS_RENDER_TIMEOUT_MS", cls.render_timeout_ms),
            render_settle_ms=settings.getint("GOVREPORTS_RENDER_SETTLE_MS", cls.render_settle_ms),
            official_hosts=frozenset(
                str(h).lower() for h in _as_list(settings.get("GOVREPORTS_OFFICIAL_HOSTS"))
            ),
            full=bool(settings.get("GOVREPORTS_FULL")),
            workers=max(0, settings.getint("GOVREPORTS_WORKERS", cls.workers)),
            browser_guard=str(settings.get("GOVREPORTS_BROWSER_GUARD", True)).lower()
            not in ("0", "false", "no", "off"),
        )
        if config.render not in RENDER_MODES:
            raise ValueError(
                f"GOVREPORTS_RENDER must be one of {', '.join(RENDER_MODES)}, not {config.render!r}"
            )
        for name in ("max_depth", "max_pages_per_site", "max_listing_pages", "store_batch_size"):
            if getattr(config, name) < 1:
                raise ValueError(f"GOVREPORTS_{name.upper()} must be at least 1")
        return config


def _as_list(value: object) -> list[str]:
    """A list setting given as a list or a comma-separated string (``-s NAME=a,b``)."""
    if not value:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value]  # type: ignore[attr-defined]
