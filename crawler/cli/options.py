"""What every command shares: the --db option, settings pairs, log levels, one-line user errors."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from crawler.corpus.schema import CorpusError
from crawler.extract.page import ExtractionError

DEFAULT_DB = "output/corpus.db"


# The report templates `export --template` picks from (free form, 国办公开办函〔2019〕60号, 〔2021〕30号).
TEMPLATE_VERSIONS = ("2008", "2019", "2021")


F = TypeVar("F", bound=Callable[..., Any])


def db_option(function: F) -> F:
    return click.option(
        "--db",
        "db_path",
        default=DEFAULT_DB,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="The corpus database.",
    )(function)


def user_errors(function: F) -> F:
    """Turn the errors a user can cause into one line and exit status 1."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (CorpusError, ExtractionError, OSError) as error:
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
    """Quiet by default: Scrapy's log goes to ``<db>.log`` and stderr keeps our one-line messages;
    ``-v``/``-vv`` send the log to stderr instead."""
    if verbose:
        return {"LOG_LEVEL": "INFO" if verbose == 1 else "DEBUG"}
    # The log file sits beside the corpus: when that disk fills, a failed log write must not print
    # logging's traceback over the one-line message that says so.
    logging.raiseExceptions = False
    return {
        "LOG_LEVEL": "INFO",
        "LOG_FILE": f"{db_path}.log",
        "GOVREPORTS_PROGRESS": sys.stderr.isatty(),
    }
