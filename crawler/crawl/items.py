"""The item that walks through the pipelines: a fetched page, then what was extracted from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy.exceptions import DropItem

from crawler.extract.record import Capture


@dataclass(repr=False)
class ReportItem:
    """A page the spider believes is a report.

    The spider fills the fetch fields; the extraction pipeline fills ``record`` with the
    contract's keys (see :data:`crawler.extract.page.RECORD_KEYS`); the store pipeline writes it.
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
    record: dict[str, Any] = field(default_factory=dict)
    capture: Capture | None = None

    def __repr__(self) -> str:
        """Short: Scrapy logs dropped items, and a page's bytes do not belong in a log line."""
        of = f" of {self.parent_url}" if self.parent_url else ""
        return f"<ReportItem {self.url} {len(self.body)} bytes{of}>"


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
