"""The national seed registry on the command line: ``govreports seeds`` (list, check) and the options
``crawl --registry`` and ``coverage --registry`` share (:func:`registry_options`, :func:`chosen_portals`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from crawler.cli.options import examples, level_option, user_errors
from crawler.crawl import registry

F = TypeVar("F", bound=Callable[..., Any])


def registry_options(
    levels: tuple[str, ...] = registry.LEVELS, flag: bool = True, level: bool = True
) -> Callable[[F], F]:
    """``--registry``, ``--registry-file``, ``--province``, ``--city`` and ``--level`` (of ``levels``;
    ``level=False`` where the command's report filters give ``--level``)."""

    def decorate(function: F) -> F:
        options = [
            click.option(
                "--registry-file",
                type=click.Path(dir_okay=False),
                help="A registry CSV (url,body,level,region,division_code) instead of the shipped one.",
            ),
            click.option("--province", help="Only registered bodies of this province (e.g. 浙江省)."),
            click.option("--city", help="Only this prefecture and its counties (e.g. 杭州市)."),
        ]
        if level:
            options.append(level_option(levels, help="Only bodies of this level"))
        if flag:
            options.insert(
                0,
                click.option(
                    "--registry",
                    "use_registry",
                    is_flag=True,
                    help="Use the national seed registry (3,278 official portals, shipped with govreports).",
                ),
            )
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def fail(message: str) -> None:
    """One ``error:`` line and exit status 2 (a usage mistake)."""
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(2)


def load_registry(registry_file: str | None) -> tuple[list[registry.Portal], Path]:
    path = Path(registry_file) if registry_file else registry.shipped_path()
    try:
        return registry.load(path), path
    except registry.RegistryError as error:
        fail(str(error))
        raise  # unreachable: fail() exits


def chosen_portals(
    registry_file: str | None, province: str | None, city: str | None, level: str | None
) -> list[registry.Portal]:
    """The registry rows the filters keep; an unknown province or city is one ``error:`` line."""
    portals, _ = load_registry(registry_file)
    try:
        return registry.select(portals, province, city, level)
    except registry.RegistryError as error:
        fail(str(error))
        raise


@click.command(
    short_help="List or check the national registry of official portals (the seeds for a crawl).",
    epilog=examples(
        "govreports seeds --province 浙江省 --level 县",
        "govreports seeds --city 杭州市 --format txt > hangzhou.txt",
        "govreports seeds --check",
        "govreports crawl --registry --province 浙江省   # crawl them",
    ),
)
@registry_options(flag=False)
@click.option("--check", "run_check", is_flag=True, help="Validate the registry offline instead of listing.")
@click.option(
    "--format", "output_format", type=click.Choice(["txt", "csv"]), default="txt", show_default=True
)
@user_errors
def seeds(
    registry_file: str | None,
    province: str | None,
    city: str | None,
    level: str | None,
    run_check: bool,
    output_format: str,
) -> None:
    """List the national seed registry (official portals of State Council bodies, provinces,
    prefectures and counties, with division codes), or check it with --check.

    `govreports seeds --province 浙江省 --level 县` lists the province's county-level bodies;
    `govreports crawl --registry --province 浙江省 --level 县` crawls them."""
    if run_check:
        _check(registry_file)
        return
    chosen = chosen_portals(registry_file, province, city, level)
    click.echo(registry.as_csv(chosen) if output_format == "csv" else registry.as_text(chosen), nl=False)
    click.echo(f"{len(chosen)} registered bodies", err=True)


def _check(registry_file: str | None) -> None:
    """One line per problem (exit 1 when any), the rows to review as warnings, then a summary."""
    portals, path = load_registry(registry_file)
    problems, warnings = registry.check(portals, registry.load_review(registry.review_path(path)), str(path))
    for line in problems:
        click.echo(f"error: {line}")
    for line in warnings:
        click.echo(f"warning: {line}")
    levels = ", ".join(f"{sum(1 for p in portals if p.level == name)} {name}" for name in registry.LEVELS)
    verdict = "FAILED" if problems else "OK"
    click.echo(
        f"registry {verdict}: {path}: {len(portals)} rows ({levels}); "
        f"{len(problems)} problems, {len(warnings)} warnings"
    )
    if problems:
        raise click.exceptions.Exit(1)
