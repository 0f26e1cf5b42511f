"""Write examples/notices.xlsx: one row per recipient of examples/notice.json (``python examples/make_notices.py``)."""

from pathlib import Path

from openpyxl import Workbook

COLUMNS = ["recipient.name", "recipient.code", "recipient.region", "recipient.quota", "recipient.amount",
           "recipient.contact", "recipient.phone", "recipient.deadline"]
ROWS = [
    ["鄂尔多斯市煤炭行业协会", "EEDS-0001", "康巴什区", 2, "600000.00", "王丽", "0477-8581234", "2027-02-28"],
    ["鄂尔多斯市金岭泉能源有限责任公司", "EEDS-0002", "伊金霍洛旗", 1, "420000.00", "李海峰", "0477-8656318",
     "2027-02-28"],
    ["鄂尔多斯市宏川精细化工有限公司", "EEDS-0003", "准格尔旗", 1, "350000.00", "赵晓东", "0477-4512301", "2027-03-05"],
    ["鄂尔多斯市建筑业协会", "EEDS-0004", "东胜区", 2, "500000.00", "刘芳", "0477-8390112", "2027-03-05"],
    ["鄂尔多斯市道路运输协会", "EEDS-0005", "东胜区", 1, "280000.00", "张建国", "0477-8336620", "2027-03-10"],
    ["准格尔旗恒源煤电有限公司", "EEDS-0006", "准格尔旗", 1, "460000.00", "孙志强", "0477-4678809", "2027-03-10"],
]


def main() -> None:
    """Write the workbook next to this script."""
    book = Workbook()
    sheet = book.active
    sheet.title = "收文单位"
    sheet.append(COLUMNS)
    for row in ROWS:
        sheet.append(row)
    book.save(Path(__file__).with_name("notices.xlsx"))


if __name__ == "__main__":
    main()
