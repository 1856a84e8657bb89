"""Small text helpers shared by the extraction stages."""

from __future__ import annotations

import re

from lxml import etree

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")
# A run of _SPACE that is not one plain space: where a substitution would change anything.
_SPACE_TO_COLLAPSE = re.compile(r"[\t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]|  ")
# What str.splitlines ends a line at besides "\n" (some of them _SPACE would also collapse).
_LINE_BREAKS_BUT_NEWLINE = re.compile(r"[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def normalise_space(text: str) -> str:
    """Collapse runs of (also full-width and no-break) spaces into one and strip the ends."""
    if _SPACE_TO_COLLAPSE.search(text) is None:  # most texts: a scan, where a substitution copies
        return text.strip()
    return _SPACE.sub(" ", text).strip()


def collapse_space(text: str) -> str:
    """``normalise_space(" ".join(text.split()))``: after the split only the zero-width spaces that
    ``str.split`` keeps are left for the regex, and they are rare."""
    text = " ".join(text.split())
    return normalise_space(text) if "\u200b" in text or "\ufeff" in text else text


def normalise_lines(text: str) -> str:
    """One paragraph a line: spaces collapsed in each line, blank lines dropped."""
    if _LINE_BREAKS_BUT_NEWLINE.search(text):
        lines = (normalise_space(line) for line in text.splitlines())
        return "\n".join(line for line in lines if line)
    # Only "\n" ends a line, and no run of spaces crosses one: one substitution serves every line.
    lines = (line.strip() for line in _SPACE.sub(" ", text).split("\n"))
    return "\n".join(line for line in lines if line)


def element_text(element: etree._Element) -> str:
    """All the text inside an element: what ``text_content()`` gives (libxml2's node content, the same
    string XPath's ``string()`` reads), a few times faster without the XPath call around it."""
    return str(etree.tostring(element, method="text", encoding=str, with_tail=False))
