"""Prose of the demo annual reports, written for this fictional county in the genre of the real ones.

Each report is a list of :class:`Block` items: headings and paragraphs (whose joined text is the
manifest's clean ``text``) and table slots where the page puts a statistics table. Wording is drawn
from small pools with a per-report RNG so reports differ from year to year the way real ones do,
while the numbers quoted in the prose are the very numbers of the report's tables.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from crawler.demo.stats import ANSWER_LABELS, CHANNEL_LABELS, OldStats

SITE_LABEL = "青岚县人民政府门户网站"


@dataclass(frozen=True)
class Block:
    """A heading, a paragraph or a table slot.

    ``lead`` is a paragraph's run-in heading such as ``（一）主动公开。``, set in another font on the page.
    """

    kind: str  # "heading" | "para" | "table"
    text: str = ""
    lead: str = ""

    @property
    def full(self) -> str:
        return self.lead + self.text


@dataclass(frozen=True)
class Facts:
    """Who reports on which year, and the headline numbers the prose quotes."""

    body: str  # 青岚县人民政府
    we: str  # 我县 / 我局 / 我镇
    office: str  # the office that compiles the report
    level: str  # 县 | 部门 | 乡
    year: int
    active: int  # 主动公开政府信息 N 条
    numbering: str = "、"  # heading separator; one township uses "．"


def heading(text: str) -> Block:
    return Block("heading", text)


def para(text: str, lead: str = "") -> Block:
    return Block("para", text, lead)


def table(name: str) -> Block:
    return Block("table", name)


def clean_text(blocks: list[Block]) -> str:
    """The manifest text: headings and paragraphs, one per line, tables left out."""
    return "\n".join(b.full for b in blocks if b.kind != "table")


# ---------------------------------------------------------------- 2019 / 2021 templates

_FOCUS = {
    2019: "贯彻落实新修订的《中华人民共和国政府信息公开条例》",
    2020: "统筹疫情防控和经济社会发展",
    2021: "“十四五”开局和巩固拓展脱贫攻坚成果同乡村振兴有效衔接",
    2022: "稳经济、促发展、保民生",
    2023: "优化营商环境和重点领域信息公开",
    2024: "基层政务公开标准化规范化建设",
}

_INTROS = (
    "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和政府信息公开工作年度报告格式要求，"
    "由{office}在汇总{year}年度政府信息公开工作情况的基础上编制。报告包括总体情况、主动公开政府信息情况、"
    "收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、"
    "其他需要报告的事项六个部分。报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。"
    "本报告电子版可在{site}政务公开栏目查阅，如对报告内容有疑问，请与{office}联系。",
    "根据《中华人民共和国政府信息公开条例》第五十条规定，现向社会公布{body}{year}年度政府信息公开工作年度报告。"
    "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
    "存在的主要问题及改进情况、其他需要报告的事项等部分组成，所列数据统计时限自{year}年1月1日起至{year}年12月31日止。",
)

_MANAGEMENT = (
    "严格落实信息发布“三审三校”制度，信息公开前由承办科室初审、分管负责同志复审、主要负责同志终审，"
    "全年未发生泄密和不当公开事件。对本机关制发的文件逐件明确公开属性，动态调整主动公开基本目录。",
    "建立政府信息公开属性源头认定机制，公文拟稿时同步确定“主动公开”“依申请公开”或“不予公开”属性。"
    "开展现行有效规范性文件清理，对失效、废止文件及时标注并在网站集中公布。",
    "健全信息发布保密审查和合法性审查衔接机制，坚持“先审查、后公开”和“一事一审”原则，"
    "定期对已公开信息开展回头看，发现错别字、过期链接等问题即时整改。",
)

_PLATFORM = (
    "发挥政府门户网站第一平台作用，优化政府信息公开专栏栏目设置，新增政策问答和办事指引板块。"
    "县政务服务中心设置政府信息查阅点，为群众提供现场查询服务。",
    "推进政务新媒体规范化管理，整合关停更新缓慢的账号，保留的政务公众号均明确专人维护，"
    "形成门户网站、政务新媒体、公开栏“一网多端”协同发布格局。",
    "完成门户网站集约化迁移和适老化、无障碍改造，网站搜索功能实现政策文件全文检索，"
    "群众查找政府信息更加便捷。",
)

_SUPERVISION = (
    "将政务公开工作纳入年度目标责任考核，组织业务培训{n}期，邀请人大代表、政协委员和群众代表参与政务公开评议，"
    "对检查发现的问题建立台账、限期整改。",
    "健全政务公开工作领导小组，调整充实工作人员，按季度开展网站和新媒体内容检查，"
    "全年下发整改通知{n}份，推动各责任单位落实信息更新职责。",
)

_PROBLEMS = (
    "一是部分领域信息公开的及时性有待提高，个别栏目更新不够及时；二是政策解读形式较为单一，"
    "图解、视频等群众喜闻乐见的形式运用不多；三是基层工作人员业务能力参差不齐。",
    "一是依申请公开答复的规范化程度仍需提升，个别答复告知书说理不够充分；"
    "二是主动公开内容与群众关注点的契合度不够高；三是政务公开工作人员变动较频繁，队伍稳定性不足。",
    "一是重点领域信息公开的深度不够，部分信息仅公开结果、未公开过程；二是政务公开与政务服务融合不够紧密；"
    "三是对乡镇和部门的业务指导培训有待加强。",
)

_IMPROVEMENTS = (
    "下一步，{we}将从以下方面加以改进：一是完善信息发布协调机制，明确栏目责任人和更新时限；"
    "二是丰富政策解读方式，提高解读的针对性和可读性；三是加大培训力度，提升工作人员业务水平。",
    "针对上述问题，{we}将重点做好以下工作：一是规范依申请公开办理流程，统一答复文书格式；"
    "二是围绕群众关切拓展公开内容，及时回应社会关注热点；三是建立政务公开人员备案制度，保持队伍相对稳定。",
    "下一步，{we}将持续抓好整改：一是推动重点领域信息全过程公开；二是依托政务服务中心设置政务公开专区，"
    "推进公开与服务深度融合；三是定期组织业务培训和交流，提升整体工作水平。",
)


def _overall(
    rng: random.Random, f: Facts, t3_new: int, t3_carried: int, t3_total: int, t3_cf: int
) -> list[Block]:
    focus = _FOCUS.get(f.year, "深化政务公开")
    parts = [
        para(
            f"{f.year}年，{f.we}坚持以公开为常态、不公开为例外，围绕{focus}，扎实推进决策、执行、管理、服务、结果公开，"
            "政府信息公开工作的规范化、标准化水平进一步提高。"
        ),
        para(
            f"全年主动公开政府信息{f.active}条，其中政策文件{max(1, f.active // 40)}条，"
            f"发布政策解读{max(1, f.active // 90)}篇。"
            "围绕财政预决算、重大建设项目、公共资源配置、社会救助等重点领域，"
            "及时发布相关信息，保障群众知情权、参与权和监督权。",
            lead="（一）主动公开。",
        ),
        para(
            f"全年新收政府信息公开申请{t3_new}件，上年结转{t3_carried}件，办结{t3_total}件，"
            f"结转下年度继续办理{t3_cf}件。严格按照《条例》规定的程序和时限办理，做到件件有登记、件件有答复。",
            lead="（二）依申请公开。",
        ),
        para(rng.choice(_MANAGEMENT), lead="（三）政府信息管理。"),
    ]
    if f.level == "县":
        parts.append(para(rng.choice(_PLATFORM), lead="（四）平台建设。"))
        parts.append(para(rng.choice(_SUPERVISION).format(n=rng.randint(2, 6)), lead="（五）监督保障。"))
    return parts


def _others(rng: random.Random, f: Facts, template: str) -> list[Block]:
    if template == "2019":
        return [para(rng.choice(("无其他需要报告的事项。", f"本年度{f.we}无其他需要报告的事项。")))]
    fee = para(f"本年度{f.we}未收取政府信息公开信息处理费。", lead="（一）信息处理费收取情况。")
    if f.level != "县":
        return [fee]
    suggestions, proposals = rng.randint(40, 90), rng.randint(50, 110)
    return [
        fee,
        para(
            f"全年承办人大代表建议{suggestions}件、政协提案{proposals}件，均已按期办结，"
            "答复全文在门户网站建议提案办理专栏公开。",
            lead="（二）人大代表建议和政协提案办理结果公开情况。",
        ),
        para("本年度无其他需要报告的事项。", lead="（三）其他事项。"),
    ]


def new_template_blocks(
    rng: random.Random, f: Facts, template: str, rows: dict[str, list[int]], *, section_intros: bool
) -> list[Block]:
    """Blocks of a 2019/2021-template report; ``rows`` is table 3 (for the quoted totals)."""
    sep = f.numbering
    fmt = {"office": f.office, "year": f.year, "site": SITE_LABEL, "body": f.body}
    blocks = [para(rng.choice(_INTROS).format(**fmt)), heading(f"一{sep}总体情况")]
    blocks += _overall(
        rng, f, rows["new"][6], rows["carried_over"][6], rows["total"][6], rows["carry_forward"][6]
    )
    blocks.append(heading(f"二{sep}主动公开政府信息情况"))
    if section_intros:
        blocks.append(para(f"{f.year}年度主动公开政府信息情况统计如下："))
    blocks += [table("table2"), heading(f"三{sep}收到和处理政府信息公开申请情况")]
    if section_intros:
        blocks.append(para(f"{f.year}年度收到和处理政府信息公开申请情况统计如下："))
    blocks += [table("table3"), heading(f"四{sep}政府信息公开行政复议、行政诉讼情况"), table("table4")]
    blocks += [
        heading(f"五{sep}存在的主要问题及改进情况"),
        para(f"{f.year}年，{f.we}政府信息公开工作取得了一定成效，但也存在一些不足：" + rng.choice(_PROBLEMS)),
        para(rng.choice(_IMPROVEMENTS).format(we=f.we)),
        heading(f"六{sep}其他需要报告的事项"),
        *_others(rng, f, template),
    ]
    return blocks


# ---------------------------------------------------------------- 2008 template (free form)

_OVERVIEW = (
    "{year}年，{we}按照上级关于政府信息公开工作的部署，把政府信息公开作为建设法治政府、服务型政府的重要抓手，"
    "健全工作机构，完善配套制度，拓宽公开渠道，政府信息公开工作运行平稳有序。",
    "{year}年，在县委、县政府的领导下，{we}认真贯彻《条例》，以群众关心关注的事项为重点，"
    "坚持依法公开、真实公开、注重实效，不断提高政府工作透明度，较好地保障了人民群众的知情权和监督权。",
    "{year}年，{we}围绕县政府中心工作，把政府信息公开与政务服务、效能建设结合起来，"
    "逐步形成了主要领导负总责、分管领导具体抓、办公室牵头协调、各单位分工负责的工作格局。",
)

_OVERVIEW_2 = (
    "调整充实了县政府信息公开工作领导小组，领导小组办公室设在县政府办公室，配备专职工作人员{staff}名，"
    "各乡镇、县直各部门均明确了分管领导和信息员，全县共有兼职信息公开工作人员{part}名。",
    "修订完善了主动公开、依申请公开、保密审查、考核评议和责任追究等工作制度，"
    "对政府信息公开指南和目录进行了全面梳理更新，工作的制度化水平进一步提高。",
)


def _channels(year: int) -> str:
    channels = ["县政府门户网站", "政府信息公开目录系统", "县档案馆和图书馆查阅点", "政务公开栏"]
    if year >= 2011:
        channels.insert(1, "政务微博")
    if year >= 2014:
        channels.insert(2, "政务微信公众号")
    if year >= 2017:
        channels.append("新闻发布会")
    return "、".join(channels)


def _requests_text(s: OldStats) -> str:
    received = s.num("收到申请数")
    if received == 0:
        return "全年未收到公民、法人或其他组织提出的政府信息公开申请。"
    face, fax, web, mail = (s.num(label) for label in CHANNEL_LABELS)
    granted, partly, refused, other = (s.num(label) for label in ANSWER_LABELS)
    return (
        f"全年共收到政府信息公开申请{received}件，其中当面申请{face}件、网络申请{web}件、信函申请{mail}件、"
        f"传真申请{fax}件。所有申请均在规定时限内作出答复，其中同意公开{granted}件，同意部分公开{partly}件，"
        f"不同意公开{refused}件，因信息不存在或不属于本机关公开范围等作其他答复{other}件。"
    )


def stated_figures(s: OldStats) -> dict[str, int | float]:
    """The figures :func:`old_template_blocks` states in its sentences, by indicator label: 主动公开 and
    its 规范性文件, the requests (with channels and answers when there are any), 复议, 诉讼 and fees (the
    "未…" sentences state zeros)."""
    labels = ["主动公开政府信息数", "其中：主动公开规范性文件数", "收到申请数"]
    if s.num("收到申请数"):
        labels += [*CHANNEL_LABELS, *ANSWER_LABELS]
    labels += ["行政复议数量", "行政诉讼数量", "依申请公开信息收取的费用"]
    return {label: s[label] for label in labels}


def _appeals_text(s: OldStats) -> str:
    review, suit = s.num("行政复议数量"), s.num("行政诉讼数量")
    if review == 0 and suit == 0:
        return "全年未发生因政府信息公开申请引起的行政复议和行政诉讼。"
    return (
        f"全年因政府信息公开申请提起行政复议{review}件、行政诉讼{suit}件，"
        "均已依法办理，未发现行政机关存在违法公开或不当答复的情形。"
    )


_OLD_PROBLEMS = (
    "政府信息公开工作虽然取得了一定成效，但仍存在一些问题：部分单位对信息公开工作重视不够，信息报送不及时；"
    "公开内容不够全面，对群众关心的热点问题公开深度不够；工作人员业务水平有待进一步提高。",
    "对照《条例》要求，我县政府信息公开工作还存在一些差距：一是个别单位主动公开意识不强，公开内容以工作动态为主；"
    "二是网站部分栏目更新较慢；三是依申请公开工作经验不足，答复的规范性有待提升。",
)

_OLD_MEASURES = (
    "下一步，我县将重点抓好以下工作：进一步加强组织领导，落实工作责任；进一步规范公开内容，"
    "重点做好财政资金、重大项目、征地拆迁等领域信息的公开；加强业务培训和督促检查，推动政府信息公开工作再上新台阶。",
    "针对存在的问题，我县将采取以下措施加以改进：完善考核评议机制，把信息公开工作纳入年度目标考核；"
    "加强门户网站建设，提高信息更新频率；组织开展业务培训，提高工作人员的业务素质和依法办理能力。",
)


def old_template_blocks(rng: random.Random, f: Facts, s: OldStats, *, with_table: bool) -> list[Block]:
    """Blocks of a free-form 2008-2018 report; its numbers match the indicator table ``s``."""
    y, we = f.year, f.we
    first = "一、概述" if y < 2015 else "一、基本情况"
    sixth = "六、存在的主要问题及改进措施" if y % 2 else "六、存在的不足及下一步工作打算"
    blocks = [
        para(
            f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，{f.office}编制了{f.body}{y}年度"
            "政府信息公开工作年度报告。全文包括概述，主动公开政府信息情况，依申请公开政府信息办理情况，"
            "政府信息公开的收费及减免情况，因政府信息公开申请行政复议、提起行政诉讼情况，存在的主要问题及改进措施，"
            f"其他需要报告的事项等部分。本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
        ),
        heading(first),
        para(rng.choice(_OVERVIEW).format(year=y, we=we)),
        para(
            rng.choice(_OVERVIEW_2).format(
                staff=s.num("政府信息公开专职人员数"), part=s.num("政府信息公开兼职人员数")
            )
        ),
        heading("二、主动公开政府信息情况"),
        para(
            f"{y}年，全县通过各种渠道主动公开政府信息{f.active}条，其中规范性文件{s.num('其中：主动公开规范性文件数')}条。"
            "公开的内容主要包括机构职能、政策法规、规划计划、财政预算、行政审批、人事任免和重大项目建设等。"
        ),
        para(f"公开渠道主要有{_channels(y)}等，方便群众及时、便捷地获取政府信息。"),
        heading("三、依申请公开政府信息办理情况"),
        para(_requests_text(s)),
        heading("四、政府信息公开的收费及减免情况"),
        para("全年未因提供政府信息收取检索、复制、邮寄等任何费用，也未发生减免收费的情况。"),
        heading("五、因政府信息公开申请行政复议、提起行政诉讼情况"),
        para(_appeals_text(s)),
        heading(sixth),
        para(rng.choice(_OLD_PROBLEMS)),
        para(rng.choice(_OLD_MEASURES)),
        heading("七、其他需要报告的事项"),
        para(rng.choice(("无。", "本年度无其他需要报告的事项。"))),
    ]
    if with_table:
        blocks += [para(f"附表：{f.body}{y}年政府信息公开工作情况统计表"), table("indicators")]
    return blocks


# ---------------------------------------------------------------- spam text and key phrases

# Invented vocabulary, disjoint from the extractor's lexicon: the paragraph is caught by its links.
SPAM_SENTENCE = "星澜汇新服今晚开启，老朋友回归领取星辰礼盒，邀请好友再得琉璃宝箱。"
SPAM_PHRASE = "星辰礼盒"


def must_have_phrases(blocks: list[Block], active: int) -> tuple[str, ...]:
    """3-5 phrases a good extraction must keep: first/last heading, a quoted number, a mid-body slice."""
    headings = [b.text for b in blocks if b.kind == "heading"]
    paras = [b.full for b in blocks if b.kind == "para"]
    longest = max(paras[1:], key=len)
    middle = longest[len(longest) // 2 : len(longest) // 2 + 16]
    return (headings[0], f"主动公开政府信息{active}条", middle, headings[-1])
