"""``kh check`` beyond validation: warnings (and errors where the document would be wrong).

Each finding points at file:line of the user's YAML with a hint. Rules (ids in brackets):

- [ngay-so-0]   a date typed in text that breaks ND30's leading-zero rule ("ngày 5 tháng 2")
- [can-cu-tu-do] a basis written as free text that could be structured (kind/number/date/...)
- [ket-thuc]    "./." typed by hand: kh adds it (error: the document would show "./../.")
- [can-cu-lap]  "Căn cứ" typed at the start of a basis: kh adds it (error: "Căn cứ Căn cứ")
- [noi-nhan]    a unit given tasks that is not among the recipients (assignments anywhere: shorthand,
                ``body`` blocks of sections, articles and appendices)
- [trung-can-cu] the same basis twice
- [trung-doan]  the same paragraph twice
- [dau-cach]    double spaces, a space before punctuation
- [so-tay]      numbering typed by hand: "I. ", "1. ", "a) ", "- " at the start of a title, list item
                or recipient, "Lưu:" in archive (error: kh numbers them, the document would show both);
                at the start of a ``body`` paragraph (error on the first paragraph of an untitled
                section, which carries kh's number; elsewhere a warning: a sub-section, points or
                bullets number themselves); a bare number as the first cell of a row of an ``stt: true``
                table (warning: kh's STT column numbers the rows)
- [nfd]         text in decomposed Unicode (NFD)                     — ``--fix`` makes it NFC
- [tcvn3]       text in the legacy TCVN3 (ABC) encoding                — ``--fix`` converts it
- [vni]         text in the legacy VNI encoding (reported, not fixed: the conversion is ambiguous)

A line carrying the comment ``# kh: ignore`` (or ``# kh: ignore <rule>``) is not reported; on a block
scalar's header line (``intro: >-  # kh: ignore``, where kh fmt puts the mark of a line it folds) it
covers the whole block. Values of the wrong type (``recipients: true``) are the reader's errors, skipped here.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import KhError, Problem
from ..lang.legacy import from_tcvn3, is_tcvn3, is_vni
from ..model.fields import TEXT_KINDS, Kind
from ..model.kinds import Root, kind_at
from ..yamlio.source import Path_, Source, path_text

# Keys whose strings are paragraphs of the document (titles, names and table cells are not).
PARAGRAPH_KEYS = {"text", "intro", "closing", "bullets", "points", "tasks", "articles", "task", "notes"}
_PARAGRAPH_KEYS = frozenset(PARAGRAPH_KEYS)


class FixRefused(KhError):
    """``--fix`` would lose a comment (or cannot read the file back): nothing written (exit 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Finding:
    """One lint finding; ``fix`` is the corrected string when the fix is certain."""

    rule: str
    path: Path_
    line: int | None
    message: str
    hint: str | None = None
    error: bool = False
    fix: str | None = None

    def problem(self, file: str) -> Problem:
        label = "lỗi (error)" if self.error else "cảnh báo (warning)"
        return Problem(file, self.line, None, path_text(self.path), f"{label} [{self.rule}]: {self.message}",
                       hint=self.hint)


# ------------------------------------------------------------------ text rules
_MONTHS_NEEDING_ZERO = {1, 2}
_DATE_WORDS = re.compile(r"\b[Nn]gày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_DATE_NUM = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_REF = re.compile(r"^(?:(Căn cứ|Thực hiện)\s+)?(Luật|Bộ luật|Nghị quyết|Nghị định|Quyết định|Chỉ thị|Thông tư|"
                  r"Kế hoạch|Công văn|Hướng dẫn|Thông báo|Chương trình)\s+số\s+(\S+/\S+)\s+ngày\s", re.I)
_HAND_NUMBER = re.compile(r"^\s*(?:(?:[IVXLC]+|\d+(?:\.\d+)*)\.|[a-zđ]\))\s+")
_HAND_LABEL = re.compile(r"^\s*(?:[-+•–]|[a-zđ]\)|\d+\.)\s+")
_HAND_DASH = re.compile(r"^\s*[-+•–]\s*")
_HAND_PARAGRAPH = re.compile(r"^\s*(?:(?:[IVXLC]+|\d+(?:\.\d+)*)\.|[a-zđ]\)|[-+•–])\s+")
_BARE_NUMBER = re.compile(r"^\s*(?:\d+|[IVXLC]+)\.?\s*$")
_HAND_ARCHIVE = re.compile(r"^\s*-?\s*Lưu\s*:?\s*", re.I)
_SPACE_PUNCT = re.compile(r"\S( +)([,;:.!?)])(?!/)")
_DOUBLE = re.compile(r"\S(  +)\S")


def _zero_rule(day: int, month: int, day_txt: str, month_txt: str) -> str | None:
    """The correctly zero-padded 'dd', 'mm' when the text breaks ND30's rule, else None."""
    want_day = f"{day:02d}" if day < 10 else str(day)
    want_month = f"{month:02d}" if month in _MONTHS_NEEDING_ZERO else str(month)
    if (day_txt, month_txt) != (want_day, want_month):
        return f"{want_day}|{want_month}"
    return None


def text_findings(text: str, path: Path_) -> Iterator[tuple[str, int, str, str | None, bool, str | None]]:
    """(rule, offset, message, hint, error, fix) for one prose string."""
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        yield ("nfd", 0, "chữ Việt ở dạng tổ hợp NFD (decomposed Unicode)",
               "chạy kh check --fix để chuyển sang NFC (run kh check --fix)", False, nfc)
        text = nfc
    if is_tcvn3(text):
        fixed = from_tcvn3(text)
        yield ("tcvn3", 0, f"văn bản mã TCVN3 (legacy TCVN3 encoding): '{text[:40]}' → '{fixed[:40]}'",
               "chạy kh check --fix để chuyển sang Unicode (run kh check --fix)", False, fixed)
        return
    if is_vni(text):
        yield ("vni", 0, f"văn bản có vẻ mã VNI (legacy VNI encoding): '{text[:40]}'",
               "chuyển mã bằng Unikey (Ctrl+Shift+F6) rồi dán lại (convert with a Vietnamese converter)",
               False, None)
        return
    for rx, words in ((_DATE_WORDS, True), (_DATE_NUM, False)):
        for m in rx.finditer(text):
            try:
                day, month = int(m.group(1)), int(m.group(2))
            except ValueError:
                continue
            if not (1 <= day <= 31 and 1 <= month <= 12):
                continue
            want = _zero_rule(day, month, m.group(1), m.group(2))
            if want:
                d, mo = want.split("|")
                good = f"{m.group(0)[:4]} {d} tháng {mo} năm {m.group(3)}" if words else f"{d}/{mo}/{m.group(3)}"
                yield ("ngay-so-0", m.start(), f"ngày gõ tay sai quy tắc số 0: '{m.group(0)}' (leading-zero rule)",
                       f"viết '{good}' (ngày dưới 10 và tháng 1, 2 có số 0 đứng trước)", False, None)
    stripped = text.rstrip()
    if stripped.endswith("./.") and path and path[0] in ("closing", "decision"):
        yield ("ket-thuc", len(stripped) - 3, "dấu './.' gõ tay: kh tự thêm, văn bản sẽ in './../.'"
               " (hand-typed end mark: the document would show it twice)",
               "bỏ './.' ở cuối (kh check --fix)", True, stripped[:-3].rstrip())
    for m in _DOUBLE.finditer(text):
        yield ("dau-cach", m.start(1), "hai dấu cách liền nhau (double space)", "chỉ để một dấu cách", False, None)
    for m in _SPACE_PUNCT.finditer(text):
        if text[m.start(2):m.start(2) + 3] in ("./.", "..."):
            continue
        yield ("dau-cach", m.start(1), f"dấu cách trước dấu '{m.group(2)}' (space before punctuation)",
               f"viết liền: '…{text[m.start():m.start(1)]}{m.group(2)}'", False, None)


# ------------------------------------------------------------------ walking the plan
def _strings(value: Any, path: Path_, last: frozenset[str] | None = None,
             root: Root = "plan") -> Iterator[tuple[Path_, str]]:
    """(path, text) of every text below ``value`` in document order: the strings the model calls prose
    or plain (:mod:`generator.model.fields`; codes and ``variables`` are left out).

    ``path``: where ``value`` sits in a file of kind ``root``. ``last``: only strings whose path's last
    key (its last string part) is one of these. Iterative: no recursion limit, and strings that cannot
    matter are passed over without a yield; kinds are worked out once per container shape.
    """
    shape = tuple(0 if isinstance(p, int) else p for p in path)
    if isinstance(value, str):
        keys = [p for p in path if isinstance(p, str)]
        if (last is None or (keys[-1] if keys else "") in last) and kind_at(shape, root) in TEXT_KINDS:
            yield path, value
        return
    if not isinstance(value, (dict, list)):
        return
    names = [p for p in path if isinstance(p, str)]
    # per container shape (its path, list indices as 0): its children's kinds by key
    kinds: dict[Path_, dict[Any, Kind]] = {}
    # (its children, its path, the last string key of that path, its shape)
    stack: list[tuple[Iterator[tuple[Any, Any]], Path_, str, Path_]] = [
        (iter(value.items()) if isinstance(value, dict) else enumerate(value), path, names[-1] if names else "",
         shape)]
    while stack:
        children, where, key_here, here = stack[-1]
        for k, v in children:
            step = k if isinstance(k, str) else 0
            key_v = k if isinstance(k, str) else key_here
            if isinstance(v, str):
                if last is None or key_v in last:
                    known = kinds.get(here)
                    if known is None:
                        known = kinds[here] = {}
                    kind = known.get(step)
                    if kind is None:
                        kind = known[step] = kind_at(here + (step,), root)
                    if kind in TEXT_KINDS:
                        yield where + (k,), v
            elif isinstance(v, dict):
                stack.append((iter(v.items()), where + (k,), key_v, here + (step,)))
                break
            elif isinstance(v, list):
                stack.append((enumerate(v), where + (k,), key_v, here + (step,)))
                break
        else:
            stack.pop()


#: Last keys of the strings :meth:`Linter.labels` looks at.
_LABEL_KEYS = frozenset({"title", "bullets", "points", "tasks", "articles", "text", "recipients", "archive", "body"})
#: Keys whose values are never walked for blocks: the user's own data.
_NOT_BLOCKS = frozenset({"variables"})


def _mappings(data: Any) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """(path, mapping) of every mapping of the plan in document order (``variables`` left out).
    Iterative: no recursion limit."""
    pending: list[tuple[Path_, Any]] = [((), data)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, dict):
            yield path, node
            children = [(path + (k,), v) for k, v in node.items() if k not in _NOT_BLOCKS]
        elif isinstance(node, list):
            children = [(path + (i,), v) for i, v in enumerate(node)]
        else:
            continue
        pending += [c for c in reversed(children) if isinstance(c[1], (dict, list))]


def _holder(data: Any, path: Path_) -> Any:
    """The value at ``path`` of ``data`` (None when the path does not lead anywhere)."""
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


class Linter:
    """Lint one loaded file (``src``: data with positions, ``lines``: its raw text)."""

    def __init__(self, src: Source, text: str, root: Root = "plan"):
        self.src = src
        self.text = text
        self.root = root      # "plan" or "org": which model describes the file
        self.findings: list[Finding] = []

    @functools.cached_property
    def lines(self) -> list[str]:
        """The file's lines (split when a finding first needs them)."""
        return self.text.splitlines()

    def line_of(self, path: Path_, offset: int = 0) -> int | None:
        """Line of character ``offset`` inside the string at ``path`` (block scalars followed line by line)."""
        line, _col = self.src.where(path)
        if line is None:
            return None
        raw = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        if re.search(r"[>|][-+]?\s*(#.*)?$", raw):
            line += 1
        if offset == 0:
            return line
        from ..yamlio.source import line_of_offset

        return line_of_offset(self.lines, line, offset)

    def add(self, rule: str, path: Path_, message: str, hint: str | None = None, *, offset: int = 0,
            error: bool = False, fix: str | None = None) -> None:
        line = self.line_of(path, offset)
        if self.ignored(rule, path, line):
            return
        self.findings.append(Finding(rule, path, line, message, hint, error, fix))

    def ignored(self, rule: str, path: Path_, line: int | None) -> bool:
        """True when ``# kh: ignore`` (or ``# kh: ignore <rule>``) ends the finding's line, or the line
        where its value starts (a block scalar's header: ``intro: >-  # kh: ignore``, as kh fmt writes)."""
        start = self.src.where(path)[0]
        for number in dict.fromkeys((line, start)):
            if number is None or not 0 < number <= len(self.lines):
                continue
            m = re.search(r"#\s*kh:\s*ignore\b(.*)$", self.lines[number - 1])
            if m and (not m.group(1).strip() or rule in m.group(1)):
                return True
        return False

    # -- rules
    def prose(self) -> None:
        for path, text in _strings(self.src.data, (), root=self.root):
            for rule, offset, message, hint, error, fix in text_findings(text, path):
                self.add(rule, path, message, hint, offset=offset, error=error, fix=fix)

    def labels(self) -> None:
        """Numbers, letters, dashes and 'Lưu:' typed by hand where kh writes them."""
        for path, text in _strings(self.src.data, (), _LABEL_KEYS):
            keys = [p for p in path if isinstance(p, str)]
            last = keys[-1] if keys else ""
            item = bool(path) and isinstance(path[-1], int)
            rx = None
            if last == "title" and ("sections" in keys or "body" in keys):
                rx = _HAND_NUMBER
            elif item and last in ("bullets", "points", "tasks", "articles") or (
                    last == "text" and len(keys) > 1 and keys[-2] in ("bullets", "points")):
                rx = _HAND_LABEL
            elif item and last == "recipients":
                rx = _HAND_DASH
            elif last == "archive":
                rx = _HAND_ARCHIVE
            elif item and last == "body" and path[-2] == "body":
                self.body_paragraph(path, text)
                continue
            m = rx.match(text) if rx is not None else None
            if m:
                self.add("so-tay", path, f"'{m.group(0).strip()}' gõ tay: kh tự đánh số, dấu và chữ này, văn bản sẽ in"
                         " hai lần (kh writes it itself: it would be printed twice)",
                         "bỏ phần gõ tay ở đầu (kh check --fix)", error=True, fix=text[m.end():])

    def body_paragraph(self, path: Path_, text: str) -> None:
        """A label typed at the start of a ``body`` paragraph: an error on the first paragraph of an
        untitled section (kh prints the section's number there: both would show), else a warning."""
        m = _HAND_PARAGRAPH.match(text)
        if not m:
            return
        holder = _holder(self.src.data, path[:-2])
        keys = [p for p in path[:-2] if isinstance(p, str)]
        numbered = path[-1] == 0 and isinstance(holder, dict) and holder.get("title") is None \
            and bool(keys) and keys[-1] in ("sections", "body")
        label = m.group(0).strip()
        if numbered:
            self.add("so-tay", path, f"'{label}' gõ tay ở đoạn đầu của mục không có tiêu đề: kh tự in số của mục"
                     " ở đây, văn bản sẽ in hai lần (kh prints the section's number here: both would show)",
                     "bỏ phần gõ tay ở đầu (kh check --fix)", error=True, fix=text[m.end():])
        else:
            self.add("so-tay", path, f"'{label}' gõ tay ở đầu đoạn văn: số, chữ, dấu đầu dòng gõ tay không tự"
                     " đánh lại khi thêm bớt (hand-typed label at the start of a body paragraph)",
                     "viết thành khoản con {title: ...}, {points: [...]} hoặc {bullets: [...]} để kh tự đánh")

    def table_numbers(self) -> None:
        """A bare number typed as the first cell of a row of an ``stt: true`` table (kh's STT column
        numbers the rows: the number would show twice). Other table cells are the user's data."""
        for path, table in _mappings(self.src.data):
            if table.get("stt") is not True or not isinstance(table.get("rows"), list):
                continue
            for r, row in enumerate(table["rows"]):
                first = row[0] if isinstance(row, list) and row else None
                if isinstance(first, dict):
                    first, where = first.get("text"), path + ("rows", r, 0, "text")
                else:
                    where = path + ("rows", r, 0)
                if isinstance(first, (str, int)) and not isinstance(first, bool) and _BARE_NUMBER.match(str(first)):
                    self.add("so-tay", where, f"'{str(first).strip()}' gõ tay ở ô đầu của dòng: bảng có stt: true,"
                             " kh tự đánh số thứ tự (the table's STT column numbers the rows: shown twice)",
                             "bỏ ô số thứ tự gõ tay (hoặc bỏ stt: true)")

    def bases(self) -> None:
        data = self.src.data
        for holder, where in ((data, ()), (data.get("decision"), ("decision",))):
            if not isinstance(holder, dict) or not isinstance(holder.get("bases"), list):
                continue
            seen: dict[str, int] = {}
            for i, basis in enumerate(holder["bases"]):
                path = where + ("bases", i)
                if not isinstance(basis, dict):
                    continue
                text = basis.get("text")
                if isinstance(text, str):
                    if re.match(r"^\s*(Căn cứ|căn cứ)\b", text):
                        self.add("can-cu-lap", path + ("text",),
                                 "'Căn cứ' gõ tay: kh tự thêm, văn bản sẽ in 'Căn cứ Căn cứ'"
                                 " (kh writes the lead word itself)",
                                 "bỏ chữ 'Căn cứ' đầu dòng (hoặc dùng lead: Thực hiện)", error=True,
                                 fix=re.sub(r"^\s*[Cc]ăn cứ\s+", "", text))
                    m = _REF.match(text)
                    if m:
                        self.add("can-cu-tu-do", path + ("text",),
                                 f"căn cứ viết tự do có thể viết có cấu trúc: {m.group(2)} số {m.group(3)}"
                                 " (free-text basis could be structured)",
                                 f"viết kind: {m.group(2)}, number: {m.group(3)}, date: YYYY-MM-DD, issuer: ...,"
                                 " subject: ... để kh tự viết ngày, dấu câu")
                key = _basis_key(basis)
                if key in seen:
                    first = self.src.where(where + ("bases", seen[key]))[0]
                    self.add("trung-can-cu", path, f"căn cứ lặp lại, đã có ở dòng {first} (duplicate basis)",
                             "bỏ một trong hai")
                else:
                    seen[key] = i

    def paragraphs(self) -> None:
        seen: dict[str, Path_] = {}
        for path, text in _strings(self.src.data, (), _PARAGRAPH_KEYS):
            keys = [p for p in path if isinstance(p, str)]
            if not keys or keys[-1] not in PARAGRAPH_KEYS:
                continue
            norm = " ".join(unicodedata.normalize("NFC", text).split()).casefold()
            if len(norm) < 30:
                continue
            if norm in seen:
                first = self.line_of(seen[norm])
                self.add("trung-doan", path, f"đoạn văn lặp lại, giống dòng {first} (same paragraph twice)",
                         "bỏ hoặc sửa một trong hai đoạn")
            else:
                seen[norm] = path

    def recipients(self, unit_names: dict[str, str]) -> None:
        data = self.src.data
        recipients = [r for r in _list(data.get("recipients")) if isinstance(r, str)]
        decision = data.get("decision")
        if isinstance(decision, dict):
            recipients += [r for r in _list(decision.get("recipients")) if isinstance(r, str)]
        if not recipients or any(re.match(r"^\s*Như (trên|Điều)", r, re.I) for r in recipients):
            return
        for path, code in _assigned_units(data):
            name = unit_names.get(code, code)
            if not any(_covers(r, name) for r in recipients):
                self.add("noi-nhan", path, f"đơn vị '{name}' được giao nhiệm vụ nhưng không có trong nơi nhận"
                                           " (unit with tasks is not among the recipients)",
                         f"thêm '{name}' (hoặc nhóm chứa nó) vào recipients")


def _list(value: Any) -> list[Any]:
    """``value`` when it is a list, else empty: a value of the wrong type is the reader's error to
    report (with its line), not the lint's to trip on."""
    return value if isinstance(value, list) else []


def _basis_key(basis: dict[str, Any]) -> str:
    if isinstance(basis.get("text"), str):
        return " ".join(basis["text"].split()).casefold().rstrip(";.")
    return f"{basis.get('kind')}|{basis.get('number')}|{basis.get('date')}|{basis.get('subject')}".casefold()


def _assigned_units(data: dict[str, Any]) -> list[tuple[Path_, str]]:
    """(path, unit code) of every unit given tasks: assignments wherever written (sections, their ``body``
    blocks, articles, appendices), and task leads when assignments: tasks."""
    out: list[tuple[Path_, str]] = []
    uses_tasks = False
    for here, sec in _mappings(data):
        if "tasks" in here[:1]:
            continue          # the plan's task list: its leads are read below
        assignments = sec.get("assignments")
        if assignments == "tasks":
            uses_tasks = True
        for j, a in enumerate(assignments if isinstance(assignments, list) else []):
            if not isinstance(a, dict) or not (a.get("tasks") or a.get("text")):
                continue
            units = a.get("unit")
            for k, u in enumerate(units if isinstance(units, list) else [units]):
                p = here + ("assignments", j, "unit") + ((k,) if isinstance(units, list) else ())
                if isinstance(u, str):
                    out.append((p, u))
                elif isinstance(u, dict) and isinstance(u.get("text"), str):   # a unit named inline
                    out.append((p + ("text",), u["text"]))
    if uses_tasks:
        seen = set()
        for g, group in enumerate(_list(data.get("tasks"))):
            for t, task in enumerate(_list(group.get("tasks")) if isinstance(group, dict) else []):
                lead = task.get("lead") if isinstance(task, dict) else None
                for k, u in enumerate(lead if isinstance(lead, list) else [lead]):
                    if isinstance(u, str) and u not in seen:
                        seen.add(u)
                        p = ("tasks", g, "tasks", t, "lead") + ((k,) if isinstance(lead, list) else ())
                        out.append((p, u))
    return out


_STOP = {"các", "và", "của", "thuộc", "quận", "huyện", "phường", "xã", "thành", "phố", "ủy", "nhân", "dân",
         "thủ", "trưởng", "chủ", "tịch", "cơ", "quan", "đơn", "vị"}
# Abbreviations used in "Nơi nhận" lines.
_ABBREV = [(r"\bUBMTTQ\s*VN\b|\bUB\s*MTTQ\s*VN\b", "ủy ban mặt trận tổ quốc việt nam"),
           (r"\bMTTQ\s*VN\b|\bMTTQ\b", "mặt trận tổ quốc việt nam"), (r"\bUBND\b", "ủy ban nhân dân"),
           (r"\bHĐND\b", "hội đồng nhân dân"), (r"\bUB\b", "ủy ban"), (r"\bVP\.?", "văn phòng"),
           (r"\bCT-XH\b", "chính trị - xã hội"), (r"\bTT\.", "thường trực"), (r"\bQU\b", "quận ủy"),
           (r"\bQ\.", "quận "), (r"\bTP\b", "thành phố"), (r"\bCCHC\b", "cải cách hành chính"),
           (r"\bVN\b", "việt nam")]


def _expand(text: str) -> str:
    for pattern, words in _ABBREV:
        text = re.sub(pattern, words, text)
    return " ".join(text.casefold().split())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text) if w not in _STOP}


#: Kinds of body a group recipient names: "Các phòng, ban, đơn vị thuộc Sở", "Các Sở, ban, ngành".
_GROUP_KINDS = ("phòng", "ban", "sở", "ngành", "đơn vị", "cơ quan", "trung tâm", "chi cục", "xã", "phường",
                "thị trấn", "huyện", "quận", "đoàn thể", "hội", "doanh nghiệp", "tổ chức")


def _group_covers(r: str, n: str) -> bool:
    """A group line ("các phòng, ban, đơn vị thuộc sở", "ủy ban nhân dân các xã, phường") covers a unit
    whose name opens with one of the kinds it lists."""
    m = re.search(r"\bcác ((?:[^,;]+?)(?:,\s*[^,;]+?)*)(?:\s+(?:thuộc|trực thuộc|trên địa bàn|của)\b.*)?$", r)
    if not m:
        return False
    listed = [k.strip() for k in re.split(r",|\bvà\b", m.group(1)) if k.strip()]
    head = r[:m.start()].strip()        # "ủy ban nhân dân" in "ủy ban nhân dân các xã, phường"
    for kind in listed:
        if kind not in _GROUP_KINDS:
            continue
        if n.startswith(f"{head} {kind} ".strip() + " ") or n.startswith(f"{kind} "):
            return True
    return False


def _covers(recipient: str, name: str) -> bool:
    """True when the recipient line plausibly names the unit (abbreviations and usual groups understood;
    a parenthesis names a parent body, not the unit; a number in the name must be in the line)."""
    r, n = _expand(re.sub(r"\([^)]*\)", " ", recipient)), _expand(name)
    if n in r or r in n or _group_covers(r, n):
        return True
    if any(d not in re.findall(r"\d+", r) for d in re.findall(r"\d+", n)):
        return False
    if "cơ quan chuyên môn" in r and (n.startswith(("phòng ", "văn phòng ")) or "cơ quan chuyên môn" in n):
        return True
    if "đơn vị sự nghiệp" in r and n.startswith("trung tâm "):
        return True
    if "các bộ phận" in r and n.startswith(("bộ phận ", "công chức ")):
        return True
    wards = re.compile(r"\d+ phường|các phường")
    if wards.search(r) and wards.search(n):
        return True
    name_words, have = _words(n), _words(r)
    if not name_words:
        return False
    if len(have) >= 2 and have <= name_words:
        return True
    return len(name_words & have) / len(name_words) >= 0.75


def lint_source(src: Source, text: str, kind: str, unit_names: dict[str, str] | None = None) -> list[Finding]:
    """All findings for a loaded plan or profile."""
    linter = Linter(src, text, "org" if kind == "org" else "plan")
    if not isinstance(src.data, dict):
        return []
    linter.prose()
    if kind == "plan":
        linter.labels()
        linter.table_numbers()
        linter.bases()
        linter.paragraphs()
        linter.recipients(unit_names or {})
    return sorted(dict.fromkeys(linter.findings), key=lambda f: (f.line or 0, f.rule, f.message))  # stable order


def error_findings(src: Source) -> list[Finding]:
    """Only the findings that are errors: text kh writes itself, typed by hand. The reader refuses
    these too, so ``kh build`` and ``kh check`` agree; cheaper than :func:`lint_source`."""
    linter = Linter(src, src.text)
    if not isinstance(src.data, dict):
        return []
    linter.labels()
    linter.bases()
    for key in ("closing", "decision"):
        for path, text in _strings(src.data.get(key), (key,)):
            for rule, offset, message, hint, error, fix in text_findings(text, path):
                if error:
                    linter.add(rule, path, message, hint, offset=offset, error=True, fix=fix)
    return sorted({f for f in linter.findings if f.error}, key=lambda f: (f.line or 0, f.rule, f.message))


def apply_fixes(path: Path, findings: list[Finding]) -> int:
    """Write the certain fixes into ``path`` through yamlrt (comments and layout kept); return the count."""
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString, ScalarString

    from ..yamlio import roundtrip as yamlrt

    fixes = [f for f in findings if f.fix is not None]
    if not fixes:
        return 0
    try:
        data, text = yamlrt.load(path)
    except yamlrt.YamlRtError as exc:
        raise FixRefused(str(exc)) from None
    done = 0
    for f in fixes:
        node = data
        try:
            for part in f.path[:-1]:
                node = node[part]
            old = node[f.path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(old, str):
            continue
        new: str = f.fix
        if f.rule == "nfd":
            new = unicodedata.normalize("NFC", str(old))
        elif f.rule == "tcvn3":
            new = from_tcvn3(str(old))
        if isinstance(old, (FoldedScalarString, LiteralScalarString)) or isinstance(old, ScalarString):
            new = type(old)(new)
        yamlrt.set_value(node, f.path[-1], new)
        done += 1
    try:
        out = yamlrt.rewrite(data, text, str(path))
    except yamlrt.YamlRtError as exc:      # a comment it cannot keep: nothing written
        raise FixRefused(f"{exc}\nkh check --fix: không sửa gì (nothing fixed)") from None
    yamlrt.write_text_atomic(path, out)
    return done
