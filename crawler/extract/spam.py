"""Injected spam and page chrome: found, removed and recorded, never silently (DOMAIN.md §3).

The clean text is what a reader of the article sees. Everything a browser would not show
(:mod:`crawler.extract.visibility`), everything a script writes and everything after ``</html>`` leaves
the text, whatever it says; structure (:mod:`crawler.extract.links`: clusters of off-site links to
non-government hosts, throwaway TLDs, brand-like hosts, bare-name farms) and, second, the lexicon
(:mod:`crawler.extract.lexicon`) only decide whether a removal is recorded as spam (a :class:`Finding`)
or as hidden chrome. Visible content is judged by structure first: link clusters, article blocks whose
links all leave the site, and prose only for ``never_in_report`` terms outside an enforcement context.

Two passes, both pure functions: :func:`preclean` on the parsed tree before scripts and styles are
dropped (and :func:`article_links` on the content container), :func:`postclean` on the extracted text.
"""

from __future__ import annotations

import re
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from lxml import etree, html

from crawler.extract import lexicon, links, patterns, visibility
from crawler.extract.links import Site
from crawler.extract.normalise import normalise_text
from crawler.extract.textutil import normalise_space

HIDDEN_ELEMENT = "hidden_element"
OFFSITE_LINK_FARM = "offsite_link_farm"
SPAM_KEYWORDS = "spam_keywords"
SCRIPT_INJECTION = "script_injection"
PINYIN_GLOSS = "pinyin_gloss"
MIRROR = "mirror"
AFTER_HTML = "after_html"

EVIDENCE_CHARS = 120
# Hidden chrome records kept per page (real pages hide hundreds of menu templates).
MAX_HIDDEN_RECORDS = 100
# An article block is dropped whole when it says no more than this (else only its links go).
MAX_BLOCK_CHARS = 600
_BLOCKS = frozenset({"p", "li", "dd", "dt", "td", "th", "div", "section", "center", "h1", "h2", "h3", "h4"})


@dataclass(frozen=True)
class Finding:
    """One removal: what kind of spam, what showed it, and where on the page it was."""

    kind: str
    evidence: str
    where: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _clip(text: str) -> str:
    text = normalise_space(text)
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1] + "…"


def _where(element: html.HtmlElement) -> str:
    return str(element.getroottree().getpath(element))


def link_findings(found: links.Links, where: str, cluster: str | None) -> list[Finding]:
    """The keyword and link-cluster findings a block's links and words support."""
    result = []
    if found.keywords:
        result.append(Finding(SPAM_KEYWORDS, "、".join(found.keywords), where))
    if cluster or (found.keywords and len(found.hosts) >= links.MIN_HIDDEN_LINKS):
        result.append(Finding(OFFSITE_LINK_FARM, found.evidence(), where))
    return result


# --- DOM pre-clean -------------------------------------------------------------------------------


def preclean(
    root: html.HtmlElement, body: bytes, encoding: str, url: str, hidden: list[str] | None = None
) -> list[Finding]:
    """Remove what a reader does not see and visible link spam from the tree (in place), before scripts
    are dropped. Returns the spam findings; hidden chrome removed is appended to ``hidden``."""
    site = Site.from_url(url)
    chrome: list[str] = [] if hidden is None else hidden
    sheet = visibility.Stylesheet(root)
    findings = after_html(body, encoding, site, chrome)
    findings += script_injections(root, site, sheet)
    findings += hidden_content(root, site, chrome, sheet)
    findings += link_farms(root, site)
    del chrome[MAX_HIDDEN_RECORDS:]
    return findings


def after_html(body: bytes, encoding: str, site: Site, chrome: list[str] | None = None) -> list[Finding]:
    """Markup after the last ``</html>`` (lxml drops it, browsers show it): never text; spam when its
    links or words say so, else hidden chrome."""
    ends = list(patterns.HTML_END.finditer(body))
    if not ends:
        return []
    tail = body[ends[-1].end() :].decode(encoding, errors="replace").strip()
    if not tail or (block := _fragment(tail)) is None:
        return []
    found = links.read_links(block, site, written=True)
    cluster = found.cluster(written=True)
    where = "after </html>"
    if not (cluster or found.keywords):
        if chrome is not None and (text := normalise_space(block.text_content())):
            chrome.append(f"{where}: {_clip(text)}")
        return []
    return [Finding(AFTER_HTML, _clip(block.text_content()), where), *link_findings(found, where, cluster)]


def after_html_spam(body: bytes, encoding: str, site: Site) -> list[Finding]:
    return after_html(body, encoding, site)


def _fragment(markup: str) -> html.HtmlElement | None:
    try:
        return html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return None


def script_injections(
    root: html.HtmlElement, site: Site, sheet: visibility.Stylesheet | None = None
) -> list[Finding]:
    """``document.write`` calls that write spam: links to non-official hosts (a page's own scripts write
    its menus and counters, never links off the site), hidden by the markup they write
    (``<div style="display:none">`` — the attribute form — or a class of the page's ``<style>``,
    ``sheet``) or not, or spam words. Scripts never reach the text; these are recorded and removed."""
    findings: list[Finding] = []
    for script in list(root.iter("script")):
        code = script.text or ""
        if not patterns.DOCUMENT_WRITE.search(code):
            continue
        markup = written_markup(code)
        if "<" not in markup or (block := _fragment(markup)) is None:
            continue
        found = links.read_links(block, site, written=True)
        cluster = found.cluster(written=True)
        hider = visibility.hidden_inside(block, sheet) if found.hosts else None
        if hider is not None and not cluster:
            cluster = f"{len(found.hosts)} off-site anchors written hidden ({hider.reason})"
        if cluster or found.keywords:
            where = _where(script)
            evidence = _clip(block.text_content()) or found.evidence()
            findings += [Finding(SCRIPT_INJECTION, evidence, where), *link_findings(found, where, cluster)]
            script.drop_tree()
    return findings


def written_markup(code: str) -> str:
    """The string literals of a script joined, JS escapes and ``unescape(%xx)`` decoded."""
    literals = (single or double for single, double in patterns.JS_STRING.findall(code))
    markup = "".join(patterns.JS_ESCAPE.sub(_js_unescape, literal) for literal in literals)
    return urllib.parse.unquote(markup) if "%3c" in markup.lower() else markup


def _js_unescape(match: re.Match[str]) -> str:
    hex2, hex4, char = match.groups()
    return chr(int(hex2 or hex4, 16)) if (hex2 or hex4) else char


def hidden_content(
    root: html.HtmlElement,
    site: Site,
    chrome: list[str] | None = None,
    sheet: visibility.Stylesheet | None = None,
) -> list[Finding]:
    """Remove every hidden block (:mod:`crawler.extract.visibility`); record it as spam when its links
    or words say so, else as hidden chrome. A hidden copy of the visible page (a read-aloud copy, a
    print version) is chrome whatever its words; a hidden report body shown by script on a page with
    no visible article stays (:func:`crawler.extract.visibility.revealed`)."""
    blocks = visibility.hidden_elements(root, sheet)
    judged = []
    page_text: str | None = None
    for block in blocks:
        found = links.read_links(block.element, site)
        cluster = found.cluster(hidden=True)
        if found.keywords and not cluster:
            page_text = page_text if page_text is not None else _squashed(root)
            if _is_copy(block.element, page_text):
                found.never_words, found.label_words = [], []
        judged.append((block, found, cluster))
    judged = _side_by_side(judged)
    clean = {id(block.element): not (cluster or found.keywords) for block, found, cluster in judged}
    keep = visibility.revealed(root, blocks, clean) if any(clean.values()) else None
    findings: list[Finding] = []
    for block, found, cluster in judged:
        if block is keep:  # shown as a reader sees it once the script ran (trafilatura skips hidden styles)
            for name in ("style", "hidden"):
                block.element.attrib.pop(name, None)
            continue
        text = normalise_space(block.element.text_content())
        if cluster or found.keywords:
            where = _where(block.element)
            evidence = f"{block.reason}: {_clip(text) or found.evidence()}"
            findings += [Finding(HIDDEN_ELEMENT, evidence, where), *link_findings(found, where, cluster)]
        elif chrome is not None and text:
            chrome.append(f"{block.reason}: {_clip(text)}")
        _drop(block.element)
    return findings


def _side_by_side(
    judged: list[tuple[visibility.Hidden, links.Links, str | None]],
) -> list[tuple[visibility.Hidden, links.Links, str | None]]:
    """Hidden links under one parent, each hidden on its own (``<a style="display:none" href=…>``, one
    after another), are one link cluster together — unless every one names an institution."""
    lone: dict[html.HtmlElement, list[links.Links]] = defaultdict(list)
    for block, found, cluster in judged:
        if not cluster and len(found.hosts) == 1 and (parent := block.element.getparent()) is not None:
            lone[parent].append(found)
    clusters = {
        parent: f"{len(found)} hidden off-site anchors side by side"
        for parent, found in lone.items()
        if len(found) >= links.MIN_HIDDEN_LINKS
        and not links.Links(labels=[label for one in found for label in one.labels]).institutional
    }
    if not clusters:
        return judged
    return [
        (
            block,
            found,
            cluster or (clusters.get(block.element.getparent()) if len(found.hosts) == 1 else None),
        )
        for block, found, cluster in judged
    ]


def _squashed(element: html.HtmlElement) -> str:
    return "".join(element.text_content().split())


def _is_copy(element: html.HtmlElement, page_text: str) -> bool:
    """Whether a hidden block's sentences all stand elsewhere on the page too (the page's text holds
    each of them twice: here and in the copy's original)."""
    sentences = [s for s in patterns.SENTENCE_END.split(_squashed(element)) if len(s) >= 10]
    return bool(sentences) and all(page_text.count(sentence) >= 2 for sentence in sentences)


def _drop(element: html.HtmlElement) -> None:
    """Remove an element and what it holds, keeping the text that follows it (its tail)."""
    if element.getparent() is not None:
        element.drop_tree()


def link_farms(root: html.HtmlElement, site: Site) -> list[Finding]:
    """Visible clusters of links to non-official hosts (bare-name farms, throwaway or brand-like hosts,
    sub-domain farms) or labelled with spam words: the anchors go, and their block when it says
    little else."""
    groups: dict[html.HtmlElement, list[html.HtmlElement]] = defaultdict(list)
    for anchor in root.iter("a"):
        if site.spam_target(anchor.get("href")) and (group := _link_group(anchor)) is not None:
            groups[group].append(anchor)
    findings: list[Finding] = []
    for parent, anchors in groups.items():
        found = links.read_links(_shell(anchors), site)
        cluster = found.cluster()
        if not (cluster or found.keywords):
            continue
        where = _where(parent)
        findings += link_findings(found, where, cluster) or [Finding(OFFSITE_LINK_FARM, "", where)]
        _drop_anchors(anchors)
        if _small_block(parent):
            _drop(parent)
    return findings


def article_links(container: html.HtmlElement | None, site: Site) -> list[Finding]:
    """Blocks inside the article whose links all leave the site for non-official hosts — two or more
    with bare-name labels, three hosts or more each under a keyword phrase, or one to a throwaway or
    brand-like host — and that say nothing of a report: dropped whole, prose included (spam pasted into
    the article with its links)."""
    if container is None:
        return []
    blocks: dict[html.HtmlElement, list[html.HtmlElement]] = defaultdict(list)
    for anchor in container.iter("a"):
        block = next((a for a in anchor.iterancestors() if a.tag in _BLOCKS or a is container), None)
        if block is not None and block is not container:
            blocks[block].append(anchor)
    findings: list[Finding] = []
    for block, anchors in blocks.items():
        hrefs = [a.get("href") for a in anchors if (a.get("href") or "").strip()[:1] not in ("", "#")]
        targets = [site.spam_target(href) for href in hrefs]
        if not targets or not all(targets) or not _small_block(block):
            continue
        found = links.read_links(_shell(anchors), site)
        bare_names = len(found.hosts) >= 2 and found.bare * 2 >= len(found.hosts)
        if not (found.suspicious or bare_names or found.keyword_anchors):
            continue
        if patterns.REPORT_PROSE.search(block.text_content()):
            continue
        where = _where(block)
        evidence = f"{found.evidence()}: {_clip(block.text_content())}"
        findings.append(Finding(OFFSITE_LINK_FARM, evidence, where))
        _drop(block)
    return findings


def _small_block(element: html.HtmlElement) -> bool:
    """A block that can go whole: not the page, no paragraphs or tables inside, little text."""
    if element.tag in ("body", "html") or element.getparent() is None:
        return False
    if element.find(".//p") is not None or element.find(".//table") is not None:
        return False
    return len(normalise_space(element.text_content())) <= MAX_BLOCK_CHARS


def _link_group(anchor: html.HtmlElement) -> html.HtmlElement | None:
    """The block a link sits in: its parent, or the list around it for ``<li><a>`` and the like."""
    parent = anchor.getparent()
    if parent is not None and parent.tag in _LINK_WRAPPERS and len(parent) == 1:
        return parent.getparent()
    return parent


_LINK_WRAPPERS = frozenset({"li", "dd", "dt", "span", "font", "b", "strong", "em", "td"})


def _shell(anchors: list[html.HtmlElement]) -> html.HtmlElement:
    """A detached div holding copies of the anchors, to read their signals together."""
    shell = html.Element("div")
    for anchor in anchors:
        copy = html.Element("a", href=anchor.get("href") or "")
        copy.text = anchor.text_content()
        shell.append(copy)
    return shell


def _drop_anchors(anchors: list[html.HtmlElement]) -> None:
    """Remove the farm's anchors with the bars between them, and wrappers left saying nothing."""
    for anchor in anchors:
        parent = anchor.getparent()
        if anchor.tail and not anchor.tail.strip(_SEPARATORS):
            anchor.tail = None
        anchor.drop_tree()
        while parent is not None and parent.tag not in ("body", "html") and _says_nothing(parent):
            grandparent = parent.getparent()
            parent.drop_tree()
            parent = grandparent


_SEPARATORS = " \t\r\n|｜/、,，"


def _says_nothing(element: html.HtmlElement) -> bool:
    return not element.text_content().strip(_SEPARATORS) and element.getparent() is not None


# --- text post-clean -----------------------------------------------------------------------------


@dataclass
class CleanText:
    """The text after the post-clean, its normalised variant, and what was removed."""

    text: str
    normalised: str
    findings: list[Finding] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)


def page_title(root: html.HtmlElement) -> str:
    """The ``<title>`` as written (a mirror puts its spam words there)."""
    title = root.find(".//title")
    return normalise_space(title.text_content()) if title is not None else ""


def postclean(text: str, url: str, title: str = "") -> CleanText:
    """Remove pinyin glosses, spam lines and sentences and spam place-name runs (chrome lines are
    :mod:`crawler.extract.chrome`'s)."""
    findings: list[Finding] = []
    text, glosses = strip_pinyin_glosses(text)
    if glosses:
        findings.append(Finding(PINYIN_GLOSS, _gloss_evidence(glosses), "text"))
    mirror = mirror_finding(Site.from_url(url), title, text, len(glosses))
    if mirror:
        findings.append(mirror)
    kept: list[str] = []
    kept_normalised: list[str] = []
    lines = list(_with_normalised(text.split("\n")))
    strong = bool(lexicon.current().never_in_report("\n".join(simple for _, simple in lines)))
    for line, simple in lines:
        if is_spam_run(simple, mirror is not None):
            findings.append(Finding(OFFSITE_LINK_FARM, _clip(line), "text"))
            if words := lexicon.current().never_in_report(simple):
                findings.append(Finding(SPAM_KEYWORDS, "、".join(words), "text"))
            continue
        cleaned, removed = cut_spam_sentences(line, simple) if strong else (line, [])
        findings += [Finding(SPAM_KEYWORDS, _clip(sentence), "text") for sentence in removed]
        if cleaned:
            kept.append(cleaned)
            kept_normalised.append(simple if not removed else normalise_text(cleaned))
    return CleanText("\n".join(kept), "\n".join(kept_normalised), findings)


def _with_normalised(lines: list[str]) -> Iterator[tuple[str, str]]:
    """Each line with its normalised form, from one conversion of the whole text when lines align."""
    simple = normalise_text("\n".join(lines)).split("\n")
    if len(simple) != len(lines):
        simple = [normalise_text(line) for line in lines]
    return zip(lines, simple, strict=True)


def strip_pinyin_glosses(text: str) -> tuple[str, list[str]]:
    """Remove ``數(shù)``-style glosses when a page has enough of them to be a mirror's."""
    if "(" not in text and "（" not in text:  # the usual page: spare it the look-behind scan
        return text, []
    glosses = [m.group(1) for m in patterns.PINYIN_GLOSS.finditer(text) if is_pinyin(m.group(1))]
    if len(glosses) < patterns.MIN_PINYIN_GLOSSES:
        return text, []
    stripped = patterns.PINYIN_GLOSS.sub(lambda m: "" if is_pinyin(m.group(1)) else m.group(), text)
    return stripped, glosses


def is_pinyin(token: str) -> bool:
    """One pinyin syllable, with or without tone marks (``shù``, ``zheng``, ``lü``)."""
    plain = _TONELESS.sub("", _decompose(token)).replace("ü", "v")
    return bool(patterns.PINYIN_SYLLABLE.match(plain))


_TONELESS = re.compile(r"[\u0300-\u036f]")
_TONE_MARKED = str.maketrans("āáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜ", "aaaaooooeeeeiiiiuuuuvvvv")


def _decompose(token: str) -> str:
    return token.lower().translate(_TONE_MARKED)


def _gloss_evidence(glosses: list[str]) -> str:
    return f"{len(glosses)} pinyin glosses: " + " ".join(list(dict.fromkeys(glosses))[:8])


def mirror_finding(site: Site, title: str, text: str, glosses: int) -> Finding | None:
    """A copied government page on a non-gov host: ``never_in_report`` words injected into its title, or
    pinyin glosses."""
    if site.is_gov or links.is_official(site.host) or not patterns.GOV_TEXT.search(text):
        return None
    title_words = lexicon.current().never_in_report(normalise_text(title))
    if not title_words and glosses < patterns.MIN_PINYIN_GLOSSES:
        return None
    reasons = [f"host {site.host}"]
    if title_words:
        reasons.append("title says " + "、".join(title_words))
    if glosses:
        reasons.append(f"{glosses} pinyin glosses")
    return Finding(MIRROR, "; ".join(reasons), "page")


def is_spam_run(line: str, mirror: bool) -> bool:
    """A ``地名| 地名| …`` run of a link farm: places with channel fillers or spam words, or on a mirror."""
    if line.startswith(("|", "｜")):  # a table row as the extractor writes it
        return False
    if line.count("|") + line.count("｜") + 1 < patterns.MIN_RUN_TOKENS:  # too few bars to split
        return False
    tokens = [token for token in patterns.BAR_SPLIT.split(line) if token]
    if len(tokens) < patterns.MIN_RUN_TOKENS or any(len(token) > 12 for token in tokens[1:]):
        return False
    words = lexicon.current()
    places = sum(bool(patterns.PLACE_NAME.match(token)) for token in tokens)
    fillers = sum(words.is_channel(token) for token in tokens)
    if places + fillers < links.BARE_SHARE * len(tokens):
        return False
    return mirror or fillers > 0 or bool(words.never_in_report(line))


def cut_spam_sentences(line: str, simple: str) -> tuple[str, list[str]]:
    """The line without its sentences that name a ``never_in_report`` term outside an enforcement
    context (打击, 查处, 整治 … never make a sentence spam), and the sentences cut."""
    if not lexicon.current().never_in_report(simple):
        return line, []
    sentences = [s for s in patterns.SENTENCE_END.split(line) if s]
    removed = [s for s in sentences if links.unshielded_never(normalise_text(s))]
    kept = "".join(s for s in sentences if s not in removed).strip()
    return kept, removed
