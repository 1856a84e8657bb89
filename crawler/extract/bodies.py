"""One name per body: the reporting body as the seed, the title and the site's other reports know it.

A township under its county is written both ways — ``石门镇人民政府`` in one title, ``青岚县石门镇人民政府``
in the next — and a coverage ledger keyed by name then shows a gap that is not there. The normal form of
:mod:`crawler.extract.fields` keeps the county before a township; here the county is found when the
report itself does not name it:

* from the seed: a portal's seed names its owner (``青岚县人民政府``), so a bare township reported on it is
  that county's (:func:`under_seed`); the seed's body, level and region describe the portal's owner, not
  its departments, townships or subordinate governments, which keep their own names;
* from the site's other reports: a bare ``石门镇人民政府`` beside exactly one ``<county>石门镇人民政府``
  (:func:`county_among`, which the corpus applies at the end of a run).

The region is completed the same way (:func:`full_region`: ``石门镇`` → ``青岚县石门镇``). Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.extract import fields
from crawler.extract.tables import patterns as tp

# A government's name after its place: fields' forms, and a 地区's or 盟's 行政公署 (as the registry writes).
GOVERNMENT_NAME = re.compile(rf"{tp.GOVERNMENT_REST.pattern}|^行政公署$")
# Seed levels whose place can have townships reported on its portal (not provinces, not ministries).
TOWNSHIP_PARENT_LEVELS = ("市", "县")


def government_place(body: str | None) -> str | None:
    """The place a government is of (``青岚县人民政府`` → ``青岚县``), None for departments and others."""
    if not body:
        return None
    units, rest = fields.split_places(body)
    if not units or not GOVERNMENT_NAME.match(rest):
        return None
    return units[-1]


def is_bare_township(body: str | None) -> bool:
    """A township's government named without its county: ``石门镇人民政府``, ``城关街道办事处``."""
    if not body:
        return False
    units, rest = fields.split_places(body)
    township = len(units) == 1 and bool(tp.TOWNSHIP_UNIT.search(units[0]))
    return township and bool(tp.GOVERNMENT_REST.match(rest))


def county_among(body: str | None, known: Iterable[str | None]) -> str | None:
    """The county of a bare township's body when exactly one of the ``known`` bodies names it under a
    county (``石门镇人民政府`` among ``青岚县石门镇人民政府`` → ``青岚县``); None when none or several do."""
    if not body or not is_bare_township(body):
        return None
    counties = set()
    for other in known:
        if not other or other == body or not other.endswith(body):
            continue
        units, rest = fields.split_places(other[: -len(body)])
        if len(units) == 1 and not rest and tp.COUNTY_UNIT.search(units[0]):
            counties.add(units[0])
    return counties.pop() if len(counties) == 1 else None


def under_seed(
    body: str | None, region: str | None, seed_body: str | None, seed_level: str | None = None
) -> str | None:
    """The report's own body, named in full, when it is a body under the seed's government — its
    department (``青岚县教育局``), township (a bare ``石门镇人民政府`` → ``青岚县石门镇人民政府``) or a
    government below it (``西湖区人民政府`` of a ``杭州市西湖区…`` title on 杭州市's portal); None when the
    report is the seed's own body, or nothing ties it to the seed (the seed's hints then win)."""
    place = government_place(seed_body)
    if not place or not body or body == seed_body or tp.TOWNSHIP_UNIT.search(place):
        return None
    units, rest = fields.split_places(body)
    if not units or (units[-1] == place and GOVERNMENT_NAME.match(rest)):
        return None  # the seed's own government, however written
    if is_bare_township(body):
        parent_ok = seed_level in TOWNSHIP_PARENT_LEVELS or (
            not seed_level and not tp.PROVINCE_UNIT.search(place)
        )
        return place + body if parent_ok else None
    if place in units:
        return body
    region_units = fields.split_places(region or "")[0]
    if place in region_units[:-1] and region_units[-1] == units[0]:
        return body
    return None


def sub_region(seed_region: str, seed_body: str | None, body: str) -> str:
    """A sub-body's region: the seed's completed by the places the body names below the seed's place
    (``浙江省杭州市西湖区`` + ``西湖区转塘街道办事处`` → ``浙江省杭州市西湖区转塘街道``)."""
    place = government_place(seed_body)
    units = fields.split_places(body)[0]
    below = units[units.index(place) + 1 :] if place in units else units
    return seed_region + "".join(unit for unit in below if unit not in seed_region)


def full_region(body: str | None, region: str | None) -> str | None:
    """``region`` ending in every place the body names: ``石门镇`` of ``青岚县石门镇人民政府`` →
    ``青岚县石门镇``; a region that already names them, or ends elsewhere, is kept."""
    units = fields.split_places(body)[0] if body else []
    if not units:
        return region
    joined = "".join(units)
    if not region or joined in region:
        return region
    for start in range(1, len(units)):
        tail = "".join(units[start:])
        if region.endswith(tail):
            head = region[: -len(tail)]
            if not any(unit in head for unit in units[:start]):
                return head + joined
            return region
    return region
