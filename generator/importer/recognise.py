"""Recognise a plan in a read document: header, title, bases, sections, assignments, closing block,
decision, appendices. Produces plain plan data (as a YAML file would hold it, units still by name),
what the organisation profile needs, and the report.

Every non-empty source paragraph is accounted for: placed in structure, kept as free text
(verbatim, where the model has no field for it), or listed as not placed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from . import refs, walk
from .report import ImportFailure, Report
from .source import Para, Run, SourceDoc, Table
from .text import Casing, drop_chars, find_label, is_upper, markup, strip_runs
from .tree import SectionTree

DOC_TYPES = ("KẾ HOẠCH", "QUYẾT ĐỊNH", "TỜ TRÌNH", "BÁO CÁO", "THÔNG BÁO", "CHỈ THỊ")
_NATIONAL = re.compile(r"^(CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM|"
                       r"Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc)$", re.I)
_NUMBER = re.compile(r"^Số\s*:\s*(\d*)\s*/\s*([A-ZĐa-zđ]+)\s*-\s*([A-ZĐ0-9-]+)\s*$")
#: The type name under the header → the plan's ``kind``; the abbreviation each prints in its number.
KIND_OF = {"KẾ HOẠCH": "Kế hoạch", "QUYẾT ĐỊNH": "Quyết định", "TỜ TRÌNH": "Tờ trình", "BÁO CÁO": "Báo cáo",
           "THÔNG BÁO": "Thông báo", "CHỈ THỊ": "Chỉ thị", "CÔNG VĂN": "Công văn"}
KIND_ABBRS = ("KH", "QĐ", "TTr", "BC", "TB", "CT", "NQ", "TTR")
_DATE = re.compile(r"^(?P<place>[^,]{2,60}),\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*"
                   r"năm\s*(?P<y>\d{4})\s*$")
_NUMBER_AND_DATE = re.compile(r"^(Số\s*:\s*\d*\s*/\s*\S+)\s+(\S.*,\s*ngày.*)$")
_ATTACHED = re.compile(r"^\((?:Ban hành )?[Kk]èm theo\s+(?P<ref>.+?)\)?$", re.S)
_AUTHORITY = re.compile(r"^(TM|KT|TL|TUQ|Q)(?:\s*[./]\s*|\s+)(\S.*)$")
#: An appendix label: "Phụ lục", "PHỤ LỤC II", "Phụ lục 1", "Phụ lục số 01:" (a title may follow a colon).
_APPENDIX = re.compile(r"^\**(?:PHỤ LỤC|Phụ lục)(?:\s+(?P<so>số\s*)?(?P<n>[IVXLC]+|\d{1,3}))?\**\s*[:.]?\**"
                       r"(?:\s*[:–-]?\s*(?P<rest>\S.*))?$", re.S)
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
        self.appendix_styles: list[tuple[str, str, str]] = []     # (style, number as typed, where)
        self.appendix_issuers: list[tuple[str, str]] = []         # (issuer of a "Kèm theo" line, where)
        self.intro_tables: list[tuple[Table, dict[str, Any]]] = []
        self.letter_subject: str | None = None       # a công văn's "V/v …"
        self.unit_symbol: str | None = None          # its drafting unit ("Số: …/SCT-CN")
        self.top_label: str | None = None            # how the first top-level section is numbered

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
            articles = self.decision()
            self.header()
            doc_type = self.doc_type()
            if doc_type is None:       # a Quyết định alone, not one issuing a plan
                return self.standalone_decision(articles)
            self.plan["decision"]["articles"] = self.text_articles(articles)
        elif doc_type is None and getattr(self, "letter_subject", None):
            doc_type = "CÔNG VĂN"
        if doc_type is None:
            self.report.notes.append("không thấy dòng tên loại 'KẾ HOẠCH' (no 'KẾ HOẠCH' title line found)")
        elif doc_type == "CÔNG VĂN":
            self.plan["subject"] = self.letter_subject
            self.report.recognised["trích yếu (subject)"] = f"V/v {self.letter_subject}"
            if getattr(self, "unit_symbol", None):
                self.plan["unit_symbol"] = self.unit_symbol
        else:
            self.subject(self.plan, attached_ok=True)
        if doc_type not in (None, "KẾ HOẠCH"):
            self.plan = {"kind": KIND_OF[doc_type], **self.plan}
            self.report.recognised = {"loại văn bản (kind)": KIND_OF[doc_type], **self.report.recognised}
        self.addressees()
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
        self.section_numbering()
        self.appendices()
        self.leftovers()
        self.finish()
        return Result(self.plan, self.org, self.report)

    def standalone_decision(self, articles: list[tuple[Para, list[Para | Table]]]) -> Result:
        """A Quyết định that issues no plan: ``kind: Quyết định`` with its authority, bases and articles
        (clauses "1.", points "a)" and tables inside an article as its body)."""
        dec = self.plan.pop("decision")
        plan: dict[str, Any] = {"kind": "Quyết định"}
        for key in ("number", "date"):
            if dec.get(key):
                plan[key] = dec[key]
        if "year" in self.plan:
            plan["year"] = self.plan["year"]
        plan["subject"] = dec.get("subject", "(Trích yếu)")
        if self.org.authority:
            plan["authority"] = self.org.authority
        if dec.get("bases"):
            plan["bases"] = dec["bases"]
        plan["articles"] = self.body_articles(articles)
        for key in ("recipients", "archive", "signer"):
            if dec.get(key):
                plan[key] = dec[key]
        self.plan = plan
        self.report.recognised = {"loại văn bản (kind)": "Quyết định", **self.report.recognised}
        self.appendices()
        self.leftovers()
        self.finish()
        return Result(self.plan, self.org, self.report)

    def addressees(self) -> None:
        """"Kính gửi: …" (one addressee on the line, or one per line after it) → ``to``."""
        self.skip_empty()
        block = self.peek()
        if not isinstance(block, Para):
            return
        m = re.match(r"^Kính\s*gửi\s*:?\s*", block.text)
        if not m:
            return
        names = [ln for ln in block.text[m.end():].split("\n") if ln.strip()]
        self.mark(block)
        self.i += 1
        while isinstance(self.peek(), Para) and (self.peek().text.startswith(("-", "–", "+")) or not self.peek().text):
            if self.peek().text:
                names.append(self.peek().text)
                self.mark(self.peek())
            self.i += 1
        names = [re.sub(r"[\s;.,]+$", "", re.sub(r"^[-–+•]\s*", "", n.strip())) for n in names]
        names = [n for n in names if n]
        if names:
            self.plan["to"] = names[0] if len(names) == 1 else names
            self.report.recognised["kính gửi (addressees)"] = "; ".join(names)

    def section_numbering(self) -> None:
        """``section_numbering`` when the top-level sections are numbered unlike the kind's default."""
        from ..model.doc_kinds import doc_kind

        top = getattr(self, "top_label", None)
        if top is None:
            return
        style = "roman" if top == "roman" else "arabic"
        if style != doc_kind(self.plan.get("kind")).numbering:
            self.plan["section_numbering"] = style

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
            self.letter_subject = self.unit_symbol = None

        while self.i < len(self.blocks):
            block = self.blocks[self.i]
            if isinstance(block, Para) and self.is_doc_type(block):
                self.agency_lines()
                return
            if isinstance(block, Para) and getattr(self, "letter_subject", None) and (
                    re.match(r"^Kính\s*gửi\b", block.text) or (block.text and not block.text.startswith("V/v")
                                                                and not is_upper(block.text))):
                self.agency_lines()
                return      # a công văn: its "V/v …" line read, "Kính gửi" or its text follows
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

    def agency_lines(self) -> None:
        """Agency lines none of them bold (no weight tells the parent body from the issuing one): the
        last names the issuer, the ones above its parent body, unless they start a name on their own
        ("ỦY BAN NHÂN DÂN" / "TỈNH LÀO CAI" is one name)."""
        if self.org.header or not self.org.parent or not self._collect_agency:
            return
        lines = self.org.parent
        if len(lines) == 1 or lines[0] in ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN"):
            self.org.header, self.org.parent = lines, []
        else:
            self.org.header, self.org.parent = lines[-1:], lines[:-1]

    def header_para(self, para: Para, left: bool) -> None:
        lines: list[tuple[str, bool]] = []
        for ln in self.lines(para):   # two columns laid out with tabs/spaces in one paragraph
            m = _NUMBER_AND_DATE.match(ln)
            parts = [m.group(1), m.group(2)] if m else re.split(r"\s+(?=CỘNG HÒA|CỘNG HOÀ|Độc lập)", ln, maxsplit=1)
            lines += [(part, k == 0) for k, part in enumerate(parts)]
        per_line = _bold_lines(para)      # a cell of lines with breaks: each line its own weight
        bold_lines = [(ln, per_line.get(" ".join(ln.split()), para.bold)) for ln, _ in lines]
        left_of = dict(lines)
        letter = False        # inside a công văn's "V/v …" (its trích yếu, maybe over two lines)
        for line, bold in bold_lines:
            line = line.strip()
            if not line or _RULE.match(line):
                continue
            m = re.match(r"^V/v\.?\s*(.*)$", line)
            if m or (letter and not is_upper(line) and not _NUMBER.match(line) and not _DATE.match(line)):
                self.mark(para)
                text = m.group(1) if m else line
                self.letter_subject = f"{self.letter_subject}\n{text}" if letter else text
                letter = True
                continue
            letter = False
            if _NATIONAL.match(line):
                self.mark(para)
                continue
            m = _NUMBER.match(line)
            if m:
                self.mark(para)
                self.number_line = (m.group(1), m.group(2), m.group(3))
                if m.group(2) in KIND_ABBRS:
                    self.org.symbol = self.org.symbol or m.group(3)
                else:      # a công văn's "Số: 123/SCT-CN": the body's symbol, then the drafting unit's
                    self.org.symbol = self.org.symbol or m.group(2)
                    self.unit_symbol = m.group(3)
                self.report.recognised["số, ký hiệu (number, symbol)"] = line
                continue
            m = _DATE.match(line)
            if m:
                self.mark(para)
                self.org.place = m.group("place").strip()
                self.place_date = (m.group("d"), m.group("m"), m.group("y"))
                self.date_where = para.where
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
            if not text or _RULE.match(text) or text.startswith("("):
                break
            if refs.is_basis(text) and (lines or not self.subject_line(para)):
                break
            if lines and (is_upper(text) or (self.doc.formatted and not para.bold)):
                break
            if not lines and refs.is_basis(text):
                self.report.recognised["trích yếu bắt đầu bằng căn cứ (subject opening like a basis)"] = \
                    text.split()[0] + " " + text.split()[1]
            lines += [self.content(para, emphasis=False).strip()] if "\n" not in text else \
                [ln.strip() for ln in text.split("\n") if ln.strip()]
            self.mark(para)
            self.i += 1
            if not self.doc.formatted and not (self.doc.per_line and len(lines) < 3):
                break
        if lines:
            subject = "\n".join(lines)
            target["subject"] = subject
            self.report.recognised.setdefault("trích yếu (subject)", []).append(subject.replace("\n", " / "))
        self.skip_empty()
        if attached_ok:
            self.attached_line()

    def subject_line(self, para: Para) -> bool:
        """A trích yếu that opens like a basis ("Thực hiện Đề án …"): bold or centred under the type
        name (a basis is neither), or in plain text a line that does not end like a clause."""
        text = para.text
        if text.startswith("Căn cứ") or text.rstrip().endswith((";", ",", ":")):
            return False
        if self.doc.formatted:
            return para.bold or para.align == "center"
        return True

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
        self.attached_text, self.attached_where = text, block.where
        return ref_text

    # ------------------------------------------------------------------ decision
    def decision(self) -> list[tuple[Para, list[Para | Table]]]:
        """The Quyết định before its plan (or alone): number, date, subject, authority, bases, closing
        block into ``plan["decision"]``; returns its articles as read ("Điều N." and what follows)."""
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
        if isinstance(block, Para) and is_upper(block.text) and not refs.is_basis(block.text) \
                and block.text.rstrip(":").strip().upper() != "QUYẾT ĐỊNH":
            self.org.authority = " ".join(block.text.split())
            self.report.recognised["thẩm quyền (authority)"] = self.org.authority
            self.mark(block)
            self.i += 1
        dec["bases"] = self.bases(stop=lambda p: p.text.rstrip(":").strip().upper() == "QUYẾT ĐỊNH")
        block = self.peek()
        if isinstance(block, Para) and block.text.rstrip(":").strip().upper() == "QUYẾT ĐỊNH":
            self.mark(block)
            self.i += 1
        articles: list[tuple[Para, list[Para | Table]]] = []
        end = self.find_closing_block(self.i)
        while self.i < end:
            block = self.blocks[self.i]
            self.i += 1
            if isinstance(block, Para) and not block.text:
                continue
            label = find_label(block.text) if isinstance(block, Para) else None
            if label and label.kind == "article":
                articles.append((block, []))
                self.mark(block)
            elif articles:
                articles[-1][1].append(block)
            else:
                for p in _paras_of(block):
                    if p.text:
                        self.report.drop(p.where, p.text, "đoạn trước 'Điều 1.' (before the first article)")
                        self.mark(p, "unplaced")
        last = articles[-1][1] if articles else []
        ends = [b for b in last if isinstance(b, Para)]
        if ends:
            _strip_para_end(ends[-1])
        elif articles:
            _strip_para_end(articles[-1][0])
        self.report.recognised["quyết định (decision)"] = f"{len(articles)} điều (articles)"
        self.i = end
        rec = self.closing_block()
        for text in rec.pop("after_end", None) or []:
            self.report.drop(self.blocks[self.i - 1].where, text, "dòng sau './.' của quyết định (not in the model)")
        dec.update({k: v for k, v in rec.items() if v})
        self.plan["decision"] = dec
        self.plan["date"] = date
        self.decision_date, self.decision_place = date, getattr(self, "place_date", None)
        self.number_line = None
        self.place_date = None
        return articles

    def text_articles(self, articles: list[tuple[Para, list[Para | Table]]]) -> list[Any]:
        """A decision issuing a plan: each article its paragraphs (as kh prints such a decision)."""
        out: list[Any] = []
        for head, rest in articles:
            label = find_label(head.text)
            texts = [self.content(head, label.length if label else 0)]
            for block in rest:
                if isinstance(block, Table):
                    for row in block.rows:
                        for cell in row.cells:
                            for p in cell.paras:
                                if p.text:
                                    self.report.drop(p.where, p.text, "bảng trong điều của quyết định ban hành kế"
                                                     " hoạch (a table in an article of a decision issuing a plan)")
                                    self.mark(p, "unplaced")
                    continue
                texts.append(self.content(block))
                self.mark(block)
            out.append(texts[0] if len(texts) == 1 else {"text": texts})
        return out

    def body_articles(self, articles: list[tuple[Para, list[Para | Table]]]) -> list[Any]:
        """A Quyết định's articles: a bold heading after "Điều N." is the title; the clauses "1.",
        points "a)", bullets and tables after it the article's ``body``."""
        out: list[Any] = []
        for head, rest in articles:
            label = find_label(head.text)
            runs = strip_runs(drop_chars(head.runs, label.length if label else 0))
            art: dict[str, Any] = {}
            visible = [r for r in runs if r.note is None and r.text.strip()]
            plain = "".join(r.text for r in runs if r.note is None).strip()
            if visible and all(r.bold for r in visible) and len(plain.split()) <= 20 and not plain.endswith("."):
                art["title"] = markup(runs, plain=True)
            elif plain:
                art["text"] = [markup(runs)]
            if head.text and label and head.text[label.length - 1:label.length].strip() == ":" or \
                    re.match(r"^Điều\s+\d+\s*:", head.text):
                self.report.fix(head.where, head.text, "'Điều N:' → 'Điều N.'")
            items = [b for b in rest if isinstance(b, Table) or b.text]
            structured = any(isinstance(b, Table) or self.label_of(b) for b in items)
            if structured:
                art["body"] = self.build_content(items)
            else:
                art.setdefault("text", []).extend(self.content(b) for b in items)
                for b in items:
                    self.mark(b)
            if "text" in art and len(art["text"]) == 1 and set(art) == {"text"}:
                out.append(art["text"][0])
            else:
                out.append(art)
        return out

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
        """Where the content ends: the recipients and signature (a table or paragraphs, with the label
        "Nơi nhận" however it is typed, or without it right after "./."), an appendix label, or the
        plan that follows its decision."""
        ended = False      # the last non-empty paragraph ended with "./."
        for j in range(start, len(self.blocks)):
            block = self.blocks[j]
            if isinstance(block, Table):
                if _recipients_row(block) is not None or (ended and self.signature_table(block)):
                    return j
                ended = False
                continue
            text = block.text
            if not text:
                continue
            if recipients_label(text):
                return j
            if j > start and self.appendix_label(block) is not None:
                return j
            if ended and (text.startswith(("-", "–")) or (_AUTHORITY.match(text) and is_upper(text))):
                return j    # recipients or a signature laid out as paragraphs, without the label
            if j > start and self.is_doc_type(block):
                # the plan attached to a decision starts: its header precedes this line
                k = j - 1
                while k > start and (isinstance(self.blocks[k], Table) or is_upper(self.blocks[k].text)
                                     or not self.blocks[k].text or _NATIONAL.match(self.blocks[k].text)):
                    k -= 1
                return k + 1
            ended = bool(re.search(r"\./\.\s*(\*\S*\*)?$", text))
        return len(self.blocks)

    def signature_table(self, table: Table) -> bool:
        """A table laid out as the closing block: a signer (position and name) in its last column."""
        for row in table.rows:
            if len(row.cells) < 2:
                continue
            lines = [ln.strip() for p in row.cells[-1].paras for ln in self.lines(p)]
            upper = [ln for ln in lines if is_upper(ln)]
            if upper and any(self._is_name(ln) for ln in lines):
                return True
        return False

    def appendix_label(self, para: Para) -> re.Match[str] | None:
        """The "Phụ lục …" label opening an appendix (a short line of its own, set apart: bold, centred,
        or in capitals), else None."""
        text = " ".join(para.text.split())
        m = _APPENDIX.match(text)
        if not m or len(text.split()) > 30:
            return None
        rest = m.group("rest") or ""
        if rest and not is_upper(rest) and not (self.doc.formatted and para.bold):
            return None
        if self.doc.formatted and not (para.bold or para.align == "center" or is_upper(text) or para.new_page):
            return None
        return m

    def closing_block(self) -> dict[str, Any]:
        """Nơi nhận (recipients, archive) and the signer, in a borderless table or as paragraphs."""
        out: dict[str, Any] = {"recipients": [], "archive": None, "signer": None}
        block = self.peek()
        left: list[Para] = []
        right: list[Para] = []
        if isinstance(block, Table) and (_recipients_row(block) is not None or self.signature_table(block)):
            first = _recipients_row(block) or 0
            for row in block.rows[:first]:   # lines printed after "./." in the same table (merged cells)
                for cell in row.cells:
                    for para in cell.paras:
                        text = markup(strip_runs(para.runs))
                        if text and text not in out.setdefault("after_end", []):
                            out["after_end"].append(text)
                        self.mark(para)
            for row in block.rows[first:]:
                left += row.cells[0].paras if len(row.cells) > 1 else []
                for cell in row.cells[1:] if len(row.cells) > 1 else row.cells:
                    right += cell.paras
            self.i += 1
        else:
            while isinstance(self.peek(), Para) and self.appendix_label(self.peek()) is None:
                para = self.peek()
                text = para.text
                if text and not left and not (recipients_label(text) or text.startswith(("-", "–"))):
                    break
                if text and left and not text.startswith(("-", "–")) and not recipients_label(text) \
                        and not re.match(r"^Lưu", text):
                    break
                left.append(para)
                self.i += 1
            while isinstance(self.peek(), Para) and self.appendix_label(self.peek()) is None:
                para = self.peek()
                if para.text and (self.is_doc_type(para) or _NATIONAL.match(para.text)):
                    break
                if para.text and any(is_upper(x) for x in self.lines(para)) and right and self._has_name(right):
                    break
                right.append(para)
                self.i += 1
                if self._has_name(right):
                    break
            if isinstance(self.peek(), Table) and not self._has_name(right) and self.signature_table(self.peek()):
                for row in self.peek().rows:     # the signature in a table under the recipients
                    for cell in row.cells:
                        right += cell.paras
                self.i += 1
        for para in left:
            for line in self.lines(para):
                line = line.strip().strip("*").strip()
                if not line:
                    continue
                label = recipients_label(line)
                if label:
                    self.mark(para)
                    typed = line[:label.end()].strip()
                    if typed != "Nơi nhận:":
                        self.report.fix(para.where, line, f"'{typed}' → 'Nơi nhận:'")
                    line = line[label.end():].strip()
                    if not line:
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
            joined = False
            if split:
                text, sep, intro = split
                self.plan.setdefault("intro", []).append(intro)
                joined = not text.startswith("Căn cứ")
                if not joined:   # the decree: each basis a line ending in ";", the last in "."; then the lead-in
                    self.report.fix(para.where, para.text, f"căn cứ và câu dẫn tách hai đoạn: '{sep}' → '.' và"
                                    " xuống dòng (the last basis ends with '.', the lead-in is a paragraph of its own)")
                elif sep != ";":
                    self.report.fix(para.where, para.text, f"căn cứ viết liền câu dẫn: '{sep}' → ';'")
            basis, how = refs.parse_basis(text)
            if joined:
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
            elif getattr(self, "number_line", None):   # a plan with its own number: the line is its subject's
                line = self.attached_text
                self.plan["subject"] = f"{self.plan['subject']}\n{line}" if self.plan.get("subject") else line
                self.report.recognised["kèm theo (attached to)"] = f"{line} — giữ trong trích yếu: kế hoạch có số" \
                    " riêng (kept in the subject: the plan has its own number)"
                self.report.fix(self.attached_where, line, "dòng '(… kèm theo …)' in trong trích yếu, chữ đậm như"
                                " trích yếu (printed as the subject's last line, bold like it)")
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
        self.body(self.blocks[self.i:end])

    def body(self, blocks: list[Para | Table]) -> None:
        items: list[Para | Table] = [b for b in blocks if isinstance(b, Table) or (b.text and not _RULE.match(b.text))]
        items = self.join_page_splits(items)
        ends = [k for k, p in enumerate(items) if isinstance(p, Para) and re.search(r"\./\.\s*(\*\S*\*)?$", p.text)]
        if ends:   # after "./.": lines before "Nơi nhận", or a seal / drafter's mark
            for p in items[ends[-1] + 1:]:
                paras = [p] if isinstance(p, Para) else [x for r in p.rows for c in r.cells for x in c.paras if x.text]
                for x in paras:
                    if isinstance(p, Table) or is_upper(x.text) or "decision" in self.plan \
                            or "attached_to" in self.plan:
                        self.report.drop(x.where, x.text, "sau dấu './.' kết thúc nội dung"
                                         " (after the end of the content)")
                        self.mark(x, "unplaced")
                    else:
                        self.plan.setdefault("after_end", []).append(markup(strip_runs(x.runs)))
                        self.mark(x)
            items = items[: ends[-1] + 1]
        # closing: from the last "Trên đây ..." paragraph, when only unlabelled text follows
        closing: list[Para] = []
        for k in range(len(items) - 1, -1, -1):
            item = items[k]
            if isinstance(item, Table):
                break
            if _CLOSING_START.match(item.text) and not any(self.label_of(p) for p in items[k:]):
                closing = items[k:]
                items = items[:k]
                break
        last = closing[-1] if closing else next((p for p in reversed(items) if isinstance(p, Para)), None)
        if last is not None:
            _strip_para_end(last)
        tree = self.build_tree(items)
        self.plan.setdefault("intro", [])
        self.plan["sections"] = tree
        self.italic_basis_in_intro(items)
        for table, _ in self.intro_tables:
            for row in table.rows:
                for cell in row.cells:
                    for p in cell.paras:
                        if p.text:
                            self.report.drop(p.where, p.text, "bảng trước mục I: mô hình chưa có chỗ cho bảng ở"
                                             " câu dẫn (a table before section I has no place in the model)")
                            self.mark(p, "unplaced")
        if closing:
            self.plan["closing"] = [self.content(p) for p in closing]
            for p in closing:
                self.mark(p)
            self.report.recognised["câu kết (closing)"] = closing[0].text[:80]

    def italic_basis_in_intro(self, items: list[Para | Table]) -> None:
        """A lead-in paragraph opening "Căn cứ …" when the document has no bases of its own: the decree
        (and both checkers) read it as the basis, in italics; kh prints it so."""
        intro = self.plan.get("intro") or []
        if self.plan.get("bases") or not intro:
            return
        for k, text in enumerate(intro):
            if text.startswith("Căn cứ"):
                if "**" not in text and not (text.startswith("*") and text.endswith("*")):
                    intro[k] = "*" + re.sub(r"(?<!\\)\*", "", text) + "*"    # italic throughout
                    where = next((p.where for p in items if isinstance(p, Para) and p.text.startswith(text[:40])), "")
                    self.report.fix(where, text, "đoạn 'Căn cứ …' trước nội dung in nghiêng như căn cứ ban hành"
                                    " (Phụ lục I §II.6.a: printed in italics, as a basis)")
                return

    def join_page_splits(self, paras: list[Para | Table]) -> list[Para | Table]:
        """Plain text only: a paragraph cut by a page break (next one starts in lower case, or the
        previous one stops mid-sentence) is joined back; not in text with one paragraph a line."""
        if self.doc.formatted or self.doc.per_line:
            return paras
        out: list[Para | Table] = []
        for p in paras:
            prev = out[-1] if out else None
            if isinstance(p, Table) or not isinstance(prev, Para):
                out.append(p)
                continue
            starts_low = p.text[:1].islower()
            if not self.label_of(p) and not is_upper(p.text) and (
                    starts_low or (not _TERMINAL.search(prev.text) and len(prev.text) > 60)):
                prev.runs = prev.runs + [Run(" ")] + p.runs
                self.report.fix(p.where, p.text, f"nối vào đoạn trước ở {prev.where} (page-split paragraph joined)")
                self.mark(p)
                continue
            out.append(p)
        return out

    # ------------------------------------------------------------------ appendices
    def appendices(self) -> None:
        """The appendices after the closing block. One starts at a "Phụ lục" label; or, without a
        label, at a heading followed by its "(Kèm theo …)" line, or on a new page right after the
        signature. An unlabelled one that follows the signature on the same page stays there
        (``placement: after_signature``); a page or section break, or more pages of the same
        appendix (a landscape table), continue the appendix it is in."""
        from .tables import read_appendix

        starts: list[tuple[int, re.Match[str] | None, bool]] = []
        first = True
        filled = False     # the appendix begun has content past its heading
        broke = False      # a page or section break since the signature
        prev = self.blocks[self.i - 1].section if 0 < self.i <= len(self.blocks) else 0
        for k in range(self.i, len(self.blocks)):
            block = self.blocks[k]
            if isinstance(block, Para) and not block.text:
                broke = broke or block.new_page or block.section != prev
                prev = block.section
                continue
            new_page = block.new_page or block.section != prev
            broke = broke or new_page
            prev = block.section
            label = self.appendix_label(block) if isinstance(block, Para) else None
            if label is not None:
                starts.append((k, label, False))
                filled = False
            elif isinstance(block, Para) and (not starts or filled) and self.opens_appendix(k):
                starts.append((k, None, first and not broke))
                filled = False
            elif first and new_page:
                starts.append((k, None, False))
                filled = False
            elif not starts:
                break
            else:      # the appendix has content once past its heading block
                filled = filled or isinstance(block, Table) or not (block.bold or is_upper(block.text)
                                                                    or block.text.startswith("("))
            first = False
        for n, (k, label, after) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(self.blocks)
            if label is not None:
                self.mark(self.blocks[k])
                style = "so" if label.group("so") else "arabic" if (label.group("n") or "").isdigit() else "roman"
                if label.group("n"):
                    self.appendix_styles.append((style, label.group("n"), self.blocks[k].where))
            app = read_appendix(self, self.blocks[k + 1 if label is not None else k:end], label, after)
            if app is not None:
                self.plan.setdefault("appendices", []).append(app)
            self.i = end
        self.numbering_of_appendices()

    def opens_appendix(self, k: int) -> bool:
        """An unlabelled appendix opens at block ``k``: a heading (bold or in capitals) followed, within
        a few lines, by its "(Kèm theo …)" line."""
        block = self.blocks[k]
        unit_line = isinstance(block, Para) and block.text.startswith("Tên đơn vị")   # a report form's first line
        if not isinstance(block, Para) or block.text.startswith("(") or not (
                block.bold or is_upper(block.text) or unit_line):
            return False
        seen = 0
        for j in range(k + 1, min(len(self.blocks), k + 8)):
            nxt = self.blocks[j]
            if not isinstance(nxt, Para):
                return False
            if not nxt.text:
                continue
            if re.match(r"^\((Ban hành )?[Kk]èm theo\b", nxt.text):
                return True
            seen += 1
            heading = nxt.bold or is_upper(nxt.text) or nxt.align == "center" or not self.doc.formatted
            if seen > 3 or not heading:
                return False
        return False

    def numbering_of_appendices(self) -> None:
        """``appendix_numbering`` from the labels as typed ("Phụ lục số 01" → so, "Phụ lục 1" → arabic),
        and every label kh will write differently."""
        from ..model.content import appendix_number

        if not self.appendix_styles:
            return
        style = self.appendix_styles[0][0]
        if style != "roman" or len(self.plan.get("appendices", [])) == 1:
            self.plan["appendix_numbering"] = style     # written: a single appendix keeps its number too
        for n, (kind, typed, where) in enumerate(self.appendix_styles, start=1):
            want = appendix_number(n, style)
            have = f"số {typed}" if kind == "so" else typed
            if have != want:
                self.report.fix(where, f"Phụ lục {have}", f"'Phụ lục {have}' → 'Phụ lục {want}'")

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
            for what in p.objects:
                self.report.object(p.where, p.text, what)
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
                self.report.placeholder("archive", "VT", "không thấy nơi nhận: chỉ ghi 'Lưu: VT' (no recipients"
                                        " found)")
        issuers = [i for i, _ in self.appendix_issuers]
        if issuers and self.org.name and issuers[0] != self.org.name and "appendix_issuer" not in self.plan:
            self.plan["appendix_issuer"] = issuers[0]
            self.report.recognised["người ban hành ở dòng 'Kèm theo' (appendix issuer)"] = issuers[0]
        for issuer, where in self.appendix_issuers[1:]:
            if issuer != issuers[0]:
                self.report.fix(where, issuer, f"'của {issuer}' → 'của {issuers[0]}' (one issuer for every appendix)")
        pd = getattr(self, "place_date", None)
        if pd and pd[1] and not pd[0] and "date" not in self.plan:
            if 1 <= int(pd[1]) <= 12:
                self.plan["month"] = int(pd[1])
                self.report.recognised["tháng của dự thảo (a draft's month)"] = int(pd[1])
            else:
                self.report.fix(self.date_where, f"ngày … tháng {pd[1]} năm {pd[2]}", f"dự thảo: tháng {pd[1]} không"
                                " có thật, kh để trống tháng (no such month: left blank)")
        if self.plan.get("intro") == []:
            del self.plan["intro"]
        if self.plan.get("sections") == [] and self.plan.get("kind") not in (None, "Kế hoạch"):
            del self.plan["sections"]      # a công văn, a tờ trình without numbered sections
        date = self.plan.get("date")
        if "year" not in self.plan and not date:
            pd = getattr(self, "place_date", None)
            year = int(pd[2]) if pd else None
            year = year or (self.plan["decision"]["date"].year if self.plan.get("decision", {}).get("date") else None)
            self.plan["year"] = year or dt.date.today().year
            if not pd:
                self.report.notes.append("không thấy năm: dùng năm hiện tại (no year found: current year used)")
        colon = [s for s in walk.sections(self.plan.get("sections", [])) if s.get("assignments")]
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
        """The agency's name as running text writes it ("Ủy ban nhân dân Quận 3"): found in the text, or
        made from the header in capitals ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG" → "Ủy ban nhân dân tỉnh Lâm
        Đồng"; "UBND" written out)."""
        if not self.org.header:
            return None
        wanted = " ".join(" ".join(self.org.header).split())
        found: dict[str, int] = {}
        for text in dict.fromkeys([wanted, _expand(wanted)]):
            pattern = re.compile(re.escape(text), re.I)
            for p in self._paras_all():
                for m in pattern.finditer(" ".join(p.text.split())):
                    if not is_upper(m.group()):
                        found[m.group()] = found.get(m.group(), 0) + 1
        if found:
            return max(found, key=found.get)
        return name_from_header(_expand(wanted), self.casing)

#: Abbreviations of agency names in headers, written out in running text.
_ABBREVIATIONS = {"UBND": "ỦY BAN NHÂN DÂN", "HĐND": "HỘI ĐỒNG NHÂN DÂN", "TP.": "THÀNH PHỐ"}
#: Administrative units: lower case before a name ("tỉnh Lâm Đồng"), a capital before a number ("Quận 3").
_PLACE_WORDS = ("THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "TỈNH", "QUẬN", "HUYỆN", "XÃ", "PHƯỜNG", "ĐẶC KHU")
#: Kinds of body, written with one capital ("Ủy ban nhân dân", "Sở", "Văn phòng").
_BODY_WORDS = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "VĂN PHÒNG", "TRUNG TÂM", "CHI CỤC", "TỔNG CỤC", "BAN QUẢN LÝ",
               "SỞ", "PHÒNG", "BAN", "CỤC", "BỘ", "VIỆN", "TRƯỜNG", "ĐÀI", "BAN CHỈ ĐẠO")


def _expand(text: str) -> str:
    return " ".join(_ABBREVIATIONS.get(w, w) for w in text.split())


def name_from_header(text: str, casing: Casing) -> str:
    """An agency's name in capitals as running text writes it: the kind of body with one capital,
    an administrative unit in lower case before its name, the name's words capitalised, other
    words as the document's text writes them ("SỞ TÀI CHÍNH" → "Sở Tài chính")."""
    words = text.split()
    out: list[str] = []
    i = 0
    proper = False           # inside a place's name: every word capitalised
    while i < len(words):
        rest = " ".join(words[i:])
        body = next((b for b in _BODY_WORDS if rest == b or rest.startswith(b + " ")), None)
        place = next((p for p in _PLACE_WORDS if rest == p or rest.startswith(p + " ")), None)
        if body and not proper:
            n = len(body.split())
            out.append(" ".join(w.lower() for w in words[i:i + n]))
            i += n
            if i < len(words) and not any(" ".join(words[i:]).startswith(p) for p in _PLACE_WORDS):
                nxt = casing.sentence(words[i])
                out.append(nxt[:1].upper() + nxt[1:])     # "Sở Tài …": the body's own name
                i += 1
            continue
        if place:
            n = len(place.split())
            unit = " ".join(w.lower() for w in words[i:i + n])
            following = words[i + n] if i + n < len(words) else ""
            out.append(unit[:1].upper() + unit[1:] if following[:1].isdigit() else unit)
            i += n
            proper = True
            continue
        w = words[i]
        out.append(w if any(c.isdigit() for c in w) else w[:1] + w[1:].lower() if proper
                   else casing.sentence(w, first=False))
        i += 1
    name = " ".join(out)
    return name[:1].upper() + name[1:]


def _fold(text: str) -> str:
    """``text`` without diacritics, lower case, one character for one (positions kept)."""
    return "".join((unicodedata.normalize("NFD", c)[:1] or c).replace("đ", "d").replace("Đ", "d").lower()
                   for c in text)


_RECIPIENTS = re.compile(r"^[\W_]*no[i1]\s*nha[nm]\b\W*?(?::|\s|$)")


def recipients_label(text: str) -> re.Match[str] | None:
    """The label "Nơi nhận:" at the start of ``text`` however it is typed ("Noi nhận:", "Nơi nhân",
    "*Nơi nhận*:"): a match on ``text``'s positions, else None."""
    return _RECIPIENTS.match(_fold(text))


def _recipients_row(table: Table) -> int | None:
    """Index of the row whose first cell opens with the recipients label, if any."""
    for k, row in enumerate(table.rows):
        if row.cells and recipients_label(row.cells[0].text):
            return k
    return None


def _bold_lines(para: Para) -> dict[str, bool]:
    """Each line of ``para`` (cut at its soft line breaks) → whether all its visible text is bold."""
    out: dict[str, bool] = {}
    current: list[Run] = []
    for run in [*para.runs, Run("\n")]:
        if run.note is not None:
            continue
        pieces = run.text.split("\n")
        for k, piece in enumerate(pieces):
            if piece:
                current.append(Run(piece, run.bold, run.italic))
            if k < len(pieces) - 1:
                text = " ".join("".join(r.text for r in current).split())
                seen = [r.bold for r in current if r.text.strip()]
                if text:
                    out[text] = bool(seen) and all(seen)
                current = []
    return out


def _paras_of(block: Para | Table) -> list[Para]:
    """The paragraphs of a block: itself, or every cell's."""
    return [block] if isinstance(block, Para) else [p for r in block.rows for c in r.cells for p in c.paras]


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
