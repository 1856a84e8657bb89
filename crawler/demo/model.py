"""Data model of the demo portal: served pages and the ground-truth manifest.

The crawler, extractor and tests all code against these names, so they live apart from the
page-writing modules: a change in how pages look must never change what the manifest means.

Manifest conventions:

* ``ManifestReport.text`` is the clean report text a perfect extractor would return: no title line,
  no page chrome, metadata block or spam, and no statistics tables; paragraphs and headings are
  joined with ``"\\n"``.
* ``issuer``/``index_no``/``written_date``/``doc_no`` are ``None`` when the page does not show them
  (``doc_no`` is also ``None`` when the page says 无; ``written_date`` when it shows the ``— —``
  placeholder).
* ``tables`` is described in :mod:`crawler.demo.stats`; ``stated`` holds the figures the prose of a
  2008-template report without a table states (``{indicator label: value}``).
* :meth:`DemoSite.cross_year_breaks` lists the one deliberate break of 上年结转 = last year's
  结转下年度继续办理; every other pair of consecutive reports of one body agrees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Page:
    """One HTTP resource: path (with query string, if any), raw bytes and response metadata."""

    path: str
    body: bytes
    content_type: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


def redirect(path: str, location: str, status: int = 301) -> Page:
    """A redirect page, as servers answer a directory requested without its trailing slash."""
    body = f'<html><body><a href="{location}">Moved</a></body></html>'.encode()
    return Page(path, body, "text/html; charset=utf-8", status=status, headers=(("Location", location),))


@dataclass(frozen=True)
class ManifestReport:
    """Ground truth for one annual-report detail page."""

    path: str
    title: str
    report_year: int
    body: str
    level: str
    template_version: str
    published_date: str
    written_date: str | None
    index_no: str | None
    issuer: str | None
    doc_no: str | None
    encoding: str
    served_charset: str
    spam_kinds: tuple[str, ...]
    text: str
    must_have: tuple[str, ...]
    must_not: tuple[str, ...]
    tables: dict[str, Any]
    # Figures a 2008-template report without an indicator table states in its prose, by indicator label
    # (:data:`crawler.demo.stats.INDICATOR_UNITS`): what a prose reader should find.
    stated: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ManifestDecoy:
    """A page that looks report-like (title, column or wording) but must never be stored as a report."""

    path: str
    title: str
    kind: str


@dataclass(frozen=True)
class ManifestFile:
    """A report published as a file (PDF/DOCX/DOC/WPS), or the file version of an HTML report.

    ``twin_of`` names the HTML report page it belongs to: then it is a file *of* that report, not a
    report of its own. ``scanned`` files (图片版) have no text layer and are stored flagged.
    """

    path: str
    title: str
    report_year: int
    body: str
    kind: str
    scanned: bool = False
    twin_of: str | None = None
    must_have: tuple[str, ...] = ()


@dataclass(frozen=True)
class ManifestStub:
    """A stub report page (its text a lead: 报告全文详见附件) and the file holding its report: one report
    at ``path`` with the page's metadata, the file's ``text``, and ``file_path`` among its sources."""

    path: str
    file_path: str
    title: str
    report_year: int
    body: str
    kind: str
    index_no: str
    issuer: str
    written_date: str
    published_date: str
    text: str
    must_have: tuple[str, ...]


@dataclass(frozen=True)
class ManifestImageReport:
    """A report page whose body is ``<img>`` pages of the report (a scan pasted into an article): one
    report at ``path`` with the page's metadata, the pages' ``text`` read by OCR (no title, no tables)
    and the ``tables`` drawn on them, flagged scanned. ``image_paths`` are its pages in order;
    ``logo_path`` decorates the article and ``ornament_path`` sits before its page 1: neither is ever
    fetched. None of them is a report."""

    path: str
    title: str
    report_year: int
    body: str
    index_no: str
    issuer: str
    written_date: str
    published_date: str
    image_paths: tuple[str, ...]
    logo_path: str
    ornament_path: str
    text: str
    must_have: tuple[str, ...]
    tables: dict[str, list[list[str]]]


@dataclass
class DemoSite:
    """The whole generated portal: pages by path plus the manifest of what a crawl should find."""

    pages: dict[str, Page]
    reports: list[ManifestReport] = field(default_factory=list)
    decoys: list[ManifestDecoy] = field(default_factory=list)
    files: list[ManifestFile] = field(default_factory=list)
    stubs: list[ManifestStub] = field(default_factory=list)
    image_reports: list[ManifestImageReport] = field(default_factory=list)
    seeds: list[str] = field(default_factory=lambda: ["/"])
    column_path: str = "/zwgk/xxgknb/"
    # Dynamic resources (endless pagers, calendars) by bare path: handler(request path) -> Page.
    routes: dict[str, Callable[[str], Page]] = field(default_factory=dict)
    # Paths under these prefixes answer with a challenge page until the clearance cookie is sent.
    challenge_prefixes: tuple[str, ...] = ()
    # The host that injected spam links point to (a second loopback address in tests).
    spam_host: str = ""

    def lookup(self, path: str) -> Page | None:
        """Find the page for a request path: full path+query first, then the bare path.

        A directory path (ending in ``/``) is served by its ``index.html``.
        """
        candidates = [path]
        bare = path.split("?", 1)[0].split("#", 1)[0]
        if bare != path:
            candidates.append(bare)
        for candidate in candidates:
            page = self.pages.get(candidate)
            if page is None and candidate.endswith("/"):
                page = self.pages.get(candidate + "index.html")
            if page is not None:
                return page
        return None

    def expected_report_paths(self) -> list[str]:
        """Every report a complete crawl stores: the HTML reports, the reports that are files and the
        stub pages (each one report with its file's text) and the reports made of images."""
        return (
            [r.path for r in self.reports]
            + [f.path for f in self.files if f.twin_of is None]
            + [s.path for s in self.stubs]
            + [i.path for i in self.image_reports]
        )

    def report(self, path: str) -> ManifestReport | None:
        """The manifest entry of the report served at ``path``, if any."""
        return next((r for r in self.reports if r.path == path), None)

    def cross_year_breaks(self) -> list[tuple[str, int, int]]:
        """(body, year before, year) of each pair of consecutive reports whose 上年结转 differs from the
        year before's 结转下年度继续办理 (by design: see ``ReportSpec.carry_break``)."""
        by_key = {(r.body, r.report_year): r for r in self.reports if "table3" in r.tables}
        breaks = []
        for (body, year), report in sorted(by_key.items()):
            before = by_key.get((body, year - 1))
            if before is not None:
                carried = report.tables["table3"]["rows"]["carried_over"]
                if carried != before.tables["table3"]["rows"]["carry_forward"]:
                    breaks.append((body, year - 1, year))
        return breaks

    def manifest(self) -> dict[str, Any]:
        """JSON-able ground truth: reports, decoys, seeds and the main report column."""
        return {
            "reports": [asdict(r) for r in self.reports],
            "decoys": [asdict(d) for d in self.decoys],
            "files": [asdict(f) for f in self.files],
            "stubs": [asdict(s) for s in self.stubs],
            "image_reports": [asdict(i) for i in self.image_reports],
            "seeds": list(self.seeds),
            "column_path": self.column_path,
            "challenge_prefixes": list(self.challenge_prefixes),
            "spam_host": self.spam_host,
        }
