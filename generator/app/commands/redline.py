"""``kh redline``: NEW's document with the changes since OLD as Word tracked changes."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from pathlib import Path

import click

from .common import CONTEXT, fail, show_warnings


def _when(date: str | None) -> dt.datetime:
    """--date, else SOURCE_DATE_EPOCH (reproducible builds), else now (UTC)."""
    if date:
        try:
            when = dt.datetime.fromisoformat(date.replace("Z", "+00:00"))
        except ValueError:
            raise click.BadParameter(f"'{date}' không phải ngày giờ ISO, ví dụ 2025-04-29 hoặc 2025-04-29T08:30"
                                     " (not an ISO date or date-time)", param_hint="--date") from None
        return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp kết quả (output .docx); mặc định output/<NEW>-thay-doi.docx.")
@click.option("--rev", metavar="REV", help="So tệp với bản của nó ở git REV (compare with git revision REV).")
@click.option("--author", help="Tên người sửa trong Word (author); mặc định tên tổ chức của NEW.")
@click.option("--date", "date", metavar="ISO",
              help="Ngày giờ của các thay đổi (change date); mặc định SOURCE_DATE_EPOCH hoặc lúc dựng.")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Mẫu .docx thay cho mẫu của kế hoạch (template override, both sides).")
def redline(paths: tuple[Path, ...], output: Path | None, rev: str | None, author: str | None,
            date: str | None, template: Path | None) -> None:
    """Dựng NEW với các thay đổi so với OLD là "Theo dõi thay đổi" của Word (tracked changes).

    \b
    kh redline OLD.yaml NEW.yaml -o thay-doi.docx
    kh redline plans/x.yaml --rev HEAD~1 -o thay-doi.docx
    Chấp nhận tất cả (Accept All) cho đúng văn bản NEW; từ chối tất cả (Reject All) cho văn bản OLD.
    Bảng: chữ sửa trong một ô được đánh dấu ngay trong ô đó; hàng thêm/bỏ là hàng được theo dõi
    (a changed cell is marked inside the cell; an added or removed row is a tracked row).
    """
    if rev is not None and len(paths) != 1:
        raise click.UsageError("--rev cần đúng một tệp kế hoạch (one plan with --rev)")
    if rev is None and len(paths) != 2:
        raise click.UsageError("cần hai tệp: OLD.yaml NEW.yaml (two plans, or one with --rev)")
    new_path = paths[-1]
    out = output or Path("output") / f"{new_path.stem}-thay-doi.docx"
    if out.suffix.lower() in (".yaml", ".yml") or any(out.resolve() == p.resolve() for p in paths):
        raise click.UsageError(f"không ghi đè tệp YAML '{out}' (refusing to overwrite a plan file)")
    when = _when(date)
    from ...core.errors import KhError
    from ...ooxml.package import write_atomic
    from ...readers.yaml_reader import read_plan
    from ...review.gitrev import revision_copy
    from ...writers.docx_writer import render_docx
    from ...writers.redline import redline_docx

    try:
        # NEW first (the reader is then loaded): the revision's copy lives only the few milliseconds it
        # takes to read it, so a kh killed at any other moment leaves nothing beside the plan
        new_plan = read_plan(new_path)
        with revision_copy(new_path, rev) if rev is not None else contextlib.nullcontext(paths[0]) as old_path:
            old_plan = read_plan(old_path)
        old_docx = render_docx(old_plan, template)
        said: list[str] = []
        new_docx = render_docx(new_plan, template, said)
        show_warnings(new_path, said)
        data, count = redline_docx(old_docx, new_docx, author or new_plan.organisation.name, when)
        write_atomic(out, data)
    except KhError as exc:
        sys.exit(fail(exc))
    except OSError as exc:
        sys.exit(fail(Exception(f"{out}: không ghi được (cannot write): {exc.strerror}")))
    click.echo(f"đã ghi (written): {out} — {count} đánh dấu thay đổi (tracked change marks)")
