"""Statistics of the demo reports, built bottom-up so the template's consistency rules hold.

The numbers are generated here, apart from their HTML (:mod:`crawler.demo.tables`), so the manifest
can carry exactly what the page shows. Structures stored in ``ManifestReport.tables``:

2019/2021 templates -- ``{"table2": ..., "table3": ..., "table4": ...}``

* ``table2``: ``{row label: {column label: value}}`` with the template's own labels. 2021 form rows
  规章, 行政规范性文件 (本年制发件数/本年废止件数/现行有效件数), 行政许可, 行政处罚, 行政强制
  (本年处理决定数量), 行政事业性收费 (本年收费金额（单位：万元）). 2019 form rows 规章, 规范性文件
  (本年新制作数量/本年新公开数量/对外公开总数量), 行政许可, 其他对外管理服务事项, 行政处罚, 行政强制
  (上一年项目数量/本年增/减/处理决定数量), 行政事业性收费 (上一年项目数量/本年增/减), 政府集中采购
  (采购项目数量/采购总金额). Money is a float in 万元; everything else an int (本年增/减 may be < 0).
* ``table3``: ``{"columns": [7 labels], "rows": {key: [7 ints]}}``; columns are 自然人, 商业企业,
  科研机构, 社会公益组织, 法律服务机构, 其他, 总计. Row keys, in page order: ``new`` (一、本年新收),
  ``carried_over`` (二、上年结转), ``granted`` (（一）予以公开), ``partly_granted`` (（二）部分公开),
  ``refused_1``..``refused_8`` (（三）不予公开 1-8), ``unable_1``..``unable_3`` (（四）无法提供 1-3),
  ``not_processed_1``..``not_processed_5`` (（五）不予处理 1-5), ``other`` (2019 form, （六）其他处理) or
  ``other_1``..``other_3`` (2021 form), ``total`` (（七）总计), ``carry_forward`` (四、结转下年度继续办理).
  :data:`TABLE3_LABELS` maps each key to its template label.
* ``table4``: ``{"columns": [结果维持, 结果纠正, 其他结果, 尚未审结, 总计], "review": [5 ints],
  "litigation_direct": [5 ints], "litigation_after_review": [5 ints]}``.

2008 template -- a flat ``{indicator label: value}`` of the 指标|单位|数量 table (see
:data:`INDICATOR_UNITS`), or ``{}`` when the report has no table.

Rules that hold by construction: per column new + carried_over = total + carry_forward; total = sum
of the outcome rows; the 总计 column = sum of the six applicant columns; in table 4 the first four
cells sum to 总计 in each group; carried_over of year Y = carry_forward of year Y-1 for every body whose
reports (pages or files) cover consecutive years, except the one deliberate break
(``ReportSpec.carry_break``); in 2008 tables the channels and the answers each sum to 收到申请数.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

APPLICANT_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
TABLE3_COLUMNS = (*APPLICANT_COLUMNS, "总计")
TABLE4_COLUMNS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

REFUSED_LABELS = (
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
)
UNABLE_LABELS = ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")
NOT_PROCESSED_LABELS = (
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
)
OTHER_LABELS_2021 = (
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
)

TABLE3_LABELS: dict[str, str] = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    **{f"refused_{i}": label for i, label in enumerate(REFUSED_LABELS, 1)},
    **{f"unable_{i}": label for i, label in enumerate(UNABLE_LABELS, 1)},
    **{f"not_processed_{i}": label for i, label in enumerate(NOT_PROCESSED_LABELS, 1)},
    "other": "（六）其他处理",
    **{f"other_{i}": label for i, label in enumerate(OTHER_LABELS_2021, 1)},
    "total": "（七）总计",
    "carry_forward": "四、结转下年度继续办理",
}

# Typical shares of outcomes in county-level practice (予以公开 and 不掌握 dominate).
_OUTCOME_WEIGHTS: dict[str, float] = {
    "granted": 40,
    "partly_granted": 9,
    "refused_1": 0.5,
    "refused_2": 1,
    "refused_3": 0.5,
    "refused_4": 4,
    "refused_5": 3,
    "refused_6": 3,
    "refused_7": 1,
    "refused_8": 2,
    "unable_1": 18,
    "unable_2": 3,
    "unable_3": 2,
    "not_processed_1": 3,
    "not_processed_2": 3,
    "not_processed_3": 1,
    "not_processed_4": 0.5,
    "not_processed_5": 1,
}
_OTHER_WEIGHTS_2019 = {"other": 4.0}
_OTHER_WEIGHTS_2021 = {"other_1": 2.0, "other_2": 0.5, "other_3": 2.0}
# Expected share of each applicant column relative to 自然人.
_COLUMN_SHARES = (1.0, 0.18, 0.01, 0.02, 0.06, 0.04)


def outcome_keys(template: str) -> list[str]:
    """Outcome row keys (（一）..（六）) of table 3 in page order for a template version."""
    other = _OTHER_WEIGHTS_2019 if template == "2019" else _OTHER_WEIGHTS_2021
    return [*_OUTCOME_WEIGHTS, *other]


def table3_keys(template: str) -> list[str]:
    """All row keys of table 3 in page order."""
    return ["new", "carried_over", *outcome_keys(template), "total", "carry_forward"]


def _poisson(rng: random.Random, mean: float) -> int:
    """Small Poisson draw (Knuth); stdlib has none and the means here are small."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    limit, k, p = 2.718281828459045**-mean, 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def make_table3(
    rng: random.Random, template: str, mean_natural: float, carried: list[int] | None = None
) -> dict[str, Any]:
    """Table 3 for one report; ``carried`` is last year's carry-forward per applicant column."""
    carried = list(carried) if carried is not None else [_poisson(rng, 0.4 * s) for s in _COLUMN_SHARES]
    keys = outcome_keys(template)
    weights = {**_OUTCOME_WEIGHTS, **(_OTHER_WEIGHTS_2019 if template == "2019" else _OTHER_WEIGHTS_2021)}
    columns: list[dict[str, int]] = []
    for share, carried_in in zip(_COLUMN_SHARES, carried, strict=True):
        new = _poisson(rng, mean_natural * share)
        available = new + carried_in
        carry_forward = min(available, _poisson(rng, 0.05 * available))
        handled = available - carry_forward
        counts = dict.fromkeys(keys, 0)
        for key in rng.choices(keys, [weights[k] for k in keys], k=handled):
            counts[key] += 1
        columns.append(
            {
                "new": new,
                "carried_over": carried_in,
                **counts,
                "total": handled,
                "carry_forward": carry_forward,
            }
        )
    rows = {key: [col[key] for col in columns] for key in table3_keys(template)}
    rows = {key: [*values, sum(values)] for key, values in rows.items()}
    return {"columns": list(TABLE3_COLUMNS), "rows": rows}


def refit_edges(
    table3: dict[str, Any], carried: list[int] | None = None, carry_forward: list[int] | None = None
) -> dict[str, Any]:
    """``table3`` with 二、上年结转 and/or 四、结转下年度 set per applicant column (to chain with a report
    that is fixed already, a file), 一、本年新收 refitted so that new + carried = total + carry_forward
    still holds; the outcomes, and so the random draws, stay as they were."""
    rows = {key: list(values[:6]) for key, values in table3["rows"].items()}
    if carried is not None:
        rows["carried_over"] = list(carried)
    if carry_forward is not None:
        rows["carry_forward"] = list(carry_forward)
    rows["new"] = [
        t + f - c for t, f, c in zip(rows["total"], rows["carry_forward"], rows["carried_over"], strict=True)
    ]
    if min(rows["new"]) < 0:
        raise ValueError(f"refitted table 3 receives fewer than no requests: {rows['new']}")
    return {
        "columns": table3["columns"],
        "rows": {key: [*values, sum(values)] for key, values in rows.items()},
    }


def carry_forward_of(table3: dict[str, Any]) -> list[int]:
    """The six applicant-column carry-forward numbers, to seed next year's 上年结转 row."""
    return list(table3["rows"]["carry_forward"][:6])


def _group(rng: random.Random, mean: float) -> list[int]:
    """维持/纠正/其他/尚未审结 plus their 总计 for one table-4 group."""
    parts = [
        _poisson(rng, mean),
        _poisson(rng, mean * 0.3),
        _poisson(rng, mean * 0.3),
        _poisson(rng, mean * 0.2),
    ]
    return [*parts, sum(parts)]


def make_table4(rng: random.Random, mean: float) -> dict[str, Any]:
    """Table 4 (复议/诉讼): three groups of five cells."""
    return {
        "columns": list(TABLE4_COLUMNS),
        "review": _group(rng, mean),
        "litigation_direct": _group(rng, mean * 0.5),
        "litigation_after_review": _group(rng, mean * 0.3),
    }


def _money(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 2)


def make_table2(rng: random.Random, template: str, scale: float) -> dict[str, dict[str, int | float]]:
    """Table 2 (主动公开) in the 2019 or 2021 form; ``scale`` 1.0 is a county government."""
    docs = _poisson(rng, 6 * scale)
    licences = _poisson(rng, 900 * scale)
    penalties = _poisson(rng, 260 * scale)
    coercion = _poisson(rng, 12 * scale)
    if template == "2021":
        return {
            "规章": {"本年制发件数": 0, "本年废止件数": 0, "现行有效件数": 0},
            "行政规范性文件": {
                "本年制发件数": docs,
                "本年废止件数": _poisson(rng, 2 * scale),
                "现行有效件数": docs + _poisson(rng, 40 * scale),
            },
            "行政许可": {"本年处理决定数量": licences},
            "行政处罚": {"本年处理决定数量": penalties},
            "行政强制": {"本年处理决定数量": coercion},
            "行政事业性收费": {"本年收费金额（单位：万元）": _money(rng, 50 * scale, 900 * scale)},
        }
    return {
        "规章": {"本年新制作数量": 0, "本年新公开数量": 0, "对外公开总数量": 0},
        "规范性文件": {
            "本年新制作数量": docs,
            "本年新公开数量": docs,
            "对外公开总数量": docs + _poisson(rng, 30),
        },
        "行政许可": _projects(_poisson(rng, 180 * scale), rng.randint(-6, 9), licences),
        "其他对外管理服务事项": _projects(
            _poisson(rng, 60 * scale), rng.randint(-3, 4), _poisson(rng, 300 * scale)
        ),
        "行政处罚": _projects(_poisson(rng, 1500 * scale), rng.randint(-20, 30), penalties),
        "行政强制": _projects(_poisson(rng, 40 * scale), rng.randint(-2, 3), coercion),
        "行政事业性收费": {"上一年项目数量": _poisson(rng, 30 * scale), "本年增/减": rng.randint(-4, 0)},
        "政府集中采购": {
            "采购项目数量": _poisson(rng, 80 * scale),
            "采购总金额": _money(rng, 800 * scale, 6000 * scale),
        },
    }


def _projects(previous: int, change: int, decisions: int) -> dict[str, int | float]:
    """2019-form row of items (五)/(六): 上一年项目数量, 本年增/减, 处理决定数量."""
    return {"上一年项目数量": previous, "本年增/减": change, "处理决定数量": decisions}


# 2008-template indicator table: label -> unit, in page order.
INDICATOR_UNITS: dict[str, str] = {
    "主动公开政府信息数": "条",
    "其中：主动公开规范性文件数": "条",
    "制发规范性文件总数": "件",
    "收到申请数": "件",
    "其中：当面申请数": "件",
    "传真申请数": "件",
    "网络申请数": "件",
    "信函申请数": "件",
    "对申请的答复数": "件",
    "其中：同意公开答复数": "件",
    "同意部分公开答复数": "件",
    "不同意公开答复数": "件",
    "其他答复数": "件",
    "行政复议数量": "件",
    "行政诉讼数量": "件",
    "举报投诉数量": "件",
    "依申请公开信息收取的费用": "万元",
    "政府信息公开专职人员数": "人",
    "政府信息公开兼职人员数": "人",
}
CHANNEL_LABELS = ("其中：当面申请数", "传真申请数", "网络申请数", "信函申请数")
ANSWER_LABELS = ("其中：同意公开答复数", "同意部分公开答复数", "不同意公开答复数", "其他答复数")


@dataclass(frozen=True)
class OldStats:
    """Numbers of a 2008-template report, used both in its prose and in its indicator table."""

    values: dict[str, int | float]

    def __getitem__(self, label: str) -> int | float:
        return self.values[label]

    def num(self, label: str) -> int:
        """An integer indicator (all but the fee)."""
        return int(self.values[label])


def _split(rng: random.Random, total: int, weights: tuple[float, ...]) -> list[int]:
    counts = [0] * len(weights)
    for index in rng.choices(range(len(weights)), weights, k=total):
        counts[index] += 1
    return counts


def make_old_stats(rng: random.Random, year: int) -> OldStats:
    """Indicators of a 2008-2018 county report; volumes grow with the year like real portals."""
    growth = 1 + (year - 2009) * 0.35
    active = _poisson(rng, 1800 * growth)
    docs = _poisson(rng, 9)
    received = _poisson(rng, 6 + 2.5 * (year - 2009))
    channels = _split(rng, received, (0.3, 0.05, 0.5 + 0.02 * (year - 2009), 0.15))
    answers = _split(rng, received, (0.6, 0.12, 0.1, 0.18))
    values: dict[str, int | float] = {
        "主动公开政府信息数": active,
        "其中：主动公开规范性文件数": docs,
        "制发规范性文件总数": docs + _poisson(rng, 1),
        "收到申请数": received,
        **dict(zip(CHANNEL_LABELS, channels, strict=True)),
        "对申请的答复数": received,
        **dict(zip(ANSWER_LABELS, answers, strict=True)),
        "行政复议数量": _poisson(rng, 0.5),
        "行政诉讼数量": _poisson(rng, 0.2),
        "举报投诉数量": _poisson(rng, 0.6),
        "依申请公开信息收取的费用": 0.0,
        "政府信息公开专职人员数": rng.randint(1, 3),
        "政府信息公开兼职人员数": rng.randint(20, 60),
    }
    return OldStats(values)
