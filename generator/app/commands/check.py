"""``kh check``: validate plans and profiles, render in memory, lint; writes nothing (except --fix)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .check_docx import CheckCommand  # cheap: click, json, sys at import
from .common import CONTEXT, fail, plan_files


@click.command(cls=CheckCommand, context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Cảnh báo cũng là lỗi, thoát 1 (warnings fail: for CI, pre-commit).")
@click.option("--fix", is_flag=True,
              help="Sửa những chỗ chắc chắn (NFD, TCVN3, './.', 'Căn cứ', số thứ tự gõ tay), giữ chú thích"
              " (fix what is certain).")
@click.option("-q", "--quiet", is_flag=True, help="Chỉ in lỗi và cảnh báo (problems only).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="Tệp Word: kết quả dạng chữ hoặc JSON (Word documents: text or JSON report).")
def check(paths: tuple[Path, ...], strict: bool, fix: bool, quiet: bool, fmt: str) -> None:
    """Kiểm tra kế hoạch và hồ sơ tổ chức, không ghi tệp (validate and lint, write nothing).

    \b
    Làm mọi bước của 'kh build' trừ ghi tệp (dựng .docx trong bộ nhớ), rồi báo cảnh báo có
    tệp:dòng và gợi ý: ngày sai quy tắc số 0, căn cứ gõ tự do, './.' và số thứ tự gõ tay, đơn vị được giao
    việc không có trong nơi nhận, căn cứ/đoạn văn lặp, dấu cách thừa, chữ NFD, mã TCVN3/VNI.
    Tệp trong thư mục orgs/ được kiểm tra như hồ sơ tổ chức. Thêm '# kh: ignore' cuối dòng để bỏ qua.
    Mã thoát: 0 ổn; 1 có cảnh báo khi --strict; 2 kế hoạch sai; 3 mẫu .docx hỏng.
    Tệp Word (.docx, .doc, .odt, .rtf) hay thư mục của chúng: kiểm tra thể thức theo Nghị định 30
    (ND30 presentation of Word documents); mã thoát 0 đạt, 1 có lỗi thể thức, 2 không đọc được.
    """
    from . import check_docx

    if check_docx.wants_docx(paths):   # Word documents, not plans: generator/app/commands/check_docx.py
        sys.exit(check_docx.run(paths, fmt, quiet))

    from ...core import errors
    from ...lint import plan_rules as lint
    from ...readers.yaml_reader import read_org, read_plan
    from ...yamlio import roundtrip as yamlrt
    from ...yamlio.source import load
    from ..service import Job, build_job

    status = 0
    warnings = n_errors = 0
    said: list[errors.Problem] = []    # the reader's warnings: they count as warnings
    for path in plan_files(paths):
        said.clear()
        notes: list[str] = []
        try:
            src = load(path)   # first: refuses devices, FIFOs and oversized files before reading
            text = yamlrt.read_text(path)
            kind = yamlrt.kind_of(path, src.data)
            if fix:   # before validating: the errors --fix repairs are ones the reader refuses too
                fixed = lint.apply_fixes(path, lint.lint_source(src, text, kind))
                if fixed:
                    click.echo(f"đã sửa (fixed) {fixed} chỗ: {path}")
                    src, text = load(path), yamlrt.read_text(path)
            unit_names: dict[str, str] = {}
            if kind == "org":
                read_org(path, said)
            else:
                try:
                    plan = read_plan(path, said)
                except errors.PlanError:   # still show the lint warnings (its errors are in the exception)
                    extra = [f for f in lint.lint_source(src, text, kind) if not f.error]
                    for finding in extra:
                        click.secho(finding.problem(str(path)).format(), fg="yellow", err=True)
                    warnings += len(extra)
                    raise
                unit_names = {code: unit.name for code, unit in plan.organisation.units.items()}
                outcome = build_job(Job(path, path.with_suffix(".docx"), "docx"), plan)   # rendered, not written
                if outcome.error is not None:
                    click.secho(outcome.error, fg="red", err=True)
                    status = max(status, outcome.exit_code or 1)
                    continue
                notes = [f"{path}: cảnh báo (warning) [bo-cuc]: {w}" for w in outcome.warnings]
            findings = lint.lint_source(src, text, kind, unit_names)
        except errors.KhError as exc:
            status = max(status, fail(exc))
            n_errors += len(getattr(exc, "problems", None) or [exc])
            continue
        except (OSError, UnicodeDecodeError, yamlrt.YamlRtError) as exc:
            status = max(status, fail(Exception(f"{path}: không đọc được (cannot read): {exc}")))
            continue
        reader = list(dict.fromkeys(p.format() for p in said))
        for line in [*reader, *notes]:
            click.secho(line, fg="yellow", err=True)
        for finding in findings:
            click.secho(finding.problem(str(path)).format(), fg="red" if finding.error else "yellow", err=True)
        n_err = sum(f.error for f in findings)
        n_warn = len(findings) - n_err + len(reader) + len(notes)
        n_errors += n_err
        warnings += n_warn
        if n_err:
            status = max(status, 2)
        elif n_warn and strict:
            status = max(status, 1)
        if not quiet and not (n_err or n_warn):
            what = "hồ sơ tổ chức hợp lệ (valid profile)" if kind == "org" else "hợp lệ (valid)"
            click.echo(f"{what}: {path}")
    if warnings or n_errors:
        click.echo(f"{n_errors} lỗi (errors), {warnings} cảnh báo (warnings)"
                   + (" — --strict: cảnh báo tính là lỗi" if strict and warnings else ""), err=True)
    sys.exit(status)
