"""What a reader of the page does not see: every rule of it in one module (DOMAIN.md §3).

A browser does not show an element that is hidden by its inline style (``display:none`` in any case or
spacing, ``visibility:hidden``, ``opacity:0``, a font of 1px or none, pushed off-screen by negative or
huge offsets or ``text-indent``, zero size with ``overflow:hidden``, clipped away, a transparent colour),
by a rule of the page's own ``<style>`` read with the cascade (:class:`Stylesheet`) or a conventional
hiding class (``.hidden``, ``.d-none`` …), by the ``hidden`` attribute, by a colour (nearly) equal to
its background, a frame of no size, or that is a ``<marquee>``, ``<noscript>`` or ``<template>``. None
of it is text, whatever it says: :mod:`crawler.extract.spam` removes it all and only decides, from
structure and words, whether the removal is recorded as spam or as hidden chrome.

One exception, which real CMSs need: a page whose visible article is empty and whose report sits in a
hidden element that a script shows (:func:`revealed`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import cssselect
from cssselect.parser import Class, CombinedSelector, Element, Hash
from cssselect.xpath import ExpressionError, HTMLTranslator
from lxml import etree, html

from crawler.extract import patterns
from crawler.extract.textutil import normalise_space

# A tag hides what it holds (marquee scrolls it past, noscript is for browsers without script).
TAG = "tag"
STYLE = "style"
STYLESHEET = "stylesheet"
COLOUR = "colour"
ATTRIBUTE = "attribute"


@dataclass(frozen=True)
class Hidden:
    """An outermost hidden element, how it is hidden (``how``: one of the constants) and why."""

    element: html.HtmlElement
    how: str
    reason: str


def compact(style: str) -> str:
    return "".join(style.lower().split()).replace("!important", "")


def css_rules(css: str) -> Iterator[tuple[str, str]]:
    """``(selectors, declarations)`` of each innermost rule; one split, no backtracking regex."""
    for chunk in css.split("}"):
        selectors, brace, declarations = chunk.rpartition("{")
        if brace and selectors.strip():
            yield selectors.rsplit(";", 1)[-1].rsplit("*/", 1)[-1].rsplit("{", 1)[-1], declarations


def screen_css(css: str) -> str:
    """The CSS without the ``@media`` blocks that apply only to some screens or to print (a rule hiding a
    column on phones hides nothing from a reader at a desk)."""
    if "@media" not in css:
        return css
    kept: list[str] = []
    start = 0
    for match in _CONDITIONAL_MEDIA.finditer(css):
        if match.start() < start:
            continue
        depth, end = 1, match.end()
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        kept.append(css[start : match.start()])
        start = end
    return "".join(kept) + css[start:]


_CONDITIONAL_MEDIA = re.compile(r"@media[^{]*(?:width|height|print|orientation|speech)[^{]*\{", re.IGNORECASE)


@dataclass(frozen=True)
class _Rule:
    """One selector of a ``<style>`` rule that hides or shows, sets a colour or a background."""

    selector: str
    match: etree.XPath
    rank: tuple[int, int, int, int, int]  # specificity, <style> block, order: the later of equals wins
    key: str | None  # what an element it matches must have: "#id", ".class", a tag; None: any element
    hides: bool = False
    value: str = ""  # the colour or background


_TRANSLATOR = HTMLTranslator()


@lru_cache(maxsize=4096)
def _compiled(selector: str) -> tuple[etree.XPath, tuple[int, int, int], str | None] | None:
    """A CSS selector as XPath with its specificity and key (:attr:`_Rule.key`), or None (pseudo-elements,
    what cssselect cannot read). Dynamic pseudo-classes (``:hover``) match nothing: a menu shown on
    hover is hidden to a reader."""
    if not selector or "::" in selector or selector.startswith("@"):
        return None
    try:
        (parsed,) = cssselect.parse(selector)
        if parsed.pseudo_element:
            return None
        xpath = etree.XPath(_TRANSLATOR.selector_to_xpath(parsed))
    except (ValueError, cssselect.SelectorError, ExpressionError, etree.XPathError):
        return None
    return xpath, parsed.specificity(), _selector_key(parsed.parsed_tree)


def _selector_key(tree: object) -> str | None:
    """The id, else a class, else the tag that the selector's subject (its rightmost part) requires."""
    while isinstance(tree, CombinedSelector):
        tree = tree.subselector
    found: list[str] = []
    while tree is not None:
        if isinstance(tree, Hash):
            return f"#{tree.id}"
        if isinstance(tree, Class):
            found.insert(0, f".{tree.class_name}")
        elif isinstance(tree, Element):
            if tree.element and tree.element != "*":
                found.append(tree.element.lower())
            break
        tree = getattr(tree, "selector", None)
    return found[0] if found else None


def element_keys(elements: Iterable[html.HtmlElement]) -> set[str]:
    """The keys (:attr:`_Rule.key`) the elements have: ``#id``, ``.class`` and the tag of each."""
    keys: set[str] = set()
    for element in elements:
        keys.add(str(element.tag))
        keys.update(f".{name}" for name in (element.get("class") or "").split())
        if element.get("id"):
            keys.add(f"#{element.get('id')}")
    return keys


class Stylesheet:
    """What the page's own ``<style>`` blocks (and the conventional hiding classes,
    :data:`patterns.HIDDEN_CLASSES`) say of visibility, colour and background, with the cascade:
    of the rules matching an element, the most specific (then the last) decides, so a tab hidden by
    ``.tab-pane`` and shown by ``.tab-pane.active`` is shown; an inline style that shows wins over all.
    Only the rules that can matter are matched against the page: those whose key the elements in
    question have (a page's stylesheet sets colours and layout for hundreds of selectors)."""

    def __init__(self, root: html.HtmlElement) -> None:
        self.display: list[_Rule] = list(_utility_rules())
        self.colours: list[_Rule] = []
        self.backgrounds: list[_Rule] = []
        for block, style in enumerate(root.iter("style")):
            display, colours, backgrounds = _style_rules(style.text or "", block)
            self.display += display
            self.colours += colours
            self.backgrounds += backgrounds

    def hidden(self, tree: html.HtmlElement) -> dict[html.HtmlElement, str]:
        """The elements of ``tree`` (the page, or markup a script writes) the rules hide, with why."""
        hiding = [rule for rule in self.display if rule.hides]
        if not hiding:
            return {}
        keys = {f".{name}" for value in _CLASSES(tree) for name in str(value).split()}
        keys |= {f"#{value}" for value in _IDS(tree)}
        hiding = [rule for rule in hiding if rule.key is None or rule.key[0] not in ".#" or rule.key in keys]
        winner = self.winning(hiding, tree)
        if not winner:
            return {}
        showing = [rule for rule in self.display if not rule.hides]
        for element, rule in self.winning(showing, tree, element_keys(winner)).items():
            if element in winner and rule.rank > winner[element].rank:
                winner[element] = rule
        return {
            element: f"{rule.selector} hidden by <style>"
            for element, rule in winner.items()
            if rule.hides and not _inline_shows(element)
        }

    @staticmethod
    def winning(
        rules: list[_Rule], tree: html.HtmlElement, keys: set[str] | None = None
    ) -> dict[html.HtmlElement, _Rule]:
        """The rule that wins for each element it matches (the most specific, then the last); with
        ``keys``, only the rules an element with one of those keys can match."""
        best: dict[html.HtmlElement, _Rule] = {}
        for rule in rules:
            if keys is not None and rule.key is not None and rule.key not in keys:
                continue
            for element in rule.match(tree):
                if element not in best or rule.rank > best[element].rank:
                    best[element] = rule
        return best


# Every class attribute and id of a tree (one XPath call each, not a walk in Python).
_CLASSES = etree.XPath("descendant-or-self::*/@class", smart_strings=False)
_IDS = etree.XPath("descendant-or-self::*/@id", smart_strings=False)


@lru_cache(maxsize=256)
def _style_rules(css: str, block: int) -> tuple[tuple[_Rule, ...], tuple[_Rule, ...], tuple[_Rule, ...]]:
    """The rules of the page's ``block``-th ``<style>`` that hide or show, set a colour, set a background
    (a site's pages repeat the same blocks in the same places: each is read once)."""
    display: list[_Rule] = []
    colours: list[_Rule] = []
    backgrounds: list[_Rule] = []
    order = 0
    for selectors, declarations in css_rules(screen_css(css)):
        compacted = compact(declarations)
        hiding = hides(compacted)
        showing = not hiding and bool(patterns.SHOWN_STYLE.search(compacted))
        colour = patterns.STYLE_COLOR.search(compacted)
        background = _background(compacted)
        if not (hiding or showing or colour or background is not None):
            continue
        for selector in selectors.split(","):
            name = " ".join(selector.split())
            if (compiled := _compiled(name)) is None:
                continue
            order += 1
            match, specificity, key = compiled
            rank = (*specificity, block, order)
            if hiding or showing:
                display.append(_Rule(name, match, rank, key, hides=hiding))
            if colour:
                colours.append(_Rule(name, match, rank, key, value=colour.group(1)))
            if background is not None:
                backgrounds.append(_Rule(name, match, rank, key, value=background))
    return tuple(display), tuple(colours), tuple(backgrounds)


@lru_cache(maxsize=1)
def _utility_rules() -> tuple[_Rule, ...]:
    """The conventional hiding classes (:data:`patterns.HIDDEN_CLASSES`) as rules that come before the
    page's own, which may show them again."""
    rules = []
    for name in patterns.HIDDEN_CLASSES:
        compiled = _compiled(f".{name}")
        assert compiled is not None
        match, (a, b, c), key = compiled
        rules.append(_Rule(f".{name}", match, (a, b, c, -1, 0), key, hides=True))
    return tuple(rules)


def _inline_shows(element: html.HtmlElement) -> bool:
    style = element.get("style")
    return bool(style) and bool(patterns.SHOWN_STYLE.search(compact(style)))


@lru_cache(maxsize=4096)
def hides(style: str) -> bool:
    """Whether compacted CSS declarations hide the element (pages repeat a few styles a thousand times)."""
    if patterns.HIDDEN_STYLE.search(style):
        return True
    if patterns.POSITIONED_STYLE.search(style) and patterns.FAR_OFFSET_STYLE.search(style):
        return True
    if patterns.ZERO_SIZE_STYLE.search(style) and patterns.OVERFLOW_HIDDEN_STYLE.search(style):
        return True
    colour = patterns.STYLE_COLOR.search(style)
    background = patterns.STYLE_BACKGROUND.search(style)
    return bool(colour and background and same_colour(colour.group(1), background.group(1)))


@lru_cache(maxsize=4096)
def style_hides(style: str) -> bool:
    """:func:`hides` of a ``style`` attribute as written."""
    return hides(compact(style))


@lru_cache(maxsize=1024)
def hex_colour(value: str) -> str | None:
    """``#fff``, ``#FFFFFF``, ``white``, ``rgb(255,255,255)`` → ``#ffffff``; None when unreadable."""
    value = value.strip().lower()
    value = patterns.COLOUR_NAMES.get(value, value)
    if match := re.fullmatch(r"#([0-9a-f]{3})", value):
        return "#" + "".join(char * 2 for char in match.group(1))
    if re.fullmatch(r"#[0-9a-f]{6}", value):
        return value
    if match := re.fullmatch(r"rgba?\((\d+),(\d+),(\d+)(?:,[\d.]+)?\)", value.replace(" ", "")):
        return "#" + "".join(f"{min(int(part), 255):02x}" for part in match.groups())
    return None


def same_colour(one: str, other: str) -> bool:
    """One colour to a reader: each channel within :data:`patterns.MAX_COLOUR_DIFFERENCE`."""
    first, second = _rgb(one), _rgb(other)
    if first is None or second is None:
        return False
    return all(abs(a - b) <= patterns.MAX_COLOUR_DIFFERENCE for a, b in zip(first, second, strict=True))


@lru_cache(maxsize=1024)
def _rgb(value: str) -> tuple[int, int, int] | None:
    if (hexed := hex_colour(value)) is None:
        return None
    return int(hexed[1:3], 16), int(hexed[3:5], 16), int(hexed[5:7], 16)


def _own_colour(element: html.HtmlElement) -> str | None:
    if match := patterns.STYLE_COLOR.search(compact(element.get("style") or "")):
        return match.group(1)
    return element.get("color") if element.tag == "font" else None


def _background(declarations: str) -> str | None:
    """The background colour compacted declarations set, ``""`` for an image or a gradient (a backdrop
    of unknown colour), None when they set none."""
    if match := patterns.STYLE_BACKGROUND.search(declarations):
        return match.group(1)
    return "" if "background" in declarations else None


def _own_background(element: html.HtmlElement) -> str | None:
    if (own := _background(compact(element.get("style") or ""))) is not None:
        return own
    bgcolor = element.get("bgcolor")
    return str(bgcolor) if bgcolor else None


def page_background(root: html.HtmlElement) -> str:
    """The page's background: ``<body bgcolor|style>``, a ``body{background…}`` rule, else white."""
    return _page_backdrop(root)[0]


def _page_backdrop(root: html.HtmlElement) -> tuple[str, bool]:
    """:func:`page_background`, and whether the page says it (else white is a guess)."""
    body = root.find("body")
    if body is not None and (own := _own_background(body)):
        return own, True
    for style in root.iter("style"):
        for selectors, declarations in css_rules(style.text or ""):
            is_body = "body" in [s.strip().lower() for s in selectors.split(",")]
            if is_body and (match := patterns.STYLE_BACKGROUND.search(compact(declarations))):
                return match.group(1), True
    return "#ffffff", False


def colour_hidden(
    root: html.HtmlElement, sheet: Stylesheet | None = None
) -> Iterator[tuple[html.HtmlElement, str]]:
    """Elements written in (nearly) the colour of the background behind them, with that colour: the
    colour inline, of ``<font color>`` or of a ``<style>`` rule; the background the nearest one of the
    element or an ancestor (inline, ``bgcolor`` or a rule; an image counts as unknown, never hidden),
    else the page's. A colour a rule gives is judged only against a backdrop the page states, or when
    no stylesheet of its own lies elsewhere: white text of a red-themed page whose red comes from its
    linked stylesheet is what a reader reads."""
    sheet = sheet if sheet is not None else Stylesheet(root)
    backdrop, stated = _page_backdrop(root)
    guessing = not stated and bool(patterns.LINKED_STYLESHEET(root))
    by_rule: dict[html.HtmlElement, str] = {}
    near = [rule for rule in sheet.colours if same_colour(rule.value, backdrop)]
    if near and (matched := Stylesheet.winning(near, root)):
        final = Stylesheet.winning(sheet.colours, root, element_keys(matched))  # a later rule may win
        by_rule = {e: r.value for e, r in final.items() if e in matched}
    inline = {e: colour for e in patterns.COLOURED(root) if (colour := _own_colour(e))}
    suspects: list[tuple[html.HtmlElement, str, list[html.HtmlElement], str | None]] = []
    for element, colour in [*inline.items(), *((e, c) for e, c in by_rule.items() if e not in inline)]:
        if element.tag in ("html", "body") or not normalise_space(element.text_content()):
            continue
        chain: list[html.HtmlElement] = []  # the element and its ancestors below the nearest inline backdrop
        behind: str | None = None
        for holder in (element, *element.iterancestors()):
            if (own := _own_background(holder)) is not None:
                behind = own
                break
            chain.append(holder)
        if same_colour(colour, behind if behind is not None else backdrop):
            suspects.append((element, colour, chain, behind))
    if not suspects:
        return
    # a rule may give a backdrop below the inline one: the rules any of the chains can match, at once
    keys = element_keys(holder for _, _, chain, _ in suspects for holder in chain)
    rules = Stylesheet.winning(sheet.backgrounds, root, keys) if sheet.backgrounds else {}
    for element, colour, chain, behind in suspects:
        behind = next((rules[holder].value for holder in chain if holder in rules), behind)
        if behind is None and guessing and element not in inline:
            continue
        if same_colour(colour, behind if behind is not None else backdrop):
            yield element, colour


def hiding_reason(element: html.HtmlElement, sheet: dict[html.HtmlElement, str]) -> tuple[str, str] | None:
    """How and why the element is invisible to a reader, or None when it is shown. ``sheet``: the
    elements the page's ``<style>`` hides (:meth:`Stylesheet.hidden`)."""
    if element.tag in patterns.HIDING_TAGS:
        return TAG, f"<{element.tag}>"
    if element.get("hidden") is not None:
        return ATTRIBUTE, "hidden attribute"
    if element.tag == "iframe" and patterns.ZERO_SIZE_FRAME_TEST(element):
        return ATTRIBUTE, "zero-size frame"
    style = element.get("style")
    if style and style_hides(style):
        return STYLE, f'style="{normalise_space(style)}"'
    if element in sheet:
        return STYLESHEET, sheet[element]
    return None


def hidden_elements(root: html.HtmlElement, sheet: Stylesheet | None = None) -> list[Hidden]:
    """Outermost hidden elements with how and why, in document order."""
    sheet = sheet if sheet is not None else Stylesheet(root)
    by_sheet = sheet.hidden(root)
    found: dict[html.HtmlElement, Hidden] = {}
    for element in [*_hiding_candidates(root), *by_sheet]:
        if element.tag in ("html", "body") or element in found:
            continue
        if reason := hiding_reason(element, by_sheet):
            found[element] = Hidden(element, *reason)
    for element, colour in colour_hidden(root, sheet):
        if element not in found:
            found[element] = Hidden(element, COLOUR, f"colour {colour} on its background")
    if not found:
        return []
    outermost = [
        hidden for element, hidden in found.items() if not any(a in found for a in element.iterancestors())
    ]
    order = {element: index for index, element in enumerate(root.iter())}
    return sorted(outermost, key=lambda hidden: order.get(hidden.element, 0))


def _hiding_candidates(root: html.HtmlElement) -> list[html.HtmlElement]:
    """The elements a hiding tag, attribute or inline style may hide, in document order (most pages
    style nearly every element, and judging each one was most of the pre-clean)."""
    attributes = patterns.STYLE_ATTRIBUTES(root)
    hiding = {str(style) for style in set(attributes) if style and style_hides(str(style))}
    if not (marked := patterns.HIDING_MARKED(root)):  # the usual page: the hiding styles' elements alone
        return [style.getparent() for style in attributes if style in hiding]
    if not hiding:
        return list(marked)
    styles = sorted(hiding)  # both kinds: libxml2 merges them in document order
    tests = "".join(patterns.HIDING_STYLE_TEST.format(index=index) for index in range(len(styles)))
    variables = {f"style{index}": style for index, style in enumerate(styles)}
    return list(root.xpath(patterns.HIDING_CANDIDATES_STYLED.format(styles=tests), **variables))


def hidden_inside(fragment: html.HtmlElement, sheet: Stylesheet | None = None) -> Hidden | None:
    """The first hidden element of a detached fragment (markup a script writes), by inline style, tag,
    attribute — the attribute form included: ``<div style="display:none">`` — or a rule of the page's
    own ``<style>`` (``sheet``)."""
    by_sheet = sheet.hidden(fragment) if sheet is not None else {}
    for element in fragment.iter():
        if isinstance(element.tag, str) and (reason := hiding_reason(element, by_sheet)):
            return Hidden(element, *reason)
    return None


def prose_chars(text: str) -> int:
    """Characters of the text's sentences (runs ending in 。 of at least 15 characters)."""
    return sum(len(s) for s in re.split(r"(?<=。)", normalise_space(text)) if len(s) >= 15 and s[-1] == "。")


def revealed(root: html.HtmlElement, hidden: list[Hidden], is_clean: dict[int, bool]) -> Hidden | None:
    """The hidden block a script shows as the page's report, when the visible page has no report of its own.

    A candidate is hidden by style, class or attribute (not a marquee or noscript), holds report prose
    (:data:`patterns.REPORT_PROSE` twice, :data:`patterns.MIN_REVEAL_CHARS` of sentences) and no spam
    signal (``is_clean``, keyed by ``id()`` of the element); it is kept only when the rest of the page
    shows under a fifth of its prose (a read-aloud copy beside the visible article is not kept)."""
    candidates = []
    for block in hidden:
        if block.how == TAG or not is_clean.get(id(block.element), False):
            continue
        text = block.element.text_content()
        prose = prose_chars(text)
        if prose >= patterns.MIN_REVEAL_CHARS and len(patterns.REPORT_PROSE.findall(text)) >= 2:
            candidates.append((prose, block))
    if not candidates:
        return None
    prose, best = max(candidates, key=lambda pair: pair[0])
    body = root.find("body")
    total = prose_chars(body.text_content()) if body is not None else 0
    visible = total - sum(prose_chars(block.element.text_content()) for block in hidden)
    return best if visible < prose / 5 else None
