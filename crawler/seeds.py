"""Seed lists: URLs from the command line or a file, checked line by line.

A bad line never stops a run: it becomes one message naming the line, and the rest still crawl.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# Optional CSV columns carried into the stored records.
SEED_COLUMNS = ("body", "region", "level")


@dataclass(frozen=True)
class Seed:
    url: str
    body: str | None = None
    region: str | None = None
    level: str | None = None
    source: str = "argument"  # "argument" or "FILE:LINE"


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be crawled, or None when it can."""
    if not url:
        return "empty URL"
    if any(ch.isspace() for ch in url):
        return "URL contains spaces"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
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


def _rows(path: Path, text: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs from a CSV with a ``url`` column or a plain one-URL-a-line file."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    header = [name.strip().lower() for name in first.split(",")]
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
    for number, row in _rows(path, _read_text(path)):
        url = row.get("url", "")
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
        if problem := url_problem(url.strip()):
            problems.append(f"seed {url!r}: {problem}")
        else:
            seeds.append(Seed(url=url.strip()))
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
