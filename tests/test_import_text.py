"""kh import on plain text: kh's own text output round-trips; decomposed (NFD) and VNI-encoded text
gives the same plan; TCVN3/VNI conversion, labels and cited documents read right."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import yaml

from generator.importer.refs import parse_basis
from generator.importer.text import find_label
from generator.importer.units import split_units
from generator.lang import legacy

from .conftest import EXAMPLES, run_kh


@pytest.mark.parametrize("name", EXAMPLES)
def test_text_output_round_trips(name: str, tmp_path: Path) -> None:
    src = tmp_path / "src.txt"
    assert run_kh("build", f"plans/{name}.yaml", "--to", "txt", "-o", str(src)).returncode == 0
    proc = run_kh("import", str(src), "-o", str(tmp_path / "p.yaml"), "--report", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["paragraphs"]["unplaced"] == 0
    proc = run_kh("build", str(tmp_path / "p.yaml"), "-o", str(tmp_path / "out.txt"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == src.read_text(encoding="utf-8")


def _vni(text: str) -> str:
    """Encode Unicode text in VNI (the inverse of the importer's table, built here from it)."""
    lower = {uni: seq for seq, uni in legacy.VNI.items() if seq == seq.lower() and uni == uni.lower()}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in lower:
            out.append(lower[ch])
        elif ch.lower() in lower:
            seq = lower[ch.lower()]
            out.append(seq.upper())
        else:
            out.append(ch)
    return "".join(out)


@pytest.fixture(scope="module")
def plain_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("plain")
    src = folder / "q3.txt"
    assert run_kh("build", "plans/quan3-2025.yaml", "--to", "txt", "-o", str(src)).returncode == 0
    assert run_kh("import", str(src), "-o", str(folder / "plans" / "p.yaml")).returncode == 0
    return src, yaml.safe_load((folder / "plans" / "p.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("encode,note", [
    (lambda t: unicodedata.normalize("NFD", t), "NFD"),
    (_vni, "VNI"),
])
def test_decomposed_and_vni_text_give_the_same_plan(plain_plan: tuple[Path, dict], tmp_path: Path,
                                                    encode, note: str) -> None:
    src, expected = plain_plan
    encoded = encode(src.read_text(encoding="utf-8"))
    assert encoded != src.read_text(encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_bytes(encoded.encode("utf-8" if note == "NFD" else "cp1252", errors="strict"))
    proc = run_kh("import", str(other), "-o", str(tmp_path / "plans" / "p.yaml"), "--report", "json")
    assert proc.returncode == 0, proc.stderr
    assert any(note in n for n in json.loads(proc.stdout)["notes"])
    assert yaml.safe_load((tmp_path / "plans" / "p.yaml").read_text(encoding="utf-8")) == expected


def test_legacy_encodings() -> None:
    assert legacy.decode("KÕ ho¹ch th«ng tin, tuyªn truyÒn c¶i c¸ch hµnh chÝnh", "tcvn3") == \
        "Kế hoạch thông tin, tuyên truyền cải cách hành chính"
    assert legacy.decode("\xadu tiªn ®Èy m¹nh", "tcvn3") == "ưu tiên đẩy mạnh"
    assert legacy.decode("ñy ban nh©n d©n", "tcvn3-upper") == "ỦY BAN NHÂN DÂN"
    assert legacy.decode("Keá hoaïch thoâng tin, Ñaûng", "vni") == "Kế hoạch thông tin, Đảng"
    assert legacy.font_encoding(".VnTimeH") == "tcvn3-upper" and legacy.font_encoding("VNI-Times") == "vni"
    assert legacy.font_encoding("Times New Roman") is None
    assert legacy.guess_encoding("KÕ ho¹ch th«ng tin, tuyªn truyÒn c¶i c¸ch hµnh chÝnh n¨m 2025") == "tcvn3"
    assert legacy.guess_encoding("Kế hoạch thông tin, tuyên truyền cải cách hành chính năm 2025") is None


@pytest.mark.parametrize("text,kind,value", [
    ("I. MỤC ĐÍCH", "roman", "I"), ("IV.Kinh phí x", None, None), ("2. Yêu cầu", "num", "2"),
    ("4.1. Nội dung", "num", "4.1"), ("4.1 Nội dung", "num", "4.1"), ("đ) Điểm", "letter", "đ"),
    ("- Gạch", "dash", "-"), ("–Gạch", "dash", "-"), ("+ Cộng", "plus", "+"), ("* Sao", "star", "*"),
    ("Điều 3. Thi hành", "article", "3"), ("2025 là năm", None, None), ("Ủy ban nhân dân", None, None),
])
def test_labels(text: str, kind: str | None, value: str | None) -> None:
    label = find_label(text)
    assert (label.kind, label.value) == (kind, value) if kind else label is None


def test_bases_structured_only_when_kh_writes_the_same_words() -> None:
    data, how = parse_basis("Căn cứ Quyết định số 424/QĐ-BNV ngày 24 tháng 3 năm 2021 của Bộ Nội vụ về việc ban"
                            " hành Kế hoạch năm 2021;")
    assert how == "structured" and data["about"] == "về việc" and data["issuer"] == "Bộ Nội vụ"
    data, how = parse_basis("Thực hiện Kế hoạch số 12/KH-UBND ngày 24-01-2025 của Ủy ban nhân dân Thành phố"
                            " về cải cách hành chính;")
    assert how == "normalised" and data["lead"] == "Thực hiện" and str(data["date"]) == "2025-01-24"
    data, how = parse_basis("Căn cứ Kế hoạch số 12/KH-UBND ngày 24/01/2025 của Ủy ban nhân dân Thành phố;")
    assert how == "structured" and data["date"] == "24/01/2025"
    data, how = parse_basis("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;")
    assert how == "structured" and data["kind"] == "Luật" and data["subject"] == "Tổ chức chính quyền địa phương"
    data, how = parse_basis("Căn cứ Nghị quyết Đại hội đại biểu Đảng bộ Thành phố lần thứ XI, nhiệm kỳ 2020 - 2025;")
    assert how == "text" and data == {"text": "Nghị quyết Đại hội đại biểu Đảng bộ Thành phố lần thứ XI, nhiệm kỳ"
                                              " 2020 - 2025"}


def test_unit_names_split_at_bodies_only() -> None:
    assert split_units("Văn phòng HĐND và UBND quận, UBND 10 phường") == ["Văn phòng HĐND và UBND quận",
                                                                          "UBND 10 phường"]
    assert split_units("Phòng Văn hóa, Khoa học và Thông tin quận") == ["Phòng Văn hóa, Khoa học và Thông tin quận"]
