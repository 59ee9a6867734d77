"""kh import, measured on kh's own documents: every example plan, built, imported and built again,
gives the same document text paragraph by paragraph (and the same footnotes); the imported
YAML validates with kh's reader; the rebuilt document passes the ND30 checker."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator.readers.yaml_reader import read_plan

from .conftest import EXAMPLES, nd30check, run_kh

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def document_text(path: Path) -> tuple[list[str], list[str]]:
    """Every paragraph of the body (tables included, in order) and every footnote's text."""
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        notes = etree.fromstring(z.read("word/footnotes.xml")) if "word/footnotes.xml" in z.namelist() else None
    paras = ["".join((t.text or "") if t.tag == f"{W}t" else "\n" for t in p.iter(f"{W}t", f"{W}br"))
             for p in body.iter(f"{W}p")]
    foot = [] if notes is None else ["".join(t.text or "" for t in fn.iter(f"{W}t"))
                                     for fn in notes.iter(f"{W}footnote")]
    return paras, foot


@pytest.fixture(scope="module")
def round_trips(built_examples: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """name → folder holding the imported plan (plan.yaml, orgs/) and its rebuild (plan.docx)."""
    out = {}
    for name in EXAMPLES:
        folder = tmp_path_factory.mktemp(f"rt-{name}")
        proc = run_kh("import", str(built_examples[name]), "-o", str(folder / "plan.yaml"), "--report", "json")
        assert proc.returncode == 0, proc.stderr
        report = json.loads(proc.stdout)
        assert report["paragraphs"]["unplaced"] == 0, report["unplaced"]
        proc = run_kh("build", str(folder / "plan.yaml"), "-o", str(folder / "plan.docx"))
        assert proc.returncode == 0, proc.stderr
        out[name] = folder
    return out


@pytest.mark.parametrize("name", EXAMPLES)
def test_build_import_build_gives_the_same_text(name: str, built_examples: dict[str, Path],
                                                round_trips: dict[str, Path]) -> None:
    before, notes_before = document_text(built_examples[name])
    after, notes_after = document_text(round_trips[name] / "plan.docx")
    assert len(before) > 40
    mismatch = [(i, a, b) for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]
    assert not mismatch, f"first differing paragraph: {mismatch[0]}"
    assert len(before) == len(after)
    assert notes_before == notes_after


@pytest.mark.parametrize("name", EXAMPLES)
def test_imported_plan_validates_and_passes_nd30(name: str, round_trips: dict[str, Path]) -> None:
    plan = read_plan(round_trips[name] / "plan.yaml")
    assert plan.sections
    result = nd30check(round_trips[name] / "plan.docx")
    assert not result.unexpected_failures(), result.output


def test_import_recognises_structure_not_just_text(round_trips: dict[str, Path]) -> None:
    """The round trip is not a pile of paragraphs: bases, assignments, tasks and the decision are data."""
    import yaml

    q3 = yaml.safe_load((round_trips["quan3-2025"] / "plan.yaml").read_text(encoding="utf-8"))
    assert q3["number"] == 118 and str(q3["date"]) == "2025-04-29"
    assert [b["number"] for b in q3["bases"]] == ["1895/KH-UBND", "35/KH-UBND", "92/KH-UBND"]
    units = [a["unit"] for a in q3["sections"][-1]["assignments"]]
    assert len(units) == 8 and isinstance(units[5], list) and len(units[5]) == 2
    profile = yaml.safe_load((round_trips["quan3-2025"] / "orgs" / f"{q3['org']}.yaml").read_text(encoding="utf-8"))
    assert profile["header"] == ["ỦY BAN NHÂN DÂN", "QUẬN 3"] and profile["symbol"] == "UBND"
    requested = [u for u in profile["units"].values() if isinstance(u, dict) and u.get("request")]
    assert len(requested) == 2
    hcm = yaml.safe_load((round_trips["tphcm-2021"] / "plan.yaml").read_text(encoding="utf-8"))
    assert hcm["decision"]["number"] == 1963 and len(hcm["decision"]["articles"]) == 4
    bt = yaml.safe_load((round_trips["binhtan-2021"] / "plan.yaml").read_text(encoding="utf-8"))
    assert [len(g["tasks"]) for g in bt["tasks"]] == [13, 12, 1]
    assert bt["appendices"][0]["landscape"] is True
    draft = yaml.safe_load((round_trips["quan3-2026-du-thao"] / "plan.yaml").read_text(encoding="utf-8"))
    assert "number" not in draft and draft["year"] == 2026
    assert [a["type"] for a in draft["appendices"]] == ["tasks", "report", "budget"]


def _upper_titles(value, key=None):
    """Titles and group names are printed IN HOA, so their case in the YAML is free."""
    from generator.lang.typography import upper_vi

    if isinstance(value, dict):
        return {k: _upper_titles(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_upper_titles(v, key) for v in value]
    return upper_vi(value) if isinstance(value, str) and key in ("title", "group") else value


@pytest.mark.parametrize("name", ["quan3-2025", "binhtan-2021"])
def test_import_beside_the_profiles_gives_back_the_same_plan(name: str, built_examples: dict[str, Path],
                                                             tmp_path: Path) -> None:
    """Imported into a copy of plans/, the matching profile is reused (units by their keys, nothing new
    written) and the plan read back is the very plan that was built."""
    import shutil
    import warnings

    shutil.copytree(Path(__file__).resolve().parent.parent / "plans" / "orgs", tmp_path / "orgs")
    before = sorted(p.name for p in (tmp_path / "orgs").iterdir())
    proc = run_kh("import", str(built_examples[name]), "-o", str(tmp_path / f"{name}.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "orgs").iterdir()) == before
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        original = read_plan(Path(__file__).resolve().parent.parent / "plans" / f"{name}.yaml").model_dump()
        imported = read_plan(tmp_path / f"{name}.yaml").model_dump()
    assert _upper_titles(imported) == _upper_titles(original)
