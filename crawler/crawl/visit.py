"""What a request is to govreports: one typed :class:`Visit` in ``request.meta``, with a :class:`Role`.

The spider says what it asks for and why (the role, the seed it came from, the link's text, the report
a file belongs to, how far down a column's pages it is); the downloader middlewares add what happened
to the request on the way (rendered in the browser, retried after a challenge, asked conditionally,
answered from the corpus, a ``Retry-After`` to honour). Everything is in one frozen value under
:data:`VISIT_KEY`, so it travels with the request through retries and redirects (Scrapy copies the
meta), and pickles with it (JOBDIR disk queues, scrapy-redis).

Scrapy's and scrapy-playwright's own meta keys (``depth``, ``retry_times``, ``redirect_urls``,
``playwright``, ``playwright_page_methods``, ``dont_retry``, ``download_timeout`` …) stay where those
libraries read them. How deep a page lies is Scrapy's ``depth`` (links followed from the seed, kept by
its ``DepthMiddleware``): see :func:`depth_of`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.crawl.items import ReportItem
from crawler.crawl.seeds import Seed
from crawler.extract.imagepages import PageImage

# The one request.meta key of govreports.
VISIT_KEY = "govreports_visit"


class Role(StrEnum):
    """What a requested page is expected to be. The values are the words :mod:`crawler.extract.pagekind`
    gives links (``Role(word)``)."""

    SEED = "seed"  # a URL the run was given
    SECTION = "section"  # a part of the site that may hold report columns (政务公开, a department)
    COLUMN = "column"  # a report column (信息公开年报)
    LISTING = "listing"  # a further page of a column's list (pagination)
    REPORT = "report"  # a report: its page, or a file that is the report itself
    ATTACHMENT = "attachment"  # a file linked from a report page (its PDF/DOCX version)
    IMAGE = "image"  # an <img> page of a report page whose body is pictures of the report
    DATA = "data"  # the JSON a list page's script fills its list from (crawler.extract.scriptlists)

    @property
    def lists_reports(self) -> bool:
        """Whether the page is a list of reports (its links may paginate)."""
        return self in (Role.COLUMN, Role.LISTING)


@dataclass(frozen=True, slots=True)
class Visit:
    """One request's facts. ``role`` and ``seed`` are None only on a request the spider did not make
    (robots.txt): the middlewares may still mark it (a challenge, a ``Retry-After``)."""

    role: Role | None = None
    seed: Seed | None = None
    # the link's text (its title attribute when it has one), None for a seed or a re-discovery
    anchor: str | None = None
    # listing pages walked from the column to this page
    listing_pages: int = 0
    # the report page a file was linked from: the file belongs to that report
    parent: str | None = None
    # under a column seed: only the column's reports and pages are followed, not the rest of the site
    column_only: bool = False
    # an image page (Role.IMAGE): the report page it belongs to, with the images fetched before it
    images: PageImages | None = None
    # a script's list (Role.DATA): the page it fills, whose links its items are, and that page's role
    list_page: str | None = None
    list_role: Role | None = None
    # the page's list data was read and listed nothing (or failed): the browser renders the page
    data_read: bool = False
    # --- how it is fetched, and what happened to it on the way (the downloader middlewares) ---
    rendered: bool = False  # sent through the browser (scrapy-playwright)
    challenged: bool = False  # an anti-bot challenge answered it once: this is the browser's retry
    cleared: bool = False  # sent with the cookies a browser earned passing the host's challenge
    conditional: bool = False  # asked with If-None-Match / If-Modified-Since
    not_modified: bool = False  # a 304: answered from the stored capture
    retry_after: float | None = None  # seconds the server asked to wait before the retry

    @classmethod
    def of(cls, message: Request | Response) -> Visit:
        """The visit of a request (or of the request a response answers); an empty one for a request
        the spider did not make."""
        visit = message.meta.get(VISIT_KEY)
        return visit if isinstance(visit, Visit) else FOREIGN

    def meta(self) -> dict[str, Any]:
        """``request.meta`` entries that carry this visit."""
        return {VISIT_KEY: self}

    def attach(self, request: Request) -> None:
        """Make this the visit of ``request``: what happened to it on the way, recorded by a middleware
        as ``replace(Visit.of(request), rendered=True).attach(request)`` (a visit is frozen, and a copy
        of the request made before keeps the old one)."""
        request.meta[VISIT_KEY] = self


@dataclass(frozen=True, slots=True)
class PageImages:
    """A report page whose body is ``<img>`` pages of the report (:mod:`crawler.extract.imagepages`) on
    its way to the pipelines: the page's item, its images' URLs in page order and those fetched (or
    failed) so far. The images are fetched one after the other and this travels with each request, so
    no spider state holds it: it survives a disk queue (JOBDIR) and another worker (scrapy-redis)."""

    item: ReportItem = field(compare=False)
    urls: tuple[str, ...]
    fetched: tuple[PageImage, ...] = ()

    @property
    def next_url(self) -> str | None:
        """The next image to fetch, None once every one is fetched or failed."""
        return self.urls[len(self.fetched)] if len(self.fetched) < len(self.urls) else None

    def with_image(self, image: PageImage) -> PageImages:
        return PageImages(self.item, self.urls, (*self.fetched, image))


# The visit of a request the spider did not make.
FOREIGN = Visit()


def depth_of(response: Response) -> int:
    """Links followed from the seed to this page: Scrapy's ``depth`` (its ``DepthMiddleware`` sets it
    on every request a callback yields, and 0 on a response that has none)."""
    return int(response.meta.get("depth", 0))
