"""The statistics as data on the command line: ``checks --cross-year`` (printed here) and
``govreports codebook``; ``export --format stats|measures`` is :mod:`crawler.cli.reading`'s."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import click

from crawler.cli.options import examples, user_errors
from crawler.corpus import statistics


def cross_year_report(database: Any, output_format: str) -> None:
    """Print the cross-year breaks of the stored reports, and their count on stderr."""
    breaks = statistics.cross_year_breaks(database)
    rows = [{key: item[key] for key in statistics.CROSS_YEAR_COLUMNS} for item in breaks]
    if output_format == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif output_format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(statistics.CROSS_YEAR_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
    else:
        for row in rows:
            click.echo("\t".join("" if row[key] is None else str(row[key]) for key in row))
    bodies = len({row["body"] for row in rows})
    click.echo(f"{len(rows)} cross-year breaks for {bodies} bodies", err=True)


@click.command(
    short_help="What each harmonised measure means and which template cells it comes from.",
    epilog=examples(
        "govreports codebook",
        "govreports codebook --format markdown > codebook.md",
        "govreports export --format measures -o measures.csv   # writes measures.codebook.json too",
    ),
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "markdown"]),
    default="json",
    show_default=True,
)
@user_errors
def codebook(output_format: str) -> None:
    """Print the codebook of `export --format measures`: each measure's label, unit, definition and the
    template cells (2008, 2019, 2021) it is made of."""
    text = statistics.codebook_json() if output_format == "json" else statistics.codebook_markdown()
    click.echo(text, nl=False)
