"""Precision: genuine report prose that uses spam's words keeps every sentence and yields no finding.

The paragraphs are written for this project in the genre (fictional bodies and figures): enforcement
reports name what they fight, a sports bureau runs the lottery, a Macau-facing report discusses gaming
and links gov.mo, a press office links state-media live video, education bureaus run adult education,
and reports quote their own website's traffic and ICP filing. Run with the shipped lexicon."""

from __future__ import annotations

import pytest

from crawler.extract.page import extract_page

URL = "http://www.qinghe.gov.cn/zwgk/xxgknb/202403/t20240318_{}.html"

CASES: dict[str, tuple[list[str], str]] = {
    "police_enforcement": (
        [
            "一、总体情况",
            "2023年，市公安局主动公开打击网络赌博、电信诈骗等专项行动信息186条。",
            "全年侦破网络赌博案件42起，其中利用“百家乐”“时时彩”等境外博彩平台开设赌场案9起，收缴赌资326万元。",
            "联合文化执法部门清查电玩城和棋牌室57家次，收缴赌博机、水果机等赌博设备113台。",
            "查处非法代孕中介2家，对涉及代孕、胎儿性别鉴定的违法广告依法移交网信部门处置。",
            "配合金融监管部门打击非法股票配资活动，公开典型案例6个，提醒群众远离网赌和非法配资。",
            "世界杯期间开展打击赌球专项行动，发布警示信息12期。",
        ],
        "",
    ),
    "sports_lottery": (
        [
            "二、主动公开政府信息情况",
            "市体育局全年公开体育彩票发行销售、公益金使用等信息64条。",
            "全市福利彩票和体育彩票实体投注站共计412个，新设投注站须公示审批结果。",
            "每期开奖结果通过电视开奖直播和官方网站同步公布，接受社会监督。",
            "彩票公益金主要用于全民健身设施建设和青少年体育活动，使用情况按季度公开。",
        ],
        "",
    ),
    "macau_trade": (
        [
            "三、重点领域信息公开",
            "本委围绕琴澳经贸合作，公开对澳门投资促进、会展合作等信息38条。",
            "澳门博彩业和娱乐场就业的结构性变化带动了适度多元发展，相关研究报告已在门户网站公开。",
            "政策原文可通过下列澳门特区政府网站查阅：",
        ],
        '<p><a href="https://www.gov.mo/">澳门特区政府入口网站</a> | <a href="https://www.economia.gov.mo/">经济及科技发展局</a>'
        ' | <a href="https://www.ipim.gov.mo/">贸易投资促进局</a> | <a href="https://www.dsec.gov.mo/">统计暨普查局</a>'
        ' | <a href="https://www.dicj.gov.mo/">博彩监察协调局</a> | <a href="https://www.io.gov.mo/">印务局</a></p>',
    ),
    "press_office": (
        [
            "四、政策解读与回应关切",
            "全年在人民网、新华网和央视网开展在线直播访谈8场，发布高清视频解读21部。",
            "重大会议通过新闻发布会免费观看直播通道向社会开放，累计在线观看人数达46万人次。",
        ],
        '<p><a href="http://www.people.com.cn/">人民网</a> <a href="http://www.xinhuanet.com/">新华网</a>'
        ' <a href="https://tv.cctv.com/live/">央视直播</a> <a href="https://www.chinanews.com.cn/">中新网</a>'
        ' <a href="http://live.people.com.cn/">人民直播</a> <a href="http://www.news.cn/video/">新华视频</a></p>',
    ),
    "adult_education": (
        [
            "五、教育领域信息公开",
            "市教育局公开成人教育招生计划、成人高考报名和自学考试安排等信息53条。",
            "全市成人文化技术学校47所，全年开展在线教育培训1.2万人次。",
        ],
        "",
    ),
    "website_statistics": (
        [
            "六、政府信息公开平台建设情况",
            "门户网站全年运行平稳，全年网站浏览量：1286453人次，网站访问量同比增长12%。",
            "网站已完成ICP备案和公安联网备案，网站标识码在页面底部公示，全年未发生安全事故。",
        ],
        "",
    ),
    "health_and_finance": (
        [
            "七、其他需要报告的事项",
            "市卫生健康委依法规范人类辅助生殖技术，公开试管婴儿技术准入机构名单，严厉打击非法代孕和非法采供卵行为。",
            "市地方金融监管局开展虚拟货币“挖矿”整治，清理关停矿机场所3处，持续防范以虚拟货币为名的非法集资。",
            "市网信办清理色情、淫秽信息1.6万条，关闭违规账号212个，处置涉黄色网站举报线索87条。",
            "市场监管部门查处虚开发票和销售假发票案件5起。",
        ],
        "",
    ),
}


def page(paragraphs: list[str], extra: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><title>青禾市2023年政府信息公开工作年度报告</title></head><body>"
        f'<div class="nav"><a href="/">首页</a></div><div id="zoom">{body}{extra}</div></body></html>'
    ).encode()


@pytest.mark.parametrize("name", list(CASES))
def test_genuine_prose_with_spam_words_is_kept_whole_with_no_finding(name):
    paragraphs, extra = CASES[name]
    extraction = extract_page(page(paragraphs, extra), URL.format(name))
    assert [p for p in paragraphs if p not in extraction.text] == []
    assert extraction.spam == () and not extraction.compromised


def test_official_link_labels_stay_in_the_text():
    paragraphs, extra = CASES["macau_trade"]
    text = extract_page(page(paragraphs, extra), URL.format("links")).text
    assert "博彩监察协调局" in text and "贸易投资促进局" in text
    paragraphs, extra = CASES["press_office"]
    text = extract_page(page(paragraphs, extra), URL.format("press")).text
    assert "央视直播" in text and "新华视频" in text


def test_the_same_words_as_a_spam_sentence_outside_enforcement_are_cut():
    """The control: a never_in_report term in a sentence that reports no enforcement is spam."""
    paragraphs = ["全年主动公开政府信息312条。百家乐真人视讯官方网址，注册即送彩金。"]
    extraction = extract_page(page(paragraphs, ""), URL.format("control"))
    assert "全年主动公开政府信息312条。" in extraction.text and "彩金" not in extraction.text
    assert {finding.kind for finding in extraction.spam} == {"spam_keywords"}


def test_the_lexicon_ships_as_data_with_both_classes_in_every_prose_category():
    import tomllib
    from pathlib import Path

    from crawler.extract import lexicon

    words = lexicon.load()
    sizes = words.sizes()
    assert len(words) >= 300
    assert {
        "gambling",
        "lottery",
        "porn",
        "fraud",
        "crypto",
        "surrogacy",
        "finance",
        "channels",
        "hosts",
    } <= set(sizes)
    for name in ("gambling", "lottery", "porn", "fraud", "crypto", "surrogacy", "finance"):
        assert sizes[name][lexicon.NEVER] and sizes[name][lexicon.PROSE_SAFE], name
    for word in ("赌博", "网赌", "彩票", "博彩", "代孕", "配资", "澳门", "成人", "在线", "视频", "直播"):
        term = words.classify(word)
        assert term is not None and term.klass == lexicon.PROSE_SAFE, word
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "*.tsv" in pyproject["tool"]["setuptools"]["package-data"]["crawler.extract.lexicon"]


def test_latin_terms_match_whole_words_only():
    from crawler.extract import lexicon

    words = lexicon.load()
    assert words.never_in_report("Java and JavaScript training") == []
    assert words.never_in_report("free PORN tonight") == ["porn"]
