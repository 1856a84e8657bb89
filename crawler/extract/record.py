"""The typed records that extraction makes and every later stage reads.

- :class:`Fetch`: what the spider fetched (URL, status, headers …, the seed list's hints);
- :class:`Report`: what extraction made of it, the JSON contract's fields (:data:`RECORD_KEYS`) and the
  extras (kind, content hash, signature …), its spam :class:`Finding` s typed;
- :class:`ReportFile`: a file of a report (its PDF/DOCX version, or the file that is the report);
- :class:`Capture`: the bytes as the corpus keeps them;
- :class:`Stored`: a report with the fetch it came from and its run, as the corpus stores it.

All frozen: a stage that needs another value makes a new record (``dataclasses.replace``). All plain
picklable data: a record crosses the extraction worker pool. :func:`contract` is the one place the JSON
contract (``govreports extract``, ``export --format jsonl``) is made from a :class:`Report`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crawler.extract.spam import Finding

__all__ = [
    "FILE_EXTRAS",
    "PAGE_EXTRAS",
    "RECORD_KEYS",
    "SEED_HINTS",
    "Capture",
    "Fetch",
    "Finding",
    "Report",
    "ReportFile",
    "Stored",
    "contract",
    "extract_extras",
]

# The keys of `govreports extract` and `export`: a contract, extended but never renamed.
RECORD_KEYS = (
    "url",
    "title",
    "text",
    "index_no",
    "issuer",
    "doc_no",
    "written_date",
    "published_date",
    "report_year",
    "spam",
    "tables",
    "checks",
    "template_version",
    "raw_tables",
    "topic",
    "disclosure",
    "body",
    "level",
    "region",
    "sources",
)
# The extras `govreports extract` prints after the contract's keys, in this order: of a page (then its
# ``kind``, when the report has one) and of a file.
PAGE_EXTRAS = (
    "encoding",
    "container",
    "is_report",
    "text_normalised",
    "compromised",
    "chrome_lines",
    "hidden",
    "attachments",
    "report_file",
)
FILE_EXTRAS = ("kind", "scanned", "pages", "text_normalised", "compromised", "ocr_confidence")
# The seed list's hints (CSV and registry columns of the same names), as
# :func:`crawler.extract.provenance.with_seed_hints` applies them.
SEED_HINTS = ("body", "region", "level", "division_code")


@dataclass(frozen=True)
class Capture:
    """A page's bytes as the corpus keeps them (zlib), their SHA-256 and their size: made by the extraction
    worker, so the reactor thread does not compress pages."""

    body_zlib: bytes
    sha256: str
    size: int = 0


@dataclass(frozen=True)
class Fetch:
    """What the spider fetched: the response and where it was found (a report's file: ``parent_url``),
    with the seed list's hints for the report (``seed_body``, ``seed_region``, ``seed_level``,
    ``seed_division_code``)."""

    url: str
    status: int | None = 200
    content_type: str | None = None
    seed: str | None = None
    referer: str | None = None
    anchor_text: str | None = None
    fetched_at: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    rendered: bool | None = False
    parent_url: str | None = None
    seed_body: str | None = None
    seed_region: str | None = None
    seed_level: str | None = None
    seed_division_code: str | None = None

    @property
    def hints(self) -> dict[str, str | None]:
        """The seed's hints by field name (:data:`SEED_HINTS`)."""
        return {
            "body": self.seed_body,
            "region": self.seed_region,
            "level": self.seed_level,
            "division_code": self.seed_division_code,
        }


@dataclass(frozen=True)
class Report:
    """What extraction made of one page or file: the contract's fields (:data:`RECORD_KEYS`, in order),
    then the extras. An extra extraction did not give is None (stored as NULL)."""

    url: str
    title: str | None = None
    text: str = ""
    index_no: str | None = None
    issuer: str | None = None
    doc_no: str | None = None
    written_date: str | None = None
    published_date: str | None = None
    report_year: int | None = None
    spam: tuple[Finding, ...] = ()
    # The statistics by name (crawler.extract.tables: table2/3/4 or indicators), raw cell strings kept.
    tables: dict[str, Any] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)  # the templates' rules: pass/fail/unknown
    template_version: str | None = None  # "2008" | "2019" | "2021"
    raw_tables: list[dict[str, Any]] = field(default_factory=list)  # every table as rows of cell strings
    topic: str | None = None
    disclosure: str | None = None
    body: str | None = None
    level: str | None = None
    region: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # field → block | meta | text | url | seed …
    # --- extras
    kind: str | None = None  # html | pdf | docx | doc | wps | xls | xlsx …
    scanned: bool | None = None  # a file: its pages are images (no text layer)
    pages: int | None = None  # a file: how many pages
    # read by OCR (a scan): the engine's mean confidence (0–1) over the pages it read; else None
    ocr_confidence: float | None = None
    encoding: str | None = None  # a page: the encoding its bytes were read in
    container: str | None = None  # a page: the XPath of the content container, None for the whole page
    is_report: bool | None = None  # a page: title and content say "report"
    text_normalised: str | None = None  # `text` in simplified characters with ASCII digits
    compromised: bool = False  # spam was found (and removed) on the page
    chrome_lines: list[str] = field(default_factory=list)  # boilerplate lines the chrome stage removed
    hidden: list[str] = field(default_factory=list)  # a page: hidden content removed as not spam
    attachments: list[dict[str, str]] = field(default_factory=list)  # a page: files it links: url, anchor
    # A stub page (its text a lead to 附件): the file that holds the report's text; once filled from it
    # (crawler.extract.dispatch.fill_stub), the file's kind.
    report_file: str | None = None
    file_kind: str | None = None
    # A report: the administrative division code (民政部, e.g. 330106) its seed in the national registry gave.
    division_code: str | None = None
    attachment_of: str | None = None  # a file of the report at this URL, not a report of its own
    content_hash: str | None = None  # of `text` (crawler.extract.fingerprint); None for a report's file
    signature: bytes | None = None  # MinHash of `text`; None for a report's file or an empty text


@dataclass(frozen=True)
class ReportFile:
    """A file of a report (``report_url``): its PDF/DOCX version, or the file that is the report itself."""

    url: str
    report_url: str
    kind: str | None
    title: str | None
    text: str
    pages: int | None
    scanned: bool | None
    size: int
    sha256: str
    content_type: str | None
    fetched_at: str | None

    @classmethod
    def of(cls, report: Report, fetch: Fetch, capture: Capture) -> ReportFile | None:
        """The file ``report`` is, when it is one (not an HTML page, or a file of another report)."""
        if (report.kind or "html") == "html" and not report.attachment_of:
            return None
        return cls(
            url=report.url,
            report_url=report.attachment_of or report.url,
            kind=report.kind,
            title=report.title,
            text=report.text,
            pages=report.pages,
            scanned=report.scanned,
            size=capture.size,
            sha256=capture.sha256,
            content_type=fetch.content_type,
            fetched_at=fetch.fetched_at,
        )


@dataclass(frozen=True)
class Stored:
    """A report as the corpus stores it: what extraction made, the fetch it came from (None when only
    the report is known) and the run that fetched it."""

    report: Report
    fetch: Fetch | None = None
    run_id: int | None = None


def contract(report: Report, extras: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The JSON contract of a report, the one place it is made: :data:`RECORD_KEYS` first (spam findings
    as ``kind``/``evidence``/``where`` objects), then ``extras``: by default the extraction extras
    (:func:`extract_extras`, what ``govreports extract`` prints); ``export`` gives the stored columns."""
    values = {key: getattr(report, key) for key in RECORD_KEYS}
    values["spam"] = [finding.as_dict() for finding in report.spam]
    if extras is None:
        extras = {name: getattr(report, name) for name in extract_extras(report)}
    return values | {key: value for key, value in extras.items() if key not in values}


def extract_extras(report: Report) -> tuple[str, ...]:
    """The extras ``govreports extract`` prints of a report: a file's (:data:`FILE_EXTRAS`), else a
    page's (:data:`PAGE_EXTRAS`), then its ``kind`` when it has one."""
    if report.kind not in (None, "html"):
        return FILE_EXTRAS
    return (*PAGE_EXTRAS, "kind") if report.kind else PAGE_EXTRAS
