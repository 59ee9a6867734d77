"""`kh import` and `kh text` on hostile Word files (issue 20: R3-01 … R3-08), and a mutation fuzz.

Every file is built here (tests/fixtures/hostile_docx.py); nothing needs ../shared except the fuzz
of its real documents. A crash is a traceback; each hostile file must end in a document or in a
message naming the file (import exit 1, text exit 2), in bounded time. Tests that would hang on a
reader without bounds run the CLI in a subprocess with a timeout.
"""

from __future__ import annotations

import io
import os
import random
import re
import resource
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from lxml import etree

from .conftest import PLANS, ROOT, SHARED, run_kh
from .fixtures.hostile_docx import (
    NUMBERED,
    W_NS,
    document,
    docx,
    flip_after,
    numbering,
    p,
    set_encrypted,
    set_method,
    zip_patched,
)

W = f"{{{W_NS}}}"


def kh_import(src: Path, tmp: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return run_kh("import", str(src), "-o", str(tmp / "plans" / "x.yaml"), *more)


def kh_process(*args: str, timeout: float = 30) -> tuple[subprocess.CompletedProcess[str], float]:
    """The CLI in a new process (for files an unbounded reader would never finish), and its seconds."""
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env={**os.environ, "KH_SERVER": "off"})
    return proc, time.monotonic() - start


def refused(proc: subprocess.CompletedProcess[str], code: int, src: Path, *expected: str) -> None:
    """Exit ``code``, no traceback, a message naming ``src`` and holding each of ``expected``."""
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert proc.stderr.startswith(f"{src}: "), proc.stderr
    for text in expected:
        assert text in proc.stderr, (text, proc.stderr)


# ---------------------------------------------------------------------- R3-01 broken XML parts
ENTITY_BOMB = "<!DOCTYPE w:document [<!ENTITY a 'lollollollol'>" + "".join(
    f"<!ENTITY {chr(98 + i)} '{('&' + chr(97 + i) + ';') * 10}'>" for i in range(9)) + "]>"
BROKEN_PARTS: dict[str, tuple[dict[str, str], str]] = {
    "not_xml": ({"document_xml": "this is not xml <<<"}, "word/document.xml"),
    "empty_part": ({"document_xml": ""}, "word/document.xml"),
    "xxe_entity": ({"document_xml": document(p("&xxe;"), '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM '
                                                          '"file:///etc/passwd">]>')}, "word/document.xml"),
    "entity_bomb": ({"document_xml": document(p("&j;"), ENTITY_BOMB)}, "word/document.xml"),
    "nesting_300": ({"document_xml": document("<w:sdt><w:sdtContent>" * 300 + p("x")
                                              + "</w:sdtContent></w:sdt>" * 300)}, "word/document.xml"),
    "numbering_not_xml": ({"document_xml": document(p("x")), "word__numbering_xml": "\x00garbage"},
                          "word/numbering.xml"),
    "footnotes_not_xml": ({"document_xml": document(p("x")), "word__footnotes_xml": "<<"}, "word/footnotes.xml"),
    "styles_unbound_prefix": ({"document_xml": document(p("x")), "word__styles_xml": "<w:styles/>"},
                              "word/styles.xml"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_PARTS))
def test_broken_xml_part_is_named_not_a_traceback(case: str, tmp_path: Path) -> None:
    """R3-01: import exit 1, text exit 2 (for the parts it reads), "<file>: phần '<part>' hỏng (broken part)"."""
    parts, part = BROKEN_PARTS[case]
    src = docx(tmp_path / f"{case}.docx", **parts)
    refused(kh_import(src, tmp_path), 1, src, f"phần '{part}' hỏng (broken part)")
    assert not (tmp_path / "plans").exists()
    text = run_kh("text", str(src))
    if part in ("word/document.xml", "word/footnotes.xml"):
        refused(text, 2, src, f"phần '{part}' hỏng (broken part)")
    else:   # kh text reads the body and the footnotes only
        assert text.returncode == 0 and text.stdout.startswith("ỦY BAN NHÂN DÂN\nQUẬN 3\n"), text.stderr


def test_entities_are_never_expanded(tmp_path: Path) -> None:
    """A DOCTYPE is refused before parsing: no file content, no entity expansion reaches the output."""
    src = docx(tmp_path / "xxe.docx", document(p("&xxe;"), '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM '
                                                            '"file:///etc/hostname">]>'))
    proc = run_kh("text", str(src))
    refused(proc, 2, src, "DTD")
    assert proc.stdout == ""


# ---------------------------------------------------------------------- R3-02 unexpected structure
def test_document_without_a_body_cannot_be_read(tmp_path: Path) -> None:
    for name, xml in (("no_body", f'<w:document xmlns:w="{W_NS}"/>'),
                      ("wrong_root", "<html><body><p>hi</p></body></html>")):
        src = docx(tmp_path / f"{name}.docx", xml)
        refused(kh_import(src, tmp_path), 1, src, "phần 'word/document.xml' không có thân văn bản w:body")
        refused(run_kh("text", str(src)), 2, src, "(cannot read: no w:document/w:body in the main part)")


@pytest.mark.parametrize("case,numbering_xml,para,note", [
    ("lvl_without_ilvl", numbering('<w:lvl><w:start w:val="1"/></w:lvl>'), NUMBERED,
     "list level without a valid w:ilvl skipped): phần 'word/numbering.xml', danh sách 3"),
    ("num_without_abstract", f'<w:numbering xmlns:w="{W_NS}"><w:num w:numId="7"/></w:numbering>', NUMBERED,
     "list without its definition skipped): phần 'word/numbering.xml', danh sách 7"),
    ("ilvl_without_value", None, p("Mục", '<w:pPr><w:numPr><w:ilvl/><w:numId w:val="7"/></w:numPr></w:pPr>'),
     "w:ilvl without a number read as level 0): đoạn 9"),
])
def test_unexpected_list_structure_is_skipped_with_a_note(case: str, numbering_xml: str | None, para: str,
                                                           note: str, tmp_path: Path) -> None:
    """R3-02: well-formed but odd list XML: the item is skipped, the report says what and where."""
    parts = {"word__numbering_xml": numbering_xml} if numbering_xml else {}
    src = docx(tmp_path / f"{case}.docx", document(para), **parts)
    proc = kh_import(src, tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert note in proc.stdout, proc.stdout
    assert (tmp_path / "plans" / "x.yaml").is_file()


# ---------------------------------------------------------------------- R3-03 zip entry errors
@pytest.mark.parametrize("case,patch,expected", [
    ("encrypted_flag", set_encrypted, "được mã hóa bằng mật khẩu (encrypted zip entry)"),
    ("unknown_method", set_method, "hỏng, không giải nén được (corrupt zip entry)"),
    ("bad_crc", lambda data: flip_after(data, b"<w:body>"), "phần word/document.xml hỏng, không giải nén được"
                                                           " (corrupt zip entry): Bad CRC-32"),
])
def test_zip_entry_errors_are_messages(case: str, patch: Callable[[bytearray], None], expected: str,
                                       tmp_path: Path) -> None:
    """R3-03: an encrypted entry, an unknown compression method, a bad CRC: import 1, text 2, no traceback."""
    src = zip_patched(docx(tmp_path / f"{case}.docx", document(p("Nội dung.")), compress=zipfile.ZIP_STORED), patch)
    refused(kh_import(src, tmp_path), 1, src, expected)
    refused(run_kh("text", str(src)), 2, src, expected)


# ---------------------------------------------------------------------- R3-04 zip bomb
def _declare_size(data: bytearray, name: bytes, size: int) -> None:
    """Write ``size`` as the inflated size of entry ``name`` in the central directory (not the data)."""
    i = 0
    while (i := data.find(b"PK\x01\x02", i)) != -1:
        length = int.from_bytes(data[i + 28:i + 30], "little")
        if data[i + 46:i + 46 + length] == name:
            data[i + 24:i + 28] = size.to_bytes(4, "little")
        i += 4


def test_size_is_judged_from_the_zip_directory_before_inflating(tmp_path: Path) -> None:
    """R3-04: a small entry whose directory declares 2 GB is refused as a bomb: the decision is taken
    from the directory, before a byte is inflated (inflating would have found the real, small text)."""
    src = docx(tmp_path / "liar.docx", document(p("Nội dung.")))
    zip_patched(src, lambda data: _declare_size(data, b"word/document.xml", 2_000_000_000))
    for proc, code in ((kh_import(src, tmp_path), 1), (run_kh("text", str(src)), 2)):
        refused(proc, code, src, "phần word/document.xml giải nén ra 1907 MB", "(zip bomb or oversized part refused)")


def test_zip_bomb_is_refused_at_once(tmp_path: Path) -> None:
    """R3-04: 64 MB of XML in a file of ~64 KB: refused in well under a second by import and text."""
    src = tmp_path / "bomb.docx"
    docx(src, document(p("x")))
    with zipfile.ZipFile(src, "a", zipfile.ZIP_DEFLATED) as z, \
            z.open("word/footnotes.xml", "w", force_zip64=True) as f:
        f.write(f'<w:footnotes xmlns:w="{W_NS}"><w:footnote><w:p><w:r><w:t>'.encode())
        chunk = b" " * (1 << 20)
        for _ in range(64):
            f.write(chunk)
        f.write(b"</w:t></w:r></w:p></w:footnote></w:footnotes>")
    assert src.stat().st_size < 1 << 20
    for args, code in ((("import", str(src), "-o", str(tmp_path / "plans" / "x.yaml")), 1), (("text", str(src)), 2)):
        start = time.monotonic()
        proc = run_kh(*args)
        assert time.monotonic() - start < 1.0
        refused(proc, code, src, "phần word/footnotes.xml giải nén ra 64 MB", "zip bomb")


# ---------------------------------------------------------------------- R3-05 nested tables
def nested_tables(depth: int) -> str:
    inner = p("ô trong cùng")
    for i in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{p(f'tầng {i}')}{inner}</w:tc></w:tr></w:tbl>" + (p("") if i < depth - 1 else "")
    return document(inner + p("sau bảng"))


def test_nested_tables_are_read_once_each(tmp_path: Path) -> None:
    """R3-05: each paragraph of tables nested in cells is read once (it was read 2^(depth-2) times)."""
    from generator.importer.docx_reader import read_docx

    src = docx(tmp_path / "nested.docx", nested_tables(12))
    doc = read_docx(src)
    tables = [b for b in doc.blocks if hasattr(b, "rows")]
    assert len(tables) == 1
    texts = [para.text for row in tables[0].rows for cell in row.cells for para in cell.paras]
    assert sorted(t for t in texts if t) == sorted([f"tầng {i}" for i in range(12)] + ["ô trong cùng"])
    lines = run_kh("text", str(src)).stdout.splitlines()
    assert [ln for ln in lines if ln.startswith("tầng") or ln == "ô trong cùng"] == \
        [f"tầng {i}" for i in reversed(range(12))] + ["ô trong cùng"]


def test_deeply_nested_tables_take_well_under_a_second(tmp_path: Path) -> None:
    """R3-05: 50 levels (the old reader never finished; 20 took over a minute)."""
    src = docx(tmp_path / "nested50.docx", nested_tables(50))
    for args in (("import", str(src), "-o", str(tmp_path / "plans" / "x.yaml"), "--dry-run"), ("text", str(src))):
        proc, seconds = kh_process(*args)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
        assert seconds < 5    # a new Python and the whole import; the reading itself is milliseconds


# ---------------------------------------------------------------------- R3-06 long paragraphs
def test_paragraph_over_the_limit_is_refused_at_once_with_its_position(tmp_path: Path) -> None:
    """R3-06: the 100,000-character limit of a plan text, reported before recognition (was 1.6-54 s)."""
    text = "Nội dung " * 44_000
    src = docx(tmp_path / "long.docx", document(p(text)))
    start = time.monotonic()
    proc = kh_import(src, tmp_path)
    assert time.monotonic() - start < 2.0
    length = f"{len(text):,}".replace(",", ".")      # Vietnamese digit groups
    refused(proc, 1, src, f"đoạn 9: đoạn văn dài {length} ký tự, quá giới hạn 100.000 ký tự")
    assert not (tmp_path / "plans").exists()


def test_casing_is_linear_in_the_length_of_the_text() -> None:
    """R3-06: Casing (sentence case of IN HOA headings) once sliced the text before every word."""
    from generator.importer.text import Casing

    text = "Nội dung Tuyên truyền. Cải CÁCH hành chính   " * 36_000      # 1.6 million characters
    start = time.monotonic()
    casing = Casing([text])
    assert time.monotonic() - start < 3.0     # quadratic: about a minute
    # after ". " a capital is not counted as title case; "CÁCH" is upper; the rest lower
    assert casing.title == Counter({"tuyên": 36_000, "nội": 35_999})
    assert casing.upper == Counter({"cách": 36_000})
    assert casing.lower["hành"] == 36_000 and "cải" not in casing.title


# ---------------------------------------------------------------------- R3-07 list start values
@pytest.mark.parametrize("fmt,start,label", [("upperRoman", "2000000000", "I."),
                                             ("lowerLetter", "2000000000000000000", "a."),
                                             ("decimal", "-5", "1."), ("upperRoman", "1e9", "I.")])
def test_absurd_list_start_is_ignored_with_a_note(fmt: str, start: str, label: str, tmp_path: Path) -> None:
    """R3-07: a start value Word would never write (2e9 in Roman: endless; 2e18 letters: MemoryError)."""
    level = f'<w:lvl w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl>'
    src = docx(tmp_path / "start.docx", document(NUMBERED), word__numbering_xml=numbering(level))
    proc, seconds = kh_process("import", str(src), "-o", str(tmp_path / "plans" / "x.yaml"), "--dry-run")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert seconds < 5
    assert f"(list start value out of range ignored): phần 'word/numbering.xml', danh sách 3: {start}" in proc.stdout

    from generator.importer.docx_reader import read_docx

    item = next(b for b in read_docx(src).blocks if getattr(b, "text", "") == "Mục một")
    assert item.auto_label == label


def test_list_labels_stay_short() -> None:
    """Letters past "zzz" are written as numbers (Word would print hundreds of letters); Roman is exact."""
    from generator.importer.docx_reader import _format

    assert [_format(n, "lowerLetter") for n in (1, 26, 27, 78, 79)] == ["a", "z", "aa", "zzz", "79"]
    assert [_format(n, "upperRoman") for n in (1, 4, 1994, 32767)] == ["I", "IV", "MCMXCIV", "M" * 32 + "DCCLXVII"]


# ---------------------------------------------------------------------- R3-08 C1 control characters
def test_c1_character_is_dropped_with_a_note_and_the_yaml_is_valid(tmp_path: Path) -> None:
    """R3-08: U+009C in a paragraph longer than a line: the written plan is valid YAML without it."""
    text = ("Nội dung tuyên truyền cải cách hành chính \u009c trên địa bàn quận năm 2025 rất dài để vượt quá "
            "một trăm ký tự trong một dòng")
    src = docx(tmp_path / "c1.docx", document(p(text)))
    proc = kh_import(src, tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "đã bỏ ký tự Word/XML không chứa được (removed characters XML cannot hold): đoạn 9: U+009C" \
        in proc.stdout
    written = (tmp_path / "plans" / "x.yaml").read_text(encoding="utf-8")
    assert "\u009c" not in written
    plan = yaml.safe_load(written)
    assert "Nội dung tuyên truyền cải cách hành chính trên địa bàn quận" in str(plan)


def test_fmt_keeps_a_c1_character_double_quoted(project: Path) -> None:
    """R3-08: kh fmt of a valid plan whose long text holds "\\x9C": stays an escaped double-quoted string."""
    plan = project / "plan.yaml"
    long = ("Ủy ban nhân dân Quận 3 ban hành Kế hoạch dán từ Word \\x9C có ký tự điều khiển ở giữa câu, "
            "dài hơn một dòng")
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "intro: Ủy ban nhân dân Quận 3 ban hành Kế hoạch như sau", f'intro: "{long}"'), encoding="utf-8")
    proc = run_kh("fmt", str(plan))
    assert proc.returncode == 0, proc.stderr
    after = plan.read_text(encoding="utf-8")
    assert f'intro: "{long}"' in after.replace("\\x9c", "\\x9C")
    assert yaml.safe_load(after)["intro"] == long.replace("\\x9C", "\u009c")


# ---------------------------------------------------------------------- fuzz
FUZZ_MUTANTS = 300
FUZZ_SEED = 20_2025
FUZZ_SECONDS = 5.0
FUZZ_PARTS = ("word/document.xml", "word/styles.xml", "word/numbering.xml", "word/footnotes.xml",
              "word/_rels/document.xml.rels", "_rels/.rels", "[Content_Types].xml", "word/settings.xml")
HOSTILE_VALUES = ("", "-1", "0", "99999999999999999999", "2000000000", "abc", "1e9", "%9%9%9%1", "\u009c",
                  "rId999", "../../etc/passwd")
W_TAGS = ("p", "r", "t", "tbl", "tr", "tc", "numPr", "ilvl", "numId", "lvl", "num", "abstractNum", "body",
          "sectPr", "footnoteReference", "footnote", "sdt", "sdtContent", "txbxContent", "del", "ins", "br")


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    return buf.getvalue()


def _zip_mutation(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    out = bytearray(data)
    kind = rng.choice(["truncate", "flip", "encrypt", "method", "drop", "declare", "prefix"])
    if kind == "truncate":
        out = out[: rng.randrange(len(out))]
    elif kind == "flip":
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    elif kind in ("encrypt", "method", "declare"):
        names = list(_parts(data))
        name = rng.choice(names).encode()
        i = 0
        while (i := out.find(b"PK\x01\x02", i)) != -1:
            length = int.from_bytes(out[i + 28:i + 30], "little")
            if out[i + 46:i + 46 + length] == name:
                if kind == "encrypt":
                    out[i + 8] |= 1
                elif kind == "method":
                    out[i + 10] = rng.choice([1, 6, 12, 14, 99])
                else:
                    out[i + 24:i + 28] = rng.choice([0, 1, 2**31, 2**32 - 1]).to_bytes(4, "little")
            i += 4
    elif kind == "drop":
        parts = _parts(data)
        parts.pop(rng.choice(list(parts)))
        out = bytearray(_zip(parts))
    else:
        out = bytearray(rng.choice([b"", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<?xml", b"x" * 10])) + out
    return f"zip:{kind}", bytes(out)


def _xml_mutation(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    parts = _parts(data)
    name = rng.choice([n for n in FUZZ_PARTS if n in parts])
    blob = parts[name]
    kind = rng.choice(["truncate", "garbage", "doctype", "empty", "deep", "root", "control"])
    if kind == "truncate":
        blob = blob[: rng.randrange(len(blob))]
    elif kind == "garbage":
        at = rng.randrange(len(blob))
        blob = blob[:at] + rng.choice([b"<<", b"&bogus;", b"\x01", b"]]>", b"<w:p>", b"\xff\xfe"]) + blob[at:]
    elif kind == "doctype":
        blob = blob.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1)
    elif kind == "empty":
        blob = b""
    elif kind == "deep":
        at = blob.rfind(b"</")
        blob = blob[:at] + b"<w:sdt><w:sdtContent>" * rng.choice([100, 300]) + blob[at:]
    elif kind == "root":
        blob = f'<w:other xmlns:w="{W_NS}"><w:body/></w:other>'.encode()
    else:   # a C1 or C0 character inside text (C0 makes the XML ill-formed)
        at = blob.find(b"<w:t")
        at = blob.find(b">", at) + 1 if at >= 0 else rng.randrange(len(blob))
        blob = blob[:at] + rng.choice(["\u009c", "\u0085", "\x07", "\ufffe"]).encode() + blob[at:]
    parts[name] = blob
    return f"xml:{kind}", _zip(parts)


def _structure_mutation(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    parts = _parts(data)
    name = rng.choice([n for n in ("word/document.xml", "word/numbering.xml", "word/footnotes.xml",
                                   "word/styles.xml") if n in parts])
    root = etree.fromstring(parts[name])
    elements = list(root.iter())
    el = rng.choice(elements)
    kind = rng.choice(["delete", "duplicate", "move", "attribute", "unattribute", "rename", "nest", "repeat"])
    if kind == "delete" and el is not root:
        el.getparent().remove(el)
    elif kind == "duplicate" and el is not root:
        el.addnext(etree.fromstring(etree.tostring(el)))
    elif kind == "move":
        inside = set(el.iter())
        target = rng.choice([e for e in elements if e not in inside] or [root])
        if el is not root:
            target.append(el)
    elif kind == "attribute":
        holders = [e for e in elements if e.attrib] or [root]
        holder = rng.choice(holders)
        key = rng.choice(list(holder.attrib) or [f"{W}val"])
        holder.set(key, rng.choice(HOSTILE_VALUES))
    elif kind == "unattribute":
        holders = [e for e in elements if e.attrib]
        if holders:
            holder = rng.choice(holders)
            del holder.attrib[rng.choice(list(holder.attrib))]
    elif kind == "rename":
        el.tag = W + rng.choice(W_TAGS)
    elif kind == "nest" and el is not root:
        wrapper = etree.Element(f"{W}tbl")
        inner = wrapper
        for _ in range(rng.choice([5, 30, 60])):
            inner = etree.SubElement(etree.SubElement(etree.SubElement(inner, f"{W}tr"), f"{W}tc"), f"{W}tbl")
        el.addprevious(wrapper)
        inner.append(el)
    elif kind == "repeat" and el is not root:
        for _ in range(rng.choice([50, 500])):
            el.addnext(etree.fromstring(etree.tostring(el)))
    parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return f"structure:{kind}", _zip(parts)


MUTATIONS = (_zip_mutation, _xml_mutation, _structure_mutation)


def _outcome(proc: subprocess.CompletedProcess[str], refusal: int) -> str:
    if "Traceback" in proc.stderr or "lỗi nội bộ" in proc.stderr:
        return "crash"
    if proc.returncode == 0:
        return "ok"
    if proc.returncode == refusal and proc.stderr.strip():
        return "refused"
    return f"exit {proc.returncode}"


def fuzz(sources: list[Path], mutants: int, tmp: Path) -> None:
    """``mutants`` mutated copies of ``sources`` through kh import and kh text in-process: no crash,
    each run under :data:`FUZZ_SECONDS`, memory bounded; the counts by outcome are printed."""
    rng = random.Random(FUZZ_SEED)
    blobs = [s.read_bytes() for s in sources]
    counts: Counter[str] = Counter()
    bad: list[str] = []
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    slowest = 0.0
    for i in range(mutants):
        mutation = rng.choice(MUTATIONS)
        kind, data = mutation(rng, rng.choice(blobs))
        src = tmp / f"m{i:03d}.docx"
        src.write_bytes(data)
        for command, args, refusal in (("import", ("import", str(src), "-o", str(tmp / f"o{i}" / "x.yaml"),
                                                   "--dry-run"), 1),
                                       ("text", ("text", str(src)), 2)):
            start = time.monotonic()
            proc = run_kh(*args)
            seconds = time.monotonic() - start
            slowest = max(slowest, seconds)
            outcome = _outcome(proc, refusal)
            counts[f"{command} {outcome}"] += 1
            if outcome not in ("ok", "refused") or seconds > FUZZ_SECONDS:
                bad.append(f"{src.name} ({kind}) {command}: {outcome}, {seconds:.1f} s: {proc.stderr[-600:]}")
            elif outcome == "refused" and not re.match(rf"{re.escape(str(src))}: |{re.escape(str(tmp))}/o\d+/x\.yaml",
                                                       proc.stderr):
                bad.append(f"{src.name} ({kind}) {command}: message names no file: {proc.stderr[:300]}")
        src.unlink()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    print(f"\nfuzz of {mutants} mutants of {len(sources)} files (seed {FUZZ_SEED}): "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
          + f"; slowest run {slowest:.2f} s; peak memory grew {grown_mb:.0f} MB")
    assert not bad, "\n".join(bad[:20])
    assert grown_mb < 500


@pytest.fixture(scope="module")
def example_builds(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """``kh build`` of every plans/*.yaml."""
    out = tmp_path_factory.mktemp("builds")
    plans = sorted(PLANS.glob("*.yaml"))
    proc = run_kh("build", *map(str, plans), "--outdir", str(out))
    assert proc.returncode == 0, proc.stderr
    return [out / f"{plan.stem}.docx" for plan in plans]


@pytest.mark.slow
def test_fuzz_of_the_examples_builds(example_builds: list[Path], tmp_path: Path) -> None:
    """Zip, XML and structure mutations of the examples' .docx: 0 tracebacks, each under 5 s."""
    fuzz(example_builds, FUZZ_MUTANTS, tmp_path)


@pytest.mark.slow
@pytest.mark.requires("shared")
def test_fuzz_of_real_word_files(tmp_path: Path) -> None:
    """The same fuzz over the real offices' documents in ../shared/wild."""
    sources = sorted((SHARED / "wild").glob("*.docx"))
    assert sources, f"no .docx in {SHARED / 'wild'}"
    fuzz(sources, FUZZ_MUTANTS // 2, tmp_path)
