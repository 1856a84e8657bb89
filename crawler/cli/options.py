"""What every command shares: the --db option, the report filters, --format, examples in --help, settings
pairs, log levels, one-line user errors, a quiet exit on a closed pipe, and no binary on a terminal."""

from __future__ import annotations

import difflib
import errno
import functools
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from click.core import ParameterSource

from crawler.corpus import db as corpus
from crawler.corpus import queries, shards
from crawler.corpus.schema import CorpusError
from crawler.corpus.shards import ShardSet
from crawler.extract.fields import LEVELS
from crawler.extract.page import ExtractionError

DEFAULT_DB = "output/corpus.db"


# The report templates `--template` picks from (free form, 国办公开办函〔2019〕60号, 〔2021〕30号).
TEMPLATE_VERSIONS = ("2008", "2019", "2021")

# English names of the levels `--level` takes, besides the stored Chinese ones.
LEVEL_ALIASES = {
    "state-council": "国务院部门",
    "national": "国务院部门",
    "province": "省",
    "provincial": "省",
    "city": "市",
    "county": "县",
    "township": "乡",
    "town": "乡",
    "department": "部门",
}

# Close stored body names a --body that matches nothing suggests.
BODY_SUGGESTIONS = 5

# Formats that are bytes, not text: never written to a terminal.
BINARY_FORMATS = ("parquet", "warc")


F = TypeVar("F", bound=Callable[..., Any])


class Cli(click.Group):
    """The ``govreports`` group: a command list with each command's whole first sentence, and a quiet
    exit (status 0, no traceback, no "Broken pipe") when the reader of stdout goes away (``| head``)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=500)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
            return result
        except OSError as error:
            if isinstance(error, BrokenPipeError) or error.errno == errno.EPIPE:
                quiet_closed_pipe()
            raise


def quiet_closed_pipe() -> NoReturn:
    """The reader of stdout has gone (``| head -1``): stop writing, status 0, nothing on stderr."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush goes nowhere
    except (OSError, ValueError):
        pass
    raise click.exceptions.Exit(0)


def examples(*lines: str) -> str:
    """A command's ``epilog``: its examples, one a line, as written (click does not rewrap them)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def db_option(function: F) -> F:
    return click.option(
        "--db",
        "db_path",
        default=DEFAULT_DB,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="The corpus database.",
    )(function)


def db_dir_option(function: F) -> F:
    return click.option(
        "--db-dir",
        "db_dir",
        metavar="DIR",
        help="Read every shard (*.db) of DIR as one corpus, as `crawl --db-per-province DIR` wrote "
        "them, instead of one --db file.",
    )(function)


def given_on_command_line(name: str) -> bool:
    """Whether the current command's parameter ``name`` was given, not defaulted."""
    context = click.get_current_context(silent=True)
    return context is not None and context.get_parameter_source(name) is ParameterSource.COMMANDLINE


def open_corpus(db_path: str, db_dir: str | None) -> Any:
    """The corpus a reading command reads: the ``--db`` file, or every shard of ``--db-dir`` (a
    :class:`crawler.corpus.shards.ShardSet`); both close with ``close()``."""
    if db_dir is None:
        return corpus.open_db(db_path, create=False)
    if given_on_command_line("db_path"):
        raise click.UsageError("give --db FILE or --db-dir DIR, not both")
    return ShardSet.open(db_dir)


def format_option(*choices: str, default: str, help: str | None = None) -> Callable[[F], F]:
    """``--format``, the same everywhere: text for people, json (real JSON), csv/jsonl for tools."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help=help or "Output format.",
    )


def level_option(
    levels: tuple[str, ...] = LEVELS, help: str = "Only reports of this level"
) -> Callable[[F], F]:
    """``--level``, the same everywhere: one of ``levels`` as stored, or its English name (county → 县);
    anything else is a usage error that lists the valid values."""
    aliases = {name: level for name, level in LEVEL_ALIASES.items() if level in levels}

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        wanted = value.strip()
        level = aliases.get(wanted.lower(), wanted.removesuffix("级") if wanted != "级" else wanted)
        if level not in levels:
            names = ", ".join([*levels, *aliases])
            raise click.BadParameter(f"{value!r} is not a level; use one of {names}", ctx, param)
        return level

    english = ", ".join(_ENGLISH[level] for level in levels)
    return click.option(
        "--level",
        callback=parse,
        metavar="LEVEL",
        help=f"{help}: {', '.join(levels)} (or {english}).",
    )


# The English name `--help` gives each level (LEVEL_ALIASES takes a few more).
_ENGLISH = {
    "国务院部门": "state-council",
    "省": "province",
    "市": "city",
    "县": "county",
    "乡": "township",
    "部门": "department",
}


def report_filters(*, region: bool = True, template: bool = True) -> Callable[[F], F]:
    """The report filters (``--year --level --region --body --template``), one set for every command
    that reads reports; the command gets them as one ``filters`` argument (a ReportFilters)."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs["filters"] = queries.ReportFilters(
                year=kwargs.pop("year"),
                level=kwargs.pop("level"),
                region=kwargs.pop("region", None),
                body=kwargs.pop("body"),
                template=kwargs.pop("template", None),
            )
            return function(*args, **kwargs)

        options = [
            click.option("--year", type=click.IntRange(1990, 2100), help="Only reports on this year."),
            level_option(),
            click.option("--body", help="Only reports of this body, as stored (e.g. 青岚县教育局)."),
        ]
        if region:
            options.append(click.option("--region", help="Only reports whose region contains this (青岚县)."))
        if template:
            options.append(
                click.option("--template", type=click.Choice(TEMPLATE_VERSIONS), help="Only this template.")
            )
        decorated: Any = wrapper
        for option in reversed(options):
            decorated = option(decorated)
        return decorated

    return decorate


def check_body(database: Any, filters: queries.ReportFilters) -> None:
    """A ``--body`` no stored report has is an error that names the close stored names."""
    if filters.body is None or shards.has_body(database, filters.body):
        return
    stored = shards.stored_bodies(database)
    close = [name for name in stored if filters.body in name]
    close += difflib.get_close_matches(filters.body, stored, n=BODY_SUGGESTIONS, cutoff=0.5)
    close = list(dict.fromkeys(close))[:BODY_SUGGESTIONS]
    hint = f"; did you mean {', '.join(close)}?" if close else " (`govreports coverage` lists the bodies)"
    raise click.BadParameter(f"no stored report has the body {filters.body!r}{hint}", param_hint="'--body'")


def refuse_binary_on_terminal(output_format: str, output: str) -> None:
    """Parquet or WARC bytes never go to a terminal: one ``error:`` line, status 1."""
    if output_format in BINARY_FORMATS and output == "-" and sys.stdout.isatty():
        fail(f"--format {output_format} is binary: write it with -o FILE or redirect stdout (> FILE)")


def fail(message: str) -> NoReturn:
    """One ``error:`` line on stderr, exit status 1."""
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


def user_errors(function: F) -> F:
    """Turn the errors a user can cause into one line and exit status 1 (a closed pipe is no error:
    :class:`Cli` ends quietly on it)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except BrokenPipeError:
            raise
        except (CorpusError, ExtractionError, OSError) as error:
            if isinstance(error, OSError) and error.errno == errno.EPIPE:
                raise
            raise click.ClickException(str(error)) from error

    return wrapper  # type: ignore[return-value]


def parse_settings(pairs: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--set {pair!r}: expected NAME=VALUE")
        parsed[name.strip()] = value
    return parsed


def log_overrides(verbose: int, db_path: str) -> dict[str, Any]:
    """Quiet by default: Scrapy's log goes to ``<db>.log``, stderr keeps our one-line messages and the
    progress (redrawn on a terminal, a plain line now and then elsewhere); ``-v``/``-vv`` send the log
    to stderr instead."""
    if verbose:
        return {"LOG_LEVEL": "INFO" if verbose == 1 else "DEBUG"}
    # The log file sits beside the corpus: when that disk fills, a failed log write must not print
    # logging's traceback over the one-line message that says so.
    logging.raiseExceptions = False
    return {"LOG_LEVEL": "INFO", "LOG_FILE": f"{db_path}.log", "GOVREPORTS_PROGRESS": True}
