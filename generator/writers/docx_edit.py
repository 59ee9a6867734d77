"""Edit a user's Word package: the parts kh changes re-serialised, every other part copied byte for byte.

:func:`open_edit` reads a .docx with the hardened reader (:mod:`generator.ooxml.safe_open`) and the
ND30 facts (:func:`generator.nd30.facts.read_facts`), whose paragraphs point into parsed part trees.
A writer changes those trees (``touch`` marks a part changed), adds parts with their relationship and
content type, and :meth:`DocxEdit.to_bytes` packs the result reproducibly: parts in the original
order, new ones after, fixed zip timestamps (:func:`generator.ooxml.package.normalise_zip`).

Properties are inserted where the schema wants them (``w:pPr``, ``w:rPr``, ``w:sectPr`` children
have a fixed order, ECMA-376 Part 1 §17.3.1.26, §17.3.2.28, §17.6.17), so the result stays valid.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..nd30.facts import Facts, read_facts
from ..ooxml.names import NS, q, w
from ..ooxml.package import normalise_zip
from ..ooxml.safe_open import DEFAULT_LIMITS, Limits, Package, open_docx

CT = "[Content_Types].xml"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

#: Children of ``w:pPr`` in schema order (CT_PPr).
PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
             "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
             "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
             "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange").split()
#: Children of ``w:rPr`` in schema order (CT_ParaRPr: the paragraph mark's starts with ins/del/move).
RPR_ORDER = ("ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow "
             "emboss imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
             "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath rPrChange").split()
#: Children of ``w:sectPr`` in schema order (header and footer references come first, in any order).
SECT_ORDER = ("headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
              "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid "
              "printerSettings sectPrChange").split()
_RANK = {name: {w(tag): i for i, tag in enumerate(order)} for name, order in
         (("pPr", PPR_ORDER), ("rPr", RPR_ORDER), ("sectPr", SECT_ORDER))}
_RANK["sectPr"][w("footerReference")] = _RANK["sectPr"][w("headerReference")]


def child(parent: Any, local: str, kind: str | None = None) -> Any:
    """The ``w:<local>`` child of ``parent`` (a pPr, rPr or sectPr), created at its schema place if absent."""
    tag = w(local)
    found = parent.find(tag)
    if found is not None:
        return found
    rank = _RANK[kind or etree.QName(parent).localname]
    mine = rank[tag]
    el = etree.Element(tag)
    for i, c in enumerate(parent):
        if rank.get(c.tag, len(rank) + 1) > mine:   # unknown (extension) children stay last
            parent.insert(i, el)
            return el
    parent.append(el)
    return el


def first_child(parent: Any, local: str) -> Any:
    """``w:pPr`` of a paragraph or ``w:rPr`` of a run: always its first child, created if absent."""
    tag = w(local)
    if len(parent) and parent[0].tag == tag:
        return parent[0]
    found = parent.find(tag)
    if found is not None:
        return found
    el = etree.Element(tag)
    parent.insert(0, el)
    return el


def set_attrs(el: Any, **attrs: str | None) -> None:
    """Set (or, with None, remove) ``w:`` attributes of ``el``."""
    for name, value in attrs.items():
        if value is None:
            el.attrib.pop(w(name), None)
        else:
            el.set(w(name), value)


def serialise(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass
class DocxEdit:
    """One package being edited: its facts (with the part trees) and what changed."""

    pkg: Package
    facts: Facts
    changed: set[str] = field(default_factory=set)
    added: dict[str, Any] = field(default_factory=dict)          # new part name → root (or bytes)
    overrides: dict[str, str] = field(default_factory=dict)      # new part name → content type

    def tree(self, name: str) -> Any:
        """The parsed root of part ``name`` (the facts' own tree when they read it)."""
        if name in self.added:
            return self.added[name]
        tree = self.facts.trees.get(name)
        if tree is None:
            tree = self.facts.trees[name] = self.pkg.xml(name)
        return tree

    def touch(self, name: str) -> None:
        """Mark part ``name`` changed: it is written from its tree."""
        if name not in self.added:
            self.changed.add(name)

    def has(self, name: str) -> bool:
        return name in self.added or self.pkg.has(name)

    def rels_name(self, source: str) -> str:
        folder, base = posixpath.split(source)
        return posixpath.join(folder, "_rels", f"{base}.rels")

    def rels_tree(self, source: str) -> Any:
        """The relationships part of ``source`` as a tree (a new, empty one if it has none)."""
        name = self.rels_name(source)
        if self.has(name):
            return self.tree(name)
        root = etree.Element(f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})
        self.added[name] = root
        return root

    def relate(self, source: str, target: str, rel_type: str) -> str:
        """Add a relationship of ``rel_type`` (last path segment) from ``source`` to part ``target``;
        its new id."""
        root = self.rels_tree(source)
        ids = {el.get("Id") for el in root}
        n = 1
        while f"rIdKh{n}" in ids:
            n += 1
        rid = f"rIdKh{n}"
        el = etree.SubElement(root, f"{{{REL_NS}}}Relationship")
        el.set("Id", rid)
        el.set("Type", REL_BASE + rel_type)
        el.set("Target", posixpath.relpath(target, posixpath.dirname(source) or "."))
        self.touch(self.rels_name(source))
        return rid

    def new_name(self, pattern: str) -> str:
        """The first free part name of ``pattern`` ("word/header{}.xml")."""
        n = 1
        while self.has(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def add_part(self, name: str, root: Any, content_type: str) -> None:
        self.added[name] = root
        self.overrides[name] = content_type

    def to_bytes(self) -> bytes:
        """The edited package, reproducibly zipped."""
        if self.overrides:
            ct = self.tree(CT)
            for name, ctype in self.overrides.items():
                el = etree.SubElement(ct, f"{{{CT_NS}}}Override")
                el.set("PartName", "/" + name)
                el.set("ContentType", ctype)
            self.touch(CT)
        out = io.BytesIO()
        seen: set[str] = set()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
            for info in self.pkg.zf.infolist():
                name = info.filename
                if name in seen or name.endswith("/"):
                    continue
                seen.add(name)
                zf.writestr(name, serialise(self.tree(name)) if name in self.changed else self.pkg.read(name))
            for name, root in self.added.items():
                zf.writestr(name, root if isinstance(root, bytes) else serialise(root))
        return normalise_zip(out.getvalue())


def open_edit(path: Path, data: bytes | None = None, label: str | None = None,
              limits: Limits = DEFAULT_LIMITS) -> DocxEdit:
    """Open a .docx for editing (``data``: its bytes when already in memory, e.g. converted)."""
    pkg = open_docx(path, limits, data=data, label=label)
    return DocxEdit(pkg, read_facts(pkg))


def wel(local: str, *children: Any, root: bool = False, **attrs: str) -> Any:
    """A new ``w:<local>`` element with ``w:`` attributes and ``children`` (``root``: it declares ``w:``,
    for the root of a new part; elements put into an existing tree use the tree's declaration)."""
    el = etree.Element(w(local), nsmap={"w": NS["w"], "r": NS["r"]} if root else None)
    set_attrs(el, **attrs)
    for c in children:
        el.append(c)
    return el


def text_el(text: str) -> Any:
    """``<w:t xml:space="preserve">text</w:t>``."""
    t = wel("t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return t


__all__ = ["DocxEdit", "child", "first_child", "open_edit", "q", "serialise", "set_attrs", "text_el", "wel"]
