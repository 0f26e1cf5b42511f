"""Reading a record: JSON with every number kept exact (Decimal, never float)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.errors import InputError
from docgen.values import MAX_DEPTH, MAX_DIGITS, check_depth


@dataclass(frozen=True, slots=True)
class Source:
    """A record together with where it came from and the SHA-256 of its bytes.

    A record read from a workbook also has its findings from reading (``findings``) and where each field
    sits (``cells``: JSON Pointer → ``sheet!cell``).
    """

    data: dict[str, Any]
    sha256: str
    name: str = "<dict>"
    origin: Path | None = None
    findings: tuple[Any, ...] = ()
    cells: Mapping[str, str] = field(default_factory=dict)

    def cell(self, pointer: str) -> str:
        """The workbook cell of a field, or of its nearest parent that has one ("" for JSON)."""
        while pointer:
            if pointer in self.cells:
                return self.cells[pointer]
            pointer = pointer.rpartition("/")[0]
        return self.cells.get("", "")

    @property
    def base_dir(self) -> Path:
        """The folder relative paths in the record (attachments) are resolved against."""
        return self.origin.parent if self.origin else Path.cwd()


def parse_json(text: str | bytes, *, name: str = "<input>") -> Any:
    """Parse JSON keeping decimals exact; raise `InputError` with the line and column on bad JSON."""
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=_parse_int, parse_constant=Decimal)
    except RecursionError:
        raise InputError(f"{name} 的嵌套层数过深，不是有效的记录（最多 {MAX_DEPTH} 层）") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{name} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{_json_reason(exc)}") from None
    except UnicodeDecodeError:
        raise InputError(f"{name} 不是 UTF-8 编码的文本") from None
    check_depth(data, name=name)
    return data


def _parse_int(text: str) -> int | Decimal:
    # Python refuses int() of more than 4,300 digits; a Decimal keeps it, and `values` reports it as out of range.
    return int(text) if len(text) <= MAX_DIGITS else Decimal(text)


def read_record(path: str | Path) -> Source:
    """Read a JSON record file or a fill-in workbook (.xlsx); missing or malformed files raise `InputError`."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from docgen.workbook.read import read_workbook

        return read_workbook(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} 是目录，不是文件") from None
    except OSError as exc:
        raise InputError(f"无法读取 {path}：{exc.strerror}") from None
    data = parse_json(raw.removeprefix(b"\xef\xbb\xbf"), name=str(path))
    if not isinstance(data, dict):
        raise InputError(f"{path} 的顶层应为 JSON 对象（{{…}}），实际为{_json_kind(data)}")
    return Source(data=data, sha256=hashlib.sha256(raw).hexdigest(), name=str(path), origin=path.resolve())


def from_mapping(data: Mapping[str, Any]) -> Source:
    """Wrap an in-memory record; its hash is that of its canonical JSON form.

    Floats become Decimals by their shortest repr (``1200.5`` → ``Decimal("1200.5")``), the number a
    person typed; a float that is not finite becomes a Decimal NaN or Infinity, which validation reports.
    """
    check_depth(data)
    exact = _exact(data)
    canonical = json.dumps(exact, ensure_ascii=False, sort_keys=True, default=str)
    digest = hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
    return Source(data=dict(exact), sha256=digest)


def _exact(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {key: _exact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_exact(item) for item in value]
    return value


def _json_reason(exc: json.JSONDecodeError) -> str:
    reasons = {
        "Expecting value": "此处缺少值",
        "Expecting property name enclosed in double quotes": "字段名须用英文双引号括起（或多了一个逗号）",
        "Expecting ',' delimiter": "缺少英文逗号",
        "Expecting ':' delimiter": "缺少英文冒号",
        "Extra data": "JSON 结束后还有多余内容",
        "Unterminated string starting at": "字符串缺少结束引号",
        "Invalid control character at": "字符串中有未转义的控制字符（如换行）",
    }
    return reasons.get(exc.msg, exc.msg)


def _json_kind(value: Any) -> str:
    return {list: "数组", str: "字符串", bool: "布尔值", type(None): "null"}.get(type(value), "数字")
