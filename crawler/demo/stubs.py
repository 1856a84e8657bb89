"""Stub report pages of the demo portal: a page whose own text is a two-line lead
(``根据…现将…予以公布。报告全文详见附件``) with the report itself as a DOCX or PDF attachment (DOMAIN.md §3).

A crawl must store each as one report: the page's URL, title and metadata (索引号, 发布机构, dates),
the file's text, and both URLs among the report's sources. The reports' words live here;
``bench/make_stub_fixtures.py`` rendered them once into ``files/`` (python-docx, and a small PDF
writer of our own), so the portal only reads bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from crawler.demo import layout
from crawler.demo.attachments import DOCX, PDF, read_file
from crawler.demo.catalog import BODIES
from crawler.demo.model import ManifestStub, Page


@dataclass(frozen=True)
class StubSpec:
    """One stub page and the file holding its report."""

    body: str  # key of BODIES
    year: int
    title: str
    path: str
    published: str  # "YYYY-MM-DD HH:MM"
    written: str
    index_no: str
    file_name: str  # under files/
    file_path: str
    content_type: str
    kind: str
    paragraphs: tuple[str, ...]  # the report's text: headings and paragraphs, in order
    must_have: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


CZJ_2024 = StubSpec(
    body="czj",
    year=2024,
    title="青岚县财政局2024年度政府信息公开工作年度报告",
    path="/zwgk/bm/czj/xxgknb/202501/t20250124_27611.html",
    published="2025-01-24 10:05",
    written="2025-01-23",
    index_no="11539901MB0A19065R/2025-00031",
    file_name="czj2024_stub.docx",
    file_path="/zwgk/bm/czj/xxgknb/202501/P020250124611230984512.docx",
    content_type=DOCX,
    kind="docx",
    paragraphs=(
        "本报告根据《中华人民共和国政府信息公开条例》第五十条规定编制，由青岚县财政局办公室综合全局"
        "政府信息公开工作情况形成。报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
        "一、总体情况",
        "2024年，我局以预决算公开为重点，全年主动公开政府信息587条，其中部门预决算及“三公”经费信息"
        "126条，政府采购信息214条，惠民惠农财政补贴资金信息93条。",
        "全年新收政府信息公开申请9件，上年结转1件，均在法定期限内答复，结转下年度继续办理0件。",
        "二、主动公开政府信息情况",
        "本年度制发行政规范性文件2件，废止1件，现行有效12件；作出行政处罚决定1件。",
        "三、收到和处理政府信息公开申请情况",
        "予以公开6件，部分公开2件，无法提供2件，申请内容主要涉及项目资金拨付和政府采购结果。",
        "四、政府信息公开行政复议、行政诉讼情况",
        "本年度未发生因政府信息公开引起的行政复议和行政诉讼。",
        "五、存在的主要问题及改进情况",
        "部分预算单位公开时间不统一，公开表格口径不一致。2025年我局将统一公开模板，按月通报公开进度。",
        "六、其他需要报告的事项",
        "本年度未收取政府信息公开信息处理费。",
    ),
    must_have=("一、总体情况", "政府采购信息214条", "六、其他需要报告的事项"),
)

SMZ_2024 = StubSpec(
    body="smz",
    year=2024,
    title="石门镇2024年政府信息公开工作年度报告",
    path="/zwgk/xz/smz/xxgknb/202502/t20250207_27802.html",
    published="2025-02-07 09:20",
    written="2025-02-06",
    index_no="11539901MB0A2210XW/2025-00008",
    file_name="smz2024_stub.pdf",
    file_path="/zwgk/xz/smz/xxgknb/202502/P020250207802115630277.pdf",
    content_type=PDF,
    kind="pdf",
    paragraphs=(
        "一、总体情况",
        "2024年，我镇全年主动公开政府信息312条，新收政府信息公开申请4件，均按期答复。",
        "二、主动公开政府信息情况",
        "本年度作出行政许可决定41件、行政处罚决定3件，未收取行政事业性收费。",
        "三、收到和处理政府信息公开申请情况",
        "予以公开3件，无法提供1件，无结转下年度继续办理的申请。",
        "四、政府信息公开行政复议、行政诉讼情况",
        "本年度未发生政府信息公开行政复议、行政诉讼。",
        "五、存在的主要问题及改进情况",
        "村级公开栏更新仍不及时，2025年将实行月度检查。",
        "六、其他需要报告的事项",
        "无。",
    ),
    must_have=("一、总体情况", "主动公开政府信息312条", "实行月度检查"),
)

STUBS = (CZJ_2024, SMZ_2024)


def _lead(spec: StubSpec) -> str:
    name = BODIES[spec.body].name
    return (
        f"<p>根据《中华人民共和国政府信息公开条例》规定，现将{escape(name)}{spec.year}年度政府信息公开"
        "工作年度报告予以公布。</p><p>报告全文详见附件。</p>"
    )


def _page(spec: StubSpec) -> Page:
    body = BODIES[spec.body]
    fields = (
        ("索引号", spec.index_no),
        ("发布机构", body.issuer),
        ("成文日期", spec.written),
        ("发布日期", spec.published[:10]),
    )
    items = "".join(f"<li><span>{label}：</span>{escape(value)}</li>" for label, value in fields)
    crumbs = [("首页", "/"), ("政务公开", "/zwgk/"), (body.column_name, body.column), ("正文", None)]
    content = f"""<div class="main w1200">
{layout.breadcrumb_html(crumbs)}
<div class="xxgk-box"><ul class="xxgk-info">{items}</ul></div>
<div class="article">
<h1 class="article-title">{escape(spec.title)}</h1>
<div class="TRS_Editor">{_lead(spec)}</div>
<div class="attachments">附件：<a href="{spec.file_path.rsplit("/", 1)[-1]}">{escape(spec.title)}</a></div>
</div></div>"""
    html = layout.document(
        f"{spec.title}_{layout.SITE_NAME}",
        content,
        metas={"ArticleTitle": spec.title, "PubDate": spec.published, "ContentSource": body.issuer},
    )
    return Page(spec.path, html.encode("utf-8"), "text/html; charset=utf-8")


def stub_pages() -> list[Page]:
    """Every stub page and its file."""
    pages = []
    for spec in STUBS:
        pages.append(_page(spec))
        pages.append(Page(spec.file_path, read_file(spec.file_name), spec.content_type))
    return pages


def stub_manifest() -> list[ManifestStub]:
    return [
        ManifestStub(
            path=spec.path,
            file_path=spec.file_path,
            title=spec.title,
            report_year=spec.year,
            body=BODIES[spec.body].name,
            kind=spec.kind,
            index_no=spec.index_no,
            issuer=BODIES[spec.body].issuer,
            written_date=spec.written,
            published_date=spec.published[:10],
            text=spec.text,
            must_have=spec.must_have,
        )
        for spec in STUBS
    ]
