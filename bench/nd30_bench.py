"""kh's own ND30 check against ../shared/nd30/nd30check.py: speed (seconds per page) and verdicts.

Run from the project root (a few minutes; LibreOffice counts the pages of kh's own outputs):

    .venv/bin/python bench/nd30_bench.py [--runs N] [--out bench/ND30_SPEED.md] [--agreement]

Files: the five example plans built by ``kh build`` into a temporary folder, the 14 Word files of
../shared/wild, and one long document (the quan3 plan with its content repeated, ~400 pages).

Speed, both ways, median of ``--runs``:
- a fresh process per file: ``python -m generator check FILE`` vs ``python nd30check.py FILE``;
- in one process, files already on disk: ``generator.nd30.check.check_path`` vs the shared checker's
  ``Checker(FILE).run()`` (module imported once).
Pages are counted by LibreOffice (PDF page count) when it is installed, else read from the file's
docProps/app.xml. Writes ``--out`` (default bench/ND30_SPEED.md) and prints it.

``--agreement`` prints instead the verdict of each checker for every rule and file (the table of
bench/ND30_AGREEMENT.md): ``=`` same verdict, ``kh`` only kh finds something, ``nd30`` only the shared
checker does.

``--copies`` times instead ``kh check FILE --annotate OUT.docx`` and ``--fix OUT.docx`` on the wild files
(and the long document): seconds per file and per page, in one process (check alone, annotate, fix) and
as commands; with the findings before and after the fix, what was changed and what is left for a person.
Writes ``--out`` (default then bench/ND30_FIX.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.nd30.check import check_path  # noqa: E402
from generator.nd30.rules import RULES  # noqa: E402

SHARED = ROOT.parent / "shared"
CHECKER = SHARED / "nd30" / "nd30check.py"
WILD = SHARED / "wild"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable


def progress(message: str) -> None:
    print(f"[nd30-bench] {message}", file=sys.stderr, flush=True)


def build_examples(out: Path) -> list[Path]:
    plans = sorted((ROOT / "plans").glob("*.yaml"))
    proc = subprocess.run([PYTHON, "-m", "generator", "build", *map(str, plans), "--outdir", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(proc.stderr)
    return [out / f"{p.stem}.docx" for p in plans]


def long_document(src: Path, dst: Path, copies: int) -> Path:
    """``src`` (a kh output) with the content between the title block and the closing repeated."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(src) as z:
        blobs = {n: z.read(n) for n in z.namelist()}
    root = etree.fromstring(blobs["word/document.xml"])
    body = root.find(f"{w}body")
    kids = list(body)
    first = next(i for i, k in enumerate(kids) if "".join(k.itertext()).startswith("I. "))
    closing = next(i for i in range(first, len(kids)) if kids[i].tag == f"{w}tbl")
    chunk = [etree.tostring(k) for k in kids[first:closing]]
    at = closing
    for _ in range(copies - 1):
        for blob in chunk:
            body.insert(at, etree.fromstring(blob))
            at += 1
    blobs["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in blobs.items():
            z.writestr(name, blob)
    return dst


def page_counts(files: list[Path], tmp: Path) -> dict[Path, int | None]:
    """Pages of each file: LibreOffice's PDF when it is installed, else docProps/app.xml."""
    out: dict[Path, int | None] = {}
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdfinfo = shutil.which("pdfinfo")
    if soffice and pdfinfo:
        pdfdir = tmp / "pdf"
        subprocess.run([soffice, f"-env:UserInstallation={(tmp / 'lo').as_uri()}", "--headless", "--convert-to",
                        "pdf", "--outdir", str(pdfdir), *map(str, files)], capture_output=True, timeout=1800)
        for f in files:
            pdf = pdfdir / f"{f.stem}.pdf"
            if pdf.is_file():
                info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True).stdout
                m = re.search(r"^Pages:\s+(\d+)", info, re.M)
                out[f] = int(m.group(1)) if m else None
    for f in files:
        if out.get(f) is None:
            with zipfile.ZipFile(f) as z:
                app = z.read("docProps/app.xml").decode("utf-8", "replace") if "docProps/app.xml" in z.namelist() \
                    else ""
            m = re.search(r"<Pages>(\d+)</Pages>", app)
            out[f] = int(m.group(1)) if m else None
    return out


def shared_checker() -> Any:
    spec = importlib.util.spec_from_file_location("nd30check", CHECKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def median_time(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fresh(cmd: list[str]) -> Any:
    return lambda: subprocess.run(cmd, cwd=ROOT, capture_output=True)


def speed(files: list[Path], pages: dict[Path, int | None], runs: int) -> str:
    nd30 = shared_checker()
    rows = []
    for f in files:
        progress(f"timing {f.name}")
        kh_fresh = median_time(fresh([PYTHON, "-m", "generator", "check", "-q", str(f)]), runs)
        nd_fresh = median_time(fresh([PYTHON, str(CHECKER), str(f)]), runs)
        kh_in = median_time(lambda f=f: check_path(f), runs)
        nd_in = median_time(lambda f=f: nd30.Checker(str(f)).run(), runs)
        rows.append((f, pages.get(f), kh_fresh, nd_fresh, kh_in, nd_in))
    lines = ["| file | pages | kh check (process) | nd30check.py (process) | kh in-process | nd30check in-process |"
             " in-process ratio |", "|---|---:|---:|---:|---:|---:|---:|"]
    for f, pg, kf, nf, ki, ni in rows:
        lines.append(f"| {f.name} | {pg or '?'} | {kf:.3f} s | {nf:.3f} s | {ki * 1000:.0f} ms | {ni * 1000:.0f} ms |"
                     f" {ki / ni:.2f}× |")
    for label, subset in (("examples + wild (19 files)", rows[:-1]), ("long document", rows[-1:])):
        total_pages = sum(r[1] or 0 for r in subset)
        if not total_pages:
            continue
        sums = [sum(r[i] for r in subset) for i in (2, 3, 4, 5)]
        lines.append(f"| **{label}: seconds per page** | {total_pages} | {sums[0] / total_pages:.4f} |"
                     f" {sums[1] / total_pages:.4f} | {sums[2] / total_pages:.4f} | {sums[3] / total_pages:.4f} |"
                     f" {sums[2] / sums[3]:.2f}× |")
    return "\n".join(lines)


def agreement(files: list[Path]) -> str:
    nd30 = shared_checker()
    ids = [r.id for r in RULES]
    matrix: dict[str, dict[str, str]] = {}
    for f in files:
        chk = nd30.Checker(str(f))
        chk.run()
        failed = {rule for ok, rule, _ in chk.results if not ok}
        known = {rule for _, rule, _ in chk.results}
        ours = {x.rule for x in check_path(f).findings}
        row = {}
        for rule in ids:
            if rule not in known:
                row[rule] = "kh*" if rule in ours else "·"
            elif (rule in failed) == (rule in ours):
                row[rule] = "✗" if rule in ours else "="
            else:
                row[rule] = "kh" if rule in ours else "nd30"
        matrix[f.stem] = row
    head = "| rule | " + " | ".join(re.sub(r"^lc-", "", n)[:14] for n in matrix) + " |"
    out = [head, "|---|" + "---|" * len(matrix)]
    for rule in ids:
        out.append(f"| {rule} | " + " | ".join(matrix[n][rule] for n in matrix) + " |")
    return "\n".join(out)


NOTES = """\
How the two differ in method (the numbers above are what counts):

- "process" is the whole command as a user runs it, Python start-up included (`python -c pass` alone
  takes about 0.05-0.1 s here); "in-process" is the check of a file already on disk, modules imported.
- kh reads the package with lxml only (generator/ooxml/safe_open.py), parses each part once, reads
  the theme only when a theme font is used, and resolves styles once per (table style, paragraph style,
  character style); the shared checker goes through python-docx and resolves every run's style chain
  again. Both are linear in the document; the long document shows the per-page cost once start-up no
  longer dominates.
- kh evaluates its rules on every document of the file (a Quyết định and the plan it issues are both
  judged) and places drawn lines by geometry; the shared checker judges the first document only.
"""


#: ``kh check`` with its Word options as a command (check.py's command with CheckCommand as its class).
KH_CHECK = ("import sys; from generator.app.commands import check as c; "
            "from generator.app.commands.check_docx import CheckCommand as K; cmd = c.check; "
            "cmd = cmd if isinstance(cmd, K) else K(name='check', params=cmd.params, callback=cmd.callback); "
            "cmd.main(sys.argv[1:], prog_name='kh check')")


def copies(files: list[Path], pages: dict[Path, int | None], runs: int, tmp: Path) -> str:
    from generator.writers.docx_comments import annotate_bytes
    from generator.writers.docx_fix import fix_bytes

    rows = []
    for f in files:
        progress(f"annotate/fix {f.name}")
        check_in = median_time(lambda f=f: check_path(f), runs)
        ann_in = median_time(lambda f=f: annotate_bytes(f), runs)
        fix_in = median_time(lambda f=f: fix_bytes(f), runs)
        ann_cmd = median_time(fresh([PYTHON, "-c", KH_CHECK, "-q", str(f), "--annotate", str(tmp / "a.docx")]), runs)
        fix_cmd = median_time(fresh([PYTHON, "-c", KH_CHECK, "-q", str(f), "--fix", str(tmp / "f.docx")]), runs)
        _, result = fix_bytes(f)
        fixable = sum(any(i.fix for i in x.issues) for x in result.before.findings)
        rows.append((f, pages.get(f), len(result.before.findings), fixable, len(result.after.findings),
                     len(result.changes), len(result.left), result.rounds, check_in, ann_in, fix_in, ann_cmd, fix_cmd))
    lines = ["| file | pages | findings before | of them fixable | findings after --fix | changes | left for a person |"
             " rounds | check (in-process) | --annotate (in-process) | --fix (in-process) | --annotate (command) |"
             " --fix (command) |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for f, pg, b, fx, a, ch, lf, rd, ci, ai, fi, ac, fc in rows:
        lines.append(f"| {f.name} | {pg or '?'} | {b} | {fx} | {a} | {ch} | {lf} | {rd} | {ci * 1000:.0f} ms |"
                     f" {ai * 1000:.0f} ms | {fi * 1000:.0f} ms | {ac:.3f} s | {fc:.3f} s |")
    for label, subset in (("wild (14 files)", [r for r in rows if r[0].name.startswith("lc-")]),
                          ("long document", [r for r in rows if not r[0].name.startswith("lc-")])):
        if not subset:
            continue
        n, total_pages = len(subset), sum(r[1] or 0 for r in subset)
        sums = [sum(r[i] for r in subset) for i in range(2, 13)]
        per_file = " | ".join(f"{sums[i] / n:.3f} s" for i in range(6, 11))
        lines.append(f"| **{label}: seconds per file** | {total_pages} | {sums[0]} | {sums[1]} | {sums[2]} |"
                     f" {sums[3]} | {sums[4]} | | {per_file} |")
        if total_pages:
            per_page = " | ".join(f"{sums[i] / total_pages:.4f}" for i in range(6, 11))
            lines.append(f"| **{label}: seconds per page** | | | | | | | | {per_page} |")
    return "\n".join(lines)


COPIES_NOTES = """\
- "findings before": `kh check FILE` on the original; "of them fixable": findings with at least one issue a
  fix can put right without changing a word; "findings after --fix": `kh check` of the fixed copy (only
  issues without a fix remain: wording, drawn lines, layout); "rounds": check-and-fix passes until no
  fixable finding is left (a fix may bring another to light).
- In-process times include reading the file, the check, the edit and the zip written to memory; the
  command times include Python start-up and writing the copy.
- Two rounds for lc-qd-ubnd-uyquyen and lc-ttr-panm: a centred paragraph inside the content ("(Chi tiết
  theo Phụ lục đính kèm)") is justified in the first round; only then is the space before it judged (the
  spacing rule leaves centred lines alone), and the second round gives it its 6 pt.
- What `tests/test_check_annotate_fix.py::test_wild_files` holds true on these files: one comment per
  finding; `kh text` of both copies equals the original's; the fixed copy has no issue with a fix left and
  every issue without one still there; no OOXML problem (openxml-audit, ../shared/ooxml/ooxmlcheck.py,
  pkgcheck.py) the original does not have. The originals themselves are not clean (103 findings: Word's
  `o:gfxdata` on VML lines, `w:divs` in webSettings.xml, a bibliography `Version` attribute in customXml,
  non-NFC text): kh copies those parts as they are.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--agreement", action="store_true")
    parser.add_argument("--copies", action="store_true")
    args = parser.parse_args()
    if args.copies:
        main_copies(args.runs, args.out or ROOT / "bench" / "ND30_FIX.md")
        return
    args.out = args.out or ROOT / "bench" / "ND30_SPEED.md"
    if not CHECKER.is_file():
        sys.exit(f"{CHECKER} not found: the bench compares with the shared checker")
    with tempfile.TemporaryDirectory(prefix="kh-nd30-bench-") as tmp_name:
        tmp = Path(tmp_name)
        examples = build_examples(tmp / "examples")
        wild = sorted(WILD.glob("*.docx"))
        if args.agreement:
            print(agreement([*examples, *wild]))
            return
        long = long_document(tmp / "examples" / "quan3-2025.docx", tmp / "long-quan3-x40.docx", 40)
        files = [*examples, *wild, long]
        progress("counting pages with LibreOffice")
        pages = page_counts(files, tmp)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        table = speed(files, pages, args.runs)
    text = (f"# kh check vs nd30check.py: speed\n\nMade by `.venv/bin/python bench/nd30_bench.py --runs {args.runs}` "
            f"on {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, load average "
            f"{load:.2f} at start (a shared machine: compare ratios, not absolute times). Median of {args.runs} runs "
            f"per cell. Pages: LibreOffice's PDF of each file.\n\n{table}\n\n{NOTES}")
    args.out.write_text(text, encoding="utf-8")
    print(text)


def main_copies(runs: int, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="kh-nd30-copies-") as tmp_name:
        tmp = Path(tmp_name)
        examples = build_examples(tmp / "examples")
        long = long_document([e for e in examples if e.stem == "quan3-2025"][0], tmp / "long-quan3-x40.docx", 40)
        files = [*sorted(WILD.glob("*.docx")), long]
        progress("counting pages with LibreOffice")
        pages = page_counts(files, tmp)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        table = copies(files, pages, runs, tmp)
    text = (f"# kh check --annotate / --fix: results and speed\n\nMade by `.venv/bin/python bench/nd30_bench.py "
            f"--copies --runs {runs}` on {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} "
            f"cores, load average {load:.2f} at start (a shared machine). Median of {runs} runs per cell. Pages: "
            f"LibreOffice's PDF of each file.\n\n{table}\n\n{COPIES_NOTES}")
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
