"""Measure ``kh import``: per document, the share of its paragraphs and cells placed, word 6-gram
recall and precision of the rebuilt document against the original (bench/recall.py, as ``kh text``
reads both, tables included), import seconds, what the report lists, and whether the rebuilt
document passes kh's own checker (``kh check OUT.docx``) and ../shared/nd30/nd30check.py.

    .venv/bin/python bench/import_bench.py                              # prints the Markdown tables
    .venv/bin/python bench/import_bench.py --out bench/IMPORT_RESULTS.md

Documents: the real Word files of ../shared/wild (7 plans, 7 documents of other kinds), kh's own
examples built from plans/*.yaml, the Word-style fixtures (tests/fixtures/make_word_docs.py,
make_real_docs.py) and the seed texts (tests/fixtures/seeds). Each is imported into a folder of its
own made like ``kh init`` makes one (no profile yet), then built.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

from recall import grams, text_of  # noqa: E402

SHARED = ROOT.parent / "shared"


@dataclass
class Row:
    name: str
    kind: str
    cells: int
    placed: float
    recall: float
    precision: float
    seconds: float
    changes: int
    placeholders: int
    objects: int
    unplaced: int
    complete: bool
    kh_check: str
    nd30: str


def _recall(original: str, built: str) -> float:
    src, out = grams(original), grams(built, running=True)
    total = sum(src.values())
    return sum(min(k, out[g]) for g, k in src.items()) / total if total else 1.0


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.suffix == ".txt" else text_of(path)


def _checks(docx: Path) -> tuple[str, str]:
    """kh check's and nd30check.py's verdicts on ``docx``: "ok" or the failing rules."""
    kh = subprocess.run([sys.executable, "-m", "generator", "check", "--format", "json", str(docx)],
                        capture_output=True, text=True, cwd=ROOT)
    try:
        files = json.loads(kh.stdout)["files"]
        rules = sorted({f["rule"] for doc in files for f in doc["findings"] if f["severity"] == "error"})
    except (json.JSONDecodeError, KeyError, TypeError):
        rules = []
    ours = "ok" if kh.returncode == 0 else ", ".join(rules) or f"exit {kh.returncode}"
    checker = SHARED / "nd30" / "nd30check.py"
    if not checker.is_file():
        return ours, "(no ../shared)"
    run = subprocess.run([sys.executable, str(checker), str(docx)], capture_output=True, text=True)
    failed = [ln.split()[1] for ln in run.stdout.splitlines() if ln.startswith("FAIL ")]
    return ours, "ok" if run.returncode == 0 and not failed else ", ".join(failed)


def measure(name: str, src: Path, tmp: Path, repeat: int) -> Row:
    from generator.importer import pipeline
    from generator.readers.yaml_reader import read_plan
    from generator.writers.docx_writer import render_docx

    times = []
    for i in range(repeat):
        folder = tmp / f"run-{i}" / name
        out = folder / "plans" / "plan.yaml"
        (folder / "plans" / "orgs").mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        outcome = pipeline.build(src, out)
        pipeline.validate(outcome, out)
        pipeline.write(outcome, out, force=True)
        times.append(time.perf_counter() - start)
    built = out.with_suffix(".docx")
    built.write_bytes(render_docx(read_plan(out)))
    original, rebuilt = _text(src), text_of(built)
    report = outcome.report
    kind = next((ln.split(":", 1)[1].strip() for ln in outcome.plan_text.splitlines() if ln.startswith("kind:")),
                "Kế hoạch")
    ours, shared = _checks(built)
    return Row(name, kind, sum(report.paragraphs.values()), report.placed_share, _recall(original, rebuilt),
               _recall(rebuilt, original), statistics.median(times), len(report.changes), len(report.placeholders),
               len(report.objects), len(report.unplaced), report.complete, ours, shared)


def documents(tmp: Path) -> tuple[list[tuple[str, Path]], list[tuple[str, Path]]]:
    """(the wild files, the round trips and fixtures)."""
    from make_real_docs import MAKERS
    from make_word_docs import make

    from generator.readers.yaml_reader import read_plan
    from generator.writers.docx_writer import render_docx

    wild = [(p.stem, p) for p in sorted((SHARED / "wild").glob("*.docx"))]
    wild.sort(key=lambda item: (not item[0].startswith("lc-kh-"), item[0]))
    others: list[tuple[str, Path]] = []
    for plan in sorted((ROOT / "plans").glob("*.yaml")):
        out = tmp / f"{plan.stem}.docx"
        out.write_bytes(render_docx(read_plan(plan)))
        others.append((f"kh: {plan.stem}", out))
    for kind in ("typed", "auto"):
        others.append((f"fixture: ke-hoach-{kind}", make(kind, tmp / f"ke-hoach-{kind}.docx")))
    for file, maker in MAKERS.items():
        others.append((f"fixture: {Path(file).stem}", maker(tmp / "real" / file)))
    for seed in sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt")):
        others.append((f"seed: {seed.stem}", seed))
    return wild, others


def table(rows: list[Row]) -> str:
    lines = ["| document | kind | paragraphs + cells | placed | recall | precision | import s (median) |"
             " report: changes / placeholders / objects / not placed | summary | kh check | nd30check |",
             "|---|---|---:|---:|---:|---:|---:|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.name} | {r.kind} | {r.cells} | {r.placed:.1%} | {r.recall:.3f} | {r.precision:.3f} |"
                     f" {r.seconds:.2f} | {r.changes} / {r.placeholders} / {r.objects} / {r.unplaced} |"
                     f" {'complete' if r.complete else 'needs review'} | {r.kh_check} | {r.nd30} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kh-import-bench-") as t:
        tmp = Path(t)
        wild, others = documents(tmp)
        wild_rows = [measure(name, path, tmp, args.repeat) for name, path in wild]
        other_rows = [measure(name.replace(": ", "-"), path, tmp, 1) for name, path in others]
        for row, (name, _) in zip(other_rows, others, strict=True):
            row.name = name
    text = ("## ../shared/wild\n\n" + table(wild_rows) + "\n\n## Round trips and fixtures\n\n" + table(other_rows))
    print(text)
    if args.out:
        args.out.write_text(HEAD + text + "\n" + TAIL, encoding="utf-8")
    return 0


HEAD = """# kh import — measured

Command: `.venv/bin/python bench/import_bench.py --out bench/IMPORT_RESULTS.md` (each document imported
into a folder of its own with no profile, as after `kh init`; 3 runs for the wild files, the median
time; then built with kh). *placed*: share of the source's non-empty paragraphs and table cells the
import put in the plan (in structure or kept as written); *recall* / *precision*: word 6-gram shares
of the original's `kh text` found in the rebuilt document's, and the other way round
(bench/recall.py; tables included); *report*: what the import report lists — paragraphs the rebuild
prints differently, leaves out or adds (with their place), placeholders to fill, objects not imported
(pictures, equations, comments, …), paragraphs not placed; *summary*: its last line (complete / needs
review); *kh check* and *nd30check*: the rebuilt document's verdicts, "ok" or the failing rules.

"""
TAIL = """
## Notes

- APPX-HEAD on lc-kh-de-an-08: the import keeps the office's label "Phụ lục số 01"
  (`appendix_numbering: so`); both checkers want "Phụ lục" (one appendix) or a Roman numeral.
  `appendix_numbering: roman` (or deleting the line) gives the decree's label and passes.
- What a rebuild changes on the wild plans is listed in each import report; the recurring ones:
  the "Kèm theo" line of an appendix is printed by kh ("ngày /4/2026" → "ngày … tháng … năm 2026"),
  Word's STT "1." prints "1", kh's curly quotes and "CỘNG HÒA", group rows "I. NAME" in one cell.
- lc-ttr-panm needs review: its three pictures and one equation are listed, not imported.
"""


if __name__ == "__main__":
    sys.exit(main())
