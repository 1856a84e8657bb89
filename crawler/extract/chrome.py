"""Page chrome left in a text: told by a line's shape and place, never by a word anywhere.

Two shapes of chrome line (every pattern in :mod:`crawler.extract.patterns`, ``CHROME_*``):

* **tool lines**, made only of page furniture (``【字体：大 中 小】``, ``[打印] [关闭]``,
  ``分享到：微信 微博``, ``移动门户 微信 微博 OA办公``, a pager ``[1] [2] [3]``): chrome wherever they stand;
* **info and footer lines**, whole runs of ``label：value`` with a page's info labels (``发布时间：… 来源：…
  点击数：…``, ``主办单位：… 版权所有 … 赣ICP备…号``, the site's owner before its footer tokens:
  ``X市人民政府办公室 版权所有 滇ICP备…号``): chrome only at the edges of the text, before its first body
  line (a sentence or a numbered heading) or after its last one.

A line of the report is never chrome: a sentence stays whatever it mentions, and a report's own
``全年网站浏览量：1286453人次`` is neither a whole info line (its label is not one of a page's) nor at
an edge. Pure functions over lines; :func:`strip_chrome` is the stage :mod:`crawler.extract.page` runs
after the spam post-clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.extract import patterns
from crawler.extract.normalise import normalise_text


@dataclass
class Stripped:
    """The text without its chrome lines, its normalised variant (line for line), and what went."""

    text: str
    normalised: str
    chrome: list[str] = field(default_factory=list)


def strip_chrome(text: str, normalised: str) -> Stripped:
    """Remove chrome lines from ``text`` and the same lines from ``normalised`` (its simplified twin,
    judged on: a mirror's traditional characters are chrome too)."""
    lines = text.split("\n")
    simple = normalised.split("\n")
    aligned = len(simple) == len(lines)
    drop = chrome_line_indexes(simple if aligned else lines)
    if not drop:
        return Stripped(text, normalised)
    kept_text = "\n".join(line for i, line in enumerate(lines) if i not in drop)
    kept_normalised = (
        "\n".join(line for i, line in enumerate(simple) if i not in drop)
        if aligned
        else normalise_text(kept_text)
    )
    return Stripped(kept_text, kept_normalised, [lines[i] for i in sorted(drop)])


def chrome_line_indexes(lines: list[str]) -> set[int]:
    """Indexes of the chrome lines: tool lines anywhere, info lines at the edges of the text."""
    body = [i for i, line in enumerate(lines) if patterns.BODY_LINE.search(line.strip(" |"))]
    first, last = (body[0], body[-1]) if body else (len(lines), -1)
    found = set()
    for index, line in enumerate(lines):
        if is_tool_line(line) or ((index < first or index > last) and is_info_line(line)):
            found.add(index)
    return found


def _cells(line: str) -> str:
    """A line without the bars of a table row the extractor wrote (old layouts put chrome in cells)."""
    return " ".join(part.strip() for part in patterns.BAR_SPLIT.split(line) if part.strip())


def _is_prose(line: str) -> bool:
    return len(line) > patterns.MAX_CHROME_LINE_CHARS or bool(patterns.PROSE_LINE.search(line))


def is_tool_line(line: str) -> bool:
    """A line made only of page furniture: tools, navigation words, a pager."""
    stripped = _cells(line)
    if not stripped or _is_prose(stripped):
        return False
    rest = patterns.CHROME_TOOL.sub(" ", stripped)
    words = [word for word in patterns.WORD_SPLIT.split(rest) if word]
    if not words:
        return rest != stripped
    return all(word in patterns.CHROME_WORDS for word in words)


def is_info_line(line: str) -> bool:
    """A whole info or footer line: it starts with an info label or footer token and is nothing but
    ``label：value`` runs, footer tokens and furniture, each value short and no sentence."""
    stripped = _cells(line)
    if not stripped or _is_prose(stripped):
        return False
    rest = patterns.CHROME_TOOL.sub(" ", stripped).strip()
    if not rest:
        return True
    starts = [m.start() for m in patterns.CHROME_INFO_LABEL.finditer(rest)]
    footers = list(patterns.CHROME_FOOTER_TOKEN.finditer(rest))
    if not starts and not footers:
        return False
    first = min([*starts, *(m.start() for m in footers)])
    if first and not (footers and patterns.FOOTER_OWNER.fullmatch(rest[:first].strip())):
        return False
    rest = rest[first:]
    without_footers = patterns.CHROME_FOOTER_TOKEN.sub(" ", rest)
    labelled = list(patterns.CHROME_INFO_LABEL.finditer(without_footers))
    leading = without_footers[: labelled[0].start()] if labelled else without_footers
    if leading.strip():
        return False
    for position, match in enumerate(labelled):
        end = labelled[position + 1].start() if position + 1 < len(labelled) else len(without_footers)
        if not patterns.CHROME_INFO_VALUE.match(without_footers[match.end() : end].strip()):
            return False
    return True
