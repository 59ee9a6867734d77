"""kh fmt: canonical, idempotent, comments kept, meaning unchanged; --check names files."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.yamlio import roundtrip as yamlrt

from .conftest import PLANS, run_kh


def _comments(text: str) -> list[str]:
    return [m.group(0).strip() for m in re.finditer(r"(?m)(?:^|\s)#.*$", text)]


def test_fmt_examples_keeps_meaning_comments_and_output(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans, ignore=shutil.ignore_patterns("*.docx"))
    messy = plans / "quan3-2025.yaml"
    text = messy.read_text(encoding="utf-8")
    text = text.replace("subject: Thông tin, tuyên truyền", "subject: 'Thông tin, tuyên truyền", 1)
    text = text.replace("Quận 3 năm {{ year }}\n\n# Căn cứ", "Quận 3 năm {{ year }}'   \n\n\n# Căn cứ", 1)
    text = text.replace("org: quan3\nnumber: 118\ndate: 2025-04-29\n", "number: 118\norg: quan3\ndate: 2025-04-29\n")
    messy.write_text(text, encoding="utf-8")
    originals = {p: p.read_text(encoding="utf-8") for p in plans.rglob("*.yaml")}
    assert run_kh("build", str(messy), "-o", str(tmp_path / "before.docx")).returncode == 0

    proc = run_kh("fmt", "--check", str(plans))
    assert proc.returncode == 1
    assert f"cần định dạng (would reformat): {messy}" in proc.stdout
    proc = run_kh("fmt", str(plans))
    assert proc.returncode == 0, proc.stderr
    for path, old in originals.items():
        new = path.read_text(encoding="utf-8")
        assert yaml.safe_load(new) == yaml.safe_load(old), path            # same data
        assert sorted(_comments(new)) == sorted(_comments(old)), path      # every comment kept
        assert not re.search(r"[ \t]$", new, re.M) and "\n\n\n" not in new
        assert all(len(line) <= 100 or line.lstrip().startswith(("#",)) or not line.lstrip().startswith(
            ("- >-", ">-")) for line in new.splitlines())
    formatted = messy.read_text(encoding="utf-8")
    assert formatted.startswith("# yaml-language-server: $schema=plan.schema.json\n")
    assert "\norg: quan3\nnumber: 118\n" in formatted                        # schema key order
    assert "subject: Thông tin, tuyên truyền cải cách" in formatted         # quotes dropped: not needed
    # no hard wrapping: every folded paragraph is one line
    lines = formatted.splitlines()
    for i, line in enumerate(lines):
        if line.endswith(">-"):
            indent = len(lines[i + 1]) - len(lines[i + 1].lstrip())
            nxt = lines[i + 2] if i + 2 < len(lines) else ""
            assert not (nxt.strip() and len(nxt) - len(nxt.lstrip()) == indent and not nxt.lstrip().startswith(
                ("-", "#")) and ":" not in nxt.split()[0]), (lines[i + 1], nxt)
    # idempotent, and the document is byte-identical
    proc = run_kh("fmt", "--check", str(plans))
    assert proc.returncode == 0, proc.stdout
    assert run_kh("fmt", str(plans)).stdout == ""
    assert run_kh("build", str(messy), "-o", str(tmp_path / "after.docx")).returncode == 0
    assert (tmp_path / "before.docx").read_bytes() == (tmp_path / "after.docx").read_bytes()


def test_fmt_quotes_only_where_needed() -> None:
    text = ("org: q3   # mã hồ sơ\nsubject: 'abc'\nrecipients: [\"x\", 'y', 'no', '2025']\n"
            "sections:\n  - title: \"I\"\n    bullets:\n      - '**Đậm** đầu'\n      - 'a: b'\n      - 'on'\n")
    out = yamlrt.format_text(text)
    assert "org: q3   # mã hồ sơ" in out
    assert "subject: abc" in out and "recipients: [x, y, 'no', '2025']" in out
    assert "- '**Đậm** đầu'" in out and "- 'a: b'" in out and "- 'on'" in out
    assert yaml.safe_load(out) == yaml.safe_load(text)
    assert yamlrt.format_text(out) == out


def test_dump_new_is_canonical_with_modeline() -> None:
    data = {"sections": [{"bullets": ["x " * 70, "dòng một\ndòng hai"], "title": "Mục đích"}],
            "subject": "Kế hoạch năm {{ year }}", "date": dt.date(2025, 1, 2), "org": "q3",
            "recipients": ["Sở Nội vụ"], "signer": "hang"}
    out = yamlrt.dump_new({**data, "sections": [{**data["sections"][0], "bullets": ["x " * 70 + "y", "a\nb"]}]})
    assert out.startswith("# yaml-language-server: $schema=plan.schema.json\norg: q3\ndate: 2025-01-02\n")
    assert "      - >-\n        x x x" in out and "      - |-\n        a\n        b\n" in out
    assert yamlrt.format_text(out) == out
    assert yamlrt.dump_new({"name": "UBND"}, "org").startswith("# yaml-language-server: $schema=org.schema.json")


def test_fmt_bad_yaml_is_an_error_and_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("org: q3\nsubject: [unclosed\n", encoding="utf-8")
    proc = run_kh("fmt", str(bad))
    assert proc.returncode == 2 and str(bad) in proc.stderr
    assert bad.read_text(encoding="utf-8") == "org: q3\nsubject: [unclosed\n"


# ------------------------------------------------------------------ property: any text survives
_ALPHABET = st.sampled_from(list("aăâbđeêoôơuưyạảấầẩẫậ ĐÊ:#*&!|>-'\"\\,.;?%@`{}[]0123456789\n\t~ "))
_TEXT = st.text(_ALPHABET, min_size=0, max_size=160)


@settings(max_examples=150, deadline=None)
@given(subject=_TEXT, bullets=st.lists(_TEXT, max_size=4), title=_TEXT, number=st.integers(1, 9999))
def test_dump_new_and_format_keep_any_text(subject: str, bullets: list[str], title: str, number: int) -> None:
    data = {"org": "q3", "number": number, "subject": subject,
            "sections": [{"title": title, "bullets": bullets}], "recipients": [subject, title]}
    out = yamlrt.dump_new(data)
    assert yaml.safe_load(out) == data
    assert yamlrt.format_text(out) == out
    assert not re.search(r"[ \t]$", out, re.M)


def test_windows_line_endings_are_kept(tmp_path: Path) -> None:
    plan = tmp_path / "crlf.yaml"
    plan.write_bytes(b"number: 1   # ghi chu\r\norg: q3\r\nrecipients: ['A']\r\n")
    assert run_kh("fmt", str(plan)).returncode == 0
    assert plan.read_bytes() == b"org: q3\r\nnumber: 1   # ghi chu\r\nrecipients: [A]\r\n"
    assert run_kh("fmt", "--check", str(plan)).returncode == 0


def test_reordered_keys_take_their_comments_along() -> None:
    text = ("subject: S  # eol s\n\n# trước bases\nbases:\n  - text: x   # eol x\n\n# trước intro\nintro: I\n"
            "number: 5   # số\n# trước sections\nsections:\n  - title: T\n    bullets: [a]\n"
            "    numbering: decimal  # kiểu\n\n# cuối\n")
    assert yamlrt.format_text(text) == (
        "number: 5   # số\nsubject: S  # eol s\n\n# trước bases\nbases:\n  - text: x   # eol x\n\n"
        "# trước intro\nintro: I\n# trước sections\nsections:\n  - title: T\n    numbering: decimal  # kiểu\n"
        "    bullets: [a]\n\n# cuối\n")


def test_fmt_refuses_an_alias_bomb_quickly(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdef", "bcdefg", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = bomb.read_bytes()
    proc = run_kh("fmt", str(bomb))
    assert proc.returncode == 2 and f"{bomb}:" in proc.stderr and "alias" in proc.stderr
    assert bomb.read_bytes() == before
    proc = run_kh("clone", str(bomb), str(tmp_path / "new.yaml"))
    assert proc.returncode != 0 and not (tmp_path / "new.yaml").exists()


def test_example_plans_and_profiles_are_fmt_clean() -> None:
    proc = run_kh("fmt", "--check", "plans")
    assert proc.returncode == 0, proc.stdout + proc.stderr
