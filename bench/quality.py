"""Text quality on the golden pages: this project against plain trafilatura, side by side.

Run from the repository root: ``.venv/bin/python bench/quality.py``. One row per page in
``tests/golden/cases.toml`` with character-bigram precision/recall/F1 against the expected text, spam
phrases left and chrome lines left, for ``extract_page`` and for
``trafilatura.extract(html, include_tables=True)``. The last line is the summary the quality gate
reads: ``f1=<mean> spam_left=<n> chrome_left=<n> worse_than_trafilatura=<pages>``. Scoring lives in
:mod:`crawler.quality`.
"""

from __future__ import annotations

from pathlib import Path

import trafilatura

from crawler import quality
from crawler.extract import extract_page

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "golden"


def ours(case: quality.GoldenCase) -> str:
    return extract_page(case.page.read_bytes(), case.url).text


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
    print(quality.summary_line(mine, theirs))


if __name__ == "__main__":
    main()
