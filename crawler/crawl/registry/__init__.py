"""The national seed registry: the official portals of 3,278 government bodies, shipped as data.

``portals.csv`` (``url,body,level,region,division_code``) lists 62 State Council bodies, 32 provincial,
333 prefecture-level and 2,851 county-level governments; ``SOURCES.md`` says where each column comes
from and ``review.csv`` lists the rows to doubt. Every function here works offline: :func:`check`
validates a registry file (URL shape, codes, duplicates, levels), :func:`select` picks rows by province,
city and level, :func:`seed_of` turns a row into a crawl seed that carries its body, region, level and
division code into every report.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from crawler.crawl.seeds import Seed, normalise_url, url_problem

COLUMNS = ("url", "body", "level", "region", "division_code")
# The levels of the registry; the code's shape gives a local government's (xx0000, xxxx00, else 县).
CENTRAL = "国务院部门"
LEVELS = (CENTRAL, "省", "市", "县")
SHIPPED = "portals.csv"
REVIEW = "review.csv"
CODE = re.compile(r"^\d{6}$")
HOST_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# Near names offered for an unknown province or city.
NEAR_NAMES = 5


class RegistryError(ValueError):
    """A registry that cannot be read, or a filter no row matches (one line for the user)."""


@dataclass(frozen=True)
class Portal:
    """One row of the registry; ``line`` is its line in the file (the header is line 1)."""

    url: str
    body: str
    level: str
    region: str
    division_code: str
    line: int = 0

    @property
    def places(self) -> tuple[str, ...]:
        """The region path's names: ``浙江省/杭州市/西湖区`` → (浙江省, 杭州市, 西湖区)."""
        return tuple(part for part in self.region.split("/") if part)

    @property
    def province(self) -> str:
        return self.places[0] if self.places else ""

    @property
    def city(self) -> str:
        """The prefecture a county belongs to, or a prefecture itself ("" for provinces)."""
        return self.places[1] if len(self.places) > 1 else ""

    def row(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in COLUMNS}


def shipped_path() -> Path:
    """The registry inside the installed package (needs no checkout beside it)."""
    return Path(str(resources.files(__name__) / SHIPPED))


def review_path(registry: Path) -> Path:
    """The ``review.csv`` that goes with a registry file: the one beside it."""
    return registry.parent / REVIEW


def load(path: str | Path | None = None) -> list[Portal]:
    """The rows of a registry file (the shipped one by default); a file without the registry's columns
    raises :class:`RegistryError`."""
    path = Path(path) if path is not None else shipped_path()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RegistryError(f"{path}: registry unreadable ({error})") from error
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise RegistryError(f"{path}: not a registry (columns missing: {', '.join(missing)})")
    return [
        Portal(line=number, **{name: (row.get(name) or "").strip() for name in COLUMNS})
        for number, row in enumerate(reader, start=2)
    ]


def load_review(path: Path) -> list[dict[str, str]]:
    """The rows to doubt (``division_code,region,url_from_source,issue``); none when there is no file."""
    if not path.is_file():
        return []
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


# --------------------------------------------------------------------------------------- checks


def expected_level(code: str) -> str:
    """The level a division code's shape gives: ``xx0000`` 省, ``xxxx00`` 市, else 县."""
    return "省" if code.endswith("0000") else "市" if code.endswith("00") else "县"


def url_shape_problem(url: str) -> str | None:
    """Why ``url`` is not an official portal's address, or None: http(s), a well-formed host under gov.cn."""
    if problem := url_problem(url):
        return problem
    if normalise_url(url) != url:
        return "URL has full-width or non-ASCII characters"
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.username or parts.password or parts.port is not None:
        return "URL carries a user, password or port"
    if not all(HOST_LABEL.match(label) for label in host.split(".")) or host != host.strip("."):
        return f"malformed host {host!r}"
    if host != "gov.cn" and not host.endswith(".gov.cn"):
        return f"host {host!r} is not under gov.cn"
    return None


def url_key(url: str) -> str:
    """A URL as duplicates are compared: scheme and ``www.`` ignored, host lower-cased, no final ``/``."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host + parts.path.rstrip("/")


def _row_problems(portal: Portal) -> tuple[list[str], list[str]]:
    """(problems, warnings) of one row on its own."""
    problems: list[str] = []
    warnings: list[str] = []
    if not portal.body:
        problems.append("no body")
    if not portal.places or len(portal.places) != len(portal.region.split("/")):
        problems.append(f"malformed region {portal.region!r}")
    if portal.url:
        if problem := url_shape_problem(portal.url):
            problems.append(f"{problem}: {portal.url!r}")
    else:
        warnings.append(f"no portal URL ({portal.body})")
    if portal.level not in LEVELS:
        problems.append(f"unknown level {portal.level!r} (one of {', '.join(LEVELS)})")
    code = portal.division_code
    if not code:
        if portal.level in LEVELS[1:]:
            warnings.append(f"no division code ({portal.body}, {portal.region})")
    elif not CODE.match(code):
        problems.append(f"division code {code!r} is not 6 digits")
    elif portal.level == CENTRAL:
        problems.append(f"a State Council body with division code {code}")
    elif portal.level in LEVELS and portal.level != expected_level(code):
        problems.append(f"level {portal.level} but code {code} is a {expected_level(code)}'s")
    return problems, warnings


def _prefix_problems(portals: list[Portal]) -> dict[int, list[str]]:
    """Codes whose province (2 digits) or prefecture (4 digits) disagrees with the region path, by line.

    The prefixes come from the registry's own province and prefecture rows: offline, no code table."""
    province_prefix = {
        p.places[0]: p.division_code[:2]
        for p in portals
        if p.level == "省" and CODE.match(p.division_code) and len(p.places) == 1
    }
    city_prefix: dict[tuple[str, ...], str] = {
        p.places[:2]: p.division_code[:4]
        for p in portals
        if p.level == "市" and CODE.match(p.division_code) and len(p.places) == 2
    }
    found: dict[int, list[str]] = {}
    for p in portals:
        code = p.division_code
        if not CODE.match(code) or p.level == CENTRAL or not p.places:
            continue
        want = province_prefix.get(p.places[0])
        if want and p.level != "省" and code[:2] != want:
            found.setdefault(p.line, []).append(f"code {code} is not in {p.places[0]} ({want}xxxx)")
            continue
        city = city_prefix.get(p.places[:2])
        if city and p.level == "县" and len(p.places) > 2 and code[:4] != city:
            found.setdefault(p.line, []).append(f"code {code} is not in {'/'.join(p.places[:2])} ({city}xx)")
    return found


def check(portals: list[Portal], review: list[dict[str, str]], path: str = "") -> tuple[list[str], list[str]]:
    """Every problem (``PATH:LINE: reason``) and warning of a registry; the review rows are warnings."""
    problems: list[str] = []
    warnings: list[str] = []
    prefixes = _prefix_problems(portals)
    first: dict[tuple[str, str], int] = {}  # (what, value) → the line it was first seen on
    for portal in portals:
        where = f"{path}:{portal.line}"
        row_problems, row_warnings = _row_problems(portal)
        row_problems += prefixes.get(portal.line, [])
        for what, key in (
            ("URL", url_key(portal.url) if portal.url else ""),
            ("division code", portal.division_code),
            ("body and region", f"{portal.body}\t{portal.region}" if portal.body else ""),
        ):
            if not key:
                continue
            if (what, key) in first:
                row_problems.append(f"duplicate {what} (first at line {first[what, key]})")
            else:
                first[what, key] = portal.line
        problems += [f"{where}: {problem}" for problem in row_problems]
        warnings += [f"{where}: {warning}" for warning in row_warnings]
    by_code = {portal.division_code: portal for portal in portals if portal.division_code}
    for row in review:
        code, issue = row.get("division_code", ""), row.get("issue", "")
        reviewed = by_code.get(code)
        where = f"{path}:{reviewed.line}" if reviewed else f"{path}: (not in the registry)"
        warnings.append(f"{where}: review: {code} {row.get('region', '')}: {issue}")
    return problems, warnings


# --------------------------------------------------------------------------------------- selecting


def _pick(name: str, known: list[str], what: str, within: str = "") -> str:
    """``name`` among ``known`` (exactly, or the one that starts with it: 浙江 → 浙江省)."""
    if name in known:
        return name
    starting = [candidate for candidate in known if candidate.startswith(name)]
    if len(starting) == 1:
        return starting[0]
    near = [c for c in known if name and (name in c or c in name)]
    near += difflib.get_close_matches(name, known, n=NEAR_NAMES, cutoff=0.5)
    listed = ", ".join(dict.fromkeys(near[:NEAR_NAMES])) or ", ".join(known[:NEAR_NAMES]) + ", …"
    raise RegistryError(f"no {what} {name!r} in {within or 'the registry'} (near: {listed})")


def select(
    portals: list[Portal], province: str | None = None, city: str | None = None, level: str | None = None
) -> list[Portal]:
    """The rows under ``province`` and ``city`` (a city keeps itself and its counties) at ``level``.

    An unknown province or city raises :class:`RegistryError` naming the nearest ones."""
    if level is not None and level not in LEVELS:
        raise RegistryError(f"unknown level {level!r} (one of {', '.join(LEVELS)})")
    chosen = portals
    if province is not None:
        provinces = list(dict.fromkeys(p.province for p in portals if p.level != CENTRAL))
        name = _pick(province, provinces, "province")
        chosen = [p for p in chosen if p.level != CENTRAL and p.province == name]
    if city is not None:
        cities = list(dict.fromkeys(p.city for p in chosen if p.level in ("市", "县") and p.city))
        name = _pick(city, cities, "city", chosen[0].province if province and chosen else "")
        chosen = [p for p in chosen if p.level in ("市", "县") and p.city == name]
    if level is not None:
        chosen = [p for p in chosen if p.level == level]
    return chosen


def seed_region(portal: Portal) -> str:
    """The region a report of this portal is stored with, as the corpus writes regions (names run
    together: 浙江省杭州市西湖区); a State Council body's is 国务院."""
    if portal.level == CENTRAL:
        return portal.places[0] if portal.places else CENTRAL
    return "".join(portal.places)


def seed_of(portal: Portal, source: str = "registry") -> Seed:
    """The crawl seed of a row: its URL, with body, region, level and division code as hints."""
    return Seed(
        url=normalise_url(portal.url),
        body=portal.body or None,
        region=seed_region(portal) or None,
        level=portal.level or None,
        division_code=portal.division_code or None,
        source=f"{source}:{portal.line}",
    )


def seeds_of(portals: list[Portal], source: str = "registry") -> tuple[list[Seed], list[str]]:
    """Seeds of the rows that have a crawlable URL, and one line for each that has none."""
    seeds: list[Seed] = []
    problems: list[str] = []
    for portal in portals:
        url = normalise_url(portal.url)
        if problem := url_problem(url):
            problems.append(f"{source}:{portal.line}: {portal.body}: {problem}")
        else:
            seeds.append(seed_of(portal, source))
    return seeds, problems


def as_csv(portals: list[Portal]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(portal.row() for portal in portals)
    return out.getvalue()


def as_text(portals: list[Portal]) -> str:
    """One row a line, tab-separated: code, level, body, region, URL."""
    return "".join(
        "\t".join((p.division_code or "-", p.level, p.body, p.region, p.url or "-")) + "\n" for p in portals
    )
