"""``govreports extract``: one saved or fetched page through the extraction stages, printed."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import click

from crawler import __version__
from crawler.cli.options import examples, user_errors
from crawler.crawl.seeds import url_problem
from crawler.extract.dispatch import extract_any
from crawler.extract.record import contract

# Fetching one page for `extract URL`: a short timeout, our own identity.
FETCH_TIMEOUT = 20


@click.command(
    short_help="Extract one saved page or file, or one fetched from a URL; print JSON or text.",
    epilog=examples(
        "govreports extract page.html --url http://www.example.gov.cn/art/1.html",
        "govreports extract report.pdf --format text",
        "govreports extract http://www.example.gov.cn/art/1.html | jq .tables",
    ),
)
@click.argument("source")
@click.option("--url", help="The page's original URL (for a saved file).")
@click.option(
    "--format", "output_format", type=click.Choice(["json", "text"]), default="json", show_default=True
)
@user_errors
def extract(source: str, url: str | None, output_format: str) -> None:
    """Extract one saved page or file (FILE) or one fetched from a URL — HTML, PDF, DOCX, DOC, WPS, XLS,
    XLSX, told by their bytes; print JSON or text."""
    if source.startswith(("http://", "https://")):
        if problem := url_problem(source):
            raise click.UsageError(f"{source!r}: {problem}")
        body, content_type = _fetch(source)
        page_url = url or source
    else:
        path = Path(source)
        if not path.is_file():
            raise click.UsageError(f"{source}: no such file")
        body, content_type = path.read_bytes(), None
        page_url = url or path.resolve().as_uri()
    report = extract_any(body, page_url, content_type)
    if output_format == "text":
        click.echo(report.text)
    else:
        click.echo(json.dumps(contract(report), ensure_ascii=False, indent=2))


def _fetch(url: str) -> tuple[bytes, str | None]:
    request = urllib.request.Request(url, headers={"User-Agent": f"govreports/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            return response.read(), response.headers.get("Content-Type")
    except OSError as error:
        raise click.ClickException(f"{url}: could not fetch ({error})") from error
