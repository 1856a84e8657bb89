"""Tests of the demo portal: determinism, manifest coverage, table consistency, reachability, server."""

from __future__ import annotations

import itertools
import json
import re
import urllib.error
import urllib.request
from collections import deque
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from crawler.demo import DemoServer, DemoSite, ManifestReport, Page, build_site
from crawler.demo.stats import ANSWER_LABELS, CHANNEL_LABELS, table3_keys
from crawler.demo.tables import fmt_value

SITE = build_site()
NEW_TEMPLATE = [r for r in SITE.reports if r.template_version in {"2019", "2021"}]
WS = re.compile(r"[\s\u3000\xa0]+")
META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


def squash(text: str) -> str:
    return WS.sub("", text)


def decode(body: bytes, content_type: str) -> str:
    """Decode like a careful crawler: the page's own <meta> charset wins over the header."""
    match = META_CHARSET.search(body[:2048])
    charset = match.group(1).decode() if match else content_type.partition("charset=")[2] or "utf-8"
    if charset.lower() in {"gb2312", "gbk"}:
        charset = "gb18030"
    return body.decode(charset)


def page_tree(path: str) -> lxml.html.HtmlElement:
    page = SITE.pages[path]
    return lxml.html.document_fromstring(decode(page.body, page.content_type))


def grid(table: lxml.html.HtmlElement) -> list[list[str]]:
    """Expand rowspan/colspan into a rectangular grid of squashed cell texts."""
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.iter("tr")):
        row: list[str] = []
        col = 0
        cells = list(tr.iter("td", "th"))
        while cells or (r, col) in pending:
            if (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
                continue
            cell = cells.pop(0)
            text = squash(cell.text_content())
            rowspan, colspan = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr or dc:
                        pending[(r + dr, col + dc)] = text
            row.append(text)
            col += 1
        rows.append(row)
    return rows


def find_table(path: str, marker: str) -> list[list[str]]:
    tables = [t for t in page_tree(path).iter("table") if marker in t.text_content()]
    assert len(tables) == 1, (path, marker)
    return grid(tables[0])


def int_rows(rows: list[list[str]], width: int) -> list[list[int]]:
    return [
        [int(c) for c in row[-width:]]
        for row in rows
        if len(row) >= width and all(c.isdigit() for c in row[-width:])
    ]


# ---------------------------------------------------------------- site and manifest


def test_build_site_is_deterministic() -> None:
    other = build_site()
    assert other.pages.keys() == SITE.pages.keys()
    assert all(other.pages[p] == SITE.pages[p] for p in SITE.pages)
    assert json.dumps(other.manifest(), ensure_ascii=False) == json.dumps(SITE.manifest(), ensure_ascii=False)


def test_manifest_coverage() -> None:
    reports = SITE.reports
    assert len(reports) >= 14
    years = {r.report_year for r in reports}
    assert min(years) == 2010 and max(years) == 2024
    assert {r.template_version for r in reports} == {"2008", "2019", "2021"}
    assert {r.level for r in reports} == {"县", "部门", "乡"}
    assert sum(r.encoding == "gbk" for r in reports) >= 3
    wrong = [r for r in reports if r.encoding == "gbk" and r.served_charset == "utf-8"]
    assert len(wrong) == 1
    assert len({k for r in reports for k in r.spam_kinds}) >= 4
    assert len(SITE.decoys) >= 4
    assert {"work_report", "guide", "news", "budget"} <= {d.kind for d in SITE.decoys}
    paths = [r.path for r in reports] + [d.path for d in SITE.decoys]
    assert len(set(paths)) == len(paths)
    assert all(p in SITE.pages for p in paths)
    assert SITE.column_path in SITE.seeds and "/" in SITE.seeds
    json.dumps(SITE.manifest(), ensure_ascii=False)


def test_report_fields_look_right() -> None:
    for r in SITE.reports:
        assert str(r.report_year) in r.title
        assert r.published_date[:4] == str(r.report_year + 1)
        assert r.template_version == (
            "2008" if r.report_year <= 2018 else "2019" if r.report_year <= 2020 else "2021"
        )
        page = SITE.pages[r.path]
        assert page.content_type == f"text/html; charset={r.served_charset}"
        if r.index_no:
            assert r.index_no in decode(page.body, page.content_type)
        assert 3 <= len(r.must_have) <= 6


# ---------------------------------------------------------------- statistics tables


@pytest.mark.parametrize("report", NEW_TEMPLATE, ids=lambda r: r.path)
def test_table3_rules_hold(report: ManifestReport) -> None:
    rows = report.tables["table3"]["rows"]
    assert list(rows) == table3_keys(report.template_version)
    outcomes = [k for k in rows if k not in {"new", "carried_over", "total", "carry_forward"}]
    for col in range(7):
        assert rows["new"][col] + rows["carried_over"][col] == rows["total"][col] + rows["carry_forward"][col]
        assert rows["total"][col] == sum(rows[k][col] for k in outcomes)
    for values in rows.values():
        assert values[6] == sum(values[:6])
    table4 = report.tables["table4"]
    for group in ("review", "litigation_direct", "litigation_after_review"):
        assert sum(table4[group][:4]) == table4[group][4]


@pytest.mark.parametrize("report", NEW_TEMPLATE, ids=lambda r: r.path)
def test_tables_on_page_match_manifest(report: ManifestReport) -> None:
    t3 = find_table(report.path, "申请人情况")
    assert int_rows(t3, 7) == list(report.tables["table3"]["rows"].values())
    t4 = find_table(report.path, "复议后起诉")
    table4 = report.tables["table4"]
    assert int_rows(t4, 15) == [
        table4["review"] + table4["litigation_direct"] + table4["litigation_after_review"]
    ]
    t2 = find_table(report.path, "第二十条")
    for label, columns in report.tables["table2"].items():
        row = next(r for r in t2 if r[0] == label)
        assert all(fmt_value(v) in row[1:] for v in columns.values()), (label, row)


def test_carry_forward_chains_across_years() -> None:
    county = sorted((r for r in NEW_TEMPLATE if r.level == "县"), key=lambda r: r.report_year)
    for prev, cur in itertools.pairwise(county):
        assert cur.tables["table3"]["rows"]["carried_over"] == prev.tables["table3"]["rows"]["carry_forward"]


def test_indicator_tables() -> None:
    old = [r for r in SITE.reports if r.template_version == "2008"]
    with_table = [r for r in old if r.tables]
    assert len(with_table) * 2 >= len(old)
    for r in with_table:
        t = r.tables
        assert sum(t[k] for k in CHANNEL_LABELS) == t["收到申请数"]
        assert sum(t[k] for k in ANSWER_LABELS) == t["对申请的答复数"] == t["收到申请数"]
        rows = find_table(r.path, "依申请公开信息收取的费用")
        shown = {row[0]: row[-1] for row in rows if len(row) == 3}
        assert all(shown[label] == fmt_value(value) for label, value in t.items())


# ---------------------------------------------------------------- texts


@pytest.mark.parametrize("report", SITE.reports, ids=lambda r: r.path)
def test_report_text_is_on_page(report: ManifestReport) -> None:
    page_text = squash(page_tree(report.path).text_content())
    page = SITE.pages[report.path]
    # lxml's HTML parser drops whatever follows </html>: look at the raw markup for that part.
    raw_text = squash(re.sub(r"<[^>]+>", "", decode(page.body, page.content_type)))
    lines = report.text.split("\n")
    assert len(lines) >= 10
    assert all(squash(line) in page_text for line in lines)
    for phrase in report.must_have:
        assert phrase in report.text
    for phrase in report.must_not:
        assert phrase not in report.text
        assert squash(phrase) in page_text or squash(phrase) in raw_text, phrase


def test_spam_markup_present() -> None:
    for r in SITE.reports:
        raw = decode(SITE.pages[r.path].body, "")
        after = raw.split("</html>", 1)[1]
        assert ("<a " in after) == ("after_html" in r.spam_kinds)
        if "script_injection" in r.spam_kinds:
            assert 'document.write(\'<div style="display:none">' in raw
        if "offsite_link_farm" in r.spam_kinds:
            assert ".example/" in raw
    for path, page in SITE.pages.items():
        if page.content_type.startswith("text/html"):
            hosts = re.findall(r'href="https?://([^/"]+)', decode(page.body, page.content_type))
            assert all(h.endswith(".example") or h == SITE.spam_host for h in hosts), path


# ---------------------------------------------------------------- reachability


def resolve(site: DemoSite, path: str) -> Page | None:
    """A page as the server would answer it: static pages, then dynamic routes."""
    route = site.routes.get(urlsplit(path).path)
    return route(path) if route else site.lookup(path)


def links(site: DemoSite, path: str) -> list[str]:
    """hrefs of a page, the listing pages its createPageHTML() call would write, and the items a
    script-filled list loads from its list.json (what a browser would show)."""
    page = resolve(site, path)
    if page is None or not page.content_type.startswith("text/html"):
        return []
    html = decode(page.body, page.content_type)
    base = "http://demo" + path
    found = [
        urljoin(base, a.get("href")) for a in lxml.html.document_fromstring(html).iter("a") if a.get("href")
    ]
    for total, _current, name, ext in re.findall(
        r'createPageHTML\((\d+),\s*(\d+),\s*"(\w+)",\s*"(\w+)"\)', html
    ):
        found += [urljoin(base, f"{name}_{n}.{ext}") for n in range(1, int(total))]
    for json_path in re.findall(r'"(/[\w/]+list\.json)', html):
        json_page = site.lookup(json_path)
        assert json_page is not None
        found += [urljoin(base, doc["url"]) for doc in json.loads(json_page.body)["docs"]]
    paths = [urlsplit(u) for u in found if urlsplit(u).netloc == "demo"]
    # list.jsp?page=N pages on forever (a trap): a few pages cover every item
    return [
        p.path + (f"?{p.query}" if p.query else "")
        for p in paths
        if not re.search(r"page=([4-9]|\d\d)", p.query)
    ]


def test_everything_reachable_from_home() -> None:
    seen, queue = {"/"}, deque(["/"])
    while queue:
        for link in links(SITE, queue.popleft()):
            if link not in seen and not link.startswith(("/search/", "/admin/", "/zwgk/rl/")):
                seen.add(link)
                queue.append(link)
    assert {"/zwgk/xxgknb/index_1.html", "/zwgk/xxgknb/index_2.html"} <= seen
    for path in [r.path for r in SITE.reports] + [d.path for d in SITE.decoys]:
        assert path in seen, path
    assert all(resolve(SITE, p) is not None for p in seen), sorted(
        p for p in seen if resolve(SITE, p) is None
    )


def test_first_listing_page_has_only_the_script_pager() -> None:
    html = decode(SITE.pages["/zwgk/xxgknb/index.html"].body, "")
    assert 'createPageHTML(4, 0, "index", "html")' in html
    assert 'href="index_1.html"' not in html
    assert 'href="index_2.html"' in decode(SITE.pages["/zwgk/xxgknb/index_1.html"].body, "")


# ---------------------------------------------------------------- server


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_server_serves_the_site() -> None:
    wrong = next(r for r in SITE.reports if r.encoding == "gbk" and r.served_charset == "utf-8")
    with DemoServer(SITE) as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        status, headers, body = fetch(server.url("/"))
        assert status == 200 and "青岚县人民政府" in body.decode("utf-8")
        assert headers["Content-Length"] == str(len(body))
        status, _, body = fetch(server.url("/zwgk/xxgknb/"))
        assert status == 200 and 'createPageHTML(4, 0, "index", "html")' in body.decode("utf-8")
        assert fetch(server.url("/zwgk/xxgknb/index.html"))[2] == body
        assert fetch(server.url("/zwgk/xxgknb/?page=2"))[2] == body
        assert fetch(server.url("/zwgk/bm/jyj"))[2] == fetch(server.url("/zwgk/bm/jyj/"))[2]
        status, _, body = fetch(server.url("/no/such/page.html"))
        assert status == 404 and "页面不存在" in body.decode("utf-8")
        status, headers, body = fetch(server.url(wrong.path))
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert wrong.title in body.decode("gbk")
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        status, headers, body = fetch(server.url("/"), method="HEAD")
        assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000
        status, _, body = fetch(server.url("/robots.txt"))
        assert status == 200 and b"Disallow: /search/" in body and b"Disallow: /admin/" in body
        assert server.requests[:3] == ["/", "/zwgk/xxgknb/", "/zwgk/xxgknb/index.html"]
        assert "/no/such/page.html" in server.requests
        assert server.requests.count("/zwgk/bm/jyj/") == 2


def test_server_routes_extend_the_site() -> None:
    from crawler.demo import Page

    with DemoServer(SITE) as server:
        server.add_page(
            Page("/old/", b"", "text/html; charset=utf-8", status=301, headers=(("Location", "/zwgk/"),))
        )
        status, _, body = fetch(server.url("/old/"))
        assert status == 200 and "政务公开" in body.decode("utf-8")
        assert server.requests == ["/old/", "/zwgk/"]
