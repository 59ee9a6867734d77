"""``kh init``: a ready repository for an office's own plans.

Creates plans/ with the office's profile (from answers, or a commented starter), a draft plan that
builds at once (or, with ``--from``, the office's own Word plan imported, its profile made from the
document, no sample profile or draft), the JSON Schemas the ``# yaml-language-server`` modelines
point to, .gitattributes and the git setting for reviewing .docx changes (``kh text``), a pre-commit
configuration running ``kh fmt --check`` and ``kh check --strict``, a short README and .gitignore. Existing files are
never overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..importer.report import Report
from ..model.schema import schema_text
from ..yamlio import roundtrip as yamlrt

GIT_TEXTCONV = ("git", "config", "diff.kh.textconv", "kh text")


@dataclass
class OrgAnswers:
    """What ``kh init`` asks about the office (every field optional: placeholders otherwise)."""

    code: str = "coquan"
    name: str | None = None
    header: list[str] = field(default_factory=list)
    parent: list[str] = field(default_factory=list)
    symbol: str | None = None
    place: str | None = None
    signer_name: str | None = None
    signer_position: str | None = None
    signer_authority: str | None = None

    @property
    def answered(self) -> bool:
        return any([self.name, self.header, self.symbol, self.place, self.signer_name])


@dataclass
class Created:
    """What init did with one path."""

    path: Path
    written: bool


def _q(value: str) -> str:
    """``value`` as a YAML scalar on one line (quoted only when needed)."""
    return yamlrt.dump({"x": value}).split(": ", 1)[1].rstrip("\n") if value else "''"


def profile_text(a: OrgAnswers) -> str:
    """The office profile: answers filled in, the rest a commented example to edit."""
    name = a.name or "Ủy ban nhân dân Phường Mẫu"
    header = a.header or [p.upper() for p in _split_header(name)]
    place = a.place or (_tail(name) if a.name else "Phường Mẫu")
    symbol = a.symbol or "UBND"
    signer = {"authority": a.signer_authority if a.signer_authority is not None else "KT. CHỦ TỊCH",
              "position": a.signer_position or "PHÓ CHỦ TỊCH", "name": a.signer_name or "Nguyễn Văn A"}
    note = "" if a.answered else (
        "# HỒ SƠ MẪU: sửa tên, dòng tiêu đề, địa danh, đơn vị và người ký cho đúng cơ quan của bạn.\n"
        "# (starter profile: replace the example values with your office's)\n")
    parent = "".join(f"\n  - {_q(p)}" for p in a.parent)
    lines: list[str | None] = [
        f"{yamlrt.MODELINE}org.schema.json",
        note.rstrip("\n") or None,
        f"name: {_q(name)}                    # tên dùng trong lời văn (name used in the text)",
        f"short_name: {_q(_short(name))}",
        *(["parent:" + parent] if parent else [
            "# parent: [ỦY BAN NHÂN DÂN QUẬN MẪU]      # cơ quan chủ quản, nếu có (parent body, if any)"]),
        "header:                               # tên cơ quan ở tiêu đề, IN HOA, mỗi dòng một phần tử",
        *[f"  - {_q(h)}" for h in header],
        f"symbol: {_q(symbol)}                          # → Số: .../KH-{symbol}",
        f"place: {_q(place)}                      # địa danh ở dòng ngày tháng (place in the date line)",
        "",
        "# Đơn vị theo mã ngắn; cơ quan Đảng, Mặt trận, đoàn thể: request: true (được 'Kính đề nghị')",
        "units:",
        "  vanphong: Văn phòng",
        "  mttq:",
        "    name: Ủy ban Mặt trận Tổ quốc Việt Nam",
        "    request: true",
        "",
        "# Người ký thường dùng, theo mã ngắn (usual signers)",
        "signers:",
        "  ky:",
        f"    authority: {_q(signer['authority'])}" if signer["authority"] else "    authority: []",
        f"    position: {_q(signer['position'])}",
        f"    name: {_q(signer['name'])}",
    ]
    return yamlrt.format_text("\n".join(line for line in lines if line is not None) + "\n", "org")


def _split_header(name: str) -> list[str]:
    m = re.match(r"^(Ủy ban nhân dân|Sở|Phòng|Ban|Trung tâm)\s+(.+)$", name)
    return [m.group(1), m.group(2)] if m else [name]


def _tail(name: str) -> str:
    m = re.match(r"^Ủy ban nhân dân\s+(.+)$", name)
    return m.group(1) if m else name


def _short(name: str) -> str:
    m = re.match(r"^(Ủy ban nhân dân)\s+(\S+)", name)
    return f"{m.group(1)} {m.group(2).lower()}" if m else name


def plan_text(code: str, year: int) -> str:
    """A short draft plan that builds at once with the profile ``code``."""
    text = f"""{yamlrt.MODELINE}plan.schema.json
# DỰ THẢO kế hoạch mẫu: sửa nội dung rồi chạy  kh build plans/{code}-{year}.yaml
# (starter draft plan; no number/date yet: the clerk fills them in when it is issued)
org: {code}
year: {year}
subject: Thông tin, tuyên truyền cải cách hành chính năm {{{{ year }}}}

bases:
  - text: Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015

intro: '{{{{ org.name }}}} ban hành Kế hoạch thông tin, tuyên truyền cải cách hành chính năm {{{{ year }}}} như sau:'

sections:
  - title: Mục đích, yêu cầu
    bullets:
      - Nâng cao nhận thức của cán bộ, công chức và người dân về cải cách hành chính.
  - title: Nội dung
    points:
      - Tuyên truyền về dịch vụ công trực tuyến.
      - Tuyên truyền về kết quả cải cách hành chính năm {{{{ previous_year }}}}.
  - title: Tổ chức thực hiện
    assignments:
      - unit: vanphong                  # mã đơn vị trong plans/orgs/{code}.yaml
        tasks:
          - Theo dõi, tổng hợp kết quả thực hiện kế hoạch.
      - unit: mttq
        tasks:
          - Phối hợp tuyên truyền trong Nhân dân.

closing: Trên đây là Kế hoạch thông tin, tuyên truyền cải cách hành chính năm {{{{ year }}}}
recipients:
  - Văn phòng
  - Ủy ban Mặt trận Tổ quốc Việt Nam
archive: VT
signer: ky
"""
    return yamlrt.format_text(text, "plan")


PRECOMMIT = """\
# pre-commit (https://pre-commit.com): pip install pre-commit && pre-commit install
repos:
  - repo: local
    hooks:
      - id: kh-fmt
        name: kh fmt --check (định dạng chuẩn)
        entry: kh fmt --check
        language: system
        files: ^plans/.*\\.ya?ml$
      - id: kh-check
        name: kh check --strict (kiểm tra kế hoạch)
        entry: kh check --strict
        language: system
        files: ^plans/.*\\.ya?ml$
"""

README = """\
# Kế hoạch của {name}

Kho kế hoạch soạn bằng kh: mỗi kế hoạch là một tệp YAML trong
`plans/`, hồ sơ cơ quan ở `plans/orgs/{code}.yaml`. (*This office's plans, written for kh.*)

```sh
kh build plans/{code}-{year}.yaml            # → output/{code}-{year}.docx
kh check --strict plans/                     # kiểm tra, cảnh báo (validate and lint)
kh fmt plans/                                # định dạng chuẩn (canonical layout)
kh clone plans/{code}-{year}.yaml plans/{code}-{next}.yaml --year {next}   # kế hoạch năm sau
```

- Gợi ý khi gõ: cài tiện ích *YAML* (Red Hat) cho VS Code; dòng đầu mỗi tệp trỏ tới schema.
- Xem thay đổi của tệp .docx trong git: `git config diff.kh.textconv "kh text"` (đã ghi trong
  `.gitattributes`: `*.docx diff=kh`).
- Trước mỗi lần commit: `pip install pre-commit && pre-commit install` (chạy `kh fmt --check`
  và `kh check --strict`).
- Lệnh kh nhanh hơn nhiều lần (Linux, macOS): `kh server start` giữ một kh chạy nền; hoặc
  `export KH_SERVER=auto` để nó tự chạy ở lệnh đầu tiên. (*A warm kh for fast commands.*)
"""


README_FROM = """\
# Kế hoạch của {name}

Kho kế hoạch soạn bằng kh, bắt đầu từ tệp Word `{source}`: kế hoạch nhập được ở
`plans/{plan}.yaml`, hồ sơ cơ quan (lấy từ văn bản) ở `plans/orgs/{code}.yaml`.
(*This office's plans, started from its own Word file.*)

```sh
kh build plans/{plan}.yaml                    # → output/{plan}.docx
kh clone plans/{plan}.yaml plans/{plan_next}.yaml --year {next}   # dự thảo năm sau (next year's draft)
kh build plans/{plan_next}.yaml
kh check --strict plans/                      # kiểm tra, cảnh báo (validate and lint)
```

- Báo cáo nhập (`kh import`) đã in khi tạo kho: các chỗ bản dựng lại khác bản gốc, chỗ giữ chỗ cần điền.
- Gợi ý khi gõ: cài tiện ích *YAML* (Red Hat) cho VS Code; dòng đầu mỗi tệp trỏ tới schema.
- Xem thay đổi của tệp .docx trong git: `git config diff.kh.textconv "kh text"` (đã ghi trong
  `.gitattributes`: `*.docx diff=kh`).
- Trước mỗi lần commit: `pip install pre-commit && pre-commit install`.
"""


@dataclass
class Imported:
    """What ``kh init --from`` imported: the plan file, its profile key, the import report."""

    plan: Path
    org_key: str
    report: Report
    name: str                  # the organisation's name (its profile's)
    year: int | None           # the plan's year


def init(target: Path, answers: OrgAnswers, year: int | None = None, git: bool = True,
         source: Path | None = None, org_key: str | None = None) -> tuple[list[Created], Imported | None]:
    """Create the repository in ``target``; never overwrite. Returns what was written or kept, and
    (``source``: the office's own Word plan) what was imported: then the profile comes from the
    document and there is no sample profile or draft."""
    year = year or dt.date.today().year
    code = answers.code
    imported = _import(target, source, org_key) if source is not None else None
    files: dict[str, str] = {
        "plans/plan.schema.json": schema_text("plan"),
        "plans/orgs/org.schema.json": schema_text("org"),
        ".gitattributes": "*.docx diff=kh\n",
        ".gitignore": "output/\n__pycache__/\n.venv/\n",
        ".pre-commit-config.yaml": PRECOMMIT,
    }
    if imported is None:
        files = {f"plans/orgs/{code}.yaml": profile_text(answers), f"plans/{code}-{year}.yaml": plan_text(code, year),
                 **files, "README.md": README.format(name=answers.name or code, code=code, year=year, next=year + 1)}
    else:
        assert source is not None
        stem = imported.plan.stem
        plan_year = imported.year or year
        files["README.md"] = README_FROM.format(
            name=imported.name, source=source.name, plan=stem, code=imported.org_key,
            plan_next=_next_name(stem, plan_year), next=plan_year + 1)
    done: list[Created] = []
    for rel, text in files.items():
        path = target / rel
        if path.exists():
            done.append(Created(path, False))
            continue
        yamlrt.write_text_atomic(path, text)
        done.append(Created(path, True))
    (target / "output").mkdir(exist_ok=True)
    if git:
        setup_git(target)
    if imported is not None:
        done[:0] = [Created(Path(path), True) for path in imported.report.outputs]
    return done, imported


def _next_name(stem: str, year: int) -> str:
    """The next year's file name: the year in the name moved on, else "-<next year>" added."""
    moved = re.sub(rf"(?<!\d){year}(?!\d)", str(year + 1), stem)
    return moved if moved != stem else f"{stem}-{year + 1}"


def _import(target: Path, source: Path, org_key: str | None) -> Imported:
    """Import ``source`` into ``target``/plans (profile from the document); nothing overwritten."""
    from ..importer import pipeline
    from ..importer.units import slug

    out = target / "plans" / f"{slug(source.stem, 8)}.yaml"
    outcome = pipeline.build(source, out, org_key=org_key)
    if outcome.org_text is not None and outcome.org_path.exists() and not outcome.reused:
        raise pipeline.ImportFailure(f"{outcome.org_path}: đã có hồ sơ cùng tên; chọn mã khác bằng --org"
                                     " (a profile with this name exists; pick another key with --org)")
    pipeline.validate(outcome, out)
    pipeline.write(outcome, out)
    plan = yamlrt.plain_data(outcome.plan_text) or {}
    org = yamlrt.plain_data(outcome.org_path.read_text(encoding="utf-8")) or {}
    date = plan.get("date")
    year = plan.get("year") or (date.year if isinstance(date, dt.date) else None)
    return Imported(out, outcome.org_key, outcome.report, str(org.get("name") or outcome.org_key),
                    year if isinstance(year, int) else None)


def setup_git(target: Path) -> bool:
    """``git init`` (when not already in a repository) and the textconv setting; False without git."""
    if shutil.which("git") is None:
        return False
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=target,
                            capture_output=True, text=True).returncode == 0
    if not inside:
        subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run(list(GIT_TEXTCONV), cwd=target, check=True)
    return True
