"""What a search query means, before any SQL runs: its terms, its script variants and its excerpts.

The corpus index is FTS5 with the trigram tokenizer (migration 0004): it finds any substring of three
characters or more, which suits Chinese text without a word segmenter, but it finds nothing for one- or
two-character terms (年报, 县). Those queries fall back to ``LIKE``. Users type FTS syntax by accident
(quotes, ``-``, ``*``, ``:``): every term is quoted as a literal phrase, so no query is ever parsed as FTS
syntax. Traditional-script queries (政府資訊) are searched as written and in simplified form, since most
reports are simplified. The query planning is pure functions; :func:`search_reports` runs the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crawler.corpus.db import Row, select_rows
from crawler.corpus.queries import ReportFilters, like_pattern
from crawler.extract.normalise import normalise_text

# The trigram tokenizer matches nothing shorter than this.
MIN_FTS_TERM_CHARS = 3
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


def search_reports(
    db: sqlite_utils.Database,
    query: str,
    *,
    year: int | None = None,
    body: str | None = None,
    level: str | None = None,
    limit: int = 20,
    filters: ReportFilters | None = None,
) -> list[Row]:
    """Reports whose title or text holds every term of ``query``, best first: FTS5 (ranked by bm25, with
    ``snippet()``) when every term has three characters or more, else ``LIKE`` (ranked by how often the
    terms occur, with a centred excerpt). Each hit: url, title, report_year, body, level, published_date,
    snippet, rank (lower is better), match (``fts`` or ``like``) and id (what ``govreports show`` takes).
    ``filters`` (all of ReportFilters) replaces ``year``, ``body`` and ``level``."""
    plan = plan_query(query)
    filters = filters or ReportFilters(year=year, body=body, level=level)
    hits = _search_fts(db, plan, filters, limit) if plan.use_fts else _search_like(db, plan, filters, limit)
    return hits


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


def _search_fts(db: sqlite_utils.Database, plan: SearchPlan, filters: ReportFilters, limit: int) -> list[Row]:
    source, params = _fts_source(plan, filters)
    sql = f"""
        select {_HIT_COLUMNS}, r.rowid as id,
               snippet(reports_fts, -1, ?, ?, ?, {SNIPPET_TOKENS}) as snippet,
               bm25(reports_fts, {TITLE_WEIGHT}, 1.0) as rank
        {source}
        order by rank, r.url
        limit ?
    """
    hits = select_rows(db, sql, [MARK_START, MARK_END, ELLIPSIS, *params, limit])
    for hit in hits:
        hit["snippet"] = one_line(hit["snippet"] or "")
        hit["match"] = "fts"
    return hits


def _search_like(
    db: sqlite_utils.Database, plan: SearchPlan, filters: ReportFilters, limit: int
) -> list[Row]:
    counts = [f"{TITLE_WEIGHT} * {_occurrences('r.title')} + {_occurrences('r.text')}" for _ in plan.terms]
    count_params = [value for term in plan.terms for value in (term, len(term)) * 2]
    source, params = _like_source(plan, filters)
    sql = f"""
        select {_HIT_COLUMNS}, r.rowid as id, r.text, -({" + ".join(counts)}) as rank
        {source}
        order by rank, r.report_year desc, r.url
        limit ?
    """
    hits = select_rows(db, sql, [*count_params, *params, limit])
    for hit in hits:
        text = hit.pop("text") or ""
        in_text = any(term.casefold() in text.casefold() for term in plan.terms)
        hit["snippet"] = centred_excerpt(text if in_text else hit["title"] or "", plan.terms)
        hit["match"] = "like"
    return hits


def _occurrences(column: str) -> str:
    """SQL for how often a term (two parameters: the term, its length) occurs in ``column``."""
    return f"((length(coalesce({column}, '')) - length(replace(coalesce({column}, ''), ?, ''))) / ?)"
