"""The import report: what was recognised; every change the rebuild will make, placeholder left,
object not imported and paragraph or cell not placed, each with its position; and a one-line
summary saying whether the import is complete or needs review."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ..core.errors import KhError

#: Longest text quoted in one entry; a longer one is cut at a word, never inside one.
QUOTE = 160


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
    corrections: list[Entry] = field(default_factory=list)     # what the recogniser changed on purpose
    changes: list[Entry] = field(default_factory=list)         # the rebuilt text against the source's
    placeholders: list[Entry] = field(default_factory=list)    # where: the YAML path
    objects: list[Entry] = field(default_factory=list)         # pictures, equations, comments, …
    notes: list[str] = field(default_factory=list)
    paragraphs: dict[str, int] = field(default_factory=lambda: {"structured": 0, "free_text": 0, "unplaced": 0})
    outputs: list[str] = field(default_factory=list)

    def free(self, where: str, text: str, why: str) -> None:
        self.free_text.append(Entry(where, short(text), why))

    def drop(self, where: str, text: str, why: str) -> None:
        self.unplaced.append(Entry(where, short(text), why))

    def fix(self, where: str, text: str, why: str) -> None:
        self.corrections.append(Entry(where, short(text), why))

    def placeholder(self, path: str, value: str, why: str) -> None:
        if not any(e.where == path for e in self.placeholders):
            self.placeholders.append(Entry(path, short(value), why))

    def object(self, where: str, text: str, what: str) -> None:
        self.objects.append(Entry(where, short(text), what))

    @property
    def placed_share(self) -> float:
        """Share of the source's paragraphs and cells placed (in structure or kept as written)."""
        total = sum(self.paragraphs.values())
        return (self.paragraphs["structured"] + self.paragraphs["free_text"]) / total if total else 1.0

    @property
    def structured_share(self) -> float:
        total = sum(self.paragraphs.values())
        return self.paragraphs["structured"] / total if total else 1.0

    @property
    def complete(self) -> bool:
        """Everything placed, no placeholder left, no object left out."""
        return not self.unplaced and not self.placeholders and not self.objects

    def summary(self) -> str:
        """One line: complete, or needs review and why."""
        if self.complete:
            return (f"Hoàn tất (complete): {sum(self.paragraphs.values())} đoạn và ô đều đặt được, không còn chỗ"
                    f" giữ chỗ; {len(self.changes)} thay đổi khi dựng lại (changes on rebuild) liệt kê ở trên")
        why = []
        if self.unplaced:
            why.append(f"{len(self.unplaced)} đoạn/ô không đặt được (not placed)")
        if self.placeholders:
            why.append(f"{len(self.placeholders)} chỗ giữ chỗ cần điền (placeholders)")
        if self.objects:
            why.append(f"{len(self.objects)} đối tượng không nhập (objects not imported)")
        return f"Cần xem lại (needs review): {'; '.join(why)}; {len(self.changes)} thay đổi khi dựng lại (changes)"

    def to_json(self) -> str:
        data = asdict(self)
        data["placed_share"] = round(self.placed_share, 4)
        data["structured_share"] = round(self.structured_share, 4)
        data["complete"] = self.complete
        data["summary"] = self.summary()
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)

    def to_text(self) -> str:
        lines = [f"Nhập (import): {self.source}"]
        lines += [f"  → {o}" for o in self.outputs]
        lines.append("Nhận ra (recognised):")
        for key, value in self.recognised.items():
            lines.append(f"  - {key}: {_fmt(value)}")
        p = self.paragraphs
        total = sum(p.values())
        lines.append(f"Đoạn văn và ô (paragraphs and cells): {total}; vào cấu trúc (structured) {p['structured']}, "
                     f"lời văn tự do (free text) {p['free_text']}, không đặt được (not placed) {p['unplaced']}")
        for title, entries in (("Sửa khi nhập (corrected on import)", self.corrections),
                               ("Dựng lại sẽ khác bản gốc (the rebuilt document differs)", self.changes),
                               ("Giữ nguyên lời văn (kept as free text)", self.free_text),
                               ("Chỗ giữ chỗ cần điền trong YAML (placeholders to fill)", self.placeholders),
                               ("Không nhập (objects not imported)", self.objects),
                               ("Không đặt được (not placed)", self.unplaced)):
            if entries:
                lines.append(f"{title}: {len(entries)}")
                lines += [f"  - {e.where}: {e.why}" + (f" — “{e.text}”" if e.text else "") for e in entries]
        if self.notes:
            lines.append("Ghi chú (notes):")
            lines += [f"  - {n}" for n in self.notes]
        lines.append(self.summary())
        return "\n".join(lines)


def short(text: str, n: int = QUOTE) -> str:
    """``text`` on one line, cut at the last word that fits (never inside a word) with "…"."""
    text = " ".join(str(text).split())
    if len(text) <= n:
        return text
    cut = text[: n - 1]
    if " " in cut and not text[n - 1].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + " …"


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_fmt(v) for v in value) if value else "(không có)"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_fmt(v)}" for k, v in value.items())
    return str(value)


class ImportFailure(KhError):
    """The document cannot be imported, or the result would overwrite a file."""

    exit_code = 1
