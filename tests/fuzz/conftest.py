"""Hypothesis profiles of the hostile-input suite and the count of inputs it generated.

``make test`` runs the ``ci`` profile (a fixed, derandomised sample, about a minute); ``make fuzz`` runs
``fuzz`` (many more inputs, new ones each run, failures kept in .hypothesis/ and replayed first).
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                                       HealthCheck.filter_too_much]}
settings.register_profile("ci", max_examples=12, derandomize=True, database=None, **_COMMON)
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "400")), **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

GENERATED: dict[str, dict[int, int]] = {}  # test → exit code → inputs


def count(test: str, code: int) -> None:
    codes = GENERATED.setdefault(test, {})
    codes[code] = codes.get(code, 0) + 1


def pytest_terminal_summary(terminalreporter):
    if GENERATED:
        total = sum(n for codes in GENERATED.values() for n in codes.values())
        detail = "; ".join(f"{name} " + ", ".join(f"exit {code}: {n}" for code, n in sorted(codes.items()))
                           for name, codes in sorted(GENERATED.items()))
        terminalreporter.write_line(f"hostile inputs generated: {total} ({detail})")
