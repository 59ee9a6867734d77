"""``kh build``: plans → .docx / .txt / .pdf."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import CONTEXT, fail, plan_files

FORMATS = ("docx", "txt", "pdf")


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Tệp kết quả (output file); chỉ dùng với một kế hoạch.")
@click.option("-d", "--outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Thư mục kết quả (output folder).")
@click.option("-t", "--to", "fmt", type=click.Choice(FORMATS), default=None,
              help="Định dạng: docx (mặc định), txt, pdf (cần LibreOffice). Mặc định theo đuôi của -o.")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Mẫu .docx thay cho mẫu của kế hoạch/tổ chức (template override).")
@click.option("--check", is_flag=True,
              help="Không ghi gì; thoát 1 nếu tệp kết quả chưa cập nhật (exit 1 if output is out of date).")
@click.option("-q", "--quiet", is_flag=True, help="Chỉ in lỗi (errors only).")
def build(paths: tuple[Path, ...], output: Path | None, outdir: Path, fmt: str | None,
          template: Path | None, check: bool, quiet: bool) -> None:
    """Dựng kế hoạch thành .docx (build plans into documents).

    Lỗi trong kế hoạch: in vị trí tệp:dòng:cột, thoát mã 2, không ghi tệp nào của kế hoạch đó.
    """
    plans = plan_files(paths)
    if output is not None and len(plans) != 1:
        raise click.UsageError("-o/--output chỉ dùng với một kế hoạch (one plan only); dùng --outdir")
    if fmt is None:
        fmt = output.suffix.lstrip(".").lower() if output is not None and output.suffix else "docx"
        if fmt not in FORMATS:
            raise click.UsageError(f"không biết định dạng '.{fmt}' (unknown format); dùng --to")
    from ..errors import KhError

    status = 0
    stale = []
    for plan_path in plans:
        out = output if output is not None else outdir / f"{plan_path.stem}.{fmt}"
        if out.suffix.lower() in (".yaml", ".yml") or out.resolve() == plan_path.resolve():
            raise click.UsageError(f"không ghi đè tệp YAML '{out}' (refusing to overwrite a plan file)")
        try:
            data = render(plan_path, fmt, template)
            if check:
                if not out.is_file() or out.read_bytes() != data:
                    stale.append(out)
                    click.echo(f"cần dựng lại (would rebuild): {plan_path} → {out}")
                continue
            from ..writers.package import write_atomic

            write_atomic(out, data)
            if not quiet:
                click.echo(f"đã dựng (built): {plan_path} → {out}")
        except KhError as exc:
            status = max(status, fail(exc))
        except OSError as exc:
            status = max(status, fail(Exception(f"{out}: không ghi được (cannot write): {exc.strerror}")))
    if check and stale and status == 0:
        status = 1
    sys.exit(status)


def render(plan_path: Path, fmt: str, template: Path | None) -> bytes:
    """Read one plan and render it to ``fmt`` bytes."""
    from ..readers.yaml_reader import read_plan

    plan = read_plan(plan_path)
    if fmt == "txt":
        from ..writers.text_writer import render_text

        return render_text(plan).encode("utf-8")
    from ..writers.docx_writer import render_docx

    docx = render_docx(plan, template)
    if fmt == "pdf":
        from ..writers.pdf_writer import docx_to_pdf

        return docx_to_pdf(docx)
    return docx
