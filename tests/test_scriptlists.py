"""Lists a script fills from JSON: the address a page names for them, and the links of the JSON."""

from __future__ import annotations

import json

import pytest

from crawler.demo import build_site
from crawler.extract.scriptlists import data_links, data_urls

PAGE = "http://www.qinglan.gov.cn/zwgk/bm/wjw/xxgknb/"


def script(body: str, attributes: str = "") -> str:
    return f"<html><head><script{attributes}>{body}</script></head><body><ul id='list'></ul></body></html>"


def test_the_demo_js_columns_list_is_its_json():
    site = build_site()
    column = site.lookup("/zwgk/bm/wjw/xxgknb/")
    listing = site.lookup("/zwgk/bm/wjw/xxgknb/list.json")
    assert column is not None and listing is not None
    (url,) = data_urls(column.body.decode("utf-8"), PAGE)
    assert url == PAGE + "list.json"  # the cache-buster the script fills is dropped
    reports = [r for r in site.reports if r.path.startswith("/zwgk/bm/wjw/xxgknb/")]
    links = data_links(listing.body, PAGE)
    assert links is not None
    assert sorted(links) == sorted(("http://www.qinglan.gov.cn" + r.path, r.title) for r in reports)


@pytest.mark.parametrize(
    ("body", "urls"),
    [
        (
            '$.getJSON("/interface/nb.json?channel=12&t=" + Date.now(), fill);',
            ["/interface/nb.json?channel=12"],
        ),
        ("fetch('data/list.json').then(show);", ["/zwgk/bm/wjw/xxgknb/data/list.json"]),
        (f'x.open("GET", "{PAGE}list.json");', ["/zwgk/bm/wjw/xxgknb/list.json"]),
        # the folder's own list first
        (
            'load("/common/menu.json"); load("list.json");',
            ["/zwgk/bm/wjw/xxgknb/list.json", "/common/menu.json"],
        ),
        # a parameter the script completes: the address is not whole
        ('x.open("GET", "/interface/list.json?page=" + n);', []),
        ('x.open("GET", "/interface/list.json?channelId=&_=" + t);', []),
        # built from pieces, another host, no .json
        ('x.open("GET", "/interface/list" + ".json");', []),
        ('x.open("GET", "http://cdn.example.com/list.json");', []),
        ('x.open("GET", "/interface/list.jsp?page=1");', []),
    ],
)
def test_the_json_a_script_names_whole_on_its_own_host(body, urls):
    assert data_urls(script(body), PAGE) == ["http://www.qinglan.gov.cn" + url for url in urls]


def test_a_script_files_address_is_no_list():
    assert data_urls(script("", ' src="/js/list.json"'), PAGE) == []


def test_links_of_every_shape_of_list():
    nested = {
        "code": 0,
        "data": {
            "pageCount": 2,
            "records": [
                {"DOCTITLE": "<em>青岚县</em>卫生健康局2023年度报告", "DOCPUBURL": "./202402/t1.html"},
                {"title": "无地址的条目"},
                {"url": "javascript:void(0)", "title": "脚本"},
                {"linkUrl": "/zwgk/bm/wjw/xxgknb/202201/t2.html", "name": "青岚县卫生健康局2021年度报告"},
                {"link": "./202402/t1.html#top", "title": "重复"},
            ],
        },
    }
    assert data_links(json.dumps(nested).encode(), PAGE) == [
        (PAGE + "202402/t1.html", "青岚县卫生健康局2023年度报告"),
        (PAGE + "202201/t2.html", "青岚县卫生健康局2021年度报告"),
    ]


def test_jsonp_and_gbk_lists_are_read_and_anything_else_is_none():
    items = [{"url": "a.html", "title": "青岚县2024年度报告"}]
    assert data_links(b"callback(" + json.dumps(items).encode() + b");", PAGE) == [
        (PAGE + "a.html", "青岚县2024年度报告")
    ]
    gbk = json.dumps(items, ensure_ascii=False).encode("gbk")
    assert data_links(gbk, PAGE) == [(PAGE + "a.html", "青岚县2024年度报告")]
    assert data_links(b"<html><body>404</body></html>", PAGE) is None
    assert data_links(b'{"total": 0, "docs": []}', PAGE) == []
