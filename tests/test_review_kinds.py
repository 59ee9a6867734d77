"""kh diff of the other kinds (issue 21): a Quyết định's articles, a công văn's "Kính gửi", the kind."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import PLANS, run_kh


def _pair(tmp_path: Path, name: str, old: str, new: str) -> tuple[Path, Path]:
    shutil.copytree(PLANS / "orgs", tmp_path / "orgs")
    text = (PLANS / f"{name}.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "a.yaml", tmp_path / "b.yaml"


def test_a_change_inside_an_article_is_named_by_its_article_clause_and_point(tmp_path: Path) -> None:
    a, b = _pair(tmp_path, "lc-qd-ubnd-uyquyen-vlncn", "Định kỳ hằng năm báo cáo", "Định kỳ sáu tháng báo cáo")
    proc = run_kh("diff", str(a), str(b))
    assert proc.returncode == 1, proc.stderr
    assert "Điều 3. › 2. › đ) — sửa (changed)" in proc.stdout
    assert "[-hằng năm-]{+sáu tháng+}" in proc.stdout
    assert "1 thay đổi" in proc.stdout


def test_addressees_and_kind_are_compared(tmp_path: Path) -> None:
    a, b = _pair(tmp_path, "lc-cv-3155-tuchoi", "to: Hợp tác xã Văn Thịnh", "to: Hợp tác xã Văn Minh")
    proc = run_kh("diff", str(a), str(b))
    assert proc.returncode == 1 and "kính gửi (addressees)" in proc.stdout, proc.stdout + proc.stderr
    assert "Văn [-Thịnh-]{+Minh+}" in proc.stdout


def test_a_changed_kind_is_reported(tmp_path: Path) -> None:
    a, b = _pair(tmp_path, "lc-ttr-panm", "kind: Tờ trình", "kind: Báo cáo")
    proc = run_kh("diff", str(a), str(b))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "loại văn bản (kind)" in proc.stdout and "Báo cáo" in proc.stdout


def test_same_document_of_another_kind_has_no_difference(tmp_path: Path) -> None:
    a, b = _pair(tmp_path, "lc-ttr-panm", "kind: Tờ trình", "kind: Tờ trình")
    proc = run_kh("diff", str(a), str(b))
    assert proc.returncode == 0, proc.stdout + proc.stderr
