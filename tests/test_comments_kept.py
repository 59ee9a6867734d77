"""No comment is ever lost by a YAML rewrite (issue 20: R3-08 fmt part, R3-11 … R3-16, R3-29).

kh rewrites a user's YAML in four places, all through generator/yamlio/roundtrip.py: ``kh fmt``,
``kh clone``, ``kh check --fix`` and ``kh import --update-org``. One test per reproduced defect, then
the example plans and profiles with a comment at every place YAML allows one (above, beside and
between keys and values, items, inside flow and block collections, after block scalars, start and
end of the document, after ``...``): each rewrite keeps every comment text, and a second run changes
nothing. Comments are counted from ruamel.yaml's scanner tokens (PyYAML's scanner drops them), not
by kh's own comment scanner.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.tokens import CommentToken

from generator.importer import orgs
from generator.lint import plan_rules as lint
from generator.yamlio import roundtrip as yamlrt
from generator.yamlio.source import load, parse
from generator.yearly.clone import clone_text

from .conftest import ORG, PLANS, run_kh


# ------------------------------------------------------------------ counting comments
def comments(text: str) -> list[str]:
    """Every comment of ``text`` (stripped), from ruamel's scanner tokens: each token may carry comment
    tokens (an end-of-line comment, then whole lines) or a block scalar's header comment as a string."""
    out: list[str] = []

    def take(value: object) -> None:
        if isinstance(value, CommentToken):
            take(value.value)
        elif isinstance(value, str):
            out.extend(line.strip() for line in value.splitlines() if line.strip().startswith("#"))
        elif isinstance(value, (list, tuple)):
            for item in value:
                take(item)

    for token in YAML(typ="rt").scan(text):
        take(getattr(token, "_comment", None))
    return out


def same_comments(before: str, after: str) -> list[str]:
    """The comments of ``before`` missing from ``after`` and those ``after`` has twice (empty: all kept)."""
    diff = Counter(comments(before))
    diff.subtract(Counter(comments(after)))
    return sorted(text for text, n in diff.items() if n)


# ------------------------------------------------------------------ where a comment can go
@dataclass(frozen=True)
class Site:
    """``text[start:end]`` replaced by ``before + comment + after``."""

    kind: str
    start: int
    end: int
    before: str
    after: str


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def sites(text: str) -> list[Site]:
    """Candidate places for a comment in ``text`` (found from PyYAML's token spans; some candidates are
    not valid and are dropped by :func:`commentable`)."""
    tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    scalars = []
    for tok in tokens:
        if isinstance(tok, yaml.ScalarToken):
            s, e = tok.start_mark.index, tok.end_mark.index
            if tok.style in ("|", ">"):          # the header line may take a comment
                nl = text.find("\n", s)
                s = nl if nl >= 0 else e
            scalars.append((s, e))

    def inside(off: int) -> bool:
        return any(s < off < e for s, e in scalars)

    commented = {text.count("\n", 0, m.start()) for m in re.finditer(r"(?:(?<=\s)|^)#", text, re.M)
                 if not inside(m.start())}
    body = [i for i, line in enumerate(lines) if line.strip()]
    out: list[Site] = []
    for i, line in enumerate(lines):
        off = starts[i]
        if inside(off):
            continue
        nxt = next((j for j in body if j >= i), None)
        prev = next((j for j in reversed(body) if j < i), None)
        cols = {_indent(lines[nxt]) if nxt is not None else 0}           # above the next line
        if prev is not None and not lines[prev].lstrip().startswith("#"):
            cols.add(_indent(lines[prev]) + (2 if lines[prev].rstrip().endswith(":") else 0))  # after the last
        for col in sorted(cols):
            out.append(Site("above", off, off, " " * col, "\n"))
        end = off + len(line.rstrip("\r\n"))
        if line.strip() and i not in commented and not inside(end):
            out.append(Site("beside", end, end, "  ", ""))
    depth = 0
    flow_col = 0
    for k, tok in enumerate(tokens):
        if isinstance(tok, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            if depth == 0:
                flow_col = _indent(lines[tok.start_mark.line]) + 2
            depth += 1
        elif isinstance(tok, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
            depth -= 1
        if depth and isinstance(tok, (yaml.FlowEntryToken, yaml.FlowSequenceStartToken,
                                      yaml.FlowMappingStartToken)):    # inside a flow collection
            e = n = tok.end_mark.index
            while n < len(text) and text[n] == " ":
                n += 1
            if n < len(text) and text[n] not in "\r\n#":
                out.append(Site("flow", e, n, "  ", "\n" + " " * flow_col))
        if isinstance(tok, yaml.ValueToken) and depth == 0 and k + 1 < len(tokens):
            value = tokens[k + 1]                  # between a key and its value (moved to the next line)
            key = next((t for t in reversed(tokens[:k]) if isinstance(t, yaml.KeyToken)), None)
            if key is not None and value.start_mark.line == tok.end_mark.line and isinstance(
                    value, (yaml.ScalarToken, yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                out.append(Site("between", tok.end_mark.index, value.start_mark.index, "  ",
                                "\n" + " " * (key.start_mark.column + 2)))
    tail = "" if text.endswith("\n") else "\n"
    out += [Site("start", 0, 0, "", "\n"), Site("end", len(text), len(text), tail, "\n"),
            Site("docend", len(text), len(text), tail + "...\n", "\n")]
    return out


def insert(text: str, chosen: list[tuple[Site, str]]) -> str:
    """``text`` with each comment put at its site."""
    for site, comment in sorted(chosen, key=lambda sc: (sc[0].start, sc[0].end), reverse=True):
        text = text[: site.start] + site.before + comment + site.after + text[site.end:]
    return text


def same_data(text: str, base: object) -> bool:
    """``text`` is valid YAML and means ``base`` (as libyaml reads it, like kh's reader)."""
    try:
        return yaml.load(text, Loader=yaml.CSafeLoader) == base
    except yaml.YAMLError:   # not valid: not a site
        return False


FILES = sorted(str(p.relative_to(PLANS)) for p in [*PLANS.glob("*.yaml"), *PLANS.glob("orgs/*.yaml")])


@functools.cache
def commentable(name: str) -> tuple[str, tuple[Site, ...]]:
    """An example file's text and the sites where a comment keeps it valid and its data unchanged."""
    text = (PLANS / name).read_text(encoding="utf-8")
    base = yaml.safe_load(text)
    good = tuple(s for s in sites(text) if same_data(insert(text, [(s, "# C0000 thử")]), base))
    every = insert(text, [(s, "# C0000 thử") for s in good])
    assert same_data(every, base) and parse(every, name).data is not None   # kh reads them all at once
    return text, good


def with_comments(name: str, picks: list[int] | None = None, words: str = "chú thích") -> str:
    """The file ``name`` with a numbered comment at the chosen sites (all when ``picks`` is None)."""
    text, good = commentable(name)
    chosen = good if picks is None else [good[i] for i in sorted(set(picks))]
    return insert(text, [(s, f"# C{i:04d} {words}") for i, s in enumerate(chosen)])


def kind_of(name: str) -> str:
    return "org" if name.startswith("orgs/") else "plan"


# ------------------------------------------------------------------ the four rewrites
def fmt(text: str, name: str) -> tuple[str, str]:
    """kh fmt: (first run, second run)."""
    once = yamlrt.format_text(text, kind_of(name), name)
    return once, yamlrt.format_text(once, kind_of(name), name)


def clone(text: str, name: str) -> tuple[str, str] | None:
    """kh clone to the next year, and the clone's clone to that same year (nothing to change)."""
    if kind_of(name) != "plan" or "sections" not in yaml.safe_load(text):
        return None            # a profile, or a letter without sections: kh clone refuses it
    once, _, _, new = clone_text(text, name, today=dt.date(2026, 1, 1))
    return once, clone_text(once, name, new, today=dt.date(2026, 1, 1))[0]


def fix(text: str, folder: Path) -> tuple[str, str]:
    """kh check --fix of the text written in decomposed Unicode (every prose string to fix), twice."""
    path = folder / "fix.yaml"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    runs = []
    for _ in range(2):
        src = load(path)
        lint.apply_fixes(path, lint.lint_source(src, src.text, yamlrt.kind_of(path, src.data)))
        runs.append(path.read_text(encoding="utf-8"))
    return runs[0], runs[1]


def update_org(text: str, folder: Path) -> tuple[str, str]:
    """kh import --update-org's rewrite of a profile that gains a unit and a signer, run twice."""
    path = folder / "orgs" / "p.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    profile = yaml.safe_load(text)
    profile["units"] = {**(profile.get("units") or {}), "don-vi-moi": "Phòng Mới của quận"}
    profile["signers"] = {**(profile.get("signers") or {}),
                          "ky-moi": {"authority": "KT. CHỦ TỊCH", "position": "PHÓ CHỦ TỊCH", "name": "Lê Văn Mới"}}
    once = orgs.update_text(path, profile)
    path.write_text(once, encoding="utf-8")
    return once, orgs.update_text(path, profile)


def check_all_rewrites(text: str, name: str, folder: Path) -> dict[str, list[str]]:
    """Every rewrite of ``text``: {rewrite: problems}, empty lists when every comment is kept and the
    second run changes nothing."""
    found: dict[str, list[str]] = {}
    runs = {"fmt": fmt(text, name), "clone": clone(text, name), "fix": fix(text, folder)}
    if kind_of(name) == "org":
        runs["update-org"] = update_org(text, folder)
    for what, result in runs.items():
        if result is None:
            continue
        once, twice = result
        source = unicodedata.normalize("NFD", text) if what == "fix" else text
        found[what] = [f"lost or doubled: {c}" for c in same_comments(source, once)]
        if twice != once:
            found[what].append("a second run changed the file")
    return found


# ------------------------------------------------------------------ one test per reproduced defect
def _profile(folder: Path, text: str = ORG) -> Path:
    (folder / "orgs").mkdir(parents=True, exist_ok=True)
    path = folder / "orgs" / "q3.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_r3_11_comment_above_a_key_moved_first_moves_with_it(tmp_path: Path) -> None:
    _profile(tmp_path)
    plan = tmp_path / "plan.yaml"
    plan.write_text("subject: Thử năm {{ year }}\n# hồ sơ tổ chức — GIỮ-1\norg: q3\nyear: 2026\nsections:\n"
                    "  - text: Nội dung.\n    # tiêu đề tạm — GIỮ-2\n    title: Mục đích\nclosing: Trên đây\n"
                    "recipients: [Sở Nội vụ]\nsigner: hang\n", encoding="utf-8")
    proc = run_kh("fmt", str(plan))
    assert proc.returncode == 0, proc.stderr
    lines = plan.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["# hồ sơ tổ chức — GIỮ-1", "org: q3"], lines
    i = lines.index("  # tiêu đề tạm — GIỮ-2")
    assert lines[i + 1:i + 3] == ["  - title: Mục đích", "    text: Nội dung."], lines


def test_r3_11_update_org_keeps_the_comment_above_a_moved_key(tmp_path: Path) -> None:
    """kh import --update-org rewrites the profile in canonical order: `name:` moves first, its comment too."""
    source = tmp_path / "source"
    _profile(source, ORG.replace("units:\n", "units:\n  vp: Văn phòng Ủy ban nhân dân quận\n"))
    plan = source / "plan.yaml"
    plan.write_text("org: q3\nyear: 2026\nsubject: Thử\nsections:\n  - title: Tổ chức thực hiện\n    assignments:\n"
                    "      - unit: vp\n        tasks: [Theo dõi]\nclosing: Trên đây\nrecipients: [Sở Nội vụ]\n"
                    "signer: hang\n", encoding="utf-8")
    assert run_kh("build", str(plan), "-o", str(tmp_path / "in.docx")).returncode == 0
    target = tmp_path / "imp"
    profile = _profile(target, "header: [ỦY BAN NHÂN DÂN, QUẬN 3]\nsymbol: UBND\n# tên đầy đủ — GIỮ-3\n"
                               "name: Ủy ban nhân dân Quận 3\nplace: Quận 3\nunits:\n  noi-vu: Phòng Nội vụ quận\n"
                               "signers:\n  hang: {authority: KT. CHỦ TỊCH, position: PHÓ CHỦ TỊCH, name: Phạm Thị"
                               " Thúy Hằng}\n# cuối hồ sơ — GIỮ-4\n")
    proc = run_kh("import", str(tmp_path / "in.docx"), "-o", str(target / "x.yaml"), "--update-org")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = profile.read_text(encoding="utf-8")
    assert text.startswith("# tên đầy đủ — GIỮ-3\nname: Ủy ban nhân dân Quận 3\n"), text
    assert "Văn phòng Ủy ban nhân dân quận" in text and text.endswith("# cuối hồ sơ — GIỮ-4\n"), text


R3_12 = """\
org: q3
year: 2026
subject: Thử năm {{ year }}
sections:
  - title: Mục đích
    bullets: [
      Tuyên truyền chủ trương,   # GIỮ-1 nguồn: Kế hoạch 118
      "- Nâng cao nhận thức"          # GIỮ-2
    ]
bases:
  - {kind: Kế hoạch, number: 12/KH-UBND,  # GIỮ-4 trong ánh xạ
     date: 2025-01-02, issuer: Ủy ban nhân dân quận, subject: tuyên truyền}
closing: Trên đây là Kế hoạch
recipients: [Sở Nội vụ Thành phố,   # GIỮ-3 hỏi lại văn thư
             TT. UBND Q.3]
signer: hang
"""


def test_r3_12_comments_inside_flow_collections_are_kept(tmp_path: Path) -> None:
    _profile(tmp_path)
    for command in ("fix", "clone", "fmt"):
        (tmp_path / f"{command}.yaml").write_text(
            R3_12 if command == "fix" else R3_12.replace('"- Nâng', '"Nâng'), encoding="utf-8")
    assert run_kh("check", "--fix", str(tmp_path / "fix.yaml")).returncode == 0
    assert run_kh("clone", str(tmp_path / "clone.yaml"), str(tmp_path / "cloned.yaml")).returncode == 0
    assert run_kh("fmt", str(tmp_path / "fmt.yaml")).returncode == 0
    for out in ("fix.yaml", "cloned.yaml", "fmt.yaml"):
        text = (tmp_path / out).read_text(encoding="utf-8")
        assert sorted(re.findall(r"GIỮ-\d", text)) == ["GIỮ-1", "GIỮ-2", "GIỮ-3", "GIỮ-4"], (out, text)
        # each comment stays on the line of its item
        assert re.search(r"- Tuyên truyền chủ trương +# GIỮ-1", text), text
        assert re.search(r"- Sở Nội vụ Thành phố +# GIỮ-3", text), text
        assert re.search(r"number: 12/KH-UBND +# GIỮ-4", text), text
    fixed = (tmp_path / "fix.yaml").read_text(encoding="utf-8")
    assert "Nâng cao nhận thức" in fixed and "- Nâng" not in fixed      # the one fix was made


def test_r3_13_ignore_mark_stays_on_the_key_line_and_is_honoured(tmp_path: Path) -> None:
    _profile(tmp_path)
    plan = tmp_path / "plan.yaml"
    long = ("Ngày 5 tháng 2 năm 2025 có sự kiện được trích nguyên văn từ văn bản gốc nên giữ nguyên cách"
            " viết ngày.")
    plan.write_text(f"org: q3\nyear: 2026\nsubject: Thử\nintro: {long}  # kh: ignore\nsections:\n"
                    "  - title: Mục\n    text: Văn bản\nclosing: Trên đây là Kế hoạch\nrecipients: [Sở Nội vụ]\n"
                    "signer: hang\n", encoding="utf-8")
    assert run_kh("check", "--strict", str(plan)).returncode == 0
    assert run_kh("fmt", str(plan)).returncode == 0
    text = plan.read_text(encoding="utf-8")
    assert f"intro: >-  # kh: ignore\n  {long}\n" in text, text
    proc = run_kh("check", "--strict", str(plan))
    assert proc.returncode == 0, proc.stderr
    # the mark on the header line silences only the value below it
    plan.write_text(text.replace("  # kh: ignore", ""), encoding="utf-8")
    proc = run_kh("check", "--strict", str(plan))
    assert proc.returncode == 1 and "[ngay-so-0]" in proc.stderr, proc.stderr


def test_r3_14_rewrites_write_through_symbolic_links(tmp_path: Path) -> None:
    shared, plans = tmp_path / "shared", tmp_path / "plans"
    shared.mkdir()
    _profile(shared)
    _profile(plans)
    (shared / "a.yaml").write_text("subject: Thử\norg: q3\nyear: 2026\nsections:\n  - title: Mục đích\n"
                                   "    text: Nội dung.\n  - title: Tổ chức thực hiện\n"
                                   "    assignments:\n      - unit: noi-vu\n        tasks: [Theo dõi, tổng hợp]\n"
                                   "closing: Trên đây\nrecipients: [Sở Nội vụ]\nsigner: hang\n", encoding="utf-8")
    (shared / "b.yaml").write_text("org: q3\nyear: 2026\nsubject: Thử\nsections:\n  - title: Mục\n"
                                   "    bullets: ['- Gõ tay']  # GIỮ\nclosing: Trên đây\nrecipients: [Sở Nội vụ]\n"
                                   "signer: hang\n", encoding="utf-8")
    for name in ("a", "b"):
        os.symlink(f"../shared/{name}.yaml", plans / f"{name}.yaml")
    os.chmod(shared / "a.yaml", 0o640)
    assert run_kh("fmt", str(plans / "a.yaml")).returncode == 0
    assert run_kh("check", "--fix", str(plans / "b.yaml")).returncode == 0
    for name in ("a", "b"):
        assert (plans / f"{name}.yaml").is_symlink()
    assert (shared / "a.yaml").read_text(encoding="utf-8").startswith("org: q3\nyear: 2026\nsubject: Thử\n")
    assert (shared / "a.yaml").stat().st_mode & 0o777 == 0o640
    assert re.search(r"bullets: \['?Gõ tay'?\] +# GIỮ\n", (shared / "b.yaml").read_text(encoding="utf-8"))
    assert sorted(p.name for p in shared.iterdir()) == ["a.yaml", "b.yaml", "orgs"]   # no temporary left
    # kh import --force onto a linked plan, --update-org onto a linked profile
    assert run_kh("build", str(plans / "a.yaml"), "-o", str(tmp_path / "a.docx")).returncode == 0
    (shared / "orgs" / "q3.yaml").write_text(ORG.replace("  noi-vu: Phòng Nội vụ quận\n", ""), encoding="utf-8")
    (plans / "orgs" / "q3.yaml").unlink()
    os.symlink("../../shared/orgs/q3.yaml", plans / "orgs" / "q3.yaml")
    proc = run_kh("import", str(tmp_path / "a.docx"), "-o", str(plans / "a.yaml"), "--force", "--update-org")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (plans / "a.yaml").is_symlink() and (plans / "orgs" / "q3.yaml").is_symlink()
    assert "kh import" in (shared / "a.yaml").read_text(encoding="utf-8")
    assert "Phòng Nội vụ quận" in (shared / "orgs" / "q3.yaml").read_text(encoding="utf-8")


def test_r3_15_fmt_refusal_names_the_file(tmp_path: Path) -> None:
    """A value PyYAML reads as a number (``1:20``, sexagesimal) that ruamel reads as text cannot be
    rewritten without changing it: fmt refuses, naming each file."""
    for name in ("one", "two"):
        (tmp_path / f"{name}.yaml").write_text("org: q3\ntime: 1:20\n", encoding="utf-8")
    proc = run_kh("fmt", str(tmp_path))
    assert proc.returncode == 2
    for name in ("one", "two"):
        assert f"{tmp_path / name}.yaml: định dạng lại sẽ đổi nội dung tệp" in proc.stderr, proc.stderr
        assert (tmp_path / f"{name}.yaml").read_text(encoding="utf-8") == "org: q3\ntime: 1:20\n"


@pytest.mark.parametrize("change", [
    ("recipients: [Sở Nội vụ]", "recipients: true"),
    ("recipients: [Sở Nội vụ]", "recipients: 1.5"),
    ("    assignments:\n      - unit: noi-vu\n        tasks: [Theo dõi]\n", "    assignments: tasks\ntasks: 5\n"),
    ("    assignments:\n      - unit: noi-vu\n        tasks: [Theo dõi]\n",
     "    assignments: tasks\ntasks:\n  - group: Nhóm\n    tasks: 5\n"),
])
def test_r3_16_check_reports_a_value_of_the_wrong_type_as_build_does(tmp_path: Path,
                                                                     change: tuple[str, str]) -> None:
    _profile(tmp_path)
    plan = tmp_path / "plan.yaml"
    text = ("org: q3\nyear: 2026\nsubject: Thử\nsections:\n  - title: Tổ chức thực hiện\n    assignments:\n"
            "      - unit: noi-vu\n        tasks: [Theo dõi]\nclosing: Trên đây\nrecipients: [Sở Nội vụ]\n"
            "signer: hang\n")
    assert change[0] in text
    plan.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    built = run_kh("build", str(plan), "-o", str(tmp_path / "p.docx"))
    checked = run_kh("check", str(plan))
    assert built.returncode == checked.returncode == 2, checked.stderr
    assert "Traceback" not in checked.stderr
    first = built.stderr.splitlines()[0]
    assert re.match(rf"{re.escape(str(plan))}:\d+:\d+: ", first) and first in checked.stderr, checked.stderr


def test_r3_29_update_org_error_names_the_users_profile_and_line(tmp_path: Path) -> None:
    source = tmp_path / "source"
    _profile(source)
    plan = source / "plan.yaml"
    plan.write_text("org: q3\nyear: 2026\nsubject: Thử\nsections:\n  - title: Tổ chức thực hiện\n    assignments:\n"
                    "      - unit: noi-vu\n        tasks: [Theo dõi]\nclosing: Trên đây\nrecipients: [Sở Nội vụ]\n"
                    "signer: hang\n", encoding="utf-8")
    assert run_kh("build", str(plan), "-o", str(tmp_path / "in.docx")).returncode == 0
    target = tmp_path / "plans"
    profile = _profile(target, "name: Ủy ban nhân dân Quận 3\nheader: [ỦY BAN NHÂN DÂN, QUẬN 3]\nsymbol: UBND\n"
                               "place: Quận 3\nunits:\n  vp: Văn phòng\nsigners:\n  hang:\n    authority: KT. CHỦ"
                               " TỊCH\n    position: PHÓ CHỦ TỊCH\n    name: Phạm Thị Thúy Hằng\ncustom_note: riêng\n")
    proc = run_kh("import", str(tmp_path / "in.docx"), "-o", str(target / "x.yaml"), "--update-org")
    assert proc.returncode == 1
    assert f"{profile}:12:1: custom_note:" in proc.stderr, proc.stderr
    assert "kh-import-" not in proc.stderr and not (target / "x.yaml").exists()
    checked = run_kh("check", str(profile))
    assert f"{profile}:12:1: custom_note:" in checked.stderr


def test_r3_08_fmt_keeps_a_c1_character_double_quoted(tmp_path: Path) -> None:
    _profile(tmp_path)
    plan = tmp_path / "plan.yaml"
    long = "Nội dung tuyên truyền cải cách hành chính trên địa bàn quận năm 2025 dán từ Word \\x9c có ký tự ở giữa"
    plan.write_text(f'org: q3\nyear: 2026\nsubject: Thử\nsections:\n  - title: Mục\n    bullets:\n'
                    f'      - "{long}"  # GIỮ\nclosing: Trên đây\nrecipients: [Sở Nội vụ]\nsigner: hang\n',
                    encoding="utf-8")
    proc = run_kh("fmt", str(plan))
    assert proc.returncode == 0, proc.stderr
    text = plan.read_text(encoding="utf-8")
    assert re.search(r'- "Nội dung[^"\n]*\\x9[cC][^"\n]*"  # GIỮ\n', text), text
    assert yaml.safe_load(text)["sections"][0]["bullets"][0] == long.replace("\\x9c", "\x9c")


def test_a_rewrite_that_would_lose_a_comment_is_refused_with_file_and_line() -> None:
    before = "org: q3\nsubject: S\n# giữ chú thích này\nyear: 2026  # năm\n"
    with pytest.raises(yamlrt.YamlRtError, match=r"^plan\.yaml:3:1: .*'# giữ chú thích này'"):
        yamlrt.check_comments(before, "org: q3\nsubject: S\nyear: 2026  # năm\n", "plan.yaml")
    with pytest.raises(yamlrt.YamlRtError, match=r"^plan\.yaml:4:13: .*'# năm'"):
        yamlrt.check_comments(before, "org: q3\nsubject: S\n# giữ chú thích này\nyear: 2026\n", "plan.yaml")
    yamlrt.check_comments(before, "# năm\n# giữ chú thích này\nyear: 2026\norg: q3\nsubject: S\n", "plan.yaml")


ODD = {
    "anchor and alias": "org: q3\nyear: 2026\nd: &x  # neo\n  a: 1\ne: *x  # bí danh\n",
    "before and on a start marker": "# đầu\n--- # dấu mở\n# sau dấu\nsubject: S\norg: q3\n",
    "after an end marker": "subject: S\norg: q3\n...\n# sau dấu đóng\n",
    "tab before a comment": "subject: S\norg: q3\t# sau tab\n",
    "after a list dash": "sections:\n  -  # sau gạch\n    text: X\n    title: T\n  - # gạch hai\n    title: Z\n",
    "nested flow": "sections:\n  - title: T\n    bullets: [a, [b,  # trong\n      c], {text: d,  # ánh xạ\n"
                   "      bullets: [e]}]  # sau\n",
    "empty flow list": "recipients: [  # chỉ có chú thích\n  ]\norg: q3\n",
    "between key and block scalar": "intro:  # giữa\n  >-\n  chữ\norg: q3\n",
    "literal header in a list": "sections:\n  - bullets:\n      - |  # đầu khối\n        a\n        b\n"
                                "      - x  # cuối dòng\n    title: T\n",
    "explicit key": "? subject  # khóa tường minh\n: S\norg: q3\n",
    "multi-line values": "subject: một dòng dài\n  tiếp theo  # sau\norg: \"q3\n  \"  # nháy\n",
    "line after a block deeper than its key": "sections:\n  - title: T\n    text: >-\n      dòng\n"
                                              "    # sau khối\n    numbering: decimal\n",
    "CRLF": "subject: S  # s\r\n# trên org\r\norg: q3\r\nrecipients: [a,  # trong\r\n  b]\r\n",
}


@pytest.mark.parametrize("case", sorted(ODD))
def test_odd_layouts_keep_their_comments(case: str) -> None:
    text = ODD[case]
    once = yamlrt.format_text(text, "plan", "p.yaml")
    ours = [c.text for c in yamlrt.comment_scan.scan(text)]       # ruamel's scanner refuses the tab
    assert sorted(c.text for c in yamlrt.comment_scan.scan(once)) == sorted(ours), once
    if "\t" not in text:
        assert not same_comments(text, once), once
    assert yaml.safe_load(once) == yaml.safe_load(text.replace("\t#", " #"))
    assert yamlrt.format_text(once, "plan", "p.yaml") == once


# ------------------------------------------------------------------ every position at once
#: The long examples (10-20 s each here for the four rewrites of ~400-850 comments) run with --full.
_LONG = {"binhtan-2021.yaml", "quan3-2025.yaml", "tphcm-2021.yaml"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in _LONG else n for n in FILES])
def test_every_position_kept_by_every_rewrite(name: str, tmp_path: Path) -> None:
    text = with_comments(name)
    assert len(comments(text)) >= len(commentable(name)[1]) > 20
    found = check_all_rewrites(text, name, tmp_path)
    assert found and not any(found.values()), found


# ------------------------------------------------------------------ property: any subset, any words
_WORDS = st.text(st.sampled_from(list("aăâđêôơưạảấ ĐÊ:#*&!|>-'\"\\,.;?%@`{}[]0123456789~")), max_size=30)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), words=_WORDS)
def test_any_comments_kept_by_every_rewrite(data: st.DataObject, words: str, tmp_path_factory:
                                            pytest.TempPathFactory) -> None:
    name = data.draw(st.sampled_from(FILES), label="file")
    _, good = commentable(name)
    picks = data.draw(st.lists(st.integers(0, len(good) - 1), min_size=1, max_size=40), label="sites")
    text = with_comments(name, picks, words.strip())
    found = check_all_rewrites(text, name, tmp_path_factory.mktemp("prop"))
    assert not any(found.values()), found


def test_counts_come_from_the_tokens() -> None:
    """The counter itself: comments in every kind of place, none from inside scalars."""
    text = ("# a\nk: v  # b\nl: >-  # c\n  # not a comment\n  x\n# d\nm: [x,  # e\n  y]\nn: 'q # no'\n"
            "o: {p: 1,  # f\n  q: 2}\n...\n# g\n")
    assert sorted(comments(text)) == ["# a", "# b", "# c", "# d", "# e", "# f", "# g"]
    assert same_comments(text, text.replace("  # e", "")) == ["# e"]
    assert same_comments(text, text + "# a\n") == ["# a"]
