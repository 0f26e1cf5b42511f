"""The 通知 as printed: 发文字号, numbered headings, 附件说明, dates; recipient placeholders filled."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from docgen.check import notice as notice_rules
from docgen.dates import cn_date
from docgen.domain import placeholders
from docgen.domain.figures import pct
from docgen.money import format_wan

_NUMERALS = "一二三四五六七八九十"
_TABLE_WIDTH = 8844  # the 版心, 156 mm, in twips
_TABLE_CHAR = 210  # a 五号 (10.5 pt) character of the table text, in twips
_CELL_PADDING = 216  # Word's default cell margins, 0.19 cm either side
_PITCH = _TABLE_WIDTH / 28  # a 3号 character on the 28-a-line grid, in twips
_INDENT_CHAR = 320  # the character unit of the templates' right indents (16 pt), in twips
_SEAL_DATE_RIGHT = 4.0  # 成文日期右空四字 under a seal
_WORD = re.compile(r"[\x21-\x7e]+")
_TITLE_CHARS = 20  # 2号 (22 pt) characters on a line of the 156 mm 版心
# Where a title may break without splitting a word: after a particle, a closing mark or a comma, after 关于 and
# 年度; never before closing punctuation (the lookahead).
_TITLE_BREAK = re.compile(r"(?:[的和与及、，》”）]|关于|年度)(?![》”）、，。])")
_HEADINGS = ("heading1", "heading2", "heading3", "heading4")


def notice_view(record: dict[str, Any]) -> dict[str, Any]:
    """The 通知 as printed: 发文字号, numbered headings, 附件说明, dates, with placeholders filled."""
    notice = record["notice"]
    variables = placeholders.placeholder_variables(record)
    text = _filler(variables)
    attachments: list[dict[str, Any]] = [
        {"label": f"附件{i}" if len(notice.get("attachments", [])) > 1 else "附件",
         "title": text(a["title"]), "body": _blocks(a["body"], text, notice.get("plan"))}
        for i, a in enumerate(notice.get("attachments", []), start=1)]
    return {
        "doc_number": notice_rules.doc_number(notice),
        "issuers": notice["issuers"],
        "title": text(notice["title"]),
        "title_lines": title_lines(text(notice["title"])),
        "addressee": text(notice["addressee"]).rstrip("：:") + "：",
        "body": _kept_last(_blocks(notice["body"], text, notice.get("plan"))),
        "attachment_note": _attachment_note([a["title"] for a in attachments]),
        "attachments": attachments,
        **_signature(notice.get("signatories") or notice["issuers"], cn_date(notice["date"]), notice.get("seal", True)),
        "seal": notice.get("seal", True),
        "note": notice.get("note", "").strip("（）() "),
        "copy_to": "，".join(notice.get("copy_to", [])),
        "printer": notice.get("printer", ""),
        "print_date_text": cn_date(notice["print_date"]) if "print_date" in notice else "",
    }


def title_lines(title: str) -> list[str]:
    """The title's lines (7.3.1: 回行时词意完整，排列对称，使用梯形或菱形).

    Line breaks written in the record are kept. A title longer than a line (20 characters of 2号) is broken
    where the lines come out most nearly equal, at a boundary that splits no word: after a particle or
    punctuation, or after 关于 or 年度, and not inside the 《》 or “” of a quoted name. A title with no such
    boundary, or one that needs three lines, is left to the typesetter, which fills each line.
    """
    if "\n" in title:
        return [line.strip() for line in title.split("\n") if line.strip()]
    total = _width(title)
    if total <= _TITLE_CHARS or total > 2 * _TITLE_CHARS:
        return [title]
    breaks = [match.end() for match in _TITLE_BREAK.finditer(title)
              if 0 < match.end() < len(title) and not _inside_quotes(title, match.end())]
    fitting = [at for at in breaks if max(_width(title[:at]), _width(title[at:])) <= _TITLE_CHARS]
    if not fitting:
        return [title]
    at = min(fitting, key=lambda at: (abs(_width(title[:at]) - total / 2), at))
    return [title[:at], title[at:]]


def _inside_quotes(text: str, at: int) -> bool:
    head = text[:at]
    return head.count("《") > head.count("》") or head.count("“") > head.count("”")


def _signature(names: list[str], date_text: str, seal: bool) -> dict[str, Any]:
    """署名 and 成文日期 (GB/T 9704-2012 7.3.5): joint issuers under seals side by side, all others stacked."""
    date_width = _width(date_text)
    if seal and len(names) > 1:
        return {"signature": [], "signature_rows": _signature_rows(names, date_width), "date_text": date_text,
                "date_right": _hundredths(_SEAL_DATE_RIGHT)}
    stacked, date_right = _stacked(names, date_width, seal)
    return {"signature": stacked, "signature_rows": [], "date_text": date_text, "date_right": _hundredths(date_right)}


def _stacked(names: list[str], date_width: float, seal: bool) -> tuple[list[dict[str, Any]], float]:
    """One 署名 a line with its right indent in hundredths of a character, and the date's right indent.

    Under a seal the date is 右空四字 and each 署名 is centred over it. Without one the 署名 is 右空二字 and
    the date starts two characters right of the 署名's first character; a date longer than that keeps 右空二字
    and pushes the 署名 right instead.
    """
    if seal:
        date_right = _SEAL_DATE_RIGHT
        rights = [max(date_right + (date_width - _width(name)) / 2, 0.0) for name in names]
    else:
        longest = max(_width(name) for name in names)
        date_right = max(longest - date_width, 2.0)
        rights = [date_right + date_width + 2 - _width(name) for name in names]
    return [{"text": name, "right": _hundredths(right)} for name, right in zip(names, rights, strict=True)], date_right


def _signature_rows(names: list[str], date_width: float) -> list[dict[str, Any]]:
    """Joint 署名 under seals, two a row in issuer order, each to be pressed by its own seal (7.3.5.1, 图A.5).

    Rows are ``{left, right, left_at, right_at}``: two names ("" for none) and their centres in twips from the
    left of the 版心 (centre tab stops). The right slot is centred over the 成文日期 (右空四字), so the last seal
    presses the last 署名 and the date; the left slot mirrors it, some 70 mm away (a seal is about 42 mm across).
    Not three a row: 图A.5 shows two, and a third of the 版心 (nine characters) is too narrow for names such as
    鄂尔多斯市人力资源和社会保障局. A name too wide for its slot is moved in to stay inside the 版心; a pair that
    then cannot keep a character between its names takes two rows, and an odd last name sits alone over the date.
    """
    right_at = _TABLE_WIDTH - _SEAL_DATE_RIGHT * _INDENT_CHAR - date_width * _PITCH / 2
    left_at = _TABLE_WIDTH - right_at
    rows: list[dict[str, Any]] = []
    for i in range(0, len(names), 2):
        pair = names[i:i + 2]
        if len(pair) == 1:
            rows.append(_row("", pair[0], left_at, right_at))
        elif _fits(pair[0], pair[1], left_at, right_at):
            rows.append(_row(pair[0], pair[1], left_at, right_at))
        else:
            rows += [_row(pair[0], "", left_at, right_at), _row("", pair[1], left_at, right_at)]
    return rows


def _row(left: str, right: str, left_at: float, right_at: float) -> dict[str, Any]:
    return {"left": left, "right": right,
            "left_at": round(_placed(left, left_at)), "right_at": round(_placed(right, right_at))}


def _placed(name: str, at: float) -> float:
    """Centre of ``name`` wanted at ``at`` (twips), moved in just enough to keep it inside the 版心."""
    half = _width(name) * _PITCH / 2
    return min(max(at, half), _TABLE_WIDTH - half)


def _fits(left: str, right: str, left_at: float, right_at: float) -> bool:
    """Whether two names placed side by side keep at least a character between them."""
    left_end = _placed(left, left_at) + _width(left) * _PITCH / 2
    return left_end + _PITCH <= _placed(right, right_at) - _width(right) * _PITCH / 2


def _width(text: str) -> float:
    """Printed width in characters of 3号: full-width characters one, digits and Latin letters half."""
    return sum(1.0 if unicodedata.east_asian_width(char) in "WF" else 0.5 for char in text)


def _hundredths(chars: float) -> int:
    return round(chars * 100)


def column_widths(rows: list[list[str]]) -> list[int]:
    """Column widths in twips for a notice table, fitted to the content like Word's "autofit to window".

    Each column wants its longest cell on one line; when all of them cannot have that, every column keeps its
    minimum (two characters, or its longest unbreakable number or word) and the rest of the 版心 width is shared
    in proportion to what each column still wants.
    """
    count = max(len(row) for row in rows)
    natural = [max(_twips(_width(row[i])) for row in rows if i < len(row)) for i in range(count)]
    minimum = [min(max(_twips(2.0), *(_twips(_longest_word(row[i])) for row in rows if i < len(row))), wanted)
               for i, wanted in enumerate(natural)]
    if sum(natural) <= _TABLE_WIDTH:
        shares = [wanted * _TABLE_WIDTH / sum(natural) for wanted in natural]
    elif sum(minimum) >= _TABLE_WIDTH:
        shares = [least * _TABLE_WIDTH / sum(minimum) for least in minimum]
    else:
        ratio = (_TABLE_WIDTH - sum(minimum)) / (sum(natural) - sum(minimum))
        shares = [least + (wanted - least) * ratio for least, wanted in zip(minimum, natural, strict=True)]
    widths = [int(share) for share in shares]
    widths[-1] += _TABLE_WIDTH - sum(widths)
    return widths


def _twips(chars: float) -> int:
    return round(chars * _TABLE_CHAR) + _CELL_PADDING


def _longest_word(text: str) -> float:
    """Width of the longest run of half-width characters: Word does not break inside it."""
    return max((len(word) * 0.5 for word in _WORD.findall(text)), default=0.0)


def _filler(variables: dict[str, Any]) -> Callable[[str], str]:
    def text(value: str) -> str:
        try:
            return placeholders.fill(value, variables)
        except placeholders.PlaceholderError:
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
            columns, rows = [text(c) for c in table["columns"]], [[text(c) for c in row] for row in table["rows"]]
            out.append({"kind": "table", "text": "", "columns": columns, "rows": rows,
                        "grid": column_widths([columns, *rows])})
        else:
            out.append({"kind": "p", "text": text(block[key]), "keep": False})
    return out


def _kept_last(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the body's last paragraph with the 署名 that follows, so the 署名 never stands alone on a page."""
    if blocks and blocks[-1]["kind"] == "p":
        blocks[-1]["keep"] = True
    return blocks


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
