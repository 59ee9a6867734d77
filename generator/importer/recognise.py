"""Recognise a plan in a read document: header, title, bases, sections, assignments, closing block,
decision, appendices. Produces plain plan data (as a YAML file would hold it, units still by name),
what the organisation profile needs, and the report.

Every non-empty source paragraph is accounted for: placed in structure, kept as free text
(verbatim, where the model has no field for it), or listed as not placed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from . import refs
from .report import ImportFailure, Report
from .source import Para, Run, SourceDoc, Table
from .text import Casing, drop_chars, find_label, is_upper, markup, strip_runs
from .tree import SectionTree

DOC_TYPES = ("KẾ HOẠCH", "QUYẾT ĐỊNH")
_NATIONAL = re.compile(r"^(CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM|"
                       r"Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc)$", re.I)
_NUMBER = re.compile(r"^Số\s*:\s*(\d*)\s*/\s*([A-ZĐ]+)\s*-\s*([A-ZĐ0-9-]+)\s*$")
_DATE = re.compile(r"^(?P<place>[^,]{2,60}),\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*"
                   r"năm\s*(?P<y>\d{4})\s*$")
_NUMBER_AND_DATE = re.compile(r"^(Số\s*:\s*\d*\s*/\s*\S+)\s+(\S.*,\s*ngày.*)$")
_ATTACHED = re.compile(r"^\((?:Ban hành )?[Kk]èm theo\s+(?P<ref>.+?)\)?$", re.S)
_AUTHORITY = re.compile(r"^(TM|KT|TL|TUQ|Q)\s*[./]?\s+(.+)$")
_APPENDIX = re.compile(r"^PHỤ LỤC(\s+[IVXLC]+|\s+\d+)?$", re.I)
_RULE = re.compile(r"^[-_=–—.\s]*$")
_TERMINAL = re.compile(r"[.;:!?]$")
_CLOSING_START = re.compile(r"^(Trên đây là|Trên đây)\b")



@dataclass
class OrgInfo:
    """What the document says about its issuing organisation."""

    header: list[str] = field(default_factory=list)
    parent: list[str] = field(default_factory=list)
    symbol: str | None = None
    place: str | None = None
    name: str | None = None
    authority: str | None = None
    request_word: str | None = None
    units: dict[str, bool] = field(default_factory=dict)       # name → requested ("Kính đề nghị")
    signers: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Result:
    plan: dict[str, Any]
    org: OrgInfo
    report: Report




class Recogniser(SectionTree):
    def __init__(self, doc: SourceDoc):
        self.doc = doc
        self.blocks = doc.blocks
        self.i = 0
        self.report = Report(doc.path)
        self.report.notes += doc.notes
        self.org = OrgInfo()
        self.plan: dict[str, Any] = {}
        self.status: dict[int, str] = {}
        self.casing = Casing([b.text for b in self._paras_all()])

    # ------------------------------------------------------------------ helpers
    def _paras_all(self) -> list[Para]:
        out: list[Para] = []
        for b in self.blocks:
            if isinstance(b, Para):
                out.append(b)
            else:
                out += [p for r in b.rows for c in r.cells for p in c.paras]
        return out

    def mark(self, para: Para, status: str = "structured") -> None:
        if para.text:
            self.status[id(para)] = status

    def peek(self) -> Para | Table | None:
        return self.blocks[self.i] if self.i < len(self.blocks) else None

    def skip_empty(self) -> None:
        while isinstance(self.peek(), Para) and (not self.peek().text or _RULE.match(self.peek().text)):
            self.i += 1

    def lines(self, para: Para) -> list[str]:
        return [ln for ln in para.text.split("\n") if ln.strip()]

    def content(self, para: Para, drop: int = 0, emphasis: bool = True) -> str:
        runs = strip_runs(drop_chars(para.runs, drop))
        if self.doc.formatted and any("\n" in r.text for r in runs):
            self.report.fix(para.where, para.text, "ngắt dòng mềm thành dấu cách (soft line break → space)")
        plain = not emphasis or (para.italic and not para.bold) or (para.bold and self.doc.formatted is False)
        return markup(runs, plain=plain)

    # ------------------------------------------------------------------ entry
    def run(self) -> Result:
        self.header()
        doc_type = self.doc_type()
        if doc_type == "QUYẾT ĐỊNH":
            self.decision()
            self.header()
            doc_type = self.doc_type()
        if doc_type is None:
            self.report.notes.append("không thấy dòng tên loại 'KẾ HOẠCH' (no 'KẾ HOẠCH' title line found)")
        else:
            self.subject(self.plan, attached_ok=True)
        body_end = self.find_closing_block(self.i)
        self.bases_and_body(body_end)
        self.i = body_end
        if "decision" not in self.plan and "attached_to" not in self.plan:
            rec = self.closing_block()
            for key, value in rec.items():
                if value and key == "after_end":
                    self.plan.setdefault(key, []).extend(value)
                elif value:
                    self.plan[key] = value
        self.appendices()
        self.leftovers()
        self.finish()
        return Result(self.plan, self.org, self.report)

    # ------------------------------------------------------------------ header
    def header(self) -> None:
        """Agency lines, number/symbol, place/date — in a table or as paragraphs before the title."""
        start = self.i
        self._collect_agency = not self.org.header
        saved = (len(self.report.unplaced), dict(self.status), list(self.org.header), list(self.org.parent),
                 dict(self.report.recognised), self.org.symbol, self.org.place)

        def undo() -> None:   # what was scanned was not a header after all
            self.i = start
            del self.report.unplaced[saved[0]:]
            self.status = saved[1]
            self.org.header, self.org.parent, self.report.recognised = saved[2], saved[3], saved[4]
            self.org.symbol, self.org.place = saved[5], saved[6]
            self.number_line = self.place_date = None

        while self.i < len(self.blocks):
            block = self.blocks[self.i]
            if isinstance(block, Para) and self.is_doc_type(block):
                return
            if isinstance(block, Table):
                if self.i > start + 12:
                    return
                for row in block.rows:
                    for c_i, cell in enumerate(row.cells):
                        for para in cell.paras:
                            self.header_para(para, left=c_i == 0)
            else:
                self.header_para(block, left=True)
            self.i += 1
            if self.i - start > 30:     # no title line near the top: not a header
                undo()
                return
        undo()   # no title line at all: nothing here was a header

    def header_para(self, para: Para, left: bool) -> None:
        lines: list[tuple[str, bool]] = []
        for ln in self.lines(para):   # two columns laid out with tabs/spaces in one paragraph
            m = _NUMBER_AND_DATE.match(ln)
            parts = [m.group(1), m.group(2)] if m else re.split(r"\s+(?=CỘNG HÒA|CỘNG HOÀ|Độc lập)", ln, maxsplit=1)
            lines += [(part, k == 0) for k, part in enumerate(parts)]
        bold_lines = [(ln, para.bold) for ln, _ in lines]
        left_of = dict(lines)
        for line, bold in bold_lines:
            line = line.strip()
            if not line or _RULE.match(line):
                continue
            if _NATIONAL.match(line):
                self.mark(para)
                continue
            m = _NUMBER.match(line)
            if m:
                self.mark(para)
                self.number_line = (m.group(1), m.group(2), m.group(3))
                self.org.symbol = self.org.symbol or m.group(3)
                self.report.recognised["số, ký hiệu (number, symbol)"] = line
                continue
            m = _DATE.match(line)
            if m:
                self.mark(para)
                self.org.place = m.group("place").strip()
                self.place_date = (m.group("d"), m.group("m"), m.group("y"))
                self.report.recognised["địa danh, ngày (place, date)"] = line
                continue
            if is_upper(line) and left and left_of.get(line, True):
                self.mark(para)
                if not self._collect_agency:
                    continue
                if self.doc.formatted and not bold and not self.org.header:
                    self.org.parent.append(line)
                else:
                    self.org.header.append(line)
                continue
            self.report.drop(para.where, line, "dòng ở phần tiêu đề không nhận ra (header line not recognised)")
            self.mark(para, "unplaced")

    def is_doc_type(self, para: Para) -> bool:
        return re.sub(r"\s+", " ", para.text.replace("*", "")).strip().upper() in DOC_TYPES and is_upper(para.text)

    def doc_type(self) -> str | None:
        self.skip_empty()
        block = self.peek()
        if isinstance(block, Para) and self.is_doc_type(block):
            self.mark(block)
            self.i += 1
            return re.sub(r"\s+", " ", block.text).strip().upper()
        return None

    def subject(self, target: dict[str, Any], attached_ok: bool) -> None:
        self.skip_empty()
        lines: list[str] = []
        while isinstance(self.peek(), Para):
            para = self.peek()
            text = para.text
            if not text or _RULE.match(text) or text.startswith("(") or refs.is_basis(text):
                break
            if lines and (is_upper(text) or (self.doc.formatted and not para.bold)):
                break
            lines += [self.content(para, emphasis=False).strip()] if "\n" not in text else \
                [ln.strip() for ln in text.split("\n") if ln.strip()]
            self.mark(para)
            self.i += 1
            if not self.doc.formatted:
                break
        if lines:
            subject = "\n".join(lines)
            target["subject"] = subject
            self.report.recognised.setdefault("trích yếu (subject)", []).append(subject.replace("\n", " / "))
        self.skip_empty()
        if attached_ok:
            self.attached_line()

    def attached_line(self) -> str | None:
        block = self.peek()
        if not isinstance(block, Para) or not block.text.startswith("("):
            return None
        parts = [block.text]
        paras = [block]
        j = self.i + 1
        while ")" not in parts[-1] and j < len(self.blocks) and isinstance(self.blocks[j], Para) and j < self.i + 4:
            if self.blocks[j].text:
                parts.append(self.blocks[j].text)
                paras.append(self.blocks[j])
            j += 1
        text = " ".join(" ".join(parts).split())
        m = _ATTACHED.match(text)
        if not m:
            return None
        for p in paras:
            self.mark(p)
        self.i = j
        ref_text = m.group("ref").rstrip(")").strip()
        ref = refs.parse_ref(refs.short_dates_to_words(ref_text).replace(" /", "/"))
        self.report.recognised["kèm theo (attached to)"] = ref_text
        self.attached = (ref_text, ref)
        return ref_text

    # ------------------------------------------------------------------ decision
    def decision(self) -> None:
        dec: dict[str, Any] = {}
        number = getattr(self, "number_line", None)
        if number and number[0]:
            dec["number"] = int(number[0])
        date = self.header_date()
        if date:
            dec["date"] = date
        self.subject(dec, attached_ok=False)
        self.skip_empty()
        block = self.peek()
        if isinstance(block, Para) and is_upper(block.text) and not refs.is_basis(block.text):
            self.org.authority = " ".join(block.text.split())
            self.report.recognised["thẩm quyền (authority)"] = self.org.authority
            self.mark(block)
            self.i += 1
        dec["bases"] = self.bases(stop=lambda p: p.text.rstrip(":").strip().upper() == "QUYẾT ĐỊNH")
        block = self.peek()
        if isinstance(block, Para) and block.text.rstrip(":").strip().upper() == "QUYẾT ĐỊNH":
            self.mark(block)
            self.i += 1
        articles: list[dict[str, Any]] = []
        end = self.find_closing_block(self.i)
        while self.i < end:
            block = self.blocks[self.i]
            self.i += 1
            if not isinstance(block, Para) or not block.text:
                continue
            label = find_label(block.text)
            if label and label.kind == "article":
                articles.append({"text": [self.content(block, label.length)]})
                self.mark(block)
            elif articles:
                articles[-1]["text"].append(self.content(block))
                self.mark(block)
            else:
                self.report.drop(block.where, block.text, "đoạn trước 'Điều 1.' (before the first article)")
                self.mark(block, "unplaced")
        if articles:
            _strip_end_mark(articles[-1]["text"])
        dec["articles"] = [a["text"][0] if len(a["text"]) == 1 else a for a in articles]
        self.report.recognised["quyết định (decision)"] = f"{len(articles)} điều (articles)"
        self.i = end
        rec = self.closing_block()
        for text in rec.pop("after_end", None) or []:
            self.report.drop(self.blocks[self.i - 1].where, text, "dòng sau './.' của quyết định (not in the model)")
        dec.update({k: v for k, v in rec.items() if v})
        self.plan["decision"] = dec
        self.plan["date"] = date
        self.number_line = None
        self.place_date = None

    def header_date(self) -> dt.date | None:
        pd = getattr(self, "place_date", None)
        if not pd or not pd[0] or not pd[1]:
            if pd:
                self.plan["year"] = int(pd[2])
            return None
        try:
            return dt.date(int(pd[2]), int(pd[1]), int(pd[0]))
        except ValueError:
            return None

    # ------------------------------------------------------------------ closing block
    def find_closing_block(self, start: int) -> int:
        for j in range(start, len(self.blocks)):
            block = self.blocks[j]
            if isinstance(block, Table) and _recipients_row(block) is not None:
                return j
            if isinstance(block, Para) and re.match(r"^\**Nơi nhận\s*:?", block.text):
                return j
            if isinstance(block, Para) and _APPENDIX.match(block.text):
                return j
            if j > start and isinstance(block, Para) and self.is_doc_type(block):
                # the plan attached to a decision starts: its header precedes this line
                k = j - 1
                while k > start and (isinstance(self.blocks[k], Table) or is_upper(self.blocks[k].text)
                                     or not self.blocks[k].text or _NATIONAL.match(self.blocks[k].text)):
                    k -= 1
                return k + 1
        return len(self.blocks)

    def closing_block(self) -> dict[str, Any]:
        """Nơi nhận (recipients, archive) and the signer, in a borderless table or as paragraphs."""
        out: dict[str, Any] = {"recipients": [], "archive": None, "signer": None}
        block = self.peek()
        left: list[Para] = []
        right: list[Para] = []
        if isinstance(block, Table) and _recipients_row(block) is not None:
            first = _recipients_row(block) or 0
            for row in block.rows[:first]:   # lines printed after "./." in the same table (merged cells)
                for cell in row.cells:
                    for para in cell.paras:
                        text = markup(strip_runs(para.runs))
                        if text and text not in out.setdefault("after_end", []):
                            out["after_end"].append(text)
                        self.mark(para)
            for row in block.rows[first:]:
                left += row.cells[0].paras
                for cell in row.cells[1:]:
                    right += cell.paras
            self.i += 1
        else:
            while isinstance(self.peek(), Para) and not _APPENDIX.match(self.peek().text):
                para = self.peek()
                text = para.text
                if text and not left and not re.match(r"^\**Nơi nhận", text):
                    break
                if text and left and not text.startswith(("-", "Nơi nhận")) and not re.match(r"^Lưu", text):
                    break
                left.append(para)
                self.i += 1
            while isinstance(self.peek(), Para) and not _APPENDIX.match(self.peek().text):
                para = self.peek()
                if para.text and (self.is_doc_type(para) or _NATIONAL.match(para.text)):
                    break
                if para.text and any(is_upper(x) for x in self.lines(para)) and right and self._has_name(right):
                    break
                right.append(para)
                self.i += 1
                if self._has_name(right):
                    break
        for para in left:
            for line in self.lines(para):
                line = line.strip().strip("*").strip()
                if not line:
                    continue
                if line.startswith("Nơi nhận"):
                    self.mark(para)
                    continue
                item = re.sub(r"^[-–•+]\s*", "", line)
                m = re.match(r"^Lưu\s*:?\s*(.*)$", item)
                if m:
                    if not re.match(r"^Lưu\s*:", item):
                        self.report.fix(para.where, line, "thêm dấu ':' sau 'Lưu' (Phụ lục I §II.9.b)")
                    out["archive"] = re.sub(r"[\s.;]+$", "", m.group(1))
                else:
                    out["recipients"].append(re.sub(r"[\s;.,]+$", "", item))
                self.mark(para)
        signer = self.signer(right)
        if signer:
            out["signer"] = signer
        self.report.recognised.setdefault("nơi nhận (recipients)", []).append(f"{len(out['recipients'])} nơi")
        if out["archive"]:
            self.report.recognised.setdefault("lưu (archive)", []).append(out["archive"])
        return out

    def _has_name(self, paras: list[Para]) -> bool:
        return any(self._is_name(ln) for p in paras for ln in self.lines(p))

    @staticmethod
    def _is_name(line: str) -> bool:
        ws = line.strip().strip("*").split()
        return 2 <= len(ws) <= 6 and all(w[:1].isalpha() and w[:1].isupper() and not w.isupper() for w in ws)

    def signer(self, paras: list[Para]) -> dict[str, Any] | None:
        lines: list[tuple[str, Para]] = []
        for para in paras:
            for line in self.lines(para):
                line = line.strip().strip("*").strip()
                if line and not _RULE.match(line):
                    lines.append((line, para))
        authority: list[str] = []
        position: str | None = None
        name: str | None = None
        for line, para in lines:
            m = _AUTHORITY.match(line)
            if is_upper(line) and m and position is None:
                fixed = f"{m.group(1)}. {m.group(2).strip()}"
                if fixed != line:
                    self.report.fix(para.where, line, f"'{line}' → '{fixed}'")
                authority.append(fixed)
                self.mark(para)
            elif is_upper(line) and name is None and not re.search(r"[\d/]", line):
                position = f"{position} {line}" if position else line
                self.mark(para)
            elif self._is_name(line) and name is None:
                name = line
                self.mark(para)
            else:
                self.report.drop(para.where, line, "dòng ở khối chữ ký không nhận ra (signature block line)")
                self.mark(para, "unplaced")
        if not name or not position:
            if name or position or authority:
                self.report.notes.append("khối chữ ký thiếu chức vụ hoặc họ tên (signer incomplete)")
            return None
        signer = {"authority": authority, "position": position, "name": name}
        if not authority:
            del signer["authority"]
        self.org.signers.append(signer)
        self.report.recognised.setdefault("người ký (signer)", []).append(
            " / ".join([*authority, position, name]))
        return signer

    # ------------------------------------------------------------------ bases, intro, body
    def bases(self, stop: Any = None) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        self.skip_empty()
        while isinstance(self.peek(), Para):
            para = self.peek()
            text = " ".join(para.text.split())
            if not text:
                self.i += 1
                continue
            if (stop and stop(para)) or not refs.is_basis(text):
                break
            split = refs.split_basis_intro(text) if stop is None else None
            if split:
                text, sep, intro = split
                self.plan.setdefault("intro", []).append(intro)
                if sep != ";":
                    self.report.fix(para.where, para.text, f"căn cứ viết liền câu dẫn: '{sep}' → ';'")
            basis, how = refs.parse_basis(text)
            if split:
                basis["with_intro"] = True
                self.report.recognised["căn cứ viết liền câu dẫn (basis joined with the lead-in)"] = text[:60]
            out.append(basis)
            self.mark(para, "free_text" if how == "text" else "structured")
            if how == "text":
                self.report.free(para.where, text, "căn cứ giữ nguyên lời văn (basis kept verbatim)")
            if how == "normalised":
                self.report.fix(para.where, text, "ngày viết số được viết lại 'ngày ... tháng ... năm ...'")
            self.i += 1
            if split:
                break
        kinds = [b.get("kind", "lời văn") for b in out]
        self.report.recognised.setdefault("căn cứ (bases)", []).append(
            f"{len(out)}: " + ", ".join(kinds) if out else "0")
        return out

    def bases_and_body(self, end: int) -> None:
        if "attached_to" not in self.plan and getattr(self, "attached", None):
            text, ref = self.attached
            if "decision" in self.plan:
                m = re.search(r"\scủa\s+(.+)$", text)
                if m:
                    self.plan["decision"]["issuer"] = m.group(1).strip()
            elif ref:
                self.plan["attached_to"] = ref
            else:
                self.report.notes.append(f"dòng 'Kèm theo' không phân tích được: {text}")
        if "decision" not in self.plan:
            number = getattr(self, "number_line", None)
            if number and number[0] and "attached_to" not in self.plan:
                self.plan["number"] = int(number[0])
            date = self.header_date()
            if date and "attached_to" not in self.plan:
                self.plan["date"] = date
        bases = self.bases()
        if bases:
            self.plan["bases"] = bases
        paras = [b for b in self.blocks[self.i:end]]
        self.body(paras)

    def body(self, blocks: list[Para | Table]) -> None:
        paras: list[Para] = []
        for b in blocks:
            if isinstance(b, Table):
                for row in b.rows:
                    for cell in row.cells:
                        for p in cell.paras:
                            self.report.drop(p.where, p.text, "bảng trong phần nội dung (table in the body)")
                            self.mark(p, "unplaced")
            elif b.text and not _RULE.match(b.text):
                paras.append(b)
        paras = self.join_page_splits(paras)
        ends = [k for k, p in enumerate(paras) if re.search(r"\./\.\s*(\*\S*\*)?$", p.text)]
        if ends:   # after "./.": lines before "Nơi nhận", or a seal / drafter's mark
            for p in paras[ends[-1] + 1:]:
                if is_upper(p.text) or "decision" in self.plan or "attached_to" in self.plan:
                    self.report.drop(p.where, p.text, "sau dấu './.' kết thúc nội dung (after the end of the content)")
                    self.mark(p, "unplaced")
                else:
                    self.plan.setdefault("after_end", []).append(markup(strip_runs(p.runs)))
                    self.mark(p)
            paras = paras[: ends[-1] + 1]
        # closing: from the last "Trên đây ..." paragraph, when only unlabelled text follows
        closing: list[Para] = []
        for k in range(len(paras) - 1, -1, -1):
            if _CLOSING_START.match(paras[k].text) and not any(self.label_of(p) for p in paras[k:]):
                closing = paras[k:]
                paras = paras[:k]
                break
        if closing or paras:
            _strip_para_end(closing[-1] if closing else paras[-1])
        tree = self.build_tree(paras)
        self.plan.setdefault("intro", [])
        self.plan["sections"] = tree
        if closing:
            self.plan["closing"] = [self.content(p) for p in closing]
            for p in closing:
                self.mark(p)
            self.report.recognised["câu kết (closing)"] = closing[0].text[:80]

    def join_page_splits(self, paras: list[Para]) -> list[Para]:
        """Plain text only: a paragraph cut by a page break (next one starts in lower case, or the
        previous one stops mid-sentence) is joined back."""
        if self.doc.formatted:
            return paras
        out: list[Para] = []
        for p in paras:
            prev = out[-1] if out else None
            starts_low = p.text[:1].islower()
            if prev is not None and not self.label_of(p) and not is_upper(p.text) and (
                    starts_low or (not _TERMINAL.search(prev.text) and len(prev.text) > 60)):
                prev.runs = prev.runs + [Run(" ")] + p.runs
                self.report.fix(p.where, p.text, f"nối vào đoạn trước ở {prev.where} (page-split paragraph joined)")
                self.mark(p)
                continue
            out.append(p)
        return out

    # ------------------------------------------------------------------ appendices
    def appendices(self) -> None:
        """Each appendix starts at a "Phụ lục" line or, in a Word file, on a new section (page)."""
        from .tables import read_appendix

        starts: list[tuple[int, bool]] = []
        prev = self.blocks[self.i - 1].section if 0 < self.i <= len(self.blocks) else 0
        for k in range(self.i, len(self.blocks)):
            block = self.blocks[k]
            if isinstance(block, Para) and not block.text:
                continue
            label = isinstance(block, Para) and bool(_APPENDIX.match(block.text))
            if label or block.section != prev:
                starts.append((k, label))
            elif not starts:
                break
            prev = block.section
        for n, (k, label) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(self.blocks)
            if label:
                self.mark(self.blocks[k])
            app = read_appendix(self, self.blocks[k + 1 if label else k:end], label)
            if app is not None:
                self.plan.setdefault("appendices", []).append(app)
            self.i = end

    # ------------------------------------------------------------------ the rest
    def leftovers(self) -> None:
        for block in self.blocks[self.i:]:
            paras = [block] if isinstance(block, Para) else [p for r in block.rows for c in r.cells for p in c.paras]
            for p in paras:
                if p.text and id(p) not in self.status:
                    self.report.drop(p.where, p.text, "sau phần cuối văn bản (after the end of the document)")
                    self.mark(p, "unplaced")

    def finish(self) -> None:
        if not self.plan.get("sections") and not self.plan.get("intro") and "subject" not in self.plan \
                and "decision" not in self.plan:
            raise ImportFailure(f"{self.doc.path}: không thấy nội dung kế hoạch (tiêu đề, trích yếu, các mục)"
                                " — không ghi gì (no plan content found; nothing written)")
        for p in self._paras_all():
            if not p.text or _RULE.match(p.text):
                continue
            status = self.status.get(id(p))
            if status is None:
                self.report.drop(p.where, p.text, "không đặt được (not placed)")
                status = "unplaced"
            self.report.paragraphs[status] += 1
        self.org.name = self.org.name or self.guess_name()
        if not self.org.header:
            self.infer_header()
        if not self.org.place and self.org.name:
            m = re.match(r"^Ủy ban nhân dân\s+(?:(?:quận|huyện|thị xã|phường|xã|thị trấn|tỉnh)\s+)?(.+)$",
                         self.org.name)
            if m:
                self.org.place = m.group(1)
                self.report.notes.append(f"địa danh suy ra từ tên cơ quan: '{self.org.place}' — kiểm tra lại"
                                         " (place inferred from the agency's name: check it)")
        if "subject" not in self.plan:
            self.plan["subject"] = "(Trích yếu)"
            self.report.notes.append("không thấy trích yếu: ghi tạm '(Trích yếu)' (no subject found: placeholder)")
        if "decision" not in self.plan and "attached_to" not in self.plan:
            if not self.plan.get("signer"):
                self.plan["signer"] = {"position": "(CHỨC VỤ)", "name": "(Họ và tên)"}
                self.report.notes.append("không thấy người ký: ghi tạm chức vụ, họ tên để điền"
                                         " (no signer found: placeholders written)")
            if not self.plan.get("recipients") and not self.plan.get("archive"):
                self.plan["archive"] = "VT"
                self.report.notes.append("không thấy nơi nhận: chỉ ghi 'Lưu: VT' (no recipients found)")
        if self.plan.get("intro") == []:
            del self.plan["intro"]
        date = self.plan.get("date")
        if "year" not in self.plan and not date:
            pd = getattr(self, "place_date", None)
            year = int(pd[2]) if pd else None
            year = year or (self.plan["decision"]["date"].year if self.plan.get("decision", {}).get("date") else None)
            self.plan["year"] = year or dt.date.today().year
            if not pd:
                self.report.notes.append("không thấy năm: dùng năm hiện tại (no year found: current year used)")
        colon = [s for s in _all_sections(self.plan.get("sections", [])) if s.get("assignments")]
        if colon and all(s.get("assignment_colon") for s in colon):
            for s in colon:
                del s["assignment_colon"]
            self.plan["assignment_colon"] = True
        self.report.recognised["mục (sections)"] = [_title_tree(s) for s in self.plan.get("sections", [])]
        if self.org.header:
            self.report.recognised = {"cơ quan (agency)": " / ".join(self.org.parent + self.org.header),
                                      **self.report.recognised}
        notes = sum(1 for p in self._paras_all() for r in p.runs if r.note is not None)
        if notes:
            self.report.recognised["chú thích cuối trang (footnotes)"] = notes

    def infer_header(self) -> None:
        """No header lines (lost in a text export): take the issuing body from the lead-in."""
        candidates = [f"{self.appendix_org} ban hành "] if getattr(self, "appendix_org", None) else []
        for text in candidates + self.plan.get("intro", []):
            m = re.match(r"^((?:Ủy ban nhân dân|UBND|Sở|Ban|Phòng|Văn phòng)\s.+?)\s+"
                         r"(?:ban hành|xây dựng|triển khai)\s", text)
            if m:
                name = m.group(1)
                self.org.name = name
                head = re.match(r"^(Ủy ban nhân dân|Sở [^ ]+(?: [^ ]+)?)\s+(.+)$", name)
                from ..lang.typography import upper_vi

                self.org.header = [upper_vi(head.group(1)), upper_vi(head.group(2))] if head else [upper_vi(name)]
                self.report.notes.append(f"không có dòng tên cơ quan ở tiêu đề: lấy từ câu dẫn '{name}'"
                                         " (no agency lines in the header: taken from the lead-in)")
                return

    def guess_name(self) -> str | None:
        """The agency's name as running text writes it ("Ủy ban nhân dân Quận 3")."""
        if not self.org.header:
            return None
        wanted = " ".join(" ".join(self.org.header).split())
        found: dict[str, int] = {}
        pattern = re.compile(re.escape(wanted), re.I)
        for p in self._paras_all():
            for m in pattern.finditer(" ".join(p.text.split())):
                if not is_upper(m.group()):
                    found[m.group()] = found.get(m.group(), 0) + 1
        if found:
            return max(found, key=found.get)
        first = self.casing.sentence(self.org.header[0])
        rest = " ".join(w[:1] + w[1:].lower() for line in self.org.header[1:] for w in line.split())
        # "Xã An Phú" → "xã An Phú", but "Quận 3" stays (ND30 writes the unit type in lower case
        # before a name, with a capital before a number)
        rest = re.sub(r"^(Xã|Phường|Quận|Huyện|Thị trấn|Thị xã)(?= [^\d\s])", lambda m: m.group(1).lower(), rest)
        return f"{first} {rest}".strip()


def _recipients_row(table: Table) -> int | None:
    """Index of the row whose first cell opens with "Nơi nhận", if any."""
    for k, row in enumerate(table.rows):
        if row.cells and row.cells[0].text.lstrip("*").startswith("Nơi nhận"):
            return k
    return None


def _all_sections(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [x for s in sections for x in [s, *_all_sections(s.get("sections", []))]]


def _strip_end_mark(texts: list[str]) -> None:
    if texts and isinstance(texts[-1], str):
        texts[-1] = re.sub(r"\s*\.?/\.\s*$", "", texts[-1]).rstrip() or texts[-1]


def _strip_para_end(para: Para) -> None:
    """Remove the "./." closing the content from the source paragraph (kh writes it back)."""
    for k in range(len(para.runs) - 1, -1, -1):
        run = para.runs[k]
        if run.note is None and run.text.strip():
            para.runs[k] = Run(re.sub(r"\s*\.?/\.\s*$", "", run.text), run.bold, run.italic)
            return


def _title_tree(section: dict[str, Any], depth: int = 0) -> str:
    title = section.get("title") or "(không tiêu đề)"
    kids = [_title_tree(s, depth + 1) for s in section.get("sections", [])]
    n = len(section.get("assignments", []) or [])
    return title + (f" [{n} đơn vị]" if n else "") + (f" ({'; '.join(kids)})" if kids else "")
