"""What a reader of the page does not see: every rule of it in one module (DOMAIN.md §3).

A browser does not show an element that is hidden by its inline style (``display:none`` in any case or
spacing, ``visibility:hidden``, ``opacity:0``, no font, pushed off-screen by negative or huge offsets
or ``text-indent``, zero size with ``overflow:hidden``, clipped away), by a class or id rule of the
page's own ``<style>``, by the ``hidden`` attribute, by a colour equal to its background, or that is a
``<marquee>``, ``<noscript>`` or ``<template>``. None of it is text, whatever it says:
:mod:`crawler.extract.spam` removes it all and only decides, from structure and words, whether the
removal is recorded as spam or as hidden chrome.

One exception, which real CMSs need: a page whose visible article is empty and whose report sits in a
hidden element that a script shows (:func:`revealed`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from lxml import html

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


def hidden_selectors(root: html.HtmlElement) -> tuple[set[str], set[str]]:
    """Classes and ids that the page's own ``<style>`` blocks hide (simple selectors only)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for style in root.iter("style"):
        for selectors, declarations in css_rules(screen_css(style.text or "")):
            simple = [m for s in selectors.split(",") if (m := patterns.CSS_SIMPLE_SELECTOR.match(s.strip()))]
            if not simple or not hides(compact(declarations)):
                continue
            for match in simple:
                (classes if match.group(1) == "." else ids).add(match.group(2))
    return classes, ids


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
    first, second = hex_colour(one), hex_colour(other)
    return first is not None and first == second


def _own_colour(element: html.HtmlElement) -> str | None:
    if match := patterns.STYLE_COLOR.search(compact(element.get("style") or "")):
        return match.group(1)
    return element.get("color") if element.tag == "font" else None


def _own_background(element: html.HtmlElement) -> str | None:
    if match := patterns.STYLE_BACKGROUND.search(compact(element.get("style") or "")):
        return match.group(1)
    bgcolor = element.get("bgcolor")
    return str(bgcolor) if bgcolor else None


def page_background(root: html.HtmlElement) -> str:
    """The page's background: ``<body bgcolor|style>``, a ``body{background…}`` rule, else white."""
    body = root.find("body")
    if body is not None and (own := _own_background(body)):
        return own
    for style in root.iter("style"):
        for selectors, declarations in css_rules(style.text or ""):
            is_body = "body" in [s.strip().lower() for s in selectors.split(",")]
            if is_body and (match := patterns.STYLE_BACKGROUND.search(compact(declarations))):
                return match.group(1)
    return "#ffffff"


def colour_hidden(root: html.HtmlElement) -> Iterator[html.HtmlElement]:
    """Elements written in the colour of the background behind them (the nearest inline background
    or ``bgcolor`` of the element or an ancestor, else the page's)."""
    backdrop = page_background(root)
    for element in patterns.COLOURED(root):
        colour = _own_colour(element)
        if not colour or not normalise_space(element.text_content()):
            continue
        behind = backdrop
        for ancestor in element.iterancestors():
            if own := _own_background(ancestor):
                behind = own
                break
        if own := _own_background(element):
            behind = own
        if same_colour(colour, behind):
            yield element


def hiding_reason(element: html.HtmlElement, classes: set[str], ids: set[str]) -> tuple[str, str] | None:
    """How and why the element is invisible to a reader, or None when it is shown."""
    if element.tag in patterns.HIDING_TAGS:
        return TAG, f"<{element.tag}>"
    if element.get("hidden") is not None:
        return ATTRIBUTE, "hidden attribute"
    style = element.get("style")
    if style and style_hides(style):
        return STYLE, f'style="{normalise_space(style)}"'
    if ids and element.get("id") in ids:
        return STYLESHEET, f"#{element.get('id')} hidden by <style>"
    hidden_classes = classes.intersection((element.get("class") or "").split()) if classes else set()
    if hidden_classes:
        return STYLESHEET, f".{sorted(hidden_classes)[0]} hidden by <style>"
    return None


def hidden_elements(root: html.HtmlElement) -> list[Hidden]:
    """Outermost hidden elements with how and why, in document order."""
    classes, ids = hidden_selectors(root)
    found: dict[html.HtmlElement, Hidden] = {}
    for element in _hiding_candidates(root, classes, ids):
        if element.tag in ("html", "body"):
            continue
        if reason := hiding_reason(element, classes, ids):
            found[element] = Hidden(element, *reason)
    for element in colour_hidden(root):
        if element.tag not in ("html", "body") and element not in found:
            found[element] = Hidden(element, COLOUR, f"colour {_own_colour(element)} on its background")
    if not found:
        return []
    outermost = [
        hidden for element, hidden in found.items() if not any(a in found for a in element.iterancestors())
    ]
    order = {element: index for index, element in enumerate(root.iter())}
    return sorted(outermost, key=lambda hidden: order.get(hidden.element, 0))


def _hiding_candidates(root: html.HtmlElement, classes: set[str], ids: set[str]) -> list[html.HtmlElement]:
    """The elements :func:`hiding_reason` may find hidden, in document order: with no class or id hidden
    by the page's ``<style>``, only those with a hiding tag, attribute or style (most pages style
    nearly every element, and judging each one was most of the pre-clean)."""
    if classes or ids:
        return list(patterns.HIDING_CANDIDATES(root))
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


def hidden_inside(fragment: html.HtmlElement) -> Hidden | None:
    """The first hidden element of a detached fragment (markup a script writes), by inline style, tag
    or attribute — the attribute form included: ``<div style="display:none">``."""
    for element in fragment.iter():
        if isinstance(element.tag, str) and (reason := hiding_reason(element, set(), set())):
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
