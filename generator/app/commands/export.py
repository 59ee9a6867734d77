"""``kh export``: a plan's tasks per unit for follow-up → Excel (.xlsx), CSV or a calendar (.ics)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import CONTEXT, fail

if TYPE_CHECKING:
    from ...model.plan import Plan

FORMATS = ("xlsx", "csv", "ics")


@click.command(context_settings=CONTEXT)
@click.argument("plan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-t", "--to", "fmt", type=click.Choice(FORMATS), default=None,
              help="Định dạng: xlsx (mặc định), csv, ics. Mặc định theo đuôi của -o.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Tệp kết quả (output file); '-' = in ra đầu ra chuẩn (standard output).")
@click.option("-d", "--outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Thư mục kết quả khi không có -o (output folder).")
def export(plan: Path, fmt: str | None, output: Path | None, outdir: Path) -> None:
    """Xuất nhiệm vụ của kế hoạch theo từng đơn vị để theo dõi (export each unit's tasks).

    \b
    Nguồn: danh sách 'tasks:' (chủ trì, phối hợp, thời gian, sản phẩm) và các mục 'assignments:'
    viết tay (mỗi đơn vị một danh sách nhiệm vụ).
      xlsx  trang "Tổng hợp" và mỗi đơn vị một trang: nhiệm vụ chủ trì và phối hợp, đơn vị khác,
            thời gian như in trong kế hoạch, hạn hoàn thành là ô ngày thật (quý, tháng: ngày cuối),
            sản phẩm, cột "Kết quả" để điền; in A4 ngang.
      csv   mỗi dòng một nhiệm vụ × đơn vị (chủ trì / phối hợp); UTF-8 có BOM cho Excel.
      ics   lịch (RFC 5545): mỗi hạn một sự kiện cả ngày, nhập vào Google Calendar, Outlook.
    Ví dụ: kh export plans/quan3-2026-du-thao.yaml            → output/quan3-2026-du-thao.xlsx
           kh export plans/binhtan-2021.yaml --to ics -o ~/han.ics
    Cùng kế hoạch luôn cho cùng từng byte. Mã thoát: 0 xong; 1 không có nhiệm vụ (hay hạn, với ics)
    hoặc không ghi được; 2 kế hoạch sai (tệp:dòng:cột, không ghi tệp nào).
    """
    from ...core.errors import KhError
    from ...layout.task_rows import task_rows, units_tasks
    from ...ooxml.package import write_atomic
    from ...readers.yaml_reader import read_plan

    if fmt is None:
        suffix = output.suffix.lstrip(".").lower() if output is not None and str(output) != "-" else ""
        if suffix and suffix not in FORMATS:
            raise click.UsageError(f"không biết định dạng '.{suffix}' (unknown format); dùng --to xlsx|csv|ics")
        fmt = suffix or "xlsx"
    to_stdout = output is not None and str(output) == "-"
    out = output if output is not None else outdir / f"{plan.stem}.{fmt}"
    if not to_stdout and (out.suffix.lower() in (".yaml", ".yml") or out.resolve() == plan.resolve()):
        raise click.UsageError(f"không ghi đè tệp YAML '{out}' (refusing to overwrite a plan file)")
    try:
        read = read_plan(plan)
    except KhError as exc:
        sys.exit(fail(exc))
    except OSError as exc:
        sys.exit(fail(Exception(f"{plan}: không đọc được (cannot read): {exc.strerror or exc}")))
    except RecursionError:
        fail(Exception(f"{plan}: kế hoạch lồng quá sâu (plan nested too deeply)"))
        sys.exit(2)
    rows = task_rows(read)
    dated = sum(len(r.deadlines) for r in rows)
    if not rows:
        sys.exit(fail(Exception(f"{plan}: kế hoạch không có nhiệm vụ nào trong 'tasks:' hay 'assignments:'"
                                " (no tasks to export); không ghi tệp (nothing written)")))
    if fmt == "ics" and not dated:
        sys.exit(fail(Exception(f"{plan}: không nhiệm vụ nào có hạn (ngày, trước ngày, tháng, quý) để đưa vào"
                                " lịch (no dated task for a calendar); không ghi tệp (nothing written)")))
    try:
        data = _render(read, fmt, plan.name)
    except ImportError as exc:      # openpyxl is a dependency of kh; an install without it says so
        sys.exit(fail(Exception(f"thiếu thư viện (missing library) {exc.name}: pip install {exc.name}")))
    if to_stdout:
        sys.exit(_to_stdout(data))
    try:
        write_atomic(out, data)
    except OSError as exc:
        sys.exit(fail(Exception(f"{out}: không ghi được (cannot write): {exc.strerror or exc}")))
    what = (f"{dated} hạn (deadlines)" if fmt == "ics"
            else f"{len(rows)} nhiệm vụ (tasks), {len(units_tasks(read, rows))} đơn vị (units)")
    click.echo(f"đã xuất (exported): {plan} → {out} — {what}")


def _to_stdout(data: bytes) -> int:
    """Write ``data`` to standard output; a closed pipe (``| head``) is not an error, a full disk is."""
    import os

    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    except OSError as exc:
        try:   # the interpreter's final flush must not fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        if isinstance(exc, BrokenPipeError):
            return 0
        return fail(Exception(f"không ghi được ra đầu ra chuẩn (cannot write to standard output): "
                              f"{exc.strerror or exc}"))


def _render(plan: Plan, fmt: str, source_name: str) -> bytes:
    """The export of a read plan in ``fmt``."""
    if fmt == "xlsx":
        from ...writers.tasks_xlsx import render_tasks_xlsx

        return render_tasks_xlsx(plan)
    if fmt == "csv":
        from ...writers.tasks_csv import render_tasks_csv

        return render_tasks_csv(plan)
    from ...writers.tasks_ics import render_tasks_ics

    return render_tasks_ics(plan, source_name)
