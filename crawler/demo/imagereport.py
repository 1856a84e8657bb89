"""A report published as pictures: an article of the demo portal whose body is ``<img>`` pages.

Portals often paste a scanned report into an article as one JPG per page. The demo's is the education
bureau's 2024 report: its words and tables (:data:`JYJ_2024`) are drawn onto A4 pages by
:mod:`crawler.demo.scans` (a scanner's skew, grey paper and speckles) when the site is built, and
served as JPEGs the article shows in order. Beside them the article holds two images that are no pages:
the bureau's logo (a ``logo`` class and a small ``width``: a crawler need not fetch it) and an ornament
under the title with no attribute at all, given away only by its place: the article numbers its pages
(``alt="…第1页"``) and the ornament comes before page 1, so it is not fetched either (had it been, its
pixels would tell: too small to be a page).

A crawl must store one report at the article's URL, with the page's title and metadata and the
pages' text read by OCR (the ground truth is :attr:`DocumentSpec.text` and the tables), flagged
``scanned``; none of the images is a report of its own.
"""

from __future__ import annotations

from functools import cache
from html import escape

from crawler.demo import layout, scans
from crawler.demo.attachments import DocumentSpec, table2_grid, table3, table3_grid, table4_grid
from crawler.demo.catalog import BODIES
from crawler.demo.model import ManifestImageReport, Page

# Pages are drawn at 300 dpi, the resolution bench/ocr.py holds the OCR to (cells read right ≥ 95 %);
# at 150 dpi a lone 0 of a table row is now and then not found, and the row's checks cannot be made.
IMAGE_DPI = 300
BODY_KEY = "jyj"
PATH = "/zwgk/bm/jyj/xxgknb/202501/t20250117_27590.html"
PUBLISHED = "2025-01-17 15:30"
WRITTEN = "2025-01-16"
INDEX_NO = "11539901MB0A18422D/2025-00012"
LOGO_PATH = "/images/jyj_logo.png"
ORNAMENT_PATH = "/zwgk/bm/jyj/xxgknb/202501/W020250117590000000.png"
# Page n's image: …_n.jpg beside the article, as TRS stores an article's pictures.
IMAGE_STEM = "/zwgk/bm/jyj/xxgknb/202501/W020250117590314726"

# 上年结转 is the 2023 report's 结转下年度继续办理 (crawler.demo.attachments._JYJ_2023_T3).
_JYJ_2024_T3 = table3(
    carried=[1, 0, 0, 0, 0, 0],
    outcomes={
        "granted": [6, 1, 0, 0, 0, 0],
        "partly_granted": [1, 0, 0, 0, 0, 0],
        "unable_1": [2, 0, 0, 0, 0, 0],
        "other_1": [1, 0, 0, 0, 0, 0],
    },
    carry_forward=[0, 0, 0, 0, 0, 0],
)

JYJ_2024 = DocumentSpec(
    key="jyj2024",
    title="青岚县教育局2024年度政府信息公开工作年度报告",
    parts=(
        (
            "para",
            "本报告由青岚县教育局办公室根据《中华人民共和国政府信息公开条例》编制，"
            "所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
        ),
        ("heading", "一、总体情况"),
        (
            "para",
            "2024年，我局围绕招生入学、学生资助和校园安全公开政府信息415条，"
            "其中义务教育招生政策和学区划分信息46条，学生资助名单和发放信息58条。",
        ),
        ("heading", "二、主动公开政府信息情况"),
        ("para", "本年度我局制发行政规范性文件1件，作出行政许可决定12件，作出行政处罚决定1件。"),
        ("table", "table2"),
        ("heading", "三、收到和处理政府信息公开申请情况"),
        ("para", "全年新收政府信息公开申请10件，上年结转1件，均在法定期限内答复。"),
        ("table", "table3"),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", "table4"),
        ("heading", "五、存在的主要问题及改进情况"),
        ("para", "学校收费公示更新不够及时。2025年我局将按学期核查各校公示栏，问题限期整改。"),
        ("heading", "六、其他需要报告的事项"),
        ("para", "本年度未收取政府信息公开信息处理费。"),
    ),
    tables={
        "table2": table2_grid(
            {
                "规章": ["0", "0", "0"],
                "行政规范性文件": ["1", "0", "9"],
                "行政许可": ["12"],
                "行政处罚": ["1"],
                "行政强制": ["0"],
                "行政事业性收费": ["0"],
            }
        ),
        "table3": table3_grid(_JYJ_2024_T3),
        "table4": table4_grid([0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]),
    },
    header_rows={"table2": 1, "table3": 3, "table4": 3},
)
MUST_HAVE = ("一、总体情况", "学生资助名单和发放信息58条", "六、其他需要报告的事项")


@cache
def page_images() -> tuple[bytes, ...]:
    """The report's pages as JPEGs, drawn when first asked for (never stored in git)."""
    spec = JYJ_2024
    pages = scans.render_pages(spec.title, spec.parts, spec.tables, IMAGE_DPI, scans.Spoil(), seed=spec.key)
    return tuple(scans.image_bytes(page, "JPEG") for page in pages)


def image_paths() -> list[str]:
    return [f"{IMAGE_STEM}_{number}.jpg" for number in range(1, len(page_images()) + 1)]


def _small_png(width: int, height: int, shade: int) -> bytes:
    """A plain picture of a logo's or an ornament's size."""
    from PIL import Image, ImageDraw

    picture = Image.new("L", (width, height), 255)
    ImageDraw.Draw(picture).rectangle((2, 2, width - 3, height - 3), outline=shade, width=3)
    return scans.image_bytes(picture, "PNG")


def _article() -> Page:
    body = BODIES[BODY_KEY]
    fields = (
        ("索引号", INDEX_NO),
        ("发布机构", body.issuer),
        ("成文日期", WRITTEN),
        ("发布日期", PUBLISHED[:10]),
    )
    items = "".join(f"<li><span>{label}：</span>{escape(value)}</li>" for label, value in fields)
    crumbs = [("首页", "/"), ("政务公开", "/zwgk/"), (body.column_name, body.column), ("正文", None)]
    pictures = "\n".join(
        f'<p style="text-align:center"><img src="{path.rsplit("/", 1)[-1]}" style="width:100%"'
        f' alt="{escape(JYJ_2024.title)}第{number}页"></p>'
        for number, path in enumerate(image_paths(), 1)
    )
    logo = f'<img class="logo" src="{LOGO_PATH}" width="160" height="48" alt="{body.name}">'
    content = f"""<div class="main w1200">
{layout.breadcrumb_html(crumbs)}
<div class="xxgk-box"><ul class="xxgk-info">{items}</ul></div>
<div class="article">
<h1 class="article-title">{escape(JYJ_2024.title)}</h1>
<div class="TRS_Editor">
<p style="text-align:center">{logo}</p>
<p style="text-align:center"><img src="{ORNAMENT_PATH.rsplit("/", 1)[-1]}"></p>
{pictures}
</div>
</div></div>"""
    html = layout.document(
        f"{JYJ_2024.title}_{layout.SITE_NAME}",
        content,
        metas={"ArticleTitle": JYJ_2024.title, "PubDate": PUBLISHED, "ContentSource": body.issuer},
    )
    return Page(PATH, html.encode("utf-8"), "text/html; charset=utf-8")


def image_report_pages() -> list[Page]:
    """The article, its page images, the logo and the ornament."""
    pages = [_article()]
    pages += [Page(path, body, "image/jpeg") for path, body in zip(image_paths(), page_images(), strict=True)]
    pages.append(Page(LOGO_PATH, _small_png(160, 48, 90), "image/png"))
    pages.append(Page(ORNAMENT_PATH, _small_png(360, 24, 150), "image/png"))
    return pages


def listed() -> tuple[str, str, str]:
    """(path, title, date) as the bureau's column lists it."""
    return PATH, JYJ_2024.title, PUBLISHED[:10]


def image_report_manifest() -> list[ManifestImageReport]:
    body = BODIES[BODY_KEY]
    return [
        ManifestImageReport(
            path=PATH,
            title=JYJ_2024.title,
            report_year=2024,
            body=body.name,
            index_no=INDEX_NO,
            issuer=body.issuer,
            written_date=WRITTEN,
            published_date=PUBLISHED[:10],
            image_paths=tuple(image_paths()),
            logo_path=LOGO_PATH,
            ornament_path=ORNAMENT_PATH,
            text=JYJ_2024.text,
            must_have=MUST_HAVE,
            tables=JYJ_2024.tables,
        )
    ]
