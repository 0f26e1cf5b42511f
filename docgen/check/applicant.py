"""Rules on the parties: identifiers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from docgen.check.registry import rule
from docgen.findings import Finding
from docgen.policies import Policy
from docgen.schemas import label_for

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@rule("/applicant/credit_code")
def applicant_credit_code(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The applicant's 统一社会信用代码 must pass GB 32100-2015."""
    yield from credit_code_findings(record["applicant"]["credit_code"], "/applicant/credit_code")


@rule("/project/third_party")
def third_party_credit_code(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """A third-party provider's credit code, when given, must pass GB 32100-2015 too."""
    code = record["project"].get("third_party", {}).get("credit_code")
    if code:
        yield from credit_code_findings(code, "/project/third_party/credit_code")


def credit_code_findings(code: str, path: str) -> Iterator[Finding]:
    """Check one credit code; yield a finding that says exactly which character is wrong."""
    problem = _credit_code_problem(code)
    if problem:
        yield Finding("applicant.credit_code_invalid", path, label_for(path),
                      f"统一社会信用代码「{code}」无效：{problem}")


def _credit_code_problem(code: str) -> str | None:
    if len(code) != 18:
        return f"应为 18 位，实际为 {len(code)} 位"
    for i, char in enumerate(code, start=1):
        if char not in _ALPHABET:
            hint = "字母须大写" if char.upper() in _ALPHABET else "只能使用数字和除 I、O、Z、S、V 外的大写字母"
            return f"第 {i} 位「{char}」不是有效字符，{hint}"
    try:
        uscc.validate(code)
    except InvalidChecksum:
        expected = uscc.calc_check_digit(code[:17])
        return f"第 18 位校验码应为「{expected}」，实际为「{code[17]}」（GB 32100-2015）"
    except ValidationError:
        return "第 3—8 位应为行政区划码（6 位数字）"
    return None
