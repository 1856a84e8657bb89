"""Broken seed files: each bad line or file is one specific message, and the good seeds still run."""

from __future__ import annotations

from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.crawl.ledger import RunLedger
from crawler.crawl.seeds import collect_seeds, read_seed_file
from spiders.reports import ReportsSpider


def test_bom_crlf_blank_and_comment_lines(tmp_path):
    path = tmp_path / "seeds.txt"
    path.write_bytes(b"\xef\xbb\xbfhttp://127.0.0.1:1/\r\n\r\n# comment\r\n  \r\nhttp://127.0.0.1:2/\r\n")
    seeds, problems = read_seed_file(path)
    assert [seed.url for seed in seeds] == ["http://127.0.0.1:1/", "http://127.0.0.1:2/"]
    assert problems == []


def test_a_relative_url_says_so(tmp_path):
    path = tmp_path / "seeds.txt"
    path.write_text("/xxgk/ndbg/\n", encoding="utf-8")
    assert read_seed_file(path)[1] == [
        f"{path}:1: relative URL (a seed needs http:// or https:// and a host): '/xxgk/ndbg/'"
    ]


def test_full_width_characters_before_the_path_are_made_ascii(tmp_path):
    path = tmp_path / "seeds.txt"
    path.write_text("http：//１２７.0.0.1：8/年报/\n", encoding="utf-8")
    seeds, problems = read_seed_file(path)
    assert [seed.url for seed in seeds] == ["http://127.0.0.1:8/年报/"] and problems == []


def test_an_idn_host_becomes_punycode():
    seeds, problems = collect_seeds(["https://中国政府.政务/xxgk/"])
    assert [seed.url for seed in seeds] == ["https://xn--fiqs8sirgfmh.xn--zfr164b/xxgk/"] and problems == []


def test_spaces_and_other_schemes_are_named(tmp_path):
    path = tmp_path / "seeds.txt"
    path.write_text("http://127.0.0.1/年 报\njavascript:void(0)\nfile:///etc/passwd\n", encoding="utf-8")
    problems = read_seed_file(path)[1]
    assert problems[0] == f"{path}:1: URL contains spaces (write them as %20): 'http://127.0.0.1/年 报'"
    assert "unsupported scheme 'javascript'" in problems[1]
    assert "unsupported scheme 'file'" in problems[2]


def test_a_csv_without_a_url_column_is_one_message_naming_its_columns(tmp_path):
    path = tmp_path / "seeds.csv"
    path.write_text(
        "urls,body\nhttp://127.0.0.1:1/,青岚县人民政府\nhttp://127.0.0.1:2/,x\n", encoding="utf-8"
    )
    assert read_seed_file(path) == (
        [],
        [f"{path}: CSV has no 'url' column (columns found: urls, body; did you mean 'urls'?)"],
    )


def test_an_empty_or_comment_only_file_says_it_is_empty(tmp_path):
    for text in ("", "# nothing yet\n\n"):
        path = tmp_path / "seeds.txt"
        path.write_text(text, encoding="utf-8")
        assert read_seed_file(path) == ([], [f"{path}: seed file is empty (no URLs)"])


@deferred_f_from_coro_f
async def test_bad_lines_are_counted_and_the_good_seed_still_runs(demo_server, fast_settings, tmp_path):
    path = tmp_path / "seeds.txt"
    path.write_text(f"/relative\nmailto:x@y.z\n{demo_server.url('/')}\n", encoding="utf-8")
    crawler = get_crawler(
        ReportsSpider, fast_settings(tmp_path / "corpus.db", GOVREPORTS_MAX_PAGES_PER_SITE=5)
    )
    await crawler.crawl_async(seeds_file=str(path))
    assert crawler.stats is not None
    assert crawler.stats.get_value("govreports/seeds/bad") == 2
    assert crawler.stats.get_value("govreports/seeds/ok") == 1
    assert RunLedger.of(crawler).per_seed[demo_server.url("/")]["pages"] >= 1
