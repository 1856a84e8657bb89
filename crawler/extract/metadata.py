"""Read the portal's metadata block (信息索引号, 发布机构, 成文日期, …) and the ``<meta>`` tags.

The block comes as a table, a ``<ul>``, a ``<dl>`` or ``label：value`` in one cell (DOMAIN.md §2).
All of them flatten into the same sequence of text segments — a label, then its value in the same
segment or the next — so one scan reads every form.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from lxml import html

from crawler.extract import patterns
from crawler.extract.textutil import element_text, normalise_space

# A metadata block is short; a longer element with labels in it is the page around the block.
MAX_BLOCK_CHARS = 1200


def iso_date(text: str | None) -> str | None:
    """``2014年8月13日`` / ``2014-08-13 15:13`` / ``2014/8/13`` → ``2014-08-13``; None when absent."""
    if not text or not (match := patterns.DATE.search(text)):
        return None
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _segments(root: html.HtmlElement, skip: html.HtmlElement | None) -> Iterator[str]:
    """Every non-blank text and tail of the tree in document order, outside ``skip``, as written: a
    caller normalises the few it reads (:func:`read_labelled`)."""
    inside = set(skip.iter()) if skip is not None else set()
    for element in root.iter():
        outside = element not in inside
        if outside and isinstance(element.tag, str) and (text := element.text) and text.strip():
            yield text
        if (outside or element is skip) and element is not root and (tail := element.tail) and tail.strip():
            yield tail


def label_field(label: str) -> str | None:
    """The field a label names (``索 引 号：`` → ``index_no``), else None: the one label reader of the
    metadata block, on a page (:func:`read_block`) or in a text
    (:func:`crawler.extract.fields.read_block_text`)."""
    if not _may_name_field(label):  # most texts: spared the label patterns
        return None
    label = label.strip().rstrip(":：").strip()
    return next((field for field, pattern in patterns.METADATA_LABELS.items() if pattern.match(label)), None)


def _may_name_field(text: str) -> bool:
    """Whether a text (normalised or not) starts with a label's first character: the cheap test that
    spares most of a page's few hundred texts the label patterns."""
    return patterns.METADATA_LABEL_START.match(text) is not None


def _clean_value(field: str, value: str) -> str | None:
    value = normalise_space(value).lstrip(":：").strip()
    if patterns.METADATA_EMPTY.match(value):
        return None
    if field in ("written_date", "published_date"):
        return iso_date(value)
    return value


def split_labels(segment: str) -> list[str]:
    """A segment holding several ``label：value`` runs (``发布机构：X 发布日期：2023-01-18``) as one
    segment a run: a label's value stops at the next known label."""
    starts = [match.start() for match in patterns.METADATA_LABEL_ANYWHERE.finditer(segment)]
    if len(starts) < 2 or segment[: starts[0]].strip():
        return [segment]
    return [
        segment[start:end].strip() for start, end in zip(starts, [*starts[1:], len(segment)], strict=True)
    ]


def read_info_lines(lines: Sequence[str]) -> dict[str, str]:
    """Dates and issuer of a page's info lines (``发布时间：2013-03-18 来源：县农业局 点击：209``, the
    chrome stage's lines of an old table layout): first occurrence wins."""
    found: dict[str, str] = {}
    for line in lines:
        for run in _info_runs(normalise_space(line.replace("|", " "))):
            match = patterns.METADATA_INLINE.match(run)
            if match is None:
                continue
            label = match.group(1).replace(" ", "")
            for pattern, field in patterns.INFO_LINE_FIELDS:
                if field not in found and pattern.match(label):
                    value = patterns.CHROME_TOOL.sub(" ", match.group(2))
                    value = value.split()[0] if field == "issuer" and value.split() else value
                    if cleaned := _clean_value(field, value):
                        found[field] = cleaned
    return found


def _info_runs(line: str) -> list[str]:
    """An info line cut at each of its labels: ``时间：2011-03-25 信息来源：X 浏览次数：250`` → three runs."""
    starts = [match.start() for match in patterns.CHROME_INFO_LABEL.finditer(line)]
    if not starts:
        return []
    return [line[start:end].strip() for start, end in zip(starts, [*starts[1:], len(line)], strict=True)]


def read_labelled(segments: Sequence[str], *, blank_claims: bool = False) -> dict[str, str]:
    """Fields of a metadata block flattened into text segments, in order: a label standing alone takes
    the next segment as its value (unless that one is a label too), ``label：value`` is read in one.
    The first occurrence of a field wins; with ``blank_claims`` an empty or placeholder value (``无``,
    ``—``) counts as that occurrence, so a later value of the field is not taken."""
    found: dict[str, str | None] = {}
    segments = [part for raw in segments for part in _split_runs(raw)]
    for position, raw in enumerate(segments):
        if not _may_name_field(raw):
            continue
        segment = normalise_space(raw)
        field = label_field(segment)
        value: str | None = None
        if field is not None:
            following = normalise_space(segments[position + 1]) if position + 1 < len(segments) else ""
            value = following if label_field(following) is None else ""
        elif match := patterns.METADATA_INLINE.match(segment):
            field, value = label_field(match.group(1)), match.group(2)
        if field is None or field in found or value is None:
            continue
        cleaned = _clean_value(field, value)
        if cleaned is not None or blank_claims:
            found[field] = cleaned
    return {field: value for field, value in found.items() if value}


def _split_runs(raw: str) -> list[str]:
    """:func:`split_labels` of a segment that may name a field (most texts: left as they are)."""
    return split_labels(normalise_space(raw)) if _may_name_field(raw) else [raw]


def read_block(root: html.HtmlElement, content: html.HtmlElement | None = None) -> dict[str, str]:
    """Fields of the metadata block found outside the content container; first occurrence wins, an
    empty one too (the block's own blank beats a label further down the page)."""
    return read_labelled(list(_segments(root, content)), blank_claims=True)


def block_elements(root: html.HtmlElement) -> list[html.HtmlElement]:
    """The smallest tables/lists/divs holding at least two metadata labels: the block itself,
    to be read here and kept out of the report text."""
    found: list[html.HtmlElement] = []
    named = _fields_within(root)
    for element in root.iter("table", "ul", "dl", "div"):
        if len(named.get(element, ())) < 2 or len(element_text(element)) > MAX_BLOCK_CHARS:
            continue
        found = [kept for kept in found if not _contains(kept, element)]  # an outer one gives way
        if not any(_contains(element, kept) for kept in found):
            found.append(element)
    return found


def _fields_within(root: html.HtmlElement) -> dict[html.HtmlElement, set[str]]:
    """Per element, the fields named (as a label alone or ``label：value``) by its :func:`_segments`,
    in one walk: an element's text counts for it and the elements around it, a tail only for those
    around it. (Reading each element's segments anew read the texts of a page many times over.)"""
    within: dict[html.HtmlElement, set[str]] = defaultdict(set)
    for text in patterns.TEXT_NODES(root):  # libxml2's walk: a Python one was most of the time
        if field := _names_field(text):
            element = text.getparent()
            for owner in element.iterancestors() if text.is_tail else (element, *element.iterancestors()):
                within[owner].add(field)
    return within


def _names_field(raw: str) -> str | None:
    """The field a non-blank text names (see :func:`_segment_field`), else None."""
    return _segment_field(raw) if raw.strip() and _may_name_field(raw) else None


def _segment_field(raw: str) -> str | None:
    """The field a text names, as a label alone or ``label：value``."""
    segment = normalise_space(raw)
    return label_field(segment) or _inline_field(segment)


def _inline_field(segment: str) -> str | None:
    match = patterns.METADATA_INLINE.match(segment)
    return label_field(match.group(1)) if match else None


def _contains(outer: html.HtmlElement, inner: html.HtmlElement) -> bool:
    return any(descendant is inner for descendant in outer.iterdescendants())


def read_meta_tags(root: html.HtmlElement) -> dict[str, str]:
    """``<meta name=… content=…>`` pairs (TRS/Hanweb sites keep ArticleTitle, PubDate there)."""
    tags: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = meta.get("name") or meta.get("property")
        content = meta.get("content")
        if name and content and name not in tags:
            tags[name] = normalise_space(content)
    return tags
