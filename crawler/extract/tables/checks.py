"""The templates' consistency checks (勾稽关系) over parsed statistics tables.

Checks never alter data: each says pass, fail or unknown (a needed cell holds no number) with both
sides of the equation (:data:`RULES`), so researchers see where a report's numbers do not add up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crawler.extract.tables import patterns as tp
from crawler.extract.tables.cells import Cell, Number

TOLERANCE = 1e-6

RULES = {
    "table3_balance": "per column: 一 new + 二 carried_over = 三（七）total + 四 carry_forward",
    "table3_outcomes_sum": "per column: （七）total = sum of the outcome rows （一）…（六）",
    "table3_applicants_sum": "per row: 总计 column = sum of the six applicant columns",
    "table4_group_sum": "per group: upheld + corrected + other + pending = total",
    "table3_carried_over": "per column: 二 carried_over (year Y) = 四 carry_forward (year Y-1), same body",
}


@dataclass(frozen=True)
class Check:
    """One consistency rule applied at one place; ``left``/``right`` are None when not computable."""

    rule: str
    where: str
    status: str  # "pass" | "fail" | "unknown"
    left: Number | None
    right: Number | None

    def as_dict(self) -> dict[str, Any]:
        """``asdict`` without its recursive deep copy (a report has some forty checks)."""
        return {
            "rule": self.rule,
            "where": self.where,
            "status": self.status,
            "left": self.left,
            "right": self.right,
        }


def consistency_checks(tables: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    if "table3" in tables:
        checks += check_table3(tables["table3"])
    if "table4" in tables:
        checks += check_table4(tables["table4"])
    return checks


def check_table3(table3: dict[str, dict[str, Cell]]) -> list[Check]:
    """The template's own 勾稽关系 per column, the outcome sum per column, the applicant sum per row."""
    edges = ("new", "carried_over", "total", "carry_forward")
    outcomes = [key for key in table3 if key not in edges]
    checks = []
    for column in tp.TABLE3_COLUMNS:
        cell = {key: table3[key][column] for key in table3}
        checks.append(
            compare(
                "table3_balance",
                column,
                [cell["new"], cell["carried_over"]],
                [cell["total"], cell["carry_forward"]],
            )
        )
        checks.append(compare("table3_outcomes_sum", column, [cell["total"]], [cell[k] for k in outcomes]))
    for key, row in table3.items():
        checks.append(
            compare("table3_applicants_sum", key, [row["total"]], [row[c] for c in tp.APPLICANT_COLUMNS])
        )
    return checks


def check_table4(table4: dict[str, dict[str, Cell]]) -> list[Check]:
    return [
        compare("table4_group_sum", group, [row[c] for c in tp.TABLE4_COLUMNS[:4]], [row["total"]])
        for group, row in table4.items()
    ]


def compare(rule: str, where: str, left: Sequence[Cell], right: Sequence[Cell]) -> Check:
    """Sum both sides; unknown when either side has a cell without a number."""
    left_sum, right_sum = _sum(left), _sum(right)
    if left_sum is None or right_sum is None:
        return Check(rule, where, "unknown", left_sum, right_sum)
    status = "pass" if abs(left_sum - right_sum) <= TOLERANCE else "fail"
    return Check(rule, where, status, left_sum, right_sum)


def _sum(cells: Sequence[Cell]) -> Number | None:
    values = [cell["value"] for cell in cells]
    if any(value is None for value in values):
        return None
    total = sum(value for value in values if value is not None)
    return round(total, 6) if isinstance(total, float) else total


# Checks across two reports of one body on consecutive years: (rule, table, this year's row, last
# year's row, columns). The template says it: 二、上年结转 of year Y is 四、结转下年度继续办理 of
# year Y-1, per column.
CROSS_YEAR_RULES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "table3_carried_over": ("table3", "carried_over", "carry_forward", tp.TABLE3_COLUMNS),
}


def cross_year_checks(before: dict[str, Any], after: dict[str, Any]) -> list[Check]:
    """The cross-year rules between last year's ``tables`` (``before``) and this year's (``after``):
    ``left`` is this year's figure, ``right`` last year's; none when either report lacks the table."""
    checks = []
    for rule, (table, row, previous_row, columns) in CROSS_YEAR_RULES.items():
        this, last = after.get(table), before.get(table)
        if (
            not isinstance(this, dict)
            or not isinstance(last, dict)
            or row not in this
            or previous_row not in last
        ):
            continue
        for column in columns:
            checks.append(compare(rule, column, [this[row][column]], [last[previous_row][column]]))
    return checks
