"""Every private part of a library that kh relies on, exercised: an upgrade that removes or changes
one fails here, loudly, naming the private part and kh's code that uses it.

pyproject.toml bounds these libraries below their next major (0.x: minor) release; raise a bound
only after this file passes with the new release (README: trying the newest releases).
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

HOW = ("kh relies on this private part: keep the library below this release in pyproject.toml "
       "(and constraints.txt), or adapt kh's code named here")


@contextlib.contextmanager
def private(what: str, where: str) -> Iterator[None]:
    """Any failure inside becomes one message naming the private part and kh's code that uses it."""
    try:
        yield
    except (Exception, pytest.fail.Exception) as exc:  # noqa: BLE001 - every way it can break
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        pytest.fail(f"{what} changed: see {where} — {type(exc).__name__}: {detail}\n{HOW}", pytrace=False)


# ------------------------------------------------------------------ python-docx
def test_python_docx_package_writer() -> None:
    """generator/ooxml/package.py writes a package through PackageWriter's private _write_* methods."""
    with private("python-docx's private PackageWriter._write_content_types_stream/_write_pkg_rels/"
                 "_write_parts", "generator/ooxml/package.py (package_bytes)"):
        import docx
        from docx.opc.pkgwriter import PackageWriter

        from generator.ooxml.package import normalise_zip, package_bytes

        document = docx.Document()
        document.add_paragraph("Kế hoạch")
        package = document.part.package
        written: list[tuple[str, bytes]] = []

        class Recorder:
            def write(self, pack_uri: object, blob: bytes) -> None:
                written.append((pack_uri.membername, blob))  # type: ignore[attr-defined]

        PackageWriter._write_content_types_stream(Recorder(), package.parts)
        PackageWriter._write_pkg_rels(Recorder(), package.rels)
        PackageWriter._write_parts(Recorder(), package.parts)
        names = [name for name, _ in written]
        assert names[:2] == ["[Content_Types].xml", "_rels/.rels"], names[:2]
        assert "word/document.xml" in names and "word/_rels/document.xml.rels" in names, names
        assert all(isinstance(blob, bytes) and blob for _, blob in written)
        # the shortcut gives exactly the bytes of python-docx's own save(), made reproducible
        saved = io.BytesIO()
        document.save(saved)
        assert package_bytes(document) == normalise_zip(saved.getvalue()), "not the bytes of Document.save()"


def test_python_docx_part_blob_and_opc_internals() -> None:
    """generator/writers/footnotes.py builds the footnotes part with python-docx's opc/oxml internals
    (XmlPart, PackURI, parse_xml, relate_to, next_partname) and rewrites a loaded one through Part._blob."""
    with private("python-docx's internal docx.opc/docx.oxml classes or private Part._blob",
                 "generator/writers/footnotes.py (_write_footnotes_part)"):
        import docx
        from docx.opc.constants import CONTENT_TYPE as CT
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part, XmlPart

        from generator.ooxml.package import package_bytes
        from generator.writers.footnotes import install_footnotes

        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, b"<old/>", None)
        part._blob = b"<new/>"
        assert part.blob == b"<new/>", "Part.blob no longer returns Part._blob"

        document = docx.Document()
        document.add_paragraph("Căn cứ")
        install_footnotes(document, [[("Ghi chú một", False, False)]])
        first = io.BytesIO()
        document.save(first)
        again = docx.Document(io.BytesIO(first.getvalue()))
        loaded = next(rel.target_part for rel in again.part.rels.values() if rel.reltype.endswith("/footnotes"))
        assert isinstance(loaded, XmlPart) or "_blob" in vars(loaded), type(loaded)
        install_footnotes(again, [[("Ghi chú hai", True, False)]])
        with zipfile.ZipFile(io.BytesIO(package_bytes(again))) as z:
            notes = z.read("word/footnotes.xml").decode("utf-8")
            rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
        assert "Ghi chú hai" in notes and "Ghi chú một" not in notes, "the loaded footnotes part was not rewritten"
        assert rels.count("relationships/footnotes") == 1


# ------------------------------------------------------------------ docxtpl
def _template(tmp_path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("{{ name }}")
    document.add_table(rows=1, cols=2).cell(0, 0).text = "{{ name }}"
    path = tmp_path / "mau.docx"
    document.save(str(path))
    return path


def test_docxtpl_fix_tables(tmp_path: Path) -> None:
    """generator/writers/docx_writer.py overrides DocxTemplate.fix_tables: render() must call it with the
    rendered body XML as text and put the tree it returns in the document."""
    with private("docxtpl's private DocxTemplate.fix_tables", "generator/writers/docx_writer.py (_strict_template)"):
        from docxtpl import DocxTemplate
        from lxml import etree

        from generator.writers.docx_writer import _strict_template

        seen: list[object] = []

        class Spy(_strict_template(DocxTemplate)):  # type: ignore[misc]
            def fix_tables(self, xml: str) -> object:
                seen.append(xml)
                tree = super().fix_tables(xml)
                tree.find(".//{*}t").text = "thay bởi fix_tables"   # the returned tree is the body
                return tree

        tpl = Spy(str(_template(tmp_path)))
        tpl.render({"name": "Hà Nội"})
        assert len(seen) == 1 and isinstance(seen[0], str), f"fix_tables called {len(seen)} times with {seen!r:.80}"
        assert "Hà Nội" in seen[0], "fix_tables did not get the rendered body"
        assert [p.text for p in tpl.docx.paragraphs] == ["thay bởi fix_tables"], "the tree fix_tables returns is unused"
        assert tpl.docx.tables[0].cell(0, 0).text == "Hà Nội"
        assert isinstance(DocxTemplate.fix_tables(tpl, seen[0]), etree._Element)


# ------------------------------------------------------------------ Jinja2
def test_jinja_parse_hook() -> None:
    """generator/core/sandbox.py refuses tags by overriding the private Environment._parse."""
    with private("Jinja's private Environment._parse (no longer called when compiling)",
                 "generator/core/sandbox.py (BoundedEnvironment._parse)"):
        from jinja2 import TemplateSyntaxError

        from generator.core.sandbox import make_env

        env = make_env(autoescape=False)
        for source, tag in (("{% macro m() %}x{% endmacro %}", "macro"), ("{% include 'x' %}", "include")):
            try:
                env.from_string(source)
            except TemplateSyntaxError as exc:
                assert f"'{tag}' không được phép" in exc.message, exc.message
            else:
                raise AssertionError(f"{source!r} compiled: the parse-time guard did not run")
        assert env.from_string("{{ 1 + 1 }}").render() == "2"


def test_jinja_parse_tree_rewriting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loops, ``~`` and literals are rewritten into calls of environment methods (nodes.Call over
    nodes.EnvironmentAttribute, jinja2.runtime.markup_join/str_join): Jinja's compiler internals."""
    with private("Jinja's compiler internals (nodes.EnvironmentAttribute, nodes.Call, NodeTransformer, "
                 "runtime.str_join/markup_join)", "generator/core/sandbox.py (_Guard, kh_loop, kh_concat, kh_value)"):
        from generator.core import sandbox

        env = sandbox.make_env(autoescape=False)
        assert env.from_string("{% for i in range(3) %}{{ i }}{% endfor %}").render() == "012"
        assert env.from_string("{{ 'a' ~ 1 ~ 'b' }}").render() == "a1b"
        assert sandbox.make_env(autoescape=True).from_string("{{ '<' ~ 'b' }}").render() == "&lt;b"
        monkeypatch.setattr(sandbox, "MAX_STEPS", 3)
        for source in ("{% for i in range(5) %}{% endfor %}", "{% for i in [1, 2, 3, 4] %}{% endfor %}"):
            try:
                env.from_string(source).render()
            except sandbox.LimitError:
                pass
            else:
                raise AssertionError(f"{source!r}: loop iterations no longer counted (kh_loop not called)")
        monkeypatch.setattr(sandbox, "MAX_STR", 5)
        for source in ("{{ 'abc' ~ 'def' }}", "{{ [1, 2, 3, 4, 5, 6] | length }}"):
            try:
                env.from_string(source).render()
            except sandbox.LimitError:
                pass
            else:
                raise AssertionError(f"{source!r}: not bounded (kh_concat / kh_value not called)")


def test_jinja_template_render_internals() -> None:
    """_BoundedTemplate.generate uses Template.root_render_func, new_context and
    Environment.handle_exception, which Jinja documents nowhere."""
    with private("Jinja's Template.root_render_func/new_context or Environment.handle_exception",
                 "generator/core/sandbox.py (_BoundedTemplate.generate)"):
        from jinja2 import UndefinedError

        from generator.core.sandbox import LimitError, make_env

        env = make_env(autoescape=False, max_output=10)
        assert env.from_string("{{ a }}-{{ b }}").render(a="x", b=2) == "x-2"
        assert "".join(env.from_string("{{ a }}").generate({"a": "y"})) == "y"
        try:
            env.from_string("{% for i in range(20) %}ab{% endfor %}").render()
        except LimitError:
            pass
        else:
            raise AssertionError("the output cap was not applied")
        try:
            env.from_string("{{ missing }}").render()
        except UndefinedError:
            pass
        else:
            raise AssertionError("an undefined name did not raise UndefinedError through handle_exception")


def test_jinja_wrap_str_format() -> None:
    """BoundedEnvironment overrides SandboxedEnvironment.wrap_str_format (undocumented) to refuse
    ``str.format`` outright; without it Jinja would hand templates a sandboxed ``format``."""
    with private("Jinja's SandboxedEnvironment.wrap_str_format", "generator/core/sandbox.py (wrap_str_format)"):
        from jinja2.exceptions import SecurityError
        from jinja2.sandbox import SandboxedEnvironment

        from generator.core.sandbox import make_env

        assert SandboxedEnvironment().from_string("{{ '{:>3}'.format(1) }}").render() == "  1", \
            "Jinja's own sandbox no longer routes str.format through wrap_str_format"
        for source in ("{{ '{:>999999999}'.format(1) }}", "{{ '{x}'.format_map({'x': 1}) }}"):
            try:
                make_env(autoescape=False).from_string(source).render()
            except SecurityError:
                pass
            else:
                raise AssertionError(f"{source!r} rendered: str.format is reachable")


# ------------------------------------------------------------------ ruamel.yaml
def test_ruamel_comment_tokens() -> None:
    """generator/yamlio/comment_slots.py moves comments with their keys by reading and writing the
    CommentToken slots of ``.ca.items`` (index 2 after a mapping value, 0 after a list item)."""
    with private("ruamel.yaml's comment internals (.ca.items slots, tokens.CommentToken, error.CommentMark)",
                 "generator/yamlio/comment_slots.py (tail_slot, get_token, set_token) and roundtrip.py (_reorder)"):
        from ruamel.yaml.error import CommentMark
        from ruamel.yaml.tokens import CommentToken

        from generator.yamlio.comment_slots import get_token, new_token, set_token, tail_slot
        from generator.yamlio.roundtrip import _reorder, dump, load_text

        mapping = load_text("a: 1  # one\nb: 2\n")
        token = mapping.ca.items["a"][2]
        assert isinstance(token, CommentToken) and token.value == "# one\n", mapping.ca.items
        seq = load_text("- x  # ex\n- y\n")
        assert isinstance(seq.ca.items[0][0], CommentToken) and seq.ca.items[0][0].value == "# ex\n", seq.ca.items
        mapping.ca.items["b"] = [None, None, CommentToken("  # two\n", CommentMark(0), None), None]
        lines = dump(mapping).splitlines()
        assert lines[0] == "a: 1  # one" and re.fullmatch(r"b: 2 +# two", lines[1]), lines
        assert get_token(tail_slot(mapping, "a")) is token
        nested = load_text("a:\n  - x\n  - y  # why\nb: 2\n")
        assert get_token(tail_slot(nested, "a")).value == "# why\n", "the last item's slot no longer holds it"
        set_token(tail_slot(nested, "b"), new_token("  # bee\n"))
        assert re.fullmatch(r"b: 2 +# bee", dump(nested).splitlines()[-1]), dump(nested)
        moved = load_text("# head\nz: 1  # zed\na: 2  # ay\n")
        _reorder(moved, ["a", "z"])
        assert dump(moved).splitlines()[-2:] == ["a: 2  # ay", "z: 1  # zed"], dump(moved)


def test_ruamel_flow_style_and_ordereddict() -> None:
    """roundtrip.py asks ``.fa.flow_style()`` and sets values with ``ruamel.yaml.compat.ordereddict``'s
    ``__setitem__`` (ruamel's own would keep the old value's quotes on a new plain string)."""
    with private("ruamel.yaml's .fa.flow_style() or compat.ordereddict",
                 "generator/yamlio/roundtrip.py (set_value) and comment_slots.py (tail_slot)"):
        from ruamel.yaml.comments import CommentedMap
        from ruamel.yaml.compat import ordereddict

        from generator.yamlio.roundtrip import dump, load_text, set_value

        data = load_text("a: [1, 2]\nb:\n  - 1\n")
        assert data["a"].fa.flow_style() is True and data["b"].fa.flow_style() is False
        assert issubclass(CommentedMap, ordereddict)
        quoted = load_text("a: 'old'\n")
        ordereddict.__setitem__(quoted, "a", "new")
        assert dump(quoted) == "a: new\n", dump(quoted)
        quoted = load_text("a: 'old'\n")
        set_value(quoted, "a", "new")
        assert dump(quoted) == "a: new\n", dump(quoted)


def test_ruamel_set_block_style_and_positions() -> None:
    """comment_slots.make_block turns a flow list into a block one with ``.fa.set_block_style()``;
    comment_slots.position and roundtrip.line_of/value_line read ``.lc.key``/``.lc.item``/``.lc.value``."""
    with private("ruamel.yaml's .fa.set_block_style() or .lc.key/.lc.item/.lc.value",
                 "generator/yamlio/comment_slots.py (make_block, position) and roundtrip.py (line_of, value_line)"):
        from generator.yamlio.comment_slots import make_block, position
        from generator.yamlio.roundtrip import dump, line_of, load_text, value_line

        data = load_text("a: [x, y]  # sau\nb: 1\n")
        make_block([(data, "a")], data["a"])
        assert data["a"].fa.flow_style() is False, "set_block_style() did not make the list block"
        lines = dump(data).splitlines()
        assert lines[:2] == ["a:", "  - x"] and re.fullmatch(r"  - y +# sau", lines[2]), lines
        data = load_text("a:\n  - x\n  - y\nb: >-\n  chữ\n")
        assert position(data, "b") == (3, 0) and position(data["a"], 1) == (2, 4), \
            (position(data, "b"), position(data["a"], 1))
        assert line_of(data, "b") == 4 and line_of(data["a"], 1) == 3 and value_line(data, "b") == 5


def test_ruamel_emitter_overrides() -> None:
    """generator/yamlio/comment_emitter.py overrides RoundTripEmitter.write_pre_comment,
    write_post_comment, expect_block_mapping_key and expect_block_sequence_item, and reads and resets
    its ``no_newline`` ("directly after '- '") and ``indent`` attributes; its Header answers the
    ``ct.reset()`` ruamel's list representer calls on every "before" comment of an item."""
    with private("ruamel.yaml's RoundTripEmitter hooks, its no_newline/indent attributes or the representer's"
                 " ct.reset()", "generator/yamlio/comment_emitter.py (Emitter, Header)"):
        import inspect

        from ruamel.yaml.emitter import RoundTripEmitter

        from generator.yamlio import roundtrip
        from generator.yamlio.comment_emitter import Emitter

        for name in ("write_pre_comment", "write_post_comment", "expect_block_mapping_key",
                     "expect_block_sequence_item"):
            ours, theirs = getattr(Emitter, name), getattr(RoundTripEmitter, name)
            assert ours is not theirs and list(inspect.signature(ours).parameters) == \
                list(inspect.signature(theirs).parameters), f"RoundTripEmitter.{name} changed"
        # no_newline: "the next indent writes no line break" (and is then cleared); indent: the column
        buf = io.StringIO()
        emitter = Emitter(buf)
        assert hasattr(emitter, "no_newline") and hasattr(emitter, "indent"), "attributes renamed"
        emitter.column, emitter.indent, emitter.indention, emitter.no_newline = 5, 2, False, True
        emitter.write_indent()
        assert buf.getvalue() == "" and emitter.no_newline is False, (buf.getvalue(), emitter.no_newline)
        emitter.column = 5
        emitter.write_indent()
        assert buf.getvalue() == "\n  ", f"indent no longer the column written to: {buf.getvalue()!r}"
        seen: list[object] = []

        class Spy(Emitter):
            def write_post_comment(self, event: object) -> bool:
                seen.append(self.indent)
                return super().write_post_comment(event)

        saved = roundtrip.Emitter
        roundtrip.Emitter = Spy
        try:
            text = "a:\n  - k: 1  # ka\n    l: 2\nb: >-\n  chữ\n# sau khối\nc: 1\n"
            out = roundtrip.dump(roundtrip.load_text(text))
        finally:
            roundtrip.Emitter = saved
        assert out == text, out
        assert seen and all(isinstance(i, int) for i in seen), f"write_post_comment not called, or indent: {seen}"
        # a block scalar's header comment in a list: the Header string must pass write_pre_comment and reset()
        text = "sections:\n  - bullets:\n      - |  # đầu khối\n        a\n        b\n      - x\n    title: T\n"
        out = roundtrip.format_text(text, "plan", "p.yaml")
        assert "- |  # đầu khối" in out, out


# ------------------------------------------------------------------ openpyxl
def test_openpyxl_base_font_and_writer() -> None:
    """generator/writers/tasks_xlsx.py replaces the workbook's private font list and Normal style, and
    writes the package through ExcelWriter.write_data into its own zip (no timestamped save)."""
    with private("openpyxl's private Workbook._fonts/_named_styles, IndexedList, ExcelWriter.write_data",
                 "generator/writers/tasks_xlsx.py (_base_font, _save)"):
        from openpyxl import Workbook, load_workbook

        from generator.writers.tasks_xlsx import _base_font, _save

        wb = Workbook()
        _base_font(wb)
        wb.active["A1"] = "Kế hoạch"
        data = _save(wb)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            styles = z.read("xl/styles.xml").decode("utf-8")
            names = z.namelist()
        assert "xl/workbook.xml" in names and "xl/worksheets/sheet1.xml" in names, names
        first_font = re.search(r"<font>(.*?)</font>", styles, re.S)
        assert first_font and 'val="Times New Roman"' in first_font.group(1), styles[:400]
        back = load_workbook(io.BytesIO(data))
        assert back.active["A1"].value == "Kế hoạch"
        assert data == _save(wb), "two writes of one workbook differ"


# ------------------------------------------------------------------ the bounds themselves
#: Libraries whose private parts kh uses (each tested above) → pyproject name.
BOUNDED = {"jinja2", "docxtpl", "python-docx", "ruamel.yaml", "openpyxl"}


def test_every_bounded_library_is_tested_here_and_installed_within_its_bound() -> None:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    from packaging.requirements import Requirement

    with open(ROOT / "pyproject.toml", "rb") as fh:
        deps = [Requirement(d) for d in tomllib.load(fh)["project"]["dependencies"]]
    bounded = {r.name for r in deps if any(s.operator in ("<", "<=", "==", "~=") for s in r.specifier)}
    assert bounded == BOUNDED, (f"pyproject.toml bounds {sorted(bounded)}, this file tests {sorted(BOUNDED)}: "
                                "a new upper bound needs its private-use test here (and the reverse)")
    for req in deps:
        if req.name in BOUNDED:
            version = metadata.version(req.name)
            assert req.specifier.contains(version, prereleases=True), \
                f"{req.name} {version} is installed, outside pyproject.toml's {req.specifier}: run this file"
