"""Appendix tables written as XML text: the same bytes as building them in lxml, end to end.

The task table is written as one XML string spliced into the serialised document part
(generator/writers/appendix_docx.py ``table_xml``, package.py ``_spliced``) and its rows'
heights are settled by their length where that is enough. These tests hold both to the
slow, obvious way: parse the table into the document and let lxml write it; measure every
character of every cell; measure every word.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.lang.typography import Span
from generator.layout import metrics
from generator.layout.blocks import Cell, Row, Table, _longest_word
from generator.ooxml import package
from generator.readers.yaml_reader import read_plan
from generator.writers import appendix_docx
from generator.writers.appendix_docx import TableText, _preserve_space, _RowFit, row_height_pt, table, table_xml
from generator.writers.docx_writer import render_docx

from .conftest import nd30check, run_kh
from .wordclean import assert_word_clean

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# characters of every width class, Vietnamese letters, ones the width table does not know,
# XML's special characters, a line break, a tab, CR and a character outside the BMP
CHARS = "iltW.,  mMaưỮđĐ€“”–…&<>\"'\t\r\n😀"
texts = st.text(alphabet=CHARS, max_size=12).flatmap(
    lambda unit: st.integers(0, 120).map(lambda times: unit * times))
spans = st.builds(Span, texts, st.booleans(), st.booleans())
note_span = st.builds(lambda t: Span("", note=(Span(t or "chú thích"),)), texts)
paragraphs = st.lists(st.one_of(spans, spans, note_span), max_size=3)
cells = st.builds(Cell, st.lists(paragraphs, max_size=3), st.sampled_from(["left", "center", "right"]), st.booleans())


@st.composite
def tables(draw: st.DrawFn) -> Table:
    columns = draw(st.integers(1, 5))
    shares = draw(st.lists(st.integers(1, 40), min_size=columns, max_size=columns))
    rows = [Row("header", [Cell([[Span(f"Cột {i}", bold=True)]], "center", True) for i in range(columns)])]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["data", "data", "data", "group", "form", "total"]))
        count = 1 if kind == "group" else columns
        rows.append(Row(kind, draw(st.lists(cells, min_size=count, max_size=count))))
    return Table([s / sum(shares) for s in shares], rows)


def _document(child: etree._Element) -> etree._Element:
    body = etree.Element(f"{{{W}}}body", nsmap={"w": W})
    body.append(etree.Element(f"{{{W}}}p"))
    body.append(child)
    body.append(etree.Element(f"{{{W}}}sectPr"))
    return body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from([9638, 14003]), st.booleans())
def test_spliced_table_text_is_what_lxml_writes(tbl: Table, width: int, keep: bool) -> None:
    # the obvious way: parse, move into the document, xml:space on every w:t, serialise
    parsed_notes: list = []
    el = table(tbl, width, 482.0, parsed_notes, space=False)
    if keep:   # what the writer did before: the last row's paragraphs kept with the next one
        for p in el.findall(f"{{{W}}}tr")[-1].iter(f"{{{W}}}p"):
            ppr = p.find(f"{{{W}}}pPr")
            if ppr.find(f"{{{W}}}keepNext") is None:
                ppr.find(f"{{{W}}}pStyle").addnext(etree.Element(f"{{{W}}}keepNext"))
    body = _document(el)
    _preserve_space(el)
    expected = etree.tostring(body, encoding="UTF-8", standalone=True)
    # the fast way: a placeholder serialised, the text put in its place
    notes: list = []
    text = TableText(table_xml(tbl, width, 482.0, notes, keep_last_with_next=keep), 0)
    spliced = package._spliced(etree.tostring(_document(text.placeholder), encoding="UTF-8", standalone=True),
                               [text])
    assert spliced == expected
    assert notes == parsed_notes


def _cant_split(tbl: Table, width: int, limit_pt: float) -> list[bool]:
    el = etree.fromstring(f'<w:x xmlns:w="{W}">{table_xml(tbl, width, limit_pt * 3)}</w:x>')
    return [tr.find(f"{{{W}}}trPr/{{{W}}}cantSplit") is not None for tr in el.iter(f"{{{W}}}tr")]


@settings(max_examples=300, deadline=None)
@given(tables(), st.sampled_from([9638, 14003]), st.floats(20.0, 500.0))
def test_row_heights_settled_by_length_agree_with_measuring_every_character(
        tbl: Table, width: int, limit: float) -> None:
    widths = appendix_docx.column_widths(tbl, width)
    fit = _RowFit(widths, limit)
    expected = [r.kind != "data" or row_height_pt(r, widths) <= limit for r in tbl.rows]
    assert [r.kind != "data" or fit(r) for r in tbl.rows] == expected
    assert _cant_split(tbl, width, limit) == expected


@pytest.mark.parametrize("width", [714, 2143, 5143, 6000])
def test_length_thresholds_are_exact_at_their_edges(width: int) -> None:
    """One character more or less across each threshold flips the answer where it must."""
    limit = 482.0 / 3
    fit = _RowFit([width], limit)
    short, long = fit.short[0], fit.long[0]
    assert 0 <= short < long
    for ch, n in (("W", short), ("W", short + 1), (".", long - 1), (".", long), ("i", short + 1), ("ư", long - 1)):
        row = Row("data", [Cell([[Span(ch * n)]])])
        assert fit(row) == (row_height_pt(row, [width]) <= limit), (ch, n)
    assert row_height_pt(Row("data", [Cell([[Span("W" * short)]])]), [width]) <= limit
    assert row_height_pt(Row("data", [Cell([[Span("." * long)]])]), [width]) > limit


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=CHARS + "xyzXYZ0123456789", max_size=300)))
def test_roman_bounds_hold_the_width_of_every_character(text: str) -> None:
    low, high = metrics.roman_units_bounds(text)
    exact = metrics.text_width_pt(text, 1000.0)        # units × 1000 / 1000: the advance in 1/1000 em
    assert low <= exact <= high
    if text.isascii():
        assert low == exact == high


@settings(max_examples=200, deadline=None)
@given(st.sets(st.text(alphabet=CHARS + "xyzXYZ", max_size=40), max_size=30), st.booleans())
def test_longest_word_is_the_widest_of_all_words(texts_: set[str], bold: bool) -> None:
    words = {w for t in texts_ for w in t.split()}
    expected = max(((metrics.text_width_pt(w, 13, bold=bold), w) for w in words), default=(0.0, ""))
    assert _longest_word(texts_, bold) == expected


class _Text:
    def __init__(self, xml: str, marker: bytes = b"<?kh-table 0?>") -> None:
        self.xml, self.marker = xml, marker

    def materialise(self) -> None:
        raise AssertionError("not used here")


@pytest.mark.parametrize("xml", ["<w:t>a\x01b</w:t>", "<w:t>\ufffe</w:t>", "<w:t>\ud800</w:t>"])
def test_text_xml_forbids_is_never_spliced(xml: str) -> None:
    blob = b'<w:body><?kh-table 0?></w:body>'
    assert package._spliced(blob, [_Text("<w:t>ok</w:t>")]) == b"<w:body><w:t>ok</w:t></w:body>"
    assert package._spliced(blob, [_Text(xml)]) is None            # lxml would refuse it: parsed instead
    assert package._spliced(blob + b"<?kh-table 0?>", [_Text("<w:t>ok</w:t>")]) is None   # marker twice


TASKS = {
    "tasks": [
        {"group": "Nhóm & <một>", "tasks": [
            {"task": ["Việc **quan trọng** có chú thích^[Theo Quyết định số 1/QĐ-UBND]",
                      "Dòng hai: A < B > C & \"D\""],
             "lead": "noi-vu", "support": {"text": "Các cơ quan *phối hợp*"},
             "timing": {"quarter": 1}, "product": ["Báo cáo", "Tin, bài"]},
            {"task": "Rất dài " * 400, "lead": "btg", "timing": "Thường xuyên"},
            {"task": "Niêm yết", "lead": ["noi-vu"], "timing": {"month": 2}},
        ]},
    ],
    "appendices": [
        {"type": "tasks", "title": "Nhiệm vụ năm {{ year }}", "landscape": True,
         "notes": "Ghi chú sau bảng."},
        {"type": "report", "title": "Mẫu báo cáo", "topics": ["Số tin & bài"], "fields": ["Kết quả"]},
    ],
}


def test_plan_with_appendix_tables_same_bytes_spliced_or_parsed(project: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    plan_path = project / "plan.yaml"
    data = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    data.update(TASKS)
    plan_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "kh.docx"
    proc = run_kh("build", str(plan_path), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    spliced = render_docx(read_plan(plan_path))
    assert out.read_bytes() == spliced
    monkeypatch.setattr(package, "_spliced", lambda blob, texts: None)       # every table parsed into the tree
    assert render_docx(read_plan(plan_path)) == spliced

    with zipfile.ZipFile(io.BytesIO(spliced)) as z:
        xml = z.read("word/document.xml")
        assert b"<?kh-table" not in xml
        assert z.read("word/footnotes.xml").count(b"Theo Quy") == 1
    d = docx.Document(str(out))
    (tasks,) = [i for i, t in enumerate(d.tables) if t.rows[0].cells[1].text == "Nội dung công việc"]
    cells = [c.text for row in d.tables[tasks].rows for c in row.cells]
    assert any(c.endswith("\n- Dòng hai: A < B > C & “D”") for c in cells)     # quotes curled by the reader
    assert "I. NHÓM & <MỘT>" in cells
    tables = etree.fromstring(xml).findall(f".//{{{W}}}tbl")
    tall = [tr for tr in tables[tasks].findall(f"{{{W}}}tr") if "Rất dài" in "".join(tr.itertext())]
    assert len(tall) == 1 and tall[0].find(f"{{{W}}}trPr/{{{W}}}cantSplit") is None   # a very tall row may split
    result = nd30check(out)
    assert not result.unexpected_failures(), result.output
    assert_word_clean(out)
