"""``kh check FILE.docx --annotate OUT.docx``: a copy of the document with one Word comment per finding.

Each comment is anchored on the paragraph the finding is about (``w:commentRangeStart`` at its start,
``w:commentRangeEnd`` and a ``w:commentReference`` run at its end: ECMA-376 Part 1 §17.13.4); a
finding about a section, a header or footer, or the whole file stands on the document's first
paragraph and says where it is. The comments live in ``word/comments.xml`` (kept and added to when
the file already has comments), author and initials "kh", one fixed date, so the same input always
gives the same bytes. Nothing else changes: every other part is copied as it is and the text of the
document (``kh text``) stays the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..nd30.check import evaluate
from ..nd30.findings import Finding, Report
from ..nd30.rules import BY_ID
from ..ooxml.names import w
from ..ooxml.package import write_atomic
from .docx_edit import DocxEdit, open_edit, text_el, wel

AUTHOR = "kh"
INITIALS = "kh"
#: Every comment carries this date (the day Nghị định 30/2020/NĐ-CP was signed): reproducible output.
DATE = "2020-03-05T00:00:00Z"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
REL_COMMENTS = "comments"
_FACE = "Times New Roman"
_SEVERITY = {"error": "lỗi (error)", "warning": "cảnh báo (warning)"}


def comment_lines(f: Finding) -> list[str]:
    """The text of the comment about finding ``f``, one paragraph a line, Vietnamese with English."""
    rule = BY_ID[f.rule]
    lines = [f"{f.rule} — {rule.part} — {_SEVERITY.get(f.severity, f.severity)}"]
    if f.para is None or f.para is not f.anchor:
        lines.append(f"Ở (where): {f.where}")
    lines += [f"Thấy (found): {f.message}",
              f"Cần (decree): {rule.requirement} ({rule.requirement_en})",
              f"Quy định tại (decree's place): Nghị định 30/2020/NĐ-CP, {rule.place}"]
    if f.fixable:
        lines.append("Sửa được mà giữ nguyên chữ: kh check --fix (fixable without changing a word)")
    return lines


def _comment(cid: int, lines: list[str]) -> Any:
    el = wel("comment", id=str(cid), author=AUTHOR, date=DATE, initials=INITIALS)
    for i, line in enumerate(lines):
        rpr = wel("rPr", wel("rFonts", ascii=_FACE, hAnsi=_FACE, cs=_FACE), wel("sz", val="20"))
        runs = [wel("r", wel("annotationRef"))] if i == 0 else []
        runs.append(wel("r", rpr, text_el(line)))
        el.append(wel("p", *runs))
    return el


def _comments_root(edit: DocxEdit) -> tuple[Any, int]:
    """The comments part's root (the file's own, or a new part) and the first free comment id."""
    main = edit.pkg.main
    names = edit.pkg.related(main, REL_COMMENTS)
    if names:
        root = edit.tree(names[0])
        edit.touch(names[0])
    else:
        name = "word/comments.xml" if not edit.has("word/comments.xml") else edit.new_name("word/comments{}.xml")
        root = wel("comments", root=True)
        edit.add_part(name, root, COMMENTS_TYPE)
        edit.relate(main, name, REL_COMMENTS)
    used = [int(v) for el in root.iter(w("comment")) if (v := el.get(w("id")) or "").lstrip("-").isdigit()]
    doc = edit.tree(main)
    for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        used += [int(v) for el in doc.iter(w(tag)) if (v := el.get(w("id")) or "").lstrip("-").isdigit()]
    return root, max(used, default=-1) + 1


def _holder(edit: DocxEdit) -> Any:
    """A paragraph for remarks in a document whose body has none: an empty one at its start."""
    body = edit.tree(edit.pkg.main).find(w("body"))
    p = wel("p")
    body.insert(0, p)
    return p


def _anchor(p: Any, cid: int) -> None:
    """Anchor comment ``cid`` on the whole of paragraph ``p``."""
    start = wel("commentRangeStart", id=str(cid))
    at = 1 if len(p) and p[0].tag == w("pPr") else 0
    starts = 0
    while at + starts < len(p) and p[at + starts].tag == w("commentRangeStart"):
        starts += 1       # the ranges of earlier comments on this paragraph open first
    p.insert(at + starts, start)
    p.append(wel("commentRangeEnd", id=str(cid)))
    p.append(wel("r", wel("commentReference", id=str(cid))))


def annotate(edit: DocxEdit, report: Report) -> int:
    """One comment per finding of ``report`` in ``edit``'s document; the number of comments added."""
    if not report.findings:
        return 0
    root, cid = _comments_root(edit)
    main = edit.pkg.main
    holder = None
    for f in report.findings:
        if f.anchor is not None:
            p = f.anchor.el
        else:
            holder = holder if holder is not None else _holder(edit)
            p = holder
        root.append(_comment(cid, comment_lines(f)))
        _anchor(p, cid)
        cid += 1
    edit.touch(main)
    return len(report.findings)


def annotate_bytes(path: Path, data: bytes | None = None, label: str | None = None) -> tuple[bytes, Report]:
    """The annotated copy of the .docx at ``path`` (or in ``data``) and the report it shows."""
    edit = open_edit(path, data=data, label=label)
    report = evaluate(edit.facts)
    annotate(edit, report)
    return edit.to_bytes(), report


def annotate_file(path: Path, out: Path, data: bytes | None = None, label: str | None = None) -> Report:
    """Write the annotated copy of ``path`` to ``out`` (atomically); the report of ``path``."""
    blob, report = annotate_bytes(path, data, label)
    write_atomic(out, blob)
    return report


__all__ = ["AUTHOR", "DATE", "INITIALS", "annotate", "annotate_bytes", "annotate_file", "comment_lines"]
