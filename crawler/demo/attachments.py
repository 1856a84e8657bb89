"""Annual reports of the demo county published as attachments (PDF, DOCX, DOC, WPS, XLS, XLSX).

Real 年报 columns link files as often as pages (DOMAIN.md §1–2), so the demo carries some: a PDF-only
township report, a DOCX-only department report with real Word tables, the county's 2023 report again
as a PDF (the same report as its HTML page), a scanned 图片版 PDF, a ``.doc``, a ``.wps``, two statistics
workbooks, and two broken files for error paths (a truncated PDF and an HTML page at a ``.pdf`` URL).

The reports' words and numbers live here; ``bench/make_attachment_fixtures.py`` rendered them once
into the files under ``files/`` (python-docx, LibreOffice, reportlab and Pillow, none of them needed at
run time), so :func:`attachment_fixtures` only reads bytes: identical on every call. Paths are ASCII
file names in the TRS style (``P0YYYYMMDD…``) under each body's report column.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from crawler.demo import reports, scans, stats
from crawler.demo.catalog import BODIES, REPORTS

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
OCTET = "application/octet-stream"  # how many portals serve .wps
XLS = "application/vnd.ms-excel"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The county report that is published twice, as its HTML page and as a PDF attachment.
TWIN_HTML_PATH = "/zwgk/xxgknb/202403/t20240320_24518.html"


@dataclass(frozen=True)
class AttachmentFixture:
    """One attachment the demo portal serves, with what its extraction must give.

    ``text`` is the report's paragraphs and headings joined by ``"\\n"`` (no title, no tables), as in
    :class:`~crawler.demo.model.ManifestReport`; it is empty for a scan. ``broken`` files exist for
    error paths only and belong in no manifest of reports. ``twin_of`` is the path of the HTML page
    carrying the same report, if any; ``grids`` maps table names to the rows a reader must find.
    """

    path: str
    body: bytes
    content_type: str
    title: str
    report_year: int
    body_name: str
    kind: str
    scanned: bool = False
    must_have: tuple[str, ...] = ()
    text: str = ""
    broken: bool = False
    twin_of: str | None = None
    tables: dict[str, list[list[str]]] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class DocumentSpec:
    """What a fixture file was rendered from: title, then ``(kind, text)`` parts in order.

    Part kinds: ``heading`` and ``para`` (their texts are the manifest text) and ``table`` (text names a
    key of ``tables``: rows of cell strings, the first ``header_rows[name]`` rows being the header).
    """

    key: str
    title: str
    parts: tuple[tuple[str, str], ...]
    tables: dict[str, list[list[str]]]
    header_rows: dict[str, int]

    @property
    def text(self) -> str:
        return "\n".join(text for kind, text in self.parts if kind != "table")


# ---------------------------------------------------------------- statistics tables


def table3(
    carried: list[int], outcomes: dict[str, list[int]], carry_forward: list[int]
) -> dict[str, list[int]]:
    """Table 3 rows (2021 form) keyed as :func:`crawler.demo.stats.table3_keys`, 总计 column appended.

    Outcomes not given are zeros; 一、本年新收 is derived so that 一+二 = （七）总计 + 四 per column.
    """
    keys = stats.outcome_keys("2021")
    rows = {key: list(outcomes.get(key, [0] * 6)) for key in keys}
    total = [sum(rows[key][i] for key in keys) for i in range(6)]
    new = [total[i] + carry_forward[i] - carried[i] for i in range(6)]
    ordered = {"new": new, "carried_over": carried, **rows, "total": total, "carry_forward": carry_forward}
    return {key: [*values, sum(values)] for key, values in ordered.items()}


def table3_grid(rows: dict[str, list[int]]) -> list[list[str]]:
    """Table 3 as a flat grid of label + seven numbers per data row (header rows first)."""
    grid = [
        ["", "申请人情况"],
        ["", "自然人", "法人或其他组织", "总计"],
        ["", *stats.TABLE3_COLUMNS],
    ]
    for key, values in rows.items():
        grid.append([stats.TABLE3_LABELS[key], *map(str, values)])
    return grid


def table4_grid(review: list[int], direct: list[int], after: list[int]) -> list[list[str]]:
    """Table 4: group header, column header, and the fifteen numbers in one row."""
    columns = list(stats.TABLE4_COLUMNS)
    return [
        ["行政复议", "行政诉讼"],
        ["", "未经复议直接起诉", "复议后起诉"],
        [*columns, *columns, *columns],
        [str(v) for v in (*review, *direct, *after)],
    ]


def table2_grid(values: dict[str, list[str]]) -> list[list[str]]:
    """Table 2 (2021 form): one row per item with its columns' values."""
    return [
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", *values["规章"]],
        ["行政规范性文件", *values["行政规范性文件"]],
        ["信息内容", "本年处理决定数量"],
        ["行政许可", *values["行政许可"]],
        ["行政处罚", *values["行政处罚"]],
        ["行政强制", *values["行政强制"]],
        ["信息内容", "本年收费金额（单位：万元）"],
        ["行政事业性收费", *values["行政事业性收费"]],
    ]


# ---------------------------------------------------------------- the reports' words and numbers

_SMZ_2022_T3 = table3(
    carried=[1, 0, 0, 0, 0, 0],
    outcomes={
        "granted": [4, 1, 0, 0, 0, 0],
        "partly_granted": [1, 0, 0, 0, 0, 0],
        "refused_4": [1, 0, 0, 0, 0, 0],
        "unable_1": [3, 0, 0, 0, 0, 1],
        "not_processed_1": [1, 0, 0, 0, 0, 0],
        "other_3": [1, 0, 0, 0, 0, 0],
    },
    carry_forward=[0, 0, 0, 0, 0, 0],
)
_SMZ_2022_T4 = ([1, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0])

SMZ_2022 = DocumentSpec(
    key="smz2022",
    title="青岚县石门镇人民政府2022年度政府信息公开工作年度报告",
    parts=(
        (
            "para",
            "本报告根据《中华人民共和国政府信息公开条例》第五十条规定，由石门镇党政综合办公室综合全镇"
            "政府信息公开工作情况编制而成。报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。"
            "本报告电子版可在青岚县人民政府门户网站石门镇信息公开专栏下载，如对本报告有疑问，"
            "请与石门镇党政综合办公室联系（地址：青岚县石门镇府前街8号）。",
        ),
        ("heading", "一、总体情况"),
        (
            "para",
            "2022年，石门镇党委、政府坚持把政务公开作为转变政府职能、建设服务型政府的重要抓手，"
            "围绕乡村振兴、农村人居环境整治、防汛抗旱和疫情防控等群众关心关注的事项，"
            "依托镇政务公开栏、村务公开栏和县政府门户网站石门镇专栏，及时公开政策文件和工作动态。",
        ),
        (
            "para",
            "（一）主动公开。全年主动公开政府信息286条，其中机构职能和领导信息12条，"
            "财政预决算及“三公”经费信息9条，惠农补贴发放信息64条，村级“三务”公开信息148条，"
            "防汛、应急和安全生产信息53条。各村公开栏按季度更新，做到应公开尽公开。",
        ),
        (
            "para",
            "（二）依申请公开。全年新收政府信息公开申请11件，上年结转1件，均在法定期限内办结，"
            "无结转下年度继续办理的申请。申请内容主要涉及宅基地审批、土地征收补偿和低保评定。",
        ),
        (
            "para",
            "（三）政府信息管理。落实政府信息公开保密审查制度，信息发布前经分管领导审核签字，"
            "全年未发生泄密事件。对镇政府制发的文件逐件标注公开属性，及时清理过时信息。",
        ),
        ("heading", "二、主动公开政府信息情况"),
        (
            "para",
            "本年度石门镇无制发规章和行政规范性文件，作出行政许可决定37件、行政处罚决定5件，"
            "无行政强制决定，未收取行政事业性收费。",
        ),
        ("table", "table2"),
        ("heading", "三、收到和处理政府信息公开申请情况"),
        ("table", "table3"),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", "table4"),
        ("heading", "五、存在的主要问题及改进情况"),
        (
            "para",
            "2022年，我镇政府信息公开工作取得一定进展，但仍存在以下不足：一是部分村公开栏更新不够及时，"
            "公开形式以张贴为主；二是政策解读较少，群众对惠农政策的知晓度有待提高；"
            "三是镇村两级信息公开工作人员均为兼职，业务能力参差不齐。",
        ),
        (
            "para",
            "2023年，我镇将着力做好以下工作：一是建立村级公开栏月度检查制度，确保按时更新；"
            "二是采用图解、短视频等方式开展惠农政策解读；三是每半年组织一次镇村信息公开业务培训。",
        ),
        ("heading", "六、其他需要报告的事项"),
        ("para", "本年度我镇未收取政府信息公开信息处理费，无其他需要报告的事项。"),
    ),
    tables={
        "table2": table2_grid(
            {
                "规章": ["0", "0", "0"],
                "行政规范性文件": ["0", "0", "0"],
                "行政许可": ["37"],
                "行政处罚": ["5"],
                "行政强制": ["0"],
                "行政事业性收费": ["0"],
            }
        ),
        "table3": table3_grid(_SMZ_2022_T3),
        "table4": table4_grid(*_SMZ_2022_T4),
    },
    header_rows={"table2": 1, "table3": 3, "table4": 3},
)

_JYJ_2023_T3 = table3(
    carried=[2, 0, 0, 0, 0, 0],
    outcomes={
        "granted": [9, 2, 0, 0, 1, 0],
        "partly_granted": [2, 0, 0, 0, 0, 0],
        "refused_5": [1, 0, 0, 0, 0, 0],
        "refused_6": [1, 0, 0, 0, 0, 0],
        "unable_1": [5, 1, 0, 0, 0, 0],
        "unable_2": [1, 0, 0, 0, 0, 0],
        "not_processed_2": [1, 0, 0, 0, 0, 0],
        "other_1": [1, 0, 0, 0, 0, 0],
    },
    carry_forward=[1, 0, 0, 0, 0, 0],
)
_JYJ_2023_T4 = ([2, 1, 0, 0, 3], [1, 0, 0, 0, 1], [0, 0, 0, 0, 0])

JYJ_2023 = DocumentSpec(
    key="jyj2023",
    title="青岚县教育局2023年度政府信息公开工作年度报告",
    parts=(
        (
            "para",
            "根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发"
            "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求，青岚县教育局编制本报告。"
            "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
        ),
        ("heading", "一、总体情况"),
        (
            "para",
            "2023年，我局围绕义务教育优质均衡发展、学前教育普及普惠和教育领域群众关切，"
            "持续深化教育政务公开，全年主动公开政府信息1374条，发布招生入学、学生资助、"
            "教师招聘等重点领域信息412条，发布政策解读27篇。",
        ),
        (
            "para",
            "全年新收政府信息公开申请24件，上年结转2件，办结25件，结转下年度继续办理1件。"
            "申请事项主要涉及中小学招生划片、教师职称评审和校外培训机构监管。",
        ),
        (
            "para",
            "完善教育系统政务公开工作机制，明确各学校政务公开联络员，将政务公开工作纳入学校年度考核，"
            "全年组织业务培训2期。",
        ),
        ("heading", "二、主动公开政府信息情况"),
        ("table", "table2"),
        ("heading", "三、收到和处理政府信息公开申请情况"),
        ("table", "table3"),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", "table4"),
        ("heading", "五、存在的主要问题及改进情况"),
        (
            "para",
            "一是部分学校信息公开栏目内容更新不及时；二是招生入学政策解读的针对性不强，"
            "家长咨询量较大；三是依申请公开答复文书的规范性有待提高。"
            "下一步，我局将建立学校公开内容季度通报制度，在招生季前集中发布政策问答，"
            "并统一依申请公开答复文书模板。",
        ),
        ("heading", "六、其他需要报告的事项"),
        ("para", "本年度我局未收取政府信息公开信息处理费。无其他需要报告的事项。"),
    ),
    tables={
        "table2": table2_grid(
            {
                "规章": ["0", "0", "0"],
                "行政规范性文件": ["2", "1", "14"],
                "行政许可": ["86"],
                "行政处罚": ["3"],
                "行政强制": ["0"],
                "行政事业性收费": ["0"],
            }
        ),
        "table3": table3_grid(_JYJ_2023_T3),
        "table4": table4_grid(*_JYJ_2023_T4),
    },
    header_rows={"table2": 1, "table3": 3, "table4": 3},
)

_JYJ_2021_T3 = table3(
    carried=[0, 0, 0, 0, 0, 0],
    outcomes={
        "granted": [6, 1, 0, 0, 0, 0],
        "partly_granted": [1, 0, 0, 0, 0, 0],
        "unable_1": [3, 0, 0, 0, 0, 0],
        "not_processed_1": [1, 0, 0, 0, 0, 0],
    },
    carry_forward=[0, 0, 0, 0, 0, 0],
)
_JYJ_2021_T4 = ([0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0])

JYJ_2021 = DocumentSpec(
    key="jyj2021",
    title="青岚县教育局2021年度政府信息公开工作年度报告",
    parts=(
        (
            "para",
            "本报告由青岚县教育局依据《中华人民共和国政府信息公开条例》要求编制，"
            "所列数据统计期限为2021年1月1日至2021年12月31日。",
        ),
        ("heading", "一、总体情况"),
        (
            "para",
            "2021年，我局全年主动公开政府信息1108条，重点公开“双减”政策落实、课后服务、"
            "学生资助和校园安全等信息，及时回应家长关切。全年新收政府信息公开申请12件，全部按期办结。",
        ),
        ("heading", "二、主动公开政府信息情况"),
        ("para", "本年度制发行政规范性文件1件，作出行政许可决定71件、行政处罚决定2件。"),
        ("heading", "三、收到和处理政府信息公开申请情况"),
        ("table", "table3"),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", "table4"),
        ("heading", "五、存在的主要问题及改进情况"),
        (
            "para",
            "主要问题是学校层面公开工作发展不平衡，部分农村学校公开意识不强。"
            "2022年我局将把学校信息公开纳入督导评估内容，推动校务公开常态化。",
        ),
        ("heading", "六、其他需要报告的事项"),
        ("para", "本年度无其他需要报告的事项。"),
    ),
    tables={"table3": table3_grid(_JYJ_2021_T3), "table4": table4_grid(*_JYJ_2021_T4)},
    header_rows={"table3": 3, "table4": 3},
)

_SMZ_2023_T3 = table3(
    carried=[0, 0, 0, 0, 0, 0],
    outcomes={"granted": [3, 0, 0, 0, 0, 0], "unable_1": [2, 0, 0, 0, 0, 0]},
    carry_forward=[0, 0, 0, 0, 0, 0],
)

SMZ_2023 = DocumentSpec(
    key="smz2023",
    title="石门镇2023年政府信息公开工作年度报告",
    parts=(
        ("para", "现将石门镇2023年政府信息公开工作情况报告如下。"),
        ("heading", "一、总体情况"),
        (
            "para",
            "2023年，我镇全年主动公开政府信息301条，新收政府信息公开申请5件，均按期答复。"
            "全镇12个行政村村务公开栏全部完成标准化改造。",
        ),
        ("heading", "三、收到和处理政府信息公开申请情况"),
        ("table", "table3"),
        ("heading", "五、存在的主要问题及改进情况"),
        ("para", "村级公开内容的规范性仍需提升。2024年我镇将统一村务公开目录，逐村开展指导。"),
        ("heading", "六、其他需要报告的事项"),
        ("para", "无。"),
    ),
    tables={"table3": table3_grid(_SMZ_2023_T3)},
    header_rows={"table3": 3},
)

_CZJ_2022_T3 = table3(
    carried=[0, 0, 0, 0, 0, 0],
    outcomes={
        "granted": [3, 1, 0, 0, 0, 0],
        "partly_granted": [1, 0, 0, 0, 0, 0],
        "unable_1": [1, 0, 0, 0, 0, 0],
    },
    carry_forward=[0, 0, 0, 0, 0, 0],
)

# The scanned report (图片版): its pages are pictures of these words and tables (crawler.demo.scans).
CZJ_2022 = DocumentSpec(
    key="czj2022",
    title="青岚县财政局2022年度政府信息公开工作年度报告",
    parts=(
        (
            "para",
            "本报告根据《中华人民共和国政府信息公开条例》要求，由青岚县财政局编制。"
            "报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。",
        ),
        ("heading", "一、总体情况"),
        (
            "para",
            "2022年，我局全年主动公开政府信息632条，其中预决算信息118条，政府采购信息204条，"
            "惠民惠农财政补贴资金信息87条。预决算公开做到应公开尽公开，按时在门户网站专栏集中发布。",
        ),
        ("heading", "二、主动公开政府信息情况"),
        ("para", "本年度我局未制发规章，制发行政规范性文件3件，作出行政处罚决定2件。"),
        ("table", "table2"),
        ("heading", "三、收到和处理政府信息公开申请情况"),
        ("para", "全年新收政府信息公开申请6件，均已按期办结。"),
        ("table", "table3"),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", "table4"),
        ("heading", "五、存在的主要问题及改进情况"),
        ("para", "财政专项资金分配结果的公开还不够及时。2023年我局将建立专项资金信息公开台账，逐项跟踪。"),
        ("heading", "六、其他需要报告的事项"),
        ("para", "本年度未收取信息处理费。"),
    ),
    tables={
        "table2": table2_grid(
            {
                "规章": ["0", "0", "0"],
                "行政规范性文件": ["3", "1", "26"],
                "行政许可": ["0"],
                "行政处罚": ["2"],
                "行政强制": ["0"],
                "行政事业性收费": ["0"],
            }
        ),
        "table3": table3_grid(_CZJ_2022_T3),
        "table4": table4_grid([0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]),
    },
    header_rows={"table2": 1, "table3": 3, "table4": 3},
)


SPECS = {spec.key: spec for spec in (SMZ_2022, JYJ_2023, JYJ_2021, SMZ_2023)}


# ---------------------------------------------------------------- the county report published twice


@cache
def county_2023() -> reports.Built:
    """The county's 2023 report exactly as :func:`crawler.demo.site.build_site` builds it.

    Repeats the site's carry-forward chain (上年结转 from the year before) without building the site,
    so the site may list these fixtures without an import cycle; a test checks both agree.
    """
    carried: list[int] | None = None
    last_year = None
    for spec in sorted((s for s in REPORTS if s.body == "county"), key=lambda s: s.year):
        rng = random.Random(f"qinglan-{spec.body}-{spec.year}")
        built = reports.build_report(spec, rng, carried if last_year == spec.year - 1 else None, serial=0)
        if spec.path == TWIN_HTML_PATH:
            return built
        if spec.template != "2008":
            carried, last_year = stats.carry_forward_of(built.tables["table3"]), spec.year
    raise LookupError(f"no county report at {TWIN_HTML_PATH}")


def county_2023_spec() -> DocumentSpec:
    """The twin as a document: the HTML page's blocks, its tables as grids."""
    built = county_2023()
    t3 = built.tables["table3"]["rows"]
    t4 = built.tables["table4"]
    t2 = built.tables["table2"]
    parts = tuple(
        ("table", b.text) if b.kind == "table" else ("heading" if b.kind == "heading" else "para", b.full)
        for b in built.blocks
    )
    table2 = table2_grid({row: [_fmt(v) for v in t2[row].values()] for row in t2})
    return DocumentSpec(
        key="county2023",
        title=built.spec.title,
        parts=parts,
        tables={
            "table2": table2,
            "table3": table3_grid(t3),
            "table4": table4_grid(t4["review"], t4["litigation_direct"], t4["litigation_after_review"]),
        },
        header_rows={"table2": 1, "table3": 3, "table4": 3},
    )


def _fmt(value: int | float) -> str:
    return "0" if value == 0 else (f"{value:.2f}" if isinstance(value, float) else str(value))


# ---------------------------------------------------------------- the fixtures


@dataclass(frozen=True)
class _File:
    name: str  # under files/
    path: str
    content_type: str
    spec: str | None  # key of SPECS, "county2023", or None
    body_key: str
    report_year: int
    kind: str
    title: str
    scanned: bool = False


_FILES = (
    _File(
        "smz2022.pdf",
        "/zwgk/xz/smz/xxgknb/202302/P020230214356781204513.pdf",
        PDF,
        "smz2022",
        "smz",
        2022,
        "pdf",
        SMZ_2022.title,
    ),
    _File(
        "jyj2023.docx",
        "/zwgk/bm/jyj/xxgknb/202401/P020240119503817262045.docx",
        DOCX,
        "jyj2023",
        "jyj",
        2023,
        "docx",
        JYJ_2023.title,
    ),
    _File(
        "county2023.pdf",
        "/zwgk/xxgknb/202403/P020240320385126470193.pdf",
        PDF,
        "county2023",
        "county",
        2023,
        "pdf",
        "青岚县人民政府2023年度政府信息公开工作年度报告",
    ),
    _File(
        "czj2022_scan.pdf",
        "/zwgk/bm/czj/xxgknb/202302/P020230227601935718420.pdf",
        PDF,
        "czj2022",
        "czj",
        2022,
        "pdf",
        "青岚县财政局2022年度政府信息公开工作年度报告（图片版）",
        scanned=True,
    ),
    _File(
        "jyj2021.doc",
        "/zwgk/bm/jyj/xxgknb/202201/P020220124318806527391.doc",
        DOC,
        "jyj2021",
        "jyj",
        2021,
        "doc",
        JYJ_2021.title,
    ),
    _File(
        "smz2023.wps",
        "/zwgk/xz/smz/xxgknb/202402/P020240205772610384957.wps",
        OCTET,
        "smz2023",
        "smz",
        2023,
        "wps",
        SMZ_2023.title,
    ),
    _File(
        "smz2022_tables.xlsx",
        "/zwgk/xz/smz/xxgknb/202302/P020230214356781204514.xlsx",
        XLSX,
        None,
        "smz",
        2022,
        "xlsx",
        "石门镇2022年政府信息公开工作年度报告附表",
    ),
    _File(
        "jyj2021_tables.xls",
        "/zwgk/bm/jyj/xxgknb/202201/P020220124318806527392.xls",
        XLS,
        None,
        "jyj",
        2021,
        "xls",
        "青岚县教育局2021年度政府信息公开工作年度报告附表",
    ),
)

# Workbooks hold the statistics tables of these reports.
WORKBOOK_TABLES = {"smz2022_tables.xlsx": "smz2022", "jyj2021_tables.xls": "jyj2021"}

BROKEN_TRUNCATED_PATH = "/zwgk/xxgknb/202403/P020240320385126470194.pdf"
BROKEN_HTML_PATH = "/zwgk/xxgknb/202303/P020230310384512345678.pdf"
# What a portal answers for a deleted attachment: its 404 page, with a 200 status and a PDF type.
_NOT_FOUND_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>页面不存在_青岚县人民政府</title></head>
<body><div class="error"><h1>抱歉，您访问的页面不存在或已被删除</h1>
<p><a href="/">返回首页</a></p></div></body></html>
"""


def read_file(name: str) -> bytes:
    """Bytes of a committed fixture file under ``crawler/demo/files/``."""
    return resources.files("crawler.demo").joinpath("files", name).read_bytes()


def _spec(key: str) -> DocumentSpec:
    if key == "czj2022":
        return CZJ_2022
    return county_2023_spec() if key == "county2023" else SPECS[key]


# The demo's scans: drawn at this resolution with a scanner's skew and speckles when first served.
SCAN_DPI = 200


@cache
def scanned_pdf(key: str, dpi: int = SCAN_DPI) -> bytes:
    """A report drawn as a scan (crawler.demo.scans) and served as an image-only PDF."""
    spec = _spec(key)
    pages = scans.render_pages(spec.title, spec.parts, spec.tables, dpi, scans.Spoil(), seed=key)
    return scans.image_pdf(pages, dpi)


def _fixture(file: _File) -> AttachmentFixture:
    body = BODIES[file.body_key]
    spec = _spec(file.spec) if file.spec else None
    workbook = _spec(WORKBOOK_TABLES[file.name]) if file.name in WORKBOOK_TABLES else None
    source = spec or workbook
    text = spec.text if spec else ""
    tables = source.tables if source else {}
    return AttachmentFixture(
        path=file.path,
        body=scanned_pdf(file.spec) if file.scanned and file.spec else read_file(file.name),
        content_type=file.content_type,
        title=file.title,
        report_year=file.report_year,
        body_name=body.name,
        kind=file.kind,
        scanned=file.scanned,
        must_have=_must_have(spec, workbook),
        text=text,
        twin_of=TWIN_HTML_PATH if file.spec == "county2023" else None,
        tables=tables,
    )


def _must_have(spec: DocumentSpec | None, workbook: DocumentSpec | None) -> tuple[str, ...]:
    """First and last heading, the longest paragraph's middle, and a table-3 label (for workbooks)."""
    if workbook is not None:
        return (stats.TABLE3_LABELS["new"], stats.TABLE3_LABELS["carry_forward"])
    if spec is None:
        return ()
    headings = [text for kind, text in spec.parts if kind == "heading"]
    paras = [text for kind, text in spec.parts if kind == "para"]
    longest = max(paras, key=len)
    middle = longest[len(longest) // 2 : len(longest) // 2 + 14]
    return (headings[0], middle, headings[-1])


def _broken() -> list[AttachmentFixture]:
    county = BODIES["county"].name
    twin = read_file("county2023.pdf")
    return [
        AttachmentFixture(
            path=BROKEN_TRUNCATED_PATH,
            body=twin[: len(twin) * 3 // 5],
            content_type=PDF,
            title="青岚县人民政府2023年度政府信息公开工作年度报告（截断）",
            report_year=2023,
            body_name=county,
            kind="pdf",
            broken=True,
        ),
        AttachmentFixture(
            path=BROKEN_HTML_PATH,
            body=_NOT_FOUND_PAGE.encode("utf-8"),
            content_type=PDF,
            title="青岚县人民政府2022年度政府信息公开工作年度报告",
            report_year=2023,
            body_name=county,
            kind="pdf",
            broken=True,
        ),
    ]


def attachment_fixtures() -> list[AttachmentFixture]:
    """Every attachment of the demo, the broken two last (``broken=True``: keep them out of manifests)."""
    return [*(_fixture(f) for f in _FILES), *_broken()]


__all__ = [
    "AttachmentFixture",
    "DocumentSpec",
    "attachment_fixtures",
    "county_2023",
    "county_2023_spec",
    "read_file",
]
