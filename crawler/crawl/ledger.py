"""The run ledger: what a crawl did beyond Scrapy's counters, kept for the run's row in the corpus.

:class:`RunLedger` is a Scrapy extension (``EXTENSIONS`` in :mod:`crawler.crawl.settings`). It holds the
run's seeds and the problems found with them, the seeds that failed, notes (a column re-discovered, a
site's failure budget spent, a corpus write that failed), the pages that could not be fetched, and
per-seed counts. The spider, the middlewares and the pipelines record into it; the store pipeline reads
it when it writes the run (:meth:`RunLedger.account`). Every component finds it with
:meth:`RunLedger.of`; none keeps run state on the spider.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from crawler.crawl.seeds import Seed

# Failed pages a run keeps by URL (all are counted in govreports/pages/failed).
MAX_FAILED_PAGES_KEPT = 1000
# Per-seed counters the spider keeps (the store adds reports_stored).
SEED_COUNTERS = frozenset({"pages", "listing_pages", "reports", "attachments", "rendered", "errors"})
# Where settings.py enables it.
LEDGER_PATH = "crawler.crawl.ledger.RunLedger"


class LedgerMissing(RuntimeError):
    """A component looked for the run ledger in a crawl that does not have it."""


@dataclass(frozen=True)
class SeedList:
    """The seeds a crawl was given, and why the lines that are not seeds were refused."""

    seeds: tuple[Seed, ...] = ()
    problems: tuple[str, ...] = ()

    @classmethod
    def of(cls, seeds: Sequence[Seed], problems: Sequence[str] = ()) -> SeedList:
        return cls(tuple(seeds), tuple(problems))


@runtime_checkable
class SeedSource(Protocol):
    """A spider that was given seeds (the ``reports`` spider)."""

    def seed_list(self) -> SeedList: ...


@dataclass(frozen=True)
class RunAccount:
    """What the ledger gives the run's row (:func:`crawler.corpus.db.finish_run`)."""

    seeds: list[str]
    errors: list[str]  # seed problems, then seed failures
    notes: list[str]
    per_seed: dict[str, dict[str, int]]
    failed_pages: list[str]


class RunLedger:
    """The run's seeds, failures, notes and per-seed counts (see the module docstring).

    The seeds are the spider's arguments. Scrapy builds the spider before the extensions in a crawl
    (``scrapy crawl``, the CLI) but after them in a crawler made by ``get_crawler`` (the tests), so the
    ledger takes them from the crawl's spider (:class:`SeedSource`) the first time they are asked for —
    the store opening the run, the address guard, the spider: by then both exist, whichever came first.
    """

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler
        self.seed_failures: list[str] = []
        self.notes: list[str] = []
        # "URL: reason" of pages (not seeds) that failed, the first MAX_FAILED_PAGES_KEPT of them
        self.failed_pages: list[str] = []
        self.per_seed: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self._given: SeedList | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunLedger:
        return cls(crawler)

    @classmethod
    def of(cls, crawler: Any) -> RunLedger:
        """The ledger of ``crawler``'s run, among its extensions: there from the moment the extensions
        are built (so in every component's ``from_crawler``) to after the crawl."""
        try:
            ledger = crawler.get_extension(cls)
        except RuntimeError as error:
            raise LedgerMissing(
                f"the run ledger was asked for before the extensions exist: {error}"
            ) from error
        if ledger is None:
            raise LedgerMissing(
                f"no run ledger in this crawl: EXTENSIONS must enable {LEDGER_PATH} "
                "(crawler/crawl/settings.py does; settings that replace EXTENSIONS must keep it)"
            )
        return ledger

    # --- seeds -----------------------------------------------------------------------------------
    def _seed_list(self) -> SeedList | None:
        if self._given is None:
            spider = self.crawler.spider if self.crawler is not None else None
            if isinstance(spider, SeedSource):
                self._given = spider.seed_list()
        return self._given

    @property
    def seeds(self) -> tuple[Seed, ...] | None:
        """The run's seeds; None while the crawl's spider names none (a spider that is not ours)."""
        given = self._seed_list()
        return given.seeds if given is not None else None

    @property
    def seed_problems(self) -> tuple[str, ...]:
        """The seed lines refused before the crawl (not URLs, bad lines of a seed file)."""
        given = self._seed_list()
        return given.problems if given is not None else ()

    # --- recording -------------------------------------------------------------------------------
    def note(self, text: str) -> None:
        """Something the run's reader should know (a column re-discovered, a site's budget spent)."""
        self.notes.append(text)

    def seed_failed(self, message: str) -> None:
        """A seed that could not be crawled: ``seed URL: reason``."""
        self.seed_failures.append(message)

    def page_failed(self, line: str) -> None:
        """A page (not a seed) that could not be fetched, ``URL: reason``: the first ones are kept."""
        if len(self.failed_pages) < MAX_FAILED_PAGES_KEPT:
            self.failed_pages.append(line)

    def count(self, seed: Seed, counter: str, amount: int = 1) -> None:
        """Add to one of a seed's counters (:data:`SEED_COUNTERS`)."""
        if counter not in SEED_COUNTERS:
            raise ValueError(f"not a per-seed counter: {counter!r} (one of {sorted(SEED_COUNTERS)})")
        self.per_seed[seed.url][counter] += amount

    # --- reading ---------------------------------------------------------------------------------
    def errors(self) -> list[str]:
        """Every seed error of the run: the refused seed lines, then the seeds that failed."""
        return [*self.seed_problems, *self.seed_failures]

    def per_seed_counts(self) -> dict[str, dict[str, int]]:
        return {url: dict(counter) for url, counter in self.per_seed.items()}

    def account(self, stored_per_seed: Mapping[str, int] | None = None) -> RunAccount:
        """The run's row as of now; ``stored_per_seed`` (the store's count of reports stored per seed)
        goes into the per-seed counts as ``reports_stored``."""
        per_seed = self.per_seed_counts()
        for seed, stored in (stored_per_seed or {}).items():
            per_seed.setdefault(seed, {})["reports_stored"] = stored
        return RunAccount(
            seeds=[seed.url for seed in self.seeds or ()],
            errors=self.errors(),
            notes=list(self.notes),
            per_seed=per_seed,
            failed_pages=list(self.failed_pages),
        )
