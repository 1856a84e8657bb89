"""The coverage ledger: per body and year, is a report stored?

No crawler in this field tells a researcher which bodies have *not* published (or were not found).
The bodies come from the seed list's ``body`` column, or, without one, from what was stored.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable


def coverage_rows(
    stored: Iterable[tuple[str | None, int | None, str]],
    bodies: list[str],
    first_year: int | None = None,
    last_year: int | None = None,
) -> tuple[dict[str, dict[int, list[str]]], list[int]]:
    """``{body: {year: [report urls]}}`` for every body (seeded first) and the years of the ledger."""
    found: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for body, year, url in stored:
        if body and year:
            found[body][year].append(url)
    years_seen = [year for per_year in found.values() for year in per_year]
    low = first_year or (min(years_seen) if years_seen else 0)
    high = last_year or (max(years_seen) if years_seen else -1)
    names = list(dict.fromkeys([*bodies, *sorted(found)])) if not bodies else list(dict.fromkeys(bodies))
    rows = {
        name: {year: list(found.get(name, {}).get(year, [])) for year in range(low, high + 1)}
        for name in names
    }
    return rows, list(range(low, high + 1))


def ledger_text(rows: dict[str, dict[int, list[str]]], years: list[int]) -> str:
    """A grid a person reads at a glance: ``■`` stored, ``·`` missing, and each body's count."""
    width = max([len(name) for name in rows] + [4]) * 2
    lines = ["body".ljust(width) + " " + " ".join(str(year)[2:] for year in years) + "  stored"]
    for name, per_year in rows.items():
        marks = " ".join((" ■" if per_year[year] else " ·") for year in years)
        count = sum(1 for year in years if per_year[year])
        lines.append(name.ljust(width - len(name)) + " " + marks + f"  {count}/{len(years)}")
    return "\n".join(lines) + "\n"


def ledger_csv(rows: dict[str, dict[int, list[str]]], years: list[int]) -> str:
    """One row per body and year (long format, for analysis): body, year, stored, reports, urls."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["body", "year", "stored", "reports", "urls"])
    for name, per_year in rows.items():
        for year in years:
            urls = per_year[year]
            writer.writerow([name, year, int(bool(urls)), len(urls), " ".join(urls)])
    return out.getvalue()
