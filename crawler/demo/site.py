"""Assembles the deterministic demo portal (:func:`build_site`) from catalog, reports and portal pages.

The demo stands in for a real county portal in tests, benchmarks and demos: every page lives in
memory, the same bytes come out on every call, and the manifest says what a crawl should find.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from crawler.demo import portal, reports, stats
from crawler.demo.attachments import AttachmentFixture, attachment_fixtures
from crawler.demo.catalog import BODIES, CHALLENGE_PREFIXES, COLUMN, REPORTS, ROBOTS_DISALLOWED, ReportSpec
from crawler.demo.decoys import DECOYS, NEWS_CONGRESS, NEWS_MEETING, DecoySpec
from crawler.demo.imagereport import BODY_KEY as IMAGE_REPORT_BODY
from crawler.demo.imagereport import image_report_manifest, image_report_pages
from crawler.demo.imagereport import listed as image_report_listed
from crawler.demo.layout import ListItem
from crawler.demo.model import DemoSite, ManifestDecoy, ManifestFile, ManifestReport, Page, redirect
from crawler.demo.spam import SPAM_HOST_TOKEN
from crawler.demo.stubs import STUBS, stub_manifest, stub_pages

Route = Callable[[str], Page]
# Where injected spam links point when no test says otherwise: a second loopback address.
DEFAULT_SPAM_HOST = "127.0.0.2:8766"


Crumbs = list[tuple[str, str | None]]

_HOME: tuple[str, str | None] = ("首页", "/")
_ZWGK: tuple[str, str | None] = ("政务公开", "/zwgk/")
_BM: tuple[str, str | None] = ("部门信息公开", "/zwgk/bm/")

# Listing columns that hold decoys: path -> (column title, breadcrumb).
_DECOY_COLUMNS: dict[str, tuple[str, Crumbs]] = {
    "/zwgk/zfgzbg/": ("政府工作报告", [_HOME, _ZWGK, ("政府工作报告", None)]),
    "/zwgk/xxgkzn/": ("政府信息公开指南", [_HOME, _ZWGK, ("政府信息公开指南", None)]),
    "/zwgk/fdzdgk/": ("法定主动公开内容", [_HOME, _ZWGK, ("法定主动公开内容", None)]),
    "/zwgk/bm/czj/yjs/": (
        "预决算公开",
        [_HOME, _ZWGK, _BM, ("青岚县财政局", "/zwgk/bm/czj/"), ("预决算公开", None)],
    ),
    "/xwzx/": ("青岚要闻", [_HOME, ("新闻中心", None)]),
}


def _file_table3s() -> dict[tuple[str, int], dict[str, list[int]]]:
    """Table 3 rows (ints, 总计 last) of the reports published only as files, by (body name, year)."""
    labels = {label: key for key, label in stats.TABLE3_LABELS.items()}
    found = {}
    for fixture in attachment_fixtures():
        grid = fixture.tables.get("table3")
        if fixture.twin_of is None and grid:
            rows = {labels[row[0]]: [int(cell) for cell in row[1:]] for row in grid if row[0] in labels}
            found[(fixture.body_name, fixture.report_year)] = rows
    return found


def _build_reports() -> tuple[list[Page], list[ManifestReport]]:
    """Report pages and manifest entries; a body's 上年结转 chains from last year's 结转下年度, across
    its pages and its file-only reports, but for the one ``carry_break``."""
    pages, entries = [], []
    carry: dict[str, tuple[int, list[int]]] = {}
    files = _file_table3s()
    ordered = sorted(enumerate(REPORTS), key=lambda pair: (pair[1].body, pair[1].year))
    for style, spec in ordered:
        rng = random.Random(f"qinglan-{spec.body}-{spec.year}")
        last = carry.get(spec.body)
        carried = last[1] if last and last[0] == spec.year - 1 else None
        name = BODIES[spec.body].name
        file_before, file_after = files.get((name, spec.year - 1)), files.get((name, spec.year + 1))
        fixed = file_before["carry_forward"][:6] if carried is None and file_before else None
        forward = file_after["carried_over"][:6] if file_after else None
        if spec.carry_break and carried is not None:
            carried = [carried[0] + spec.carry_break, *carried[1:]]
        built = reports.build_report(spec, rng, carried, 37 + style * 41, forward, fixed)
        if spec.template != "2008":
            carry[spec.body] = (spec.year, stats.carry_forward_of(built.tables["table3"]))
        pages.append(reports.render_page(built, style))
        entries.append(reports.manifest_entry(built))
    order = {spec.path: i for i, spec in enumerate(REPORTS)}
    entries.sort(key=lambda e: order[e.path])
    return pages, entries


def _href(column: str, path: str, index: int) -> str:
    """Listing hrefs as TRS columns write them: mostly ``./YYYYMM/…``, some bare or root-relative."""
    relative = path[len(column) :]
    return ("/" + path.lstrip("/")) if index % 5 == 3 else (relative if index % 5 == 2 else "./" + relative)


def _items(column: str, entries: list[tuple[str, str, str]]) -> list[ListItem]:
    ordered = sorted(entries, key=lambda e: e[2], reverse=True)
    return [ListItem(_href(column, path, i), title, date) for i, (path, title, date) in enumerate(ordered)]


def _report_columns() -> tuple[list[Page], dict[str, Route]]:
    """The county 年报 column (3 pages, with the training-notice decoy filed in it) and body columns,
    each listed the way its ``Body.listing`` says."""
    pages: list[Page] = []
    routes: dict[str, Route] = {}
    for key, body in BODIES.items():
        specs: list[ReportSpec] = [s for s in REPORTS if s.body == key]
        specs += [ROBOTS_DISALLOWED] if ROBOTS_DISALLOWED.body == key else []
        entries = [(s.path, s.title, s.published[:10]) for s in specs]
        entries += [
            (f.path, f.title, _file_date(f)) for f in _listed_files() if f.path.startswith(body.column)
        ]
        entries += [(d.path, d.title, d.published[:10]) for d in DECOYS if d.column == body.column]
        entries += [(s.path, s.title, s.published[:10]) for s in STUBS if s.body == key]
        entries += [image_report_listed()] if key == IMAGE_REPORT_BODY else []
        crumbs: Crumbs = [_HOME, _ZWGK]
        if body.level == "部门":
            crumbs.append(_BM)
        elif body.level == "乡":
            crumbs.append(("乡镇信息公开", "/zwgk/xz/"))
        crumbs.append((body.column_name, None))
        items = _items(body.column, entries)
        if body.listing == "js":
            pages += portal.js_listing_pages(body.column, body.column_name, crumbs, items)
        elif body.listing == "query":
            page_for = portal.query_listing(body.column, body.column_name, crumbs, items, per_page=2)
            routes[body.column + "list.jsp"] = page_for
            first = page_for(body.column + "list.jsp?page=1")
            pages.append(Page(body.column + "index.html", first.body, first.content_type))
        else:
            per_page = 5 if key == "county" else 15
            pages += portal.listing_pages(body.column, body.column_name, crumbs, items, per_page)
    return pages, routes


def _decoy_pages() -> tuple[list[Page], list[ManifestDecoy]]:
    pages, manifest = [], []
    for serial, d in enumerate(DECOYS, 1):
        crumbs = _decoy_crumbs(d)
        pages.append(portal.decoy_page(d, crumbs, 500 + serial * 7))
        manifest.append(ManifestDecoy(d.path, d.title, d.kind))
    for column, (title, crumbs) in _DECOY_COLUMNS.items():
        entries = [(d.path, d.title, d.published[:10]) for d in DECOYS if d.column == column]
        pages += portal.listing_pages(column, title, crumbs, _items(column, entries), 15)
    return pages, manifest


def _decoy_crumbs(d: DecoySpec) -> Crumbs:
    if d.column in _DECOY_COLUMNS:
        title, crumbs = _DECOY_COLUMNS[d.column]
        return [*crumbs[:-1], (title, d.column)]
    body = next(b for b in BODIES.values() if b.column == d.column)
    return [_HOME, _ZWGK, (body.column_name, d.column)]


def _listed_files() -> list[AttachmentFixture]:
    """Files a column lists as reports of their own: PDF/DOCX/DOC/WPS-only reports, a scan, and two
    broken ones (a truncated PDF, an HTML error page behind a ``.pdf`` link). Tables workbooks and the
    PDF twin of an HTML report are not listed."""
    return [f for f in attachment_fixtures() if f.twin_of is None and f.kind not in ("xls", "xlsx")]


def _file_date(fixture: AttachmentFixture) -> str:
    """``P020240320…pdf`` → 2024-03-20, as TRS names uploaded files."""
    stamp = fixture.file_name[4:12]
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}"


def _files() -> tuple[list[Page], list[ManifestFile], list[ManifestDecoy]]:
    pages, files, broken = [], [], []
    for fixture in attachment_fixtures():
        pages.append(Page(fixture.path, fixture.body, fixture.content_type))
        if fixture.broken:
            broken.append(ManifestDecoy(fixture.path, fixture.title, "broken_file"))
        elif fixture.kind not in ("xls", "xlsx"):
            files.append(
                ManifestFile(
                    fixture.path,
                    fixture.title,
                    fixture.report_year,
                    fixture.body_name,
                    fixture.kind,
                    fixture.scanned,
                    fixture.twin_of,
                    fixture.must_have,
                )
            )
    return pages, files, broken


def _link_twins(pages: list[Page]) -> list[Page]:
    """The HTML report page links its PDF version (附件), as portals do: one report, two files."""
    twins = {f.twin_of: f for f in attachment_fixtures() if f.twin_of}
    linked = []
    for page in pages:
        twin = twins.get(page.path)
        if twin is not None:
            link = (
                f'<div class="attachments">附件：<a href="{twin.file_name}">{twin.title}（PDF版）</a></div>'
            )
            page = replace(page, body=page.body.replace(b"</body>", link.encode("utf-8") + b"</body>", 1))
        linked.append(page)
    return linked


def _robots_disallowed() -> tuple[Page, ManifestDecoy]:
    """A genuine report filed under a path robots.txt forbids: it must never be fetched."""
    built = reports.build_report(ROBOTS_DISALLOWED, random.Random("qinglan-disallowed"), None, serial=901)
    return reports.render_page(built, 3), ManifestDecoy(
        ROBOTS_DISALLOWED.path, ROBOTS_DISALLOWED.title, "robots_disallowed"
    )


def _drifted_columns() -> list[Page]:
    """Where the 年报 column used to live: one old path now redirects to the home page (the other,
    ``/zwgk/nb/``, simply 404s). Seeds pointing there must be re-discovered from the home page."""
    return [redirect("/xxgk/ndbg/", "/", status=302)]


def build_site(spam_host: str = DEFAULT_SPAM_HOST) -> DemoSite:
    """The whole demo portal, identical bytes on every call.

    ``spam_host`` is the ``host:port`` injected spam links point to (tests serve a second loopback
    address there to prove the crawler never follows them).
    """
    report_pages, entries = _build_reports()
    decoy_pages, decoys = _decoy_pages()
    column_pages, routes = _report_columns()
    disallowed_page, disallowed = _robots_disallowed()
    file_pages, files, broken = _files()
    routes["/zwgk/rl/"] = portal.calendar_page
    pages = [
        portal.home_page([NEWS_MEETING, NEWS_CONGRESS]),
        portal.zwgk_page(),
        *portal.sub_sites(),
        *portal.plain_sections(),
        *portal.assets(),
        *column_pages,
        *_link_twins(report_pages),
        *file_pages,
        *stub_pages(),
        *image_report_pages(),
        disallowed_page,
        *decoy_pages,
        *_drifted_columns(),
    ]
    token = SPAM_HOST_TOKEN.encode("ascii")
    pages = [replace(page, body=page.body.replace(token, spam_host.encode("ascii"))) for page in pages]
    by_path: dict[str, Page] = {}
    for page in pages:
        if page.path in by_path:
            raise ValueError(f"duplicate demo page {page.path}")
        by_path[page.path] = page
    return DemoSite(
        pages=by_path,
        reports=entries,
        decoys=[*decoys, disallowed, *broken],
        files=files,
        stubs=stub_manifest(),
        image_reports=image_report_manifest(),
        seeds=["/", COLUMN],
        column_path=COLUMN,
        routes=routes,
        challenge_prefixes=CHALLENGE_PREFIXES,
        spam_host=spam_host,
    )
