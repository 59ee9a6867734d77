"""The import report: what was recognised, what was kept as free text or not placed, and where."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ..core.errors import KhError


@dataclass
class Entry:
    where: str
    text: str
    why: str


@dataclass
class Report:
    source: str
    recognised: dict[str, Any] = field(default_factory=dict)
    free_text: list[Entry] = field(default_factory=list)
    unplaced: list[Entry] = field(default_factory=list)
    corrections: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    paragraphs: dict[str, int] = field(default_factory=lambda: {"structured": 0, "free_text": 0, "unplaced": 0})
    outputs: list[str] = field(default_factory=list)

    def free(self, where: str, text: str, why: str) -> None:
        self.free_text.append(Entry(where, _short(text), why))

    def drop(self, where: str, text: str, why: str) -> None:
        self.unplaced.append(Entry(where, _short(text), why))

    def fix(self, where: str, text: str, why: str) -> None:
        self.corrections.append(Entry(where, _short(text), why))

    @property
    def placed_share(self) -> float:
        total = sum(self.paragraphs.values())
        return self.paragraphs["structured"] / total if total else 1.0

    def to_json(self) -> str:
        data = asdict(self)
        data["placed_share"] = round(self.placed_share, 4)
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)

    def to_text(self) -> str:
        lines = [f"Nhập (import): {self.source}"]
        lines += [f"  → {o}" for o in self.outputs]
        lines.append("Nhận ra (recognised):")
        for key, value in self.recognised.items():
            lines.append(f"  - {key}: {_fmt(value)}")
        p = self.paragraphs
        total = sum(p.values())
        lines.append(f"Đoạn văn (paragraphs): {total}; vào cấu trúc (structured) {p['structured']}, "
                     f"lời văn tự do (free text) {p['free_text']}, không đặt được (not placed) {p['unplaced']}")
        for title, entries in (("Sửa khi nhập (corrected)", self.corrections),
                               ("Giữ nguyên lời văn (kept as free text)", self.free_text),
                               ("Không đặt được (not placed)", self.unplaced)):
            if entries:
                lines.append(f"{title}: {len(entries)}")
                lines += [f"  - {e.where}: {e.why} — “{e.text}”" for e in entries]
        if self.notes:
            lines.append("Ghi chú (notes):")
            lines += [f"  - {n}" for n in self.notes]
        return "\n".join(lines)


def _short(text: str, n: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_fmt(v) for v in value) if value else "(không có)"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_fmt(v)}" for k, v in value.items())
    return str(value)


class ImportFailure(KhError):
    """The document cannot be imported, or the result would overwrite a file."""

    exit_code = 1
