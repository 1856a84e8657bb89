"""The item that walks through the pipelines: a fetched page, then what was extracted from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from scrapy.exceptions import DropItem

from crawler.extract.imagepages import PageImage
from crawler.extract.record import Capture, Fetch, Report


@dataclass(repr=False)
class ReportItem:
    """A page the spider believes is a report.

    The spider fills the fetch fields (:attr:`fetch` gives them as one
    :class:`crawler.extract.record.Fetch`); the extraction pipeline sets ``report`` (a
    :class:`crawler.extract.record.Report`) and ``capture``; the URL dedupe pipeline replaces ``report``
    with one under the canonical URL; the store pipeline writes them.
    """

    url: str
    body: bytes
    status: int = 200
    content_type: str | None = None
    seed: str | None = None
    referer: str | None = None
    anchor_text: str | None = None
    fetched_at: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # The report page an attachment was linked from: the attachment is a file of that report.
    parent_url: str | None = None
    rendered: bool = False
    # Carried from the seed list (CSV columns) into the stored record.
    seed_body: str | None = None
    seed_region: str | None = None
    seed_level: str | None = None
    seed_division_code: str | None = None
    # A report page whose body is <img> pages of the report: those images, fetched, in page order.
    images: tuple[PageImage, ...] = ()
    report: Report | None = None
    capture: Capture | None = None

    @cached_property
    def fetch(self) -> Fetch:
        """What the spider fetched, as the record the worker and the corpus take."""
        return Fetch(
            url=self.url,
            status=self.status,
            content_type=self.content_type,
            seed=self.seed,
            referer=self.referer,
            anchor_text=self.anchor_text,
            fetched_at=self.fetched_at,
            headers=self.headers,
            rendered=self.rendered,
            parent_url=self.parent_url,
            seed_body=self.seed_body,
            seed_region=self.seed_region,
            seed_level=self.seed_level,
            seed_division_code=self.seed_division_code,
        )

    def __repr__(self) -> str:
        """Short: Scrapy logs dropped items, and a page's bytes do not belong in a log line."""
        of = f" of {self.parent_url}" if self.parent_url else ""
        images = f" with {len(self.images)} image pages" if self.images else ""
        return f"<ReportItem {self.url} {len(self.body)} bytes{of}{images}>"


# Scrapy signal sent for a fetched (or failed) page that is not an item: ``url``, ``reason`` (a word:
# ``challenge``, ``failed``…) and ``detail``. The store pipeline keeps it in the run's dropped pages.
page_dropped = object()


class Dropped(DropItem):
    """An item dropped for a ``reason`` the run keeps (``not_report``, ``duplicate``, ``unreadable_file``,
    ``failed``…), with a ``detail`` saying more. Its message is ``reason: detail: URL``."""

    def __init__(self, reason: str, detail: str, url: str) -> None:
        super().__init__(f"{reason}: {detail}: {url}" if detail else f"{reason}: {url}")
        self.reason = reason
        self.detail = detail
        self.url = url
