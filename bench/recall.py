"""Word 6-gram recall of a built document against an original: how much of the original's text the
built document says, in the same word order.

    .venv/bin/python bench/recall.py ORIGINAL.docx BUILT.docx          # one pair: recall, precision
    .venv/bin/python bench/recall.py --kinds                          # the examples of issue 21
    .venv/bin/python bench/recall.py --kinds --out bench/KINDS.md     # … written as a Markdown table

Both files are read as ``kh text`` reads them (:func:`generator.readers.docx_text.read_docx_text`: the
header, body, tables row by row with " | " between cells, footnotes). Each line is cut at the cell
separators, lower-cased and cut into words (letters and digits: punctuation and spacing do not count);
each piece of the original gives its word 6-grams, a piece of fewer than six words one gram of all its
words. Recall is the share of those grams (counted with repetition) found in the built document, whose
grams are those of its running text (all its words in reading order, across paragraphs) and its short
pieces; precision is the same measure the other way round. So an original gram never spans two of its
paragraphs or cells (a header laid out as one table row per line or as one cell per column reads alike,
a paragraph moved elsewhere still counts), while words the original ran together in one paragraph
("- Bộ Công Thương (b/c); - Chủ tịch UBND tỉnh; …" with line breaks) are found where the built
document prints them one per line.

Reusable: :func:`grams`, :func:`recall` and :func:`text_of` take any text or .docx (``kh import``'s
round trips measure the same way).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Word n-gram size.
N = 6
_WORD = re.compile(r"\w+")

#: The examples of issue 21: plan in plans/ → the real document of ../shared/wild it reproduces.
KIND_EXAMPLES = {
    "lc-qd-ubnd-uyquyen-vlncn": ("Quyết định", "lc-qd-ubnd-uyquyen-vlncn.docx"),
    "lc-ttr-panm": ("Tờ trình", "lc-ttr-panm.docx"),
    "lc-bc-dinhky-vlncn-2025": ("Báo cáo", "lc-bc-dinhky-vlncn-2025.docx"),
    "lc-tb-2245-kiemtra": ("Thông báo (công văn)", "lc-tb-2245-kiemtra.docx"),
    "lc-cv-3155-tuchoi": ("Công văn", "lc-cv-3155-tuchoi.docx"),
}
#: Recall an example must reach.
BAR = 0.98


def text_of(path: Path) -> str:
    """``kh text`` of a .docx."""
    from generator.readers.docx_text import read_docx_text

    return read_docx_text(path)


def _pieces(text: str) -> list[list[str]]:
    """The words of every line (every cell of a table row) of ``text``, lower case, NFC."""
    lines = unicodedata.normalize("NFC", text).lower().splitlines()
    return [words for line in lines for cell in line.split(" | ") if (words := _WORD.findall(cell))]


def grams(text: str, n: int = N, *, running: bool = False) -> Counter[tuple[str, ...]]:
    """Word n-grams of every line (every cell of a table row) of ``text``; a short one: one gram of its
    words. ``running``: the n-grams of the running text (all words in order, across lines) instead, and
    the short pieces' grams: what an original's grams are looked up in."""
    out: Counter[tuple[str, ...]] = Counter()
    pieces = _pieces(text)
    for words in pieces:
        if len(words) < n:
            out[tuple(words)] += 1
        elif not running:
            out.update(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    if running:
        stream = [w for words in pieces for w in words]
        out.update(tuple(stream[i:i + n]) for i in range(len(stream) - n + 1))
    return out


def recall(original: str, built: str, n: int = N) -> float:
    """Share of ``original``'s grams found in ``built`` (1.0 when the original says nothing)."""
    src, out = grams(original, n), grams(built, n, running=True)
    total = sum(src.values())
    return sum(min(k, out[g]) for g, k in src.items()) / total if total else 1.0


def missing(original: str, built: str, n: int = N) -> list[str]:
    """The original's grams the built document lacks, as text (to see what is lost)."""
    src, out = grams(original, n), grams(built, n, running=True)
    return [" ".join(g) for g, k in src.items() for _ in range(max(0, k - out[g]))]


def measure(original: Path, built: Path) -> dict[str, float]:
    a, b = text_of(original), text_of(built)
    return {"recall": recall(a, b), "precision": recall(b, a), "grams": float(sum(grams(a).values()))}


def kinds_table(shared: Path) -> tuple[str, bool]:
    """Build every example of :data:`KIND_EXAMPLES` with ``kh build`` and measure it: a Markdown table,
    and whether every recall reaches :data:`BAR`."""
    rows = ["| example (plans/) | kind | original (../shared/wild) | 6-grams | recall | precision |",
            "|---|---|---|---|---|---|"]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for name, (kind, original) in KIND_EXAMPLES.items():
            out = Path(tmp) / f"{name}.docx"
            subprocess.run([sys.executable, "-m", "generator", "build", str(ROOT / "plans" / f"{name}.yaml"), "-o",
                            str(out)], check=True, capture_output=True, cwd=ROOT)
            m = measure(shared / "wild" / original, out)
            ok = ok and m["recall"] >= BAR
            rows.append(f"| {name}.yaml | {kind} | {original} | {m['grams']:.0f} | {m['recall']:.3f} |"
                        f" {m['precision']:.3f} |")
    return "\n".join(rows) + "\n", ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, help="ORIGINAL.docx BUILT.docx")
    ap.add_argument("--kinds", action="store_true", help="build and measure the examples of issue 21")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared material (../shared)")
    ap.add_argument("--missing", action="store_true", help="list the original's grams the built document lacks")
    ap.add_argument("--out", type=Path, help="write the --kinds table into this Markdown file (between its markers)")
    args = ap.parse_args(argv)
    if args.kinds:
        table, ok = kinds_table(args.shared)
        if args.out:
            _write_between_markers(args.out, table)
        print(table, end="")
        return 0 if ok else 1
    if len(args.files) != 2:
        ap.error("give ORIGINAL.docx BUILT.docx, or --kinds")
    original, built = args.files
    m = measure(original, built)
    print(f"recall {m['recall']:.4f}  precision {m['precision']:.4f}  ({m['grams']:.0f} grams of {N} words)")
    if args.missing:
        for gram in missing(text_of(original), text_of(built)):
            print(f"  - {gram}")
    return 0


_START, _END = "<!-- recall start -->", "<!-- recall end -->"


def _write_between_markers(path: Path, table: str) -> None:
    """Replace the table between the markers of ``path`` (the rest of the page is written by hand)."""
    text = path.read_text(encoding="utf-8") if path.exists() else f"{_START}\n{_END}\n"
    head, _, rest = text.partition(_START)
    _, _, tail = rest.partition(_END)
    path.write_text(f"{head}{_START}\n{table}{_END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
