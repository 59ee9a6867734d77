"""``kh check``: validate plans and profiles, render in memory, lint; writes nothing (except --fix)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import CONTEXT, fail


def check_files(paths: tuple[Path, ...]) -> list[Path]:
    """Files named; a folder stands for its *.yaml/*.yml files (schema files are not plans)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise click.UsageError(f"thư mục '{path}' không có tệp .yaml nào (no plan files in folder)")
            out += found
        else:
            out.append(path)
    return out


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Cảnh báo cũng là lỗi, thoát 1 (warnings fail: for CI, pre-commit).")
@click.option("--fix", is_flag=True,
              help="Sửa những chỗ chắc chắn (NFD, mã TCVN3, './.' và 'Căn cứ' gõ tay), giữ chú thích"
              " (fix what is certain).")
@click.option("-q", "--quiet", is_flag=True, help="Chỉ in lỗi và cảnh báo (problems only).")
def check(paths: tuple[Path, ...], strict: bool, fix: bool, quiet: bool) -> None:
    """Kiểm tra kế hoạch và hồ sơ tổ chức, không ghi tệp (validate and lint, write nothing).

    \b
    Làm mọi bước của 'kh build' trừ ghi tệp (dựng .docx trong bộ nhớ), rồi báo cảnh báo có
    tệp:dòng và gợi ý: ngày sai quy tắc số 0, căn cứ gõ tự do, './.' gõ tay, đơn vị được giao
    việc không có trong nơi nhận, căn cứ/đoạn văn lặp, dấu cách thừa, chữ NFD, mã TCVN3/VNI.
    Tệp trong thư mục orgs/ được kiểm tra như hồ sơ tổ chức. Thêm '# kh: ignore' cuối dòng để bỏ qua.
    Mã thoát: 0 ổn; 1 có cảnh báo khi --strict; 2 kế hoạch sai; 3 mẫu .docx hỏng.
    """
    from .. import lint, yamlrt
    from ..errors import KhError
    from ..readers.yaml_reader import read_org, read_plan
    from ..readers.yamlsource import load
    from ..service import render

    status = 0
    warnings = errors = 0
    for path in check_files(paths):
        try:
            text = path.read_text(encoding="utf-8-sig")
            src = load(path)
            kind = yamlrt.kind_of(path, src.data)
            unit_names: dict[str, str] = {}
            if kind == "org":
                read_org(path)
            else:
                plan = read_plan(path)
                unit_names = {code: unit.name for code, unit in plan.organisation.units.items()}
                render(path, "docx", None)
            findings = lint.lint_source(src, text, kind, unit_names)
        except KhError as exc:
            status = max(status, fail(exc))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            status = max(status, fail(Exception(f"{path}: không đọc được (cannot read): {exc}")))
            continue
        if fix:
            fixed = lint.apply_fixes(path, findings)
            if fixed:
                click.echo(f"đã sửa (fixed) {fixed} chỗ: {path}")
                src = load(path)
                findings = lint.lint_source(src, path.read_text(encoding="utf-8-sig"), kind, unit_names)
        for finding in findings:
            click.secho(finding.problem(str(path)).format(), fg="red" if finding.error else "yellow", err=True)
        n_err = sum(f.error for f in findings)
        errors += n_err
        warnings += len(findings) - n_err
        if n_err:
            status = max(status, 2)
        elif findings and strict:
            status = max(status, 1)
        if not quiet and not findings:
            what = "hồ sơ tổ chức hợp lệ (valid profile)" if kind == "org" else "hợp lệ (valid)"
            click.echo(f"{what}: {path}")
    if warnings or errors:
        click.echo(f"{errors} lỗi (errors), {warnings} cảnh báo (warnings)"
                   + (" — --strict: cảnh báo tính là lỗi" if strict and warnings else ""), err=True)
    sys.exit(status)
