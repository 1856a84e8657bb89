"""OCR of scans (issue #19): tables rebuilt from positioned pieces, and one small drawn scan read back
as a PDF page and as an image. The drawings are made here (crawler/demo/scans.py), never stored; OCR
is CPU-heavy, so the scans are few and small (bench/ocr.py measures the whole test set)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.corpus.dedupe import canonical_url
from crawler.crawl.config import CrawlConfig
from crawler.demo import attachments, scans
from crawler.extract.dispatch import extract_item
from crawler.extract.files import ocr
from crawler.extract.files.read import detect_kind, extract_attachment
from crawler.extract.record import Fetch, contract
from crawler.extract.tables.layout import find_tables, repair_number, table_grids
from spiders.reports import ReportsSpider


@dataclass(frozen=True)
class P:
    text: str
    x0: float
    x1: float
    y0: float
    y1: float


def row(y: float, *cells: tuple[float, str]) -> list[P]:
    return [P(text, x, x + 10 * len(text), y, y + 20) for x, text in cells]


def test_a_table_is_rebuilt_by_rows_and_column_gaps_with_wrapped_labels_folded():
    rows = [
        [P("三、收到和处理政府信息公开申请情况", 0, 400, 900, 920)],
        row(860, (300, "自然人"), (400, "法人或其他组织"), (600, "总计")),
        row(820, (0, "（二）部分公开（区分处理的"), (310, "1"), (410, "0"), (610, "1")),
        row(800, (0, "，只计这一情形)")),  # the label's next line in its cell
        row(760, (0, "1.属于国家秘密"), (310, "o"), (610, "0")),  # a blank cell in the middle
        [P("四、政府信息公开行政复议、行政诉讼情况", 0, 400, 700, 720)],
    ]
    assert table_grids([rows]) == [
        [
            ["", "自然人", "法人或其他组织", "总计"],
            ["（二）部分公开（区分处理的，只计这一情形)", "1", "0", "1"],
            ["1.属于国家秘密", "o", "", "0"],
        ]
    ]
    (table,) = find_tables([rows])
    assert table.rows == {(0, 1): 0, (0, 2): 1, (0, 3): None, (0, 4): 2}


def test_a_table_broken_by_a_page_break_goes_on():
    first = [row(100, (0, "一、本年新收"), (300, "3")), row(60, (0, "二、上年结转"), (300, "0"))]
    second = [row(900, (0, "（七）总计"), (300, "3")), [P("五、存在的主要问题", 0, 300, 800, 820)]]
    assert table_grids([first, second]) == [
        [["一、本年新收", "3"], ["二、上年结转", "0"], ["（七）总计", "3"]]
    ]


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("o", "0"),
        ("１２", "12"),
        ("0.", "0"),
        (".0", "0"),
        ("0:", "0"),
        ("l0", "10"),
        ("12.50", "12.50"),
        ("予以公开", "予以公开"),
        ("、", "、"),
        ("0 '", "0"),
        ("1 2", "1 2"),
    ],
)
def test_cells_that_read_as_numbers_are_repaired(raw, number):
    assert repair_number(raw) == number


def test_the_ocr_setting_is_checked():
    assert CrawlConfig().ocr == "auto"
    with pytest.raises(ValueError, match="GOVREPORTS_OCR"):
        CrawlConfig(ocr="sometimes")


# ---------------------------------------------------------------- a drawn scan, read back

needs_ocr = pytest.mark.skipif(
    not (scans.have_cjk_font() and ocr.available()), reason="needs a CJK font and rapidocr-onnxruntime"
)

# One page: the heading, a paragraph and table 2 of the demo's scanned report.
PARTS = (
    ("heading", "二、主动公开政府信息情况"),
    ("para", "本年度我局未制发规章，制发行政规范性文件3件，作出行政处罚决定2件。"),
    ("table", "table2"),
)


@pytest.fixture(scope="module")
def page_image():
    spec = attachments.CZJ_2022
    (image,) = scans.render_pages(spec.title, PARTS, spec.tables, 150, scans.Spoil(), seed="test")
    return image


@needs_ocr
def test_a_scanned_pdf_is_read_by_ocr_with_its_tables_and_confidence(page_image):
    body = scans.image_pdf([page_image], 150)
    assert extract_attachment(body, "http://a.gov.cn/scan.pdf").text == ""  # never: flagged only
    fetch = Fetch(url="http://a.gov.cn/scan.pdf", content_type="application/pdf")
    outcome = extract_item(body, fetch, ocr="auto")
    report = outcome.report
    assert report is not None and "ocr" in outcome.counters
    assert report.scanned is True and report.ocr_confidence is not None and report.ocr_confidence > 0.9
    assert report.title == attachments.CZJ_2022.title
    assert "本年度我局未制发规章，制发行政规范性文件3件，作出行政处罚决定2件。" in report.text
    table2 = report.tables["table2"]
    assert table2["normative_documents"]["in_force"]["value"] == 26
    assert table2["penalty"]["decisions"]["value"] == 2
    assert report.sources["text"] == report.sources["tables"] == "ocr"
    assert report.sources["ocr"].startswith("rapidocr p1=0.9")
    assert contract(report)["ocr_confidence"] == report.ocr_confidence  # `govreports extract` prints it


@needs_ocr
def test_an_image_of_a_report_page_is_read_as_a_one_page_scan(page_image):
    body = scans.image_bytes(page_image, "PNG")
    assert detect_kind(body, "http://a.gov.cn/p1.png") == "image"
    document = extract_attachment(body, "http://a.gov.cn/p1.png", "image/png", ocr="auto")
    assert (document.kind, document.scanned, document.pages) == ("image", True, 1)
    assert "二、主动公开政府信息情况" in document.text.split("\n")
    assert document.grids and document.ocr_engine == "rapidocr"


@needs_ocr
def test_pieces_of_every_width_are_read_each_at_its_own_place():
    """Recognition reads the pieces in batches of similar width: each text comes back to its own box,
    and a column of characters (vertical text) is turned before it is read."""
    from PIL import Image, ImageDraw

    font = scans._font(25)
    image = Image.new("L", (900, 500), 255)
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), "本年度我局未制发规章，制发行政规范性文件3件。", font=font, fill=0)
    draw.text((200, 120), "总计", font=font, fill=0)
    draw.text((400, 120), "26", font=font, fill=0)
    for index, char in enumerate("申请人情况"):
        draw.text((700, 120 + index * 27), char, font=font, fill=0)
    found = {text: (left, top) for text, left, top, *_ in ocr.engine().boxes(image)}
    assert set(found) == {"本年度我局未制发规章，制发行政规范性文件3件。", "总计", "26", "申请人情况"}
    for text, (x, y) in {"总计": (200, 120), "26": (400, 120), "申请人情况": (700, 120)}.items():
        assert abs(found[text][0] - x) < 10 and abs(found[text][1] - y) < 10


# ---------------------------------------------------------------- reextract --ocr


@needs_ocr
@deferred_f_from_coro_f
async def test_reextract_ocr_reads_the_scans_already_in_a_corpus(demo_server, fast_settings, tmp_path):
    """A corpus crawled without OCR (the czj column holds the demo's scan) gets the scan's text and
    statistics from ``reextract --ocr``; a plain ``reextract`` leaves it a scan without text."""
    from click.testing import CliRunner

    from crawler.cli import main

    db_path = tmp_path / "c.db"
    crawler = get_crawler(ReportsSpider, fast_settings(db_path, GOVREPORTS_RENDER="never"))
    await crawler.crawl_async(seeds=demo_server.url("/zwgk/bm/czj/xxgknb/"))
    scan = canonical_url(
        demo_server.url(next(f.path for f in attachments.attachment_fixtures() if f.scanned))
    )

    def stored() -> dict:
        return next(row for row in queries.iter_reports(corpus.open_db(db_path)) if row["url"] == scan)

    assert stored()["scanned"] == 1 and stored()["ocr_confidence"] is None and not stored()["tables"]
    result = CliRunner().invoke(main, ["reextract", "--db", str(db_path), "--ocr"])
    assert result.exit_code == 0, result.output
    row = stored()
    assert row["scanned"] == 1 and row["ocr_confidence"] > 0.9 and row["sources"]["text"] == "ocr"
    assert "全年新收政府信息公开申请6件，均已按期办结。" in row["text"]
    assert row["tables"]["table3"]["new"]["total"]["value"] == 6
    # a plain reextract afterwards keeps the text OCR read (it used to store the scan's empty text)
    result = CliRunner().invoke(main, ["reextract", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "kept as stored: 1 (text read by OCR; --ocr" in result.output
    assert stored()["text"] == row["text"] and stored()["tables"] == row["tables"]
