"""Small text helpers shared by the extraction stages."""

from __future__ import annotations

import re

from lxml import etree

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def normalise_space(text: str) -> str:
    """Collapse runs of (also full-width and no-break) spaces into one and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def normalise_lines(text: str) -> str:
    """One paragraph a line: spaces collapsed in each line, blank lines dropped."""
    lines = (normalise_space(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def squeeze_blank_lines(text: str) -> str:
    return _BLANK_LINES.sub("\n", text).strip()


def element_text(element: etree._Element) -> str:
    """All the text inside an element: what ``text_content()`` gives (libxml2's node content, the same
    string XPath's ``string()`` reads), a few times faster without the XPath call around it."""
    return str(etree.tostring(element, method="text", encoding=str, with_tail=False))
