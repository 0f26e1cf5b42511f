from decimal import Decimal

import pytest

from docgen.money import format_wan, format_yuan, rmb_upper, round_yuan, to_decimal

D = Decimal

# (amount, expected): official examples of 《支付结算办法》附一 in our convention (整 after 角),
# zeros in every position, small amounts, amounts beyond 亿, and half-up rounding.
RMB_UPPER_CASES = [
    # official examples
    ("1409.50", "壹仟肆佰零玖元伍角整"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    # under one 元 and zero
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("0.01", "壹分"),
    ("0.05", "伍分"),
    ("0.1", "壹角整"),
    ("0.50", "伍角整"),
    ("0.53", "伍角叁分"),
    # small whole amounts; ten is 壹拾
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("11", "壹拾壹元整"),
    ("15", "壹拾伍元整"),
    ("20", "贰拾元整"),
    ("100", "壹佰元整"),
    ("110", "壹佰壹拾元整"),
    # zeros inside the 元
    ("1001", "壹仟零壹元整"),
    ("1010", "壹仟零壹拾元整"),
    ("1100", "壹仟壹佰元整"),
    ("10000", "壹万元整"),
    ("10001", "壹万零壹元整"),
    ("100000", "壹拾万元整"),
    ("110000", "壹拾壹万元整"),
    ("300000", "叁拾万元整"),
    ("100100", "壹拾万零壹佰元整"),
    ("1000100", "壹佰万零壹佰元整"),
    ("1010101", "壹佰零壹万零壹佰零壹元整"),
    ("10000001", "壹仟万零壹元整"),
    ("107000", "壹拾万柒仟元整"),
    ("1007000", "壹佰万柒仟元整"),
    ("10010000", "壹仟零壹万元整"),
    # zeros between 元 and the decimals
    ("1.02", "壹元零贰分"),
    ("1.2", "壹元贰角整"),
    ("10.05", "壹拾元零伍分"),
    ("20.20", "贰拾元零贰角整"),
    ("100.10", "壹佰元零壹角整"),
    ("5000.5", "伍仟元零伍角整"),
    # 亿 and beyond, zeros across group boundaries
    ("100000001", "壹亿零壹元整"),
    ("100000010", "壹亿零壹拾元整"),
    ("100001000", "壹亿零壹仟元整"),
    ("100010000", "壹亿零壹万元整"),
    ("100007000", "壹亿零柒仟元整"),
    ("102000000", "壹亿零贰佰万元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("123000456", "壹亿贰仟叁佰万零肆佰伍拾陆元整"),
    ("120000000", "壹亿贰仟万元整"),
    ("123456789", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元整"),
    ("1000000000", "壹拾亿元整"),
    ("1000000001.01", "壹拾亿零壹元零壹分"),
    ("1234567890.12", "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元零壹角贰分"),
    ("10000000000", "壹佰亿元整"),
    ("9999999999.99", "玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # half-up rounding to the 分 before writing
    ("0.004", "零元整"),
    ("0.005", "壹分"),
    ("2.675", "贰元陆角捌分"),
    ("99999.995", "壹拾万元整"),
]


@pytest.mark.parametrize(("amount", "expected"), RMB_UPPER_CASES, ids=[a for a, _ in RMB_UPPER_CASES])
def test_rmb_upper(amount, expected):
    assert rmb_upper(D(amount)) == expected


@pytest.mark.parametrize(
    "amount",
    ["6007.14", "1001", "100000001", "10", "325.04", "16409.02", "100010000", "0.53", "123456789"],
)
def test_rmb_upper_agrees_with_cn2an_where_cn2an_is_official(amount):
    # cn2an differs from us on 整 after 角 and on 元零X角 (FACTS §5), so only these forms are compared.
    cn2an = pytest.importorskip("cn2an")
    assert rmb_upper(D(amount)) == cn2an.an2cn(amount, "rmb")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (D("-0.01"), "负数"),
        (D("-0.001"), "负数"),
        (D("-100"), "负数"),
        (D("1000000000000"), "金额过大"),
        (D("999999999999.995"), "金额过大"),  # rounds up to 1 万亿
        (D("NaN"), "有限"),
        (D("Infinity"), "有限"),
        (1.5, "Decimal"),
        (100, "Decimal"),
    ],
    ids=[
        "minus-cent",
        "minus-tenth-cent",
        "minus-100",
        "1-wan-yi",
        "rounds-to-1-wan-yi",
        "nan",
        "infinity",
        "float",
        "int",
    ],
)
def test_rmb_upper_rejects(amount, message):
    with pytest.raises(ValueError, match=message):
        rmb_upper(amount)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (D("2.675"), D("2.68")),
        (D("2.665"), D("2.67")),  # half-even would give 2.66
        (D("0.005"), D("0.01")),
        (D("0.004"), D("0.00")),
        (D("-2.675"), D("-2.68")),
        (D("7"), D("7.00")),
    ],
    ids=["2.675", "2.665-half-up-not-even", "0.005", "0.004", "negative", "integer"],
)
def test_round_yuan(amount, expected):
    result = round_yuan(amount)
    assert result == expected
    assert result.as_tuple().exponent == -2


def test_round_yuan_drops_negative_zero():
    assert str(round_yuan(D("-0.001"))) == "0.00"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (D("1234567.89"), "¥1,234,567.89"),
        (D("0"), "¥0.00"),
        (D("12"), "¥12.00"),
        (D("-12"), "-¥12.00"),
        (D("999.995"), "¥1,000.00"),
        (D("2.665"), "¥2.67"),
        (D("-0.001"), "¥0.00"),
        (D("123456789012.345"), "¥123,456,789,012.35"),
    ],
    ids=["millions", "zero", "whole", "negative", "carry", "half-up", "negative-zero", "large-half-up"],
)
def test_format_yuan(amount, expected):
    assert format_yuan(amount) == expected


def test_format_yuan_without_symbol():
    assert format_yuan(D("1234.5"), symbol=False) == "1,234.50"
    assert format_yuan(D("-0.5"), symbol=False) == "-0.50"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (D("300000"), "30.00"),
        (D("123456.78"), "12.3457"),
        (D("5000"), "0.50"),
        (D("12345"), "1.2345"),
        (D("123450"), "12.345"),
        (D("0"), "0.00"),
        (D("1"), "0.0001"),
        (D("0.5"), "0.0001"),
        (D("0.49"), "0.00"),
        (D("9999999"), "999.9999"),
        (D("10000000"), "1,000.00"),
        (D("12345000"), "1,234.50"),
        (D("-5000"), "-0.50"),
        (D("-0.4"), "0.00"),
    ],
    ids=lambda v: str(v),
)
def test_format_wan(amount, expected):
    assert format_wan(amount) == expected


def test_format_wan_rejects_float():
    with pytest.raises(ValueError):
        format_wan(300000.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1.5"), D("1.5")),
        (D("1.230"), D("1.23")),
        (D("1E+3"), D("1000")),
        (12, D("12")),
        (-3, D("-3")),
        ("1234.5", D("1234.5")),
        ("1234.56", D("1234.56")),
        ("-3.20", D("-3.2")),
        ("0", D("0")),
    ],
    ids=[
        "decimal",
        "decimal-trailing-zero",
        "decimal-exponent",
        "int",
        "negative-int",
        "str",
        "str-2dp",
        "negative-str",
        "zero-str",
    ],
)
def test_to_decimal_accepts(value, expected):
    result = to_decimal(value)
    assert isinstance(result, Decimal)
    assert result == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(1.5, id="float"),
        pytest.param(0.1, id="float-0.1"),
        pytest.param(True, id="true"),
        pytest.param(False, id="false"),
        pytest.param(None, id="none"),
        pytest.param([1], id="list"),
        pytest.param("abc", id="word"),
        pytest.param("", id="empty"),
        pytest.param(" 12", id="space"),
        pytest.param("1.234", id="str-3dp"),
        pytest.param("1e3", id="exponent"),
        pytest.param("1,234", id="comma"),
        pytest.param("NaN", id="nan-str"),
        pytest.param("Infinity", id="inf-str"),
        pytest.param("١٢", id="arabic-indic-digits"),
        pytest.param(".5", id="bare-point"),
        pytest.param(D("1.234"), id="decimal-3dp"),
        # 32 significant digits: normalize() would round this to 1 under the default context.
        pytest.param(D("1.0000000000000000000000000000001"), id="decimal-beyond-context-precision"),
        pytest.param(D("NaN"), id="decimal-nan"),
        pytest.param(D("sNaN"), id="decimal-snan"),
        pytest.param(D("-Infinity"), id="decimal-minus-inf"),
    ],
)
def test_to_decimal_rejects(value):
    with pytest.raises(ValueError):
        to_decimal(value)
