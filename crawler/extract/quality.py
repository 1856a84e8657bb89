"""Text-quality scores over the golden pages: how close the clean text is to the expected text.

Used by ``bench/quality.py`` (the table, ours against plain trafilatura) and by
``tests/test_quality_gate.py`` (fails when the scores drop). The golden set lives in
``tests/golden/``: ``cases.toml`` lists each page with its URL, expected text file and the phrases that
must and must not survive; ``pages/`` holds the HTML, ``expected/`` the texts.

Expected-text convention: the report body as the extractor renders it — one paragraph or heading a
line, table rows included as ``| cell | cell |`` lines (they are content), no title line unless the
page shows the title inside its content, and no metadata block, chrome or spam. Scores are
character-bigram precision/recall/F1 with whitespace removed, so line breaks and spacing do not count.

Record fields (title, year, body, level, template, dates, the metadata block) are scored apart, as the
share of pages where a field equals the expected value exactly — an expected ``None`` included, so a
value made up where the page states none counts as a miss. Expected values come from a golden page's
``fields`` table and from the demo portal's manifest (:func:`demo_field_cases`).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TARGET_F1 = 0.99
# The record fields the metadata gate scores, in its table's order (the fields read from a page's
# metadata block are provenance.METADATA_FIELDS).
SCORED_FIELDS = (
    "title",
    "report_year",
    "body",
    "level",
    "template_version",
    "published_date",
    "written_date",
    "index_no",
    "issuer",
    "doc_no",
)
# A page is "worse than trafilatura" when its F1 is lower by more than this.
WORSE_MARGIN = 0.001


@dataclass(frozen=True)
class GoldenCase:
    """One golden page and what its clean text must (not) hold."""

    name: str
    page: Path
    url: str
    expected: str
    must_have: tuple[str, ...] = ()
    spam_phrases: tuple[str, ...] = ()
    chrome_phrases: tuple[str, ...] = ()
    spam_kinds: tuple[str, ...] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Score:
    """Bigram precision/recall/F1 of one text, and what it kept that it should not have."""

    precision: float
    recall: float
    f1: float
    spam_left: list[str] = field(default_factory=list)
    chrome_left: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def load_cases(golden_dir: Path) -> list[GoldenCase]:
    """The golden table in ``cases.toml``, in file order."""
    table = tomllib.loads((golden_dir / "cases.toml").read_text(encoding="utf-8"))
    return [
        GoldenCase(
            name=name,
            page=golden_dir / "pages" / entry["file"],
            url=entry["url"],
            expected=(golden_dir / "expected" / entry["expected"]).read_text(encoding="utf-8"),
            must_have=tuple(entry.get("must_have", ())),
            spam_phrases=tuple(entry.get("must_not_spam", ())),
            chrome_phrases=tuple(entry.get("must_not_chrome", ())),
            spam_kinds=tuple(entry.get("spam_kinds", ())),
            fields=dict(entry.get("fields", {})),
        )
        for name, entry in table.items()
    ]


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of the text with all whitespace removed."""
    compact = "".join(text.split())
    return Counter(compact[i : i + 2] for i in range(len(compact) - 1))


def bigram_prf(text: str, expected: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the text's bigrams against the expected text's."""
    got, want = bigrams(text), bigrams(expected)
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(text: str, case: GoldenCase) -> Score:
    """All the scores of one extracted text against its golden case."""
    precision, recall, f1 = bigram_prf(text, case.expected)
    return Score(
        precision,
        recall,
        f1,
        spam_left=[phrase for phrase in case.spam_phrases if phrase in text],
        chrome_left=[phrase for phrase in case.chrome_phrases if phrase in text],
        missing=[phrase for phrase in case.must_have if phrase not in text],
    )


def score_all(cases: list[GoldenCase], extractor: Callable[[GoldenCase], str]) -> dict[str, Score]:
    """Score every case with ``extractor`` (page → text)."""
    return {case.name: score(extractor(case), case) for case in cases}


def is_worse(ours: Score, theirs: Score) -> bool:
    return ours.f1 < theirs.f1 - WORSE_MARGIN


def summary_line(
    ours: dict[str, Score],
    theirs: dict[str, Score],
    real_ours: Mapping[str, Score] | None = None,
    real_theirs: Mapping[str, Score] | None = None,
) -> str:
    """The bench's last line: ``f1=<mean> spam_left=<n> chrome_left=<n> worse_than_trafilatura=<pages>``.
    F1, spam and chrome over the golden pages; ``worse_than_trafilatura`` counts the golden pages
    (:func:`is_worse`) and the real pages when given (``real_*``, :func:`is_worse_on_phrases`)."""
    mean = sum(s.f1 for s in ours.values()) / len(ours) if ours else 0.0
    spam_left = sum(len(s.spam_left) for s in ours.values())
    chrome_left = sum(len(s.chrome_left) for s in ours.values())
    worse = sum(is_worse(ours[name], theirs[name]) for name in ours if name in theirs)
    real_ours, real_theirs = real_ours or {}, real_theirs or {}
    worse += sum(
        is_worse_on_phrases(score, real_theirs[name])
        for name, score in real_ours.items()
        if name in real_theirs
    )
    return f"f1={mean:.3f} spam_left={spam_left} chrome_left={chrome_left} worse_than_trafilatura={worse}"


def recording_line(cases: list[GoldenCase], found: Mapping[str, set[str]], ours: Mapping[str, Score]) -> str:
    """``kept_legit=<n>/<clean pages> spam_recorded=<n>/<spam pages>``: clean pages (no expected spam kind)
    that kept every must-have phrase and yielded no finding, and spam pages whose expected finding kinds
    were all made (``found``: case name → the kinds found)."""
    clean = [case for case in cases if not case.spam_kinds]
    spammed = [case for case in cases if case.spam_kinds]
    kept = sum(not found[case.name] and not ours[case.name].missing for case in clean)
    recorded = sum(set(case.spam_kinds) <= found[case.name] for case in spammed)
    return f"kept_legit={kept}/{len(clean)} spam_recorded={recorded}/{len(spammed)}"


# ------------------------------------------------------------------------------------- record fields


@dataclass(frozen=True)
class FieldCase:
    """One page and the record fields it must yield."""

    name: str
    body: bytes
    url: str
    content_type: str | None
    expected: Mapping[str, Any]


@dataclass
class FieldScore:
    """How often one field came out right, and on which pages it did not."""

    correct: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None


def golden_field_cases(cases: Iterable[GoldenCase]) -> list[FieldCase]:
    """The golden pages that state expected record fields."""
    return [
        FieldCase(case.name, case.page.read_bytes(), case.url, None, case.fields)
        for case in cases
        if case.fields
    ]


def demo_field_cases(site: Any) -> list[FieldCase]:
    """Every report of the demo portal (:func:`crawler.demo.build_site`) with its manifest's fields."""
    return [
        FieldCase(
            report.path,
            site.pages[report.path].body,
            f"http://127.0.0.1{report.path}",
            site.pages[report.path].content_type,
            {name: getattr(report, name) for name in SCORED_FIELDS},
        )
        for report in site.reports
    ]


def field_accuracy(
    cases: Iterable[FieldCase],
    extractor: Callable[[FieldCase], Mapping[str, Any]],
    names: Iterable[str] = SCORED_FIELDS,
) -> dict[str, FieldScore]:
    """Per field, the pages where ``extractor`` (case → record) gives the expected value exactly."""
    scores = {name: FieldScore() for name in names}
    for case in cases:
        got = extractor(case)
        for name, score in scores.items():
            if name not in case.expected:
                continue
            score.total += 1
            if got.get(name) == case.expected[name]:
                score.correct += 1
            else:
                score.misses.append(case.name)
    return scores


# ------------------------------------------------------------------------------------- real pages


@dataclass(frozen=True)
class RealCase:
    """One real portal page (``../shared/realpages``) and what its reader sees: phrases of its article
    that must be kept, chrome and hidden content that must not, and whether it is a report."""

    name: str
    page: Path
    kind: str
    is_report: bool
    must_have: tuple[str, ...] = ()
    chrome_phrases: tuple[str, ...] = ()
    hidden_phrases: tuple[str, ...] = ()


def load_real_cases(golden_file: Path, pages_dir: Path) -> list[RealCase]:
    """The real-page golden (``tests/golden/realpages.toml``), its pages read from ``pages_dir``."""
    table = tomllib.loads(golden_file.read_text(encoding="utf-8"))
    return [
        RealCase(
            name=name,
            page=pages_dir / entry["file"],
            kind=entry["kind"],
            is_report=bool(entry["is_report"]),
            must_have=tuple(entry.get("must_have", ())),
            chrome_phrases=tuple(entry.get("must_not_chrome", ())),
            hidden_phrases=tuple(entry.get("must_not_hidden", ())),
        )
        for name, entry in table.items()
    ]


def phrase_score(text: str, case: RealCase) -> Score:
    """Phrase recall (the share of must-have phrases kept; 1 when the page has none) and precision (the
    share of must-not phrases absent: chrome and hidden content), in a :class:`Score`: what was left of
    the must-not phrases in ``chrome_left``, the must-have phrases lost in ``missing``."""
    unwanted = case.chrome_phrases + case.hidden_phrases
    missing = [phrase for phrase in case.must_have if phrase not in text]
    left = [phrase for phrase in unwanted if phrase in text]
    recall = 1 - len(missing) / len(case.must_have) if case.must_have else 1.0
    precision = 1 - len(left) / len(unwanted) if unwanted else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, chrome_left=left, missing=missing)


def is_worse_on_phrases(ours: Score, theirs: Score) -> bool:
    """A real page is worse than trafilatura when it keeps fewer must-have phrases or leaves more
    must-not ones: each of the two, not their F1, so a gain in one never hides a loss in the other."""
    return ours.recall < theirs.recall or ours.precision < theirs.precision
