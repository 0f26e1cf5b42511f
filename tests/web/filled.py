"""A project typed in from nothing: every required field of the packet's pages, by JSON Pointer, as a person types it."""

CONTRIBUTIONS = "1,000,000.00"  # 内蒙古: the budget may not exceed 3% of this, 30,000.00 元
OVER_CAP = "30,000.01"
AT_CAP = "30,000.00"

APPLICATION = {
    "/policy": "nei-mongol-2020",
    "/applicant/name": "测试<b>煤业</b>有限公司",
    "/applicant/type": "enterprise",
    "/applicant/credit_code": "91150627MA0K7R3D2M",
    "/applicant/legal_representative": "高志远",
    "/applicant/industry": "煤炭开采和洗选业",
    "/applicant/profile": "成立于2009年的煤炭企业。",
    "/applicant/accident_history": "近五年发生工伤事故3起。",
    "/applicant/contact/name": "李海峰",
    "/applicant/contact/phone": "0477-8656318",
    "/applicant/account/bank": "中国工商银行伊金霍洛旗支行",
    "/applicant/account/account_name": "测试<b>煤业</b>有限公司",
    "/applicant/account/account_number": "0606 2105 0920 0088 617",
    "/project/name": "一线职工工伤预防培训项目",
    "/project/summary": "对一线职工开展工伤预防培训。",
    "/project/implementation": "direct",
    "/project/start_date": "2027-03-01",
    "/project/end_date": "2027-12-31",
    "/finance/contributions_last_year": CONTRIBUTIONS,
    "/budget/items/0/category": "执行项目的培训费",
    "/budget/items/0/detail": "班组长培训1期，50人、1天。",
    "/budget/items/0/amount": OVER_CAP,
}

FEASIBILITY = {
    **{f"/feasibility/organization/{key}": "情况良好。" for key in
       ("equipment", "technical_staff", "assets", "business_scope", "finance", "tax")},
    "/feasibility/leader/name": "赵立军",
    "/feasibility/leader/position": "副总经理",
    "/feasibility/leader/professional_title": "高级工程师",
    **{f"/feasibility/{key}": "见项目申请。" for key in
       ("background", "necessity", "feasibility", "risks", "risk_measures", "technical")},
    "/feasibility/equipment/0/name": "培训教室",
    "/feasibility/equipment/0/quantity": "1",
    "/feasibility/equipment/0/purpose": "授课",
    "/feasibility/staff/0/name": "王丽娜",
    "/feasibility/staff/0/professional_title": "工程师",
    "/feasibility/staff/0/major": "安全工程",
    "/feasibility/staff/0/years": "11",
    "/feasibility/hazards/0/hazard": "顶板冒落",
    "/feasibility/hazards/0/location": "采煤工作面",
    "/feasibility/hazards/0/consequence": "冒顶片帮",
    "/feasibility/hazards/0/level": "较大风险",
    "/feasibility/hazards/0/measures": "敲帮问顶。",
    "/feasibility/accidents/0/date": "2025-11-06",
    "/feasibility/accidents/0/summary": "检修工右臂被卷入。",
    "/feasibility/accidents/0/cause": "未停电闭锁。",
    "/feasibility/accidents/0/measures": "挂牌上锁。",
    **{f"/feasibility/expected/{key}": "明显改善。" for key in
       ("accident_rate", "awareness", "training_assessment", "benefits")},
}

PLAN = {
    **{f"/plan/background/{key}": "需求迫切。" for key in ("urgency", "beneficiaries", "experience")},
    "/plan/long_term_goal": "形成长效机制。",
    "/plan/goals/0/goal": "职工培训率达到95%以上",
    "/plan/goals/0/measure": "签到统计",
    "/plan/goals/1/goal": "事故发生率比上年下降20%以上",
    "/plan/goals/1/measure": "事故台账",
    **{f"/plan/publicity/{where}/0/{key}": value for where in ("online", "offline") for key, value in
       (("name", "工伤预防宣传"), ("date", "2027-06-16"), ("place", "矿区广场"), ("form", "展板"), ("participants", "300"))},
    "/plan/training/0/course": "班组长工伤预防培训",
    "/plan/training/0/date": "2027-04-12",
    "/plan/training/0/place": "培训中心",
    "/plan/training/0/lecturer": "刘振华",
    "/plan/training/0/lecturer_title": "高级工程师",
    "/plan/training/0/participants": "50",
    "/plan/training/0/outline": "工伤预防政策与班组安全管理。",
    "/plan/risks/0/risk": "参训率不足",
    "/plan/risks/0/response": "轮换组织。",
    **{f"/plan/effects/{key}": "显著。" for key in ("beneficiaries", "changes", "impact")},
    "/plan/team/0/name": "赵立军",
    "/plan/team/0/position": "副总经理",
    "/plan/team/0/professional_title": "高级工程师",
    "/plan/team/0/duty": "统筹。",
}

AGENCY = {
    "/agreement/party_a/name": "鄂尔多斯市社会保险事业服务中心",
    "/agreement/party_a/credit_code": "12150600MB1A2C3D49",
    "/agreement/party_a/address": "鄂尔多斯市康巴什区市民服务中心B座",
    "/agreement/party_a/legal_representative": "王建国",
    "/agreement/party_a/contact/name": "赵敏",
    "/agreement/party_a/contact/phone": "0477-8588126",
    "/agreement/party_a/signatory": "李晓东",
    "/agreement/party_a/account/bank": "中国建设银行鄂尔多斯康巴什支行",
    "/agreement/party_a/account/account_name": "鄂尔多斯市社会保险事业服务中心",
    "/agreement/party_a/account/account_number": "1505 0169 6100 0000 0321",
    "/agreement/place": "内蒙古自治区鄂尔多斯市",
    "/agreement/prepayment_ratio": "50%",
    "number_pattern": "EEDS-GSYF-XY-{year}-{seq:03d}",
}
