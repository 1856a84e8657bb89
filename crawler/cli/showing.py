"""``govreports show``: one stored report laid out for reading in a terminal or a pager."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from typing import Any

import click

from crawler.cli.options import db_dir_option, db_option, examples, format_option, open_corpus, user_errors
from crawler.corpus import shards

# Metadata lines of a report, in order: (label, column).
METADATA = (
    ("shard", "shard"),
    ("id", "id"),
    ("url", "url"),
    ("body", "body"),
    ("level", "level"),
    ("region", "region"),
    ("year", "report_year"),
    ("published", "published_date"),
    ("issuer", "issuer"),
    ("doc no", "doc_no"),
    ("index no", "index_no"),
    ("template", "template_version"),
    ("kind", "kind"),
    ("fetched", "fetched_at"),
)


@click.command(
    short_help="Print one stored report for reading: metadata, text, tables, checks.",
    epilog=examples(
        "govreports show 12                      # an id from `govreports search`",
        "govreports show http://www.example.gov.cn/art/2023/1/1/art_1_1.html",
        "govreports show 12 | less",
        "govreports show 12 --format json",
        "govreports show 33-浙江省:12 --db-dir output/provinces   # an id from a search of the shards",
    ),
)
@click.argument("report")
@format_option("text", "json", default="text", help="text for reading, or json (the stored record).")
@db_option
@db_dir_option
@user_errors
def show(report: str, output_format: str, db_path: str, db_dir: str | None) -> None:
    """Print one stored report (REPORT: its URL or its id, as `search` shows it): its metadata, its
    text in paragraphs, its statistics tables as aligned text tables, and its consistency checks.
    With --db-dir an id is SHARD:ID (a bare id only one shard has will do)."""
    database = open_corpus(db_path, db_dir)
    try:
        row = shards.report_by_key(database, report.strip())
    finally:
        database.close()
    if row is None:
        raise click.BadParameter(
            f"no stored report has the URL or id {report!r} (`govreports search WORD` shows ids)",
            param_hint="'REPORT'",
        )
    if output_format == "json":
        row.pop("text_normalised", None)
        click.echo(json.dumps(row, ensure_ascii=False, indent=2, default=str))
        return
    click.echo("\n".join(report_lines(row)))


def report_lines(row: dict[str, Any]) -> Iterator[str]:
    """The whole report as lines of text."""
    title = row.get("title") or "(untitled)"
    yield title
    yield "=" * min(width(title), 80)
    for label, column in METADATA:
        if row.get(column) not in (None, ""):
            yield f"{label + ':':<11}{row[column]}"
    if row.get("compromised") or row.get("spam"):
        yield f"{'spam:':<11}{len(row.get('spam') or [])} findings (spam removed from the text)"
    yield ""
    yield from _heading("Text")
    for paragraph in (line.strip() for line in (row.get("text") or "").splitlines()):
        if paragraph:
            yield paragraph
            yield ""
    tables = row.get("tables") or {}
    for name in sorted(tables):
        yield from _heading(f"Statistics: {name}")
        yield from text_table(tables[name])
        yield ""
    yield from _check_lines(row.get("checks") or [])


def _heading(text: str) -> Iterator[str]:
    yield text
    yield "-" * width(text)


def _check_lines(checks: list[dict[str, Any]]) -> Iterator[str]:
    if not checks:
        return
    failed = [check for check in checks if check.get("status") == "fail"]
    yield from _heading(f"Checks: {len(checks) - len(failed)} pass, {len(failed)} fail")
    for check in failed:
        where = check.get("where") or ""
        yield f"fail  {check.get('rule')}  {where}  {check.get('left')} ≠ {check.get('right')}"


def text_table(table: Any) -> Iterator[str]:
    """A statistics table (``{row: {column: {"raw", "value"}}}``, rows possibly nested) as aligned
    text: a row per row, a column per column, numbers right-aligned."""
    cells: dict[str, dict[str, str]] = {}
    columns: list[str] = []
    for path, leaf in _leaves(table, ()):
        row_name = " / ".join(path[:-1]) or "value"
        column = path[-1] if path else "value"
        if column not in columns:
            columns.append(column)
        cells.setdefault(row_name, {})[column] = _value(leaf)
    if not cells:
        return
    grid = [["", *columns]] + [
        [name, *(row.get(column, "") for column in columns)] for name, row in cells.items()
    ]
    widths = [max(width(line[index]) for line in grid) for index in range(len(grid[0]))]
    for number, line in enumerate(grid):
        parts = [_pad(line[0], widths[0], left=True)]
        parts += [_pad(cell, widths[index], left=False) for index, cell in enumerate(line[1:], 1)]
        yield "  ".join(parts).rstrip()
        if number == 0:
            yield "  ".join("-" * size for size in widths)


def _leaves(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(node, dict) and not ({"raw", "value"} & set(node)):
        for key, child in node.items():
            yield from _leaves(child, (*path, str(key)))
    else:
        yield path, node


def _value(leaf: Any) -> str:
    """A cell's number, or what the report printed when it is no number (``—``)."""
    if isinstance(leaf, dict):
        leaf = leaf["value"] if leaf.get("value") is not None else leaf.get("raw")
    return "" if leaf is None else str(leaf)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, size: int, *, left: bool) -> str:
    padding = " " * (size - width(text))
    return text + padding if left else padding + text
