"""``kh clone``: next year's plan from last year's, changing only what must change."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import CONTEXT, fail, read_where_it_will_live


@click.command(context_settings=CONTEXT)
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="Năm của kế hoạch mới (new plan's year); mặc định năm cũ + 1.")
@click.option("--from-year", type=int,
              help="Năm của kế hoạch cũ, khi tệp cũ không ghi hoặc cách nhiều năm (old plan's year).")
@click.option("--force", is_flag=True, help="Ghi đè tệp mới nếu đã có (overwrite NEW if it exists).")
def clone(old: Path, new: Path, year: int | None, from_year: int | None, force: bool) -> None:
    """Sao kế hoạch năm trước thành dự thảo năm sau (clone last year's plan into next year's draft).

    \b
    Đổi năm; xóa số và ngày (dự thảo); dời ngày, hạn trong 'tasks' theo số năm; giữ nguyên
    chú thích, thứ tự khóa, dấu nháy; {{ year }} tự theo năm mới. Tệp cũ không bị động đến.
    In danh sách cần xem lại (review list), mỗi mục có tệp:dòng.
    Ví dụ: kh clone plans/quan3-2025.yaml plans/quan3-2026.yaml --year 2026
    """
    import difflib

    from ...yamlio import roundtrip as yamlrt
    from ...yearly.clone import CloneError, clone_text

    if new.resolve() == old.resolve():
        raise click.UsageError("tệp mới trùng tệp cũ; tệp cũ không bao giờ bị ghi đè (NEW must differ from OLD)")
    if new.suffix.lower() not in (".yaml", ".yml"):
        raise click.UsageError(f"tệp mới '{new}' phải có đuôi .yaml (NEW must be a .yaml file)")
    if new.exists() and not force:
        click.secho(f"{new}: tệp đã có; dùng --force để ghi đè (file exists; use --force to overwrite)",
                    fg="red", err=True)
        sys.exit(1)
    text = yamlrt.read_text(old)
    try:
        out, reviews, old_year, new_year = clone_text(text, str(old), year, from_year)
    except (CloneError, yamlrt.YamlRtError) as exc:
        sys.exit(fail(exc))
    # validate the new plan where it will live, before it replaces anything
    plan = read_where_it_will_live(new, out, prefix=".kh-clone-", quiet=False)
    yamlrt.write_text_atomic(new, out)
    changed = sum(1 for d in difflib.ndiff(text.splitlines(), out.splitlines()) if d.startswith("+ "))
    click.echo(f"đã tạo (created): {new} — năm {old_year} → {new_year}, {changed} dòng đổi (lines changed)")
    who = {"signer": plan.signer, "decision.signer": plan.decision.signer if plan.decision else None}
    if reviews:
        click.echo(f"cần xem lại (review) {len(reviews)} chỗ:")
        for item in reviews:
            line = item.format(str(new))
            for key, signer in who.items():
                if signer is not None and not isinstance(signer, str) and f": {key}: người ký '" in line:
                    line = line.replace("' có thể", f"' ({signer.position} {signer.name}) có thể", 1)
            click.echo("  " + line)
