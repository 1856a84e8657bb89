"""Page bytes → one report record: clean text, title, dates and the metadata block.

The stages, each a small function: decode the bytes ourselves (:mod:`crawler.extract.encoding`), parse once
with lxml, read the metadata block and ``<meta>`` tags, drop elements that never hold text, find
the portal's content container (``#zoom``, ``.TRS_Editor`` … — faster and cleaner than a whole-page
guess) and hand it to trafilatura, which falls back to the whole page when no container is known.
Nothing here imports Scrapy: the pipelines adapt it.
"""

from __future__ import annotations

import copy
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from configparser import ConfigParser
from dataclasses import dataclass
from typing import Any

import trafilatura
from lxml import etree, html
from trafilatura.settings import use_config

from crawler.extract import chrome, fields, links, metadata, pagekind, patterns, provenance, spam
from crawler.extract.encoding import decode_html
from crawler.extract.files.attachment import AttachmentText
from crawler.extract.normalise import normalise_text
from crawler.extract.record import Report
from crawler.extract.tables.grid import TableSlots, container_slots, html_table_text_rows, is_layout_table
from crawler.extract.tables.statistics import Statistics, parse_statistics, parse_statistics_from_container
from crawler.extract.textutil import element_text, normalise_lines, normalise_space

# A container shorter than this is a teaser or an empty shell, not the report.
MIN_CONTAINER_CHARS = 40
# A report page says something: an error page or an empty shell under a report title is not one.
MIN_REPORT_CHARS = 120
# A text shorter than MIN_REPORT_CHARS is still a report with this many kinds of report markers.
MIN_SHORT_REPORT_MARKERS = 2
# A container nested in the chosen one replaces it when it holds this share of its prose.
NESTED_PROSE_SHARE = 0.9
# A block around a button holding at most this much text is a dialog or a search box (drop_dialogs).
MAX_DIALOG_CHARS = 60
# A list of this many items, each only links, is a menu (drop_link_menus).
MIN_MENU_ITEMS = 3
_WORDS = re.compile(r"\w+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


class ExtractionError(ValueError):
    """The bytes are not an HTML page we can read (empty, binary, not markup)."""


def _html_parser() -> html.HTMLParser:
    """lxml.html's parser, its element classes (``HtmlElement``, ``FormElement`` …) looked up in C:
    ``lxml.html``'s own lookup is a Python method called for every element each walk of the tree
    reaches, ~1 ms a page."""
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=html.HtmlElement,
            comment=html.HtmlComment,
            pi=html.HtmlProcessingInstruction,
            entity=html.HtmlEntity,
        )
    )
    tags = lookup.get_namespace(None)
    for tag, element_class in html.HtmlElementClassLookup._default_element_classes.items():
        tags[tag] = element_class
    parser = html.HTMLParser()
    parser.set_element_class_lookup(lookup)
    return parser


_HTML_PARSER = _html_parser()


def parse_html(body: bytes, content_type: str | None = None) -> tuple[html.HtmlElement, str]:
    """Decode and parse page bytes once; the tree is handed to every later stage."""
    if not body or not body.strip():
        raise ExtractionError("empty page")
    if b"\x00" in body[:2048] and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractionError("binary content, not an HTML page")
    text, encoding = decode_html(body, content_type)
    text = _XML_DECLARATION.sub("", text, count=1)
    text = patterns.SERVER_TEMPLATE_CODE.sub("", text)
    try:
        root = html.document_fromstring(text, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"unparsable HTML: {error}") from error
    return root, encoding


def find_title_and_source(
    root: html.HtmlElement, meta: dict[str, str], page_title: str
) -> tuple[str | None, str | None]:
    """The report's own title: a report-like ``<meta>``/heading first, then the page's ``<title>``
    (``page_title``, as :func:`crawler.extract.spam.page_title` reads it) without the site; with where
    it came from: ``meta``, ``heading`` or ``page_title``."""
    candidates = [(meta.get(name, ""), "meta") for name in patterns.META_TITLE_NAMES]
    candidates += [(normalise_space(h.text_content()), "heading") for h in root.iter("h1", "h2", "h3")]
    if page_title:
        candidates += [
            (patterns.TITLE_SITE_SUFFIX.sub("", page_title), "page_title"),
            (page_title, "page_title"),
        ]
    candidates = [(text, source) for text, source in candidates if text and len(text) <= 120]
    for text, source in candidates:
        if pagekind.is_report_title(text):
            return text, source
    return candidates[0] if candidates else (None, None)


def report_score(text: str) -> tuple[int, int]:
    """How much a text looks like a report: the kinds of report markers it holds (section headings,
    the Regulations, the genre, statistics words; :data:`crawler.extract.patterns.REPORT_MARKERS`),
    then its characters of prose."""
    markers = sum(1 for marker in patterns.REPORT_MARKERS if marker.search(text))
    return markers, sum(len(match.group()) for match in patterns.PROSE_CLAUSE.finditer(text))


@dataclass
class _Candidate:
    element: html.HtmlElement
    xpath: str
    score: tuple[int, int]


def container_candidates(root: html.HtmlElement) -> list[_Candidate]:
    """Every known content container that holds text (or a stub's short lead to its 附件), in the
    order of :data:`crawler.extract.patterns.CONTENT_CONTAINERS_XPATH`, then the document's."""
    found: list[_Candidate] = []
    seen: set[html.HtmlElement] = set()
    for xpath in patterns.CONTENT_CONTAINERS_XPATH:
        for element in root.xpath(xpath):
            if element in seen:
                continue
            seen.add(element)
            text = normalise_space(element_text(element))
            if len(text) >= MIN_CONTAINER_CHARS or (text and patterns.STUB_LEAD.search(text)):
                found.append(_Candidate(element, xpath, report_score(text)))
    return found


def find_container(root: html.HtmlElement) -> tuple[html.HtmlElement | None, str | None]:
    """The known content container that holds the report, with the XPath that found it.

    Chosen by content, never by place: real TRS pages nest ``.TRS_Editor`` in ``.TRS_Editor`` and wrap
    the footer in one too, so the candidate with the most report markers, then the most prose, wins
    (the first of equals); of containers nested in it, the innermost holding the same markers and
    nearly all its prose (吉林's ``#zoom`` inside ``#zoom``: the outer adds only a wrapper).
    """
    candidates = container_candidates(root)
    if not candidates:
        return None, None
    best = max(candidates, key=lambda candidate: candidate.score)
    narrowed = True
    while narrowed:
        narrowed = False
        for candidate in candidates:
            markers, prose = candidate.score
            if (
                candidate is not best
                and markers >= best.score[0]
                and prose >= NESTED_PROSE_SHARE * best.score[1]
                and best.element in candidate.element.iterancestors()
            ):
                best, narrowed = candidate, True
                break
    return best.element, best.xpath


def drop_non_text(root: html.HtmlElement) -> None:
    """Remove scripts, styles, comments, embedded objects and drop-downs in place (their tails stay),
    and the small blocks around buttons (:func:`drop_dialogs`)."""
    for element in list(root.iter(etree.Comment, etree.ProcessingInstruction, *patterns.DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    drop_dialogs(root)


def drop_dialogs(root: html.HtmlElement) -> None:
    """Empty each ``<button>`` with the largest block around it that holds at most
    :data:`MAX_DIALOG_CHARS` of text: a confirm box (``您还未登录，请登录后进行收藏！ 是否“确认”跳转到登录页？
    [确认] [取消]``, shown on a click), a search box. A report's text is never written around buttons, and
    a block longer than a prompt stays."""
    for button in list(root.iter("button")):
        if button.getroottree().getroot() is not root:
            continue  # already gone with an earlier button's block
        block = button
        for ancestor in button.iterancestors():
            too_long = len(normalise_space(element_text(ancestor))) > MAX_DIALOG_CHARS
            if ancestor.tag in ("body", "html") or too_long:
                break
            block = ancestor
        if block.getparent() is not None:
            # emptied, not removed: the elements after it keep their XPaths (spam findings cite them)
            tail = block.tail
            block.clear()
            block.tail = tail


def container_text(container: html.HtmlElement, slots: TableSlots | None = None) -> str:
    """Text of a known content container, by our own walk (:func:`plain_text`).

    The container is already the report's body, so trafilatura's boilerplate search is not needed here
    (it still reads pages without a known container, :func:`page_text`). On the golden and real pages
    the walk keeps what trafilatura kept and more: trafilatura drops ``<br>``-separated bodies and
    short blocks now and then. It costs ~1 ms a page instead of trafilatura's ~15."""
    return plain_text(container, slots)


def plain_text(element: html.HtmlElement, slots: TableSlots | None = None) -> str:
    """A line per block element and per ``<br>``; a table row as a line of ``|``-separated cells, with
    empty cells where a cell above or to the left spans (``rowspan``/``colspan``) so that columns stay
    aligned (:func:`crawler.extract.tables.grid.html_table_text_rows`); empty rows dropped. ``slots``: the
    element's :func:`crawler.extract.tables.grid.container_slots`, when known."""
    originals = list(element.iter("table")) if slots is not None else []
    copy_ = copy.deepcopy(element)
    # The copy's tables are the element's in the same order, each read (a nested one too) before
    # any of its rows is cleared, so the element's slots are the copy's.
    for index, table in enumerate(list(copy_.iter("table"))):
        if is_layout_table(table):  # the article laid out in cells: its cells are blocks, not a grid
            for cell in table.iter("td", "th"):
                cell.tail = "\n" + (cell.tail or "")
            continue
        known = slots.get(originals[index]) if slots is not None else None
        for row, cells in html_table_text_rows(table, known):
            row.clear()
            row.text = "\n| " + " | ".join(cells) + " |\n" if any(cells) else "\n"
    for br in copy_.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in copy_.iter("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "dd", "dt"):
        block.tail = "\n" + (block.tail or "")
        block.text = "\n" + (block.text or "")
    return normalise_lines(copy_.text_content())


def _no_dump_config() -> ConfigParser:
    """trafilatura's settings without its last resort: when its extraction is shorter than
    ``MIN_EXTRACTED_SIZE`` it takes the text of the whole page instead (its "baseline"), menus, link
    lists and footer included. On a page without an article (a home page, a listing, a page whose hidden
    tabs we removed) that dump is all navigation; a short text or none is the right answer there."""
    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return config


_NO_DUMP = _no_dump_config()


def drop_link_menus(root: html.HtmlElement) -> None:
    """Remove, in place, the lists that are menus: a ``<ul>``/``<ol>`` of at least
    :data:`MIN_MENU_ITEMS` items, each item nothing but links (a portal's column menu, footer site map,
    department directory). A list of documents is not one: its items carry a date or words beside
    the link. Only for the whole-page fallback, where no container tells the article from the page."""
    for menu in list(root.iter("ul", "ol")):
        items = [item for item in menu if item.tag == "li"]
        if len(items) < MIN_MENU_ITEMS or menu.getparent() is None:
            continue
        if all(_only_links(item) for item in items):
            menu.drop_tree()


def _only_links(item: html.HtmlElement) -> bool:
    """The item's words are all in its links (bullets, bars and spaces aside)."""
    words = _WORDS.findall(element_text(item))
    return bool(words) and words == _WORDS.findall(" ".join(element_text(a) for a in item.iter("a")))


def page_text(root: html.HtmlElement) -> str:
    """The whole-page fallback when no container is known: trafilatura's own choice of content, never
    its dump of the whole page (:func:`_no_dump_config`), over the page without its menus
    (:func:`drop_link_menus`; ``root`` is changed)."""
    drop_link_menus(root)
    text = trafilatura.extract(
        root,
        include_tables=True,
        include_comments=False,
        favor_recall=True,
        output_format="txt",
        config=_NO_DUMP,
    )
    return normalise_lines(text or "")


def _better_of(
    root: html.HtmlElement, container: html.HtmlElement | None, text: str
) -> tuple[html.HtmlElement | None, str]:
    """No container holds a report-like text: trafilatura's choice over the whole page when it looks
    more like a report (more kinds of report markers), else the container's: more prose alone is
    as often the navigation around an article as the article."""
    whole = page_text(copy.deepcopy(root))
    if container is None or report_score(whole)[0] > report_score(text)[0]:
        return None, whole
    return container, text


def attachment_links(root: html.HtmlElement, url: str) -> list[dict[str, str]]:
    """The files (PDF/DOCX/DOC/WPS/XLS) the page links, report-like anchors and documents first."""
    links: dict[str, str] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip().split("#", 1)[0]
        if href and pagekind.is_attachment_url(href):
            target = urllib.parse.urljoin(url, href)
            links.setdefault(target, normalise_space(element_text(anchor)))

    def rank(item: tuple[str, str]) -> tuple[bool, bool]:
        target, anchor_text = item
        return (not pagekind.is_report_title(anchor_text), bool(patterns.SHEET_URL.search(target)))

    return [{"url": target, "anchor": text} for target, text in sorted(links.items(), key=rank)]


def stub_file(text: str, links: list[dict[str, str]]) -> str | None:
    """The file holding the report when the page is a stub: its own text a short lead pointing to an
    attachment (``根据…现将…予以公布。报告全文详见附件``), and a document (not a 附表 sheet) linked."""
    documents = [link["url"] for link in links if not patterns.SHEET_URL.search(link["url"])]
    if not documents or len(text) > patterns.MAX_STUB_CHARS:
        return None
    return documents[0] if not text or patterns.STUB_LEAD.search(text) else None


def raw_tables(container: html.HtmlElement | None) -> list[dict[str, Any]]:
    """Every ``<table>`` in the content as rows of cell strings (the statistics parser reads these)."""
    if container is None:
        return []
    tables = []
    for index, table in enumerate(container.iter("table")):
        rows = [
            [normalise_space(element_text(cell)) for cell in row if cell.tag in ("td", "th")]
            for row in table.iter("tr")
        ]
        rows = [row for row in rows if any(row)]
        if rows:
            tables.append({"index": index, "kind": None, "rows": rows})
    return tables


def extract_page(body: bytes, url: str, content_type: str | None = None) -> Report:
    """Run every stage over one page's bytes: the page's report (``kind`` ``html``, the contract's fields
    and the page's extras, :data:`crawler.extract.record.PAGE_EXTRAS`), whether or not it is one."""
    root, encoding = parse_html(body, content_type)
    # lxml makes a Python proxy (through a Python-level class lookup) each time a walk reaches an
    # element no Python object holds; holding them all makes the dozen walks below reuse them.
    _held = list(root.iter())
    meta = metadata.read_meta_tags(root)
    # <title> is read once, here: the report's title, the mirror test and the site's names all use it.
    # (libxml2 reads its content as text, so dropping scripts or spam later cannot change it.)
    page_title = spam.page_title(root)
    title, title_source = find_title_and_source(root, meta, page_title)
    hidden: list[str] = []  # what a reader does not see (not spam), removed: visibility.py
    findings = spam.preclean(root, body, encoding, url, hidden)  # before drop_non_text: it reads scripts
    drop_non_text(root)
    block = metadata.read_block(root)
    for element in metadata.block_elements(root):
        element.drop_tree()
    container, container_xpath = find_container(root)
    findings += spam.article_links(container, links.Site.from_url(url))
    text = container_text(container, container_slots(container)) if container is not None else ""
    if container is None or report_score(text)[0] == 0:
        container, text = _better_of(root, container, text)
        container_xpath = container_xpath if container is not None else None
    cleaned = spam.postclean(text, url, page_title)
    stripped = chrome.strip_chrome(cleaned.text, cleaned.normalised)
    text, findings = stripped.text, findings + cleaned.findings
    slots = container_slots(container)
    info = metadata.read_info_lines(stripped.chrome)
    file_links = attachment_links(root, url)
    report_file = stub_file(text, file_links) if pagekind.is_report_title(title) else None
    page_values, page_sources = page_metadata(block, meta, info | _page_text_fields(root, text), url)
    report_values, report_sources = provenance.report_fields(title, text, _site_names(page_title, meta))
    stats = parse_statistics_from_container(container, text, slots)
    return Report(
        url=url,
        title=title,
        text=text,
        spam=tuple(dict.fromkeys(findings)),  # each (kind, evidence, where) once
        **page_values,
        **report_values,
        **statistics_fields(stats),
        raw_tables=raw_tables(container),
        sources=_title_source(title_source) | page_sources | report_sources,
        encoding=encoding,
        container=container_xpath,
        is_report=pagekind.is_report_title(title) and (bool(report_file) or says_report(text, stats.tables)),
        text_normalised=stripped.normalised,
        compromised=bool(findings),
        chrome_lines=stripped.chrome,
        hidden=hidden,
        attachments=file_links,
        report_file=report_file,
        kind="html",
    )


def page_metadata(
    block: dict[str, str], meta: dict[str, str], text_fields: dict[str, str], url: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The metadata fields by :data:`crawler.extract.provenance.PRECEDENCE`: block, ``<meta>``, text, URL."""
    candidates: dict[str, dict[str, Any]] = {
        provenance.BLOCK: block,
        provenance.META: {"published_date": _published_from_meta(meta)},
        provenance.TEXT: text_fields,
        provenance.URL: provenance.url_fields(url),
    }
    return provenance.resolve(candidates, provenance.METADATA_FIELDS)


def statistics_fields(stats: Statistics) -> dict[str, Any]:
    """The record's ``tables``, ``checks`` and ``template_version`` from the parsed statistics."""
    parsed = stats.as_json()
    return {key: parsed[key] for key in ("tables", "checks", "template_version")}


def says_report(text: str, tables: Mapping[str, Any]) -> bool:
    """The content side of "is this a report": enough text, statistics tables, or a short text with
    the report's own markers (a small body's report is a few lines under the template's headings)."""
    if len(text.strip()) >= MIN_REPORT_CHARS or tables:
        return True
    return len(text.strip()) >= MIN_CONTAINER_CHARS and report_score(text)[0] >= MIN_SHORT_REPORT_MARKERS


def attachment_record(document: AttachmentText, url: str, anchor_text: str | None, **extras: Any) -> Report:
    """The report for a report published as a file (``document`` from
    :func:`crawler.extract.files.read.extract_attachment`): the link's text names it best, then the file.
    ``extras``: ``attachment_of``, ``content_hash`` …"""
    title, title_source = attachment_title(document, anchor_text)
    page_values, page_sources = page_metadata({}, {}, fields.read_block_text(document.text), url)
    report_values, report_sources = provenance.report_fields(title, document.text)
    stats = parse_statistics(document.grids, document.text)
    tables = statistics_fields(stats)
    sources = _title_source(title_source) | page_sources | report_sources
    return Report(
        url=url,
        title=title,
        text=document.text,
        **page_values,
        **report_values,
        **tables,
        raw_tables=[{"index": i, "kind": None, "rows": grid} for i, grid in enumerate(document.grids)],
        sources=ocr_sources(document, sources, bool(tables["tables"])),
        kind=document.kind,
        scanned=document.scanned,
        pages=document.pages,
        text_normalised=normalise_text(document.text),
        compromised=False,
        ocr_confidence=_mean(document.ocr_confidence.values()) if document.ocr_engine else None,
        **extras,
    )


def ocr_sources(document: AttachmentText, sources: dict[str, str], has_tables: bool) -> dict[str, str]:
    """The sources of a report read by OCR say so: every field its text gave is marked ``ocr``, and
    ``sources["ocr"]`` names the engine with its mean confidence per page (``rapidocr p1=0.991 …``)."""
    if not document.ocr_engine:
        return sources
    marked = {name: "ocr" if source == provenance.TEXT else source for name, source in sources.items()}
    marked["text"] = "ocr"
    if has_tables:
        marked["tables"] = "ocr"
    pages = " ".join(f"p{number}={value:.3f}" for number, value in sorted(document.ocr_confidence.items()))
    marked["ocr"] = f"{document.ocr_engine} {pages}"
    return marked


def _mean(values: Iterable[float]) -> float | None:
    listed = list(values)
    return round(sum(listed) / len(listed), 4) if listed else None


def attachment_title(document: AttachmentText, anchor_text: str | None) -> tuple[str | None, str | None]:
    """The first report-like title of the link's text (``anchor``), the file's own (``file``) and its
    first lines (``text``); else the link's text or the file's title."""
    candidates = [(anchor_text or "", "anchor"), (document.title or "", "file")]
    candidates += [(line, provenance.TEXT) for line in document.text.splitlines()[:3]]
    for text, source in candidates:
        if pagekind.is_report_title(text):
            return text, source
    if anchor_text:
        return anchor_text, "anchor"
    return (document.title, "file") if document.title else (None, None)


def _site_names(page_title: str, meta: dict[str, str]) -> str:
    """The site's names as the page gives them: ``<title>`` (``报告_云山县石门镇人民政府``), ``SiteName``."""
    return "\n".join(name for name in (page_title, meta.get("SiteName", "")) if name)


def _title_source(source: str | None) -> dict[str, str]:
    return {"title": source} if source else {}


def _page_text_fields(root: html.HtmlElement, text: str) -> dict[str, str]:
    """Metadata the page states in its text: a ``发布时间：…`` line, a block written into the content."""
    published = _published_from_page(root)
    return ({"published_date": published} if published else {}) | fields.read_block_text(text)


def _published_from_meta(meta: dict[str, str]) -> str | None:
    for name in patterns.META_PUBDATE_NAMES:
        if date := metadata.iso_date(meta.get(name)):
            return date
    return None


def _published_from_page(root: html.HtmlElement) -> str | None:
    body = root.find("body")
    if body is None:
        return None
    if match := patterns.PUBLISHED_LABEL.search(normalise_space(element_text(body))):
        return metadata.iso_date(match.group(2))
    return None
