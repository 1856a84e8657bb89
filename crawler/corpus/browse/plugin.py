"""The reading room: a datasette plugin, registered by ``python -m crawler.corpus.browse`` (never through
an entry point, so no other datasette picks it up).

* ``/-/report?url=…``: one report to read (metadata, paragraphs, statistics tables, checks), linked
  from the title of every row of the ``reports`` table;
* ``/-/charts``: reports per year and level, coverage of bodies × years, the trend of requests, reviews
  and litigation, drawn as SVG on the server (:mod:`crawler.corpus.browse.charts`), their queries also
  canned queries of the corpus;
* facets by year, level, region and template on the ``reports`` table;
* the ``reports`` table's search box searches as ``govreports search`` does: two-character terms with
  LIKE, traditional characters in simplified form too. Its ``_search`` is renamed to
  :data:`SEARCH_PARAM` before datasette sees it (datasette's own search would send every query to the
  trigram index, which finds nothing under three characters), and a filter keeps the rows that
  :func:`~crawler.corpus.search.search_reports` finds.
"""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

import pluggy
import sqlite_utils
from datasette.filters import FilterArguments
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from crawler.corpus.browse import charts, reading
from crawler.corpus.search import SearchError, one_line, search_reports

hookimpl = pluggy.HookimplMarker("datasette")

REPORT_PATH = "/-/report"
CHARTS_PATH = "/-/charts"
# What the reports table's search box sends, once renamed from datasette's own ``_search``.
SEARCH_PARAM = "_govsearch"
# A table-page path of the reports table, with or without a format (.json, .csv).
_REPORTS_TABLE_PATH = re.compile(r"^/[^/]+/reports(\.[a-z]+)?$")
# Characters of a report's text shown in a row of the reports table.
TEXT_EXCERPT_CHARS = 160
# Columns holding JSON, shown indented (with their Chinese as it is, not \u escapes).
JSON_COLUMNS = {"spam", "raw_tables", "sources", "settings", "counts", "errors", "per_seed", "headers"}
REPORTS_TABLE_METADATA = {
    "facets": ["report_year", "level", "region", "template_version"],
    "sort_desc": "report_year",
    "label_column": "title",
    "description": "Click a title to read the report. The search box searches as `govreports search` "
    "does: two-character and traditional-character queries too.",
}

Scope = dict[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]


@hookimpl
def get_metadata(datasette: Any, key: str, database: str | None, table: str | None) -> dict[str, Any]:
    names = [name for name in datasette.databases if name != "_internal"]
    charts_url = datasette.urls.path(CHARTS_PATH)
    return {
        "title": "govreports reading room",
        "description_html": f'<a href="{escape(charts_url)}">Charts: reports per year and level, '
        "coverage, requests and reviews</a>",
        "databases": {name: {"tables": {"reports": REPORTS_TABLE_METADATA}} for name in names},
    }


@hookimpl
def menu_links(datasette: Any, actor: Any, request: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path(CHARTS_PATH), "label": "Charts"}]


@hookimpl
def canned_queries(datasette: Any, database: str, actor: Any) -> dict[str, dict[str, str]]:
    return {name: {"title": title, "sql": sql} for name, (title, sql) in charts.QUERIES.items()}


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Callable[..., Awaitable[Response]]]]:
    return [(f"^{REPORT_PATH}$", report_page), (f"^{CHARTS_PATH}$", charts_page)]


# --- the search box ------------------------------------------------------------------------------------


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[App], App]:
    def wrap(app: App) -> App:
        async def renamed_search(scope: Scope, receive: Any, send: Any) -> None:
            if scope.get("type") != "http" or not _REPORTS_TABLE_PATH.match(scope.get("path", "")):
                await app(scope, receive, send)
                return

            async def send_restored(message: dict[str, Any]) -> None:
                if message.get("type") == "http.response.start":
                    headers = [
                        (name, restore_search(value) if name.lower() == b"location" else value)
                        for name, value in message.get("headers", [])
                    ]
                    message = dict(message, headers=headers)
                await send(message)

            query_string = rename_search(scope.get("query_string", b""))
            await app(dict(scope, query_string=query_string), receive, send_restored)

        return renamed_search

    return wrap


def _rename_pairs(query_string: bytes, old: bytes, new: bytes) -> bytes:
    return b"&".join(
        new + pair[len(old) :] if pair == old or pair.startswith(old + b"=") else pair
        for pair in query_string.split(b"&")
    )


def rename_search(query_string: bytes) -> bytes:
    """``_search=…`` as :data:`SEARCH_PARAM`; every other byte of the query string as it was."""
    return _rename_pairs(query_string, b"_search", SEARCH_PARAM.encode())


def restore_search(location: bytes) -> bytes:
    """A redirect datasette builds from the renamed request, with ``_search`` as the browser sent it."""
    path, mark, query_string = location.partition(b"?")
    return path + mark + _rename_pairs(query_string, SEARCH_PARAM.encode(), b"_search")


def matching_urls(connection: sqlite3.Connection, query: str) -> list[str]:
    """The URLs of every report ``govreports search QUERY`` finds."""
    database = sqlite_utils.Database(connection)
    (count,) = connection.execute("select count(*) from reports").fetchone()
    return [hit["url"] for hit in search_reports(database, query, limit=int(count) + 1)]


@hookimpl(trylast=True)  # after datasette's own search filter, so the search box shows our query
def filters_from_request(
    request: Any, database: str, table: str, datasette: Any
) -> Callable[[], Awaitable[FilterArguments | None]] | None:
    query = request.args.get(SEARCH_PARAM, "") if table == "reports" else ""
    if not query.strip():
        return None

    async def inner() -> FilterArguments | None:
        try:
            urls = await datasette.get_database(database).execute_fn(
                lambda connection: matching_urls(connection, query)
            )
        except SearchError:
            return None
        return FilterArguments(
            ["url in (select value from json_each(:govreports_hits))"],
            {"govreports_hits": json.dumps(urls, ensure_ascii=False)},
            [f'search matches "{query}" (as govreports search)'],
            {"search": query, "supports_search": True},
        )

    return inner


# --- cells of the table pages --------------------------------------------------------------------------


def report_link(datasette: Any, url: str, text: str) -> Markup:
    href = datasette.urls.path(REPORT_PATH) + "?" + urllib.parse.urlencode({"url": url})
    return Markup('<a class="govreports-read" href="{}">{}</a>').format(href, text)


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    if table == "reports" and column == "title":
        url = row["url"] if "url" in row.keys() else None  # noqa: SIM118 (a sqlite3.Row's `in` looks at values)
        return report_link(datasette, url, value or "(untitled)") if url else None
    if table == "reports" and column == "text" and isinstance(value, str):
        flat = one_line(value)
        cut = flat[:TEXT_EXCERPT_CHARS] + ("…" if len(flat) > TEXT_EXCERPT_CHARS else "")
        return Markup('<span style="display:block;min-width:24em">{}</span>').format(cut)
    if table == "reports" and column == "checks" and isinstance(value, str):
        counts = reading.check_counts(reading.check_lines(value))
        return Markup("{} 通过 · {} 不符 · {} 无法核对").format(
            counts["pass"], counts["fail"], counts["unknown"]
        )
    if table == "reports" and column == "tables" and isinstance(value, str):
        shown = reading.statistics_tables(value, None)
        return Markup("{}").format("、".join(table.key for table in shown) or "—")
    if column in JSON_COLUMNS and isinstance(value, str) and value[:1] in "[{":
        decoded = reading.decode(value, None)
        if decoded is not None:
            pretty = json.dumps(decoded, ensure_ascii=False, indent=2)
            return Markup('<pre style="white-space:pre-wrap;margin:0">{}</pre>').format(pretty)
    return None


# --- pages ---------------------------------------------------------------------------------------------

REPORT_FIELDS = (
    ("body", "机关 Body"),
    ("level", "层级 Level"),
    ("region", "地区 Region"),
    ("report_year", "年度 Year"),
    ("template_version", "模板 Template"),
    ("published_date", "发布日期 Published"),
    ("written_date", "成文日期 Written"),
    ("issuer", "发布机构 Issuer"),
    ("index_no", "索引号 Index no."),
    ("doc_no", "文号 Doc no."),
    ("kind", "形式 Kind"),
    ("spam_kinds", "页面被篡改 Spam"),
    ("fetched_at", "抓取时间 Fetched"),
)


async def report_page(request: Any, datasette: Any) -> Response:
    url = request.args.get("url", "")
    database = datasette.get_database()
    row = (await database.execute("select * from reports where url = ?", [url])).first()
    if row is None:
        raise NotFound(f"no report at {url!r} in the corpus")
    report = dict(row)
    attachments = await database.execute(
        "select url, kind, title, pages, scanned from attachments where report_url = ? order by url", [url]
    )
    checks = reading.check_lines(report.get("checks"))
    context = {
        "report": report,
        "fields": [(label, report.get(name)) for name, label in REPORT_FIELDS if report.get(name)],
        "blocks": reading.text_blocks(report.get("text")),
        "statistics": reading.statistics_tables(report.get("tables"), report.get("template_version")),
        "checks": checks,
        "check_counts": reading.check_counts(checks),
        "attachments": [dict(attachment) for attachment in attachments.rows],
        "database_name": database.name,
        "table_url": datasette.urls.table(database.name, "reports"),
        "row_url": datasette.urls.row(database.name, "reports", _tilde(url)),
    }
    html = await datasette.render_template("govreports_report.html", context, request=request)
    return Response.html(html)


def _tilde(value: str) -> str:
    from datasette.utils import tilde_encode

    return str(tilde_encode(value))


async def charts_page(request: Any, datasette: Any) -> Response:
    database = datasette.get_database()
    per_year = (await database.execute(charts.REPORTS_PER_YEAR_LEVEL)).rows
    coverage = (await database.execute(charts.COVERAGE)).rows
    trend = (await database.execute(charts.TREND)).rows
    query_urls = {name: datasette.urls.query(database.name, name) for name in charts.QUERIES}
    context = {
        "per_year": charts.stacked_bars([tuple(r) for r in per_year], "每年各层级报告数"),
        "coverage": charts.coverage_grid([tuple(r) for r in coverage], "机关 × 年度"),
        "trend_requests": charts.lines(
            [(r["report_year"], r["requests"]) for r in trend], ["申请 requests"], "申请数"
        ),
        "trend_reviews": charts.lines(
            [(r["report_year"], r["reviews"], r["litigation"]) for r in trend],
            ["复议 reviews", "诉讼 litigation"],
            "复议与诉讼",
        ),
        "query_urls": query_urls,
        "table_url": datasette.urls.table(database.name, "reports"),
    }
    html = await datasette.render_template("govreports_charts.html", context, request=request)
    return Response.html(html)
