"""The spam pre-clean (DOM) and post-clean (text), and the normalised text, one behaviour a test."""

from __future__ import annotations

from lxml import html

from crawler.extract import links, spam
from crawler.extract.normalise import normalise_text

GOV_URL = "http://www.yunshan.gov.cn/zwgk/xxgknb/t20240320_1.html"
BODY = "<p>全年主动公开政府信息4127条，办理依申请公开27件。</p>"
CASINO = '<a href="http://a.casino.example/">澳门新葡京</a><a href="http://b.casino.example/">百家乐</a>'


def preclean(markup: str, url: str = GOV_URL) -> tuple[list[spam.Finding], str]:
    page = f"<html><head></head><body>{markup}</body></html>"
    root = html.document_fromstring(page)
    findings = spam.preclean(root, page.encode(), "utf-8", url)
    return findings, root.text_content()


def kinds(findings: list[spam.Finding]) -> set[str]:
    return {finding.kind for finding in findings}


def test_hidden_spam_in_any_case_and_spacing_is_removed_and_recorded():
    findings, text = preclean(f'{BODY}<div style=" Display : NONE ">{CASINO}</div>')
    assert {"hidden_element", "spam_keywords"} <= kinds(findings)
    assert "新葡京" not in text and "4127条" in text


def test_class_hidden_in_the_pages_own_style_block_counts_as_hidden():
    findings, _ = preclean(f"<style>.a b,.x9{{display:none}}</style>{BODY}<div class='x9'>{CASINO}</div>")
    assert "hidden_element" in kinds(findings)


def test_offscreen_and_zero_size_blocks_count_as_hidden():
    for style in ("position:absolute;left:-9999px", "height:0;overflow:hidden", "text-indent:-2000px"):
        findings, _ = preclean(f'<div style="{style}">{CASINO}</div>')
        assert "hidden_element" in kinds(findings), style


def test_hidden_menu_and_read_aloud_copy_are_not_spam_and_not_text():
    menu = '<div style="display:none"><a href="/zwgk/">政务公开</a><a href="http://www.gov.cn/">中国政府网</a></div>'
    copy = f'<div style="display:none">{BODY}</div>'
    findings, text = preclean(menu + copy + BODY)
    assert findings == [] and "政务公开" not in text and text.count("4127条") == 1


def test_document_write_of_hidden_spam_is_a_script_injection():
    script = (
        '<script>document.write(\'<div style="display:none">'
        + CASINO.replace('"', '\\"')
        + "</div>');</script>"
    )
    findings, _ = preclean(BODY + script)
    assert "script_injection" in kinds(findings)


def test_conac_badge_written_by_unescape_is_not_spam():
    badge = '<script>document.write(unescape("%3Cspan%20id%3D%27_ideConac%27%3E%3C/span%3E"));</script>'
    assert preclean(BODY + badge)[0] == []


def test_markup_after_the_closing_html_tag_is_recorded():
    farm = "|".join(
        f'<a href="http://{i}.farm.example/">{c}</a>'
        for i, c in enumerate(["北京", "上海", "广州", "深圳", "杭州"])
    )
    page = f"<html><body>{BODY}</body></html>\n<div>{farm}</div>"
    findings = spam.after_html_spam(page.encode(), "utf-8", links.Site.from_url(GOV_URL))
    assert kinds(findings) == {"after_html", "offsite_link_farm"}


def test_visible_offsite_place_name_farm_is_removed():
    farm = "| ".join(
        f'<a href="http://{i}.zq.example/">{p}</a>'
        for i, p in enumerate(["卓山县", "楚溪市", "贡河县", "手游", "呼兰市", "新宁县"])
    )
    findings, text = preclean(f"{BODY}<div>{farm}</div>")
    assert kinds(findings) == {"offsite_link_farm"} and "卓山县" not in text


def test_place_names_linking_gov_sites_stay():
    towns = " | ".join(
        f'<a href="http://t{i}.yunshan.gov.cn/">{t}</a>'
        for i, t in enumerate(["青石镇", "白沙乡", "石门镇", "龙泉镇", "桃源乡", "云岭乡"])
    )
    findings, text = preclean(f"{BODY}<p>{towns}</p>")
    assert findings == [] and "桃源乡" in text


def test_offsite_means_another_host_and_not_gov_cn():
    site = links.Site.from_url("http://127.0.0.1:8000/a.html")
    assert site.offsite_host("http://www.gov.cn/") is None
    assert site.offsite_host("/zwgk/") is None
    assert site.offsite_host("http://bj.spam.example/") == "bj.spam.example"


def test_spam_sentence_is_cut_from_a_genuine_line():
    cleaned = spam.postclean("全年公开信息214条。澳门新葡京娱乐城注册送彩金！", GOV_URL)
    assert cleaned.text == "全年公开信息214条。"
    assert [f.kind for f in cleaned.findings] == ["spam_keywords"]


def test_place_run_with_spam_fillers_is_removed_but_a_plain_list_stays():
    farm = "卓资县| 楚雄市| 贡嘎县| 手游| 呼伦贝尔市| 无为县| 新宁县|"
    towns = "青石镇 | 白沙乡 | 石门镇 | 龙泉镇 | 桃源乡 | 云岭乡"
    assert spam.postclean(f"{towns}\n{farm}", GOV_URL).text == towns


def test_pinyin_glosses_come_off_and_the_mirror_is_flagged():
    text = "本報(bào)告根據(jù)《政府信息公開條例》，所列數(shù)據(jù)統(tǒng)計如下。"
    cleaned = spam.postclean(text, "http://www.spam-mirror.example/a.html")
    assert cleaned.text == "本報告根據《政府信息公開條例》，所列數據統計如下。"
    assert {f.kind for f in cleaned.findings} == {"pinyin_gloss", "mirror"}


def test_a_lone_latin_word_in_brackets_is_not_a_gloss():
    text = "通过政务服务移动端(app)和门户网站(www)发布信息(a)。"
    assert spam.postclean(text, GOV_URL).text == text


def test_normalised_text_is_simplified_with_ascii_digits_beside_the_original():
    cleaned = spam.postclean("政府信息公開２０１９年度報告", GOV_URL)
    assert cleaned.text == "政府信息公開２０１９年度報告"
    assert cleaned.normalised == normalise_text(cleaned.text) == "政府信息公开2019年度报告"
