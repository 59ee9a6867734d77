"""``kh import``: last year's Word plan → a plan YAML that builds, its profile, and a report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import CONTEXT, fail


@click.command("import", context_settings=CONTEXT)
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Tệp kế hoạch sẽ ghi, ví dụ plans/x.yaml (plan file to write).")
@click.option("--org", "org_key", help="Mã hồ sơ tổ chức muốn dùng hoặc tạo (profile key to use or create).")
@click.option("--update-org", is_flag=True,
              help="Thêm đơn vị, người ký còn thiếu vào hồ sơ có sẵn (add missing units/signers to the profile).")
@click.option("--force", is_flag=True, help="Cho phép ghi đè tệp đã có (allow overwriting existing files).")
@click.option("--report", "report_fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Dạng báo cáo in ra (report format).")
@click.option("--dry-run", is_flag=True, help="Không ghi tệp, chỉ in báo cáo (write nothing, print the report).")
@click.option("--strict", is_flag=True,
              help="Thoát 1 khi cần xem lại: còn đoạn không đặt được, chỗ giữ chỗ hoặc đối tượng không nhập"
              " (exit 1 when the import needs review).")
def import_(source: Path, output: Path, org_key: str | None, update_org: bool, force: bool,
            report_fmt: str, dry_run: bool, strict: bool) -> None:
    """Nhập kế hoạch cũ từ Word/văn bản thành tệp YAML (import last year's plan).

    \b
    Đọc .docx, .txt; .doc/.odt/.rtf qua LibreOffice. Ghi kế hoạch (-o) và, khi chưa có hồ sơ
    tổ chức khớp trong orgs/ cạnh kế hoạch, ghi hồ sơ mới. Không ghi đè khi thiếu --force.
    Báo cáo liệt kê, kèm vị trí, mọi chỗ bản dựng lại khác bản gốc, chỗ giữ chỗ, đối tượng không
    nhập (hình, công thức, khung chữ, ghi chú, thay đổi được theo dõi) và đoạn không đặt được;
    dòng cuối nói "Hoàn tất" hay "Cần xem lại" (the last line: complete or needs review).
    Mã thoát: 0 đã ghi (với --strict: 0 chỉ khi hoàn tất, 1 khi cần xem lại); 1 không nhập được.
    Ví dụ: kh import KH-2025.docx -o plans/kh-2026.yaml
    """
    from ...core.errors import KhError
    from ...importer import pipeline

    if output.suffix.lower() not in (".yaml", ".yml"):
        raise click.UsageError(f"-o phải là tệp .yaml (the output must be a .yaml file): {output}")
    if output.exists() and not force and not dry_run:
        sys.exit(fail(pipeline.ImportFailure(
            f"{output}: tệp đã có; thêm --force để ghi đè (file exists; use --force to overwrite)")))
    try:
        outcome = pipeline.build(source, output, org_key=org_key, update_org=update_org)
        if outcome.org_text is not None and outcome.org_path.exists() and not (force or outcome.reused):
            raise pipeline.ImportFailure(
                f"{outcome.org_path}: đã có hồ sơ cùng tên của cơ quan khác; chọn mã khác bằng --org, hoặc --force"
                " để ghi đè (a different profile has this name; pick another key with --org, or --force)")
        pipeline.validate(outcome, output)
        if not dry_run:
            pipeline.write(outcome, output, force=force)
    except KhError as exc:
        sys.exit(fail(exc))
    except OSError as exc:
        sys.exit(fail(Exception(f"{output}: không ghi được (cannot write): {exc.strerror}")))
    if report_fmt == "json":
        click.echo(outcome.report.to_json())
    else:
        click.echo(outcome.report.to_text())
    if strict and not outcome.report.complete:
        sys.exit(1)
