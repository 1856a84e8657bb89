"""Report-level fields researchers code: year, reporting body, its level and region, and the metadata
block when a report reaches us as text (an attachment, a seed file) instead of a page.

Pure functions over the title, the report text and the seed's hints; every regex is in
:mod:`crawler.extract.tables.patterns` (the metadata block's labels are read by
:func:`crawler.extract.metadata.read_labelled`, for pages and texts alike).

The body's normal form, as one research unit should be named whatever the report calls itself:

* a government is its lowest place plus ``人民政府``: ``连云港市灌云县政府…`` → ``灌云县人民政府``
  (prefecture and province prefixes go: they are the region, see :func:`region`);
* a township (镇/乡/街道) keeps its county, since township names repeat across counties:
  ``金华市婺城区琅琊镇…`` → ``婺城区琅琊镇人民政府``; when the title gives only ``石门镇``, the county is
  taken from the text (``…公布青岚县石门镇人民政府…``); a 街道 ends in ``办事处``;
* a development zone is run by its ``管委会``: ``衡阳国家高新区`` → ``衡阳国家高新区管委会``;
* a department keeps its name after its place: ``青岚县教育局``, ``蓬溪县政府办公室``;
* a central body is kept as written: ``国家统计局``.
"""

from __future__ import annotations

import re

from crawler.extract import metadata, pagekind
from crawler.extract.tables import patterns as tp
from crawler.extract.textutil import normalise_space

LEVELS = ("国务院部门", "省", "市", "县", "乡", "部门")
# The metadata block sits at the top of a text; lines further down are the report itself.
BLOCK_LINES = 60
# The report year is named near the top; the rest of a report quotes other years.
YEAR_HEAD_CHARS = 300


# ------------------------------------------------------------------------------------- year


def report_year(title: str | None, text: str = "") -> int | None:
    """The year reported on: from the title, else from a phrase naming the report in the text
    (``…2015年度政府信息公开明细表``), else the first year near the top of the text."""
    if title and (year := pagekind.report_year(title)):
        return year
    if match := tp.TEXT_REPORT_YEAR.search(text):
        return pagekind.report_year(match.group(0))
    return pagekind.report_year(text[:YEAR_HEAD_CHARS])


# ------------------------------------------------------------------------------------- body


def split_places(name: str) -> tuple[list[str], str]:
    """Places, then the rest: ``青岚县教育局`` → (["青岚县"], "教育局"),
    ``金华市婺城区琅琊镇`` → (["金华市", "婺城区", "琅琊镇"], "")."""
    units: list[str] = []
    position = 0
    while match := tp.PLACE_UNIT.match(name, position):
        if tp.NOT_IN_PLACE.search(match.group(0)):
            break
        units.append(match.group(0))
        position = match.end()
    return units, name[position:]


def body_name_in_title(title: str) -> str | None:
    """The body as a title writes it: the words before the year, or after it up to 政府信息公开."""
    title = normalise_space(title).replace(" ", "")
    year = tp.TITLE_YEAR.search(title)
    before, after = (title[: year.start()], title[year.end() :]) if year else (title, "")
    for part in (before, after):
        name = tp.BODY_LEAD_IN.sub("", tp.TITLE_SUBJECT.split(part, maxsplit=1)[0])
        if split_places(name)[0] or tp.NATIONAL_BODY.search(name):
            return name
    return None


def body_name_in_text(text: str) -> str | None:
    """The body as the text names it before a report year: ``特制定蓬溪县政府办公室2019年度政府信息公开…``."""
    for match in tp.TEXT_BODY_BEFORE_YEAR.finditer(text):
        name = tp.BODY_LEAD_IN.sub("", match.group(1))
        if name and (split_places(name)[0] or tp.NATIONAL_BODY.search(name)):
            return name
    return None


def reporting_body(title: str | None, text: str = "") -> str | None:
    """The reporting body in the normal form of the module docstring, or None when none is named."""
    name = (body_name_in_title(title) if title else None) or body_name_in_text(text)
    if not name:
        return None
    units, rest = split_places(name)
    if not units:
        return name
    if not tp.GOVERNMENT_REST.match(rest):
        return units[-1] + rest
    place = units[-1]
    if tp.ZONE_UNIT.search(place):
        return place + "管委会"
    if tp.TOWNSHIP_UNIT.search(place):
        county = (
            units[-2] if len(units) > 1 and tp.COUNTY_UNIT.search(units[-2]) else _county_in_text(place, text)
        )
        suffix = "办事处" if place.endswith("街道") else "人民政府"
        return (county or "") + place + suffix
    return place + "人民政府"


def _county_in_text(township: str, text: str) -> str | None:
    """The county a text writes right before a township's name: ``青岚县石门镇`` → ``青岚县``."""
    for match in re.finditer(rf"([\u4e00-\u9fff]{{2,30}}){re.escape(township)}", text):
        units, rest = split_places(tp.BODY_LEAD_IN.sub("", match.group(1)))
        if units and not rest and tp.COUNTY_UNIT.search(units[-1]):
            return units[-1]
    return None


def level(body: str | None, title: str | None = None) -> str | None:
    """国务院部门 / 省 / 市 / 县 / 乡 for governments, 部门 for their departments; None when unsure
    (development zones' rank varies, unparsable names)."""
    # The title keeps the prefecture a normal-form body drops ("株洲市醴陵市" is county-level).
    name = (body_name_in_title(title) if title else None) or body
    if not name:
        return None
    units, rest = split_places(name)
    if not units:
        return "国务院部门" if tp.NATIONAL_BODY.search(name) else None
    if not tp.GOVERNMENT_REST.match(rest):
        return "部门"
    place = units[-1]
    if tp.ZONE_UNIT.search(place):
        return None
    if tp.TOWNSHIP_UNIT.search(place):
        return "乡"
    if tp.PROVINCE_UNIT.search(place):
        return "省"
    if tp.PREFECTURE_UNIT.search(place) and not _under_prefecture(units):
        return "市"
    return "县"


def _under_prefecture(units: list[str]) -> bool:
    """A city or district named after its prefecture (``株洲市醴陵市``) is county-level."""
    return len(units) > 1 and bool(tp.PREFECTURE_UNIT.search(units[-2]))


def region(title: str | None, seed_region: str | None = None) -> str | None:
    """Where the body is: the seed's region completed by the places the title names.

    ``region("金华市婺城区琅琊镇2010年…", "浙江省金华市")`` → ``浙江省金华市婺城区琅琊镇``; a department's
    region is its place (``青岚县教育局`` → ``青岚县``).
    """
    name = body_name_in_title(title) if title else None
    units = split_places(name)[0] if name else []
    seed = normalise_space(seed_region or "").replace(" ", "")
    if not units:
        return seed or None
    joined = "".join(units)
    if seed and units[0] in seed:  # the seed already names the title's first place
        return seed[: seed.index(units[0])] + joined
    return seed + joined


# ------------------------------------------------------------------------------------- metadata block


def read_block_text(text: str) -> dict[str, str]:
    """The metadata block of a text (``• 信息索引号:`` then the value on a later line, or ``label：value``
    on one line) as :func:`crawler.extract.metadata.read_block` fields; first occurrence wins."""
    lines = [_unbullet(line) for line in text.splitlines()[:BLOCK_LINES]]
    return metadata.read_labelled([line for line in lines if line])


def _unbullet(line: str) -> str:
    return normalise_space(tp.BLOCK_BULLET.sub("", line))
