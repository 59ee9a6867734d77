"""``kh check``: validate plans without writing anything."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import CONTEXT, fail, plan_files


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="Chỉ in lỗi (errors only).")
def check(paths: tuple[Path, ...], quiet: bool) -> None:
    """Kiểm tra kế hoạch, không ghi tệp (validate plans without writing)."""
    from ..errors import KhError
    from ..readers.yaml_reader import read_plan

    status = 0
    for plan_path in plan_files(paths):
        try:
            read_plan(plan_path)
            if not quiet:
                click.echo(f"hợp lệ (valid): {plan_path}")
        except KhError as exc:
            status = max(status, fail(exc))
    sys.exit(status)
