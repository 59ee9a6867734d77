"""``kh fmt``: canonical layout for plan and profile files, comments kept."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import CONTEXT, inside_folder


def yaml_files(paths: tuple[Path, ...], allow_outside: bool | None = None) -> list[Path]:
    """The .yaml/.yml files named, or found (recursively, hidden folders skipped) in folders named.

    Found files that are links to files outside the folder are skipped, named on stderr, unless
    files outside are allowed (``allow_outside``; None: ``kh --allow-outside``).
    """
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in [*path.rglob("*.yaml"), *path.rglob("*.yml")]
                           if not any(part.startswith(".") for part in p.relative_to(path).parts))
            out += inside_folder(found, path, allow_outside)
        else:
            out.append(path)
    return out


def _peek(text: str) -> object:
    """The top-level keys of a file (to tell a profile from a plan), or None when unreadable."""
    import re

    return {m.group(1): None for m in re.finditer(r"(?m)^([A-Za-z_]+):", text)}


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--check", is_flag=True,
              help="Không ghi; thoát 1 và kể tên tệp chưa đúng định dạng (exit 1 naming unformatted files).")
@click.option("-q", "--quiet", is_flag=True, help="Chỉ in lỗi và tệp cần định dạng (errors only).")
def fmt(paths: tuple[Path, ...], check: bool, quiet: bool) -> None:
    """Định dạng chuẩn tệp kế hoạch và hồ sơ tổ chức (canonical layout, comments kept).

    \b
    Thứ tự khóa theo schema, dấu nháy chỉ khi cần, đoạn dài viết dạng '>-' trên một dòng,
    không dấu cách cuối dòng. Chạy lại không đổi gì (idempotent). Nội dung không bao giờ đổi.
    Ví dụ: kh fmt plans/        kh fmt --check plans/
    """
    from ...yamlio import roundtrip as yamlrt

    status = 0
    todo: list[Path] = []
    for path in yaml_files(paths):
        try:
            text = yamlrt.read_text(path)
            new = yamlrt.format_text(text, yamlrt.kind_of(path, _peek(text)), str(path))
        except yamlrt.YamlRtError as exc:
            click.secho(str(exc), fg="red", err=True)
            status = 2
            continue
        except (UnicodeDecodeError, OSError) as exc:
            click.secho(f"{path}: {exc}", fg="red", err=True)
            status = 2
            continue
        except Exception as exc:  # noqa: BLE001 - PyYAML errors from the meaning check
            click.secho(f"{path}: YAML không hợp lệ (invalid YAML): {exc}", fg="red", err=True)
            status = 2
            continue
        if new == text:
            continue
        todo.append(path)
        if check:
            click.echo(f"cần định dạng (would reformat): {path}")
        else:
            yamlrt.write_text_atomic(path, new)
            if not quiet:
                click.echo(f"đã định dạng (formatted): {path}")
    if check and todo and status == 0:
        click.echo(f"{len(todo)} tệp cần 'kh fmt' ({len(todo)} file(s) to format)")
        status = 1
    sys.exit(status)
