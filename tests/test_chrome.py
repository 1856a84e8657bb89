"""Chrome lines by shape and place (crawler/extract/chrome.py): tool lines anywhere, whole info and
footer lines at the edges of the text, never a line of the report."""

from __future__ import annotations

from crawler.extract.chrome import is_info_line, is_tool_line, strip_chrome


def strip(text: str):
    return strip_chrome(text, text)


def test_chrome_lines_are_removed_and_listed():
    text = (
        "您好,今天是: |\n一、总体情况\n移动门户 微信 微博 OA办公\n云ICP备18003726号-1 网站标识码：5399010001"
    )
    stripped = strip(text)
    assert stripped.text == stripped.normalised == "一、总体情况" and len(stripped.chrome) == 3


def test_table_rows_and_long_paragraphs_mentioning_chrome_words_stay():
    row = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |"
    prose = "本机关在门户网站开设“我要纠错”栏目，全年收到网民纠错留言46条，均已核实办理。"
    assert strip(f"{row}\n{prose}").text == f"{row}\n{prose}"


def test_short_report_lines_with_info_words_stay():
    """Three short lines of a report that a word-anywhere rule deleted: a statistic, a filing and a
    contact line, in the middle of the text."""
    lines = [
        "发布时间：2024-03-20 来源：县政府办 浏览次数：88",
        "一、总体情况",
        "全年网站浏览量：1286453人次",
        "门户网站ICP备案号：青ICP备05001234号",
        "技术支持单位：县大数据中心，负责网站日常运维。",
        "二、主动公开政府信息情况",
        "全年主动公开政府信息1374条。",
        "主办单位：青岚县人民政府办公室 版权所有 青ICP备05001234号",
    ]
    stripped = strip("\n".join(lines))
    assert stripped.chrome == [lines[0], lines[-1]]
    assert stripped.text == "\n".join(lines[1:-1])


def test_an_info_line_in_the_middle_of_the_report_is_not_chrome_but_a_tool_line_is():
    text = "一、总体情况\n来源：县政府办\n【字体：大 中 小】 [打印] [关闭]\n二、其他需要报告的事项"
    assert strip(text).text == "一、总体情况\n来源：县政府办\n二、其他需要报告的事项"


def test_shapes():
    assert is_info_line("| 发布时间：2013-03-18 点击：209 [ 打印 ] [ 关闭 ] |")
    assert is_info_line("技术支持：宜春市政务信息化工作办公室 版权所有：中国宜春政府网 | 赣ICP备06000141号 |")
    assert not is_info_line("全年网站浏览量：1286453人次")
    assert not is_info_line("来源：根据县统计局提供的数据，全年共办理申请件。")
    assert is_tool_line("分享到：微信 微博 QQ空间") and is_tool_line("[1] [2] [3]")
    assert not is_tool_line("打印机采购费用3.2万元")
