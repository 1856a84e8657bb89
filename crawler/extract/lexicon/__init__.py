"""The spam lexicon: categorised terms read from the TSV files beside this module (data, not code).

Each term is ``never_in_report`` (brand names and slang no disclosure report uses) or ``prose_safe``
(赌博, 彩票, 代孕, 澳门 …: words reports use for what they regulate and enforce, and the compounds of
report prose that hold a never term: 特色综合, 体育投注站; the longest term at each place wins). The
lexicon classifies what other rules found; it decides alone only that a visible sentence naming a
``never_in_report`` term outside an enforcement context is spam (:mod:`crawler.extract.spam`).

Tests swap it for another one (an empty one, to prove the structural rules work without words) with
:func:`using`; every reader asks :func:`current` each time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

NEVER = "never_in_report"
PROSE_SAFE = "prose_safe"
CLASSES = (NEVER, PROSE_SAFE)
# Terms of this category are read against link hosts only, never against text.
HOSTS = "hosts"
# Channel names of link farms: words of prose, counted only as link labels and bar-run tokens.
CHANNELS = "channels"


@dataclass(frozen=True)
class Term:
    text: str  # lower case, simplified characters
    category: str
    klass: str


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for many literal terms, longest first; Latin ends match only at word boundaries."""
    parts = []
    for term in sorted(set(terms), key=lambda t: (-len(t), t)):
        head = r"(?<![a-z0-9])" if term[0].isascii() and term[0].isalnum() else ""
        tail = r"(?![a-z0-9])" if term[-1].isascii() and term[-1].isalnum() else ""
        parts.append(head + re.escape(term) + tail)
    return re.compile("|".join(parts)) if parts else None


class Lexicon:
    """A set of categorised terms and the matchers over them."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms: tuple[Term, ...] = tuple(dict.fromkeys(terms))
        self._by_text = {term.text: term for term in self.terms if term.category != HOSTS}

    @cached_property
    def _never_texts(self) -> frozenset[str]:
        return frozenset(t.text for t in self.terms if t.klass == NEVER and t.category != HOSTS)

    @cached_property
    def _words(self) -> re.Pattern[str] | None:
        return _pattern(t.text for t in self.terms if t.category not in (HOSTS, CHANNELS))

    @cached_property
    def _host_tokens(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.terms if t.category == HOSTS)

    @cached_property
    def _channels(self) -> frozenset[str]:
        return frozenset(t.text for t in self.terms if t.category == CHANNELS)

    @cached_property
    def _never_lower(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.terms if t.klass == NEVER and t.category != HOSTS)

    def __len__(self) -> int:
        return len(self.terms)

    def never_in_report(self, text: str) -> list[str]:
        """Distinct ``never_in_report`` terms in ``text`` (simplified), in order of appearance.

        Terms of both classes are matched together, the longest at each place first: a ``never_in_report``
        term inside a longer ``prose_safe`` one is part of that word (色综合 in 特色综合, 体育投注 in
        体育投注站), not the term itself."""
        lowered = text.lower()
        if self._words is None or not any(term in lowered for term in self._never_lower):
            return []
        never = self._never_texts
        return list(dict.fromkeys(m.group() for m in self._words.finditer(lowered) if m.group() in never))

    def words(self, text: str) -> list[str]:
        """Distinct terms of any class (hosts and channels aside) in ``text``, in order of appearance."""
        if self._words is None:
            return []
        return list(dict.fromkeys(match.group() for match in self._words.finditer(text.lower())))

    def classify(self, word: str) -> Term | None:
        return self._by_text.get(word.lower())

    def is_channel(self, label: str) -> bool:
        return label.strip().lower() in self._channels

    def host_tokens(self, host: str) -> list[str]:
        """Brand tokens inside a host's name (``amxpj8868.top`` → ``xpj``, ``amxpj``)."""
        name = host.lower()
        return [token for token in self._host_tokens if token in name]

    def sizes(self) -> dict[str, Counter[str]]:
        """Entries per category and class (the bench and the README quote them)."""
        sizes: dict[str, Counter[str]] = {}
        for term in self.terms:
            sizes.setdefault(term.category, Counter())[term.klass] += 1
        return sizes


def read_terms(category: str, tsv: str) -> Iterator[Term]:
    """The terms of one TSV file: ``term<TAB>class`` lines, ``#`` comments and blank lines skipped."""
    for number, raw in enumerate(tsv.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        text, _, klass = (part.strip() for part in line.partition("\t"))
        if klass not in CLASSES or not text:
            raise ValueError(f"lexicon {category}.tsv line {number}: {raw!r}")
        yield Term(text.lower(), category, klass)


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """The lexicon shipped with the package: every ``*.tsv`` beside this module."""
    files = sorted(
        (entry for entry in resources.files(__package__).iterdir() if entry.name.endswith(".tsv")),
        key=lambda entry: entry.name,
    )
    return Lexicon(
        term for entry in files for term in read_terms(entry.name[:-4], entry.read_text(encoding="utf-8"))
    )


EMPTY = Lexicon(())
_override: list[Lexicon] = []


def current() -> Lexicon:
    """The lexicon in force: the shipped one unless a test put another in with :func:`using`."""
    return _override[-1] if _override else load()


@contextmanager
def using(lexicon: Lexicon) -> Iterator[Lexicon]:
    """Run a block with ``lexicon`` in force (tests: :data:`EMPTY`, to prove structure alone works)."""
    _override.append(lexicon)
    try:
        yield lexicon
    finally:
        _override.pop()
