"""Read plain text (a plan copied out of Word or a PDF) into a :class:`SourceDoc`.

Paragraphs are separated by blank lines; inside a paragraph a line that starts with a list
label starts a new paragraph, other lines are kept as line breaks (hard wrapping, or the lines
of a header block). Lines with tabs (or " | ", as ``kh text`` prints a row) are table rows; a
row with fewer cells than the table has its last cell spread over the rest (a group row). Text
copied out of Word has no blank lines: when hardly any line is blank, each line is a paragraph.
Lines starting with superscript digits
(¹ ² ³) are footnotes, attached to the matching mark in the text. ``**bold**``, ``*italic*``
and ``~~struck~~`` marks left by an export are read as emphasis.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from ..lang import legacy
from .report import ImportFailure
from .source import Cell, Para, Row, Run, SourceDoc, Table, merge_runs

#: Largest plain-text file read (as large as the main part of a .docx may be).
MAX_TEXT_FILE = 16 << 20

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_LINE = re.compile(f"^([{SUPERSCRIPTS}]+)\\s*(.*)$")
_SUP_MARK = re.compile(f"[{SUPERSCRIPTS}]+")
_LIST_LINE = re.compile(r"^(?:[-–+•]\s|[a-zđ]\)\s|\d+(?:\.\d+)*\.\s|[IVXLC]+\.\s)")
_EMPH = re.compile(r"(\*\*\*|\*\*|\*|~~)")
_DOC_TYPE = re.compile(r"^\**(KẾ HOẠCH|QUYẾT ĐỊNH)\**$")
_APPENDIX_LINE = re.compile(r"^\**Phụ lục(\s+[IVXLC]+)?\**$", re.I)
_ATTACHED_LINE = re.compile(r"^\((Ban hành )?[Kk]èm theo ")
_HEADER_COLUMNS = re.compile(r"^(?=.*(?:CỘNG HÒA|Độc lập|Số:|, ngày|ỦY BAN|[A-ZĐ]{3,} [A-ZĐ]{2,})).+? {3,}\S")


_COLUMN_GAP = re.compile(r" {3,}(?=CỘNG HÒA|CỘNG HOÀ|Độc lập|(?:\S+ ?)+, ngày)")


def _two_columns(line: str) -> bool:
    """A header line laid out in two columns with spaces ("ỦY BAN NHÂN DÂN      CỘNG HÒA ...")."""
    return bool(_HEADER_COLUMNS.match(line)) and bool(_COLUMN_GAP.search(line))


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Text of a file in UTF-8 (with or without BOM), UTF-16, or a Windows code page; legacy
    Vietnamese encodings are converted. Returns the text and notes for the report."""
    notes: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            notes.append("tệp không phải UTF-8, đọc theo cp1252 (not UTF-8, read as cp1252)")
    enc = legacy.guess_encoding(text)
    if enc:
        text = legacy.decode(text, enc)
        notes.append(f"văn bản mã {enc.upper()} đã chuyển sang Unicode (legacy {enc.upper()} text converted)")
    if unicodedata.normalize("NFC", text) != text:
        text = unicodedata.normalize("NFC", text)
        notes.append("văn bản có chữ tổ hợp (NFD), đã chuẩn hóa NFC (decomposed text normalised to NFC)")
    return text, notes


def emphasis_runs(text: str) -> list[Run]:
    """Runs of ``text`` with its **bold** / *italic* marks read (unbalanced marks stay literal)."""
    parts = _EMPH.split(text)
    marks = [p for p in parts if _EMPH.fullmatch(p or "")]
    if any(marks.count(m) % 2 for m in set(marks)):
        return [Run(text)]
    runs: list[Run] = []
    bold = italic = False
    for part in parts:
        if part == "***":
            bold, italic = not bold, not italic
        elif part == "**":
            bold = not bold
        elif part == "*":
            italic = not italic
        elif part == "~~":
            continue
        elif part:
            runs.append(Run(part, bold, italic))
    return merge_runs(runs)


def _with_notes(runs: list[Run], notes: dict[int, str], used: list[int]) -> list[Run]:
    out: list[Run] = []
    for run in runs:
        pos = 0
        for m in _SUP_MARK.finditer(run.text):
            num = int(m.group().translate(str.maketrans(SUPERSCRIPTS, "0123456789")))
            if num not in notes:
                continue
            out.append(Run(run.text[pos:m.start()], run.bold, run.italic))
            out.append(Run("", note=emphasis_runs(notes[num])))
            used.append(num)
            pos = m.end()
        out.append(Run(run.text[pos:], run.bold, run.italic))
    return merge_runs(out)


def _cell(text: str, where: str) -> Cell:
    text = text.replace(" / - ", "\n- ").replace(" / + ", "\n+ ")   # kh's text output joins cell lines with " / "
    text = re.sub(r"<li>\s*", "\n- ", text)
    text = re.sub(r"</?(p|ul|ol|li|br)\s*/?>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    return Cell([Para(emphasis_runs(ln), where) for ln in lines])


def read_text(path: str | Path, text: str | None = None) -> SourceDoc:
    """Read a plain-text plan."""
    notes: list[str] = []
    if text is None:
        size = Path(path).stat().st_size
        if size > MAX_TEXT_FILE:
            raise ImportFailure(f"{path}: tệp văn bản {size // (1 << 20)} MB, quá giới hạn {MAX_TEXT_FILE >> 20} MB"
                                f" (text file too large)")
        text, notes = decode_bytes(Path(path).read_bytes())
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    footnotes: dict[int, str] = {}
    for line in lines:
        m = _SUP_LINE.match(line.strip())
        if m and m.group(2):
            footnotes[int(m.group(1).translate(str.maketrans(SUPERSCRIPTS, "0123456789")))] = m.group(2).strip()
    # footnotes listed at the end as "[1] ..." after a "-----" line (kh's own text output)
    bracketed: dict[int, str] = {}
    if any(re.fullmatch(r"-{5,}", ln.strip()) for ln in lines):
        cut = max(i for i, ln in enumerate(lines) if re.fullmatch(r"-{5,}", ln.strip()))
        for ln in lines[cut + 1:]:
            m = re.match(r"^\[(\d+)\]\s+(.+)$", ln.strip())
            if m:
                bracketed[int(m.group(1))] = m.group(2).strip()
        if bracketed and len(bracketed) == len([ln for ln in lines[cut + 1:] if ln.strip()]):
            lines = lines[:cut]
            text = "\n".join(lines)
            for num, note in bracketed.items():
                superscript = str(num).translate(str.maketrans("0123456789", SUPERSCRIPTS))
                text = text.replace(f"[{num}]", superscript, 1)
                footnotes[num] = note
            lines = text.split("\n")
    used: list[int] = []
    section = 0
    blocks: list[Para | Table] = []
    # text copied out of Word: one paragraph a line, hardly a blank line between them
    filled = sum(1 for ln in lines if ln.strip())
    per_line = filled >= 8 and sum(1 for ln in lines if not ln.strip()) < 0.15 * filled
    if per_line:
        notes.append("mỗi dòng một đoạn văn (one paragraph a line, as text copied out of Word)")
    current: list[tuple[int, str]] = []
    table: Table | None = None

    def flush() -> None:
        if not current:
            return
        groups: list[list[tuple[int, str]]] = [[current[0]]]
        for no, line in current[1:]:
            if _LIST_LINE.match(line) and (_LIST_LINE.match(groups[-1][0][1]) or len(current) > 1):
                groups.append([(no, line)])
            else:
                groups[-1].append((no, line))
        for group in groups:
            body = "\n".join(line for _, line in group)
            blocks.append(Para(_with_notes(emphasis_runs(body), footnotes, used), f"dòng {group[0][0]}",
                               section=section))
        current.clear()

    for no, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n ")
        stripped = line.strip()
        m = _SUP_LINE.match(stripped)
        if m and m.group(2) and int(m.group(1).translate(str.maketrans(SUPERSCRIPTS, "0123456789"))) in footnotes:
            flush()
            continue
        columns = line.split("\t") if "\t" in line else \
            stripped.split(" | ") if " | " in stripped else \
            _COLUMN_GAP.split(stripped, maxsplit=1) if _two_columns(stripped) else None   # " | ": kh text's cells
        if columns:
            flush()
            cells = [_cell(c, f"dòng {no}, ô {i}") for i, c in enumerate(columns, start=1)]
            if table is None:
                table = Table([], f"bảng ở dòng {no}", section)
                blocks.append(table)
            table.rows.append(Row(cells))
            continue
        if not stripped:
            flush()
            continue
        table = None
        stray = re.search(r"(?<=[.;:)])\s+\*[^\s*]\*$", stripped)   # "./. *Ư*": a mark left by an export
        if stray:
            notes.append(f"dòng {no}: bỏ ký tự lạ '{stray.group().strip()}' cuối dòng (stray export mark removed)")
            stripped = stripped[: stray.start()]
        if re.fullmatch(r"[=_]{5,}", stripped):   # a part separator line (kh's text output): a new section
            flush()
            table = None
            section += 1
            continue
        if _DOC_TYPE.match(stripped) or _APPENDIX_LINE.match(stripped) or stripped.startswith("Tên đơn vị:"):
            flush()   # "KẾ HOẠCH", "Phụ lục II" are paragraphs of their own even without a blank line
            current.append((no, stripped))
            flush()
            continue
        if current and _ATTACHED_LINE.match(stripped):
            flush()
        current.append((no, stripped))
        if per_line:
            flush()
    flush()
    for block in blocks:      # a short row's last cell spans the rest ("I | CẢI CÁCH THỂ CHẾ")
        if isinstance(block, Table):
            width = block.width
            for row in block.rows:
                short = width - sum(c.span for c in row.cells)
                if short > 0 and row.cells:
                    row.cells[-1].span += short
    doc = SourceDoc(str(path), blocks, {}, notes, formatted=False, per_line=per_line)
    return doc
