"""Refuse a .docx template that is unsafe or broken before docxtpl or python-docx touch it.

Templates are shared between offices, so they are treated as hostile input: the file must be
a regular file of bounded size, a zip whose parts stay under size and compression-ratio caps
(no zip bomb), whose XML parts are well-formed and carry no DTD (no external entity, no entity
bomb; lxml is never asked to resolve entities), and whose docxtpl tags are closed within their
paragraph (a typo such as ``{{ doc_type `` would otherwise swallow the following paragraphs).
Every refusal is a :class:`~generator.core.errors.TemplateError` (exit 3) naming the template.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import zipfile
from pathlib import Path

from ..core.errors import TemplateError
from ..lang.vnwords import format_amount

#: Largest template file accepted (bytes).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Largest total uncompressed size of the template's parts (bytes).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: Most parts in the package.
MAX_PARTS = 2000
#: Highest compression ratio accepted for a part over :data:`RATIO_FLOOR` bytes.
MAX_RATIO = 100
RATIO_FLOOR = 10 * 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAGGED_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_DELIMS = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}


def _fail(template: Path, vi: str, en: str) -> TemplateError:
    return TemplateError(f"{template}: {vi} ({en})")


def _parser():  # noqa: ANN202 - lxml parser
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False,
                           huge_tree=True, remove_blank_text=False)


def check_template(template: Path) -> None:
    """Raise :class:`TemplateError` unless ``template`` is a safe, well-formed .docx template."""
    if "\x00" in str(template):
        raise TemplateError(f"{str(template)!r}: đường dẫn mẫu chứa ký tự NUL (NUL byte in template path)")
    try:
        info = os.stat(template)
    except FileNotFoundError:
        raise _fail(template, "không tìm thấy mẫu", "template not found") from None
    except OSError as exc:
        raise _fail(template, f"không đọc được mẫu: {exc.strerror}", "cannot read template") from None
    if not stat.S_ISREG(info.st_mode):
        raise _fail(template, "mẫu không phải tệp thường", "template is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise _fail(template, f"mẫu quá lớn: {format_amount(info.st_size)} byte > {format_amount(MAX_FILE_BYTES)}",
                    "template file too large")
    try:
        data = Path(template).read_bytes()
    except OSError as exc:
        raise _fail(template, f"không đọc được mẫu: {exc.strerror}", "cannot read template") from None
    digest = hashlib.sha256(data).digest()
    if digest in _PASSED:            # same bytes already checked in this process (batch, watch)
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _fail(template, f"không phải tệp .docx hợp lệ: {exc}", "not a valid .docx (zip) file") from None
    with archive:
        _check_archive(template, archive)
    _PASSED.add(digest)


#: SHA-256 of templates that passed, so a folder build checks each template once per process.
_PASSED: set[bytes] = set()


def _check_archive(template: Path, archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise _fail(template, f"mẫu có quá nhiều phần ({len(infos)} > {MAX_PARTS})", "too many parts")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise _fail(template, f"mẫu giải nén quá lớn: {format_amount(total)} byte > "
                              f"{format_amount(MAX_UNPACKED_BYTES)}", "uncompressed size too large (zip bomb?)")
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise _fail(template, f"phần {i.filename} nén bất thường (tỉ lệ > {MAX_RATIO}:1)",
                        "suspicious compression ratio (zip bomb?)")
    names = {i.filename for i in infos}
    for required in ("[Content_Types].xml", "word/document.xml"):
        if required not in names:
            raise _fail(template, f"không phải tệp .docx: thiếu phần {required}", f"not a .docx: no {required}")
    for i in infos:
        if i.filename.endswith((".xml", ".rels")) and i.file_size:
            _check_part(template, i.filename, archive)


def _check_part(template: Path, name: str, archive: zipfile.ZipFile) -> None:
    from lxml import etree

    try:
        data = archive.read(name)
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
        raise _fail(template, f"phần {name} hỏng: {exc}", "damaged part") from None
    try:
        tree = etree.fromstring(data, _parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        where = f" dòng {line} cột {col}" if line else ""
        raise _fail(template, f"XML hỏng trong phần {name}{where}: {exc.msg}", "malformed XML") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None or b"<!ENTITY" in data:
        raise _fail(template, f"phần {name} có khai báo DOCTYPE/ENTITY (Word không bao giờ viết; có thể là "
                              f"tấn công XXE hoặc bom thực thể)",
                    "DTD or entity declaration refused: XXE or entity bomb")
    if _TAGGED_PARTS.match(name):
        _check_tags(template, name, tree.getroot())


def _check_tags(template: Path, name: str, root) -> None:  # noqa: ANN001 - lxml element
    """Every ``{{``, ``{%``, ``{#`` closes with its partner inside the same paragraph."""
    for number, para in enumerate(root.iter(f"{_W}p"), start=1):
        text = "".join(t.text or "" for t in para.iter(f"{_W}t"))
        if "{" not in text:
            continue
        opened: tuple[str, int] | None = None
        for m in _DELIMS.finditer(text):
            tok = m.group()
            if tok in _CLOSER:
                if opened is not None:
                    _unclosed(template, name, number, text, opened)
                opened = (tok, m.start())
            elif opened is not None:
                if tok != _CLOSER[opened[0]]:
                    _unclosed(template, name, number, text, opened)
                opened = None
        if opened is not None:
            _unclosed(template, name, number, text, opened)


def _unclosed(template: Path, name: str, number: int, text: str, opened: tuple[str, int]) -> None:
    tok, start = opened
    snippet = text[start:start + 60]
    raise TemplateError(f"{template}: thẻ mẫu chưa đóng (unclosed template tag) trong {name}, đoạn {number}: "
                        f"'{snippet}'\n    cần (expected): '{_CLOSER[tok]}' trong cùng đoạn (in the same paragraph)")
