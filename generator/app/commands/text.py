"""``kh text``: the text of a .docx in reading order (for ``git diff`` as a textconv)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import CONTEXT, fail


@click.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def text(file: Path) -> None:
    """In lời văn của một tệp .docx, mỗi đoạn một dòng (print a .docx's text, one paragraph a line).

    \b
    Thứ tự đọc: khối tiêu đề, thân văn bản, bảng theo từng dòng (ô cách nhau " | "),
    cuối cùng là chú thích cuối trang với số của nó. Dùng cho git (git textconv):
      echo '*.docx diff=kh' >> .gitattributes
      git config diff.kh.textconv "kh text"
    """
    from ...core.errors import KhError
    from ...readers.docx_text import read_docx_text

    try:
        out = read_docx_text(file)
    except KhError as exc:
        sys.exit(fail(exc))
    sys.stdout.buffer.write(out.encode("utf-8"))
