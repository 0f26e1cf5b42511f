"""Unit conversions from WordprocessingML measures to PDF points."""

from __future__ import annotations

EMU_PER_POINT = 12700


def twips(value: str | int | float | None, default: float = 0.0) -> float:
    """Convert twentieths of a point (``w:w``, ``w:ind`` …) to points."""
    if value is None:
        return default
    return float(value) / 20.0


def half_points(value: str | int | float | None, default: float) -> float:
    """Convert half-points (``w:sz``) to points."""
    if value is None:
        return default
    return float(value) / 2.0


def eighth_points(value: str | int | float | None, default: float = 0.0) -> float:
    """Convert eighths of a point (border ``w:sz``) to points."""
    if value is None:
        return default
    return float(value) / 8.0


def emu(value: str | int | float | None) -> float:
    """Convert English Metric Units (drawing extents) to points."""
    if value is None:
        return 0.0
    return float(value) / EMU_PER_POINT
