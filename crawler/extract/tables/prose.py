"""Figures a free-form (2008-era) report states in its prose instead of a 指标|单位|数量 table.

"全年共收到政府信息公开申请12件，其中当面申请3件…", "全年未发生因政府信息公开申请引起的行政复议和行政诉讼":
many pre-2019 reports give their statistics only in sentences. :func:`stated_figures` reads them into
the indicator shape (same keys as :data:`~crawler.extract.tables.patterns.INDICATORS`), each cell
``{"raw": the words that state it, "value": number, "unit": unit or None}``; a zero stated in words
("未收到", "未发生") is 0. The statistics parser keeps them as ``tables["prose"]``, only for reports on the
2008 template that have no indicator table: a table, when there is one, is the better source.
"""

from __future__ import annotations

from crawler.extract.tables import patterns as tp
from crawler.extract.tables.cells import IndicatorCell, key_text, parse_value


def stated_figures(text: str) -> dict[str, IndicatorCell]:
    """Every figure of :data:`~crawler.extract.tables.patterns.PROSE_FIGURES` the text states, the first
    statement of each winning; zeros stated in words only where no number is stated."""
    sentences = [key_text(part) for part in tp.PROSE_SENTENCE_END.split(text) if part.strip()]
    found: dict[str, IndicatorCell] = {}
    for key, patterns in tp.PROSE_FIGURES.items():
        for sentence in sentences:
            match = next((m for p in patterns if (m := p.search(sentence))), None)
            if match is not None:
                found[key] = {
                    "raw": match.group(0),
                    "value": parse_value(match.group("n")),
                    "unit": match.group("unit"),
                }
                break
    for key, patterns in tp.PROSE_ZERO.items():
        if key in found:
            continue
        for sentence in sentences:
            match = next((m for p in patterns if (m := p.search(sentence))), None)
            if match is not None:
                found[key] = {"raw": match.group(0), "value": 0, "unit": None}
                break
    # Keys in the indicator table's order, whatever order they were found in.
    order = list(tp.INDICATORS)
    return dict(sorted(found.items(), key=lambda item: order.index(item[0])))
