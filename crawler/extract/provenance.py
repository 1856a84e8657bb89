"""Which source a record's field comes from, and which one wins when several give a value.

A report page can state its publishing date four times over: in the metadata block, in a
``<meta name="PubDate">`` tag, as ``发布时间：…`` in the page text and in the URL the CMS wrote
(``/202403/t20240320_1.html``); they do not always agree (a page edited later keeps its URL, a template's
``<meta>`` may carry an index time). Researchers need one value and to know where it came from, so the
order is fixed here, once: the **block** (what the portal states as the record's metadata) over
**meta** over **text** over **url**. The fields researchers code about the body (year, body, level,
region) are read from the **title**, else the **text**; a seed list's hints (**seed**) win over both.

Every record carries ``sources``, field → where its value came from, for the fields that have one.
Pure functions over plain dicts (and a :class:`crawler.extract.record.Report` for the seed's hints); the
readers of each source live in :mod:`crawler.extract.metadata`, :mod:`crawler.extract.fields` and
:mod:`crawler.extract.page`.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any

from crawler.extract import bodies, fields, metadata, pagekind, patterns
from crawler.extract.record import SEED_HINTS, Report

BLOCK, META, TEXT, URL = "block", "meta", "text", "url"
TITLE, SEED = "title", "seed"
# Highest first: the first source holding a value for a field gives it.
PRECEDENCE = (BLOCK, META, TEXT, URL)
# The fields read from the page's metadata (the block and its stand-ins).
METADATA_FIELDS = ("index_no", "issuer", "doc_no", "topic", "written_date", "published_date", "disclosure")
# The seed list's hints: CSV columns (and registry columns) of the same names.
SEED_FIELDS = SEED_HINTS

Values = dict[str, Any]
Sources = dict[str, str]


def resolve(candidates: Mapping[str, Mapping[str, Any]], names: Iterable[str]) -> tuple[Values, Sources]:
    """For each field, the value of the highest source in :data:`PRECEDENCE` that has one.

    ``candidates`` maps a source to the fields it gave; blank values (None, "") count as absent.
    """
    values: Values = {}
    sources: Sources = {}
    for name in names:
        for source in PRECEDENCE:
            value = candidates.get(source, {}).get(name)
            if value not in (None, ""):
                values[name], sources[name] = value, source
                break
    return values, sources


def url_date(url: str) -> str | None:
    """The date a CMS wrote into the URL's path as ISO, or None: ``…/t20240320_1.html`` → 2024-03-20."""
    match = patterns.URL_DATE.search(urllib.parse.urlsplit(url).path)
    if match is None:
        return None
    year, month, day = (part for part in match.groups() if part is not None)
    return metadata.iso_date(f"{year}-{month}-{day}")


def url_fields(url: str) -> Values:
    """What the URL says: at most the publishing date."""
    date = url_date(url)
    return {"published_date": date} if date else {}


def report_fields(title: str | None, text: str, site: str = "") -> tuple[Values, Sources]:
    """Year, reporting body, level and region from the title, else the text (:mod:`crawler.extract.fields`).

    ``site`` is what the page says about its site (``<title>``, ``SiteName``): a township's county is
    looked for there too when the text does not name it (``…_云山县石门镇人民政府``).
    """
    values: Values = {}
    sources: Sources = {}
    year = fields.report_year(title, text)
    body = fields.reporting_body(title, f"{text}\n{site}" if site else text)
    body_source = TITLE if title and fields.body_name_in_title(title) else TEXT
    found = {
        "report_year": (year, TITLE if title and pagekind.report_year(title) else TEXT),
        "body": (body, body_source),
        "level": (fields.level(body, title), body_source),
        "region": (fields.region(title), TITLE),
    }
    for name, (value, source) in found.items():
        if value is not None:
            values[name], sources[name] = value, source
    return values, sources


def with_seed_hints(report: Report, hints: Mapping[str, str | None]) -> Report:
    """The report with the seed's body/region/level/division_code where the seed gave them (the seed
    wins), and the derived values kept where it gave none; ``sources`` says which.

    A seed names its portal's owner: a report of a body under it (a department, a township, a
    government below) keeps its own body and level, named in full with the seed's place
    (:func:`crawler.extract.bodies.under_seed`), and its region is the seed's completed below. Derived
    regions name every place of the body (:func:`crawler.extract.bodies.full_region`). This is where a
    stored report's body gets its one name."""
    updated: dict[str, Any] = {}
    sources = dict(report.sources)
    given = {name: (hints.get(name) or "").strip() for name in SEED_FIELDS}
    sub = bodies.under_seed(report.body, report.region, given["body"], given["level"])
    if sub is not None:
        if sub != report.body:
            updated["body"], sources["body"] = sub, SEED
        if given["region"]:
            updated["region"] = bodies.sub_region(given["region"], given["body"], sub)
            sources["region"] = SEED
        given |= {"body": "", "level": "", "region": ""}
    for name in SEED_FIELDS:
        if hint := given[name]:
            updated[name], sources[name] = hint, SEED
    if sources.get("region") != SEED:
        body = updated.get("body", report.body)
        updated["region"] = bodies.full_region(body, updated.get("region", report.region))
    return dataclasses.replace(report, **updated, sources=sources)
