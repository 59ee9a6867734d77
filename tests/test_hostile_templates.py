"""Hostile .docx templates: sandbox escapes, runaway expressions, broken or malicious packages.

Templates are shared between offices (``template:`` in a plan or a profile, ``--template``), so
each case must end in a clear TemplateError naming the template (exit 3), never in code running,
a file being read, a hang, or a silently wrong document (issue 11 "Templates and paths",
issue 12 items 1, 11 and 18).
"""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from generator.core.errors import TemplateError
from generator.core.sandbox import LimitError, make_env
from generator.readers.yaml_reader import read_plan
from generator.writers import template_check
from generator.writers.docx_writer import DEFAULT_TEMPLATE, render_docx

from .conftest import run_kh


def _package(tmp_path: Path, name: str = "mau.docx", *, replace: dict[str, bytes] | None = None,
             edit: tuple[str, str] | None = None, extra: dict[str, bytes] | None = None) -> Path:
    """A copy of the built-in template with parts replaced, ``{{ doc_type }}`` edited, or parts added."""
    out = tmp_path / name
    with zipfile.ZipFile(DEFAULT_TEMPLATE) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if replace and item.filename in replace:
                data = replace[item.filename]
            elif edit and item.filename == "word/document.xml":
                text = data.decode()
                assert edit[0] in text
                data = text.replace(edit[0], edit[1], 1).encode()
            dst.writestr(item, data)
        for part, data in (extra or {}).items():
            dst.writestr(part, data)
    return out


def _render_error(project: Path, template: Path) -> str:
    with pytest.raises(TemplateError) as info:
        render_docx(read_plan(project / "plan.yaml"), template)
    message = str(info.value)
    assert str(template) in message, message
    return message


# ------------------------------------------------------------------ sandbox escapes and bombs
ESCAPES = {
    "cycler-globals-os": "{{ cycler.__init__.__globals__.os.system('touch MARK') }}",
    "joiner-globals": "{{ joiner.__init__.__globals__ }}",
    "namespace-globals": "{{ namespace.__init__.__globals__['os'] }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].system('touch MARK') }}",
    "class-mro-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "self-globals": "{{ self.__init__.__globals__ }}",
    "dict-class": "{{ rules.__class__.__base__.__subclasses__() }}",
    "getattr-filter": "{{ (rules|attr('__class__')).__mro__ }}",
    "format-escape": "{{ '{0.__class__.__mro__}'.format(rules) }}",
    "include-local-file": "{% include '/etc/passwd' %}",
    "import-local-file": "{% import '/etc/passwd' as p %}",
    "extends": "{% extends '/etc/hostname' %}",
    "macro": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "huge-repeat": "{{ 'a' * 10**9 }}",
    "huge-list-repeat": "{{ [1] * 10**9 }}",
    "huge-power": "{{ 9**(9**9) }}",
    "huge-range": "{{ range(10**9)|list }}",
    "nested-loops": "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}",
    "printf-width": "{{ '%999999999s' % 'a' }}",
    "center": "{{ 'a'|center(10**9) }}",
    "wordwrap": "{{ 'a'|wordwrap(10**9) }}",
    "wordwrap-separator": "{{ ('a ' * 100000)|wordwrap(1, True, 'x' * 1000) }}",
    "indent-amplifier": "{{ ('a\\n' * 100000)|indent(1000, true) }}",
    "replace-amplifier": "{{ ('a' * 1000000)|replace('a', 'bbbbbbbbbb') }}",
    "lipsum-huge": "{{ lipsum(1000000) }}",
    "random": "{{ [1, 2]|random }}",
    "concat-doubling": "{% for i in range(40) %}{{ ('a' * 100000) ~ ('b' * 1999999) }}{% endfor %}",
}


@pytest.mark.parametrize("payload", list(ESCAPES.values()), ids=list(ESCAPES))
def test_template_escape_or_bomb_is_refused(project: Path, tmp_path: Path, payload: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    tpl = _package(tmp_path, edit=("{{ doc_type }}", payload))
    message = _render_error(project, tpl)
    refused = ("an toàn", "không được phép", "chưa định nghĩa", "No filter named 'random'")
    assert any(word in message for word in refused), message       # the sandbox said no, not a crash
    assert not (tmp_path / "MARK").exists()
    assert "root:" not in message          # nothing read from /etc/passwd


def test_escape_through_the_cli_exits_3_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    mark = tmp_path / "MARK"
    payload = f"{{{{ cycler.__init__.__globals__.os.system('touch {mark}') }}}}"
    tpl = _package(tmp_path, edit=("{{ doc_type }}", payload))
    out = tmp_path / "out.docx"
    proc = run_kh("build", str(project / "plan.yaml"), "--template", str(tpl), "-o", str(out))
    assert proc.returncode == 3, proc.stderr
    assert str(tpl) in proc.stderr and ("an toàn" in proc.stderr or "chưa định nghĩa" in proc.stderr)
    assert not out.exists() and not mark.exists()
    assert "Traceback" not in proc.stderr


def test_template_from_a_profile_is_sandboxed_too(project: Path, tmp_path: Path) -> None:
    """A `template:` line in a shared organisation profile is as hostile as --template."""
    _package(project / "orgs", "mau.docx", edit=("{{ doc_type }}", "{{ ''.__class__.__mro__[1].__subclasses__() }}"))
    org = project / "orgs" / "q3.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "template: mau.docx\n", encoding="utf-8")
    proc = run_kh("build", str(project / "plan.yaml"), "-o", str(tmp_path / "y.docx"))
    assert proc.returncode == 3 and "mau.docx" in proc.stderr and "__class__" in proc.stderr
    assert not (tmp_path / "y.docx").exists()


def test_sandbox_keeps_ordinary_templates_working() -> None:
    env = make_env(autoescape=True)
    out = env.from_string("{% for x in items %}{{ loop.index }}.{{ x|upper }}{% if not loop.last %}, {% endif %}"
                          "{% endfor %} {{ 'a' ~ n }} {{ d.k }} {{ rows[1:]|join('/') }} {{ '<&>' }}").render(
        items=["a", "b"], n=3, d={"k": "v"}, rows=["x", "y", "z"])
    assert out == "1.A, 2.B a3 v y/z &lt;&amp;&gt;"


def test_sandbox_limits_raise_limit_error_and_have_no_clock_or_randomness() -> None:
    env = make_env(autoescape=False)
    with pytest.raises(LimitError):
        env.from_string("{{ 'ab' * 5000000 }}").render()
    for name in ("cycler", "joiner", "namespace", "lipsum", "now", "date"):
        assert name not in env.globals
    assert "random" not in env.filters
    with pytest.raises(Exception, match="unsafe"):
        env.from_string("{{ d.today() }}").render(d=__import__("datetime").date(2025, 1, 1))


# ------------------------------------------------------------------ broken or malicious packages
def test_not_a_docx_variants(project: Path, tmp_path: Path) -> None:
    cases = {
        "text.docx": b"not a zip at all",
        "empty.docx": b"",
        "png.docx": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        assert "docx" in _render_error(project, tmp_path / name)
    no_doc = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(no_doc, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    assert "word/document.xml" in _render_error(project, no_doc)


def test_zip_bomb_ratio_is_refused(project: Path, tmp_path: Path) -> None:
    bomb = _package(tmp_path, extra={"word/media/bomb.bin": b"\0" * (20 * 1024 * 1024)})
    assert zipfile.ZipFile(bomb).getinfo("word/media/bomb.bin").compress_size < 100_000
    assert "bomb" in _render_error(project, bomb)


def test_zip_bomb_total_size_is_refused(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_check, "MAX_UNPACKED_BYTES", 100_000)
    monkeypatch.setattr(template_check, "_PASSED", set())      # no memory of earlier passes
    assert "bomb" in _render_error(project, _package(tmp_path))


XXE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
       b'<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>')
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            b'<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "[Content_Types].xml"])
def test_external_entity_is_refused_and_never_resolved(project: Path, tmp_path: Path, part: str) -> None:
    message = _render_error(project, _package(tmp_path, replace={part: XXE}))
    assert "XXE" in message and "root:" not in message


def test_entity_bomb_is_refused(project: Path, tmp_path: Path) -> None:
    assert "entity" in _render_error(project, _package(tmp_path, replace={"word/document.xml": LAUGHS}))


def test_lxml_parsers_in_use_do_not_resolve_entities() -> None:
    """Even past the DTD check, python-docx's parser keeps &xxe; unresolved (defence in depth)."""
    from docx.oxml.parser import parse_xml

    element = parse_xml(XXE)
    assert "root:" not in "".join(element.itertext())


def test_malformed_xml_names_part_and_line(project: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(DEFAULT_TEMPLATE) as z:
        doc = z.read("word/document.xml")
    message = _render_error(project, _package(tmp_path, replace={"word/document.xml": doc[: len(doc) // 2]}))
    assert "word/document.xml" in message and "XML" in message
    message = _render_error(project, _package(tmp_path, "h.docx", replace={"word/header1.xml": b"<w:hdr"}))
    assert "word/header1.xml" in message


@pytest.mark.parametrize("typo", ["{{ doc_type ", "{{ doc_type }", "{%p if attached_line ", "{{ doc_type %}"])
def test_tag_typo_names_template_and_tag(project: Path, tmp_path: Path, typo: str) -> None:
    """Issue 12 item 18: an unclosed tag used to swallow the title and subject silently."""
    message = _render_error(project, _package(tmp_path, edit=("{{ doc_type }}", typo)))
    assert "doc_type" in message or "attached_line" in message
    assert "chưa đóng" in message


def test_template_that_is_a_fifo_is_refused_without_blocking(project: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "mau.docx"
    os.mkfifo(fifo)
    assert "tệp thường" in _render_error(project, fifo)


def test_template_path_with_nul_is_an_error(project: Path) -> None:
    with pytest.raises(TemplateError, match="NUL"):
        render_docx(read_plan(project / "plan.yaml"), Path("mau\x00.docx"))


def test_builtin_templates_pass_the_checks() -> None:
    for name in ("kehoach.docx", "quyetdinh.docx"):
        template_check.check_template(DEFAULT_TEMPLATE.with_name(name))
    data = io.BytesIO(DEFAULT_TEMPLATE.read_bytes())
    assert zipfile.is_zipfile(data)


# ------------------------------------------------------------------ files from outside the plans folder
def _add_line(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


@pytest.fixture
def outside(tmp_path: Path, project: Path) -> Path:
    """A folder beside the project (``project`` is tmp_path itself) holding a valid template and a profile."""
    other = tmp_path.parent / f"{tmp_path.name}-outside"
    other.mkdir()
    _package(other, "mau.docx")
    (other / "q3.yaml").write_text((project / "orgs" / "q3.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return other


def _refused(proc: subprocess.CompletedProcess[str], field: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "ngoài thư mục kế hoạch" in proc.stderr and "--allow-outside" in proc.stderr
    assert f"{field}:" in proc.stderr or f": {field}" in proc.stderr, proc.stderr


def test_plan_template_outside_the_plans_folder_is_refused_unless_allowed(project: Path, outside: Path,
                                                                          tmp_path: Path) -> None:
    plan = project / "plan.yaml"
    out = tmp_path / "x.docx"
    for ref in ("../" + outside.name + "/mau.docx", str(outside / "mau.docx")):
        plan.write_text(plan.read_text(encoding="utf-8").split("template:")[0].rstrip("\n") + "\n"
                        + f"template: {ref}\n", encoding="utf-8")
        _refused(run_kh("build", str(plan), "-o", str(out)), "template")
        assert not out.exists()
    proc = run_kh("--allow-outside", "build", str(plan), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert run_kh("check", str(plan)).returncode == 2          # check agrees with build


def test_template_symlink_leading_outside_is_refused(project: Path, outside: Path, tmp_path: Path) -> None:
    (project / "mau.docx").symlink_to(outside / "mau.docx")
    _add_line(project / "plan.yaml", "template: mau.docx")
    _refused(run_kh("build", str(project / "plan.yaml"), "-o", str(tmp_path / "x.docx")), "template")


def test_profile_template_outside_is_refused(project: Path, outside: Path, tmp_path: Path) -> None:
    _add_line(project / "orgs" / "q3.yaml", f"template: {outside / 'mau.docx'}")
    proc = run_kh("build", str(project / "plan.yaml"), "-o", str(tmp_path / "x.docx"))
    _refused(proc, "template")
    assert "q3.yaml" in proc.stderr


def test_profile_outside_is_refused_unless_allowed(project: Path, outside: Path, tmp_path: Path) -> None:
    plan = project / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("org: q3", f"org: ../../{outside.name}/q3"),
                    encoding="utf-8")
    _refused(run_kh("build", str(plan), "-o", str(tmp_path / "x.docx")), "org")
    link = project / "orgs" / "q4.yaml"
    link.symlink_to(outside / "q3.yaml")
    plan.write_text(plan.read_text(encoding="utf-8").replace(f"org: ../../{outside.name}/q3", "org: q4"),
                    encoding="utf-8")
    _refused(run_kh("build", str(plan), "-o", str(tmp_path / "x.docx")), "org")
    assert run_kh("--allow-outside", "build", str(plan), "-o", str(tmp_path / "x.docx")).returncode == 0


def test_templates_inside_the_plans_folder_and_explicit_template_option_work(project: Path, outside: Path,
                                                                              tmp_path: Path) -> None:
    _package(project, "mau.docx")
    _add_line(project / "plan.yaml", "template: mau.docx")
    assert run_kh("build", str(project / "plan.yaml"), "-o", str(tmp_path / "a.docx")).returncode == 0
    proc = run_kh("build", str(project / "plan.yaml"), "--template", str(outside / "mau.docx"),
                  "-o", str(tmp_path / "b.docx"))
    assert proc.returncode == 0, proc.stderr


def test_entity_bomb_through_the_cli_exits_3(project: Path, tmp_path: Path) -> None:
    """Issue 12 item 11: a template whose XML is an entity bomb was a traceback with exit 1."""
    tpl = _package(tmp_path, replace={"word/document.xml": LAUGHS})
    proc = run_kh("build", str(project / "plan.yaml"), "--template", str(tpl), "-o", str(tmp_path / "x.docx"))
    assert proc.returncode == 3 and str(tpl) in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.docx").exists()


def test_default_lxml_parser_never_resolves_external_entities(tmp_path: Path) -> None:
    """Every XML parse in kh (readers of user .docx files included) relies on lxml >= 5 defaults."""
    from lxml import etree

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><r>&x;</r>'.encode()
    try:
        text = "".join(etree.fromstring(xml).itertext())
    except etree.XMLSyntaxError:
        text = ""
    assert "TOP-SECRET" not in text


def test_shared_structures_that_would_print_as_gigabytes_are_refused() -> None:
    """`[a, a]` repeated doubles what `{{ a }}` prints; sizes count every place a value appears."""
    env = make_env(autoescape=False)
    doubling = "{% set a = ['x' * 1000] %}" + "{% set a = [a, a] %}" * 40 + "{{ a }}"
    with pytest.raises(LimitError):
        env.from_string(doubling).render()
    with pytest.raises(LimitError):
        env.from_string("{{ ([[1] * 1000000] * 1000000)|length }}").render()
    assert env.from_string("{% set a = [1, 2] %}{{ [a, a]|length }} {{ {'k': a}.k }}").render() == "2 [1, 2]"


def test_orgs_folder_symlinked_outside_is_refused(project: Path, outside: Path, tmp_path: Path) -> None:
    """A shared repository cannot point its whole orgs/ folder somewhere else behind the user's back."""
    import shutil

    shutil.rmtree(project / "orgs")
    (project / "orgs").symlink_to(outside)
    _refused(run_kh("build", str(project / "plan.yaml"), "-o", str(tmp_path / "x.docx")), "org")
    assert run_kh("--allow-outside", "build", str(project / "plan.yaml"), "-o", str(tmp_path / "x.docx")
                  ).returncode == 0


def test_plan_in_a_subfolder_uses_the_shared_orgs_and_templates(project: Path, tmp_path: Path) -> None:
    """plans/2025/x.yaml with plans/orgs/ (the ../orgs layout): the plans folder is the parent."""
    sub = project / "2025"
    sub.mkdir()
    (project / "plan.yaml").rename(sub / "plan.yaml")
    _package(project, "mau.docx")
    _add_line(sub / "plan.yaml", "template: ../mau.docx")
    proc = run_kh("build", str(sub / "plan.yaml"), "-o", str(tmp_path / "x.docx"))
    assert proc.returncode == 0, proc.stderr
