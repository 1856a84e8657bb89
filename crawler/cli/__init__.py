"""The ``govreports`` command: parses arguments and calls plain functions.

User mistakes (a bad seed, a missing file, a database that is not one) end in one ``error:`` line
and a non-zero exit, never a traceback.

One module per group of commands: :mod:`crawler.cli.crawling`, :mod:`crawler.cli.reading`,
:mod:`crawler.cli.extracting`, :mod:`crawler.cli.seeding`; what they share is in :mod:`crawler.cli.options`.
"""

from __future__ import annotations

import click

from crawler import __version__
from crawler.cli.crawling import crawl, demo, merge, reextract, runs
from crawler.cli.extracting import extract
from crawler.cli.options import Cli, examples
from crawler.cli.reading import browse, checks, coverage, export, search
from crawler.cli.seeding import seeds
from crawler.cli.showing import show
from crawler.cli.statistics import codebook


@click.group(
    cls=Cli,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
    epilog=examples(
        "govreports demo                         # crawl the bundled demo portal",
        "govreports crawl --seeds seeds.csv",
        "govreports search 行政复议 --level county",
        "govreports show 12",
        "govreports export --format csv --year 2022 > 2022.csv",
        "govreports COMMAND --help               # every command has its own examples",
    ),
)
@click.version_option(__version__, prog_name="govreports")
def main() -> None:
    """Find, clean and store Chinese government information disclosure annual reports."""


main.add_command(crawl)
main.add_command(demo)
main.add_command(merge)
main.add_command(reextract)
main.add_command(runs)
main.add_command(search)
main.add_command(show)
main.add_command(export)
main.add_command(coverage)
main.add_command(checks)
main.add_command(codebook)
main.add_command(browse)
main.add_command(extract)
main.add_command(seeds)
