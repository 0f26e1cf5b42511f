"""Seals, signatures and the QR code in the rendered docx and, through our engine, in the PDF.

The notice's seals are measured against GB/T 9704-2012 7.3.5.1 in the PDF: centred on their 署名 (within 0.5 mm),
the 署名 and 成文日期 below the seal's centre and inside it, the seal's top within one line under the text above.
"""

from __future__ import annotations

import io
import subprocess
from functools import cache

import pytest
from docx.oxml.ns import qn
from PIL import Image

import docgen
from docgen import qr
from docgen.dates import cn_date
from tests.conftest import ROOT, load_json
from tests.pdf.builders import image_boxes, word_boxes
from tests.readback import open_docx

EXAMPLES = ROOT / "examples"
MM = 72 / 25.4
LINE = 225 / 22 * MM  # a line of the GB/T 9704 版心
RECIPIENT = {"name": "鄂尔多斯市煤炭行业协会", "code": "EEDS-0001", "region": "康巴什区", "quota": 2,
             "amount": "600000.00", "contact": "王丽", "phone": "0477-8581234", "deadline": "2027-02-28"}


def _joint_notice() -> dict:
    """The example notice of two issuers with a seal for each."""
    record = load_json(EXAMPLES / "notice.json") | {"recipient": RECIPIENT}
    record["notice"]["seal_images"] = [str(EXAMPLES / "seals" / "seal-1.png"), str(EXAMPLES / "seals" / "seal-2.png")]
    return record


@cache
def _notice(qr_code: bool = False) -> docgen.Document:
    return docgen.render(_joint_notice(), "notice", to=["docx", "pdf"], qr=qr_code).documents[0]


@cache
def _agreement() -> docgen.Document:
    return docgen.render(EXAMPLES / "agreement-three-party.json", "agreement", to=["docx", "pdf"]).documents[0]


def _anchors(data: bytes) -> list:
    return open_docx(data).element.body.findall(f".//{qn('wp:anchor')}")


def _seal_page(pdf: bytes) -> int:
    from pypdf import PdfReader

    for number in range(len(PdfReader(io.BytesIO(pdf)).pages)):
        if image_boxes(pdf, number):
            return number
    raise AssertionError("no page has an image")


def test_notice_docx_floats_one_seal_per_issuer_in_front_of_the_text() -> None:
    anchors = _anchors(_notice().data)
    assert len(anchors) == 2
    for anchor in anchors:
        assert anchor.get("behindDoc") == "0" and anchor.find(qn("wp:wrapNone")) is not None
        assert anchor.find(qn("wp:positionV")).get("relativeFrom") == "paragraph"
        assert int(anchor.find(qn("wp:extent")).get("cx")) == 42 * 36000
    descriptions = [anchor.find(qn("wp:docPr")).get("descr") for anchor in anchors]
    assert descriptions == ["鄂尔多斯市人力资源和社会保障局印章", "鄂尔多斯市财政局印章"]


def test_notice_pdf_seals_press_signature_and_date_as_gbt_9704_says() -> None:
    pdf = _notice().pdf
    page = _seal_page(pdf)
    seals = sorted(image_boxes(pdf, page))
    words = word_boxes(pdf, page)
    issuers = load_json(EXAMPLES / "notice.json")["notice"]["issuers"]
    date = next(box for box in words if box[0] == cn_date(load_json(EXAMPLES / "notice.json")["notice"]["date"]))
    assert len(seals) == 2
    for (x0, y0, x1, y1, smask), issuer in zip(seals, issuers, strict=True):
        name = next(box for box in words if box[0] == issuer)
        assert smask  # the PNG's transparency, kept
        assert (x1 - x0) == pytest.approx(42 * MM, abs=0.01)
        assert (x0 + x1) / 2 == pytest.approx((name[1] + name[3]) / 2, abs=0.5 * MM)  # 端正、居中
        centre = (y0 + y1) / 2
        assert centre < name[2] < centre + 5 * MM  # 署名 just below the seal's centre (居印章中心偏下)
        above = max(box[4] for box in words if box[4] < y0 + 1)  # the text over the seal: 附件说明
        assert above <= y0 + 0.5 * MM and y0 - above < LINE  # 印章顶端上距正文一行之内, not over it
    last = seals[-1]
    assert (last[0] + last[2]) / 2 == pytest.approx((date[1] + date[3]) / 2, abs=1 * MM)  # also presses the date
    assert (last[1] + last[3]) / 2 < date[2] and date[4] < last[3]
    assert seals[0][2] < seals[1][0]  # 互不相交或相切


def test_a_single_issuers_seal_presses_signature_and_date() -> None:
    record = load_json(EXAMPLES / "annual-plan.json")
    pdf = docgen.render(EXAMPLES / "annual-plan.json", "notice", to=["pdf"]).documents[0].pdf
    page = _seal_page(pdf)
    [(x0, y0, x1, y1, smask)] = image_boxes(pdf, page)
    words = word_boxes(pdf, page)
    name = next(box for box in words if box[0] == record["notice"]["issuers"][0])
    date = next(box for box in words if box[0] == cn_date(record["notice"]["date"]))
    assert smask
    assert (x0 + x1) / 2 == pytest.approx((name[1] + name[3]) / 2, abs=0.5 * MM)
    assert (x0 + x1) / 2 == pytest.approx((date[1] + date[3]) / 2, abs=1 * MM)
    assert (y0 + y1) / 2 < name[2] < date[2] < date[4] < y1


def test_agreement_seals_press_each_partys_name_and_signatures_sign() -> None:
    document = _agreement()
    anchors = _anchors(document.data)
    assert [a.find(qn("wp:docPr")).get("descr") for a in anchors] == ["甲方印章", "乙方印章", "丙方印章"]
    inline = open_docx(document.data).element.body.findall(f".//{qn('wp:inline')}")
    assert [i.find(qn("wp:docPr")).get("descr") for i in inline] == ["甲方签字", "乙方签字", "丙方签字"]
    record = load_json(EXAMPLES / "agreement-three-party.json")
    names = [record["agreement"]["party_a"]["name"], record["applicant"]["name"],
             record["project"]["third_party"]["name"]]
    pdf = document.pdf
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    boxes = [(page, box) for page in range(pages) for box in image_boxes(pdf, page)]
    seals = [(page, box) for page, box in boxes if abs(box[2] - box[0] - 40 * MM) < 0.01]
    signatures = [(page, box) for page, box in boxes if box[2] - box[0] < 37 * MM]
    assert len(seals) == 3 and len(signatures) == 3 and all(box[4] for _, box in boxes)
    for (page, (x0, y0, x1, y1, _)), name in zip(seals, names, strict=True):
        # the name's first line in the 盖章 cell (the column the seal is centred in), which the seal presses
        first = next(box for box in word_boxes(pdf, page)
                     if name.startswith(box[0]) and len(box[0]) > 2 and box[1] < x1 and box[3] > x0 and y0 < box[2] < y1)
        assert y0 < first[2] and first[4] < y1 and x0 < first[3] and first[1] < x1
        assert (y0 + y1) / 2 == pytest.approx((first[2] + first[4]) / 2, abs=2 * MM)


def _decoded_qr(pdf: bytes, page: int) -> str:
    zxingcpp = pytest.importorskip("zxingcpp")
    png = subprocess.run(["pdftoppm", "-r", "300", "-f", str(page + 1), "-l", str(page + 1), "-png", "-"],
                         input=pdf, capture_output=True, check=True).stdout
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return code.text


def _qr_box(pdf: bytes) -> tuple[int, tuple[float, float, float, float]]:
    """The last page and the QR code's box on it: the last image drawn there."""
    from pypdf import PdfReader

    last = len(PdfReader(io.BytesIO(pdf)).pages) - 1
    *_, (x0, y0, x1, y1, _) = image_boxes(pdf, last)
    return last, (x0, y0, x1, y1)


TEXT_LEFT, TEXT_RIGHT, TEXT_BOTTOM, PAGE_BOTTOM = 28 * MM, (28 + 156) * MM, (37 + 225) * MM, 297 * MM


def _assert_in_bottom_margin_clear_of_everything(pdf: bytes, page: int, box: tuple[float, ...]) -> None:
    """Under the 版心 (4 mm), at least 10 mm above the paper's edge, within the 版心's width, over nothing."""
    x0, y0, x1, y1 = box
    assert y0 == pytest.approx(TEXT_BOTTOM + 4 * MM, abs=0.5 * MM) and y1 <= PAGE_BOTTOM - 10 * MM
    assert x0 >= TEXT_LEFT - 0.5 and x1 <= TEXT_RIGHT + 0.5
    for word in word_boxes(pdf, page):  # the page number, the 版记, any text
        assert word[3] <= x0 or word[1] >= x1 or word[4] <= y0 or word[2] >= y1, f"QR code over {word[0]}"
    for other in image_boxes(pdf, page)[:-1]:  # seals
        assert other[2] <= x0 or other[0] >= x1 or other[3] <= y0 or other[1] >= y1, "QR code over a seal"


def test_qr_code_decodes_to_the_kind_and_the_records_hash() -> None:
    """The notice's last page is the 版记's (even, numbered at the left): the code is centred under the 版心."""
    document = _notice(qr_code=True)
    expected = qr.payload("notice", docgen.validate(_joint_notice(), "notice").source.sha256)
    last, box = _qr_box(document.pdf)
    assert _decoded_qr(document.pdf, last) == expected
    _assert_in_bottom_margin_clear_of_everything(document.pdf, last, box)
    assert (box[0] + box[2]) / 2 == pytest.approx((TEXT_LEFT + TEXT_RIGHT) / 2, abs=0.5 * MM)
    assert len(_anchors(document.data)) == 3


def test_qr_code_of_a_form_flush_right_under_the_text_area() -> None:
    """Forms centre their page numbers: the code stands at the 版心's right edge, clear of the number."""
    source = EXAMPLES / "agreement-two-party.json"
    document = docgen.render(source, "agreement", to=["docx", "pdf"], qr=True).documents[0]
    last, box = _qr_box(document.pdf)
    assert _decoded_qr(document.pdf, last) == qr.payload("agreement", docgen.validate(source, "agreement").source.sha256)
    _assert_in_bottom_margin_clear_of_everything(document.pdf, last, box)
    assert box[2] == pytest.approx(TEXT_RIGHT, abs=0.5 * MM)
