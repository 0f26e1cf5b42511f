"""The 通知 as printed: 发文字号, numbered headings, 附件说明, dates; recipient placeholders filled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docgen.check import notice as notice_rules
from docgen.check._fmt import pct
from docgen.dates import cn_date
from docgen.money import format_wan

_NUMERALS = "一二三四五六七八九十"
_HEADINGS = ("heading1", "heading2", "heading3", "heading4")


def notice_view(record: dict[str, Any]) -> dict[str, Any]:
    """The 通知 as printed: 发文字号, numbered headings, 附件说明, dates, with placeholders filled."""
    notice = record["notice"]
    variables = notice_rules.placeholder_variables(record)
    text = _filler(variables)
    attachments: list[dict[str, Any]] = [
        {"label": f"附件{i}" if len(notice.get("attachments", [])) > 1 else "附件",
         "title": text(a["title"]), "body": _blocks(a["body"], text, notice.get("plan"))}
        for i, a in enumerate(notice.get("attachments", []), start=1)]
    return {
        "doc_number": notice_rules.doc_number(notice),
        "issuers": notice["issuers"],
        "title": text(notice["title"]),
        "addressee": text(notice["addressee"]).rstrip("：:") + "：",
        "body": _blocks(notice["body"], text, notice.get("plan")),
        "attachment_note": _attachment_note([a["title"] for a in attachments]),
        "attachments": attachments,
        "signatories": notice.get("signatories") or notice["issuers"],
        "date_text": cn_date(notice["date"]),
        "seal": notice.get("seal", True),
        "note": notice.get("note", "").strip("（）() "),
        "copy_to": "，".join(notice.get("copy_to", [])),
        "printer": notice.get("printer", ""),
        "print_date_text": cn_date(notice["print_date"]) if "print_date" in notice else "",
    }


def _filler(variables: dict[str, Any]) -> Callable[[str], str]:
    def text(value: str) -> str:
        try:
            return notice_rules.fill(value, variables)
        except notice_rules.PlaceholderError:
            return value  # reported by notice.placeholder_invalid; printed as written (only with --force)

    return text


def _attachment_note(titles: list[str]) -> list[str]:
    """附件说明: "附件：名称", or "附件：1.名称" with later lines aligned under the first name."""
    if len(titles) == 1:
        return [f"附件：{titles[0]}"]
    return [f"{'附件：' if i == 1 else '　　　'}{i}.{title}" for i, title in enumerate(titles, start=1)]


def _blocks(blocks: list[dict[str, Any]], text: Callable[[str], str],
            plan: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Blocks as the template prints them: ``{kind: h1…h4 | p | table, text, columns, rows}``."""
    counters = [0, 0, 0, 0]
    out: list[dict[str, Any]] = []
    for block in _expanded(blocks, plan):
        key = next(iter(block))
        if key in _HEADINGS:
            level = _HEADINGS.index(key)
            counters[level] += 1
            counters[level + 1:] = [0] * (3 - level)
            out.append({"kind": f"h{level + 1}", "text": _numbered(level, counters[level]) + text(block[key])})
        elif key == "table":
            table = block["table"]
            out.append({"kind": "table", "text": "", "columns": [text(c) for c in table["columns"]],
                        "rows": [[text(c) for c in row] for row in table["rows"]]})
        else:
            out.append({"kind": "p", "text": text(block[key])})
    return out


def _numbered(level: int, n: int) -> str:
    number = _chinese_number(n)
    return (f"{number}、", f"（{number}）", f"{n}.", f"（{n}）")[level]


def _chinese_number(n: int) -> str:
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{_NUMERALS[tens - 1] if tens > 1 else ''}十{_NUMERALS[ones - 1] if ones else ''}"


def _expanded(blocks: list[dict[str, Any]], plan: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Replace ``{"plan": part}`` blocks by the annual plan's generated headings, paragraphs and tables."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        if "plan" in block and plan is not None:
            out.extend(_PLAN_PARTS[block["plan"]](plan))
        elif "plan" not in block:
            out.append(block)
    return out


def _plan_subprojects(plan: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [[str(i), item["name"], format_wan(item["budget"]), item.get("procurement", "")]
            for i, item in enumerate(plan["subprojects"], start=1)]
    rows.append(["合计", "", format_wan(plan["total"]), ""])
    names = "，".join(f"“{item['name']}”预算{format_wan(item['budget'])}万元" for item in plan["subprojects"])
    return [{"paragraph": f"{plan['year']}年度{plan['city']}工伤预防项目预算{format_wan(plan['total'])}万元，"
                          f"其中{names}。"},
            {"table": {"columns": ["序号", "子项目名称", "预算（万元）", "采购方式"], "rows": rows}}]


def _plan_steps(plan: dict[str, Any]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for step in plan["steps"]:
        blocks.append({"heading2": f"{step['title']}（{_months(step['start'], step.get('end'))}）"})
        blocks.append({"paragraph": step["text"]})
    return blocks


def _months(start: str, end: str | None) -> str:
    (y1, m1), (y2, m2) = (int(x) for x in start.split("-")), (int(x) for x in (end or start).split("-"))
    if (y1, m1) == (y2, m2):
        return f"{y1}年{m1}月"
    return f"{y1}年{m1}月—{m2}月" if y1 == y2 else f"{y1}年{m1}月—{y2}年{m2}月"


def _plan_payment(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"paragraph": f"市级社会保险经办机构与中标工伤预防服务机构签订项目实施合同后，先行支付项目总额"
                          f"{pct(notice_rules.as_decimal(plan['prepayment_ratio']))}的预付款；项目验收合格后，按合同约定再行支付项目总额"
                          f"{pct(notice_rules.as_decimal(plan['balance_ratio']))}的余款。"}]


_PLAN_PARTS: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "subprojects": _plan_subprojects,
    "steps": _plan_steps,
    "payment": _plan_payment,
}
