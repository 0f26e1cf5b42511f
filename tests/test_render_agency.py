"""Read the rendered 服务协议 and 评估验收报告 back: clauses, parties, amounts with their 大写, split, verdict, dates.

Every 大写 below is written by hand, independently of docgen.money (预付款 at 30%, rounded half-up to the 分).
"""

import copy
import re
import subprocess
from decimal import Decimal

import docx
import pytest

import docgen
from docgen.seals import with_image_paths_from
from tests.conftest import ROOT, load_json
from tests.readback import docx_tables, docx_text, open_docx, table_rows

EXAMPLES = ROOT / "examples"
CLAUSE_HEADINGS = ["项目名称与编号", "服务范围", "服务内容", "服务期限", "服务质量", "绩效目标", "费用结算", "审核与控制",
                   "保密与资料", "违约责任", "争议处理", "解除或终止条件", "生效与份数"]

# amount → (amount 大写, 30% 预付款, its 大写, 余款, its 大写)
AMOUNTS = {
    "1409.50": ("壹仟肆佰零玖元伍角整", "422.85", "肆佰贰拾贰元捌角伍分", "986.65", "玖佰捌拾陆元陆角伍分"),
    "6007.14": ("陆仟零柒元壹角肆分", "1802.14", "壹仟捌佰零贰元壹角肆分", "4205.00", "肆仟贰佰零伍元整"),
    "107000.53": ("壹拾万柒仟元零伍角叁分", "32100.16", "叁万贰仟壹佰元零壹角陆分", "74900.37", "柒万肆仟玖佰元零叁角柒分"),
    "16409.02": ("壹万陆仟肆佰零玖元零贰分", "4922.71", "肆仟玖佰贰拾贰元柒角壹分", "11486.31", "壹万壹仟肆佰捌拾陆元叁角壹分"),
    "1680.32": ("壹仟陆佰捌拾元零叁角贰分", "504.10", "伍佰零肆元壹角整", "1176.22", "壹仟壹佰柒拾陆元贰角贰分"),
    "325.04": ("叁佰贰拾伍元零肆分", "97.51", "玖拾柒元伍角壹分", "227.53", "贰佰贰拾柒元伍角叁分"),
    "0.01": ("壹分", "0.00", "零元整", "0.01", "壹分"),
    "10.00": ("壹拾元整", "3.00", "叁元整", "7.00", "柒元整"),
    "100100.00": ("壹拾万零壹佰元整", "30030.00", "叁万零叁拾元整", "70070.00", "柒万零柒拾元整"),
    "1000000.00": ("壹佰万元整", "300000.00", "叁拾万元整", "700000.00", "柒拾万元整"),
    "20000000.05": ("贰仟万元零伍分", "6000000.02", "陆佰万元零贰分", "14000000.03", "壹仟肆佰万元零叁分"),
    "100000001.00": ("壹亿零壹元整", "30000000.30", "叁仟万元零叁角整", "70000000.70", "柒仟万元零柒角整"),
    "123456789.12": ("壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分", "37037036.74", "叁仟柒佰零叁万柒仟零叁拾陆元柒角肆分",
                     "86419752.38", "捌仟陆佰肆拾壹万玖仟柒佰伍拾贰元叁角捌分"),
}








def _table_with(document, first_cell: str) -> list[list[str]]:
    """The table whose first cell is ``first_cell``, its cells' line breaks dropped.

    A date that wraps in a list table is broken by hand between its units ("2026年1月" / "15日"): the docx holds
    the line breaks, the date reads whole without them.
    """
    table = next(t for t in docx_tables(document) if t and t[0] and t[0][0] == first_cell)
    return [[cell.replace("\n", "") for cell in row] for row in table]




def _yuan(text: str) -> Decimal:
    return Decimal(text.replace("¥", "").replace(",", ""))


def _render(record, kind) -> docx.Document:
    rendered = docgen.render(record, kind)
    assert not [f for f in rendered.report.findings if f.is_error]
    [document] = rendered.documents
    return open_docx(document.data)


@pytest.fixture(scope="module")
def two_party():
    return load_json(EXAMPLES / "agreement-two-party.json")


@pytest.fixture(scope="module")
def three_party():
    # its seal images are named relative to examples/, where a record given as a dict does not look
    return with_image_paths_from(load_json(EXAMPLES / "agreement-three-party.json"), EXAMPLES)


def test_agreement_file_name_and_kind():
    rendered = docgen.render(EXAMPLES / "agreement-two-party.json", "agreement")
    assert rendered.documents[0].filename == "04-服务协议.docx"
    assert not docgen.kinds()["agreement"].in_packet and not docgen.kinds()["acceptance"].in_packet


@pytest.mark.parametrize("example", ["agreement-two-party", "agreement-three-party"])
def test_every_clause_area_has_a_heading(example):
    document = _render(EXAMPLES / f"{example}.json", "agreement")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [re.sub(r"^[一二三四五六七八九十]+、", "", h) for h in headings if h != "九、权利和义务"] == CLAUSE_HEADINGS
    assert "{{" not in docx_text(document) and "{%" not in docx_text(document)


def test_two_party_agreement_names_two_parties(two_party):
    document = _render(two_party, "agreement")
    text = docx_text(document)
    assert document.paragraphs[0].text == "工伤预防项目服务协议"
    assert f"甲方：{two_party['agreement']['party_a']['name']}" in text
    assert f"乙方：{two_party['applicant']['name']}" in text
    assert "丙方" not in text
    signatures = next(t for t in docx_tables(document) if t[0][0].startswith("甲方（盖章）"))
    assert [row[0] for row in signatures] == [f"甲方（盖章）：\n{two_party['agreement']['party_a']['name']}",
                                              f"乙方（盖章）：\n{two_party['applicant']['name']}"]
    assert "本协议一式4份，各方各执2份" in text
    assert f"统一社会信用代码：{two_party['agreement']['party_a']['credit_code']}" in text
    assert "甲方将款项支付至乙方（鄂尔多斯市金岭泉能源有限责任公司）" in text


def test_three_party_agreement_names_the_third_party(three_party):
    document = _render(three_party, "agreement")
    text = docx_text(document)
    third = three_party["project"]["third_party"]
    assert document.paragraphs[0].text == "工伤预防项目三方服务协议"
    for line in (f"丙方：{third['name']}", f"统一社会信用代码：{third['credit_code']}", f"法定代表人：{third['legal_representative']}",
                 f"联系人：{third['contact']['name']}", f"联系电话：{third['contact']['phone']}"):
        assert line in text
    signatures = next(t for t in docx_tables(document) if t[0][0].startswith("甲方（盖章）"))
    assert [row[0][:2] for row in signatures] == ["甲方", "乙方", "丙方"]
    assert "本协议一式6份" in text
    assert f"甲方将款项支付至丙方（{third['name']}）" in text


def test_agreement_kpis_merge_agreed_and_profile_targets(three_party):
    kpis = _table_with(_render(three_party, "agreement"), "序号")
    assert [row[1:3] for row in kpis[1:]] == [
        ["培训人次", "≥1,200 人次"], ["培训场次", "≥8 场"], ["宣传品（份）（护手工程宣传海报）", "≥2,000 份"],
        ["培训率", "≥95%"], ["满意率", "≥80%"], ["考核成绩（分）", "≥80 分"], ["工伤事故发生率变化", "下降不少于20%"],
        ["接尘工龄不足5年劳动者新发尘肺病（人）", "≤0 人"], ["一次性诊断职业病最多人数（人）", "≤2 人"]]
    assert kpis[4][3].startswith("宁波办法 第二十二条") and kpis[1][3] == "服务协议约定"


@pytest.fixture(scope="module")
def big_budget_record(two_party):
    record = copy.deepcopy(two_party)
    record["budget"] = {"items": [{"category": "专家费", "detail": "测试", "amount": "200000000.00", "standard": "测试"}]}
    record["agreement"]["prepayment_ratio"] = Decimal("0.30")
    del record["agreement"]["prepayment"], record["agreement"]["balance"]
    return record


@pytest.mark.parametrize("amount", list(AMOUNTS))
def test_amounts_and_their_daxie_in_the_payment_schedule(big_budget_record, amount):
    record = copy.deepcopy(big_budget_record)
    record["agreement"]["amount"] = amount
    words, prepayment, prepayment_words, balance, balance_words = AMOUNTS[amount]
    document = _render(record, "agreement")
    schedule = _table_with(document, "款项")
    assert schedule[0] == ["款项", "支付条件", "比例", "金额", "大写金额"]
    pre, bal, total = schedule[1], schedule[2], schedule[3]
    assert pre[0] == "预付款" and pre[2] == "30%" and _yuan(pre[3]) == Decimal(prepayment)
    assert pre[4] == f"人民币{prepayment_words}"
    assert bal[0] == "余款" and bal[2] == "70%" and _yuan(bal[3]) == Decimal(balance)
    assert bal[4] == f"人民币{balance_words}"
    assert total[0] == "合计" and _yuan(total[3]) == Decimal(amount) and total[4] == f"人民币{words}"
    assert _yuan(pre[3]) + _yuan(bal[3]) == _yuan(total[3])  # the split adds up
    assert f"（大写：人民币{words}）" in docx_text(document)
    assert re.search(r"费用总额为¥[0-9,]+\.[0-9]{2}（", docx_text(document))


def test_thousands_separators_and_symbol(big_budget_record):
    record = copy.deepcopy(big_budget_record)
    record["agreement"]["amount"] = "123456789.12"
    text = docx_text(_render(record, "agreement"))
    assert "费用总额为¥123,456,789.12（大写：人民币壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分）" in text


# --------------------------------------------------------------------------------------------------
# 评估验收报告
# --------------------------------------------------------------------------------------------------


def test_passing_acceptance_report():
    document = _render(EXAMPLES / "acceptance-pass.json", "acceptance")
    text = docx_text(document)
    facts = document.tables[0]
    assert table_rows(facts)[2] == ["申报单位", "宁波市冲压与钣金加工行业协会", "实施单位", "宁波安衡职业安全技术服务有限公司"]
    assert table_rows(facts)[1][3] == "NB-GSYF-XY-2025-015"
    assert "结项验收 ☑" in text and "评审验收 ☐" in text
    indicators = _table_with(document, "指标")
    assert indicators[4] == ["培训率", "≥95%", "1,238/1,286", "96.27%", "达标"]
    assert indicators[5] == ["满意率", "≥80%", "1,102/1,238", "89.01%", "达标"]
    assert indicators[7][3] == "下降37.02%"  # 9/5420 against 14/5310
    assert all(row[-1] == "达标" for row in indicators[1:])
    assert "验收结论：合格" in text and "未达标：" not in text
    deadlines = _table_with(document, "事项")
    assert deadlines[1][:4] == ["验收申请期限", "项目结束日期（2025年12月31日）后 15 日内", "2026年1月15日", "2026年1月9日"]
    money = {row[0]: row[1:] for row in _table_with(document, "项目")}
    assert money["合同金额"] == ["¥139,554.00", "人民币壹拾叁万玖仟伍佰伍拾肆元整"]
    assert money["已付预付款"] == ["¥41,866.20", "人民币肆万壹仟捌佰陆拾陆元贰角整"]
    assert money["余款（应付）"] == ["¥97,687.80", "人民币玖万柒仟陆佰捌拾柒元捌角整"]
    assert "验收合格，经办机构据此支付余款。" in text


def test_failing_acceptance_report_with_working_day_deadlines():
    document = _render(EXAMPLES / "acceptance-fail.json", "acceptance")
    text = docx_text(document)
    indicators = _table_with(document, "指标")
    assert indicators[4] == ["满意率", "≥85%", "2,487/3,105", "80.10%", "未达标"]
    assert indicators[5] == ["考核成绩（分）", "≥80 分", "76 分", "—", "未达标"]
    assert indicators[1][3] == "101.78%"  # 3318 of 3260 人次
    assert "验收结论：不合格" in text
    assert "未达标：满意率 80.10%（目标 ≥85%）" in text
    deadlines = {row[0]: row[1:] for row in _table_with(document, "事项")}
    # 30 working days across 清明 (4–6 April, Sunday 7 April works) and 劳动节 (1–5 May, 28 April and 11 May work).
    assert deadlines["验收完成期限"][:3] == ["验收申请日期（2024年3月6日）后 30 个工作日内", "2024年4月18日", "2024年4月15日"]
    assert deadlines["整改完成期限"][:3] == ["验收日期（2024年4月15日）后 30 个工作日内", "2024年5月28日", "2024年5月24日"]
    money = {row[0]: row[1:] for row in _table_with(document, "项目")}
    assert money["扣减：应急救护实操培训少开展1期（合同约定2期）"] == ["¥6,800.00", "人民币陆仟捌佰元整"]
    assert money["已付预付款"] == ["¥147,204.45", "人民币壹拾肆万柒仟贰佰零肆元肆角伍分"]
    assert money["余款（应付）"] == ["¥140,404.45", "人民币壹拾肆万零肆佰零肆元肆角伍分"]
    assert _yuan(money["合同金额"][0]) - _yuan(money["已付预付款"][0]) - _yuan(money["扣减合计"][0]) \
        == _yuan(money["余款（应付）"][0])
    assert "余款暂缓支付" in text


@pytest.mark.parametrize(("end", "due"), [
    ("2025-09-30", "2025年11月18日"),  # 国庆·中秋 1–8 October; 28 September and 11 October work
    ("2026-01-30", "2026年3月19日"),   # 春节 15–23 February; 14 and 28 February work
])
def test_acceptance_due_date_across_holidays(end, due):
    record = load_json(EXAMPLES / "acceptance-fail.json")
    record["project"]["end_date"] = record["agreement"]["end_date"] = end
    record["project"]["start_date"] = record["agreement"]["start_date"] = "2025-09-01"
    del record["acceptance"]["application_date"], record["acceptance"]["rectification_date"]
    record["acceptance"]["date"] = end
    record["acceptance"]["verdict"] = "不合格"
    deadlines = {row[0]: row[1:] for row in _table_with(_render(record, "acceptance"), "事项")}
    assert deadlines["验收完成期限"][1] == due


def test_a_calendar_day_deadline_on_a_holiday_is_printed_moved_with_both_articles():
    """宁波办法 第二十三条's 15 日 end on 5 October 2025 (国庆); 民法典 第二百零三条 moves the last day to 9 October."""
    record = load_json(EXAMPLES / "acceptance-pass.json")
    record["project"]["end_date"] = record["agreement"]["end_date"] = "2025-09-20"
    record["acceptance"]["application_date"] = "2025-10-09"
    record["acceptance"]["date"] = "2025-10-20"
    deadlines = {row[0]: row[1:] for row in _table_with(_render(record, "acceptance"), "事项")}
    assert deadlines["验收申请期限"][1:3] == ["2025年10月9日", "2025年10月9日"]
    assert "民法典 第二百零三条" in deadlines["验收申请期限"][3]


def test_a_contradicting_verdict_refuses_to_render():
    record = load_json(EXAMPLES / "acceptance-fail.json")
    record["acceptance"]["verdict"] = "合格"
    with pytest.raises(docgen.DataError) as caught:
        docgen.render(record, "acceptance")
    assert [f.code for f in caught.value.findings] == ["acceptance.verdict_mismatch"]


def test_packet_kinds_ignore_agency_sections_and_render_unchanged():
    plain = docgen.render_packet(EXAMPLES / "project.json")
    with_agreement = docgen.render_packet(EXAMPLES / "agreement-two-party.json")
    assert [d.filename for d in plain.documents] == [d.filename for d in with_agreement.documents]
    assert with_agreement.report.findings == []


def test_agreement_prints_the_profiles_allowed_uses(big_budget_record):
    """乌人社办〔2016〕109号 三、四 allow more than 宣传、培训; the agreement must say what the profile says."""
    record = copy.deepcopy(big_budget_record)
    record["policy"] = "urumqi-2016"
    text = docx_text(_render(record, "agreement"))
    assert ("工伤预防费只用于工伤预防宣传、工伤预防培训、安全隐患点的排查、危险源的评估、职业危害治理、事故多发场所的治理、"
            "接触职业危害作业劳动者的职业健康检查、其他法律法规规定的工伤预防项目（乌人社办〔2016〕109号 三、四（一）至（五））") in text
    assert "工伤预防费只能用于工伤预防宣传、工伤预防培训、安全隐患点的排查" in text
    assert "只用于宣传、培训" not in text and "只能用于宣传、培训" not in text


def test_a_profile_without_allowed_uses_prints_the_national_article(big_budget_record):
    record = copy.deepcopy(big_budget_record)
    record["policy"] = "sanming-2021"
    text = docx_text(_render(record, "agreement"))
    assert "只用于工伤事故和职业病预防宣传、工伤事故和职业病预防培训（人社部规〔2017〕13号 第四条）" in text


def test_agreement_has_no_unsourced_archive_term(two_party):
    assert "档案保存期限" not in docx_text(_render(two_party, "agreement"))


def test_acceptance_note_cites_where_the_targets_come_from():
    nei_mongol = docx_text(_render(EXAMPLES / "acceptance-fail.json", "acceptance"))
    assert "目标值依据：服务协议约定。" in nei_mongol and "按内人社发〔2020〕16号执行" not in nei_mongol
    ningbo = docx_text(_render(EXAMPLES / "acceptance-pass.json", "acceptance"))
    assert "目标值依据：宁波办法 第二十二条（起草说明（十二））；服务协议约定。" in ningbo


def test_deductions_beyond_the_balance_print_the_prepayment_to_return():
    """宁波办法 第二十六条: 可以扣减部分乃至全部合同款; the excess over the unpaid 余款 comes back from the 预付款."""
    record = load_json(EXAMPLES / "acceptance-fail.json")
    record["acceptance"]["deductions"] = [{"reason": "项目已失去时效性，扣减全部合同款", "amount": "294408.90"}]
    rendered = docgen.render(record, "acceptance")
    assert [f.code for f in rendered.report.findings] == ["acceptance.prepayment_refund"]
    document = open_docx(rendered.documents[0].data)
    money = {row[0]: row[1:] for row in _table_with(document, "项目")}
    assert money["余款（应付）"] == ["¥0.00", "人民币零元整"]
    assert money["应退回预付款"] == ["¥147,204.45", "人民币壹拾肆万柒仟贰佰零肆元肆角伍分"]
    assert "实施单位应退回已付预付款¥147,204.45" in docx_text(document)


def test_no_refund_row_when_the_deductions_fit_the_balance():
    document = _render(EXAMPLES / "acceptance-fail.json", "acceptance")
    assert "应退回预付款" not in {row[0] for row in _table_with(document, "项目")}


def test_zero_accidents_in_both_years_is_met_with_a_note():
    record = load_json(EXAMPLES / "acceptance-pass.json")
    accident = next(r for r in record["acceptance"]["results"] if r["indicator"] == "accident_rate_change")
    accident["numerator"] = accident["baseline_numerator"] = 0
    document = _render(record, "acceptance")
    row = next(r for r in _table_with(document, "指标") if r[0] == "工伤事故发生率变化")
    assert row[3:] == ["均未发生工伤事故", "达标"]
    assert "本期与上年同期均未发生工伤事故，视为达标。" in docx_text(document)


def test_a_shown_rate_never_contradicts_its_verdict():
    record = load_json(EXAMPLES / "acceptance-fail.json")
    satisfaction = next(r for r in record["acceptance"]["results"] if r["indicator"] == "satisfaction_rate")
    satisfaction.update(numerator=169999, denominator=200000)  # 84.9995%: half-up would print 85.00%
    document = _render(record, "acceptance")
    row = next(r for r in _table_with(document, "指标") if r[0] == "满意率")
    assert row[3:] == ["84.99%", "未达标"]


def test_cli_renders_both_kinds(tmp_path):
    from docgen.cli import main
    assert main(["render", "agreement", str(EXAMPLES / "agreement-three-party.json"), "-o", str(tmp_path)]) == 0
    assert main(["render", "acceptance", str(EXAMPLES / "acceptance-pass.json"), "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "04-服务协议.docx", "04-服务协议.pdf", "05-评估验收报告.docx", "05-评估验收报告.pdf"]


def test_the_agencys_signatory_and_account_are_printed_under_its_name_in_docx_and_pdf(two_party, tmp_path):
    two_party = copy.deepcopy(two_party)
    party_a = two_party["agreement"]["party_a"]
    party_a["signatory"] = "李晓东"
    party_a["account"] = {"bank": "中国建设银行鄂尔多斯康巴什支行", "account_name": party_a["name"],
                          "account_number": "1505 0169 6100 0000 0321"}
    rendered = docgen.render(two_party, "agreement", to=["docx", "pdf"])
    [document] = rendered.documents
    lines = [p.text for p in open_docx(document.data).paragraphs]
    start, end = lines.index(f"甲方：{party_a['name']}"), lines.index(f"乙方：{two_party['applicant']['name']}")
    assert lines[start:end] == [
        f"甲方：{party_a['name']}", f"统一社会信用代码：{party_a['credit_code']}", f"地址：{party_a['address']}",
        "法定代表人：王建国", "授权代表：李晓东", "联系人：赵敏", "联系电话：0477-8588126",
        "开户银行：中国建设银行鄂尔多斯康巴什支行", f"账户名称：{party_a['name']}", "银行账号：1505 0169 6100 0000 0321"]
    applicant_block = lines[end:lines.index(next(line for line in lines if line.startswith("根据《工伤保险条例》")))]
    assert not [line for line in applicant_block if line.startswith(("授权代表", "开户银行"))]  # 乙方 gave none
    path = tmp_path / "agreement.pdf"
    path.write_bytes(document.pdf)
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "法定代表人：王建国授权代表：李晓东联系人：赵敏" in text
    assert "开户银行：中国建设银行鄂尔多斯康巴什支行" in text and "银行账号：15050169610000000321" in text


def test_a_signatory_who_is_the_legal_representative_is_not_printed_twice(two_party):
    two_party = copy.deepcopy(two_party)
    two_party["agreement"]["party_a"]["signatory"] = "王建国"
    assert "授权代表：" not in docx_text(_render(two_party, "agreement"))
