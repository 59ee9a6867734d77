"""End-to-end tests for generator.writers.footnotes (python-docx, docxtpl, soffice)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as DocumentObject
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docxtpl import DocxTemplate, RichText
from lxml import etree

from generator.writers.footnotes import Run, install_footnotes, reference_run_xml

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W_NS}

NOTES: list[list[Run]] = [
    [
        ("NOTEONE Căn cứ ", False, False),
        ("Luật Tổ chức chính quyền địa phương", True, False),
        (" năm 2015", False, True),
    ],
    [("NOTETWO A & B <C> D", False, False)],
    [("NOTETHREE ghi chú ở trang hai", False, False)],
]
NOTE_TEXTS = [
    "NOTEONE Căn cứ Luật Tổ chức chính quyền địa phương năm 2015",
    "NOTETWO A & B <C> D",
    "NOTETHREE ghi chú ở trang hai",
]
# body paragraph index (0-based) -> footnote id referenced at its end
REFERENCES = {1: 1, 4: 2, 20: 3}
FILLER = (
    "Ủy ban nhân dân tỉnh triển khai thực hiện kế hoạch cải cách hành chính, "
    "bảo đảm tiến độ và chất lượng theo quy định hiện hành."
)


def _xp(element: etree._Element, expr: str) -> Any:
    """Namespace-aware XPath on any lxml element (oxml or plain)."""
    return etree.XPath(expr, namespaces=NS)(element)


def _reference_run(note_id: int) -> BaseOxmlElement:
    """Parse reference_run_xml() (w: declared for parsing only) into a CT_R."""
    return parse_xml(f"<w:p {nsdecls('w')}>{reference_run_xml(note_id)}</w:p>")[0]


def _build_document(paragraphs: int = 60) -> DocumentObject:
    document = docx.Document()
    for i in range(paragraphs):
        p = document.add_paragraph(f"BODY{i:02d} {FILLER}")
        if i in REFERENCES:
            p.add_run(f" REF{REFERENCES[i]}")
            p._p.append(_reference_run(REFERENCES[i]))
    return document


def _footnotes_part(document: DocumentObject) -> Part:
    rels = [r for r in document.part.rels.values() if r.reltype == RT.FOOTNOTES]
    assert len(rels) == 1
    return rels[0].target_part


def _footnotes_root(document: DocumentObject) -> BaseOxmlElement:
    return parse_xml(_footnotes_part(document).blob)


def _note_text(footnote: etree._Element) -> str:
    return "".join(_xp(footnote, ".//w:t/text()"))


@pytest.fixture
def saved_docx(tmp_path: Path) -> Path:
    document = _build_document()
    install_footnotes(document, NOTES)
    install_footnotes(document, NOTES)  # idempotent: no duplicated styles/settings
    path = tmp_path / "footnotes.docx"
    document.save(path)
    return path


def test_reference_run_xml_is_a_bare_run() -> None:
    xml = reference_run_xml(7)
    assert xml == (
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/>'
        '<w:vertAlign w:val="superscript"/></w:rPr>'
        '<w:footnoteReference w:id="7"/></w:r>'
    )
    assert "xmlns" not in xml
    for bad in (0, -1, True, "1"):
        with pytest.raises(ValueError):
            reference_run_xml(bad)  # type: ignore[arg-type]


def test_footnotes_part_structure(saved_docx: Path) -> None:
    document = docx.Document(str(saved_docx))
    part = _footnotes_part(document)
    assert part.content_type == CT.WML_FOOTNOTES
    assert part.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    )
    assert str(part.partname) == "/word/footnotes.xml"

    root = parse_xml(part.blob)
    footnotes = root.findall(qn("w:footnote"))
    assert [f.get(qn("w:id")) for f in footnotes] == ["-1", "0", "1", "2", "3"]
    assert footnotes[0].get(qn("w:type")) == "separator"
    assert footnotes[0].find(".//" + qn("w:separator")) is not None
    assert footnotes[1].get(qn("w:type")) == "continuationSeparator"
    assert footnotes[1].find(".//" + qn("w:continuationSeparator")) is not None

    for footnote, expected in zip(footnotes[2:], NOTE_TEXTS, strict=True):
        assert footnote.get(qn("w:type")) is None
        (p,) = footnote.findall(qn("w:p"))
        assert _xp(p, "string(w:pPr/w:pStyle/@w:val)") == "FootnoteText"
        runs = p.findall(qn("w:r"))
        mark_style = _xp(runs[0], "string(w:rPr/w:rStyle/@w:val)")
        assert mark_style == "FootnoteReference"
        assert runs[0].find(qn("w:footnoteRef")) is not None
        assert _note_text(footnote) == " " + expected

    # bold / italic runs of note 1
    runs = footnotes[2].findall(f"{qn('w:p')}/{qn('w:r')}")
    plain, bold, italic = runs[2:]
    assert plain.find(f"{qn('w:rPr')}") is None
    assert bold.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
    assert bold.find(f"{qn('w:rPr')}/{qn('w:i')}") is None
    assert italic.find(f"{qn('w:rPr')}/{qn('w:i')}") is not None
    assert italic.find(f"{qn('w:rPr')}/{qn('w:b')}") is None
    # leading/trailing spaces are preserved
    xml_space = "{http://www.w3.org/XML/1998/namespace}space"
    assert plain.find(qn("w:t")).get(xml_space) == "preserve"
    assert italic.find(qn("w:t")).get(xml_space) == "preserve"


def test_special_characters_are_escaped(saved_docx: Path) -> None:
    with zipfile.ZipFile(saved_docx) as zf:
        raw = zf.read("word/footnotes.xml").decode("utf-8")
    assert "NOTETWO A &amp; B &lt;C&gt; D" in raw


def test_styles_and_settings(saved_docx: Path) -> None:
    document = docx.Document(str(saved_docx))
    styles = document.styles.element
    text_styles = _xp(styles, 'w:style[@w:styleId="FootnoteText"]')
    ref_styles = _xp(styles, 'w:style[@w:styleId="FootnoteReference"]')
    assert len(text_styles) == 1
    assert len(ref_styles) == 1

    text_style = text_styles[0]
    assert text_style.get(qn("w:type")) == "paragraph"
    assert _xp(text_style, "string(w:basedOn/@w:val)") == "Normal"
    fonts = text_style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    for attr in ("ascii", "hAnsi", "cs"):
        assert fonts.get(qn(f"w:{attr}")) == "Times New Roman"
    assert _xp(text_style, "string(w:rPr/w:sz/@w:val)") == "20"
    assert _xp(text_style, "string(w:pPr/w:jc/@w:val)") == "both"
    spacing = text_style.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
    assert spacing.get(qn("w:after")) == "0"
    assert spacing.get(qn("w:line")) == "240"
    assert spacing.get(qn("w:lineRule")) == "auto"

    ref_style = ref_styles[0]
    assert ref_style.get(qn("w:type")) == "character"
    assert _xp(ref_style, "string(w:rPr/w:vertAlign/@w:val)") == "superscript"
    # python-docx resolves both styles by name
    assert document.styles["footnote text"].style_id == "FootnoteText"
    assert document.styles["footnote reference"].style_id == "FootnoteReference"

    settings = document.settings.element
    footnote_prs = settings.findall(qn("w:footnotePr"))
    assert len(footnote_prs) == 1
    assert _xp(footnote_prs[0], "w:footnote/@w:id") == ["-1", "0"]
    # schema order: ... characterSpacingControl, savePreviewPicture, (hdrShapeDefaults),
    # footnotePr, (endnotePr), compat, ...
    tags = [child.tag for child in settings]
    position = tags.index(qn("w:footnotePr"))
    assert tags[position - 1] == qn("w:savePreviewPicture")
    assert tags[position + 1] == qn("w:compat")


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        # predecessors present: footnotePr goes right after hdrShapeDefaults,
        # before endnotePr/compat and the trailing w14 extension element
        (
            ["w:zoom", "w:hdrShapeDefaults", "w:endnotePr", "w:compat", "w14:docId"],
            ["zoom", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docId"],
        ),
        # no predecessor present: footnotePr goes first
        (["w:compat", "w:rsids"], ["footnotePr", "compat", "rsids"]),
    ],
)
def test_settings_footnotepr_schema_position(
    tmp_path: Path, children: list[str], expected: list[str]
) -> None:
    document = docx.Document()
    settings = document.settings.element
    for child in list(settings):
        settings.remove(child)
    for tag in children:
        settings.append(OxmlElement(tag))
    install_footnotes(document, [[("x", False, False)]])
    path = tmp_path / "settings.docx"
    document.save(path)
    tags = [etree.QName(c).localname for c in docx.Document(str(path)).settings.element]
    assert tags == expected


def test_existing_footnotepr_keeps_its_numbering_properties() -> None:
    document = docx.Document()
    settings = document.settings.element
    num_fmt = '<w:numFmt w:val="lowerRoman"/>'
    settings.insert(
        0, parse_xml(f"<w:footnotePr {nsdecls('w')}>{num_fmt}</w:footnotePr>")
    )
    install_footnotes(document, [[("x", False, False)]])
    (footnote_pr,) = settings.findall(qn("w:footnotePr"))
    tags = [etree.QName(c).localname for c in footnote_pr]
    assert tags == ["numFmt", "footnote", "footnote"]
    assert _xp(footnote_pr, "w:footnote/@w:id") == ["-1", "0"]


def test_every_reference_has_a_footnote(saved_docx: Path) -> None:
    document = docx.Document(str(saved_docx))
    refs = _xp(document.element.body, ".//w:footnoteReference/@w:id")
    assert sorted(refs) == ["1", "2", "3"]
    ids = set(_xp(_footnotes_root(document), "w:footnote/@w:id"))
    assert set(refs) <= ids


def test_existing_footnotes_part_is_replaced(saved_docx: Path, tmp_path: Path) -> None:
    document = docx.Document(str(saved_docx))  # footnotes.xml loads as a blob part
    install_footnotes(document, [[("REPLACED note", False, True)]])
    out = tmp_path / "replaced.docx"
    document.save(out)

    reopened = docx.Document(str(out))
    root = _footnotes_root(reopened)
    footnotes = root.findall(qn("w:footnote"))
    assert [f.get(qn("w:id")) for f in footnotes] == ["-1", "0", "1"]
    assert _note_text(footnotes[2]) == " REPLACED note"
    names = [str(p.partname) for p in reopened.part.package.iter_parts()]
    assert names.count("/word/footnotes.xml") == 1
    styles = reopened.styles.element
    assert len(_xp(styles, 'w:style[@w:styleId="FootnoteText"]')) == 1
    assert len(reopened.settings.element.findall(qn("w:footnotePr"))) == 1


def test_empty_notes_do_nothing(tmp_path: Path) -> None:
    document = docx.Document()
    before_settings = document.settings.element.xml
    install_footnotes(document, [])
    assert not [r for r in document.part.rels.values() if r.reltype == RT.FOOTNOTES]
    assert document.settings.element.xml == before_settings
    assert not _xp(document.styles.element, 'w:style[@w:styleId="FootnoteText"]')


def test_control_characters_tabs_and_breaks(tmp_path: Path) -> None:
    document = docx.Document()
    install_footnotes(
        document,
        [[("a\x00b\x07c\x1fd\ufffe", False, False), ("x\ty\nz", False, False)]],
        size_pt=11,
    )
    path = tmp_path / "ctrl.docx"
    document.save(path)
    reopened = docx.Document(str(path))
    footnote = _footnotes_root(reopened).findall(qn("w:footnote"))[2]
    assert _note_text(footnote) == " abcdxyz"
    assert footnote.find(f".//{qn('w:tab')}") is not None
    assert footnote.find(f".//{qn('w:br')}") is not None
    size = _xp(
        reopened.styles.element,
        'string(w:style[@w:styleId="FootnoteText"]/w:rPr/w:sz/@w:val)',
    )
    assert size == "22"


def test_docxtpl_richtext_reference(tmp_path: Path) -> None:
    template = docx.Document()
    template.add_paragraph("Căn cứ {{r can_cu }}")
    template_path = tmp_path / "template.docx"
    template.save(template_path)

    tpl = DocxTemplate(template_path)
    rt = RichText("Nghị định số 30/2020/NĐ-CP")
    rt.xml += reference_run_xml(1)
    tpl.render({"can_cu": rt})
    install_footnotes(tpl.docx, [[("Về công tác văn thư.", False, False)]])
    out = tmp_path / "rendered.docx"
    tpl.save(out)

    reopened = docx.Document(str(out))
    assert _xp(reopened.element.body, ".//w:footnoteReference/@w:id") == ["1"]
    footnotes = _footnotes_root(reopened).findall(qn("w:footnote"))
    assert _note_text(footnotes[2]) == " Về công tác văn thư."


# -- LibreOffice rendering ----------------------------------------------------


def _pdf_pages(docx_path: Path, work: Path) -> tuple[Path, list[str]]:
    """Convert with a private LibreOffice profile; return the PDF and its text pages."""
    soffice = shutil.which("soffice")
    assert soffice is not None
    outdir = work / "pdf"
    profile = work / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(docx_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = outdir / (docx_path.stem + ".pdf")
    assert pdf.exists()
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return pdf, text.split("\f")


def _line_index(lines: list[str], needle: str) -> int:
    hits = [i for i, line in enumerate(lines) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


@pytest.mark.requires("soffice", "poppler")
def test_libreoffice_renders_notes_at_page_foot(
    saved_docx: Path, tmp_path: Path
) -> None:
    _, pages = _pdf_pages(saved_docx, tmp_path)
    page_lines = [page.splitlines() for page in pages]

    def page_of(marker: str) -> int:
        found = [n for n, page in enumerate(pages) if marker in page]
        assert len(found) == 1, (marker, found)
        return found[0]

    ref_pages = {}
    for paragraph, note_id in REFERENCES.items():
        page = page_of(f"BODY{paragraph:02d}")
        ref_pages[note_id] = page
        lines = page_lines[page]
        note_line = _line_index(lines, NOTE_TEXTS[note_id - 1].split()[0])
        # the note sits on the page of its reference, below every body line there
        body_lines = [i for i, line in enumerate(lines) if re.search(r"BODY\d\d", line)]
        assert note_line > max(body_lines)
        # ... and starts with its footnote number (the raised digit may land on
        # its own line just above the note text in pdftotext's layout)
        head = lines[note_line - 1] + " " + lines[note_line]
        assert re.match(rf"^\s*{note_id}\s+NOTE", head), head
        # the body carries the number as a reference mark right after "REFn"
        ref_line = _line_index(lines, f"REF{note_id}")
        ref_text = lines[ref_line]
        assert re.search(rf"REF{note_id}\s?{note_id}\b", ref_text), ref_text

    assert ref_pages[1] == 0
    assert ref_pages[2] == 0
    assert ref_pages[3] == 1
    # the escaped characters come back verbatim
    assert NOTE_TEXTS[1] in pages[0]
