"""Every .docx kh writes is Word-clean: ooxmlcheck 0 errors, pkgcheck no ERROR/WARN, openxml-audit 0 errors.

Checked on every example plan and on variants that reach the rest of the writer: a decision with
a 300-character subject, an organisation name over 255 characters (document-property limit),
footnotes inside appendix table cells, XML-special and control characters, a draft.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document

from generator.writers.docx_writer import PROPERTY_LIMIT, fit_property

from .conftest import EXAMPLES, PLANS, run_kh
from .wordclean import assert_word_clean, word_clean_problems

LONG_SUBJECT = ("Thông tin, tuyên truyền cải cách hành chính, chuyển đổi số, xây dựng chính quyền điện tử "
                "hướng tới chính quyền số, cải thiện môi trường đầu tư kinh doanh, nâng cao chỉ số hài lòng "
                "của người dân và doanh nghiệp đối với sự phục vụ của cơ quan hành chính nhà nước trên địa bàn "
                "Thành phố năm {{ year }}")
LONG_ORG = "Ủy ban nhân dân Quận 3 " + "và Ban Chỉ đạo cải cách hành chính, chuyển đổi số " * 6


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Variants of the examples, built by the real CLI in one folder build."""
    root = tmp_path_factory.mktemp("variants")
    plans = root / "plans"
    shutil.copytree(PLANS / "orgs", plans / "orgs")
    shutil.copy(PLANS / "tphcm-2021.yaml", plans / "long-subject.yaml")
    _edit(plans / "long-subject.yaml",
          "subject: Thông tin, tuyên truyền cải cách hành chính trên địa bàn Thành phố năm {{ year }}",
          f"subject: {LONG_SUBJECT}")
    shutil.copy(PLANS / "orgs" / "quan3.yaml", plans / "orgs" / "dai.yaml")
    _edit(plans / "orgs" / "dai.yaml", "name: Ủy ban nhân dân Quận 3", f"name: {LONG_ORG.strip()}")
    shutil.copy(PLANS / "quan3-2025.yaml", plans / "long-org.yaml")
    _edit(plans / "long-org.yaml", "org: quan3", "org: dai")
    shutil.copy(PLANS / "quan3-2026-du-thao.yaml", plans / "notes-in-cells.yaml")
    _edit(plans / "notes-in-cells.yaml", "product: Hội nghị tổng kết",
          'product: "Hội nghị <tổng kết> & báo cáo^[Theo Công văn số 12/UBND-NV.]"')
    _edit(plans / "notes-in-cells.yaml", "        timing: Thường xuyên\n        product: Tin, bài",
          '        timing: "Thường xuyên\\u0007 \\"hằng tháng\\""\n        product: Tin, bài^[Kể cả bản tin phường.]')
    out = root / "out"
    proc = run_kh("build", str(plans), "--outdir", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {p.stem: p for p in sorted(out.glob("*.docx"))}


def test_examples_are_word_clean(built_examples: dict[str, Path]) -> None:
    assert set(built_examples) == set(EXAMPLES)
    assert_word_clean(*built_examples.values())


def test_variants_are_word_clean(variants: dict[str, Path]) -> None:
    assert set(variants) == {"long-subject", "long-org", "notes-in-cells"}
    assert_word_clean(*variants.values())


def test_notes_in_cells_variant_really_has_them(variants: dict[str, Path]) -> None:
    with zipfile.ZipFile(variants["notes-in-cells"]) as z:
        notes = z.read("word/footnotes.xml").decode()
        body = z.read("word/document.xml").decode()
    assert "Theo Công văn số 12/UBND-NV." in notes and "Kể cả bản tin phường." in notes
    assert "Hội nghị &lt;tổng kết&gt; &amp; báo cáo" in body and "\x07" not in body


def test_long_subject_and_organisation_build_with_properties_cut_and_body_intact(variants) -> None:
    """Issue 12 item 5: core properties hold at most 255 characters; the document keeps everything."""
    for name, full in (("long-subject", LONG_SUBJECT.replace("{{ year }}", "2021")), ("long-org", LONG_ORG.strip())):
        doc = Document(str(variants[name]))
        props = doc.core_properties
        text = " ".join(p.text for p in doc.paragraphs) + " ".join(
            c.text for t in doc.tables for r in t.rows for c in r.cells)
        value = props.title if name == "long-subject" else props.author
        assert len(full) > PROPERTY_LIMIT
        assert len(value) <= PROPERTY_LIMIT and value.endswith("…") and full.startswith(value[:-1])
        if name == "long-subject":
            assert "của người dân và doanh nghiệp đối với sự phục vụ" in text and "Thành phố năm 2021" in text
        else:
            assert props.last_modified_by == props.author


def test_fit_property_cuts_at_a_word() -> None:
    assert fit_property("ngắn") == "ngắn"
    long = "chữ " * 100
    cut = fit_property(long)
    assert len(cut) <= PROPERTY_LIMIT and cut.endswith("chữ…")
    assert len(fit_property("x" * 1000)) == PROPERTY_LIMIT


def test_document_settings_are_word_2013_and_vietnamese(built_examples: dict[str, Path]) -> None:
    with zipfile.ZipFile(built_examples["quan3-2025"]) as z:
        names = z.namelist()
        settings = z.read("word/settings.xml").decode()
        app = z.read("docProps/app.xml").decode()
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in settings
    assert "stylesWithEffects" not in " ".join(names) and "thumbnail" not in " ".join(names)
    assert "Macintosh" not in app
    Document(io.BytesIO(built_examples["quan3-2025"].read_bytes()))   # python-docx opens it


def test_a_paragraph_too_big_for_the_xml_parser_is_an_error_not_a_cut() -> None:
    """Issue 12 item 12: docxtpl re-parses with lxml recovery, which cut text nodes over 10 MB silently."""
    from docxtpl import DocxTemplate

    from generator.core.errors import KhError
    from generator.writers.docx_writer import DEFAULT_TEMPLATE, _strict_template

    tpl = _strict_template(DocxTemplate)(str(DEFAULT_TEMPLATE))
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    small = f"<w:body {w}><w:p><w:r><w:t>một</w:t></w:r></w:p><w:p><w:r><w:t>hai</w:t></w:r></w:p></w:body>"
    assert "".join(tpl.fix_tables(small).itertext()) == "mộthai"
    huge = small.replace("một", "chữ " * 2_700_000)
    with pytest.raises(KhError, match="10 MB"):
        tpl.fix_tables(huge)


@pytest.fixture
def defective(built_examples: dict[str, Path], tmp_path: Path) -> Path:
    """quan3-2025 with a duplicate w:tblLayout and a w:zoom without w:percent re-injected."""
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(built_examples["quan3-2025"]) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename).decode()
            if item.filename == "word/document.xml":
                data = data.replace('<w:tblLayout w:type="fixed"/>', '<w:tblLayout w:type="fixed"/>' * 2, 1)
            elif item.filename == "word/settings.xml":
                data = data.replace('<w:zoom w:percent="100"/>', '<w:zoom w:val="bestFit"/>')
            dst.writestr(item, data)
    return bad


def test_the_checkers_catch_the_defects_fixed_here(defective: Path) -> None:
    """The harness can fail: openxml-audit (always run) finds the re-injected defects."""
    found = "\n".join(word_clean_problems(defective))
    assert "openxml-audit" in found


@pytest.mark.requires("shared")
def test_the_shared_checkers_catch_the_defects_fixed_here(defective: Path) -> None:
    """../shared's checkers, the second opinion, find them too: ooxmlcheck the zoom, pkgcheck the layout."""
    found = "\n".join(word_clean_problems(defective))
    assert "ooxmlcheck" in found and "zoom" in found
    assert "pkgcheck" in found and "tblLayout" in found
