"""Open a .docx a user hands in, safely: sizes checked before inflating, one hardened XML parser.

A user's Word file is untrusted input. This module reads one without trusting it:

- the file's size is checked before it is read, and an OLE compound file (``D0 CF 11 E0``: a
  password-protected .docx or a Word 97-2003 .doc) is told apart from a zip;
- the zip's central directory gives each entry's inflated size *before* anything is inflated: too
  many entries, an entry larger than the per-part limit, or parts adding up past the total limit
  are refused (a zip bomb), and a read never returns more bytes than the directory declared;
- only the XML parts that are asked for are inflated (pictures are never read);
- every part is parsed by one configuration of lxml's parser: no entities resolved, no network, no
  DTD (a part with a DOCTYPE is refused), no ``huge_tree`` (lxml's own depth and size limits hold).

Every failure is a :class:`DocxReadError` (exit 2) with a Vietnamese message and English alongside.
"""

from __future__ import annotations

import io
import posixpath
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..core.errors import KhError
from .names import REL_OFFICE_DOCUMENT, q

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_MB = 1024 * 1024


class DocxReadError(KhError):
    """A Word file that cannot be read: not a .docx, encrypted, a zip bomb, broken XML (exit 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what reading one document may cost."""

    file_bytes: int = 200 * _MB      # the file on disk
    entries: int = 10_000            # zip entries
    part_bytes: int = 64 * _MB       # one inflated XML part
    total_bytes: int = 256 * _MB     # all inflated parts read from one file


DEFAULT_LIMITS = Limits()

_local = threading.local()


def parser() -> etree.XMLParser:
    """The hardened parser (one per thread: lxml parsers must not be shared between threads)."""
    p = getattr(_local, "parser", None)
    if p is None:
        p = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                            dtd_validation=False, remove_comments=True, remove_pis=True)
        _local.parser = p
    return p


def parse_xml(data: bytes, what: str) -> etree._Element:
    """Parse one part's bytes with the hardened parser; ``what`` names it in errors."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DocxReadError(f"{what}: có khai báo DTD/ENTITY, tệp Word không bao giờ có"
                            f" (refused: DTD in an OOXML part)")
    try:
        return etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        raise DocxReadError(f"{what}: XML hỏng, không đọc được (broken XML): {exc}") from None


@dataclass
class Rel:
    """One relationship of a part: its type (last path segment), target part name, external flag."""

    type: str
    target: str
    external: bool


@dataclass
class Package:
    """The parts of one .docx, read on demand within :class:`Limits`."""

    label: str
    zf: zipfile.ZipFile
    limits: Limits
    infos: dict[str, zipfile.ZipInfo]
    main: str = "word/document.xml"
    read_bytes: int = 0
    _rels: dict[str, dict[str, Rel]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        """The inflated bytes of ``name``, refused if larger than the limits allow."""
        info = self.infos.get(name)
        if info is None:
            raise DocxReadError(f"{self.label}: thiếu phần {name} (missing part {name})")
        if info.flag_bits & 0x1:
            raise DocxReadError(f"{self.label}: phần {name} được mã hóa bằng mật khẩu (encrypted zip entry)")
        size = info.file_size
        if size > self.limits.part_bytes or self.read_bytes + size > self.limits.total_bytes:
            raise DocxReadError(
                f"{self.label}: phần {name} giải nén ra {size / _MB:.0f} MB, quá giới hạn "
                f"{self.limits.part_bytes / _MB:.0f} MB một phần / {self.limits.total_bytes / _MB:.0f} MB tổng"
                f" (zip bomb or oversized part refused)")
        try:
            with self.zf.open(info) as fp:
                data = fp.read(size + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise DocxReadError(f"{self.label}: phần {name} hỏng, không giải nén được (corrupt zip entry): {exc}") \
                from None
        if len(data) > size:   # never more than the central directory declared
            raise DocxReadError(f"{self.label}: phần {name} dài hơn kích thước khai báo (zip entry size mismatch)")
        self.read_bytes += len(data)
        return data

    def xml(self, name: str) -> etree._Element:
        """The parsed root element of part ``name``."""
        return parse_xml(self.read(name), f"{self.label}: {name}")

    def rels(self, source: str) -> dict[str, Rel]:
        """Relationships of part ``source`` ("" for the package), by id; {} when it has none."""
        if source in self._rels:
            return self._rels[source]
        folder, base = posixpath.split(source)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
        out: dict[str, Rel] = {}
        if self.has(rels_name):
            root = self.xml(rels_name)
            for el in root.iter(q("pr:Relationship")):
                rid, target = el.get("Id"), el.get("Target") or ""
                if not rid:
                    continue
                external = (el.get("TargetMode") or "") == "External"
                if not external:
                    target = target.split("#")[0]
                    target = target[1:] if target.startswith("/") else posixpath.join(folder, target)
                    target = posixpath.normpath(target)
                out[rid] = Rel((el.get("Type") or "").rsplit("/", 1)[-1], target, external)
        self._rels[source] = out
        return out

    def related(self, source: str, rel_type: str) -> list[str]:
        """Internal targets of ``source``'s relationships of one type, present in the package."""
        return [r.target for r in self.rels(source).values()
                if r.type == rel_type and not r.external and self.has(r.target)]


def _ole_message(label: str, data: bytes) -> str:
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return (f"{label}: tệp Word có mật khẩu (được mã hóa); hãy mở bằng Word, gỡ mật khẩu (Tệp → Thông tin → "
                f"Bảo vệ tài liệu) rồi kiểm tra lại (password-protected / encrypted document)")
    return (f"{label}: đây là tệp Word 97-2003 (.doc) chứ không phải .docx; hãy đổi đuôi thành .doc hoặc lưu lại "
            f"thành .docx trong Word (an OLE compound file, i.e. a .doc, not a .docx)")


def open_docx(path: Path | str, limits: Limits = DEFAULT_LIMITS, data: bytes | None = None,
              label: str | None = None) -> Package:
    """Open a .docx from ``path`` (or from ``data``, then ``path`` only names it) within ``limits``."""
    path = Path(path)
    label = label or str(path)
    if data is None:
        try:
            if not path.is_file():
                what = "là một thư mục (is a folder)" if path.is_dir() else "không phải tệp thường (not a regular file)"
                if not path.exists():
                    what = "không tồn tại (no such file)"
                raise DocxReadError(f"{label}: {what}")
            size = path.stat().st_size
            if size > limits.file_bytes:
                raise DocxReadError(f"{label}: tệp {size / _MB:.0f} MB, quá giới hạn {limits.file_bytes / _MB:.0f} MB"
                                    f" (file too large)")
            data = path.read_bytes()
        except OSError as exc:
            raise DocxReadError(f"{label}: không đọc được tệp (cannot read): {exc.strerror or exc}") from None
    if len(data) > limits.file_bytes:
        raise DocxReadError(f"{label}: tệp quá lớn (file too large)")
    if data.startswith(OLE_MAGIC):
        raise DocxReadError(_ole_message(label, data))
    if not data:
        raise DocxReadError(f"{label}: tệp rỗng, không phải tệp Word (empty file, not a Word document)")
    if not data.startswith(ZIP_MAGIC):
        raise DocxReadError(f"{label}: không phải tệp Word .docx (not a Word .docx file: not a zip package)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infolist = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise DocxReadError(f"{label}: tệp .docx hỏng, không mở được gói zip (corrupt zip package): {exc}") from None
    if len(infolist) > limits.entries:
        raise DocxReadError(f"{label}: gói có {len(infolist)} phần, quá giới hạn {limits.entries} "
                            f"(too many zip entries)")
    infos = {info.filename: info for info in infolist}
    pkg = Package(label, zf, limits, infos)
    main = next((r.target for r in pkg.rels("").values() if r.type == REL_OFFICE_DOCUMENT and not r.external), None)
    if main is None or not pkg.has(main):
        main = "word/document.xml"
    if not pkg.has(main):
        if "content.xml" in infos:
            raise DocxReadError(f"{label}: đây là tệp OpenDocument (.odt) chứ không phải .docx "
                                f"(an OpenDocument file, not a .docx)")
        raise DocxReadError(f"{label}: không có phần nội dung chính word/document.xml, không phải tệp Word "
                            f"(no main document part: not a Word document)")
    pkg.main = main
    return pkg
