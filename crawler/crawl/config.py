"""The ``GOVREPORTS_*`` settings gathered into one frozen dataclass, read with Scrapy's typed getters.

Every ``GOVREPORTS_*`` setting is declared here once, as a field of :class:`CrawlConfig` whose metadata
names the setting (:data:`SETTING_NAMES`), and read only here (:meth:`CrawlConfig.from_settings`);
components take their values from the config. ``docs/settings.md`` describes each one (a test keeps
both in step), and the project's settings module takes its defaults from :meth:`CrawlConfig.defaults`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Protocol, TypeVar


class SettingsReader(Protocol):
    """The part of Scrapy's ``Settings`` we use (a plain test double works too)."""

    def get(self, name: str, default: Any = None) -> Any: ...
    def getbool(self, name: str, default: bool = False) -> bool: ...
    def getint(self, name: str, default: int = 0) -> int: ...
    def getfloat(self, name: str, default: float = 0.0) -> float: ...
    def getlist(self, name: str, default: list[Any] | None = None) -> list[Any]: ...


RENDER_MODES = ("auto", "never", "always")
# When scans are read by OCR (crawler.extract.files.ocr.MODES, in the order the CLI offers them).
OCR_MODES = ("auto", "never", "always")

T = TypeVar("T")


def _setting(name: str, default: Any) -> Any:
    """A field of :class:`CrawlConfig` read from the Scrapy setting ``name``."""
    return field(default=default, metadata={"setting": name})


@dataclass(frozen=True)
class CrawlConfig:
    # Where the corpus lives.
    db_path: str = _setting("GOVREPORTS_DB", "output/corpus.db")
    # A directory of one SQLite file per province (``crawl --db-per-province``): reports go to their
    # province's shard, the run ledger to ``runs.db`` there (which is then GOVREPORTS_DB). "" = one file.
    db_dir: str = _setting("GOVREPORTS_DB_DIR", "")
    # Links followed away from the seed before the spider gives up on a branch.
    max_depth: int = _setting("GOVREPORTS_MAX_DEPTH", 6)
    # Pages fetched per site at most: a focused crawl never walks a whole portal.
    max_pages_per_site: int = _setting("GOVREPORTS_MAX_PAGES_PER_SITE", 400)
    # Listing pages walked per column at most (pagination traps end here).
    max_listing_pages: int = _setting("GOVREPORTS_MAX_LISTING_PAGES", 50)
    # Items written to SQLite per transaction.
    store_batch_size: int = _setting("GOVREPORTS_STORE_BATCH_SIZE", 50)
    # auto | never | always: when pages go through the browser.
    render: str = _setting("GOVREPORTS_RENDER", "auto")
    # How long a rendered page may take to show its links (ms).
    render_timeout_ms: int = _setting("GOVREPORTS_RENDER_TIMEOUT_MS", 15_000)
    # How long a rendered page is given to go quiet on the network before it is read anyway (ms).
    render_settle_ms: int = _setting("GOVREPORTS_RENDER_SETTLE_MS", 5_000)
    # Hosts that count as official (gov.cn) besides gov.cn itself: tests play portals on loopback.
    official_hosts: frozenset[str] = _setting("GOVREPORTS_OFFICIAL_HOSTS", frozenset())
    # Recrawl every report page even if stored and unchanged (no conditional requests, no skips).
    full: bool = _setting("GOVREPORTS_FULL", False)
    # Processes that extract pages off the reactor thread (0 = in this process; the project's
    # settings use one per core).
    workers: int = _setting("GOVREPORTS_WORKERS", 0)
    # Seconds one page or file may take to extract in a worker before the worker is killed and replaced
    # (the item is dropped as unreadable_file); in-process extraction stops at it between two steps.
    extract_timeout: float = _setting("GOVREPORTS_EXTRACT_TIMEOUT", 60.0)
    # Address space (MB) an extraction worker may grow by; past it the file is dropped as unreadable
    # and the worker replaced. 0 turns the bound off.
    extract_max_mb: int = _setting("GOVREPORTS_EXTRACT_MAX_MB", 512)
    # Resident memory (MB) an extraction worker may hold, watched while it works: the bound that holds
    # when the address-space budget is raised for OCR. 0 turns it off.
    extract_max_resident_mb: int = _setting("GOVREPORTS_EXTRACT_MAX_RESIDENT_MB", 1024)
    # Check every request of a rendered page, redirect hops included, with the address guard
    # (off only to show, in a test, what it stops).
    browser_guard: bool = _setting("GOVREPORTS_BROWSER_GUARD", True)
    # Recognise anti-bot challenge pages and retry them through the browser (ChallengeMiddleware).
    challenge_enabled: bool = _setting("GOVREPORTS_CHALLENGE_ENABLED", True)
    # Failed attempts on one host before its remaining requests are dropped; 0 turns the budget off.
    max_errors_per_site: int = _setting("GOVREPORTS_MAX_ERRORS_PER_SITE", 10)
    # Hosts refused as private whatever their address, and hosts treated as public although loopback
    # (the address guard's tests run on 127.0.0.x only).
    private_hosts: frozenset[str] = _setting("GOVREPORTS_PRIVATE_HOSTS", frozenset())
    test_public_hosts: frozenset[str] = _setting("GOVREPORTS_TEST_PUBLIC_HOSTS", frozenset())
    # Seconds before the first retry of a request, doubled for each next one (or the server's
    # Retry-After), at most retry_backoff_max; 0 retries at once as Scrapy does.
    retry_backoff: float = _setting("GOVREPORTS_RETRY_BACKOFF", 1.0)
    retry_backoff_max: float = _setting("GOVREPORTS_RETRY_BACKOFF_MAX", 60.0)
    # Progress on stderr: a line redrawn in place on a terminal, else a plain line every
    # progress_interval seconds (cron logs). The CLI turns it on unless -v shows Scrapy's log.
    progress: bool = _setting("GOVREPORTS_PROGRESS", False)
    progress_interval: float = _setting("GOVREPORTS_PROGRESS_INTERVAL", 60.0)
    # The prefix of a distributed crawl's keys in redis (crawler/crawl/distributed.py).
    redis_key: str = _setting("GOVREPORTS_REDIS_KEY", "govreports")
    # never | auto | always: when scanned pages and report images are read by OCR in the extraction
    # workers (crawler/extract/files/ocr.py).
    ocr: str = _setting("GOVREPORTS_OCR", "auto")

    @property
    def worker_max_mb(self) -> int:
        """The extraction workers' memory budget: ``extract_max_mb`` (0: none), at least
        :data:`crawler.extract.files.ocr.OCR_MAX_MB` when scans may be read by OCR."""
        from crawler.extract.files.ocr import OCR_MAX_MB

        if self.extract_max_mb == 0 or self.ocr == "never":
            return self.extract_max_mb
        return max(self.extract_max_mb, OCR_MAX_MB)

    def __post_init__(self) -> None:
        if self.render not in RENDER_MODES:
            raise ValueError(
                f"GOVREPORTS_RENDER must be one of {', '.join(RENDER_MODES)}, not {self.render!r}"
            )
        if self.ocr not in OCR_MODES:
            raise ValueError(f"GOVREPORTS_OCR must be one of {', '.join(OCR_MODES)}, not {self.ocr!r}")
        if self.extract_timeout <= 0 or self.extract_max_mb < 0 or self.extract_max_resident_mb < 0:
            timeout, memory = SETTING_NAMES["extract_timeout"], SETTING_NAMES["extract_max_mb"]
            resident = SETTING_NAMES["extract_max_resident_mb"]
            raise ValueError(f"{timeout} must be above 0, {memory} and {resident} at least 0")
        for name in ("max_depth", "max_pages_per_site", "max_listing_pages", "store_batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{SETTING_NAMES[name]} must be at least 1")

    @classmethod
    def from_settings(cls, settings: SettingsReader) -> CrawlConfig:
        """The config of a crawl's settings (absent settings take the field's default); a value of the
        wrong type or out of range raises ValueError naming the setting."""

        def read(name: str, getter: Callable[[str, T], T]) -> T:
            setting = SETTING_NAMES[name]
            try:
                return getter(setting, _DEFAULTS[name])
            except (TypeError, ValueError) as error:
                raise ValueError(f"{setting}: {error}") from error

        def hosts(name: str) -> frozenset[str]:
            # a list, or a comma-separated string (``-s NAME=a,b``); no default but the empty one
            listed: list[Any] = read(name, lambda setting, _: settings.getlist(setting))
            return frozenset(host.lower() for host in map(str.strip, map(str, listed)) if host)

        return cls(
            db_path=str(settings.get(SETTING_NAMES["db_path"]) or cls.db_path),
            db_dir=str(settings.get(SETTING_NAMES["db_dir"]) or ""),
            max_depth=read("max_depth", settings.getint),
            max_pages_per_site=read("max_pages_per_site", settings.getint),
            max_listing_pages=read("max_listing_pages", settings.getint),
            store_batch_size=read("store_batch_size", settings.getint),
            render=str(settings.get(SETTING_NAMES["render"]) or cls.render).lower(),
            render_timeout_ms=read("render_timeout_ms", settings.getint),
            render_settle_ms=read("render_settle_ms", settings.getint),
            official_hosts=hosts("official_hosts"),
            full=read("full", settings.getbool),
            workers=max(0, read("workers", settings.getint)),
            extract_timeout=read("extract_timeout", settings.getfloat),
            extract_max_mb=read("extract_max_mb", settings.getint),
            extract_max_resident_mb=read("extract_max_resident_mb", settings.getint),
            browser_guard=read("browser_guard", settings.getbool),
            challenge_enabled=read("challenge_enabled", settings.getbool),
            max_errors_per_site=read("max_errors_per_site", settings.getint),
            private_hosts=hosts("private_hosts"),
            test_public_hosts=hosts("test_public_hosts"),
            retry_backoff=read("retry_backoff", settings.getfloat),
            retry_backoff_max=read("retry_backoff_max", settings.getfloat),
            progress=read("progress", settings.getbool),
            progress_interval=read("progress_interval", settings.getfloat),
            redis_key=str(settings.get(SETTING_NAMES["redis_key"]) or cls.redis_key),
            ocr=str(settings.get(SETTING_NAMES["ocr"]) or cls.ocr).lower(),
        )

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every ``GOVREPORTS_*`` setting with its default, as a Scrapy setting value (sets as lists)."""
        return {
            SETTING_NAMES[name]: sorted(value) if isinstance(value, frozenset) else value
            for name, value in _DEFAULTS.items()
        }


# Field → the Scrapy setting it is read from, and field → default: the one mapping of both.
SETTING_NAMES: dict[str, str] = {f.name: f.metadata["setting"] for f in fields(CrawlConfig)}
_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(CrawlConfig)}
