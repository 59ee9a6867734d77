"""``kh init``: a ready repository for an office's own plans."""

from __future__ import annotations

from pathlib import Path

import click

from .common import CONTEXT


@click.command(context_settings=CONTEXT)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--from", "source", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tệp Word (hoặc .txt, .doc) kế hoạch cũ của cơ quan: nhập thành kế hoạch đầu tiên, hồ sơ"
              " lấy từ văn bản, không có hồ sơ và dự thảo mẫu (start from the office's own Word plan).")
@click.option("--org", "code", default=None,
              help="Mã ngắn của cơ quan: tên tệp plans/orgs/<mã>.yaml (profile code; mặc định 'coquan', với"
              " --from lấy từ tên cơ quan).")
@click.option("--name", help="Tên cơ quan trong lời văn, ví dụ 'Ủy ban nhân dân Phường Võ Thị Sáu'.")
@click.option("--header", multiple=True, help="Dòng tên cơ quan ở tiêu đề, IN HOA (lặp lại cho mỗi dòng).")
@click.option("--parent", multiple=True, help="Dòng tên cơ quan chủ quản, nếu có (lặp lại cho mỗi dòng).")
@click.option("--symbol", help="Chữ viết tắt trong ký hiệu, ví dụ UBND (→ KH-UBND).")
@click.option("--place", help="Địa danh ở dòng ngày tháng, ví dụ 'Phường Võ Thị Sáu'.")
@click.option("--signer", "signer_name", help="Họ tên người ký thường dùng.")
@click.option("--position", "signer_position", help="Chức vụ người ký, ví dụ 'PHÓ CHỦ TỊCH'.")
@click.option("--authority", "signer_authority", help="Quyền hạn ký, ví dụ 'KT. CHỦ TỊCH' ('' khi ký trực tiếp).")
@click.option("-i", "--interactive", is_flag=True, help="Hỏi từng thông tin (ask for each answer).")
@click.option("--year", type=int, help="Năm của kế hoạch mẫu (mặc định năm nay).")
@click.option("--no-git", is_flag=True, help="Không chạy git init / git config.")
def init(directory: Path, source: Path | None, code: str | None, name: str | None, header: tuple[str, ...],
         parent: tuple[str, ...], symbol: str | None, place: str | None, signer_name: str | None,
         signer_position: str | None, signer_authority: str | None, interactive: bool, year: int | None,
         no_git: bool) -> None:
    """Tạo kho kế hoạch cho một cơ quan (make a ready repository for an office's plans).

    \b
    Tạo plans/, hồ sơ plans/orgs/<mã>.yaml, một dự thảo dựng được ngay, schema cho VS Code,
    .gitattributes + git config cho 'kh text', pre-commit (kh fmt --check, kh check --strict),
    README, .gitignore. Không bao giờ ghi đè tệp đã có.
    --from KH-CU.docx: kế hoạch Word của chính cơ quan được nhập (kh import) thành kế hoạch đầu tiên,
    hồ sơ lấy từ văn bản; in báo cáo nhập; dựng được ngay.
    Ví dụ: kh init ubnd-vts --org vts --name "Ủy ban nhân dân Phường Võ Thị Sáu" --symbol UBND
           kh init so-ct --from "KH 2242 kiem tra.docx"
    """
    import re
    import sys

    from ...core.errors import KhError
    from ..scaffold import GIT_TEXTCONV, OrgAnswers
    from ..scaffold import init as make
    from .common import fail

    explicit = code is not None
    code = code or "coquan"
    if source is not None and (name or header or parent or symbol or place or signer_name or interactive):
        raise click.UsageError("--from lấy hồ sơ từ văn bản; không dùng cùng --name, --header, --symbol, --place,"
                               " --signer, -i (with --from the profile comes from the document)")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", code):
        raise click.BadParameter(f"mã '{code}' chỉ gồm chữ thường không dấu, số, '-' (e.g. 'vts')", param_hint="--org")
    if interactive:
        name = name or click.prompt("Tên cơ quan (name)", default="Ủy ban nhân dân Phường Mẫu")
        header = header or tuple(click.prompt("Dòng tiêu đề, ngăn bằng | (header lines)",
                                              default="ỦY BAN NHÂN DÂN|PHƯỜNG MẪU").split("|"))
        symbol = symbol or click.prompt("Ký hiệu (symbol)", default="UBND")
        place = place or click.prompt("Địa danh (place)", default="Phường Mẫu")
        signer_name = signer_name or click.prompt("Người ký (signer)", default="Nguyễn Văn A")
        signer_position = signer_position or click.prompt("Chức vụ (position)", default="PHÓ CHỦ TỊCH")
        if signer_authority is None:
            signer_authority = click.prompt("Quyền hạn ký (authority)", default="KT. CHỦ TỊCH")
    if symbol is not None and not re.fullmatch(r"[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*", symbol):
        raise click.BadParameter(f"ký hiệu '{symbol}' phải IN HOA, không dấu cách (e.g. 'UBND')",
                                 param_hint="--symbol")
    answers = OrgAnswers(code, name, [h.strip() for h in header if h.strip()], list(parent), symbol, place,
                         signer_name, signer_position, signer_authority)
    directory.mkdir(parents=True, exist_ok=True)
    try:
        created, imported = make(directory, answers, year, git=not no_git, source=source,
                                 org_key=code if explicit else None)
    except KhError as exc:
        sys.exit(fail(exc))
    if imported is not None:
        click.echo(imported.report.to_text())
    for item in created:
        rel = item.path.relative_to(directory)
        if item.written:
            click.echo(f"đã tạo (created): {rel}")
        else:
            click.echo(f"đã có, giữ nguyên (exists, kept): {rel}")
    if no_git:
        click.echo("git: chạy trong thư mục này (run there): " + " ".join(
            f'"{p}"' if " " in p else p for p in GIT_TEXTCONV))
    if imported is not None:
        click.echo(f"xong (done). Thử (try): cd {directory} && kh build plans/{imported.plan.name}")
    else:
        click.echo(f"xong (done). Thử (try): cd {directory} && kh build plans/")
