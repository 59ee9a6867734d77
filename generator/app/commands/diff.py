"""``kh diff``: compare two plans by the document's structure."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import CONTEXT, fail


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rev", metavar="REV", help="So tệp với bản của nó ở git REV, ví dụ HEAD~1 (compare with a revision).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="text: cho người đọc (màu khi in ra màn hình); markdown: dán vào merge request.")
@click.option("--color/--no-color", default=None, help="Tô màu (mặc định: chỉ khi in ra màn hình).")
@click.option("--plans-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Đọc hai tệp như thể nằm trong thư mục này (tìm orgs/ ở đây) — cho git difftool.")
def diff(paths: tuple[Path, ...], rev: str | None, fmt: str, color: bool | None, plans_dir: Path | None) -> None:
    """So sánh hai kế hoạch theo cấu trúc văn bản (compare two plans by structure).

    \b
    kh diff OLD.yaml NEW.yaml
    kh diff plans/x.yaml --rev HEAD~1        so với bản đã commit trước đó
    kh diff OLD.yaml NEW.yaml --format markdown
    git difftool -t kh HEAD~1 -- plans/x.yaml   (cấu hình: xem README)
    Căn cứ thêm/bỏ; mục, điểm, đoạn văn, bảng thêm/bỏ/chuyển chỗ/đánh số lại (số như khi in:
    I., 1., a); "II. › đoạn 2", "II. › bảng 1"); đoạn văn sửa với từng chữ thay đổi; bảng: hàng
    thêm/bỏ/chuyển chỗ, ô sửa ("Phụ lục I › bảng › nhóm I › hàng 2 › cột Thời hạn"), cột, tiêu đề;
    nhiệm vụ giao lại cho đơn vị khác, đổi thời hạn; nơi nhận, người ký.
    Mã thoát: 0 không khác, 1 có khác, 2 kế hoạch sai hoặc không đọc được bản ở REV
    (invalid plan, or the revision cannot be read).
    """
    if rev is not None and len(paths) != 1:
        raise click.UsageError("--rev cần đúng một tệp kế hoạch (one plan with --rev)")
    if rev is None and len(paths) != 2:
        raise click.UsageError("cần hai tệp: OLD.yaml NEW.yaml (two plans, or one with --rev)")
    from ...core.errors import KhError
    from ...readers.yaml_reader import read_plan
    from ...review.compare import compare
    from ...review.gitrev import placed_in, revision_copy
    from ...review.report import render

    new_path = paths[-1]
    old_name = f"{new_path}@{rev}" if rev is not None else str(paths[0])
    try:
        # each temporary copy (the revision's, or one placed in --plans-dir) lives only while it is read;
        # NEW first, so the reader is loaded and the old copy's life is a few milliseconds
        with placed_in(new_path, plans_dir) as placed:
            new = read_plan(placed)
        with revision_copy(new_path, rev) if rev is not None else placed_in(paths[0], plans_dir) as old_path:
            old = read_plan(old_path)
    except KhError as exc:
        sys.exit(fail(exc))
    report = compare(old, new, old_name, str(new_path))
    use_color = sys.stdout.isatty() if color is None else color
    style = "markdown" if fmt == "markdown" else ("color" if use_color else "text")
    click.echo(render(report, style), nl=False, color=use_color if style == "color" else None)
    sys.exit(1 if report.changes else 0)
