"""Injected spam and page chrome: found, removed and recorded, never silently (DOMAIN.md §3).

Tampered government pages carry gambling/porn link blocks (暗链) hidden by style, by a class hidden in
the page's own ``<style>``, by ``<marquee>``, written by ``document.write`` or stuck after ``</html>``;
mirrors copy whole reports to other hosts with pinyin glosses and place-name link farms. Real pages
also hide perfectly legitimate things (menus, read-aloud copies, the 党政机关 badge), and link other
government sites and list place names. So hidden-ness, or an off-site link, is never spam alone: a
block is spam when what it says (spam words) or where it links (a farm of off-site anchors named for
places) says so too.

Two passes, both pure functions: :func:`preclean` on the parsed tree before scripts and styles are
dropped, :func:`postclean` on the extracted text. Each returns :class:`Finding` records
(``kind``, ``evidence``, ``where``) for everything it removed as spam; chrome lines it removes are
listed apart, as they are boilerplate, not spam.
"""

from __future__ import annotations

import re
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from lxml import etree, html

from crawler.extract import patterns
from crawler.extract.normalise import normalise_text
from crawler.extract.textutil import normalise_space

HIDDEN_ELEMENT = "hidden_element"
OFFSITE_LINK_FARM = "offsite_link_farm"
SPAM_KEYWORDS = "spam_keywords"
SCRIPT_INJECTION = "script_injection"
PINYIN_GLOSS = "pinyin_gloss"
MIRROR = "mirror"
AFTER_HTML = "after_html"

# Enough off-site anchors in one block to call it a farm (with place names or spam words in them).
MIN_FARM_ANCHORS = 5
# Off-site anchors next to spam words that make the block a link farm as well.
MIN_SPAM_LINKS = 3
# Share of a farm's anchors named for places.
PLACE_SHARE = 0.6
EVIDENCE_CHARS = 120


@dataclass(frozen=True)
class Finding:
    """One removal: what kind of spam, what showed it, and where on the page it was."""

    kind: str
    evidence: str
    where: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Site:
    """The page's own host; it and every ``gov.cn`` host count as "the site"."""

    host: str

    @classmethod
    def from_url(cls, url: str) -> Site:
        return cls(_bare_host(urllib.parse.urlsplit(url).hostname or ""))

    @property
    def is_gov(self) -> bool:
        return bool(patterns.GOV_HOST.search(self.host))

    def offsite_host(self, href: str | None) -> str | None:
        """The host of ``href`` when it is off the site (not this host, not gov.cn), else None."""
        if not href or not href.strip().lower().startswith(("http:", "https:", "//")):
            return None
        try:
            host = _bare_host(urllib.parse.urlsplit(href.strip()).hostname or "")
        except ValueError:
            return None
        if not host or host == self.host or patterns.GOV_HOST.search(host):
            return None
        return host


@dataclass
class Signals:
    """What a suspect block says and where it links."""

    strong_words: list[str] = field(default_factory=list)
    link_weak_words: list[str] = field(default_factory=list)
    offsite_hosts: list[str] = field(default_factory=list)
    offsite_places: int = 0
    fillers: int = 0

    @property
    def keywords(self) -> list[str]:
        if self.strong_words:
            return self.strong_words
        return self.link_weak_words if len(self.link_weak_words) >= 2 else []

    @property
    def is_place_farm(self) -> bool:
        count = len(self.offsite_hosts)
        return count >= MIN_FARM_ANCHORS and self.offsite_places + self.fillers >= PLACE_SHARE * count

    @property
    def is_spam(self) -> bool:
        return bool(self.keywords) or self.is_place_farm

    def findings(self, where: str) -> list[Finding]:
        """The keyword and link-farm findings these signals support."""
        found = []
        if self.keywords:
            found.append(Finding(SPAM_KEYWORDS, "、".join(self.keywords), where))
        if self.is_place_farm or (self.keywords and len(self.offsite_hosts) >= MIN_SPAM_LINKS):
            found.append(Finding(OFFSITE_LINK_FARM, _hosts_evidence(self.offsite_hosts), where))
        return found


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _hosts_evidence(hosts: list[str]) -> str:
    distinct = list(dict.fromkeys(hosts))
    shown = ", ".join(distinct[:4]) + (f" … ({len(distinct)} hosts)" if len(distinct) > 4 else "")
    return f"{len(hosts)} off-site links: {shown}"


def _clip(text: str) -> str:
    text = normalise_space(text)
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1] + "…"


def spam_words(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Distinct spam words of ``pattern`` in ``text``, in order of appearance."""
    return list(dict.fromkeys(match.group().lower() for match in pattern.finditer(text)))


def is_place_name(text: str) -> bool:
    return bool(patterns.PLACE_NAME.match(text.strip()))


def signals(block: html.HtmlElement, site: Site) -> Signals:
    """Spam words in the block's text, weak ones in its link texts, and its off-site anchors."""
    found = Signals(strong_words=spam_words(block.text_content(), patterns.SPAM_STRONG))
    link_texts = []
    for anchor in block.iter("a"):
        label = normalise_space(anchor.text_content() + " " + (anchor.get("title") or ""))
        link_texts.append(label)
        if host := site.offsite_host(anchor.get("href")):
            found.offsite_hosts.append(host)
            text = normalise_space(anchor.text_content())
            found.offsite_places += is_place_name(text)
            found.fillers += text in patterns.SPAM_FARM_FILLERS
    found.link_weak_words = spam_words(" ".join(link_texts), patterns.SPAM_WEAK)
    return found


# --- DOM pre-clean -------------------------------------------------------------------------------


def preclean(root: html.HtmlElement, body: bytes, encoding: str, url: str) -> list[Finding]:
    """Find and remove injected spam in the tree (in place); run it before scripts are dropped."""
    site = Site.from_url(url)
    findings = after_html_spam(body, encoding, site)
    findings += script_injections(root, site)
    findings += hidden_spam(root, site)
    findings += link_farms(root, site)
    return findings


def _where(element: html.HtmlElement) -> str:
    return str(element.getroottree().getpath(element))


def after_html_spam(body: bytes, encoding: str, site: Site) -> list[Finding]:
    """Markup after the last ``</html>`` (lxml drops it; browsers show it) that is spam."""
    ends = list(patterns.HTML_END.finditer(body))
    if not ends:
        return []
    tail = body[ends[-1].end() :].decode(encoding, errors="replace").strip()
    if not tail:
        return []
    block = _fragment(tail)
    if block is None:
        return []
    found = signals(block, site)
    if not (found.is_spam or len(found.offsite_hosts) >= MIN_SPAM_LINKS):
        return []
    where = "after </html>"
    return [Finding(AFTER_HTML, _clip(block.text_content()), where), *found.findings(where)]


def _fragment(markup: str) -> html.HtmlElement | None:
    try:
        return html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return None


def script_injections(root: html.HtmlElement, site: Site) -> list[Finding]:
    """``document.write`` calls that write spam (typically a hidden div of spam links); removed."""
    findings: list[Finding] = []
    for script in list(root.iter("script")):
        code = script.text or ""
        if not patterns.DOCUMENT_WRITE.search(code):
            continue
        markup = written_markup(code)
        if not _worth_parsing(markup) or (block := _fragment(markup)) is None:
            continue
        found = signals(block, site)
        hides = bool(patterns.HIDDEN_STYLE.search(_compact(markup)))
        if found.is_spam or (hides and len(found.offsite_hosts) >= MIN_SPAM_LINKS):
            where = _where(script)
            findings += [
                Finding(SCRIPT_INJECTION, _clip(block.text_content()), where),
                *found.findings(where),
            ]
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


def _worth_parsing(markup: str) -> bool:
    """Cheap test before parsing: markup with spam words or several links."""
    return "<" in markup and (
        bool(patterns.SPAM_STRONG.search(markup)) or markup.lower().count("href") >= MIN_SPAM_LINKS
    )


def _compact(style: str) -> str:
    return "".join(style.lower().split())


def hidden_selectors(root: html.HtmlElement) -> tuple[set[str], set[str]]:
    """Classes and ids that the page's own ``<style>`` blocks hide (simple selectors only)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for style in root.iter("style"):
        for selectors, declarations in css_rules(style.text or ""):
            simple = [m for s in selectors.split(",") if (m := patterns.CSS_SIMPLE_SELECTOR.match(s.strip()))]
            if not simple or not _hides(_compact(declarations)):
                continue
            for match in simple:
                (classes if match.group(1) == "." else ids).add(match.group(2))
    return classes, ids


def css_rules(css: str) -> Iterator[tuple[str, str]]:
    """``(selectors, declarations)`` of each innermost rule; one split, no backtracking regex."""
    for chunk in css.split("}"):
        selectors, brace, declarations = chunk.rpartition("{")
        if brace and selectors.strip():
            yield selectors.rsplit(";", 1)[-1].rsplit("*/", 1)[-1], declarations


@lru_cache(maxsize=4096)
def _hides(style: str) -> bool:
    """Whether compacted CSS declarations hide the element (pages repeat a few styles a thousand times)."""
    if patterns.HIDDEN_STYLE.search(style):
        return True
    if patterns.ZERO_SIZE_STYLE.search(style) and patterns.OVERFLOW_HIDDEN_STYLE.search(style):
        return True
    colour = patterns.STYLE_COLOR.search(style)
    background = patterns.STYLE_BACKGROUND.search(style)
    return bool(colour and background and colour.group(1) == background.group(1))


@lru_cache(maxsize=4096)
def _style_hides(style: str) -> bool:
    """:func:`_hides` of a ``style`` attribute as written: compacting the same few styles again on
    every element was most of the hidden-element scan."""
    return _hides(_compact(style))


def hiding_reason(element: html.HtmlElement, classes: set[str], ids: set[str]) -> str | None:
    """Why the element is invisible to a reader, or None when it is shown."""
    if element.tag in patterns.HIDING_TAGS:
        return f"<{element.tag}>"
    if element.get("hidden") is not None:
        return "hidden attribute"
    style = element.get("style")
    if style and _style_hides(style):
        return f'style="{normalise_space(style)}"'
    if ids and element.get("id") in ids:
        return f"#{element.get('id')} hidden by <style>"
    hidden_classes = classes.intersection((element.get("class") or "").split()) if classes else set()
    if hidden_classes:
        return f".{sorted(hidden_classes)[0]} hidden by <style>"
    return None


def _hidden_blocks(root: html.HtmlElement) -> Iterator[tuple[html.HtmlElement, str]]:
    """Outermost hidden elements with their reason, in document order."""
    classes, ids = hidden_selectors(root)
    inside: set[html.HtmlElement] = set()
    for element in _hiding_candidates(root, classes, ids):
        if element in inside or element.tag in ("html", "body"):
            continue
        if reason := hiding_reason(element, classes, ids):
            inside.update(element.iterdescendants())
            yield element, reason


def _hiding_candidates(root: html.HtmlElement, classes: set[str], ids: set[str]) -> list[html.HtmlElement]:
    """The elements :func:`hiding_reason` may find hidden, in document order: with no class or id hidden
    by the page's ``<style>``, only those with a hiding tag, attribute or style (most pages style
    nearly every element, and judging each one was most of the pre-clean)."""
    if classes or ids:
        return list(patterns.HIDING_CANDIDATES(root))
    attributes = patterns.STYLE_ATTRIBUTES(root)
    hiding = {str(style) for style in set(attributes) if style and _style_hides(str(style))}
    if not (marked := patterns.HIDING_MARKED(root)):  # the usual page: the hiding styles' elements alone
        return [style.getparent() for style in attributes if style in hiding]
    if not hiding:
        return list(marked)
    styles = sorted(hiding)  # both kinds: libxml2 merges them in document order
    tests = "".join(patterns.HIDING_STYLE_TEST.format(index=index) for index in range(len(styles)))
    variables = {f"style{index}": style for index, style in enumerate(styles)}
    return list(root.xpath(patterns.HIDING_CANDIDATES_STYLED.format(styles=tests), **variables))


def hidden_spam(root: html.HtmlElement, site: Site) -> list[Finding]:
    """Hidden blocks that also hold spam words or an off-site place-name farm; removed."""
    findings: list[Finding] = []
    for element, reason in list(_hidden_blocks(root)):
        found = signals(element, site)
        if not found.is_spam:
            continue
        where = _where(element)
        evidence = f"{reason}: {_clip(element.text_content())}"
        findings += [Finding(HIDDEN_ELEMENT, evidence, where), *found.findings(where)]
        element.drop_tree()
    return findings


def link_farms(root: html.HtmlElement, site: Site) -> list[Finding]:
    """Visible clusters of off-site anchors named for places or spam; the anchors are removed."""
    groups: dict[html.HtmlElement, list[html.HtmlElement]] = defaultdict(list)
    for anchor in root.iter("a"):
        if site.offsite_host(anchor.get("href")) and (group := _link_group(anchor)) is not None:
            groups[group].append(anchor)
    findings: list[Finding] = []
    for parent, anchors in groups.items():
        found = signals(_shell(anchors), site)
        if not found.is_spam:
            continue
        where = _where(parent)
        findings += found.findings(where) or [Finding(OFFSITE_LINK_FARM, "", where)]
        _drop_anchors(anchors)
    return findings


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
    strong = may_hold_strong_words("\n".join(simple for _, simple in lines))
    for line, simple in lines:
        if is_spam_run(simple, mirror is not None):
            findings.append(Finding(OFFSITE_LINK_FARM, _clip(line), "text"))
            if words := spam_words(simple, patterns.SPAM_STRONG):
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


def may_hold_strong_words(text: str) -> bool:
    """Whether ``SPAM_STRONG`` may match in ``text``: a substring test per word on the lower-cased
    text, ~30 µs where the case-blind regex takes ~1 ms on a report. Never wrong when it says no:
    ``lower()`` turns every character the regex takes for a word's letter into that letter (``PK10``,
    the Kelvin sign) as long as the words hold no ``i`` or ``s`` (their dotless/long forms stay)."""
    lowered = text.lower()
    return any(word in lowered for word in patterns.SPAM_STRONG_LOWER)


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
    """A copied government page on a non-gov host: spam words in its title, or pinyin glosses."""
    if site.is_gov or not patterns.GOV_TEXT.search(text):
        return None
    title_words = spam_words(normalise_text(title), patterns.SPAM_STRONG)
    if not title_words and glosses < patterns.MIN_PINYIN_GLOSSES:
        return None
    reasons = [f"host {site.host}"]
    if title_words:
        reasons.append("title says " + "、".join(title_words))
    if glosses:
        reasons.append(f"{glosses} pinyin glosses")
    return Finding(MIRROR, "; ".join(reasons), "page")


def is_spam_run(line: str, mirror: bool) -> bool:
    """A ``地名| 地名| …`` run of a link farm: places with spam fillers or words, or on a mirror."""
    if line.startswith(("|", "｜")):  # a table row as the extractor writes it
        return False
    if line.count("|") + line.count("｜") + 1 < patterns.MIN_RUN_TOKENS:  # too few bars to split
        return False
    tokens = [token for token in patterns.BAR_SPLIT.split(line) if token]
    if len(tokens) < patterns.MIN_RUN_TOKENS or any(len(token) > 12 for token in tokens[1:]):
        return False
    places = sum(is_place_name(token) for token in tokens)
    fillers = sum(token in patterns.SPAM_FARM_FILLERS for token in tokens)
    if places + fillers < PLACE_SHARE * len(tokens):
        return False
    return mirror or fillers > 0 or bool(patterns.SPAM_STRONG.search(line))


def cut_spam_sentences(line: str, simple: str) -> tuple[str, list[str]]:
    """The line without its sentences that carry strong spam words, and the sentences cut."""
    if not patterns.SPAM_STRONG.search(simple):
        return line, []
    sentences = [s for s in patterns.SENTENCE_END.split(line) if s]
    removed = [s for s in sentences if patterns.SPAM_STRONG.search(normalise_text(s))]
    kept = "".join(s for s in sentences if s not in removed).strip()
    return kept, removed


def as_records(findings: Iterable[Finding]) -> list[dict[str, str]]:
    """Findings as the JSON contract's ``spam`` list, each (kind, where, evidence) once."""
    unique = dict.fromkeys(findings)
    return [finding.as_dict() for finding in unique]
