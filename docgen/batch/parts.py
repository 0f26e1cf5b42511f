"""Merged files split into parts: rows grouped by size, ``merged-001.docx`` … when one file would be too large.

A merge of tens of thousands of rows is more than Word, WPS, LibreOffice or python-docx open comfortably (and more
than pypdf should hold in memory to write merged.pdf), so rows are grouped in order into parts of at most a limit,
a row never split; one group keeps the plain name. Sizes are known before anything is written, so every part has
its final name and title from the start.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

from docgen.errors import UsageError

T = TypeVar("T")
_MAX_MB = 2000.0  # a zip entry without Zip64 holds 2 GiB


def group_by_size(items: Iterable[T], limit: int, size: Callable[[T], int]) -> list[list[T]]:
    """``items`` in consecutive groups whose sizes add up to at most ``limit`` (an item over it is a group alone)."""
    groups: list[list[T]] = []
    total = 0
    for item in items:
        item_size = size(item)
        if not groups or total + item_size > limit:
            groups.append([])
            total = 0
        groups[-1].append(item)
        total += item_size
    return groups


def part_paths(target: Path, count: int) -> list[Path]:
    """``[target]`` for one part, else ``stem-001.suffix`` … ``stem-NNN.suffix`` beside it."""
    if count == 1:
        return [target]
    return [target.with_name(f"{target.stem}-{n:03d}{target.suffix}") for n in range(1, count + 1)]


def remove_parts(target: Path) -> None:
    """Remove ``target`` and its parts left by an earlier run: they must not pass for this run's."""
    for path in [target, *target.parent.glob(f"{target.stem}-[0-9][0-9][0-9]{target.suffix}")]:
        with suppress(FileNotFoundError):
            path.unlink()


def part_title(title: str, number: int, count: int) -> str:
    """The document title of part ``number`` of ``count``."""
    return title if count == 1 else f"{title}（第 {number} 部分，共 {count} 部分）"


def limit_from_env(name: str, default_mb: float) -> int:
    """Bytes per part: ``$name`` megabytes, or ``default_mb``; a `UsageError` for a value that is not a size."""
    value = os.environ.get(name, "").strip()
    if not value:
        return int(default_mb * 1_000_000)
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = 0.0
    if not 0 < megabytes <= _MAX_MB:
        raise UsageError(f"环境变量 {name} 应为 0 到 {_MAX_MB:g} 之间的兆字节数，现为「{value}」")
    return int(megabytes * 1_000_000)


def split_message(what: str, parts: list[Path], limit: int, env: str) -> str:
    """The Chinese note telling the user a merge came out as several files, and why."""
    return (f"合并的 {what}超过 {limit / 1_000_000:g} MB，已按行分为 {len(parts)} 个文件：{parts[0].name} 至 "
            f"{parts[-1].name}；可用环境变量 {env} 调整每个文件的上限（MB）")
