"""Reports whose body is ``<img>`` pages (a scanned report pasted into an article as JPG/PNG pages).

Two halves, both pure:

* :func:`report_images` — on a report page, the images that are pages of the report: ``<img>`` in the
  article's content container (or, without a known one, the nearest block around them) when that
  container holds little text of its own, in document order, on the page's own site
  (:func:`crawler.extract.pagekind.same_body_host`). Decorative images are left out by what the page
  says of them: size attributes under :data:`MIN_ATTRIBUTE_PX`, a URL, class, id or alt text that names
  a logo, icon, QR code, share button, banner or badge (:data:`DECORATIVE_HINT`), a place in the page's
  header, navigation or footer, or, on a page that numbers its page images (``alt="…第1页"``), a place
  before page 1 (an ornament under the title). The spider asks this of a report page and fetches the
  images it names.
* :func:`image_report` — the page and the fetched images (:class:`PageImage`, in page order) as one
  report: the page's URL, title and metadata, the text the images' pages read by OCR (the same reader
  as a scanned PDF's: :func:`crawler.extract.files.images.read_pictures`, tables rebuilt from the
  layout), ``scanned``, ``pages``, ``ocr_confidence`` and ``sources`` marked ``ocr``. An image smaller
  than :data:`MIN_PAGE_SIDE` pixels on a side is no page (an ornament the page's markup did not give
  away); an image that failed or is unreadable is left out. Either is named in ``sources["images"]``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from lxml import etree, html

from crawler.extract import pagekind, patterns
from crawler.extract.files import images as image_files
from crawler.extract.files import ocr as ocr_files
from crawler.extract.files.attachment import AttachmentError, one_line
from crawler.extract.page import attachment_record, extract_page
from crawler.extract.record import Report
from crawler.extract.textutil import element_text, normalise_space

if TYPE_CHECKING:
    from PIL import Image

# A container holding more text than this is an article with pictures, not pictures of a report.
MAX_LEAD_CHARS = 300
# At most this many images of one page are fetched as its pages.
MAX_IMAGE_PAGES = 40
# <img width/height> (or style) under this many pixels: an icon, a logo, a button.
MIN_ATTRIBUTE_PX = 200
# A fetched image with a side shorter than this is no page of a report.
MIN_PAGE_SIDE = 400
# Fields the page does not give that the pages read by OCR may.
FILLED_BY_OCR = ("report_year", "body", "level", "region", "index_no", "issuer", "written_date", "doc_no")
# Words in an image's URL, class, id or alt text that say it decorates the page.
DECORATIVE_HINT = re.compile(
    r"logo|icon|\bico\b|favicon|qr_?code|\bqr\b|ewm|erweima|二维码|share|fenxiang|分享|weixin|wechat|"
    r"weibo|微信|微博|banner|\bbtn\b|button|arrow|print|close|gongan|beian|备案|公安|jiucuo|纠错|dzjg|"
    r"jgbs|党政机关|blank|spacer|loading|avatar|badge|(^|/)ga\.(png|gif|jpe?g)|"
    # a template's rules and backgrounds, by file name only (line.gif, title_bg.png, fgx.jpg: 分隔线)
    r"(^|[/_\s\"'=-])(line|fgx|divider|separator|bg|dot|bullet)\d*\.(png|gif|jpe?g)\b",
    re.IGNORECASE,
)
# Class or id words of a page's frame around the article.
_FRAME_HINT = re.compile(
    r"(^|[-_\s])(head|header|foot|footer|nav|navbar|menu|topbar|banner|logo|share|toolbar|sidebar|"
    r"breadcrumb|crumb|copyright)([-_\s]|$)",
    re.IGNORECASE,
)
_FRAME_TAGS = frozenset({"header", "footer", "nav", "aside"})
_IMAGE_URL = re.compile(r"\.(jpe?g|png|gif|bmp|tiff?|webp)(\?|$)", re.IGNORECASE)
_NOT_PAGE_URL = re.compile(r"\.(svg|ico)(\?|$)", re.IGNORECASE)
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_PX = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px)?\s*$", re.IGNORECASE)
_STYLE_PX = re.compile(r"(?<![-\w])(width|height)\s*:\s*(\d+(?:\.\d+)?)px", re.IGNORECASE)
# The page number an image's alt or title gives it: 第2页, 第 2 页, 第2页/共5页, page 2, p.2.
_PAGE_NUMBER = re.compile(r"第\s*(\d{1,3})\s*页|\bp(?:age|\.)\s*(\d{1,3})\b", re.IGNORECASE)


@dataclass(frozen=True)
class PageImage:
    """One image named by :func:`report_images`, as the spider fetched it: its bytes, or why not."""

    url: str
    body: bytes | None = None
    failure: str | None = None


# ---------------------------------------------------------------- which images are pages


def report_images(page_html: str, url: str) -> list[str]:
    """The URLs of the images that are the pages of the report on this page (``[]`` for almost every
    page: one whose article holds text, or no image but decorations). Cheap on most pages: the markup is
    parsed only when an ``<img>`` tag without a decorative hint is in it."""
    if not any(not DECORATIVE_HINT.search(tag) for tag in _IMG_TAG.findall(page_html)):
        return []
    try:
        root = html.document_fromstring(page_html)
    except (etree.ParserError, ValueError):
        return []
    found = [(img, target) for img in root.iter("img") if (target := _page_image_url(img, url))]
    if not found:
        return []
    container = _container(root, [img for img, _ in found])
    if container is None or len(normalise_space(element_text(container))) > MAX_LEAD_CHARS:
        return []
    inside = {img for img in container.iter("img")}
    pages = _from_page_one([(img, target) for img, target in found if img in inside])
    return list(dict.fromkeys(target for _, target in pages))[:MAX_IMAGE_PAGES]


def _page_image_url(img: html.HtmlElement, page_url: str) -> str | None:
    """The absolute URL of an image that may be a page (a larger version it links, else the image
    itself), or None for a decoration or an image off the site."""
    source = next(
        (value.strip() for name in ("data-original", "data-src", "src") if (value := img.get(name))),
        "",
    )
    if not source or source.startswith(("data:", "javascript:")) or _is_decorative(img, source):
        return None
    if _in_frame(img):
        return None
    link = img.getparent()
    href = (link.get("href") or "").strip() if link is not None and link.tag == "a" else ""
    target = urljoin(page_url, href if href and _IMAGE_URL.search(href) else source).split("#", 1)[0]
    if not target.startswith(("http://", "https://")) or _NOT_PAGE_URL.search(target):
        return None
    return target if pagekind.same_body_host(page_url, target) else None


def _from_page_one(found: list[tuple[html.HtmlElement, str]]) -> list[tuple[html.HtmlElement, str]]:
    """The images from page 1 on, when the page numbers its page images 1, 2, 3… in order (alt or title
    ``第N页``): an image it places before page 1 is none of the pages (an ornament under the title). A
    page with no numbers, numbers out of order or not from 1 keeps every image; an image after page 1
    without a number is kept too (a page whose alt the editor left out)."""
    numbers = [_page_number(img) for img, _ in found]
    given = [number for number in numbers if number is not None]
    if not given or given != list(range(1, len(given) + 1)):
        return found
    return found[numbers.index(1) :]


def _page_number(img: html.HtmlElement) -> int | None:
    for name in ("alt", "title"):
        match = _PAGE_NUMBER.search(img.get(name) or "")
        if match:
            return int(match.group(1) or match.group(2))
    return None


def _is_decorative(img: html.HtmlElement, source: str) -> bool:
    said = " ".join([source, *(img.get(name) or "" for name in ("class", "id", "alt", "title"))])
    if DECORATIVE_HINT.search(said):
        return True
    sizes = [_pixels(img.get(name)) for name in ("width", "height")]
    sizes += [float(value) for _, value in _STYLE_PX.findall(img.get("style") or "")]
    return any(size is not None and size < MIN_ATTRIBUTE_PX for size in sizes)


def _pixels(value: str | None) -> float | None:
    match = _PX.match(value or "")
    return float(match.group(1)) if match else None


def _in_frame(element: html.HtmlElement) -> bool:
    """Inside the page's header, navigation, footer or another frame around the article."""
    for ancestor in element.iterancestors():
        if ancestor.tag in _FRAME_TAGS:
            return True
        words = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if words.strip() and _FRAME_HINT.search(words):
            return True
    return False


def _container(root: html.HtmlElement, found: list[html.HtmlElement]) -> html.HtmlElement | None:
    """The article around the images: the known content container holding the most of them (the
    innermost of equals), else the nearest element around them all (never ``<body>`` itself)."""
    best: tuple[int, int, html.HtmlElement] | None = None
    for xpath in patterns.CONTENT_CONTAINERS_XPATH:
        for element in root.xpath(xpath):
            held = sum(1 for img in found if element in img.iterancestors())
            depth = sum(1 for _ in element.iterancestors())
            if held and (best is None or (held, depth) > best[:2]):
                best = (held, depth, element)
    if best is not None:
        return best[2]
    common = found[0].getparent()
    while common is not None and not all(common in img.iterancestors() for img in found):
        common = common.getparent()
    return None if common is None or common.tag in ("body", "html") else common


# ---------------------------------------------------------------- the report they make


def image_report(
    body: bytes, url: str, content_type: str | None, fetched: Sequence[PageImage], mode: str = "never"
) -> tuple[Report, list[str]]:
    """The page (its bytes) and its image pages as one report, with the counters of what was read:
    ``image_pages``, ``ocr`` when OCR read them, ``image_failed`` / ``image_rejected`` once per image
    left out. Raises :class:`crawler.extract.page.ExtractionError` for a page that is no HTML."""
    page = extract_page(body, url, content_type)
    pictures, notes, counters = _pages(fetched)
    try:
        document = image_files.read_pictures(pictures, mode)
    except AttachmentError as error:  # no OCR engine under ``always``
        notes.append(f"not read: {one_line(error)}")
        document = image_files.read_pictures(pictures, "never")
    values: dict[str, Any] = {
        "scanned": True,
        "pages": len(pictures),
        "file_kind": "image",
        "is_report": pagekind.is_report_title(page.title),
    }
    sources = dict(page.sources)
    if document.text.strip():
        read = attachment_record(document, url, page.title)
        text, normalised = _without_title(read, page.title)
        values |= {
            "text": text,
            "text_normalised": normalised,
            "tables": read.tables,
            "checks": read.checks,
            "template_version": read.template_version,
            "raw_tables": read.raw_tables,
            "ocr_confidence": read.ocr_confidence,
        }
        sources["text"] = "ocr"
        sources.update({name: read.sources[name] for name in ("tables", "ocr") if name in read.sources})
        for name in FILLED_BY_OCR:
            if getattr(page, name) in (None, "") and getattr(read, name) not in (None, ""):
                values[name] = getattr(read, name)
                sources[name] = "ocr"
        values["is_report"] = values["is_report"] or pagekind.is_report_title(read.title)
        counters.append("ocr")
    if notes:
        sources["images"] = "; ".join(notes)
    return dataclasses.replace(page, **values, sources=sources), ["image_pages", *counters]


def _pages(fetched: Sequence[PageImage]) -> tuple[list[Image.Image], list[str], list[str]]:
    """The images that are pages, opened; a note and a counter for each one left out."""
    pictures: list[Image.Image] = []
    notes: list[str] = []
    counters: list[str] = []
    for image in fetched:
        if image.body is None:
            notes.append(f"{image.url}: not fetched ({image.failure or 'failed'})")
            counters.append("image_failed")
            continue
        try:
            picture = ocr_files.open_image(image.body)
        except AttachmentError as error:
            notes.append(f"{image.url}: {one_line(error)}")
            counters.append("image_failed")
            continue
        if min(picture.size) < MIN_PAGE_SIDE:
            notes.append(f"{image.url}: {picture.width}x{picture.height} px, not a page")
            counters.append("image_rejected")
            continue
        pictures.append(picture)
    return pictures, notes, counters


def _without_title(read: Report, title: str | None) -> tuple[str, str]:
    """The text read and its normalised twin without a first line that is the report's title (drawn at
    the top of the first page; the report has it as its title)."""
    text, normalised = read.text or "", read.text_normalised or ""
    first = text.split("\n", 1)[0].replace(" ", "")
    if first and first in {(title or "").replace(" ", ""), (read.title or "").replace(" ", "")}:
        return text.partition("\n")[2], normalised.partition("\n")[2]
    return text, normalised
