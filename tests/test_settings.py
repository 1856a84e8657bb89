"""The ``GOVREPORTS_*`` settings: read once, typed, into :class:`CrawlConfig`, and documented."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.crawl import settings as project_settings
from crawler.crawl.conditional import IncrementalMiddleware
from crawler.crawl.config import SETTING_NAMES, CrawlConfig

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


def test_no_module_but_the_config_reads_a_govreports_setting() -> None:
    read = re.compile(r"""\bget\w*\(\s*f?["']GOVREPORTS_""")  # settings.get("…"), .getint(\n"…"), …
    offenders = [
        f"{path.relative_to(REPO)}:{text.count(chr(10), 0, found.start()) + 1}"
        for folder in ("crawler", "spiders", "pipelines")
        for path in sorted((REPO / folder).rglob("*.py"))
        if path != REPO / "crawler" / "crawl" / "config.py"
        for text in [path.read_text(encoding="utf-8")]
        for found in read.finditer(text)
    ]
    assert offenders == []
