"""The 服务协议's facts: who the parties are, who is paid, and the two instalments of the contract.

Rules (`docgen.check.agreement`) and the template context (`docgen.context.agency`) both read these, so
the figures checked are exactly the figures printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from docgen.errors import ConfigError
from docgen.money import round_yuan
from docgen.policies import DEFAULT_POLICY, Policy, load_policy


@dataclass(frozen=True, slots=True)
class PaymentSchedule:
    """The two instalments of a contract: 预付款 on signing, 余款 after 验收合格."""

    amount: Decimal
    ratio: Decimal
    prepayment: Decimal
    balance: Decimal

    @property
    def balance_ratio(self) -> Decimal:
        """The share of the contract paid as 余款 (1 − the prepayment ratio)."""
        return 1 - self.ratio


def as_ratio(value: Any) -> Decimal:
    """A ratio from the record as an exact Decimal (JSON numbers are already Decimal; a float is read as written)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def payment_schedule(agreement: dict[str, Any]) -> PaymentSchedule:
    """预付款 = amount × ratio rounded half-up to the 分; 余款 = the rest, so the two always add up."""
    amount = agreement["amount"]
    ratio = as_ratio(agreement["prepayment_ratio"])
    prepayment = round_yuan(amount * ratio)
    return PaymentSchedule(amount, ratio, prepayment, amount - prepayment)


def is_three_party(record: dict[str, Any]) -> bool:
    """A project carried out by a third party needs a three-party agreement (内人社发〔2020〕16号 四（五））."""
    return record["project"]["implementation"] == "third_party"


def payee_role(record: dict[str, Any]) -> str:
    """Who is paid: the stated party, else the third party in a three-party agreement, else 乙方."""
    default = "party_c" if is_three_party(record) else "party_b"
    return record["agreement"]["payee"].get("party", default)


def party_name(record: dict[str, Any], role: str) -> str | None:
    """Name of 甲方 (``party_a``), 乙方 (``party_b``, the applicant) or 丙方 (``party_c``, the third party)."""
    if role == "party_a":
        return record["agreement"]["party_a"]["name"]
    if role == "party_b":
        return record["applicant"]["name"]
    return record["project"].get("third_party", {}).get("name")


@dataclass(frozen=True, slots=True)
class AllowedUses:
    """What the 工伤预防费 may pay for under a profile, and the article that says so."""

    uses: list[str]
    source: str

    @property
    def cited(self) -> str:
        """The article without its quoted text."""
        return self.source.split("：")[0]


def allowed_uses(policy: Policy) -> AllowedUses:
    """The profile's ``[allowed_uses]``; the national 办法's (第四条) when the profile has none."""
    rule = policy.rule("allowed_uses") or load_policy(DEFAULT_POLICY).rule("allowed_uses")
    if rule is None:
        raise ConfigError(f"政策规则 {DEFAULT_POLICY} 缺少 [allowed_uses]")
    return AllowedUses(list(rule["uses"]), rule.source)
