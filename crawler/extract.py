"""Page bytes → one report record: clean text, title, dates and the metadata block.

The stages, each a small function: decode the bytes ourselves (:mod:`crawler.encoding`), parse once
with lxml, read the metadata block and ``<meta>`` tags, drop elements that never hold text, find
the portal's content container (``#zoom``, ``.TRS_Editor`` … — faster and cleaner than a whole-page
guess) and hand it to trafilatura, which falls back to the whole page when no container is known.
Nothing here imports Scrapy: the pipelines adapt it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import trafilatura
from lxml import etree, html

from crawler import metadata, pagekind, patterns, spam
from crawler.encoding import decode_html
from crawler.textutil import normalise_lines, normalise_space

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
)
# A container shorter than this is a teaser or an empty shell, not the report.
MIN_CONTAINER_CHARS = 40
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


class ExtractionError(ValueError):
    """The bytes are not an HTML page we can read (empty, binary, not markup)."""


@dataclass
class Extraction:
    """What one page yields; :meth:`record` gives the contract's keys."""

    url: str
    title: str | None = None
    text: str = ""
    index_no: str | None = None
    issuer: str | None = None
    doc_no: str | None = None
    written_date: str | None = None
    published_date: str | None = None
    report_year: int | None = None
    spam: list[dict[str, str]] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    topic: str | None = None
    disclosure: str | None = None
    encoding: str = "utf-8"
    container: str | None = None
    is_report: bool = False
    text_normalised: str = ""  # `text` in simplified characters with ASCII digits (crawler.normalise)
    compromised: bool = False  # spam was found (and removed) on the page
    chrome_lines: list[str] = field(default_factory=list)  # boilerplate lines the post-clean removed

    def record(self) -> dict[str, Any]:
        """The contract's keys first, then the extras."""
        data = asdict(self)
        return {key: data.pop(key) for key in RECORD_KEYS} | data


def parse_html(body: bytes, content_type: str | None = None) -> tuple[html.HtmlElement, str]:
    """Decode and parse page bytes once; the tree is handed to every later stage."""
    if not body or not body.strip():
        raise ExtractionError("empty page")
    if b"\x00" in body[:2048] and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractionError("binary content, not an HTML page")
    text, encoding = decode_html(body, content_type)
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"unparsable HTML: {error}") from error
    return root, encoding


def find_title(root: html.HtmlElement, meta: dict[str, str]) -> str | None:
    """The report's own title: a report-like ``<meta>``/heading first, then ``<title>`` without the site."""
    candidates = [meta.get(name, "") for name in patterns.META_TITLE_NAMES]
    candidates += [normalise_space(h.text_content()) for h in root.iter("h1", "h2", "h3")]
    page_title = root.find(".//title")
    if page_title is not None and page_title.text:
        full = normalise_space(page_title.text)
        candidates += [patterns.TITLE_SITE_SUFFIX.sub("", full), full]
    candidates = [c for c in candidates if c and len(c) <= 120]
    for candidate in candidates:
        if pagekind.is_report_title(candidate):
            return candidate
    return candidates[0] if candidates else None


def find_container(root: html.HtmlElement) -> tuple[html.HtmlElement | None, str | None]:
    """The first known content container that holds real text, with the XPath that found it.

    Where containers nest (吉林's ``#zoom`` inside ``#zoom``) the innermost one with text wins.
    """
    for xpath in patterns.CONTENT_CONTAINERS_XPATH:
        candidates = [
            element
            for element in root.xpath(xpath)
            if len(normalise_space(element.text_content())) >= MIN_CONTAINER_CHARS
        ]
        if candidates:
            return candidates[-1], xpath
    return None, None


def drop_non_text(root: html.HtmlElement) -> None:
    """Remove scripts, styles, comments and embedded objects in place (their tails stay)."""
    for element in list(root.iter(etree.Comment, etree.ProcessingInstruction, *patterns.DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()


def container_text(container: html.HtmlElement) -> str:
    """Text of the container through trafilatura (tables kept as ``|`` rows); own walk as fallback."""
    document = html.document_fromstring("<html><body></body></html>")
    document.body.append(copy.deepcopy(container))
    text = trafilatura.extract(
        document,
        include_tables=True,
        include_comments=False,
        favor_recall=True,
        deduplicate=False,
        output_format="txt",
    )
    own = plain_text(container)
    # trafilatura drops `<br>`-separated bodies and short blocks now and then: keep the fuller text.
    if not text or len(text) < 0.8 * len(own):
        return own
    return normalise_lines(text)


def plain_text(element: html.HtmlElement) -> str:
    """A line per block element and per ``<br>``; table rows as ``|``-separated cells."""
    copy_ = copy.deepcopy(element)
    for br in copy_.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for row in copy_.iter("tr"):
        cells = [normalise_space(cell.text_content()) for cell in row if cell.tag in ("td", "th")]
        row.clear()
        row.text = "\n| " + " | ".join(cells) + " |\n"
    for block in copy_.iter("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "dd", "dt"):
        block.tail = "\n" + (block.tail or "")
        block.text = "\n" + (block.text or "")
    return normalise_lines(copy_.text_content())


def page_text(root: html.HtmlElement) -> str:
    """The whole-page fallback when no container is known: trafilatura's own choice of content."""
    text = trafilatura.extract(
        root, include_tables=True, include_comments=False, favor_recall=True, output_format="txt"
    )
    return normalise_lines(text or "")


def raw_tables(container: html.HtmlElement | None) -> list[dict[str, Any]]:
    """Every ``<table>`` in the content as rows of cell strings (the statistics parser reads these)."""
    if container is None:
        return []
    tables = []
    for index, table in enumerate(container.iter("table")):
        rows = [
            [normalise_space(cell.text_content()) for cell in row if cell.tag in ("td", "th")]
            for row in table.iter("tr")
        ]
        rows = [row for row in rows if any(row)]
        if rows:
            tables.append({"index": index, "kind": None, "rows": rows})
    return tables


def extract_page(body: bytes, url: str, content_type: str | None = None) -> Extraction:
    """Run every stage over one page's bytes."""
    root, encoding = parse_html(body, content_type)
    meta = metadata.read_meta_tags(root)
    title = find_title(root, meta)
    findings = spam.preclean(root, body, encoding, url)  # before drop_non_text: it reads the scripts
    drop_non_text(root)
    block = metadata.read_block(root)
    for element in metadata.block_elements(root):
        element.drop_tree()
    container, container_xpath = find_container(root)
    text = container_text(container) if container is not None else page_text(root)
    cleaned = spam.postclean(text, url, spam.page_title(root))
    text, findings = cleaned.text, findings + cleaned.findings
    published = block.get("published_date") or _published_from_meta(meta) or _published_from_page(root)
    year = pagekind.report_year(title or "") or pagekind.report_year(text[:200])
    return Extraction(
        url=url,
        title=title,
        text=text,
        index_no=block.get("index_no"),
        issuer=block.get("issuer"),
        doc_no=block.get("doc_no"),
        written_date=block.get("written_date"),
        published_date=published,
        report_year=year,
        spam=spam.as_records(findings),
        tables=raw_tables(container),
        topic=block.get("topic"),
        disclosure=block.get("disclosure"),
        encoding=encoding,
        container=container_xpath,
        is_report=pagekind.is_report_title(title),
        text_normalised=cleaned.normalised,
        compromised=bool(findings),
        chrome_lines=cleaned.chrome,
    )


def attachment_record(document: Any, url: str, anchor_text: str | None) -> dict[str, Any]:
    """The contract's record for a report published as a file (``document`` from
    :func:`crawler.attachments.extract_attachment`): the link's text names it best, then the file."""
    candidates = [anchor_text or "", document.title or "", *document.text.splitlines()[:3]]
    title = next((c for c in candidates if pagekind.is_report_title(c)), anchor_text or document.title)
    year = pagekind.report_year(title or "") or pagekind.report_year(document.text[:200])
    tables = [{"index": i, "kind": None, "rows": grid} for i, grid in enumerate(document.grids)]
    record: dict[str, Any] = dict.fromkeys(RECORD_KEYS)
    record.update(url=url, title=title, text=document.text, report_year=year, spam=[], tables=tables)
    return record | {"kind": document.kind, "scanned": document.scanned, "pages": document.pages}


def _published_from_meta(meta: dict[str, str]) -> str | None:
    for name in patterns.META_PUBDATE_NAMES:
        if date := metadata.iso_date(meta.get(name)):
            return date
    return None


def _published_from_page(root: html.HtmlElement) -> str | None:
    body = root.find("body")
    if body is None:
        return None
    if match := patterns.PUBLISHED_LABEL.search(normalise_space(body.text_content())):
        return metadata.iso_date(match.group(2))
    return None
