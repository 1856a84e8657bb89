"""The coverage ledger: per body and year, is a report stored?

No crawler in this field tells a researcher which bodies have *not* published (or were not found).
The bodies come from the seed list's ``body`` column, from the national registry (every registered
body, matched by division code and name: :func:`registered_rows`), or, without either, from what was
stored. A seed list's bare township (``石门镇人民政府``) is the stored body that names its county.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from crawler.extract import bodies as body_names

# (body, report year, url, division code, region) of a stored report.
StoredReport = tuple[str | None, int | None, str, str | None, str | None]
Ledger = dict[str, dict[int, list[str]]]


@dataclass(frozen=True)
class Registered:
    """A body of the registry as the ledger lists it: its label (the body, with its parent place when
    the name repeats), its name, division code and region path."""

    label: str
    body: str
    division_code: str | None = None
    places: tuple[str, ...] = ()


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
    known = list(found)
    bodies = [county + name if (county := body_names.county_among(name, known)) else name for name in bodies]
    names = list(dict.fromkeys([*bodies, *sorted(found)])) if not bodies else list(dict.fromkeys(bodies))
    rows = {
        name: {year: list(found.get(name, {}).get(year, [])) for year in range(low, high + 1)}
        for name in names
    }
    return rows, list(range(low, high + 1))


def registered_rows(
    stored: Iterable[StoredReport],
    registered: list[Registered],
    first_year: int | None = None,
    last_year: int | None = None,
) -> tuple[Ledger, list[int]]:
    """The ledger of every registered body: a stored report counts for the body whose division code
    and name it carries; a report without a code, for the body of its name (told apart by the region
    when the name repeats: 西湖区人民政府 of 杭州市 or of 南昌市)."""
    stored = list(stored)
    years = [year for _, year, _, _, _ in stored if year]
    # The ledger spans the corpus's years (the stored reports of unregistered bodies too): a
    # registry none of whose bodies has a report yet still shows its gaps.
    first_year = first_year or (min(years) if years else last_year or date.today().year - 1)
    last_year = last_year or (max(years) if years else first_year)
    by_code = {entry.division_code: entry for entry in registered if entry.division_code}
    by_name: dict[str, list[Registered]] = defaultdict(list)
    for entry in registered:
        by_name[entry.body].append(entry)
    matched: list[tuple[str, int | None, str]] = []
    for body, year, url, code, region in stored:
        found = _entry_of(body, code, region, by_code, by_name)
        if found is not None:
            matched.append((found.label, year, url))
    return coverage_rows(matched, [entry.label for entry in registered], first_year, last_year)


def _entry_of(
    body: str | None,
    code: str | None,
    region: str | None,
    by_code: dict[str, Registered],
    by_name: dict[str, list[Registered]],
) -> Registered | None:
    if not body:
        return None
    if code:
        coded = by_code.get(code)
        return coded if coded is not None and coded.body == body else None
    candidates = by_name.get(body, [])
    if len(candidates) > 1:
        candidates = [c for c in candidates if len(c.places) > 1 and c.places[-2] in (region or "")]
    return candidates[0] if len(candidates) == 1 else None


def registered_labels(entries: list[tuple[str, str | None, tuple[str, ...]]]) -> list[Registered]:
    """Ledger entries of (body, code, region path) rows: a name that repeats is labelled with its
    parent place (``西湖区人民政府（杭州市）``)."""
    counts: dict[str, int] = defaultdict(int)
    for body, _, _ in entries:
        counts[body] += 1
    return [
        Registered(
            label=f"{body}（{places[-2]}）" if counts[body] > 1 and len(places) > 1 else body,
            body=body,
            division_code=code,
            places=places,
        )
        for body, code, places in entries
    ]


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
