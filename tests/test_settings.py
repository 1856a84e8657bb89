"""The ``GOVREPORTS_*`` settings: read once, typed, into :class:`CrawlConfig`, and documented."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.cli import main
from crawler.crawl import settings as project_settings
from crawler.crawl.conditional import IncrementalMiddleware
from crawler.crawl.config import SETTING_NAMES, CrawlConfig
from crawler.crawl.runner import crawl_settings

REPO = Path(__file__).resolve().parents[1]
DOC_TYPES = {"str": "str", "int": "int", "float": "float", "bool": "bool", "frozenset[str]": "list"}


def config(**values: object) -> CrawlConfig:
    return CrawlConfig.from_settings(Settings(values))


def test_absent_settings_take_the_defaults() -> None:
    assert config() == CrawlConfig()
    assert CrawlConfig().full is False
    assert CrawlConfig().browser_guard is True
    assert CrawlConfig().max_errors_per_site == 10


def test_the_project_settings_run_with_the_defaults_but_one_worker_per_core() -> None:
    project = CrawlConfig.from_settings(Settings(project_settings.as_dict()))
    assert project.workers >= 1
    assert project == CrawlConfig(workers=project.workers)
    assert {name for name in project_settings.as_dict() if name.startswith("GOVREPORTS_")} == set(
        SETTING_NAMES.values()
    )


@pytest.mark.parametrize("value", [0, "0", "false", "False", False])
def test_full_off(value: object) -> None:
    assert config(GOVREPORTS_FULL=value).full is False


@pytest.mark.parametrize("value", [1, "1", "true", "True", True])
def test_full_on(value: object) -> None:
    assert config(GOVREPORTS_FULL=value).full is True


def test_full_0_keeps_incremental_crawling(tmp_path: Path) -> None:
    """``-s GOVREPORTS_FULL=0`` once read as true (``bool("0")``) and turned conditional requests off."""
    crawler = get_crawler(settings_dict={"GOVREPORTS_FULL": "0", "GOVREPORTS_DB": str(tmp_path / "c.db")})
    assert isinstance(IncrementalMiddleware.from_crawler(crawler), IncrementalMiddleware)


def test_command_line_strings_are_read_as_their_types() -> None:
    got = config(
        GOVREPORTS_MAX_DEPTH="3",
        GOVREPORTS_RETRY_BACKOFF="0.5",
        GOVREPORTS_BROWSER_GUARD="0",
        GOVREPORTS_CHALLENGE_ENABLED="false",
        GOVREPORTS_PROGRESS="1",
        GOVREPORTS_RENDER="NEVER",
        GOVREPORTS_OFFICIAL_HOSTS="A.example, b.example,",
        GOVREPORTS_PRIVATE_HOSTS=["127.0.0.3"],
        GOVREPORTS_DB=Path("x") / "c.db",
    )
    assert got.max_depth == 3
    assert got.retry_backoff == 0.5
    assert (got.browser_guard, got.challenge_enabled, got.progress) == (False, False, True)
    assert got.render == "never"
    assert got.official_hosts == frozenset({"a.example", "b.example"})
    assert got.private_hosts == frozenset({"127.0.0.3"})
    assert got.test_public_hosts == frozenset()
    assert got.db_path == str(Path("x") / "c.db")


def test_negative_workers_mean_none() -> None:
    assert config(GOVREPORTS_WORKERS=-2).workers == 0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("GOVREPORTS_RENDER", "sometimes", "GOVREPORTS_RENDER must be one of auto, never, always"),
        ("GOVREPORTS_MAX_DEPTH", 0, "GOVREPORTS_MAX_DEPTH must be at least 1"),
        ("GOVREPORTS_STORE_BATCH_SIZE", "0", "GOVREPORTS_STORE_BATCH_SIZE must be at least 1"),
        ("GOVREPORTS_MAX_PAGES_PER_SITE", "many", "GOVREPORTS_MAX_PAGES_PER_SITE: invalid literal"),
        ("GOVREPORTS_RETRY_BACKOFF", "soon", "GOVREPORTS_RETRY_BACKOFF: could not convert"),
        ("GOVREPORTS_FULL", "yes please", "GOVREPORTS_FULL: Supported values for boolean settings"),
    ],
)
def test_bad_values_name_the_setting(name: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        config(**{name: value})


def test_every_field_is_a_govreports_setting() -> None:
    assert set(SETTING_NAMES) == {field.name for field in fields(CrawlConfig)}
    assert all(name.startswith("GOVREPORTS_") for name in SETTING_NAMES.values())
    assert len(set(SETTING_NAMES.values())) == len(SETTING_NAMES)


def doc_rows() -> dict[str, tuple[str, str]]:
    """Setting → (type, default) from the table of docs/settings.md."""
    rows = {}
    for line in (REPO / "docs" / "settings.md").read_text(encoding="utf-8").splitlines():
        if match := re.match(r"\| `(GOVREPORTS_\w+)` \| (\w+) \| `([^`]*)` \|", line):
            name, kind, default = match.groups()
            assert name not in rows, f"{name} twice in docs/settings.md"
            rows[name] = (kind, default)
    return rows


def test_docs_describe_every_setting_with_its_type_and_default() -> None:
    rows = doc_rows()
    assert set(rows) == set(SETTING_NAMES.values())
    defaults = CrawlConfig.defaults()
    for field in fields(CrawlConfig):
        name = SETTING_NAMES[field.name]
        kind, default = rows[name]
        assert kind == DOC_TYPES[str(field.type)], name
        assert ast.literal_eval(default) == defaults[name], name


# A read of a GOVREPORTS_* setting: settings.get("…"), .getint(\n"…"), os.getenv("…"), or a subscript
# (settings["…"], os.environ["…"]) that is not assigned to.
GOVREPORTS_READ = re.compile(
    r"""\bget\w*\(\s*f?["']GOVREPORTS_|\[\s*f?["']GOVREPORTS_\w*["']\s*\](?!\s*\|?=[^=])"""
)


def test_the_read_pattern_finds_every_way_of_reading_and_no_write() -> None:
    reads = [
        'settings.get("GOVREPORTS_FULL")',
        "settings.getbool(\n    'GOVREPORTS_FULL')",
        'os.environ.get("GOVREPORTS_DB")',
        'os.getenv("GOVREPORTS_DB")',
        'mode = str(settings["GOVREPORTS_RENDER"])',
        'os.environ["GOVREPORTS_DB"]',
        'if settings["GOVREPORTS_FULL"] == 1:',
    ]
    writes = ['settings["GOVREPORTS_DB"] = path', 'settings["GOVREPORTS_MAX_DEPTH"]  = 3']
    assert [text for text in reads if not GOVREPORTS_READ.search(text)] == []
    assert [text for text in writes if GOVREPORTS_READ.search(text)] == []


def test_no_module_but_the_config_reads_a_govreports_setting() -> None:
    read = GOVREPORTS_READ
    offenders = [
        f"{path.relative_to(REPO)}:{text.count(chr(10), 0, found.start()) + 1}"
        for folder in ("crawler", "spiders", "pipelines")
        for path in sorted((REPO / folder).rglob("*.py"))
        if path != REPO / "crawler" / "crawl" / "config.py"
        for text in [path.read_text(encoding="utf-8")]
        for found in read.finditer(text)
    ]
    assert offenders == []


def test_crawl_settings_read_the_render_mode_through_the_config() -> None:
    """``-s GOVREPORTS_RENDER=NEVER`` is ``never``: no browser handler is installed (the mode was once
    read raw, so only the lower-case word turned the browser off)."""
    settings = crawl_settings("unused.db", {"GOVREPORTS_RENDER": "NEVER"})
    assert settings["GOVREPORTS_RENDER"] == "never" and settings["DOWNLOAD_HANDLERS"] == {}
    assert crawl_settings("unused.db")["DOWNLOAD_HANDLERS"] != {}


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("GOVREPORTS_MAX_DEPTH=0", "GOVREPORTS_MAX_DEPTH must be at least 1"),
        ("GOVREPORTS_FULL=perhaps", "GOVREPORTS_FULL: Supported values for boolean settings"),
        ("GOVREPORTS_RENDER=sometimes", "GOVREPORTS_RENDER must be one of auto, never, always"),
    ],
)
def test_a_bad_setting_on_the_command_line_is_one_error_before_any_crawl(
    tmp_path: Path, pair: str, message: str
) -> None:
    """Once a traceback from inside Scrapy's start (exit 1); now a usage error naming the setting, and
    no crawl: the port given is never asked."""
    db_path = str(tmp_path / "c.db")
    result = CliRunner().invoke(main, ["crawl", "http://127.0.0.1:9/", "--db", db_path, "-s", pair])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not Path(f"{db_path}.log").exists()
