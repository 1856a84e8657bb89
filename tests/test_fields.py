"""Report-level fields: year, reporting body in its normal form, level, region, a text metadata block."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.demo import DemoSite
from crawler.extract import fields

SEED_YEARS = {"000": 2013, "001": 2015, "002": 2019, "003": 2010, "004": 2012}


def seed_text(shared_dir: Path, prefix: str) -> str:
    path = next((shared_dir / "seeds").glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------- year


@pytest.mark.parametrize(("prefix", "year"), sorted(SEED_YEARS.items()))
def test_report_year_of_every_seed_from_its_text(shared_dir, prefix, year):
    assert fields.report_year(None, seed_text(shared_dir, prefix)) == year


def test_report_year_prefers_the_title():
    assert fields.report_year("琅琊镇二〇一〇年政府信息公开工作年度报告", "2014-08-13 发布") == 2010


def test_report_year_from_a_phrase_naming_the_report():
    text = "2016年，我委认真贯彻《条例》。\n附：衡阳国家高新区2015年度政府信息公开明细表"
    assert fields.report_year(None, text) == 2015


# ------------------------------------------------------------------------------------- body


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("连云港市灌云县政府信息公开2013年度报告", "灌云县人民政府"),
        ("金华市婺城区琅琊镇2010年政府信息公开工作年度报告", "婺城区琅琊镇人民政府"),
        ("2022年青岚县教育局政府信息公开工作年度报告", "青岚县教育局"),
        ("青岚县人民政府2011年政府信息公开工作年度报告", "青岚县人民政府"),
        ("青岚县住房和城乡建设局2021年政府信息公开工作年度报告", "青岚县住房和城乡建设局"),
        ("杭州市2020年政府信息公开工作年度报告", "杭州市人民政府"),
        ("平潭综合实验区2024年度政府信息公开工作年度报告", "平潭综合实验区管委会"),
        ("国家统计局2023年政府信息公开工作年度报告", "国家统计局"),
        ("某某街道2020年政府信息公开工作年度报告", "某某街道办事处"),
    ],
)
def test_reporting_body_normal_form_from_title(title, body):
    assert fields.reporting_body(title) == body


def test_township_takes_its_county_from_the_text():
    text = "现向社会公布青岚县石门镇人民政府2021年度政府信息公开工作年度报告。"
    assert fields.reporting_body("石门镇2021年政府信息公开工作年度报告", text) == "青岚县石门镇人民政府"


def test_township_without_a_county_anywhere():
    assert fields.reporting_body("石门镇2021年政府信息公开工作年度报告", "") == "石门镇人民政府"


def test_no_body_named():
    assert fields.reporting_body("政府信息公开工作年度报告", "欢迎访问") is None


@pytest.mark.parametrize(
    ("prefix", "body"),
    [("001", "衡阳国家高新区管委会"), ("002", "蓬溪县政府办公室"), ("003", "婺城区琅琊镇人民政府")],
)
def test_reporting_body_of_seeds_from_their_text(shared_dir, prefix, body):
    assert fields.reporting_body(None, seed_text(shared_dir, prefix)) == body


def test_demo_bodies_and_levels_equal_the_manifest(demo_site: DemoSite):
    for report in demo_site.reports:
        body = fields.reporting_body(report.title, report.text)
        assert (body, fields.level(body, report.title)) == (report.body, report.level), report.path


# ------------------------------------------------------------------------------------- level


@pytest.mark.parametrize(
    ("body", "title", "level"),
    [
        ("国家统计局", None, "国务院部门"),
        ("浙江省人民政府", None, "省"),
        ("北京市人民政府", None, "省"),
        ("杭州市人民政府", None, "市"),
        ("醴陵市人民政府", "株洲市醴陵市2020年政府信息公开工作年度报告", "县"),
        ("灌云县人民政府", None, "县"),
        ("天河区人民政府", None, "县"),
        ("婺城区琅琊镇人民政府", None, "乡"),
        ("蓬溪县政府办公室", None, "部门"),
        ("衡阳国家高新区管委会", None, None),
        (None, "舒城县2012年政府信息公开工作年度报告", "县"),
        (None, None, None),
    ],
)
def test_level(body, title, level):
    assert fields.level(body, title) == level


# ------------------------------------------------------------------------------------- region


def test_region_completes_the_seed_region_with_the_titles_places():
    title = "金华市婺城区琅琊镇2010年政府信息公开工作年度报告"
    assert fields.region(title, "浙江省金华市") == "浙江省金华市婺城区琅琊镇"
    assert fields.region(title, "浙江省") == "浙江省金华市婺城区琅琊镇"


def test_region_of_a_department_is_its_place():
    assert fields.region("2022年青岚县教育局政府信息公开工作年度报告") == "青岚县"


def test_region_falls_back_to_the_seed():
    assert fields.region("国家统计局2023年政府信息公开工作年度报告", "北京市") == "北京市"
    assert fields.region(None) is None


# ------------------------------------------------------------------------------------- metadata block


def test_seed_metadata_block_in_text_form(shared_dir):
    block = fields.read_block_text(seed_text(shared_dir, "003"))
    assert block["index_no"] == "11330702731527164G/2014-32225"
    assert block["issuer"] == "琅琊镇"
    assert block["written_date"] == "2014-08-13"


def test_text_block_with_inline_values_and_placeholders():
    text = "索 引 号：0001/2020-1\n文　　号：— —\n成文日期：2020年3月5日\n正文"
    assert fields.read_block_text(text) == {"index_no": "0001/2020-1", "written_date": "2020-03-05"}
