"""Measure ``kh import`` per test document: share of paragraphs placed in structure / kept as free
text / not placed, word recall of the rebuilt document against the source, and import time.

    .venv/bin/python bench/import_bench.py            # prints a Markdown table
    .venv/bin/python bench/import_bench.py --out bench/IMPORT_RESULTS.md

Documents: every example plan built by kh (plans/*.yaml → .docx), the two Word-style fixtures
(tests/fixtures/make_word_docs.py: typed and automatic numbering) and the seed texts
(../shared/seeds/*.txt). Word recall = share of the source's words (as a multiset, lower case)
found in the text of the document rebuilt from the imported plan.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path: Path) -> str:
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if n in ("word/document.xml", "word/footnotes.xml")]
        out = []
        for name in parts:
            root = etree.fromstring(z.read(name))
            out += ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
    return "\n".join(out)


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in re.findall(r"[\wÀ-ỹ]+", text))


def recall(source: str, rebuilt: str) -> float:
    src, out = words(source), words(rebuilt)
    total = sum(src.values())
    return sum(min(n, out[w]) for w, n in src.items()) / total if total else 1.0


def documents(tmp: Path) -> list[tuple[str, Path]]:
    from make_word_docs import make

    from generator.readers.yaml_reader import read_plan
    from generator.writers.docx_writer import render_docx

    docs = []
    for plan in sorted((ROOT / "plans").glob("*.yaml")):
        out = tmp / f"{plan.stem}.docx"
        out.write_bytes(render_docx(read_plan(plan)))
        docs.append((f"kh: {plan.stem}.docx", out))
    for kind in ("typed", "auto"):
        docs.append((f"fixture: ke-hoach-{kind}.docx", make(kind, tmp / f"ke-hoach-{kind}.docx")))
    for seed in sorted((ROOT.parent / "shared" / "seeds").glob("*.txt")):
        docs.append((f"seed: {seed.name}", seed))
    return docs


def measure(name: str, src: Path, tmp: Path, repeat: int) -> dict:
    import warnings

    from generator.importer import pipeline
    from generator.readers.yaml_reader import read_plan
    from generator.writers.docx_writer import render_docx

    times = []
    for i in range(repeat):
        out = tmp / f"run-{i}" / re.sub(r"\W+", "-", name) / "plan.yaml"
        start = time.perf_counter()
        outcome = pipeline.build(src, out)
        pipeline.validate(outcome, out)
        pipeline.write(outcome, out)
        times.append(time.perf_counter() - start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rebuilt = render_docx(read_plan(out))
    (out.parent / "plan.docx").write_bytes(rebuilt)
    source = src.read_text(encoding="utf-8") if src.suffix == ".txt" else docx_text(src)
    p = outcome.report.paragraphs
    total = sum(p.values())
    return {"name": name, "paragraphs": total, "structured": p["structured"] / total,
            "free": p["free_text"] / total, "unplaced": p["unplaced"] / total,
            "recall": recall(re.sub(r"[*~¹²³⁴⁵⁶⁷⁸⁹⁰]", " ", source), docx_text(out.parent / "plan.docx")),
            "ms": statistics.median(times) * 1000}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kh-import-bench-") as t:
        tmp = Path(t)
        rows = [measure(name, path, tmp, args.repeat) for name, path in documents(tmp)]
    lines = ["| document | paragraphs | structured | free text | not placed | word recall | import (ms, median) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['paragraphs']} | {r['structured']:.1%} | {r['free']:.1%} | "
                     f"{r['unplaced']:.1%} | {r['recall']:.1%} | {r['ms']:.0f} |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text("# kh import — measured\n\nCommand: `.venv/bin/python bench/import_bench.py`\n\n"
                            + table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
