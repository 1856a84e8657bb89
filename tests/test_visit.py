"""Request meta as one typed Visit: its roles, how middlewares mark it, and that it survives serialisation
(Scrapy's JOBDIR disk queues and scrapy-redis keep requests as pickled dicts)."""

from __future__ import annotations

import pickle
import re
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.squeues import PickleFifoDiskQueue
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler
from scrapy_redis import picklecompat

from crawler.crawl.render import render_meta
from crawler.crawl.runner import crawl_settings
from crawler.crawl.seeds import Seed
from crawler.crawl.visit import FOREIGN, VISIT_KEY, Role, Visit, depth_of
from crawler.extract import pagekind
from spiders.reports import ReportsSpider

SEED = Seed(
    "https://www.example.gov.cn/zwgk/", body="青岚县人民政府", region="青岚县", level="县", source="s.csv:2"
)
URL = "https://www.example.gov.cn/zwgk/xxgknb/2023/t1.pdf"


def a_visit() -> Visit:
    return Visit(
        Role.ATTACHMENT,
        SEED,
        anchor="2023年报告（PDF）",
        listing_pages=2,
        parent="https://www.example.gov.cn/zwgk/xxgknb/2023/t1.html",
        column_only=True,
        rendered=True,
        retry_after=3.5,
    )


def test_roles_are_the_words_pagekind_gives_links_and_the_spider_adds():
    source = Path(pagekind.__file__).read_text(encoding="utf-8")
    words = set(re.findall(r'return "(\w+)", \(?SCORE_', source))
    assert words == {"report", "column", "listing", "section"}
    assert {Role(word) for word in words} | {Role.SEED, Role.ATTACHMENT, Role.IMAGE, Role.DATA} == set(Role)
    assert Role("listing") is Role.LISTING and Role.LISTING == "listing"
    assert [role for role in Role if role.lists_reports] == [Role.COLUMN, Role.LISTING]


def test_a_visit_is_frozen_and_middlewares_replace_it():
    request = Request(URL, meta=a_visit().meta())
    assert Visit.of(request) == a_visit() and list(request.meta) == [VISIT_KEY]
    with pytest.raises(FrozenInstanceError):
        Visit.of(request).rendered = False  # type: ignore[misc]
    before = request.copy()  # a retry copied before the mark keeps what it had
    replace(Visit.of(request), conditional=True).attach(request)
    assert Visit.of(request).conditional and not Visit.of(before).conditional
    assert Visit.of(request.copy()).conditional  # a copy after it (a retry, a redirect) carries it
    response = HtmlResponse(URL, body=b"", request=request)
    assert Visit.of(response) is Visit.of(request)


def test_a_request_the_spider_did_not_make_has_the_empty_visit():
    robots = Request("https://www.example.gov.cn/robots.txt", meta={"dont_obey_robotstxt": True})
    assert Visit.of(robots) is FOREIGN and FOREIGN.role is None and FOREIGN.seed is None
    replace(Visit.of(robots), retry_after=2.0).attach(robots)
    assert Visit.of(robots).retry_after == 2.0 and FOREIGN.retry_after is None


def test_depth_is_scrapys():
    response = HtmlResponse(URL, body=b"", request=Request(URL, meta={"depth": 3, **a_visit().meta()}))
    assert depth_of(response) == 3
    assert depth_of(HtmlResponse(URL, body=b"", request=Request(URL))) == 0


def spider_request(rendered: bool) -> tuple[Request, ReportsSpider]:
    crawler = get_crawler(ReportsSpider, crawl_settings("unused.db"))
    spider = ReportsSpider.from_crawler(crawler, seed_objects=[SEED])
    config = spider.config
    meta = (render_meta(config, 7) if rendered else {}) | {"download_timeout": 9, "depth": 2}
    request = Request(
        URL,
        callback=spider.parse,
        errback=spider.on_error,
        priority=30,
        meta=meta | a_visit().meta(),
        headers={"Referer": SEED.url},
    )
    return request, spider


@pytest.mark.parametrize("rendered", [False, True])
def test_a_request_with_its_visit_survives_request_to_dict_and_pickle(rendered):
    request, spider = spider_request(rendered)
    for encoded in (
        request.to_dict(spider=spider),
        pickle.loads(pickle.dumps(request.to_dict(spider=spider), protocol=4)),
        picklecompat.loads(picklecompat.dumps(request.to_dict(spider=spider))),  # scrapy-redis
    ):
        again = request_from_dict(encoded, spider=spider)
        assert Visit.of(again) == a_visit() and Visit.of(again).role is Role.ATTACHMENT
        assert Visit.of(again).seed == SEED
        assert again.meta["depth"] == 2 and again.meta["download_timeout"] == 9
        assert bool(again.meta.get("playwright")) is rendered
        assert again.callback == spider.parse and again.errback == spider.on_error


def test_a_request_with_its_visit_goes_through_a_jobdir_disk_queue(tmp_path):
    request, spider = spider_request(rendered=True)
    crawler = spider.crawler
    crawler.spider = spider
    queue = PickleFifoDiskQueue.from_crawler(crawler, str(tmp_path / "q"))
    queue.push(request)
    queue.close()
    queue = PickleFifoDiskQueue.from_crawler(crawler, str(tmp_path / "q"))
    again = queue.pop()
    queue.close()
    assert again is not None and again.url == URL and Visit.of(again) == a_visit()
