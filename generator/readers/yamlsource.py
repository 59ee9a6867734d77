"""YAML with positions: parse with libyaml when present, keep each value's line and column.

PyYAML's loaders silently keep the last of two equal keys; here a duplicate key is an error,
since a user's paragraph would otherwise vanish.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import PlanError, Problem

try:  # the C parser is ~8x faster on large plans and keeps marks all the same
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]


def path_text(path: Path_) -> str:
    """('sections', 1, 'points', 0) → 'sections[1].points[0]'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class Source:
    """Data loaded from one YAML file, with the position of every value and key."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int | None, int | None]:
        """1-based (line, column) of the value (or key) at ``path``, else of its nearest parent."""
        table = self.key_marks if key else self.marks
        p = tuple(path)
        if key and p in table:
            return table[p]
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), (None, None))

    def problem(self, path: Path_, message: str, *, key: bool = False, **kw: Any) -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.file, line, col, path_text(path), message, **kw)


_constructor = yaml.constructor.SafeConstructor()


def load(path: Path, display: str | None = None) -> Source:
    """Read and parse ``path``; raise :class:`PlanError` on unreadable or invalid YAML."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        msg = f"không đọc được tệp (cannot read file): {exc.strerror}"
        raise PlanError([Problem(name, None, None, "", msg)]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PlanError([Problem(name, line, None, "", "tệp không phải UTF-8 (file is not UTF-8)",
                                 hint="lưu lại tệp với mã hóa UTF-8 (save the file as UTF-8)")]) from exc
    return parse(text, name)


def parse(text: str, name: str) -> Source:
    """Parse YAML ``text`` (reported as file ``name``) into a :class:`Source`."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        msg = exc.problem or str(exc)
        raise PlanError([Problem(name, line, col, "", f"YAML không hợp lệ (invalid YAML): {msg}",
                                 hint=_yaml_hint(msg))]) from exc
    src = Source(name, None)
    problems: list[Problem] = []
    if node is None:
        src.marks[()] = (1, 1)
        src.data = {}
        return src
    src.data = _build(node, (), src, problems)
    if problems:
        raise PlanError(problems)
    return src


def _yaml_hint(msg: str) -> str | None:
    if "mapping values are not allowed" in msg:
        return "có dấu ':' trong lời văn? đặt cả đoạn trong dấu nháy '...' (quote text that contains ': ')"
    if "alias" in msg or "alphabetic or numeric character" in msg:
        return ("dòng bắt đầu bằng * hoặc & phải đặt trong dấu nháy: '**Đậm** ...'"
                " (quote text that starts with * or &)")
    if "found character '\\t'" in msg or "tab" in msg:
        return "YAML không dùng phím Tab để thụt lề; dùng dấu cách (indent with spaces, not tabs)"
    return None


def _build(node: yaml.Node, path: Path_, src: Source, problems: list[Problem]) -> Any:
    src.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _constructor.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                line = key_node.start_mark.line + 1
                problems.append(Problem(src.file, line, key_node.start_mark.column + 1, path_text(path),
                                        "khóa phải là chữ (a key must be a plain word)", found=repr(key)))
                continue
            key = str(key)
            kpath = path + (key,)
            kmark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in out:
                first = src.key_marks[kpath]
                problems.append(Problem(
                    src.file, kmark[0], kmark[1], path_text(kpath),
                    f"khóa '{key}' lặp lại, đã có ở dòng {first[0]} (duplicate key, first at line {first[0]})",
                    hint="gộp hai phần lại hoặc đổi tên một khóa: YAML chỉ giữ một (merge them: YAML keeps only one)"))
                continue
            src.key_marks[kpath] = kmark
            out[key] = _build(value_node, kpath, src, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, path + (i,), src, problems) for i, child in enumerate(node.value)]
    try:
        value = _constructor.construct_object(node)
    except (ValueError, yaml.constructor.ConstructorError) as exc:
        problems.append(Problem(src.file, node.start_mark.line + 1, node.start_mark.column + 1, path_text(path),
                                f"giá trị không hợp lệ (invalid value) '{node.value}': {exc}",
                                expected="ngày có thật dạng YYYY-MM-DD" if node.tag.endswith("timestamp") else None))
        return node.value
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    return value
