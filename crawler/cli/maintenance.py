"""Commands that look after a corpus: optimize."""

from __future__ import annotations

import click

from crawler.cli.options import db_option, examples, user_errors
from crawler.corpus.maintenance import optimize as optimize_corpus


@click.command(
    short_help="After a big crawl: merge the full-text indexes, ANALYZE, VACUUM INTO a new file.",
    epilog=examples(
        "govreports optimize -o output/corpus.optimized.db",
        "govreports optimize --db output/national.db -o /data/national.db",
    ),
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where the optimized copy goes (a new file).",
)
@db_option
@user_errors
def optimize(output: str, db_path: str) -> None:
    """After a big crawl: merge the full-text indexes, ANALYZE, and VACUUM INTO a new file.

    The corpus itself stays readable meanwhile; use the copy once it is written.
    """
    result = optimize_corpus(db_path, output)
    mib = 1024 * 1024
    click.echo(
        f"optimized into {output}: {result.bytes_before / mib:,.1f} MiB -> "
        f"{result.bytes_after / mib:,.1f} MiB in {result.seconds:.1f} s",
        err=True,
    )
