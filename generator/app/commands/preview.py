"""``kh preview``: PNG images of a plan's pages (LibreOffice → PDF → pdftoppm)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import CONTEXT, fail, show_warnings


@click.command(context_settings=CONTEXT)
@click.argument("plan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-d", "--outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Thư mục kết quả (output folder): <tên>-<trang>.png.")
@click.option("-p", "--page", type=click.IntRange(min=1), default=None, help="Chỉ một trang (one page only).")
@click.option("--dpi", type=click.IntRange(min=20, max=600), default=100, show_default=True,
              help="Độ phân giải ảnh (image resolution).")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Mẫu .docx thay cho mẫu của kế hoạch/tổ chức (template override).")
def preview(plan: Path, outdir: Path, page: int | None, dpi: int, template: Path | None) -> None:
    """Xem trước: ảnh PNG từng trang, ghi cạnh tệp kết quả (page images of a plan).

    \b
    Ví dụ (examples):
      kh preview plans/quan3-2025.yaml            → output/quan3-2025-1.png, -2.png, ...
      kh preview plans/quan3-2025.yaml --page 1 --dpi 150
    """
    from ...core.errors import KhError
    from ...writers.pdf_writer import Converter
    from ..service import page_images, render_with_inputs

    said: list[str] = []
    try:
        docx, _ = render_with_inputs(plan, "docx", template, warnings=said)
        show_warnings(plan, said)
        with Converter(note=lambda msg: click.echo(msg, err=True)) as conv:
            images = page_images(docx, outdir / plan.stem, conv, dpi=dpi, page=page)
    except KhError as exc:
        sys.exit(fail(exc))
    except OSError as exc:
        sys.exit(fail(Exception(f"{outdir}: không ghi được (cannot write): {exc.strerror or exc}")))
    for image in images:
        click.echo(str(image))
