"""Report detail pages of the demo portal, and their ground-truth manifest entries.

A report page is assembled from its :class:`~crawler.demo.catalog.ReportSpec` (how it is dressed),
its prose blocks (:mod:`crawler.demo.texts`) and its statistics (:mod:`crawler.demo.stats`). The same
inputs produce the manifest entry, so what the page shows and what the manifest claims cannot drift.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape
from typing import Any

from crawler.demo import layout, spam, stats, tables, texts
from crawler.demo.catalog import BODIES, COLUMN, REQUEST_MEANS, ReportSpec
from crawler.demo.model import ManifestReport, Page
from crawler.demo.texts import Block

SUBJECT = "综合政务\\政务公开"
CONTAINER_OPEN = {
    "zoom": '<div id="zoom" class="zoom">',
    "trs": '<div class="view TRS_UEDITOR trs_paper_default"><div class=TRS_Editor>',
    "article": '<div class="article-content" id="ivs_content">',
    # real TRS pages: .TRS_Editor nested in .TRS_Editor (and the footer in one too, _EDITOR_FOOTER)
    "trs_nested": '<div class="TRS_Editor"><div class="view TRS_UEDITOR trs_paper_default">'
    '<div class="TRS_Editor">',
}
CONTAINER_CLOSE = {
    "zoom": "</div>",
    "trs": "</div></div>",
    "article": "</div>",
    "trs_nested": "</div></div></div>",
}
# The page's own footer lines, wrapped by the CMS in a .TRS_Editor after the report.
_EDITOR_FOOTER = (
    '<div class="bottom-info"><div class="TRS_Editor"><p>主办单位：青岚县财政局　联系电话：0871-5552046　'
    "地址：青岚县青云路18号县行政中心3楼</p>"
    "<p>版权所有：青岚县财政局　技术支持：青岚县融媒体中心</p></div></div>"
)


@dataclass(frozen=True)
class Built:
    """Inputs shared by page and manifest: prose blocks, table data and the page's index number."""

    spec: ReportSpec
    blocks: list[Block]
    tables: dict[str, Any]
    index_no: str | None
    injection: spam.Injection
    active: int  # 主动公开政府信息 N 条, quoted in the prose
    stated: dict[str, int | float] | None = None  # figures the prose states, for reports without a table


def _index_no(spec: ReportSpec, serial: int) -> str | None:
    if spec.meta_style == "none":
        return None
    body = BODIES[spec.body]
    code = body.org_code if spec.year < 2014 else body.credit_code
    return f"{code}/{int(spec.published[:4])}-{serial:05d}"


def build_report(
    spec: ReportSpec,
    rng: random.Random,
    carried: list[int] | None,
    serial: int,
    carry_forward: list[int] | None = None,
    fixed_carried: list[int] | None = None,
) -> Built:
    """Generate the numbers and prose of one report (``carried``: last year's carry-forward). To chain
    with reports fixed already (files), ``fixed_carried`` and ``carry_forward`` set this year's 上年结转
    and 结转下年度 after the numbers are drawn (:func:`crawler.demo.stats.refit_edges`)."""
    body = BODIES[spec.body]
    injection = spec.spam() if spec.spam else spam.Injection()
    if spec.template == "2008":
        old = stats.make_old_stats(rng, spec.year)
        facts = texts.Facts(
            body.name, body.we, body.office, body.level, spec.year, old.num("主动公开政府信息数")
        )
        blocks = texts.old_template_blocks(rng, facts, old, with_table=spec.indicator_table)
        tabs_old = dict(old.values) if spec.indicator_table else {}
        stated = None if spec.indicator_table else texts.stated_figures(old)
        return Built(spec, blocks, tabs_old, _index_no(spec, serial), injection, facts.active, stated)
    mean = REQUEST_MEANS[spec.body] * (1 + (spec.year - 2019) * 0.08)
    t3 = stats.make_table3(rng, spec.template, mean, carried)
    if fixed_carried is not None or carry_forward is not None:
        t3 = stats.refit_edges(t3, fixed_carried, carry_forward)
    tabs = {
        "table2": stats.make_table2(rng, spec.template, body.scale),
        "table3": t3,
        "table4": stats.make_table4(rng, 1.2 * body.scale**0.5),
    }
    active = round(rng.uniform(5200, 6800) * body.scale**0.6 * (1 + (spec.year - 2019) * 0.06))
    facts = texts.Facts(body.name, body.we, body.office, body.level, spec.year, active, spec.numbering)
    blocks = texts.new_template_blocks(
        rng, facts, spec.template, t3["rows"], section_intros=spec.section_intros
    )
    return Built(spec, blocks, tabs, _index_no(spec, serial), injection, active)


# ---------------------------------------------------------------- content


def _block_html(block: Block, built: Built, style: int) -> str:
    spec = built.spec
    if block.kind == "table":
        if block.text == "indicators":
            return tables.indicator_table_html(built.tables, style)
        if block.text == "table2":
            return tables.table2_html(built.tables["table2"], spec.template, style)
        if block.text == "table3":
            return tables.table3_html(built.tables["table3"], spec.template, style)
        return tables.table4_html(built.tables["table4"], style)
    if block.kind == "heading":
        if style % 2:
            return (
                f'<p style="text-indent:2em"><span style="font-family:黑体">{escape(block.text)}</span></p>'
            )
        return f'<p style="text-indent: 2em;"><strong>{escape(block.text)}</strong></p>'
    lead = f'<span style="font-family:楷体_GB2312">{escape(block.lead)}</span>' if block.lead else ""
    return f'<p style="text-indent:2em">{lead}{escape(block.text)}</p>'


def _content_html(built: Built, style: int) -> str:
    spec = built.spec
    if spec.container == "old":
        lines = []
        for block in built.blocks:
            text = escape(block.full)
            lines.append(f"<b>{text}</b>" if block.kind == "heading" else f"　　{text}")
        return "<br>\n".join(lines) + built.injection.content_end
    inner = "\n".join(_block_html(b, built, style) for b in built.blocks)
    return (
        CONTAINER_OPEN[spec.container] + inner + built.injection.content_end + CONTAINER_CLOSE[spec.container]
    )


# ---------------------------------------------------------------- metadata block


def _fields(built: Built) -> list[tuple[str, str]]:
    spec = built.spec
    written = "— —" if spec.placeholder_written else (spec.written or "")
    fields = [
        ("信息索引号", built.index_no or ""),
        ("主题分类", SUBJECT),
        ("发布机构", BODIES[spec.body].issuer),
        ("成文日期", written),
        ("文号", spec.doc_no or "无"),
        ("发布日期", spec.published[:10]),
        ("名称", spec.title),
        ("公开方式", "主动公开"),
    ]
    return [(k, v) for k, v in fields if v]


_SPACED = {"信息索引号": "索 引 号", "文号": "文　　号", "名称": "名　　称"}


def _meta_block(built: Built) -> str:
    style, fields = built.spec.meta_style, _fields(built)
    if style == "table":
        cells = [f"<td><b>{_SPACED.get(k, k)}：</b></td><td>{escape(v)}</td>" for k, v in fields]
        rows = "".join(f"<tr>{''.join(cells[i : i + 2])}</tr>" for i in range(0, len(cells), 2))
        return f'<table class="xxgk-meta" width="100%" cellspacing="0" cellpadding="0">{rows}</table>'
    if style == "ul":
        items = "".join(f"<li><span>{k}：</span>{escape(_cn_date(v))}</li>" for k, v in fields)
        return f'<div class="xxgk-box"><ul class="xxgk-info">{items}</ul></div>'
    if style == "dl":
        items = "".join(f"<dl><dt>{k}</dt><dd>{escape(v)}</dd></dl>" for k, v in fields)
        return f'<div class="xxgk-dl">{items}</div>'
    return ""


def _cn_date(value: str) -> str:
    """``2024-03-20`` -> ``2024年03月20日`` (other values untouched)."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-" and value.replace("-", "").isdigit():
        return f"{value[:4]}年{value[5:7]}月{value[8:]}日"
    return value


# ---------------------------------------------------------------- page


def _crumbs(spec: ReportSpec) -> list[tuple[str, str | None]]:
    body = BODIES[spec.body]
    crumbs: list[tuple[str, str | None]] = [("首页", "/"), ("政务公开", "/zwgk/")]
    if body.level == "部门":
        crumbs.append(("部门信息公开", "/zwgk/bm/"))
    elif body.level == "乡":
        crumbs.append(("乡镇信息公开", "/zwgk/xz/"))
    crumbs.append((body.column_name, body.column))
    return crumbs


def _related() -> str:
    links = (
        (COLUMN, "政府信息公开年报"),
        ("/zwgk/xxgkzn/", "政府信息公开指南"),
        ("/zwgk/fdzdgk/", "法定主动公开内容"),
    )
    items = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in links)
    return f'<div class="related"><h3>相关链接</h3><ul>{items}</ul></div>'


_SHARE = (
    '<div class="share">分享到：<a href="javascript:void(0);" class="wx">微信</a>'
    '<a href="javascript:void(0);" class="wb">微博</a>'
    '<a href="javascript:void(0);" class="qz">QQ空间</a></div>'
)


def _info_line(spec: ReportSpec, hits: int) -> str:
    source = BODIES[spec.body].issuer
    return (
        f'<div class="article-info">发布时间：{spec.published}　来源：{source}　'
        f'浏览次数：<span id="hits">{hits}</span>　【字体：<a href="javascript:doZoom(18)">大</a> '
        '<a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】 '
        '<a href="javascript:window.print()">打印</a> <a href="javascript:window.close()">关闭</a></div>'
    )


def _old_info(spec: ReportSpec, hits: int) -> str:
    """The info line of an old table layout: date, issuer (信息来源) and hits on one line."""
    return f"时间：{spec.published[:10]}　信息来源：{BODIES[spec.body].issuer}　浏览次数：{hits}"


def _old_layout(built: Built, hits: int) -> str:
    spec = built.spec
    return f"""<table width="960" border="0" cellspacing="0" cellpadding="0" align="center" class="main-old">
<tr><td height="30">{layout.breadcrumb_html(_crumbs(spec))}</td></tr>
<tr><td align="center" class="bt" height="50"><font size="4"><b>{escape(spec.title)}</b></font></td></tr>
<tr><td align="center" class="xx">{_old_info(spec, hits)}</td></tr>
<tr><td class="nr" style="line-height:28px;font-size:14px">
{_content_html(built, 0)}
</td></tr>
</table>"""


def _article(built: Built, style: int, hits: int) -> str:
    spec = built.spec
    extras = (spam.read_aloud_box() if spec.read_aloud else "") + (
        spam.hidden_tab_panel() if spec.tab_panel else ""
    )
    return f"""<div class="main w1200">
{layout.breadcrumb_html(_crumbs(spec))}
{_meta_block(built)}
<div class="article">
<h1 class="article-title">{escape(spec.title)}</h1>
{_info_line(spec, hits)}
{extras}
{_content_html(built, style)}
{_SHARE}
{_related()}
{_EDITOR_FOOTER if spec.container == "trs_nested" else ""}
</div></div>"""


def _metas(spec: ReportSpec) -> dict[str, str]:
    if spec.container == "old":
        return {}
    return {
        "ColumnName": BODIES[spec.body].column_name,
        "ArticleTitle": spec.title,
        "PubDate": spec.published,
        "ContentSource": BODIES[spec.body].issuer,
    }


def render_page(built: Built, style: int) -> Page:
    """The served page: chrome, metadata, content, spam, encoded as the spec says."""
    spec = built.spec
    hits = 180 + style * 37 + spec.year % 97
    body = _old_layout(built, hits) if spec.container == "old" else _article(built, style, hits)
    body += built.injection.before_footer
    html = layout.document(
        f"{spec.title}_{layout.SITE_NAME}",
        body,
        charset=spec.charset,
        metas=_metas(spec),
        head_extra=built.injection.head,
        after_html=built.injection.after_html,
    )
    return Page(spec.path, html.encode(spec.encoding), f"text/html; charset={spec.served_charset}")


def manifest_entry(built: Built) -> ManifestReport:
    """Ground truth for the page :func:`render_page` writes from the same ``built``."""
    spec, body = built.spec, BODIES[built.spec.body]
    must_not = [layout.ICP_LINE, "当前位置", "网站标识码", *built.injection.phrases]
    if spec.container == "trs_nested":  # the footer the CMS wrapped in a .TRS_Editor
        must_not += ["0871-5552046", "技术支持"]
    if spec.container != "old":
        must_not += ["分享到", "浏览次数", "相关链接"]
    if built.index_no:
        must_not.append(built.index_no)
    if spec.read_aloud:
        must_not.append(spam.READ_ALOUD_PHRASE)
    return ManifestReport(
        path=spec.path,
        title=spec.title,
        report_year=spec.year,
        body=body.name,
        level=body.level,
        template_version=spec.template,
        published_date=spec.published[:10],
        written_date=None if spec.placeholder_written or spec.meta_style == "none" else spec.written,
        index_no=built.index_no,
        # an old table layout shows its issuer in the info line (信息来源：…)
        issuer=body.issuer if spec.meta_style != "none" or spec.container == "old" else None,
        doc_no=spec.doc_no if spec.meta_style != "none" else None,
        encoding=spec.encoding,
        served_charset=spec.served_charset,
        spam_kinds=built.injection.kinds,
        text=texts.clean_text(built.blocks),
        must_have=texts.must_have_phrases(built.blocks, built.active),
        must_not=tuple(must_not),
        tables=built.tables,
        stated=dict(built.stated or {}),
    )
