"""Writer: NEW's .docx with everything that differs from OLD as Word tracked changes.

Both sides are built normally; this module aligns their bodies block by block (paragraphs and
tables, then table rows, then the paragraphs inside cells) and writes NEW's document in which

* a changed paragraph keeps NEW's paragraph and run formatting, with deleted words as
  ``w:del``/``w:delText`` runs (OLD's formatting) and inserted words wrapped in ``w:ins``;
* a paragraph only in NEW has its runs in ``w:ins`` and its paragraph mark inserted; a paragraph
  only in OLD is copied in with its runs and mark deleted;
* a table row only in one side is an inserted or deleted row (``w:trPr/w:ins|w:del``); rows pair
  by their cells and merges (a row whose cells merge differently is deleted and inserted, so each
  view keeps its own grid), and a changed one-paragraph cell is changed words inside that cell;
  a table whose column count changed keeps one valid grid (rows narrower end with ``w:gridAfter``).

Paragraph marks follow one rule per stretch of paragraphs between tables (:func:`_mark_present`):
in each view (all accepted, all rejected) the marks that exist separate exactly the visible
paragraphs, and the stretch's final mark always exists. So accepting every change gives exactly
NEW's text and rejecting every change gives OLD's.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lxml import etree

from ..ooxml.package import normalise_zip
from ..review.words import similarity, tokens, word_ops

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT, FOOTNOTES, SETTINGS = "word/document.xml", "word/footnotes.xml", "word/settings.xml"
#: Pairwise comparisons allowed when pairing the paragraphs of one changed stretch.
_PAIRING_LIMIT = 4000
#: Two paragraphs at least this similar are one changed paragraph, not a deletion and an insertion.
_SAME_PARAGRAPH = 0.5
#: The score of two unlike paragraphs in one cell: paired when nothing better is (see _cell_score).
_UNLIKE = 0.01


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


KEEP, INS, DEL = "keep", "ins", "del"


def revision_date(when: dt.datetime) -> str:
    """``w:date`` value: UTC, whole seconds, ``Z`` suffix."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when.replace(microsecond=0).isoformat() + "Z"


# ------------------------------------------------------------------ tokens of a paragraph
@dataclass
class _Tok:
    """One word, space, punctuation mark or non-text run item, with its run formatting."""

    key: str
    rpr: etree._Element | None
    text: str | None = None              # text tokens
    item: etree._Element | None = None   # tab, break, footnote reference ...

    @property
    def rpr_key(self) -> bytes:
        return etree.tostring(self.rpr) if self.rpr is not None else b""


class _Side:
    """One built document: its body and footnotes."""

    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.document = etree.fromstring(self.zip.read(DOCUMENT))
        names = self.zip.namelist()
        self.footnotes = etree.fromstring(self.zip.read(FOOTNOTES)) if FOOTNOTES in names else None
        self.notes: dict[str, etree._Element] = {}
        if self.footnotes is not None:
            for note in self.footnotes.iter(w("footnote")):
                self.notes[note.get(w("id"), "")] = note

    def note_text(self, note_id: str) -> str:
        note = self.notes.get(note_id)
        return "".join(t.text or "" for t in note.iter(w("t"))) if note is not None else ""


def _para_tokens(p: etree._Element, side: _Side) -> list[_Tok] | None:
    """Tokens of a paragraph made of plain runs; None when it holds anything else."""
    out: list[_Tok] = []
    for child in p:
        if child.tag == w("pPr"):
            continue
        if child.tag != w("r"):
            return None
        rpr = child.find(w("rPr"))
        for item in child:
            if item.tag == w("rPr"):
                continue
            if item.tag == w("t"):
                out += [_Tok(t, rpr, text=t) for t in tokens(item.text or "")]
            elif item.tag == w("footnoteReference"):
                out.append(_Tok("\x00note:" + side.note_text(item.get(w("id"), "")), rpr, item=item))
            elif item.tag == w("tab"):
                out.append(_Tok("\t", rpr, item=item))
            else:
                out.append(_Tok("\x00" + etree.tostring(item).decode(), rpr, item=item))
    return out


def _para_key(p: etree._Element, side: _Side) -> str:
    toks = _para_tokens(p, side)
    if toks is None:
        return "\x01" + etree.tostring(p, method="text", encoding="unicode")
    return "".join(t.key for t in toks)


def _table_text(tbl: etree._Element) -> str:
    return " ".join((t.text or "") for t in tbl.iter(w("t")))


def _block_key(el: etree._Element, side: _Side) -> str:
    if el.tag == w("tbl"):
        first = el.find(w("tr"))
        head = " | ".join("".join(t.text or "" for t in tc.iter(w("t"))) for tc in first.iter(w("tc"))) \
            if first is not None else ""
        return "\x02tbl:" + head
    return _para_key(el, side)


# ------------------------------------------------------------------ the writer
class _Redliner:
    def __init__(self, old: _Side, new: _Side, author: str, date: str):
        self.old, self.new = old, new
        self.author, self.date = author, date
        self.next_id = 1
        self.next_note = max((int(i) for i in new.notes if i.lstrip("-").isdigit()), default=0) + 1
        self.note_map: dict[str, str] = {}
        self.changes = 0

    # -- marks
    def mark(self, kind: str) -> etree._Element:
        el = etree.Element(w(kind))
        el.set(w("id"), str(self.next_id))
        el.set(w("author"), self.author)
        el.set(w("date"), self.date)
        self.next_id += 1
        self.changes += 1
        return el

    def wrap(self, kind: str, runs: list[etree._Element]) -> etree._Element:
        box = self.mark(kind)
        box.extend(runs)
        return box

    # -- runs
    def deleted_run(self, run: etree._Element) -> etree._Element:
        """A copy of OLD's run as deleted text (footnote references re-pointed into NEW)."""
        run = copy.deepcopy(run)
        for t in run.iter(w("t")):
            t.tag = w("delText")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        for t in run.iter(w("instrText")):
            t.tag = w("delInstrText")
        for ref in run.iter(w("footnoteReference")):
            ref.set(w("id"), self.old_note(ref.get(w("id"), "")))
        return run

    def old_note(self, old_id: str) -> str:
        """Id in NEW's footnotes of OLD's footnote ``old_id`` (copied over once)."""
        if old_id in self.note_map:
            return self.note_map[old_id]
        note = self.old.notes.get(old_id)
        if note is None or self.new.footnotes is None:
            return old_id
        new_id = str(self.next_note)
        self.next_note += 1
        clone = copy.deepcopy(note)
        clone.set(w("id"), new_id)
        self.new.footnotes.append(clone)
        self.note_map[old_id] = new_id
        return new_id

    def _runs(self, toks: Sequence[_Tok], deleted: bool) -> list[etree._Element]:
        """Runs for consecutive tokens, one run per stretch of equal formatting."""
        out: list[etree._Element] = []
        text_tag = w("delText") if deleted else w("t")
        last_key: bytes | None = None
        for tok in toks:
            if tok.text is not None and out and last_key == tok.rpr_key and out[-1][-1].tag == text_tag:
                out[-1][-1].text += tok.text
                continue
            run = etree.Element(w("r"))
            if tok.rpr is not None:
                run.append(copy.deepcopy(tok.rpr))
            if tok.text is not None:
                t = etree.SubElement(run, text_tag)
                t.text = tok.text
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            else:
                item = copy.deepcopy(tok.item)
                if deleted and item.tag == w("footnoteReference"):
                    item.set(w("id"), self.old_note(item.get(w("id"), "")))
                run.append(item)
            out.append(run)
            last_key = tok.rpr_key if tok.text is not None else None
        return out

    # -- paragraphs
    def changed_paragraph(self, old_p: etree._Element, new_p: etree._Element) -> etree._Element:
        a, b = _para_tokens(old_p, self.old), _para_tokens(new_p, self.new)
        assert a is not None and b is not None
        out = etree.Element(w("p"))
        ppr = new_p.find(w("pPr"))
        if ppr is not None:
            out.append(copy.deepcopy(ppr))
        ops = word_ops([t.key for t in a], [t.key for t in b])
        if len(ops) > 1 and ops[0][0] == "insert" and ops[1][0] == "equal" and a[ops[1][1]].text is not None:
            # Never start a paragraph with a bare insertion: LibreOffice joins it to an insertion
            # ending the paragraph before and drops the mark between them on Reject All.
            (_, _, _, j1, j2), (_, e1, e2, f1, f2) = ops[0], ops[1]
            ops[:2] = [("delete", e1, e1 + 1, j1, j1), ("insert", e1 + 1, e1 + 1, j1, f1 + 1)] + (
                [("equal", e1 + 1, e2, f1 + 1, f2)] if e2 > e1 + 1 else [])
        for op, i1, i2, j1, j2 in ops:
            if op == "equal":
                out.extend(self._runs(b[j1:j2], deleted=False))
            elif op == "insert":
                out.append(self.wrap("ins", self._runs(b[j1:j2], deleted=False)))
            else:
                out.append(self.wrap("del", self._runs(a[i1:i2], deleted=True)))
        return out

    def whole_paragraph(self, p: etree._Element, kind: str) -> etree._Element:
        """``p`` with every run inside ``w:ins`` (NEW's paragraph) or ``w:del`` (a copy of OLD's)."""
        p = copy.deepcopy(p)
        if kind == DEL:
            ppr = p.find(w("pPr"))
            if ppr is not None:
                for sect in ppr.findall(w("sectPr")):
                    ppr.remove(sect)   # OLD's section breaks have no headers in NEW's package
        children = [c for c in p if c.tag != w("pPr")]
        group: list[etree._Element] = []
        for child in children:
            p.remove(child)
            if child.tag == w("r"):
                group.append(self.deleted_run(child) if kind == DEL else child)
                continue
            if group:
                p.append(self.wrap(kind, group))
                group = []
            p.append(child)
        if group:
            p.append(self.wrap(kind, group))
        return p

    def set_mark(self, p: etree._Element, kinds: list[str]) -> None:
        """Mark ``p``'s paragraph mark as inserted and/or deleted."""
        if not kinds:
            return
        ppr = p.find(w("pPr"))
        if ppr is None:
            ppr = etree.Element(w("pPr"))
            p.insert(0, ppr)
        rpr = ppr.find(w("rPr"))
        if rpr is None:
            rpr = etree.Element(w("rPr"))
            after = [c for c in ppr if c.tag in (w("sectPr"), w("pPrChange"))]
            if after:
                after[0].addprevious(rpr)
            else:
                ppr.append(rpr)
        for kind in reversed(kinds):   # CT_ParaRPr: w:ins, then w:del, first
            rpr.insert(0, self.mark(kind))

    # -- containers (body, cell)
    def merge_blocks(self, old_parent: etree._Element, new_parent: etree._Element,
                     whole: str | None = None, cell: bool = False) -> list[etree._Element]:
        """The merged block content of two containers; ``whole`` = INS/DEL marks one side only;
        ``cell``: a table cell's: one paragraph on each side pair however unlike (a changed cell is
        changed words inside its paragraph, not a paragraph deleted and another inserted)."""
        def blocks(parent: etree._Element) -> list[etree._Element]:
            return [c for c in parent if c.tag in (w("p"), w("tbl"))] if parent is not None else []

        olds, news = blocks(old_parent), blocks(new_parent)
        items: list[tuple[etree._Element, str]] = []
        if whole == INS:
            items = [self.single(el, INS) for el in news]
        elif whole == DEL:
            items = [self.single(el, DEL) for el in olds]
        else:
            okeys = [_block_key(el, self.old) for el in olds]
            nkeys = [_block_key(el, self.new) for el in news]
            sm = difflib.SequenceMatcher(None, okeys, nkeys, autojunk=False)
            for tag, i1, i2, j1, j2 in sm.get_opcodes():
                if tag == "equal":
                    for o, n in zip(olds[i1:i2], news[j1:j2], strict=True):
                        items.append(self.pair(o, n))
                    continue
                o_part, n_part = olds[i1:i2], news[j1:j2]
                pi = pj = 0
                one = cell and len(olds) == len(news) == 1
                for i, j in _pairs(o_part, n_part, self._cell_score if one else self._score):
                    items += [self.single(el, DEL) for el in o_part[pi:i]]
                    items += [self.single(el, INS) for el in n_part[pj:j]]
                    items.append(self.pair(o_part[i], n_part[j]))
                    pi, pj = i + 1, j + 1
                items += [self.single(el, DEL) for el in o_part[pi:]]
                items += [self.single(el, INS) for el in n_part[pj:]]
        self.paragraph_marks(items)
        return [el for el, _ in items]

    def _score(self, o: etree._Element, n: etree._Element) -> float:
        if o.tag != n.tag:
            return 0.0
        if o.tag == w("tbl"):
            return 0.5 + 0.5 * similarity(_table_text(o), _table_text(n))
        if _para_tokens(o, self.old) is None or _para_tokens(n, self.new) is None:
            return 0.0
        a = etree.tostring(o, method="text", encoding="unicode")
        b = etree.tostring(n, method="text", encoding="unicode")
        score = similarity(a, b)
        return score if score >= _SAME_PARAGRAPH else 0.0

    def _cell_score(self, o: etree._Element, n: etree._Element) -> float:
        score = self._score(o, n)
        if score or o.tag != w("p") or n.tag != w("p"):
            return score
        plain = _para_tokens(o, self.old) is not None and _para_tokens(n, self.new) is not None
        return _UNLIKE if plain else 0.0

    def pair(self, o: etree._Element, n: etree._Element) -> tuple[etree._Element, str]:
        if n.tag == w("tbl"):
            return self.merge_table(o, n), KEEP
        if _para_key(o, self.old) == _para_key(n, self.new):
            return copy.deepcopy(n), KEEP
        return self.changed_paragraph(o, n), KEEP

    def single(self, el: etree._Element, kind: str) -> tuple[etree._Element, str]:
        if el.tag == w("tbl"):
            return self.whole_table(el, kind), KEEP
        return self.whole_paragraph(el, kind), kind

    def paragraph_marks(self, items: list[tuple[etree._Element, str]]) -> None:
        """Mark paragraph marks by the rule in the module docstring, stretch by stretch."""
        stretch: list[tuple[etree._Element, str]] = []
        for el, status in items + [(None, KEEP)]:
            if el is not None and el.tag == w("p"):
                stretch.append((el, status))
                ppr = el.find(w("pPr"))
                if ppr is None or ppr.find(w("sectPr")) is None:
                    continue
            if stretch:
                for i, (p, _) in enumerate(stretch[:-1]):
                    kinds = []
                    if not _mark_present(stretch, i, hidden=DEL):
                        kinds.append(DEL)
                    if not _mark_present(stretch, i, hidden=INS):
                        kinds.insert(0, INS)
                    self.set_mark(p, kinds)
                stretch = []

    # -- tables
    def merge_table(self, old_t: etree._Element, new_t: etree._Element) -> etree._Element:
        out = copy.deepcopy(new_t)
        for tr in out.findall(w("tr")):
            out.remove(tr)
        olds, news = old_t.findall(w("tr")), new_t.findall(w("tr"))
        okeys = [_row_key(tr, self.old) for tr in olds]
        nkeys = [_row_key(tr, self.new) for tr in news]
        sm = difflib.SequenceMatcher(None, okeys, nkeys, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                out.extend(copy.deepcopy(tr) for tr in news[j1:j2])
                continue
            o_part, n_part = olds[i1:i2], news[j1:j2]
            pi = pj = 0
            for i, j in _pairs(o_part, n_part, _row_score):
                out.extend(self.whole_row(tr, DEL) for tr in o_part[pi:i])
                out.extend(self.whole_row(tr, INS) for tr in n_part[pj:j])
                out.append(self.merge_row(o_part[i], n_part[j]))
                pi, pj = i + 1, j + 1
            out.extend(self.whole_row(tr, DEL) for tr in o_part[pi:])
            out.extend(self.whole_row(tr, INS) for tr in n_part[pj:])
        _fit_grid(out, old_t)
        return out

    def merge_row(self, old_tr: etree._Element, new_tr: etree._Element) -> etree._Element:
        out = copy.deepcopy(new_tr)
        for old_tc, tc in zip(old_tr.findall(w("tc")), out.findall(w("tc")), strict=False):
            self._fill_cell(tc, self.merge_blocks(old_tc, copy.deepcopy(tc), cell=True))
        return out

    def whole_row(self, tr: etree._Element, kind: str) -> etree._Element:
        out = copy.deepcopy(tr)
        for tc in out.findall(w("tc")):
            self._fill_cell(tc, self.merge_blocks(tc if kind == DEL else None, tc if kind == INS else None, kind))
        trpr = out.find(w("trPr"))
        if trpr is None:
            trpr = etree.Element(w("trPr"))
            first_tc = out.find(w("tc"))
            (first_tc.addprevious(trpr) if first_tc is not None else out.append(trpr))
        if not [c for c in trpr if c.tag not in (w("ins"), w("del"), w("trPrChange"))]:
            # CT_TrPrBase needs one property before w:ins/w:del: the default, stated.
            etree.SubElement(trpr, w("cantSplit")).set(w("val"), "off")
        change = trpr.find(w("trPrChange"))
        (change.addprevious(self.mark(kind)) if change is not None else trpr.append(self.mark(kind)))
        return out

    def whole_table(self, tbl: etree._Element, kind: str) -> etree._Element:
        out = copy.deepcopy(tbl)
        for tr in out.findall(w("tr")):
            tr.addprevious(self.whole_row(tr, kind))
            out.remove(tr)
        return out

    @staticmethod
    def _fill_cell(tc: etree._Element, blocks: list[etree._Element]) -> None:
        for child in [c for c in tc if c.tag in (w("p"), w("tbl"))]:
            tc.remove(child)
        if not blocks or blocks[-1].tag != w("p"):
            blocks.append(etree.Element(w("p")))   # a cell ends with a paragraph
        tc.extend(blocks)


def _mark_present(stretch: list[tuple[etree._Element, str]], i: int, hidden: str) -> bool:
    """Whether paragraph ``i``'s mark exists in the view where ``hidden`` paragraphs are gone.

    It does when the next paragraph is visible and a visible paragraph comes at or before ``i``:
    the mark then separates the two. Marks right before a paragraph that appears or vanishes
    thus carry the change, so the change is one unbroken stretch (mark + words) — the form Word
    writes, and the only one LibreOffice rejects without joining neighbouring paragraphs.
    """
    if stretch[i + 1][1] == hidden:
        return False
    return any(status != hidden for _, status in stretch[: i + 1])


def _row_key(tr: etree._Element, side: _Side) -> str:
    """The row's text cell by cell, and how its cells merge."""
    return "\x03".join(" ".join(_para_key(p, side) for p in tc.iter(w("p"))) for tc in tr.findall(w("tc"))) + \
        "\x04" + repr(_row_shape(tr))


def _grid_columns(tbl: etree._Element) -> list[etree._Element]:
    return tbl.findall(f"{w('tblGrid')}/{w('gridCol')}")


def _row_width(tr: etree._Element) -> int:
    """Grid columns a row covers: its cells' spans and the columns it leaves before and after."""
    width = 0
    for tc in tr.findall(w("tc")):
        span = tc.find(f"{w('tcPr')}/{w('gridSpan')}")
        width += int(span.get(w("val"), "1")) if span is not None else 1
    for name in ("gridBefore", "gridAfter"):
        el = tr.find(f"{w('trPr')}/{w(name)}")
        width += int(el.get(w("val"), "0")) if el is not None else 0
    return width


def _fit_grid(tbl: etree._Element, old_t: etree._Element) -> None:
    """When OLD's table had another number of columns (a column added or removed), its deleted
    rows and NEW's rows share one grid: the grid takes OLD's extra columns, and each row narrower
    than the grid leaves the rest empty (``w:gridAfter``), as a valid table must."""
    grid, old_grid = _grid_columns(tbl), _grid_columns(old_t)
    if len(grid) == len(old_grid) or not grid:
        return
    for col in old_grid[len(grid):]:
        grid[-1].addnext(copy.deepcopy(col))
        grid = _grid_columns(tbl)
    for tr in tbl.findall(w("tr")):
        missing = len(grid) - _row_width(tr)
        if missing <= 0:
            continue
        trpr = tr.find(w("trPr"))
        if trpr is None:
            trpr = etree.Element(w("trPr"))
            first = tr.find(w("tc"))
            (first.addprevious(trpr) if first is not None else tr.append(trpr))
        after = trpr.find(w("gridAfter"))
        if after is None:
            after = etree.Element(w("gridAfter"))
            trpr.insert(0, after)
        else:
            missing += int(after.get(w("val"), "0"))
        after.set(w("val"), str(missing))


def _row_shape(tr: etree._Element) -> tuple[tuple[str | None, str | None], ...]:
    """Each cell's merges: columns spanned (``w:gridSpan``) and vertical merge (``w:vMerge``)."""
    out = []
    for tc in tr.findall(w("tc")):
        span, vmerge = tc.find(f"{w('tcPr')}/{w('gridSpan')}"), tc.find(f"{w('tcPr')}/{w('vMerge')}")
        out.append((span.get(w("val")) if span is not None else None,
                    (vmerge.get(w("val")) or "continue") if vmerge is not None else None))
    return tuple(out)


def _row_score(o: etree._Element, n: etree._Element) -> float:
    """How alike two rows are: the share of equal cells or of equal words, whichever is more;
    0 for rows whose cells merge differently (one is deleted, the other inserted, so each view
    keeps its own grid)."""
    if _row_shape(o) != _row_shape(n):
        return 0.0
    cells_o, cells_n = o.findall(w("tc")), n.findall(w("tc"))
    equal = sum(_table_text(a) == _table_text(b) for a, b in zip(cells_o, cells_n, strict=True))
    score = max(equal / len(cells_n) if cells_n else 1.0, similarity(_table_text(o), _table_text(n)))
    return score if score >= _SAME_PARAGRAPH else 0.0


def _pairs(olds: Sequence[etree._Element], news: Sequence[etree._Element],
           score: Callable[[etree._Element, etree._Element], float]) -> list[tuple[int, int]]:
    """Order-keeping pairs (i, j) of similar blocks, maximising the total similarity."""
    n, m = len(olds), len(news)
    if not n or not m:
        return []
    if n * m > _PAIRING_LIMIT:
        return _pairs_banded(olds, news, score)
    s = [[score(o, nw) for nw in news] for o in olds]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], (s[i][j] + best[i + 1][j + 1]) if s[i][j] else 0.0)
    out, i, j = [], 0, 0
    while i < n and j < m:
        if s[i][j] and best[i][j] == s[i][j] + best[i + 1][j + 1]:
            out.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return out


def _with_footnotes_part(data: bytes) -> bytes:
    """``data`` with an (otherwise unused) footnotes part, its styles and settings."""
    import docx

    from .footnotes import install_footnotes

    document = docx.Document(io.BytesIO(data))
    install_footnotes(document, [[("", False, False)]])   # placeholder note, dropped when notes are renumbered
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _notes_in_order(document: etree._Element, footnotes: etree._Element) -> None:
    """Number the footnotes 1, 2, ... in the order the body refers to them, and store them so.

    Word does not mind any order, but LibreOffice 7.x pairs references with footnotes by
    position, so a deleted note copied from OLD must not sit after NEW's.
    """
    refs = [ref for ref in document.iter(w("footnoteReference"))]
    order: dict[str, str] = {}
    for ref in refs:
        order.setdefault(ref.get(w("id"), ""), str(len(order) + 1))
    notes = {note.get(w("id")): note for note in footnotes.findall(w("footnote")) if note.get(w("type"))
             in (None, "normal")}
    for note in notes.values():
        footnotes.remove(note)
    for old_id, new_id in order.items():
        note = notes.pop(old_id, None)
        if note is not None:
            note.set(w("id"), new_id)
            footnotes.append(note)
    for ref in refs:
        ref.set(w("id"), order[ref.get(w("id"), "")])


def _pairs_banded(olds: Sequence[etree._Element], news: Sequence[etree._Element],
                  score: Callable[[etree._Element, etree._Element], float], window: int = 8) -> list[tuple[int, int]]:
    """Pairs for long changed stretches (a whole table whose year changed): walk both in step,
    looking a few blocks ahead on either side when the two in front do not correspond."""
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < len(olds) and j < len(news):
        if score(olds[i], news[j]):
            out.append((i, j))
            i, j = i + 1, j + 1
            continue
        ahead = next(((i + d, j) for d in range(1, window) if i + d < len(olds) and score(olds[i + d], news[j])),
                     None) or next(((i, j + d) for d in range(1, window) if j + d < len(news)
                                    and score(olds[i], news[j + d])), None)
        if ahead is None:
            i, j = i + 1, j + 1
        else:
            out.append(ahead)
            i, j = ahead[0] + 1, ahead[1] + 1
    return out


def _track_revisions(settings: etree._Element) -> None:
    """Turn on Track Changes so the reviewer's own edits are tracked too."""
    if settings.find(w("trackRevisions")) is not None:
        return
    before = {w(n) for n in (
        "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
        "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
        "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
        "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
        "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
        "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate",
        "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
        "revisionView")}
    el = etree.Element(w("trackRevisions"))
    later = [c for c in settings if c.tag not in before]
    (later[0].addprevious(el) if later else settings.append(el))


def redline_docx(old: bytes, new: bytes, author: str, when: dt.datetime) -> tuple[bytes, int]:
    """NEW's .docx with OLD → NEW as tracked changes; also returns the number of marks written."""
    o, n = _Side(old), _Side(new)
    if n.footnotes is None and o.notes:
        n = _Side(_with_footnotes_part(new))   # OLD's deleted footnotes need a home
    r = _Redliner(o, n, author, revision_date(when))
    body_o, body_n = o.document.find(w("body")), n.document.find(w("body"))
    merged = r.merge_blocks(body_o, body_n)
    tail = [c for c in body_n if c.tag not in (w("p"), w("tbl"))]
    for child in list(body_n):
        body_n.remove(child)
    body_n.extend(merged)
    body_n.extend(tail)   # the final w:sectPr
    parts = {DOCUMENT: n.document}
    if n.footnotes is not None:
        _notes_in_order(n.document, n.footnotes)
        parts[FOOTNOTES] = n.footnotes
    if SETTINGS in n.zip.namelist():
        settings = etree.fromstring(n.zip.read(SETTINGS))
        _track_revisions(settings)
        parts[SETTINGS] = settings
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in n.zip.infolist():
            data = n.zip.read(info.filename)
            if info.filename in parts:
                data = etree.tostring(parts[info.filename], xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            dst.writestr(info.filename, data)
    return normalise_zip(buf.getvalue()), r.changes
