"""Decoding page bytes: labels lie, bytes don't."""

from crawler.extract.encoding import declared_charsets, decode_html

TEXT = "青岚县2019年政府信息公开工作年度报告"


def page(charset: str) -> str:
    return f'<html><head><meta charset="{charset}"><title>{TEXT}</title></head><body>{TEXT}</body></html>'


def test_gbk_bytes_with_gbk_label_decode():
    text, encoding = decode_html(page("gbk").encode("gbk"), "text/html; charset=gbk")
    assert TEXT in text and encoding == "gb18030"


def test_gbk_bytes_served_as_utf8_still_decode():
    text, encoding = decode_html(page("gb2312").encode("gbk"), "text/html; charset=utf-8")
    assert TEXT in text and encoding == "gb18030"


def test_gbk_bytes_without_any_label_decode():
    text, _ = decode_html(page("").replace('<meta charset="">', "").encode("gb18030"), None)
    assert TEXT in text


def test_utf8_bytes_labelled_gbk_decode_as_utf8():
    text, encoding = decode_html(page("gbk").encode("utf-8"), "text/html; charset=gbk")
    assert TEXT in text and encoding == "utf-8"


def test_bom_wins():
    text, encoding = decode_html(b"\xef\xbb\xbf" + page("gbk").encode("utf-8"), None)
    assert TEXT in text and encoding == "utf-8-sig"


def test_declared_charsets_header_first_and_normalised():
    body = b'<meta http-equiv="Content-Type" content="text/html; charset=GB2312">'
    assert declared_charsets(body, "text/html; charset=UTF-8") == ["utf-8", "gb18030"]
