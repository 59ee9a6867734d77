"""``kh watch``: rebuild on every save and show the pages live in a local web page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .common import CONTEXT, Terminated, options, show_warnings


@click.command(context_settings=CONTEXT)
@click.argument("plan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-d", "--outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Thư mục ghi .docx (output folder).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=0,
              help="Cổng trên 127.0.0.1 (port); mặc định: một cổng trống (a free port).")
@click.option("--dpi", type=click.IntRange(min=20, max=300), default=100, show_default=True,
              help="Độ phân giải ảnh trang (page image resolution).")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Mẫu .docx thay cho mẫu của kế hoạch/tổ chức (template override).")
def watch(plan: Path, outdir: Path, port: int, dpi: int, template: Path | None) -> None:
    """Theo dõi: dựng lại mỗi khi lưu, xem trang ngay trên trình duyệt (live preview).

    Dựng lại khi lưu kế hoạch, hồ sơ tổ chức hoặc mẫu; trang web ở 127.0.0.1 tự làm mới.
    Kế hoạch lỗi: trang hiện lỗi kèm dòng, các trang tốt gần nhất vẫn xem được. Ctrl-C để dừng.
    Địa chỉ in ra có một mã ngẫu nhiên: chỉ ai có nó mới xem được trang (the printed URL holds a
    random token; other web sites cannot read the page).
    """
    import shutil
    import tempfile

    from ...writers.pdf_writer import Converter
    from ..preview_server import Preview, serve
    from ..service import org_candidates

    root = Path(tempfile.mkdtemp(prefix="kh-watch-"))
    preview = Preview(root, str(plan))
    server = serve(preview, port)
    click.echo(f"Xem trước tại (preview at): http://127.0.0.1:{server.server_address[1]}{preview.base}")
    click.echo("Ctrl-C để dừng (to stop).", nl=True)
    inputs: set[Path] = {plan.resolve(), *org_candidates(plan)}
    try:
        with Converter(note=lambda msg: click.echo(msg, err=True)) as conv:
            builder = _Builder(plan, outdir / f"{plan.stem}.docx", template, dpi, preview, conv,
                               options().allow_outside)
            builder.watched = inputs
            inputs |= builder.rebuild()
            builder.watched = inputs
            _loop(builder, inputs)
    except (KeyboardInterrupt, Terminated):   # Ctrl-C, or SIGTERM (kh's main turns it into Terminated)
        pass
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(root, ignore_errors=True)
    click.echo("đã dừng (stopped).")


class _Builder:
    """One rebuild: .docx (written atomically) → PDF (warm LibreOffice) → page images → the page."""

    def __init__(self, plan: Path, out: Path, template: Path | None, dpi: int, preview: Any, conv: Any,
                 allow_outside: bool = False) -> None:
        self.plan, self.out, self.template, self.dpi = plan, out, template, dpi
        self.preview, self.conv, self.version = preview, conv, 0
        self.allow_outside = allow_outside
        self.watched: set[Path] = {plan.resolve()}
        self.seen: dict[Path, str | None] = {}

    def changed(self) -> bool:
        """True when a watched file differs from what the last build read (a save the watcher missed)."""
        from ..service import file_digest

        return any(file_digest(p) != d for p, d in self.seen.items())

    def rebuild(self) -> set[Path]:
        """Build once; return the files this build depended on (to be watched)."""
        import time

        from ...core.errors import KhError
        from ...ooxml.package import write_atomic
        from ..service import file_digest, org_candidates, page_images, render_with_inputs

        self.version += 1
        start = time.perf_counter()
        self.seen = {p: file_digest(p) for p in self.watched}
        said: list[str] = []
        try:
            docx, deps = render_with_inputs(self.plan, "docx", self.template, warnings=said)
            show_warnings(self.plan, said)
            write_atomic(self.out, docx)
            built = time.perf_counter()
            folder = self.preview.folder_for(self.version)
            pages = page_images(docx, folder / "page", self.conv, dpi=self.dpi)
        except (KhError, OSError) as exc:
            text = str(exc) if isinstance(exc, KhError) else f"{self.out}: không ghi được (cannot write): {exc}"
            self.preview.publish_error(self.version, self.page_error(text))
            click.secho(text, fg="red", err=True)
            return {self.plan.resolve(), *org_candidates(self.plan)}
        self.preview.publish_pages(self.version, pages)
        click.echo(f"đã dựng #{self.version} (built): {self.out} — .docx {built - start:.2f} s, "
                   f"{len(pages)} trang (pages) {time.perf_counter() - built:.2f} s")
        return set(deps)

    def page_error(self, text: str) -> str:
        """The error as the page shows it: the terminal's text, unless the plan is a link to a file
        outside its folder (an error quotes the lines it read: they stay on the terminal)."""
        from ...core.confine import is_inside

        if self.allow_outside or is_inside(self.plan, self.plan.absolute().parent):
            return text
        return (f"{self.plan}: là liên kết tới một tệp ngoài thư mục kế hoạch; lỗi chỉ in ở cửa sổ lệnh "
                "(links to a file outside the plans folder: its error is shown in the terminal only, "
                "not on this page); dùng --allow-outside nếu bạn tin tệp này (pass --allow-outside to "
                "show it here)")


def _loop(builder: _Builder, inputs: set[Path]) -> None:
    """Watch the folders of ``inputs``; rebuild when one of the input files changes."""
    from watchfiles import watch as watch_files

    watched = {"files": set(inputs)}

    def relevant(_: Any, path: str) -> bool:
        return Path(path).resolve() in watched["files"]

    while True:
        folders = sorted({p.parent for p in watched["files"] if p.parent.is_dir()})
        # yield_on_timeout: every second, also compare contents, so a save made while a build ran
        # (before the watcher was listening) is not lost.
        for changes in watch_files(*folders, watch_filter=relevant, debounce=400, step=60, recursive=False,
                                   yield_on_timeout=True, rust_timeout=1000):
            if not changes and not builder.changed():
                continue
            builder.watched = watched["files"] = builder.rebuild() | {builder.plan.resolve()}
            if sorted({p.parent for p in watched["files"] if p.parent.is_dir()}) != folders:
                break
