"""The metadata block in its table, list, definition-list and one-cell forms."""

import pytest
from lxml import html

from crawler.extract import metadata

TABLE = """<html><body><table class="bd1">
<tr><td><b>索 引 号：</b></td><td>11330725002583601X/2021-00123</td>
<td><b>主题分类：</b></td><td>综合政务\\政务公开</td></tr>
<tr><td><b>发布机构：</b></td><td>青岚县人民政府办公室</td><td><b>成文日期：</b></td><td>2022年01月20日</td></tr>
<tr><td><b>文　　号：</b></td><td>— —</td><td><b>发布日期：</b></td><td>2022-01-25 09:30</td></tr>
</table><div id="zoom"><p>正文</p></div></body></html>"""

LIST = """<html><body><ul class="xxgk-info">
<li><span>信息索引号：</span>11330702731527164G/2014-32225</li><li><span>发布机构：</span>琅琊镇</li>
<li><span>成文日期：</span>2014-08-13</li><li><span>公开方式：</span>主动公开</li></ul></body></html>"""

DEFINITIONS = """<html><body><dl><dt>索引号</dt><dd>0001/2020-1</dd>
<dt>文号</dt><dd>青政办〔2024〕5号</dd>
<dt>成文日期</dt><dd>2024/3/5</dd></dl></body></html>"""

ONE_CELL = """<html><body><table><tr>
<td>索引号：0002/2019-7</td><td>发布机构：县政府办</td></tr></table></body></html>"""


def read(markup: str) -> dict[str, str]:
    return metadata.read_block(html.document_fromstring(markup))


def test_table_form_with_spaced_labels_and_placeholder():
    fields = read(TABLE)
    assert fields["index_no"] == "11330725002583601X/2021-00123"
    assert fields["issuer"] == "青岚县人民政府办公室"
    assert fields["written_date"] == "2022-01-20"
    assert fields["published_date"] == "2022-01-25"
    assert "doc_no" not in fields  # "— —" is a placeholder, not a value


def test_list_form():
    fields = read(LIST)
    assert fields == {
        "index_no": "11330702731527164G/2014-32225",
        "issuer": "琅琊镇",
        "written_date": "2014-08-13",
        "disclosure": "主动公开",
    }


def test_definition_list_form():
    fields = read(DEFINITIONS)
    assert fields["doc_no"] == "青政办〔2024〕5号"
    assert fields["written_date"] == "2024-03-05"


def test_label_and_value_in_one_cell():
    assert read(ONE_CELL) == {"index_no": "0002/2019-7", "issuer": "县政府办"}


def test_block_element_is_the_table_not_the_page():
    root = html.document_fromstring(TABLE)
    blocks = metadata.block_elements(root)
    assert [block.tag for block in blocks] == ["table"]


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2014年8月13日", "2014-08-13"), ("2014-08-13 15:13:23", "2014-08-13"), ("2014/8/3", "2014-08-03"),
     ("2014-13-01", None), ("无", None), (None, None)],
)  # fmt: skip
def test_iso_date(text, iso):
    assert metadata.iso_date(text) == iso


def test_meta_tags():
    root = html.document_fromstring(
        '<html><head><meta name="PubDate" content="2024-03-20 10:12"></head></html>'
    )
    assert metadata.read_meta_tags(root) == {"PubDate": "2024-03-20 10:12"}
