"""What a search query means, before any SQL runs: its terms, its script variants and its excerpts.

The corpus index is FTS5 with the trigram tokenizer (migration 0004): it finds any substring of three
characters or more, which suits Chinese text without a word segmenter, but it finds nothing for one- or
two-character terms (年报, 县). Those queries fall back to ``LIKE``. Users type FTS syntax by accident
(quotes, ``-``, ``*``, ``:``): every term is quoted as a literal phrase, so no query is ever parsed as FTS
syntax. Traditional-script queries (政府資訊) are searched as written and in simplified form, since most
reports are simplified. Pure functions, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def like_pattern(term: str) -> str:
    """A ``LIKE ... ESCAPE '\\'`` pattern matching ``term`` anywhere, its wildcards taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


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
