"""What a search query means, before any SQL runs: its terms, its script variants and its excerpts.

The corpus has two indexes of titles and texts. The FTS5 trigram index (migration 0004) finds any
substring of three characters or more, which suits Chinese text without a word segmenter, but nothing
shorter; the pair index (``reports_grams``, migration 0011, :mod:`crawler.corpus.grams`) holds every two
adjacent characters, so a query with a two-character term (复议, 诉讼: the commonest Chinese queries) looks
its candidates up there and ``LIKE`` only checks and ranks them. A query whose terms are all one
character long (县), or that no index can answer (``%``), scans with ``LIKE``. Either way at most
:data:`CANDIDATES` matches are ranked (the newest, and for the pair index the newest title matches
too; for a scan the first found), so a common term costs no more than a rare one, and the result says
when more matched (``partial``). Users type FTS syntax
by accident (quotes, ``-``, ``*``, ``:``): every term is quoted as a literal phrase, so no query is ever
parsed as FTS syntax. Traditional-script queries (政府資訊) are searched as written and in simplified
form, since most reports are simplified. The query planning is pure functions; :func:`search` runs it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crawler.corpus.db import Row, select_rows
from crawler.corpus.grams import GRAMS_TABLE, indexable, term_tokens
from crawler.corpus.queries import ReportFilters, like_pattern
from crawler.extract.normalise import normalise_text

# The trigram tokenizer matches nothing shorter than this.
MIN_FTS_TERM_CHARS = 3
# Matches ranked at most for one query; past this many the ranking is of the candidates the index
# puts first (or, scanning, of the first found) and the result is ``partial``.
CANDIDATES = 2000
# Reports a filter keeps (a body, a region) at most for a search to look its matches up by rowid.
FEW_KEPT = 200
# Hits of the trigram index read past ``limit`` so that equal bm25 ranks still end in URL order.
TIE_MARGIN = 32
# How a hit's matched terms are marked in snippets and excerpts, and what stands for cut text.
MARK_START = "["
MARK_END = "]"
ELLIPSIS = "…"
# Characters of context each side of the first match in a LIKE hit's excerpt.
EXCERPT_CONTEXT_CHARS = 30
_WHITESPACE = re.compile(r"\s+")
# Matches in a title count this many times a match in the text when hits are ranked.
TITLE_WEIGHT = 10.0
# FTS5 snippet(): how many tokens (with the trigram tokenizer, about as many characters) of context.
SNIPPET_TOKENS = 32


class SearchError(ValueError):
    """A query that cannot be searched (nothing but spaces)."""


@dataclass(frozen=True)
class SearchPlan:
    """The query's terms in each script form searched (as typed first), and how to search them."""

    variants: tuple[tuple[str, ...], ...]
    use_fts: bool

    @property
    def terms(self) -> tuple[str, ...]:
        """Every distinct term of every variant, in order."""
        return tuple(dict.fromkeys(term for variant in self.variants for term in variant))


def plan_query(query: str) -> SearchPlan:
    """Split a query into terms (all must match) in its typed and normalised forms; FTS only when every
    term is long enough for the trigram index."""
    typed = tuple(query.split())
    if not typed:
        raise SearchError("empty query: give a word to search for")
    normalised = tuple(normalise_text(term) for term in typed)
    variants = (typed,) if normalised == typed else (typed, normalised)
    use_fts = all(len(term) >= MIN_FTS_TERM_CHARS for term in typed + normalised)
    return SearchPlan(variants=variants, use_fts=use_fts)


def pair_match_expression(plan: SearchPlan) -> str | None:
    """``("复议" "诉讼") OR (…)``: the pairs of every indexable term of each variant (a report holding
    the terms holds them all), any variant; None when a variant has no indexable term (all of one
    character, or ASCII punctuation in them): that query scans."""
    groups = []
    for variant in plan.variants:
        tokens = [token for term in variant if indexable(term) for token in term_tokens(term)]
        if not tokens:
            return None
        groups.append("(" + " ".join(fts_phrase(token) for token in dict.fromkeys(tokens)) + ")")
    return " OR ".join(groups)


def fts_phrase(term: str) -> str:
    """One term as an FTS5 string literal: whatever it contains is matched as text, never as syntax."""
    return '"' + term.replace('"', '""') + '"'


def fts_match_expression(plan: SearchPlan) -> str:
    """``("a" "b") OR ("a'" "b'")``: all terms of one variant, any variant."""
    groups = ["(" + " ".join(fts_phrase(term) for term in variant) + ")" for variant in plan.variants]
    return " OR ".join(groups)


def one_line(text: str) -> str:
    """Runs of whitespace (newlines included) as one space, for a snippet on one line."""
    return _WHITESPACE.sub(" ", text).strip()


def centred_excerpt(text: str, terms: tuple[str, ...], context: int = EXCERPT_CONTEXT_CHARS) -> str:
    """The text around the first match of any term, matches marked, cut ends shown as ``…``; the start of
    the text when no term occurs in it."""
    flat = one_line(text)
    folded = flat.casefold()
    found = [(folded.find(term.casefold()), term) for term in terms if term]
    found = [(position, term) for position, term in found if position >= 0]
    if not found:
        return flat[: 2 * context] + (ELLIPSIS if len(flat) > 2 * context else "")
    position, term = min(found)
    start = max(0, position - context)
    end = min(len(flat), position + len(term) + context)
    window = mark_terms(flat[start:end], terms)
    return (ELLIPSIS if start else "") + window + (ELLIPSIS if end < len(flat) else "")


def mark_terms(text: str, terms: tuple[str, ...]) -> str:
    """Every occurrence of any term wrapped in the snippet marks (case-insensitively, longest first)."""
    wanted = sorted({term for term in terms if term}, key=len, reverse=True)
    if not wanted:
        return text
    pattern = re.compile("|".join(re.escape(term) for term in wanted), re.IGNORECASE)
    return pattern.sub(lambda match: f"{MARK_START}{match.group(0)}{MARK_END}", text)


# --- running a query -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    """The hits, best first; ``partial`` when more reports matched than :data:`CANDIDATES` and only those
    were ranked; ``method``: ``fts`` (trigram index), ``pairs`` (pair index) or ``scan``."""

    hits: list[Row]
    partial: bool
    method: str


def search(
    db: sqlite_utils.Database,
    query: str,
    filters: ReportFilters | None = None,
    *,
    limit: int = 20,
    snippets: bool = True,
) -> SearchResult:
    """Reports whose title or text holds every term of ``query`` and pass ``filters``, best first: FTS5
    (ranked by bm25, with ``snippet()``) when every term has three characters or more, else ``LIKE`` over
    the pair index's candidates, or over a scan (ranked by how often the terms occur, with a centred
    excerpt). Each hit: url, title, report_year, body, level, published_date, snippet, rank (lower is
    better) and match (``fts`` or ``like``) and id (what ``govreports show`` takes). Without
    ``snippets`` the hits have none (most of a search's cost when it returns many hits):
    :func:`add_snippets` gives them to the hits kept."""
    plan = plan_query(query)
    filters = filters or ReportFilters()
    result = (_search_fts if plan.use_fts else _search_like)(db, plan, filters, limit)
    if snippets:
        add_snippets(db, query, result.hits)
    return result


def add_snippets(db: sqlite_utils.Database, query: str, hits: list[Row]) -> None:
    """Give hits of :func:`search` (of this database) their snippet: FTS5's ``snippet()`` for a trigram
    hit, the text around the first match for a ``LIKE`` one."""
    if not hits:
        return
    plan = plan_query(query)
    ids = [hit["id"] for hit in hits]
    marks = ",".join("?" for _ in ids)
    if hits[0]["match"] == "fts":
        snippet_sql = f"""
            select rowid, snippet(reports_fts, -1, ?, ?, ?, {SNIPPET_TOKENS}) from reports_fts
            where reports_fts match ? and rowid in ({marks})
        """
        params = [MARK_START, MARK_END, ELLIPSIS, fts_match_expression(plan), *ids]
        found = dict(db.execute(snippet_sql, params).fetchall())
        for hit in hits:
            hit["snippet"] = one_line(found.get(hit["id"]) or "")
        return
    sql = f"select rowid, text from reports where rowid in ({marks})"
    texts: dict[int, str | None] = dict(db.execute(sql, ids).fetchall())
    for hit in hits:
        text = texts.get(hit["id"]) or ""
        in_text = any(term.casefold() in text.casefold() for term in plan.terms)
        hit["snippet"] = centred_excerpt(text if in_text else hit["title"] or "", plan.terms)


def search_reports(
    db: sqlite_utils.Database, query: str, filters: ReportFilters | None = None, *, limit: int = 20
) -> list[Row]:
    """The hits of :func:`search`."""
    return search(db, query, filters, limit=limit).hits


def count_hits(db: sqlite_utils.Database, query: str, filters: ReportFilters | None = None) -> int:
    """How many reports :func:`search_reports` finds for ``query`` without a limit."""
    plan = plan_query(query)
    source, params = (_fts_source if plan.use_fts else _like_source)(plan, filters or ReportFilters())
    return int(db.execute(f"select count(*) {source}", params).fetchone()[0])


_HIT_COLUMNS = "r.url, r.title, r.report_year, r.body, r.level, r.published_date"


def _fts_source(plan: SearchPlan, filters: ReportFilters) -> tuple[str, list[Any]]:
    """``from … where …`` of an FTS search, and its parameters."""
    where, params = filters.clause("r.")
    source = f"""
        from reports_fts join reports r on r.rowid = reports_fts.rowid
        where reports_fts match ? and {where}
    """
    return source, [fts_match_expression(plan), *params]


def _like_source(plan: SearchPlan, filters: ReportFilters) -> tuple[str, list[Any]]:
    """``from … where …`` of a LIKE search, and its parameters."""
    variant_conditions: list[str] = []
    params: list[Any] = []
    for variant in plan.variants:
        terms = ["(r.title like ? escape '\\' or r.text like ? escape '\\')" for _ in variant]
        variant_conditions.append("(" + " and ".join(terms) + ")")
        params += [pattern for term in variant for pattern in (like_pattern(term),) * 2]
    where, filter_params = filters.clause("r.")
    return f"from reports r where ({' or '.join(variant_conditions)}) and {where}", [*params, *filter_params]


def _filtered(db: sqlite_utils.Database, filters: ReportFilters, column: str) -> tuple[str, list[Any]]:
    """``column in (the rowids of the reports the filters keep)`` (read from an index), or ``1``. The
    ``+`` keeps the condition away from FTS5, which would run the whole query again for each rowid;
    but when the filters keep at most :data:`FEW_KEPT` reports (a body, a region), the index is asked
    for those rowids only, one lookup each, instead of reading every match of a common term to find
    the few the filters keep (:func:`_few_kept`)."""
    where, params = filters.clause()
    if where == "1":
        return "1", []
    if (few := _few_kept(db, where, params)) is not None:
        return f"{column} in (select value from json_each(?))", [json.dumps(few)]
    return f"+{column} in (select rowid from reports where {where})", params


def _few_kept(db: sqlite_utils.Database, where: str, params: list[Any]) -> list[int] | None:
    """The rowids of the reports ``where`` keeps when there are at most :data:`FEW_KEPT`, else None."""
    sql = f"select rowid from reports where {where} limit {FEW_KEPT + 1}"
    rowids = [rowid for (rowid,) in db.execute(sql, params).fetchall()]
    return rowids if len(rowids) <= FEW_KEPT else None


def _newest_sql(table: str, rank: str, kept: str) -> str:
    """The newest :data:`CANDIDATES` matches (parameters: the match expression, then the filter's) with
    their ``rank``. FTS5 reads its matches in rowid order and stops at the limit, so neither the cost nor
    ``rank`` (computed for these rows only) grows with the number of matches; a query with fewer
    matches ranks them all."""
    return f"""select * from (
            select rowid as id, {rank} as rank from {table} where {table} match ? and {kept}
            order by rowid desc limit {CANDIDATES})"""


def _search_fts(
    db: sqlite_utils.Database, plan: SearchPlan, filters: ReportFilters, limit: int
) -> SearchResult:
    """The best ``limit`` by bm25 among the newest :data:`CANDIDATES` matches (:func:`_newest_sql`); the
    rows and snippets are read for those only."""
    expression = fts_match_expression(plan)
    kept, params = _filtered(db, filters, "reports_fts.rowid")
    if not kept.startswith("+") and kept != "1":
        # the few reports the filters keep: which of them match (no rank here: FTS5 computes bm25's
        # statistics again for every rowid it is asked for), then rank those as any other candidates
        sql = f"select rowid from reports_fts where reports_fts match ? and {kept}"
        matching = [rowid for (rowid,) in db.execute(sql, [expression, *params]).fetchall()]
        if not matching:
            return SearchResult([], partial=False, method="fts")
        kept, params = "+reports_fts.rowid in (select value from json_each(?))", [json.dumps(matching)]
    rank = f"bm25(reports_fts, {TITLE_WEIGHT}, 1.0)"
    sql = f"""
        with found(id, rank) as materialized ({_newest_sql("reports_fts", rank, kept)}),
        top(id, rank) as (select id, rank from found order by rank limit ?)
        select top.id, {_HIT_COLUMNS}, top.rank as rank, (select count(*) from found) as found
        from top cross join reports r on r.rowid = top.id
        order by top.rank, r.url
        limit ?
    """
    hits = select_rows(db, sql, [expression, *params, limit + TIE_MARGIN, limit])
    found = max([hit.pop("found") for hit in hits], default=0)
    for hit in hits:
        hit["snippet"] = ""
        hit["match"] = "fts"
    return SearchResult(hits, partial=found >= CANDIDATES, method="fts")


def _search_like(
    db: sqlite_utils.Database, plan: SearchPlan, filters: ReportFilters, limit: int
) -> SearchResult:
    """``LIKE`` over the pair index's candidates, the newest :data:`CANDIDATES` matches in titles and
    anywhere (:func:`_newest_sql`), or over the first :data:`CANDIDATES` reports a scan finds; ranked by
    term occurrences."""
    variant_conditions: list[str] = []
    params: list[Any] = []
    for variant in plan.variants:
        terms = ["(r.title like ? escape '\\' or r.text like ? escape '\\')" for _ in variant]
        variant_conditions.append("(" + " and ".join(terms) + ")")
        params += [pattern for term in variant for pattern in (like_pattern(term),) * 2]
    matches = " or ".join(variant_conditions)
    expression = pair_match_expression(plan)
    if expression is not None:
        kept, kept_params = _filtered(db, filters, f"{GRAMS_TABLE}.rowid")
        newest = _newest_sql(GRAMS_TABLE, "0", kept)
        candidates = f"select id from ({newest} union {newest})"
        titles = "{title} : (" + expression + ")"
        candidate_params = [titles, *kept_params, expression, *kept_params]
    else:
        where, filter_params = filters.clause("r.")
        candidates = f"select r.rowid from reports r where ({matches}) and {where} limit ?"
        candidate_params = [*params, *filter_params, CANDIDATES]
    found = [rowid for (rowid,) in db.execute(candidates, candidate_params)]
    counts = [f"{TITLE_WEIGHT} * {_occurrences('r.title')} + {_occurrences('r.text')}" for _ in plan.terms]
    count_params = [value for term in plan.terms for value in (term, len(term)) * 2]
    sql = f"""
        select {_HIT_COLUMNS}, r.rowid as id, -({" + ".join(counts)}) as rank
        from json_each(?) c cross join reports r on r.rowid = c.value
        where ({matches})
        order by rank, r.report_year desc, r.url
        limit ?
    """
    hits = select_rows(db, sql, [*count_params, json.dumps(found), *params, limit])
    for hit in hits:
        hit["snippet"] = ""
        hit["match"] = "like"
    method = "scan" if expression is None else "pairs"
    return SearchResult(hits, partial=len(found) >= CANDIDATES, method=method)


def _occurrences(column: str) -> str:
    """SQL for how often a term (two parameters: the term, its length) occurs in ``column``."""
    return f"((length(coalesce({column}, '')) - length(replace(coalesce({column}, ''), ?, ''))) / ?)"
