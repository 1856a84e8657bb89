"""Page chrome of the fictional 青岚县人民政府 portal: header, nav, footer, breadcrumbs, listings.

Real county portals wrap a few paragraphs of content in a lot of boilerplate: navigation, a hidden
mobile menu, a footer with 主办单位/ICP/公安备案/网站标识码 lines and the 党政机关 badge written by
``document.write(unescape(...))``. Extractors must learn to drop all of it, so every page here gets
the same realistic chrome from this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

SITE_NAME = "青岚县人民政府"
SITE_CITY = "云溪市"
HOST_ORG = "青岚县人民政府办公室"
ICP_LINE = "云ICP备18003726号-1"
POLICE_LINE = "云公网安备 53990102000311号"
SITE_CODE = "5399010001"
BREADCRUMB_LEAD = "当前位置："

NAV = (
    ("/", "首页"),
    ("/zwgk/", "政务公开"),
    ("/zwfw/", "政务服务"),
    ("/hdjl/", "互动交流"),
    ("/zjql/", "走进青岚"),
)

_CONAC = (
    "%3Cspan%20id%3D%27_ideConac%27%20%3E%3C/span%3E%3Cscript%20src%3D%27/images/conac/dzjg.js%27"
    "%20type%3D%27text/javascript%27%3E%3C/script%3E"
)

CHARSET_META = {
    "utf-8": '<meta charset="utf-8">',
    "gbk": '<meta charset="gbk">',
    "gb2312": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
}

# Written for this portal: a TRS-style pager that document.write()s page links.
CREATE_PAGE_JS = """<script type="text/javascript">
//翻页函数（站点公共脚本）
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount <= 1){ return; }
  function pageUrl(n){
    return n == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + n + "." + _sPageExt;
  }
  var out = '<span class="pg-total">共' + _nPageCount + '页</span> ';
  if(_nCurrIndex > 0){
    out += '<a href="' + pageUrl(0) + '">首页</a> <a href="' + pageUrl(_nCurrIndex - 1) + '">上一页</a> ';
  }
  for(var i = 0; i < _nPageCount; i++){
    out += (i == _nCurrIndex) ? '<span class="cur">' + (i + 1) + '</span> '
                              : '<a href="' + pageUrl(i) + '">' + (i + 1) + '</a> ';
  }
  if(_nCurrIndex < _nPageCount - 1){
    out += '<a href="' + pageUrl(_nCurrIndex + 1) + '">下一页</a> ';
    out += '<a href="' + pageUrl(_nPageCount - 1) + '">尾页</a>';
  }
  document.write('<div class="pagebar">' + out + '</div>');
}
</script>"""


def header_html() -> str:
    """Top bar, logo, search box, main nav and the (legitimately) hidden mobile menu."""
    nav = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in NAV)
    mobile = "".join(f'<a href="{href}">{label}</a>' for href, label in NAV)
    return f"""<div class="topbar"><div class="w1200">
<span class="welcome">欢迎访问{SITE_NAME}门户网站</span>
<span class="tools"><a href="javascript:void(0);" id="wza">无障碍浏览</a>
 | <a href="javascript:void(0);">长者模式</a> | <a href="/zjql/">走进青岚</a></span>
</div></div>
<div class="header"><div class="w1200">
<a class="logo" href="/"><img src="/images/logo.png" alt="{SITE_NAME}"></a>
<form class="search" action="/search/" method="get" target="_blank">
<input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form>
</div></div>
<div class="nav"><ul class="w1200">{nav}</ul></div>
<div class="m-menu" id="mMenu" style="display:none">{mobile}</div>"""


def footer_html() -> str:
    """Footer lines a real portal must carry, and the 党政机关 badge script."""
    return f"""<div class="footer"><div class="w1200">
<p><a href="/zjql/">关于我们</a> | <a href="/zjql/#map">网站地图</a> | <a href="/hdjl/">联系我们</a></p>
<p>主办单位：{HOST_ORG}　承办单位：青岚县融媒体中心</p>
<p><a href="javascript:void(0);">{ICP_LINE}</a>
　<img src="/images/ga.png" alt="">{POLICE_LINE}　网站标识码：{SITE_CODE}</p>
<p>地址：{SITE_CITY}青岚县青云路18号县行政中心　建议使用1366×768分辨率浏览</p>
<div class="conac"><script type="text/javascript">document.write(unescape("{_CONAC}"));</script></div>
</div></div>"""


def breadcrumb_html(crumbs: list[tuple[str, str | None]]) -> str:
    """``当前位置：首页 > 政务公开 > …``; the last crumb is usually not a link."""
    parts = [f'<a href="{href}">{escape(label)}</a>' if href else escape(label) for label, href in crumbs]
    return f'<div class="crumb">{BREADCRUMB_LEAD}' + " &gt; ".join(parts) + "</div>"


def document(
    title: str,
    body: str,
    *,
    charset: str = "utf-8",
    metas: dict[str, str] | None = None,
    head_extra: str = "",
    after_html: str = "",
) -> str:
    """A whole page: doctype, head with charset/meta/CSS, body, then anything stuck after ``</html>``."""
    meta_tags = "\n".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in (metas or {}).items())
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{CHARSET_META[charset]}
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="{SITE_NAME}">
<meta name="SiteIDCode" content="{SITE_CODE}">
{meta_tags}
<title>{escape(title)}</title>
<link rel="stylesheet" type="text/css" href="/images/qinglan.css">
<script type="text/javascript" src="/images/common.js"></script>
{head_extra}
</head>
<body>
{header_html()}
{body}
{footer_html()}
</body>
</html>
{after_html}"""


ZWGK_NAV = (
    ("/zwgk/xxgkzn/", "政府信息公开指南"),
    ("/zwgk/xxgkzd/", "政府信息公开制度"),
    ("/zwgk/fdzdgk/", "法定主动公开内容"),
    ("/zwgk/xxgknb/", "政府信息公开年报"),
    ("/zwgk/zfgzbg/", "政府工作报告"),
    ("/zwgk/bm/", "部门信息公开"),
    ("/zwgk/xz/", "乡镇信息公开"),
)


def left_nav_html(active: str = "") -> str:
    """The 政务公开 left column menu."""
    on = ' class="on"'
    items = "".join(
        f'<li{on if href == active else ""}><a href="{href}">{label}</a></li>' for href, label in ZWGK_NAV
    )
    return f'<div class="left-nav"><h2>政务公开</h2><ul>{items}</ul></div>'


@dataclass(frozen=True)
class ListItem:
    """One row of a column listing."""

    href: str
    title: str
    date: str


def _shown_title(title: str, limit: int) -> str:
    return title if len(title) <= limit else title[:limit] + "..."


def listing_html(items: list[ListItem], *, title_limit: int = 22) -> str:
    """``<ul class="list">`` rows: truncated text, full title in the ``title`` attribute, date span."""
    rows = "\n".join(
        f'<li><a href="{escape(i.href)}" title="{escape(i.title)}" target="_blank">'
        f"{escape(_shown_title(i.title, title_limit))}</a><span>{i.date}</span></li>"
        for i in items
    )
    return f'<ul class="list">\n{rows}\n</ul>'


def pager_html(page_count: int, current: int, *, static_next: str | None = None) -> str:
    """The TRS pager call (function defined inline) and, optionally, a plain static next link."""
    script = (
        f'<script type="text/javascript">createPageHTML({page_count}, {current}, "index", "html");</script>'
    )
    static = f'<div class="page-static"><a href="{static_next}">下一页</a></div>' if static_next else ""
    return f'<div class="page">{CREATE_PAGE_JS}\n{script}{static}</div>'


def column_page(
    column_title: str,
    crumbs: list[tuple[str, str | None]],
    content: str,
    *,
    active: str = "",
    charset: str = "utf-8",
) -> str:
    """A section/column page: breadcrumb, 政务公开 left nav and the column content."""
    body = f"""<div class="main w1200">
{breadcrumb_html(crumbs)}
<div class="col-wrap">
{left_nav_html(active)}
<div class="col-right"><div class="col-title"><h3>{escape(column_title)}</h3></div>
{content}
</div></div></div>"""
    metas = {"ColumnName": column_title}
    return document(f"{column_title}_{SITE_NAME}", body, charset=charset, metas=metas)
