"""``kh server start|stop|status``: a warm kh in the background so short commands start at once."""

from __future__ import annotations

import sys

import click

from ..app.commands.common import CONTEXT


@click.group(context_settings=CONTEXT)
def server() -> None:
    """Máy chủ kh chạy nền: build/check/text/diff… khỏi nạp lại thư viện (a warm kh for fast commands).

    \b
    kh server start            → chạy nền; các lệnh kh sau đó nhanh gấp nhiều lần
    kh server status           → đang chạy? đã phục vụ bao nhiêu lệnh
    kh server stop             → dừng
    KH_SERVER=off kh build …   → bỏ qua máy chủ cho một lệnh (bypass it once)
    """


@server.command(context_settings=CONTEXT)
@click.option("--idle", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="Tự dừng sau từng ấy phút không có việc; 0: không tự dừng (minutes idle before stopping).")
def start(idle: float) -> None:
    """Chạy máy chủ nền (start the background server)."""
    from .control import ServerError
    from .control import start as start_server

    try:
        info, already = start_server(idle)
    except ServerError as exc:
        raise click.ClickException(str(exc)) from None
    word = "đang chạy sẵn (already running)" if already else "đã chạy (started)"
    click.echo(f"máy chủ kh {word}: pid {info['pid']}, {info['socket']}")


@server.command(context_settings=CONTEXT)
def stop() -> None:
    """Dừng máy chủ nền (stop the background server)."""
    from .control import ServerError
    from .control import stop as stop_server

    try:
        pid = stop_server()
    except ServerError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"máy chủ kh đã dừng (stopped): pid {pid}" if pid else "máy chủ kh không chạy (not running)")


@server.command(context_settings=CONTEXT)
def status() -> None:
    """Máy chủ có chạy không (is it running); exit 0 khi chạy, 1 khi không."""
    from .control import status as server_status

    info = server_status()
    if info is None:
        click.echo("máy chủ kh không chạy (not running)")
        sys.exit(1)
    fresh = "mới (current)" if info.get("fresh") else "cũ: sẽ dừng ở lệnh sau (stale: stops at the next command)"
    click.echo(f"máy chủ kh đang chạy (running): pid {info['pid']} từ (since) {info['started']}, "
               f"đã chạy (served) {info['served']} lệnh, mã (code) {fresh}\n  socket: {info['socket']}")
