"""Seed lists: URLs from the command line or a file, checked line by line.

A bad line never stops a run: it becomes one message naming the line, and the rest still crawl.
"""

from __future__ import annotations

import csv
import difflib
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# Optional CSV columns carried into the stored records.
SEED_COLUMNS = ("body", "region", "level", "division_code")


@dataclass(frozen=True)
class Seed:
    url: str
    body: str | None = None
    region: str | None = None
    level: str | None = None
    division_code: str | None = None  # the administrative division (民政部 code), e.g. 330106
    source: str = "argument"  # "argument", "FILE:LINE" or "registry:LINE"


def normalise_url(url: str) -> str:
    """``url`` with full-width characters before the path made ASCII (``https：//ａ.gov.cn``) and an
    internationalised host in punycode (``中国.政务`` → ``xn--fiqs8s.xn--zfr164b``); the path is kept."""
    url = url.strip()
    scheme_end = url.find("//")
    path_start = url.find("/", scheme_end + 2) if scheme_end >= 0 else -1
    head, tail = (url, "") if path_start < 0 else (url[:path_start], url[path_start:])
    head = unicodedata.normalize("NFKC", head)
    parts = urlsplit(head)
    host = parts.hostname or ""
    if host and not host.isascii():
        try:
            head = head.replace(host, host.encode("idna").decode("ascii"), 1)
        except UnicodeError:
            return url
    return head + tail


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be crawled, or None when it can."""
    if not url:
        return "empty URL"
    if any(ch.isspace() for ch in url):
        return "URL contains spaces (write them as %20)"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        if not parts.scheme and url.startswith(("/", "./", "../")):
            return "relative URL (a seed needs http:// or https:// and a host)"
        if not parts.scheme or "." in parts.scheme:
            return "not a URL (no http:// or https://)"
        return f"unsupported scheme {parts.scheme!r} (only http and https)"
    if not parts.hostname:
        return "URL has no host"
    return None


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


class SeedFileError(ValueError):
    """A seed file that cannot be read as seeds at all (one message for the whole file)."""


def _check_header(path: Path, first: str, header: list[str]) -> None:
    """A CSV (by suffix, or a first line of names) must have a ``url`` column: say which columns it has."""
    looks_csv = path.suffix.lower() == ".csv" or ("," in first and "://" not in first)
    if not looks_csv or "url" in header or "://" in first:
        return
    found = ", ".join(name for name in header if name) or "none"
    close = difflib.get_close_matches("url", header, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise SeedFileError(f"{path}: CSV has no 'url' column (columns found: {found}{hint})")


def _rows(path: Path, text: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs from a CSV with a ``url`` column or a plain one-URL-a-line file."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    if not first:
        raise SeedFileError(f"{path}: seed file is empty (no URLs)")
    header = [name.strip().lower() for name in first.split(",")]
    _check_header(path, first, header)
    if ("url" in header and path.suffix.lower() == ".csv") or header[:1] == ["url"]:
        reader = csv.DictReader(io.StringIO(text))
        return [
            (number, {k.strip().lower(): (v or "").strip() for k, v in row.items() if k})
            for number, row in enumerate(reader, start=2)
        ]
    rows = []
    for number, line in enumerate(lines, start=1):
        stripped = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
        if stripped:
            rows.append((number, {"url": stripped}))
    return rows


def read_seed_file(path: str | Path) -> tuple[list[Seed], list[str]]:
    """Seeds of a file and one message per bad line (``FILE:LINE: reason: value``)."""
    path = Path(path)
    if not path.is_file():
        return [], [f"{path}: seed file not found"]
    seeds: list[Seed] = []
    problems: list[str] = []
    try:
        rows = _rows(path, _read_text(path))
    except SeedFileError as error:
        return [], [str(error)]
    except OSError as error:
        return [], [f"{path}: seed file unreadable ({error.strerror or error})"]
    for number, row in rows:
        url = normalise_url(row.get("url", ""))
        if problem := url_problem(url):
            problems.append(f"{path}:{number}: {problem}: {url!r}")
            continue
        extras = {name: row.get(name) or None for name in SEED_COLUMNS}
        seeds.append(Seed(url=url, source=f"{path}:{number}", **extras))
    return seeds, problems


def collect_seeds(urls: list[str], seed_file: str | Path | None = None) -> tuple[list[Seed], list[str]]:
    """Seeds from arguments and an optional file, duplicates removed (each reported)."""
    seeds: list[Seed] = []
    problems: list[str] = []
    for url in urls:
        if problem := url_problem(normalise_url(url)):
            problems.append(f"seed {url!r}: {problem}")
        else:
            seeds.append(Seed(url=normalise_url(url)))
    if seed_file is not None:
        file_seeds, file_problems = read_seed_file(seed_file)
        seeds += file_seeds
        problems += file_problems
    unique: dict[str, Seed] = {}
    for seed in seeds:
        if seed.url in unique:
            problems.append(f"{seed.source}: duplicate seed (first at {unique[seed.url].source}): {seed.url}")
        else:
            unique[seed.url] = seed
    return list(unique.values()), problems
