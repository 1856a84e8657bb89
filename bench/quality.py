"""Text quality on the golden pages: this project against plain trafilatura, side by side.

Run from the repository root: ``.venv/bin/python bench/quality.py``. One row per page in
``tests/golden/cases.toml`` with character-bigram precision/recall/F1 against the expected text, spam
phrases left and chrome lines left, for ``extract_page`` and for
``trafilatura.extract(html, include_tables=True)``. The last line is the summary the quality gate
reads: ``f1=<mean> spam_left=<n> chrome_left=<n> worse_than_trafilatura=<pages>``; the line before it
``kept_legit=<n>/<clean pages> spam_recorded=<n>/<spam pages>`` (clean pages kept whole with no finding,
spam pages with every expected finding kind), after the lexicon's size per category. Scoring lives in
:mod:`crawler.extract.quality`.

Before those lines, a table of the real portal pages in ``../shared/realpages`` (skipped when absent):
per page, phrase precision/recall of ours and of plain trafilatura against ``tests/golden/realpages.toml``
(:func:`crawler.extract.quality.phrase_score`), the must-have phrases we lost and the record's
``is_report`` against the golden's; ``worse_than_trafilatura`` in the last line counts these pages too.

Before that, a metadata table: per record field, how many pages give the expected value — over the
demo portal's manifest reports and the golden pages' ``fields`` — for ``extract_page`` and for
``trafilatura.extract_metadata`` (which knows a title and a date only; ``—`` where it has no such field).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import trafilatura

from crawler.demo import build_site
from crawler.extract import lexicon, quality
from crawler.extract.page import extract_page
from crawler.extract.record import Report, contract

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
REAL_PAGES = Path(os.environ.get("GOVREPORTS_SHARED", REPO.parent / "shared")) / "realpages"
# The record fields trafilatura's metadata has, under our names.
TRAFILATURA_FIELDS = ("title", "published_date")


_EXTRACTIONS: dict[str, Report] = {}


def extraction(case: quality.GoldenCase) -> Report:
    if case.name not in _EXTRACTIONS:
        _EXTRACTIONS[case.name] = extract_page(case.page.read_bytes(), case.url)
    return _EXTRACTIONS[case.name]


def ours(case: quality.GoldenCase) -> str:
    return extraction(case).text


def lexicon_line() -> str:
    sizes = lexicon.load().sizes()
    parts = [
        f"{name} {sum(counts.values())} ({counts[lexicon.NEVER]}/{counts[lexicon.PROSE_SAFE]})"
        for name, counts in sorted(sizes.items())
    ]
    return f"lexicon {len(lexicon.load())} terms (never_in_report/prose_safe): " + ", ".join(parts)


def plain_trafilatura(case: quality.GoldenCase) -> str:
    return trafilatura.extract(case.page.read_bytes(), include_tables=True) or ""


def row(name: str, mine: quality.Score, theirs: quality.Score) -> str:
    def cells(score: quality.Score) -> str:
        return (
            f"{score.precision:5.3f} {score.recall:5.3f} {score.f1:5.3f} "
            f"{len(score.spam_left):4d} {len(score.chrome_left):6d}"
        )

    flag = "  WORSE" if quality.is_worse(mine, theirs) else ""
    return f"{name:36} | {cells(mine)} | {cells(theirs)}{flag}"


def real_pages_table(
    cases: list[quality.RealCase],
) -> tuple[list[str], dict[str, quality.Score], dict[str, quality.Score]]:
    """The real pages' table, and our and trafilatura's phrase scores by page."""
    mine: dict[str, quality.Score] = {}
    theirs: dict[str, quality.Score] = {}
    heading = "    P     R  left miss"
    lines = [
        f"{'real page':36} | {'govreports':^21} | {'trafilatura':^21} | report",
        f"{'':36} | {heading} | {heading} |",
    ]
    for case in cases:
        body = case.page.read_bytes()
        extraction = extract_page(body, f"http://real.example/{case.page.name}")
        mine[case.name] = quality.phrase_score(extraction.text, case)
        theirs[case.name] = quality.phrase_score(trafilatura.extract(body, include_tables=True) or "", case)

        def cells(score: quality.Score) -> str:
            left, missing = len(score.chrome_left), len(score.missing)
            return f"{score.precision:5.3f} {score.recall:5.3f} {left:5d} {missing:4d}"

        report = "ok" if extraction.is_report == case.is_report else f"is_report={extraction.is_report}"
        flag = "  WORSE" if quality.is_worse_on_phrases(mine[case.name], theirs[case.name]) else ""
        scores = f"{cells(mine[case.name])} | {cells(theirs[case.name])}"
        lines.append(f"{case.name[:36]:36} | {scores} | {report}{flag}")
    return lines, mine, theirs


def our_fields(case: quality.FieldCase) -> dict[str, Any]:
    return contract(extract_page(case.body, case.url, case.content_type))


def trafilatura_fields(case: quality.FieldCase) -> dict[str, Any]:
    document = trafilatura.extract_metadata(case.body)
    return {"title": document.title, "published_date": document.date} if document else {}


def metadata_table(cases: list[quality.FieldCase]) -> list[str]:
    """One line per field: ours and trafilatura's right/total and accuracy, and our misses."""
    mine = quality.field_accuracy(cases, our_fields)
    theirs = quality.field_accuracy(cases, trafilatura_fields, TRAFILATURA_FIELDS)

    def cell(score: quality.FieldScore | None) -> str:
        if score is None or score.accuracy is None:
            return f"{'—':>14}"
        return f"{score.correct:>4}/{score.total:<4} {score.accuracy:5.3f}"

    lines = [f"{'field':36} | {'govreports':^14} | {'trafilatura':^14} | missed by govreports"]
    for name, score in mine.items():
        misses = ", ".join(score.misses[:3]) + (" …" if len(score.misses) > 3 else "")
        lines.append(f"{name:36} | {cell(score)} | {cell(theirs.get(name))} | {misses}")
    return lines


def main() -> None:
    cases = quality.load_cases(GOLDEN)
    mine = quality.score_all(cases, ours)
    theirs = quality.score_all(cases, plain_trafilatura)
    heading = "    P     R    F1 spam chrome"
    print(f"{'page':36} | {'govreports':^28} | {'trafilatura':^28}")
    print(f"{'':36} | {heading} | {heading}")
    for case in cases:
        print(row(case.name, mine[case.name], theirs[case.name]))
    mean_theirs = sum(s.f1 for s in theirs.values()) / len(theirs)
    print(f"trafilatura mean f1={mean_theirs:.3f}")
    field_cases = quality.demo_field_cases(build_site()) + quality.golden_field_cases(cases)
    print(f"\nrecord fields over {len(field_cases)} pages (demo manifest and golden `fields`):")
    for line in metadata_table(field_cases):
        print(line)
    real_mine: dict[str, quality.Score] = {}
    real_theirs: dict[str, quality.Score] = {}
    if REAL_PAGES.is_dir():
        real_cases = quality.load_real_cases(GOLDEN / "realpages.toml", REAL_PAGES)
        lines, real_mine, real_theirs = real_pages_table(real_cases)
        print(f"\nreal pages ({REAL_PAGES}; phrases of tests/golden/realpages.toml):")
        for line in lines:
            print(line)
    else:
        print(f"\nreal pages: {REAL_PAGES} is absent, not scored")
    print()
    print(lexicon_line())
    found = {case.name: {finding.kind for finding in extraction(case).spam} for case in cases}
    print(quality.recording_line(cases, found, mine))
    print(quality.summary_line(mine, theirs, real_mine, real_theirs))


if __name__ == "__main__":
    main()
