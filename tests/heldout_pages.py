"""Held-out pages (issue #14): written for this test set alone, in the genre, after the extraction code;
nothing here was tuned on. Fictional bodies, places, figures and hosts.

* ``GENUINE``: report pages whose prose uses words spam also uses (赌博, 彩票, 代孕, 配资, 澳门, 成人,
  在线, 视频, 直播, 发票, 洗钱, 虚拟货币, 棋牌, 游戏机, ICP备案, 网站访问量 …) in enforcement, licensing and
  service contexts, in the page shapes of other CMSs (div.article-content, an old GBK table layout,
  #zoom, nested .TRS_Editor with a footer .TRS_Editor, HTML5 article/section, tabs and a hidden
  read-aloud copy, #UCAP-CONTENT, an unknown container, a body shown by script); ``legit`` phrases
  must stay and no finding may be made.
* ``SPAM``: report pages with spam in vocabulary outside the lexicon (the test asserts it), hidden or
  placed by the techniques the issue lists and variations it does not list literally; ``spam``
  phrases must leave the text, the report's phrases stay, a finding is recorded.
* ``Portal``: a small portal with an ordinary report, a DOCX stub, a PDF stub and a report with hidden
  spam, served on 127.0.0.1 for a real ``govreports crawl``.
"""

from __future__ import annotations

import importlib.util
import io
import tempfile
import types
from dataclasses import dataclass, field
from pathlib import Path

import docx

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Case:
    name: str
    url: str
    html: str
    legit: list[str]
    spam: list[str] = field(default_factory=list)  # phrases that must leave the text
    record: bool = False  # a spam finding must be recorded
    encoding: str = "utf-8"

    @property
    def body(self) -> bytes:
        return self.html.encode(self.encoding)


def paragraphs(lines: list[str], tag: str = "p") -> str:
    return "".join(f"<{tag}>{line}</{tag}>" for line in lines)


# --- 1. A tax office, div.article-content in an HTML5 shell, an info line inside the article ----------
TAX = [
    "一、总体情况",
    "2023年，国家税务总局新林县税务局坚持以公开为常态、不公开为例外，全年主动公开政府信息286条。",
    "（一）主动公开。围绕减税降费、发票管理和社保费征缴，公开政策文件与解读材料58件。",
    "推行全面数字化的电子发票，全年开具数电发票41.6万份，纳税人足不出户即可在线领用。",
    "办税服务厅为自然人纳税人代开发票2.3万份，其中代开增值税专用发票1186份。",
    "（二）依申请公开。全年收到政府信息公开申请7件，均在法定期限内答复。",
    "二、政府信息公开平台建设情况",
    "四、存在的主要问题及改进情况",
    "部分政策解读形式较为单一，下一步将增加图解、视频解读的比重。",
]
TAX_HTML = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>国家税务总局新林县税务局2023年政府信息公开工作年度报告 - 国家税务总局新林县税务局</title>
<meta name="ArticleTitle" content="国家税务总局新林县税务局2023年政府信息公开工作年度报告">
</head><body>
<header class="site-head"><nav><a href="/">首页</a><a href="/zwgk/">信息公开</a><a href="/nsfw/">纳税服务</a>
<a href="/hdjl/">互动交流</a></nav></header>
<main class="wrap"><div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">信息公开</a>
&gt; 年度报告</div>
<h1 class="article-title">国家税务总局新林县税务局2023年政府信息公开工作年度报告</h1>
<div class="article-content">
<div class="info">发布时间：2024-01-25 来源：新林县税务局 浏览次数：432</div>
{paragraphs(TAX[:7])}
<p>纳税人可登录<a href="https://etax.jiangxi.chinatax.gov.cn/">江西省电子税务局</a>办理发票业务，或拨打
<a href="https://12366.chinatax.gov.cn/">12366纳税服务平台</a>咨询，全年答复咨询1.7万件。</p>
<table border="1"><tr><td>收到申请数</td><td>7</td></tr><tr><td>予以公开</td><td>5</td></tr>
<tr><td>不予公开</td><td>2</td></tr></table>
{paragraphs(TAX[7:])}
</div>
<div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a
href="javascript:window.close()">关闭窗口</a>】</div>
</main>
<footer><p>主办单位：国家税务总局新林县税务局 地址：新林县税苑路1号</p><p>赣ICP备12004411号-1</p></footer>
</body></html>"""

# --- 2. A police bureau in an old GBK table layout with its info line in a cell -------------------------
POLICE = [
    "一、总体情况",
    "2023年，临溪县公安局全年主动公开政府信息203条，其中打击整治类信息41条。",
    "全年依法查处利用棋牌室、游戏机室聚众赌博案件31起，收缴赌资18.7万元。",
    "破获利用虚拟货币为境外赌博网站转移资金的洗钱案件4起，抓获犯罪嫌疑人17名。",
    "在全县建成集警务服务、矛盾调解和法律援助于一体的特色综合服务站12个。",
    "网上公安局全年在线受理户籍和出入境业务3.4万件，群众可通过视频客服实时查询办理进度。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到申请9件，予以公开6件，不予公开1件，无法提供2件。",
    "三、政府信息公开行政复议、行政诉讼情况",
    "全年未发生因政府信息公开引起的行政复议和行政诉讼。",
]
POLICE_HTML = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>临溪县公安局2023年政府信息公开工作年度报告</title></head>
<body bgcolor="#ffffff"><table width="980" align="center" cellpadding="0" cellspacing="0">
<tr><td><img src="/images/top.jpg"></td></tr>
<tr><td class="nav"><a href="/">首页</a> | <a href="/jwgk/">警务公开</a> | <a href="/bsfw/">办事服务</a>
</td></tr>
<tr><td><table width="100%"><tr><td align="center" class="bt"><font size="4">
<b>临溪县公安局2023年政府信息公开工作年度报告</b></font></td></tr>
<tr><td align="center" class="xx">发布时间：2024-01-30 来源：县公安局 点击数：876</td></tr>
<tr><td class="nr">{paragraphs(POLICE)}</td></tr></table></td></tr>
<tr><td align="center" class="bq">版权所有：临溪县公安局 地址：临溪县府前路8号 邮编：343800</td></tr>
</table></body></html>"""

# --- 3. A culture bureau, #zoom, a licensing sentence, a planning zone named A片区 ------------------------
CULTURE = [
    "一、总体情况",
    "2023年，澄江市文化广电旅游局全年主动公开政府信息352条，文化市场行政许可事项全部在线办理。",
    "全年新批准设立游艺娱乐场所3家，均为电子游艺与益智类游戏机混合经营的场所。",
    "按照文化市场综合执法要求，查处违规接纳未成年人的网吧2家，取缔无证经营的游戏机室1处。",
    "完成老城A片区文物普查，新公布市级文物保护单位11处。",
    "网络表演和网络直播经营单位备案信息、“村晚”视频展播安排均已在门户网站公开。",
    "二、收到和处理政府信息公开申请情况",
    "本年新收政府信息公开申请14件，上年结转1件，均已按期办结。",
    "三、存在的主要问题及改进情况",
    "文化市场监管信息的公开时效有待提升，下一步将实行许可结果即办即公开。",
]
CULTURE_HTML = f"""<html><head><meta charset="utf-8">
<title>澄江市文化广电旅游局2023年政府信息公开工作年度报告_澄江市人民政府</title></head>
<body><div class="head"><a href="/">澄江市人民政府</a></div>
<div class="menu"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li>
<a href="/zwfw/">政务服务</a></li></ul></div>
<div class="con"><h2>澄江市文化广电旅游局2023年政府信息公开工作年度报告</h2>
<div class="property">索引号：11361000MB1234567Q/2024-00031 发布机构：澄江市文化广电旅游局
发布日期：2024-01-22</div>
<div id="zoom">{paragraphs(CULTURE)}
<p>相关政策可查阅<a href="https://www.mct.gov.cn/">文化和旅游部</a>门户网站。</p></div></div>
<div class="foot">澄江市人民政府办公室主办 网站标识码：3604000021 赣ICP备05006677号</div></body></html>"""

# --- 4. A sports bureau, nested .TRS_Editor and a footer wrapped in .TRS_Editor --------------------------
SPORTS = [
    "一、总体情况",
    "2023年，汀州市体育局全年主动公开政府信息147条，其中体育彩票发行销售和公益金使用信息39条。",
    "为全市312个体育投注站更换新型销售终端，开奖结果实时推送至各销售网点。",
    "竞彩游戏销量同比增长8.4%，全部通过官方渠道销售，未发现违规销售行为。",
    "接受香港马会慈善信托基金捐赠，建成社区智慧健身中心2处。",
    "彩票公益金使用情况按年度向社会公告，接受审计和社会监督。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请3件，均予以公开。",
]
SPORTS_HTML = f"""<html><head><meta charset="utf-8">
<title>汀州市体育局2023年政府信息公开工作年度报告</title></head>
<body><div class="header"><div class="TRS_Editor"><a href="/">汀州市体育局</a> <a href="/xxgk/">信息公开</a>
</div></div>
<div class="main"><h1>汀州市体育局2023年政府信息公开工作年度报告</h1>
<div class="TRS_Editor"><div class="TRS_Editor">{paragraphs(SPORTS)}</div></div></div>
<div class="footer"><div class="TRS_Editor"><p>主办单位：汀州市体育局 技术支持：汀州市大数据中心</p>
<p>地址：汀州市体育路18号 联系电话：0597-1234567</p><p>闽ICP备09001122号 网站标识码：3508000033</p></div>
</div>
</body></html>"""

# --- 5. A commerce bureau, HTML5 <article> with <section>s (no known container), Macau links --------------
COMMERCE = [
    "一、总体情况",
    "2023年，钟溪市商务局围绕深化与澳门的经贸合作，全年主动公开政府信息96条。",
    "组织28家企业赴澳门威尼斯人金光会展中心参加第28届澳门国际贸易投资展览会，现场签约项目6个。",
    "澳门博彩业收入恢复带动了对内地优质食品和文创产品的采购需求，本局已编制专题分析在门户网站公开。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请5件，予以公开4件，部分公开1件。",
    "三、政府信息公开行政复议、行政诉讼情况",
    "全年未发生政府信息公开行政复议和行政诉讼案件。",
]
COMMERCE_HTML = f"""<!doctype html><html><head><meta charset="utf-8">
<title>钟溪市商务局2023年政府信息公开工作年度报告</title></head>
<body><header><nav><a href="/">首页</a> <a href="/xxgk/">信息公开</a> <a href="/tzcj/">投资促进</a></nav>
</header>
<main><article><h1>钟溪市商务局2023年政府信息公开工作年度报告</h1>
<section>{paragraphs(COMMERCE[:4])}
<p>相关网站：<a href="https://www.ipim.gov.mo/">澳门贸易投资促进局</a> | <a
href="https://www.mif.com.mo/">澳门国际贸易投资展览会</a>
 | <a href="https://www.economia.gov.mo/">澳门经济及科技发展局</a> | <a
href="https://www.dsec.gov.mo/">澳门统计暨普查局</a></p></section>
<section>{paragraphs(COMMERCE[4:])}</section></article></main>
<footer>钟溪市商务局 版权所有 粤ICP备11002233号</footer></body></html>"""

# --- 6. A housing-fund centre: .xxgk_content, tabs and a hidden read-aloud copy -------------------------
FUND = [
    "一、总体情况",
    "2023年，鹤川市住房公积金管理中心全年主动公开政府信息174条。",
    "线上提取业务实现“秒到账”，全年在线办理提取业务8.9万笔，占全部提取业务的93%。",
    "在政务服务大厅设置政府信息公开查阅点，全年向群众提供免费资料1260份。",
    "企业开办涉及的办证刻章、发票申领和公积金缴存登记实现一网通办、一日办结。",
    "通过12329服务热线和网上视频客服答复群众咨询2.1万人次。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请6件，均在法定期限内答复。",
]
FUND_HTML = f"""<html><head><meta charset="utf-8">
<title>鹤川市住房公积金管理中心2023年政府信息公开工作年度报告</title>
<style>.tab-pane{{display:none}} .tab-pane.active{{display:block}}</style></head>
<body><div class="top"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div>
<h1>鹤川市住房公积金管理中心2023年政府信息公开工作年度报告</h1>
<ul class="tabs"><li class="on">报告全文</li><li>图解</li></ul>
<div class="xxgk_content"><div class="tab-pane active">{paragraphs(FUND)}
<p>网上业务请登录鹤川住房公积金网上服务大厅（<a
href="https://www.hc12329.com/">www.hc12329.com</a>）办理。</p></div>
<div class="tab-pane"><p>一图读懂：2023年公积金中心信息公开工作年度报告图解，共九张图。</p></div></div>
<div id="readAloud" style="display:none">{paragraphs(FUND[1:4])}</div>
<div class="foot">鹤川市住房公积金管理中心 湘ICP备15003344号</div></body></html>"""

# --- 7. A financial regulator, #content: investor-education links with short institution names ----------
FINANCE = [
    "一、总体情况",
    "2023年，澜州市地方金融管理局全年主动公开政府信息118条。",
    "辖内银行机构全年办理银行承兑商业汇票贴现46.3亿元，支持中小微企业融资。",
    "联合公安机关打击非法股票配资和利用虚拟货币洗钱活动，公开典型案例5个。",
    "在社区开展金融知识进万家活动，引导群众对承诺“稳赚不赔”的投资项目提高警惕。",
    "针对所谓“征信修复”收费服务，提示市民通过人民银行征信中心免费查询和提出异议。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请4件，均予以答复。",
]
FINANCE_HTML = f"""<html><head><meta charset="utf-8">
<title>澜州市地方金融管理局2023年政府信息公开工作年度报告</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div>
<div id="content"><h3>澜州市地方金融管理局2023年政府信息公开工作年度报告</h3>{paragraphs(FINANCE[:6])}
<p>投资者教育：<a href="http://www.sse.com.cn/">上交所投教</a> <a href="http://www.szse.cn/">深交所投教</a>
<a href="https://www.bse.cn/">北交所</a> <a href="http://www.chinaclear.cn/">中国结算</a>
<a href="https://www.sac.net.cn/">中证协</a>
<a href="https://www.isc.com.cn/">投服中心</a></p>{paragraphs(FINANCE[6:])}</div>
<div class="foot">澜州市地方金融管理局 主办 浙ICP备08005566号</div></body></html>"""

# --- 8. A health commission, .TRS_Editor inside #UCAP-CONTENT -------------------------------------------
HEALTH = [
    "一、总体情况",
    "2023年，柏溪县卫生健康委员会全年主动公开政府信息233条。",
    "依法规范人类辅助生殖技术服务，开展打击代孕专项行动，公开举报电话和典型案例。",
    "县人民医院开设成人疫苗接种门诊和互联网在线复诊，全年视频问诊4800人次。",
    "对网络上“包生男孩”“泰国试管”等违法广告线索，及时移交市场监管部门处理。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请11件，予以公开8件，不予公开3件。",
]
HEALTH_HTML = f"""<html><head><meta charset="utf-8">
<title>柏溪县卫生健康委员会2023年政府信息公开工作年度报告-柏溪县人民政府</title></head>
<body><div class="header">柏溪县人民政府</div>
<div id="UCAP-CONTENT"><div class="TRS_Editor">{paragraphs(HEALTH)}</div></div>
<div class="share">分享到：微信 微博</div><div class="footer">柏溪县人民政府办公室 主办
川ICP备06007788号</div></body></html>"""

# --- 9. A press office on an unknown container (div.wenzhang): the platforms it posts on -----------------
PRESS = [
    "一、总体情况",
    "2023年，本办全年主动公开政府信息162条，举办新闻发布会27场，均同步开展网络直播。",
    "政务新媒体矩阵已入驻学习强国、央视频、快手、哔哩哔哩、小红书等平台，全年发布短视频1300余条。",
    "全市网站访问量全年达2140万人次，同比增长9.6%。",
    "全市政府网站均已完成ICP备案，备案信息与主办单位一致。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请2件，均予以公开。",
]
PRESS_HTML = f"""<html><head><meta charset="utf-8">
<title>岩城市人民政府新闻办公室2023年政府信息公开工作年度报告</title></head>
<body><div class="top"><a href="/">首页</a> <a href="/xwfb/">新闻发布</a> <a href="/xxgk/">信息公开</a></div>
<div class="wenzhang"><h1>岩城市人民政府新闻办公室2023年政府信息公开工作年度报告</h1>{paragraphs(PRESS[:3])}
<p>关注我们：<a href="https://www.xuexi.cn/">学习强国</a> | <a href="https://www.yangshipin.cn/">央视频</a> |
<a href="https://www.kuaishou.com/">快手</a> | <a href="https://www.bilibili.com/">哔哩哔哩</a> |
<a href="https://www.xiaohongshu.com/">小红书</a> | <a href="https://www.douyin.com/">抖音</a></p>
{paragraphs(PRESS[3:])}</div>
<div class="bottom">岩城市人民政府新闻办公室 版权所有 滇ICP备10009900号</div></body></html>"""

# --- 10. An education bureau: <font> and table cells, info line in a cell, #Content ------------------------
EDU = [
    "一、总体情况",
    "2023年，岚溪区教育局全年主动公开政府信息205条，其中成人教育和社区教育信息34条。",
    "区成人文化技术学校全年开展农村实用技术培训2600人次，开设在线课程48门。",
    "中小学“空中课堂”视频资源全部免费向社会开放，累计点播312万次。",
    "开展校园周边网吧、游戏机室专项整治，查处违规接纳中小学生的场所3家。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请8件，均已办结。",
]
EDU_HTML = f"""<html><head><meta charset="gbk"><title>岚溪区教育局2023年政府信息公开工作年度报告</title>
</head>
<body><table width="1000"><tr><td colspan="2"><a href="/">首页</a> <a href="/jyxw/">教育新闻</a></td></tr>
<tr><td width="200" valign="top"><a href="/xxgk/">信息公开</a><br><a href="/zcfg/">政策法规</a></td>
<td valign="top"><div id="Content"><table width="100%">
<tr><td align="center"><font size="5" color="#C00000">岚溪区教育局2023年政府信息公开工作年度报告</font></td>
</tr>
<tr><td align="center"><font color="#666666">发布时间：2024-01-19  来源：区教育局  点击数：1043</font></td>
</tr>
<tr><td>{"".join(f'<p><font face="仿宋">{line}</font></p>' for line in EDU)}</td></tr></table></div></td></tr>
<tr><td colspan="2" align="center">版权所有：岚溪区教育局 技术支持：岚溪区教育信息中心</td></tr></table>
</body></html>"""

# --- 11. A county government's own website statistics in an HTML5 article.article-body -----------------
WEBSITE = [
    "一、总体情况",
    "2023年，松原县人民政府办公室全年主动公开政府信息1342条。",
    "门户网站全年发布信息5832条，网站访问量达286万人次，其中移动端访问占61%。",
    "网站完成ICP备案信息年度核验，并在页面底部公示ICP备案号和公安机关备案号。",
    "（四）网站运行数据",
    "访问量：2863417人次",
    "发布信息：5832条",
    "依托政务服务网开通在线咨询和视频办事服务，全年受理在线咨询1.2万件。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请21件，均已按期答复。",
]
WEBSITE_HTML = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>松原县人民政府办公室2023年政府信息公开工作年度报告</title></head>
<body><header><a href="/">首页</a> <a href="/zwgk/">政务公开</a></header>
<main><article class="article-body">
<h1>松原县人民政府办公室2023年政府信息公开工作年度报告</h1>{paragraphs(WEBSITE)}</article></main>
<footer><p>主办：松原县人民政府办公室</p><p>网站标识码：2207000044 吉ICP备07001234号
吉公网安备22070002000123号</p></footer>
</body></html>"""

BASE = "http://www.{host}.gov.cn/zwgk/xxgknb/202401/t20240125_{n}.html"

GENUINE = [
    Case(
        "tax_article_content",
        BASE.format(host="xinlin", n=1),
        TAX_HTML,
        [*TAX, "江西省电子税务局", "12366纳税服务平台"],
    ),
    Case("police_gbk_table", BASE.format(host="linxi", n=2), POLICE_HTML, POLICE, encoding="gbk"),
    Case("culture_zoom", BASE.format(host="chengjiang", n=3), CULTURE_HTML, [*CULTURE, "文化和旅游部"]),
    Case("sports_nested_trs", BASE.format(host="tingzhou", n=4), SPORTS_HTML, SPORTS),
    Case(
        "commerce_html5_macau",
        BASE.format(host="zhongxi", n=5),
        COMMERCE_HTML,
        [*COMMERCE, "澳门贸易投资促进局", "澳门国际贸易投资展览会", "澳门统计暨普查局"],
    ),
    Case("fund_tabs_readaloud", BASE.format(host="hechuan", n=6), FUND_HTML, [*FUND, "www.hc12329.com"]),
    Case(
        "finance_investor_links",
        BASE.format(host="lanzhou", n=7),
        FINANCE_HTML,
        [*FINANCE, "上交所投教", "深交所投教", "中国结算", "中证协"],
    ),
    Case("health_ucap_trs", BASE.format(host="baixi", n=8), HEALTH_HTML, HEALTH),
    Case(
        "press_platforms",
        BASE.format(host="yancheng", n=9),
        PRESS_HTML,
        [*PRESS, "学习强国", "哔哩哔哩", "小红书"],
    ),
    Case("education_font_table", BASE.format(host="lanxiqu", n=10), EDU_HTML, EDU, encoding="gbk"),
    Case("website_statistics_article", BASE.format(host="songyuan", n=11), WEBSITE_HTML, WEBSITE),
]

# --- 12. A transport bureau: a 51.la counter in <noscript>, bank and reporting-site links, a video ------
ROADS = [
    "一、总体情况",
    "2023年，潭口县交通运输局全年主动公开政府信息139条，其中公路建设项目信息52条。",
    "ETC发行和通行费缴纳可通过下列银行网点办理，办理进度在门户网站实时公开。",
    "对网络上传播的交通违法处理虚假信息，可通过下列举报网站反映。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请6件，均已按期答复。",
]
ROADS_HTML = f"""<html><head><meta charset="utf-8">
<title>潭口县交通运输局2023年政府信息公开工作年度报告</title></head>
<body><div class="top"><a href="/">首页</a></div><div class="xl">
<h1>潭口县交通运输局2023年政府信息公开工作年度报告</h1>
<div class="xx">发布时间：2024-01-30 10:21:33 来源：县交通运输局 作者：办公室 浏览次数：[ 876 ]</div>
<div class="TRS_Editor">{paragraphs(ROADS[:3])}
<p><a href="http://www.icbc.com.cn/">工商银行</a> <a href="http://www.ccb.com/">建设银行</a>
<a href="http://www.abchina.com/">农业银行</a>
<a href="http://www.boc.cn/">中国银行</a> <a href="http://www.psbc.com/">邮储银行</a></p>
{paragraphs(ROADS[3:4])}
<p><a href="https://www.12377.cn/">中央网信办违法和不良信息举报中心</a> <a
href="https://www.12321.cn/">网络不良与垃圾信息举报受理中心</a>
<a href="https://www.piyao.org.cn/">中国互联网联合辟谣平台</a></p>
<p><iframe src="https://tv.cctv.com/player/embed.html?vid=123" width="640" height="360" frameborder="0">
</iframe></p>
{paragraphs(ROADS[4:])}</div></div>
<div class="foot">潭口县交通运输局 版权所有
<script type="text/javascript">var cnzz_protocol = (("https:" == document.location.protocol) ? "https://" :
"http://");
document.write(unescape("%3Cspan id='cnzz_stat_icon_1279'%3E%3C/span%3E%3Cscript src='" + cnzz_protocol +
"s9.cnzz.com/z_stat.php%3Fid%3D1279' type='text/javascript'%3E%3C/script%3E"));</script>
<script src="//js.users.51.la/1234567.js"></script>
<noscript><a href="//www.51.la/?1234567" target="_blank">
<img alt="我要啦免费统计" src="//img.users.51.la/1234567.asp" style="border:none"></a></noscript>
<a href="https://www.cnzz.com/stat/website.php?web_id=1279" target="_blank" title="站长统计">站长统计</a>
</div>
</body></html>"""

# --- 13. A lottery centre whose report body is hidden and shown by script (an empty visible article) ------
LOTTERY = [
    "一、总体情况",
    "2023年，汀州市体育彩票管理中心依据《中华人民共和国政府信息公开条例》，全年主动公开政府信息58条。",
    "全市312个体育投注站的开奖公告、中奖信息和公益金使用情况均按规定主动公开，官方网站提供开奖记录查询。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请2件，均予以公开，未发生行政复议和行政诉讼。",
]
LOTTERY_HTML = f"""<html><head><meta charset="utf-8">
<title>汀州市体育彩票管理中心2023年政府信息公开工作年度报告</title></head>
<body><div class="top"><a href="/">首页</a></div><h1>汀州市体育彩票管理中心2023年政府信息公开工作年度报告</h1>
<div id="zoom"></div><div id="nbBody" style="display:none">{paragraphs(LOTTERY)}</div>
<script>document.getElementById("zoom").innerHTML = document.getElementById("nbBody").innerHTML;</script>
<div class="foot">汀州市体育彩票管理中心</div></body></html>"""

GENUINE += [
    Case(
        "roads_counters_banks",
        BASE.format(host="tankou", n=12),
        ROADS_HTML,
        [*ROADS, "工商银行", "邮储银行", "中国互联网联合辟谣平台"],
    ),
    Case("lottery_revealed_body", BASE.format(host="tingzhou", n=13), LOTTERY_HTML, LOTTERY),
]


# === Spam-injected pages ======================================================================

# Reports of three bodies, in three page shapes (the spam goes in {inject}, {head}, {tail}).
WATER = [
    "一、总体情况",
    "2023年，青崖县水利局全年主动公开政府信息126条，涉及防汛抗旱、水资源管理和农村饮水安全。",
    "完成病险水库除险加固工程4座，新建农村供水工程12处，受益人口3.6万人。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请5件，均在法定期限内予以答复。",
    "三、存在的主要问题及改进情况",
    "部分工程项目信息公开不够及时，下一步将建立项目进度月度公开制度。",
]
GRAIN = [
    "一、总体情况",
    "2023年，石坪镇人民政府全年主动公开政府信息88条，重点公开惠农补贴发放和村级财务情况。",
    "全镇发放耕地地力保护补贴412万元，补贴对象和标准均在村务公开栏张榜公示。",
    "二、收到和处理政府信息公开申请情况",
    "本年度未收到政府信息公开申请。",
    "三、其他需要报告的事项",
    "本机关未收取信息处理费。",
]
TRANSPORT = [
    "一、总体情况",
    "2023年，梅岭区交通运输局全年主动公开政府信息164条，其中重点项目信息43条。",
    "完成农村公路提质改造86公里，新开通城乡公交线路5条。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请12件，予以公开9件，无法提供3件。",
    "三、政府信息公开行政复议、行政诉讼情况",
    "全年未发生因政府信息公开引起的行政复议和行政诉讼。",
]


def zoom_page(
    title: str, lines: list[str], inject: str = "", head: str = "", tail: str = "", after: str = ""
) -> str:
    middle = len(lines) // 2
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
        f'<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></div><h1>{title}</h1>'
        f'<div id="zoom">{paragraphs(lines[:middle])}{inject}{paragraphs(lines[middle:])}</div>'
        f'{tail}<div class="foot">主办单位：{title[:6]} 网站标识码：3600000001</div></body></html>{after}'
    )


def trs_page(
    title: str, lines: list[str], inject: str = "", head: str = "", tail: str = "", after: str = ""
) -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
        f'<div class="top"><a href="/">首页</a></div><div class="xl_title">{title}</div>'
        f'<div class="xl_con"><div class="TRS_Editor">{paragraphs(lines)}{inject}</div></div>'
        f'{tail}<div class="bottom">版权所有 技术支持：信息中心</div></body></html>{after}'
    )


def table_page(
    title: str, lines: list[str], inject: str = "", head: str = "", tail: str = "", after: str = ""
) -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
        f'<table width="960"><tr><td><a href="/">首页</a></td></tr><tr><td class="title">{title}</td></tr>'
        f'<tr><td class="content">{paragraphs(lines)}{inject}</td></tr><tr><td>{tail}</td></tr>'
        f"<tr><td>地址：梅岭区交通路2号</td></tr></table></body></html>{after}"
    )


W = "青崖县水利局2023年政府信息公开工作年度报告"
G = "石坪镇人民政府2023年政府信息公开工作年度报告"
T = "梅岭区交通运输局2023年政府信息公开工作年度报告"
URL = "http://www.{host}.gov.cn/zwgk/xxgknb/202402/t20240218_{n}.html"


def links(pairs: list[tuple[str, str]], sep: str = " ") -> str:
    return sep.join(f'<a href="{href}">{label}</a>' for href, label in pairs)


LOAN = links(
    [
        ("https://www.jiekuan-kuai.com/", "黑户秒借五千元"),
        ("https://www.xinyongdai-help.com/", "无视征信当天放款"),
        ("https://www.kouzi-daquan.net/", "新口子强下款"),
    ]
)
PHARMA = links(
    [
        ("https://replica-watch-outlet.com/", "replica rolex watches"),
        ("https://rx-pillstore.net/", "cheap cialis without prescription"),
        ("https://rx-pillstore.net/kamagra", "kamagra oral jelly"),
    ]
)
CHEATS = links(
    [
        ("http://www.chiji-fuzhu.com/", "吃鸡透视自瞄辅助"),
        ("http://www.waigua-wang.net/", "穿墙外挂稳定不封号"),
        ("http://www.fuzhu-cdk.com/", "卡密自动发货"),
    ]
)
CLINIC = links(
    [
        ("http://www.renliu-yiyuan.com/", "无痛人流只需三百八"),
        ("http://www.nanke-zhuanjia.com/", "男科专家网上挂号"),
        ("http://www.buyun-zhiliao.com/", "不孕不育包治好"),
    ]
)
CERTS = links(
    [
        ("http://www.jiazhao-daikao.com/", "驾照代考包过"),
        ("http://www.siliuji-zhengshu.com/", "四六级证书加急出"),
        ("http://www.kuaiji-guakao.com/", "会计证挂靠年薪"),
    ]
)
SEO = links(
    [
        ("http://www.zhizhuchi-zu.com/", "蜘蛛池出租秒收录"),
        ("http://www.kuaipai-seo.com/", "快排首页保证"),
        ("http://www.zhanqun-zu.com/", "站群寄生虫程序"),
    ]
)
PLATFORM = links(
    [
        ("http://www.hongfu-qiyuan.com/", "鸿福棋苑"),
        ("http://www.jinzunhui.com/", "金樽汇领金豆"),
        ("http://www.tianxi-yx.com/", "天禧游戏厅上分"),
    ]
)
SLIM = links(
    [
        ("http://www.shoushen-jiaonang.com/", "瘦身胶囊月瘦二十斤"),
        ("http://www.rongzhi-zhen.com/", "溶脂针上门"),
    ]
)
SMOKES = links(
    [
        ("http://www.mianshui-yan.com/", "免税香烟一手货源"),
        ("http://www.waiyan-pifa.com/", "外烟批发下单秒发"),
    ]
)
PAPERS = links(
    [
        ("http://www.lunwen-daixie.com/", "代写论文包过查重"),
        ("http://www.jiangchong-fa.com/", "论文降重代发期刊"),
    ]
)
SIMCARDS = links(
    [("http://www.haoka-pifa.com/", "手机号卡批发"), ("http://www.xiaohao-shou.com/", "实名小号出售")]
)
PURSES = links(
    [
        ("http://www.daigou-shepin.com/", "跨境代购奢品一手货源"),
        ("http://www.gaofang-bao.com/", "原单包包支持验货"),
    ]
)
SIGNALS = links(
    [("http://www.handan-laoshi.com/", "黄金喊单老师带你翻倍"), ("http://www.waihui-qun.com/", "外汇内幕群")]
)
NIU = links(
    [("http://www.shangfen-kf.com/", "上分下分秒处理"), ("http://www.niuniu-hongbao.com/", "牛牛红包群")]
)
FARM_NAMES = ["旌德", "泾源", "沁源", "榆社", "昔阳", "阳曲", "绩溪", "黟山"]
FARM = links(
    [
        (f"http://www.{p}-info.com/", n)
        for p, n in zip(
            ["jingde", "jingyuan", "qinyuan", "yushe", "xiyang", "yangqu", "jixi", "yishan"],
            FARM_NAMES,
            strict=True,
        )
    ],
    " | ",
)
MARQUEE = links(
    [
        ("http://dingsheng66.top/", "鼎盛国际"),
        ("http://kaixuanmen.vip/", "凯旋门会所"),
        ("http://jinzun.xyz/", "金樽会"),
    ]
)
THROWAWAY = links(
    [
        ("http://lanyue.xyz/", "揽月阁"),
        ("http://feiyu.top/", "飞鱼汇"),
        ("http://qianhe.vip/", "千禾坊"),
        ("http://xinghe.cc/", "星河苑"),
    ]
)
NEAR_WHITE = links(
    [
        ("http://www.yaopin-zhifa.com/", "处方药直发免问诊"),
        ("http://www.yanjing-peijing.com/", "隐形眼镜批发"),
    ]
)
TRANSPARENT = links(
    [("http://www.qiuxie-fang.com/", "莆田球鞋一比一"), ("http://www.kuaidi-dan.com/", "空包快递单号")]
)
DESCENDANT = links(
    [("http://www.jiudian-yuding.com/", "钟点房特价暗号"), ("http://www.peiliao-ke.com/", "陪聊客服一对一")]
)


def esc(markup: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in '<>"/= ' else c for c in markup)


SPAM = [
    Case(
        "visibility_hidden",
        URL.format(host="qingya", n=1),
        zoom_page(W, WATER, f'<div style="visibility:hidden">{LOAN}</div>'),
        WATER,
        ["黑户秒借五千元", "无视征信当天放款", "新口子强下款"],
        record=True,
    ),
    Case(
        "opacity_english",
        URL.format(host="shiping", n=2),
        trs_page(G, GRAIN, f'<span style="opacity: 0">{PHARMA}</span>'),
        GRAIN,
        ["replica rolex", "cialis", "kamagra"],
        record=True,
    ),
    Case(
        "clip_rect",
        URL.format(host="meiling", n=3),
        table_page(T, TRANSPORT, f'<div style="position:absolute;clip:rect(0,0,0,0)">{CHEATS}</div>'),
        TRANSPORT,
        ["吃鸡透视自瞄辅助", "穿墙外挂稳定不封号", "卡密自动发货"],
        record=True,
    ),
    Case(
        "text_indent",
        URL.format(host="qingya", n=4),
        zoom_page(W, WATER, f'<p style="text-indent:-9999px">{CLINIC}</p>'),
        WATER,
        ["无痛人流只需三百八", "男科专家网上挂号", "不孕不育包治好"],
        record=True,
    ),
    Case(
        "aria_offscreen",
        URL.format(host="shiping", n=5),
        trs_page(G, GRAIN, f'<div aria-hidden="true" style="position:absolute;left:-5000px">{CERTS}</div>'),
        GRAIN,
        ["驾照代考包过", "四六级证书加急出", "会计证挂靠年薪"],
        record=True,
    ),
    Case(
        "zero_height",
        URL.format(host="meiling", n=6),
        table_page(T, TRANSPORT, f'<div style="height:0;overflow:hidden">{SEO}</div>'),
        TRANSPORT,
        ["蜘蛛池出租秒收录", "快排首页保证", "站群寄生虫程序"],
        record=True,
    ),
    Case(
        "zero_font",
        URL.format(host="qingya", n=7),
        zoom_page(W, WATER, f'<span style="font-size:0">{PLATFORM}</span>'),
        WATER,
        ["鸿福棋苑", "金樽汇领金豆", "天禧游戏厅上分"],
        record=True,
    ),
    Case(
        "class_colour",
        URL.format(host="shiping", n=8),
        trs_page(
            G,
            GRAIN,
            f'<p class="tip-x">{SLIM}</p>',
            head="<style>body{background:#fff}.tip-x{color:#ffffff}</style>",
        ),
        GRAIN,
        ["瘦身胶囊月瘦二十斤", "溶脂针上门"],
        record=True,
    ),
    Case(
        "hidden_attribute",
        URL.format(host="meiling", n=9),
        table_page(T, TRANSPORT, f"<div hidden>{SMOKES}</div>"),
        TRANSPORT,
        ["免税香烟一手货源", "外烟批发下单秒发"],
        record=True,
    ),
    Case(
        "display_none_important",
        URL.format(host="qingya", n=10),
        zoom_page(W, WATER, f'<div style="display: none !important">{PAPERS}</div>'),
        WATER,
        ["代写论文包过查重", "论文降重代发期刊"],
        record=True,
    ),
    Case(
        "style_after_content_upper",
        URL.format(host="shiping", n=11),
        trs_page(
            G,
            GRAIN,
            f'<div class="ft-ad">{SIMCARDS}</div>',
            tail="<style>.FT-AD, .ft-ad { DISPLAY:NONE }</style>",
        ),
        GRAIN,
        ["手机号卡批发", "实名小号出售"],
        record=True,
    ),
    Case(
        "document_write_unescape",
        URL.format(host="meiling", n=12),
        table_page(
            T,
            TRANSPORT,
            "<script>document.write(unescape('"
            + esc(f'<div style="display:none">{NIU}</div>')
            + "'));</script>",
        ),
        TRANSPORT,
        ["上分下分秒处理", "牛牛红包群"],
        record=True,
    ),
    Case(
        "document_write_stylesheet_class",
        URL.format(host="qingya", n=13),
        zoom_page(
            W,
            WATER,
            "<script>document.write('" + f'<div class="yx9">{PURSES}</div>' + "');</script>",
            head="<style>.yx9{position:absolute;top:-2000px}</style>",
        ),
        WATER,
        ["跨境代购奢品一手货源", "原单包包支持验货"],
        record=True,
    ),
    Case(
        "after_html",
        URL.format(host="shiping", n=14),
        trs_page(G, GRAIN, after=f"<div>{SIGNALS}</div>"),
        GRAIN,
        ["黄金喊单老师带你翻倍", "外汇内幕群"],
        record=True,
    ),
    Case(
        "bare_name_farm",
        URL.format(host="meiling", n=15),
        table_page(T, TRANSPORT, tail=f'<div class="links">{FARM}</div>'),
        TRANSPORT,
        FARM_NAMES,
        record=True,
    ),
    Case(
        "marquee_throwaway",
        URL.format(host="qingya", n=16),
        zoom_page(W, WATER, tail=f'<marquee direction="left">{MARQUEE}</marquee>'),
        WATER,
        ["鼎盛国际", "凯旋门会所", "金樽会"],
        record=True,
    ),
    Case(
        "visible_throwaway_block",
        URL.format(host="shiping", n=17),
        trs_page(G, GRAIN, f"<p>更多精彩：{THROWAWAY}</p>"),
        GRAIN,
        ["揽月阁", "飞鱼汇", "千禾坊", "星河苑", "更多精彩"],
        record=True,
    ),
    Case(
        "near_white_font",
        URL.format(host="meiling", n=18),
        table_page(T, TRANSPORT, f'<font style="color:#fefefe">{NEAR_WHITE}</font>'),
        TRANSPORT,
        ["处方药直发免问诊", "隐形眼镜批发"],
        record=True,
    ),
    Case(
        "transparent_colour",
        URL.format(host="qingya", n=19),
        zoom_page(W, WATER, f'<span style="color:transparent">{TRANSPARENT}</span>'),
        WATER,
        ["莆田球鞋一比一", "空包快递单号"],
        record=True,
    ),
    Case(
        "descendant_selector",
        URL.format(host="shiping", n=20),
        trs_page(
            G, GRAIN, f'<div class="gg"><p>{DESCENDANT}</p></div>', head="<style>.gg p{display:none}</style>"
        ),
        GRAIN,
        ["钟点房特价暗号", "陪聊客服一对一"],
        record=True,
    ),
    Case(
        "inline_span_mid_sentence",
        URL.format(host="meiling", n=21),
        table_page(
            T,
            [
                *TRANSPORT[:2],
                f'完成农村公路提质改造86公里，<span style="display:none">{LOAN}</span>'
                "新开通城乡公交线路5条。",
                *TRANSPORT[3:],
            ],
        ),
        [*TRANSPORT[:2], "完成农村公路提质改造86公里，新开通城乡公交线路5条。", *TRANSPORT[3:]],
        ["黑户秒借五千元", "无视征信当天放款"],
        record=True,
    ),
]

HIDDEN_ANCHORS = "".join(
    f'<a style="display:none" href="{href}">{label}</a>'
    for href, label in [
        ("http://www.shuiguo-pifa.com/", "果园直供一件代发"),
        ("http://www.chaye-shop.com/", "明前龙井特价清仓"),
        ("http://www.jiuye-zhaopin.net/", "高薪日结招聘"),
    ]
)
BRACKET = (
    '<script>var d=document;d["write"]("<div style=\\"display:none\\">" + '
    '"<a href=\\"http://www.yuesao-fuwu.com/\\">金牌月嫂包住宿</a><a href=\\"http://www.peilian-jiaxiao.com/\\">'
    '陪驾陪练上门</a>" + "</div>");</script>'
)
INNER = (
    '<div id="k7"></div><script>document.getElementById("k7").innerHTML = '
    '\'<a href="http://www.dianyou-quan.com/">电游圈好友上分</a> <a href="http://www.kaihei-dai.com/">开黑代练段位</a>\';'
    "</script>"
)
IFRAMES = (
    '<iframe src="http://www.tianxi-yx.com/ad.html" width="0" height="0" frameborder="0"></iframe>'
    '<iframe style="display:none" src="http://www.jinzunhui.com/land.html"></iframe>'
)
SUBFARM = links(
    [
        (f"http://{p}.tianxi-news.com/", f"{n}县")
        for p, n in zip(
            ["jingde", "jingyuan", "qinyuan", "yushe", "xiyang", "yangqu"], FARM_NAMES, strict=False
        )
    ],
    " ",
)
PALE = links([("http://www.banjia-kuai.com/", "同城搬家低价"), ("http://www.kaisuo-24h.com/", "开锁换锁芯")])

SPAM += [
    Case(
        "hidden_anchors_inline",
        URL.format(host="qingya", n=22),
        zoom_page(
            W,
            [
                *WATER[:2],
                f"完成病险水库除险加固工程4座，{HIDDEN_ANCHORS}新建农村供水工程12处，受益人口3.6万人。",
                *WATER[3:],
            ],
        ),
        WATER,
        ["果园直供一件代发", "明前龙井特价清仓", "高薪日结招聘"],
        record=True,
    ),
    Case(
        "document_bracket_write",
        URL.format(host="shiping", n=23),
        trs_page(G, GRAIN, BRACKET),
        GRAIN,
        ["金牌月嫂包住宿", "陪驾陪练上门"],
        record=True,
    ),
    Case(
        "innerhtml_injection",
        URL.format(host="meiling", n=24),
        table_page(T, TRANSPORT, INNER),
        TRANSPORT,
        ["电游圈好友上分", "开黑代练段位"],
        record=True,
    ),
    Case(
        "hidden_iframes",
        URL.format(host="qingya", n=25),
        zoom_page(W, WATER, tail=IFRAMES),
        WATER,
        [],
        record=True,
    ),
    Case(
        "subdomain_farm_with_units",
        URL.format(host="shiping", n=26),
        trs_page(G, GRAIN, tail=f'<div class="yqlj">{SUBFARM}</div>'),
        GRAIN,
        [f"{n}县" for n in FARM_NAMES[:6]],
        record=True,
    ),
    Case(
        "pale_on_pale_rules",
        URL.format(host="meiling", n=27),
        table_page(
            T,
            TRANSPORT,
            f'<div class="wrap9"><div id="ft9">{PALE}</div></div>',
            head="<style>#ft9{color:#f3f3f3;font-size:12px}.wrap9{background:#f5f5f5}</style>",
        ),
        TRANSPORT,
        ["同城搬家低价", "开锁换锁芯"],
        record=True,
    ),
]


# === More pages: hidden partner menus, keyword links in the article ==========================

CIVIL = [
    "一、总体情况",
    "2023年，榆林湾区民政局全年主动公开政府信息97条，婚姻登记实现在线预约，全年视频见证颁证仪式36场。",
    "联合公安、网信部门开展整治“网络募捐”乱象专项行动，清理违规个人求助信息412条。",
    "引导群众通过依法登记的慈善组织和民政部指定的互联网公开募捐信息平台参与捐赠。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请3件，均已答复。",
]
CIVIL_HTML = f"""<html><head><meta charset="utf-8"><title>榆林湾区民政局2023年政府信息公开工作年度报告</title>
<style>.m-nav{{display:none}} .dropdown ul{{display:none}} .dropdown:hover ul{{display:block}}</style></head>
<body><div class="head"><ul class="m-nav"><li><a href="/">首页</a></li><li><a
href="http://www.ylwct.com.cn/">城投集团</a></li>
<li><a href="http://www.ylwsw.com/">水务集团</a></li><li><a href="http://www.ylwjt.com/">交通投资公司</a>
</li></ul>
<div class="dropdown">友情链接<ul><li><a href="http://www.ylwrcb.com/">榆林湾农商银行</a></li><li><a
href="http://www.ylwdaily.com/">榆林湾日报</a></li>
<li><a href="http://www.ylwtv.com/">榆林湾广播电视台</a></li></ul></div></div>
<div class="article"><h1>榆林湾区民政局2023年政府信息公开工作年度报告</h1><div
class="zw-content">{paragraphs(CIVIL[:4])}
<p>互联网公开募捐信息平台：<a href="https://gongyi.qq.com/">腾讯公益</a> <a
href="https://www.shuidichou.com/">水滴公益</a>
<a href="https://www.qschou.com/">轻松公益</a> <a
href="https://www.chinacharityfederation.org/">中华慈善总会</a></p>
{paragraphs(CIVIL[4:])}</div></div></body></html>"""

MARKET = [
    "一、总体情况",
    "2023年，芦山县市场监督管理局全年主动公开政府信息388条，其中行政处罚信息216条。",
    "查处虚假宣传“包治百病”保健食品案件7件，对网络直播带货中的价格违法行为立案14件。",
    "全县实体彩票销售场所和网吧、游戏游艺场所的营业执照信息全部实现在线查询。",
    "“双随机、一公开”抽查结果通过国家企业信用信息公示系统向社会公示。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请19件，予以公开12件，部分公开4件，不予公开3件。",
]
MARKET_HTML = f"""<html><head><meta charset="utf-8">
<title>芦山县市场监督管理局2023年政府信息公开工作年度报告</title></head>
<body><div id="zoom">{paragraphs(MARKET)}<p>查询网址：<a
href="https://www.gsxt.gov.cn/">国家企业信用信息公示系统</a></p></div>
<div class="footer">芦山县市场监督管理局 版权所有</div></body></html>"""

GENUINE += [
    Case(
        "civil_hidden_friend_links",
        "http://www.ylw.gov.cn/zwgk/xxgknb/202401/t20240126_31.html",
        CIVIL_HTML,
        [*CIVIL, "腾讯公益", "水滴公益", "中华慈善总会"],
    ),
    Case(
        "market_lottery_games",
        "http://www.lushan.gov.cn/zwgk/xxgknb/202401/t20240126_32.html",
        MARKET_HTML,
        MARKET,
    ),
]

KEYWORD_LINKS = links(
    [
        ("http://www.zhuanqian-app.com/", "手机做任务日赚三百"),
        ("http://www.qiangdan-wang.com/", "抢单返佣秒结算"),
        ("http://www.jianzhi-hao.com/", "宝妈在家兼职"),
        ("http://www.gaoyong-quan.com/", "高佣联盟内部券"),
    ]
)
EMINDENT = links(
    [("http://www.daikuan-kuai.net/", "大学生分期秒过"), ("http://www.fenqi-hao.net/", "零首付分期手机")]
)
INLINE0 = links(
    [("http://www.yangsheng-guan.com/", "上门推拿足疗"), ("http://www.anmo-dao.com/", "养生会所预约")]
)
SPAM += [
    Case(
        "visible_keyword_links_in_article",
        URL.format(host="qingya", n=31),
        zoom_page(W, WATER, f"<p>友情链接：{KEYWORD_LINKS}</p>"),
        WATER,
        ["手机做任务日赚三百", "抢单返佣秒结算", "宝妈在家兼职", "高佣联盟内部券"],
        record=True,
    ),
    Case(
        "left_minus_em",
        URL.format(host="qingya", n=32),
        zoom_page(W, WATER, f'<div style="position:absolute; left:-999em; top:0">{EMINDENT}</div>'),
        WATER,
        ["大学生分期秒过", "零首付分期手机"],
        record=True,
    ),
    Case(
        "inline_block_zero",
        URL.format(host="qingya", n=33),
        zoom_page(
            W, WATER, f'<span style="display:inline-block;width:0;height:0;overflow:hidden">{INLINE0}</span>'
        ),
        WATER,
        ["上门推拿足疗", "养生会所预约"],
        record=True,
    ),
]


# === More pages: a theme from a linked stylesheet, utility classes, tiny fonts =================

PARTY = [
    "一、总体情况",
    "2023年，赤岭县机关事务管理局全年主动公开政府信息64条，公务用车和办公用房信息按季度公开。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请1件，予以公开。",
    "三、存在的主要问题及改进情况",
    "公开形式较为单一，下一步将增加图表解读。",
]
# A red-themed page: the background comes from an external stylesheet, the white text from the page's own.
PARTY_HTML = f"""<html><head><meta charset="utf-8">
<title>赤岭县机关事务管理局2023年政府信息公开工作年度报告</title>
<link rel="stylesheet" href="/css/red.css"><style>.red-box p{{color:#ffffff;line-height:2}} .red-box
h1{{color:#fff}}</style></head>
<body><div class="red-box"><h1>赤岭县机关事务管理局2023年政府信息公开工作年度报告</h1><div
class="TRS_Editor">{paragraphs(PARTY)}</div></div></body></html>"""

STATS_TABLE = """<table border="1"><tr><td rowspan="2">本年新收政府信息公开申请数量</td><td
colspan="2">申请人情况</td></tr>
<tr><td>自然人</td><td>法人或其他组织</td></tr><tr><td>上年结转</td><td>3</td><td>1</td></tr>
<tr><td>本年新收</td><td>27</td><td>4</td></tr></table>"""
AUDIT = [
    "一、总体情况",
    "2023年，白沙区审计局全年主动公开政府信息58条，审计结果公告12份。",
    "三、收到和处理政府信息公开申请情况",
]
AUDIT_HTML = f"""<html><head><meta charset="utf-8"><title>白沙区审计局2023年政府信息公开工作年度报告</title>
</head>
<body><div
class="article-content">{paragraphs(AUDIT)}{STATS_TABLE}<p>四、政府信息公开行政复议、行政诉讼情况</p>
<p>全年未发生政府信息公开行政复议和行政诉讼。</p></div></body></html>"""

GENUINE += [
    Case(
        "red_theme_white_text",
        "http://www.chiling.gov.cn/zwgk/xxgknb/202401/t20240127_41.html",
        PARTY_HTML,
        PARTY,
    ),
    Case(
        "audit_stats_table",
        "http://www.baisha.gov.cn/zwgk/xxgknb/202401/t20240127_42.html",
        AUDIT_HTML,
        [*AUDIT, "本年新收", "27", "四、政府信息公开行政复议、行政诉讼情况"],
    ),
]

TINY = links(
    [("http://www.xiezi-lou.com/", "写字楼短租日付"), ("http://www.gongyu-zu.com/", "公寓月租押一付一")]
)
UTIL = links(
    [("http://www.chongwu-dian.com/", "布偶猫幼崽包健康"), ("http://www.gouliang-pi.com/", "猫粮狗粮批发价")]
)
SRONLY = links(
    [("http://www.zhengrong-yy.com/", "割双眼皮特价"), ("http://www.yachi-zhengji.com/", "隐形牙套分期")]
)
WHITEA = "".join(
    f'<a style="color:#fff" href="{h}">{t}</a>'
    for h, t in [
        ("http://www.jiaju-chang.com/", "实木家具厂直销"),
        ("http://www.cizhuan-pi.com/", "瓷砖尾货清仓"),
        ("http://www.chuanglian-ding.com/", "窗帘上门测量"),
    ]
)
SPAM += [
    Case(
        "tiny_font",
        URL.format(host="qingya", n=41),
        zoom_page(W, WATER, f'<p style="font-size:1px;line-height:1px">{TINY}</p>'),
        WATER,
        ["写字楼短租日付", "公寓月租押一付一"],
        record=True,
    ),
    Case(
        "utility_class_hidden",
        URL.format(host="qingya", n=42),
        zoom_page(W, WATER, f'<div class="hidden">{UTIL}</div>'),
        WATER,
        ["布偶猫幼崽包健康", "猫粮狗粮批发价"],
        record=True,
    ),
    Case(
        "sr_only_class",
        URL.format(host="qingya", n=43),
        zoom_page(W, WATER, f'<div class="sr-only">{SRONLY}</div>'),
        WATER,
        ["割双眼皮特价", "隐形牙套分期"],
        record=True,
    ),
    Case(
        "white_anchors_each",
        URL.format(host="qingya", n=44),
        zoom_page(W, WATER, f"<p>{WHITEA}</p>"),
        WATER,
        ["实木家具厂直销", "瓷砖尾货清仓", "窗帘上门测量"],
        record=True,
    ),
]

# === The held-out portal =====================================================================
HTML = "text/html; charset=utf-8"
COLUMN = "/xxgk/ndbg/"
ORDINARY_PATH = "/xxgk/ndbg/2024/0118/c3021a.html"
DOCX_STUB_PATH = "/xxgk/ndbg/2024/0122/c3022a.html"
DOCX_PATH = "/upload/files/2024/01/22/baogao_nongyenongcun_2023.docx"
PDF_STUB_PATH = "/xxgk/ndbg/2024/0126/c3023a.html"
PDF_PATH = "/upload/files/2024/01/26/yingji_2023_ndbg.pdf"
SPAM_PATH = "/xxgk/ndbg/2024/0129/c3024a.html"

ORDINARY_TITLE = "松原县市场监督管理局2023年政府信息公开工作年度报告"
DOCX_TITLE = "松原县农业农村局2023年政府信息公开工作年度报告"
PDF_TITLE = "松原县应急管理局2023年政府信息公开工作年度报告"
SPAM_TITLE = "松原县自然资源局2023年政府信息公开工作年度报告"

ORDINARY = [
    "一、总体情况",
    "2023年，松原县市场监督管理局全年主动公开政府信息412条，其中行政许可和行政处罚信息286条。",
    "查处销售假冒伪劣商品、虚假广告等案件57件，涉案网络直播带货案件4件。",
    "二、收到和处理政府信息公开申请情况",
    "全年新收政府信息公开申请16件，予以公开11件，部分公开3件，无法提供2件。",
    "三、政府信息公开行政复议、行政诉讼情况",
    "因政府信息公开被申请行政复议1件，结果维持。",
]
DOCX_TEXT = [
    "一、总体情况",
    "2023年，松原县农业农村局全年主动公开政府信息236条，重点公开强农惠农补贴、农产品质量安全抽检结果。",
    "二、主动公开政府信息情况",
    "全年发放农机购置补贴1268万元，补贴对象、机具和金额逐户公示。",
    "三、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请3件，均予以公开。",
    "四、存在的主要问题及改进情况",
    "部分乡镇公开栏更新不及时，下一步将纳入年度考核。",
]
PDF_TEXT = [
    "一、总体情况",
    "2023年，松原县应急管理局全年主动公开政府信息158条，涉及安全生产行政处罚和灾害预警。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请2件，均在法定期限内答复。",
    "三、存在的主要问题及改进情况",
    "预警信息公开渠道较为单一，下一步将增加短信和广播推送。",
]
SPAM_REPORT = [
    "一、总体情况",
    "2023年，松原县自然资源局全年主动公开政府信息301条，其中征地信息公开87条。",
    "二、收到和处理政府信息公开申请情况",
    "全年收到政府信息公开申请24件，予以公开17件，不予公开2件，无法提供5件。",
]
SPAM_WORDS = ["代写论文包过查重", "论文降重代发期刊", "原单包包支持验货"]


def shell(title: str, body: str) -> bytes:
    return (
        f'<html><head><meta charset="utf-8"><title>{title}_松原县人民政府</title></head><body>'
        '<div class="top"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div>'
        f'{body}<div class="foot">松原县人民政府办公室主办 吉ICP备07001234号</div></body></html>'
    ).encode()


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph(DOCX_TITLE)
    for line in DOCX_TEXT:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_pdf(title: str, lines: list[str], path: Path) -> None:
    """The demo's own one-page PDF writer (bench/make_stub_fixtures.py: STSong-Light, not embedded)."""
    spec = importlib.util.spec_from_file_location(
        "make_stub_fixtures", REPO / "bench" / "make_stub_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_pdf(types.SimpleNamespace(title=title, paragraphs=tuple(lines)), path)


def pdf_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.pdf"
        write_pdf(PDF_TITLE, PDF_TEXT, path)
        return path.read_bytes()


def site() -> dict[str, tuple[bytes, str]]:
    listing = "".join(
        f'<li><a href="{path}">{title}</a><span>{date}</span></li>'
        for path, title, date in [
            (SPAM_PATH, SPAM_TITLE, "2024-01-29"),
            (PDF_STUB_PATH, PDF_TITLE, "2024-01-26"),
            (DOCX_STUB_PATH, DOCX_TITLE, "2024-01-22"),
            (ORDINARY_PATH, ORDINARY_TITLE, "2024-01-18"),
        ]
    )
    docx_stub = (
        '<table width="960"><tr><td class="bt">' + DOCX_TITLE + "</td></tr>"
        '<tr><td class="xx">索引号：SY-NYJ-2024-0007 发布机构：松原县农业农村局 '
        "发布日期：2024-01-22</td></tr>"
        '<tr><td class="nr"><p>根据《中华人民共和国政府信息公开条例》规定，'
        "现将松原县农业农村局2023年政府信息公开工作年度报告予以公布。</p>"
        "<p>报告全文详见附件。</p>"
        f'<p>附件：<a href="{DOCX_PATH}">松原县农业农村局2023年政府信息公开工作年度报告.docx</a></p>'
        "</td></tr></table>"
    )
    pdf_stub = (
        f'<div class="detail"><h1>{PDF_TITLE}</h1>'
        '<div class="meta">发布机构：松原县应急管理局 成文日期：2024-01-25 发布日期：2024-01-26</div>'
        '<div id="zoom"><p>按照《中华人民共和国政府信息公开条例》要求，'
        "松原县应急管理局编制了2023年政府信息公开工作年度报告。</p>"
        "<p>报告全文请点击附件下载。</p></div>"
        f'<div class="fujian">相关附件：<a href="{PDF_PATH}">'
        "松原县应急管理局2023年政府信息公开工作年度报告.pdf</a></div></div>"
    )
    spam_links = (
        '<a href="http://www.lunwen-daixie.com/">代写论文包过查重</a> <a href="http://www.jiangchong-fa.com/">论文降重代发期刊</a>'
        ' <a href="http://www.gaofang-bao.com/">原单包包支持验货</a>'
    )
    spam_page = (
        f'<h1>{SPAM_TITLE}</h1><div class="TRS_Editor">{paragraphs(SPAM_REPORT)}'
        f'<div style="position:fixed;top:-800px">{spam_links}</div></div>'
    )
    return {
        "/": (shell("首页", '<a href="/xxgk/">信息公开</a> <a href="/bsfw/">办事服务</a>'), HTML),
        "/xxgk/": (
            shell("信息公开", f'<a href="{COLUMN}">政府信息公开年报</a> <a href="/xxgk/zc/">政策文件</a>'),
            HTML,
        ),
        COLUMN: (shell("政府信息公开年报", f'<ul class="list">{listing}</ul>'), HTML),
        ORDINARY_PATH: (
            shell(
                ORDINARY_TITLE,
                f'<h1>{ORDINARY_TITLE}</h1><div class="article-content">{paragraphs(ORDINARY)}</div>',
            ),
            HTML,
        ),
        DOCX_STUB_PATH: (shell(DOCX_TITLE, docx_stub), HTML),
        DOCX_PATH: (docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        PDF_STUB_PATH: (shell(PDF_TITLE, pdf_stub), HTML),
        PDF_PATH: (pdf_bytes(), "application/pdf"),
        SPAM_PATH: (shell(SPAM_TITLE, spam_page), HTML),
    }
