"""``kh new``: the documents that start from a plan, as kh's normal YAML for the office to edit.

- ``kh new to-trinh --for plans/x.yaml``: the Tờ trình that submits the plan: subject "Về việc ban hành
  Kế hoạch …", the plan's bases, a summary of its sections (titles), the draft attached.
- ``kh new bao-cao --for plans/x.yaml``: the results report skeleton: the plan's sections, every task
  (task groups and hand-written assignments) with its lead units and timing and a "Kết quả: …" place,
  and the summary table of tasks done / in progress / not done that the office fills.

The drafts are made from the plan as kh reads it (texts tidied, expressions expanded, units named as
the profile writes them), with the plan's own profile and signer codes; written through
:func:`generator.yamlio.roundtrip.dump_new`, checked by the reader where they will live, then written
atomically, never over an existing file without ``--force``.
"""

from __future__ import annotations

import os
import sys
import typing
from pathlib import Path
from typing import Any

import click

from .common import CONTEXT, fail, read_where_it_will_live

if typing.TYPE_CHECKING:
    from ...model.plan import Basis, Plan

DRAFTS = ("to-trinh", "bao-cao")
#: A line to fill in ("……", as forms print it).
FILL = "…" * 12
#: What the office writes in place of each result (printed "Kết quả:…………").
RESULT = f"Kết quả: {FILL}"
#: What the office writes in a Tờ trình's reasons.
GUIDE = "*(Nêu yêu cầu thực tiễn, kết quả năm trước và những vấn đề cần giải quyết.)*"
#: The summary table's columns after the group's name and its number of tasks.
STATES = ("Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện")


@click.command(context_settings=CONTEXT)
@click.argument("what", metavar="LOẠI", type=click.Choice(DRAFTS))
@click.option("--for", "source", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Kế hoạch nguồn (the plan the document is about), ví dụ plans/quan3-2025.yaml.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp YAML mới (new file); mặc định cạnh kế hoạch: <tên>-to-trinh.yaml, <tên>-bao-cao.yaml.")
@click.option("--to", "to", multiple=True,
              help="Nơi nhận 'Kính gửi:' (addressee; lặp lại cho nhiều nơi). Tờ trình: mặc định cơ quan ban hành kế "
                   "hoạch; báo cáo: không có.")
@click.option("--org", help="Mã hồ sơ của cơ quan, đơn vị viết văn bản (the writer's profile); mặc định hồ sơ của "
                            "kế hoạch.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có (overwrite an existing file).")
def new(what: str, source: Path, output: Path | None, to: tuple[str, ...], org: str | None, force: bool) -> None:
    """Soạn văn bản đi kèm một kế hoạch (draft a document that starts from a plan).

    \b
    to-trinh  Tờ trình đề nghị ban hành kế hoạch: trích yếu "Về việc ban hành Kế hoạch …", các căn cứ
              của kế hoạch, tóm tắt các mục (tiêu đề), dự thảo kèm theo.
    bao-cao   Báo cáo kết quả thực hiện: các mục của kế hoạch, từng nhiệm vụ với đơn vị chủ trì và thời
              gian, chỗ ghi "Kết quả: …", bảng tổng hợp số nhiệm vụ đã hoàn thành / đang thực hiện /
              chưa thực hiện để văn phòng điền.
    Lời văn là của cơ quan: sửa tự do; tệp là YAML bình thường của kh (kh build, kh check, kh fmt).
    Không ghi đè tệp đã có (trừ --force); văn bản mới không hợp lệ thì không ghi gì.
    Ví dụ: kh new to-trinh --for plans/quan3-2025.yaml
           kh new bao-cao --for plans/quan3-2025.yaml -o plans/quan3-2025-bao-cao.yaml
    """
    from ...core.errors import KhError
    from ...readers.yaml_reader import read_plan
    from ...yamlio import roundtrip as yamlrt

    out = output or source.with_name(f"{source.stem}-{what}.yaml")
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise click.UsageError(f"tệp mới '{out}' phải có đuôi .yaml (the new file must be a .yaml file)")
    if out.resolve() == source.resolve():
        raise click.UsageError("tệp mới trùng kế hoạch nguồn (the new file must differ from the plan)")
    if out.exists() and not force:
        click.secho(f"{out}: tệp đã có; dùng --force để ghi đè (file exists; use --force to overwrite)",
                    fg="red", err=True)
        sys.exit(1)
    try:
        plan = read_plan(source)
        raw = yamlrt.plain_data(yamlrt.read_text(source))
    except KhError as exc:
        sys.exit(fail(exc))
    codes = _codes(raw, org)
    data = to_trinh(plan, codes, list(to)) if what == "to-trinh" else bao_cao(plan, codes, list(to))
    schema = Path(os.path.relpath(source.parent / "plan.schema.json", out.parent)).as_posix()
    text = _rows_on_one_line(yamlrt.dump_new(data, schema=schema), yamlrt)
    head, _, body = text.partition("\n")
    text = f"{head}\n{_header_comment(what, source)}{body}"
    read_where_it_will_live(out, text)
    yamlrt.write_text_atomic(out, text)
    click.echo(f"đã tạo (created): {out} — {data['kind']} từ (from) {source}")
    click.echo("  sửa lời văn, 'org' (cơ quan viết), 'to' (Kính gửi), người ký nếu cần; rồi: kh build " + str(out))


def _rows_on_one_line(text: str, yamlrt: Any) -> str:
    """A table's rows and columns written one a line ("- [a, b, c]"), as a person writes them, then the
    canonical layout again (a row too long for a line goes back to a block list)."""
    data = yamlrt.load_text(text)
    pending = [data]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            table = node.get("table")
            if isinstance(table, dict):
                for key in ("rows", "columns"):
                    for item in table.get(key) or []:
                        item.fa.set_flow_style()
            pending += list(node.values())
        elif isinstance(node, list):
            pending += node
    return yamlrt.format_text(yamlrt.dump(data))


def _header_comment(what: str, source: Path) -> str:
    name = "Tờ trình" if what == "to-trinh" else "Báo cáo kết quả thực hiện"
    return (f"#\n# {name} soạn từ {source.as_posix()} (kh new {what}): bản nháp, lời văn là của cơ quan — sửa tự do.\n"
            "# org: hồ sơ cơ quan viết văn bản; to: nơi nhận 'Kính gửi'; number, date: văn thư điền khi ban hành.\n")


# ------------------------------------------------------------------ what the drafts say
def _codes(raw: Any, org: str | None) -> dict[str, Any]:
    """The plan's own profile and signer as written in its file (codes, or mappings written inline)."""
    raw = raw if isinstance(raw, dict) else {}
    decision = raw.get("decision") if isinstance(raw.get("decision"), dict) else {}
    return {"org": org or raw.get("org"), "signer": raw.get("signer") or decision.get("signer")}


def _lower_first(text: str) -> str:
    """"Thông tin, tuyên truyền …" → "thông tin, tuyên truyền …" (an acronym or a name in capitals stays)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return text
    return text[:1].lower() + text[1:]


def _escaped(text: str) -> str:
    """Plain text written back as prose: a mark character stands for itself."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("^[", "^\\[")


def _subject(plan: Plan) -> str:
    """The plan's trích yếu on one line, first letter in lower case, for "Kế hoạch …"."""
    from ...lang.typography import plain

    return _escaped(_lower_first(" ".join(plain(plan.subject).split())))


def _doc_ref(plan: Plan) -> dict[str, Any]:
    """The plan as a cited document: the decision issuing it, or the plan itself (a draft: "số …/KH-…")."""
    from ...layout.blocks import decision_ref, number_text
    from ...model.doc_kinds import doc_kind, number_symbol

    org = plan.organisation
    if plan.decision is not None:
        ref = decision_ref(plan.decision, org)
        out = {"kind": "Quyết định", "number": ref.number, "date": ref.date, "issuer": ref.issuer, "about": "về việc",
               "subject": f"ban hành {plan.kind} {_subject(plan)}"}
    elif plan.attached_to is not None:
        out = {k: v for k, v in plan.attached_to.model_dump(exclude_defaults=True).items()}
    else:
        number = f"{number_text(plan.number) if plan.number is not None else ''}/" \
                 f"{number_symbol(doc_kind(plan.kind), org.symbol, plan.unit_symbol)}"
        out = {"kind": plan.kind, "number": number, "date": plan.date, "issuer": org.name, "subject": _subject(plan)}
    return {k: v for k, v in out.items() if v is not None}


def _basis(basis: Basis) -> dict[str, Any]:
    """A basis of the plan as the new document writes it (joined bases stand alone)."""
    data = basis.model_dump(exclude_defaults=True, exclude={"with_intro"})
    if basis.printed_date:
        data["date"] = basis.printed_date
    return data


def _common(plan: Plan, codes: dict[str, Any], kind: str) -> dict[str, Any]:
    """What every draft starts with: its kind, the writer's profile, the plan's year (a draft: no number, date)."""
    return {"kind": kind, "org": codes["org"], "year": plan.year}


def _parts(plan: Plan) -> list[tuple[str, str, list[str]]]:
    """The plan's top-level parts as printed: ("Mục I", "Mục đích, yêu cầu", [titles of its sub-sections]);
    a decision's articles: ("Điều 1", title or first words, [])."""
    from ...lang.typography import plain
    from ...layout.blocks import section_label
    from ...model import content
    from ...model.plan import Section

    arabic = plan.top_numbering == "arabic"
    out = []
    for i, sec in enumerate(plan.sections, start=1):
        title = plain(sec.title) if sec.title else _first_words(plain((sec.text or [""])[0]))
        subs = [plain(b.title) for b in content.section_blocks(sec) if isinstance(b, Section) and b.title]
        out.append((f"Mục {section_label((i,), False, arabic).rstrip('.')}", title, subs))
    for i, art in enumerate(plan.articles, start=1):
        out.append((f"Điều {i}", plain(art.title) if art.title else _first_words(plain((art.text or [""])[0])), []))
    return out


def _first_words(text: str, limit: int = 80) -> str:
    """The start of an untitled part's first paragraph, cut at a word (its label's stand-in for a title)."""
    text = text.split(":")[0] if 0 < text.find(":") <= limit else text
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _summary(plan: Plan) -> list[str]:
    """One line per part of the plan: "Mục I. Mục đích, yêu cầu: Mục đích; Yêu cầu."."""
    return [_escaped(f"{label}. {title}" + (f": {'; '.join(subs)}" if subs else "")).rstrip(".:") + "."
            for label, title, subs in _parts(plan)]


def to_trinh(plan: Plan, codes: dict[str, Any], to: list[str]) -> dict[str, Any]:
    """The Tờ trình submitting ``plan`` for issuing (plain data, as a plan file holds it)."""
    from ...layout import task_rows

    org = plan.organisation
    what = f"{plan.kind} {_subject(plan)}"
    writer = org.short_name or org.name
    to = to or [org.name]
    to_words = ", ".join(to)
    bases = [_basis(b) for b in (plan.bases or (plan.decision.bases if plan.decision else []))]
    parts = _summary(plan)
    rows = task_rows.task_rows(plan)
    if rows:
        parts.append(f"{len(rows)} nhiệm vụ giao cho các cơ quan, đơn vị, có đơn vị chủ trì và thời gian thực hiện.")
    parts += [_escaped(f"Phụ lục: {' '.join(a.title.split())}.") for a in plan.appendices]
    drafts = (f"dự thảo Quyết định ban hành {what} và dự thảo {plan.kind} kèm theo" if plan.decision is not None
              else f"dự thảo {what}")
    data = _common(plan, codes, "Tờ trình")
    data |= {
        "subject": f"Về việc ban hành {what}",
        "to": to,
        "bases": bases,
        "intro": f"{writer} đã xây dựng dự thảo {what}. {writer} kính trình {to_words} xem xét, ban hành {plan.kind}"
                 " với các nội dung chính như sau:",
        "sections": [
            {"title": f"Sự cần thiết ban hành {plan.kind}",
             "text": [f"Việc ban hành {plan.kind} nhằm triển khai thực hiện các văn bản nêu trên.", GUIDE]},
            {"title": f"Nội dung chính của dự thảo {plan.kind}",
             "text": f"Dự thảo {plan.kind} gồm các nội dung sau:", "bullets": parts},
            {"title": "Kiến nghị",
             "text": f"{writer} kính trình {to_words} xem xét, ban hành {what}."},
        ],
        "closing": [f"*(Có {drafts})*",
                    f"Trên đây là Tờ trình về việc ban hành {what}; {writer} kính trình {to_words} xem xét,"
                    " quyết định"],
        "archive": _archive(plan),
        "signer": codes["signer"],
    }
    return data


def _archive(plan: Plan) -> str:
    archive = plan.archive or (plan.decision.archive if plan.decision else None) or "VT"
    return archive


def bao_cao(plan: Plan, codes: dict[str, Any], to: list[str]) -> dict[str, Any]:
    """The report on ``plan``'s results: its sections, every task with a place for its result, the summary
    table of tasks done / in progress / not done (plain data, as a plan file holds it)."""
    from ...layout import task_rows

    org = plan.organisation
    what = f"{plan.kind} {_subject(plan)}"
    rows = task_rows.task_rows(plan)
    results = [{"title": _escaped(title), "text": RESULT} for _, title, _ in _parts(plan)]
    sections: list[dict[str, Any]] = [{"title": "Kết quả thực hiện", "sections": results}] if results else []
    groups: dict[str, list[task_rows.TaskRow]] = {}
    for row in rows:
        groups.setdefault(row.group or "Nhiệm vụ khác", []).append(row)
    if rows:
        # each task a numbered clause ("1.1.", "1.2."): a group may hold more tasks than there are letters
        sections.append({"title": "Kết quả thực hiện các nhiệm vụ", "sections": [
            {"title": _escaped(name), "sections": [{"text": [_task_line(r), RESULT]} for r in tasks]}
            for name, tasks in groups.items()]})
        total = ["", "**Tổng cộng**", f"**{len(rows)}**", "", "", ""]
        sections.append({"title": "Tổng hợp kết quả thực hiện", "body": [
            "Số nhiệm vụ theo tình trạng thực hiện (văn phòng điền số liệu):",
            {"table": {"columns": [{"header": "STT", "width": 8, "align": "center"}, {"header": "Nhóm nhiệm vụ"},
                                   {"header": "Tổng số", "width": 11, "align": "center"},
                                   *({"header": s, "width": 14, "align": "center"} for s in STATES)],
                       "rows": [[str(i), _escaped(name), str(len(tasks)), "", "", ""]
                                for i, (name, tasks) in enumerate(groups.items(), start=1)] + [total]}}]})
    sections += [{"title": "Tồn tại, hạn chế và nguyên nhân", "text": FILL},
                 {"title": "Phương hướng, kiến nghị", "text": FILL}]
    data = _common(plan, codes, "Báo cáo")
    if to:
        data["to"] = to
    data |= {
        "subject": f"Kết quả thực hiện {what}",
        "bases": [{"lead": "Thực hiện", **_doc_ref(plan), "with_intro": True}],
        "intro": f"{org.name} báo cáo kết quả thực hiện như sau:",
        "sections": sections,
        "closing": f"Trên đây là báo cáo kết quả thực hiện {what} của {org.name}",
        "archive": _archive(plan),
        "signer": codes["signer"],
    }
    return data


def _task_line(row: Any) -> str:
    """"<task> (chủ trì: <units>; thời gian: <timing>)."""
    text = "; ".join(line for line in row.text.split("\n") if line).rstrip(" .;")
    about = []
    if row.leads:
        about.append(f"chủ trì: {', '.join(row.leads)}")
    if row.timing:
        about.append(f"thời gian: {'; '.join(row.timing)}")
    return _escaped(text) + (f" ({'; '.join(_escaped(a) for a in about)})" if about else "") + "."
