"""Labels at the start of a paragraph ("I.", "1.", "1.1.", "a)", "-", "+", "*", "Điều 1."),
and turning runs into kh's inline markup once the label is gone."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .source import Run, merge_runs, tidy


@dataclass(frozen=True)
class Label:
    """A label found at the start of a paragraph."""

    kind: str           # roman, num, letter, dash, plus, star, article
    value: str          # "IV", "1.2", "a", "-"
    length: int         # characters it takes in the paragraph's text (with the spaces after it)

    @property
    def parts(self) -> tuple[int, ...]:
        return tuple(int(x) for x in self.value.split(".")) if self.kind == "num" else ()


_PATTERNS = (
    ("article", re.compile(r"^Điều\s+(\d+)\s*[.:]\s*")),
    # "I. MỤC ĐÍCH"; "I.MỤC ĐÍCH" (a heading in capitals typed without the space), not "IV.Kinh phí"
    ("roman", re.compile(r"^([IVXLC]+)\s*[.)](?:\s+|(?=[A-ZĐÀÁẢÃẠĂÂÊÔƠƯÈÉẺẼẸÌÍỈĨỊÒÓỎÕỌÙÚỦŨỤỲÝỶỸỴ"
                         r"ẰẮẲẴẶẦẤẨẪẬỀẾỂỄỆỒỐỔỖỘỜỚỞỠỢỪỨỬỮỰ]{2}))")),
    ("num", re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+")),
    ("num", re.compile(r"^(\d{1,2})\s*[.)]\s+")),
    ("letter", re.compile(r"^([a-zđ]{1,2})\s*\)\s*")),
    ("letter", re.compile(r"^([a-zđ])\.\s+")),
    ("dash", re.compile(r"^([-–—•·▪●○\uf0b7\uf0a7\uf02d])\s*")),
    ("plus", re.compile(r"^(\+)\s*")),
    ("star", re.compile(r"^(\*)\s+")),
)


def find_label(text: str) -> Label | None:
    """The label at the start of ``text`` (leading spaces ignored), if any."""
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    for kind, pattern in _PATTERNS:
        m = pattern.match(stripped)
        if m and len(stripped) > m.end():
            value = m.group(1)
            if kind == "dash":
                value = "-"
            return Label(kind, value, lead + m.end())
    return None


def drop_chars(runs: list[Run], count: int) -> list[Run]:
    """``runs`` without their first ``count`` characters."""
    out: list[Run] = []
    for run in runs:
        if count > 0 and run.note is None:
            if len(run.text) <= count:
                count -= len(run.text)
                continue
            run = Run(run.text[count:], run.bold, run.italic)
            count = 0
        out.append(run)
    return out


def split_at_break(runs: list[Run]) -> tuple[list[Run], list[Run]] | None:
    """``runs`` cut at their first soft line break: (before, after), or None without one."""
    for i, run in enumerate(runs):
        if run.note is None and "\n" in run.text:
            head, tail = run.text.split("\n", 1)
            return runs[:i] + [Run(head, run.bold, run.italic)], [Run(tail, run.bold, run.italic)] + runs[i + 1:]
    return None


def strip_runs(runs: list[Run]) -> list[Run]:
    """Runs without leading/trailing whitespace."""
    runs = [r for r in merge_runs(runs)]
    while runs and runs[0].note is None and not runs[0].text.strip():
        runs.pop(0)
    while runs and runs[-1].note is None and not runs[-1].text.strip():
        runs.pop()
    if runs and runs[0].note is None:
        runs[0] = Run(runs[0].text.lstrip(), runs[0].bold, runs[0].italic)
    if runs and runs[-1].note is None:
        runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].bold, runs[-1].italic)
    return runs


def _escape(text: str, in_note: bool = False) -> str:
    text = text.replace("\\", "\\\\").replace("*", "\\*").replace("^[", "\\^[")
    if in_note:   # "]" closes a footnote; elsewhere it is an ordinary character
        text = text.replace("]", "\\]")
    return text.replace("{{", "{{ '{{' }}").replace("{%", "{{ '{%' }}")


def markup(runs: list[Run], *, plain: bool = False, soft_breaks: str = " ", in_note: bool = False) -> str:
    """kh's inline markup for ``runs``: ``**bold**``, ``*italic*``, ``***both***``, ``^[note]``.

    ``plain`` drops emphasis (a heading's bold is the heading's, not the text's).
    """
    out: list[str] = []
    for run in merge_runs(runs):
        if run.note is not None:
            inner = markup(run.note, soft_breaks=" ", in_note=True)
            if inner:
                out.append(f"^[{inner}]")
            continue
        text = _escape(run.text.replace("\n", soft_breaks), in_note)
        mark = "" if plain else "***" if run.bold and run.italic else "**" if run.bold else "*" if run.italic else ""
        core = text.strip()
        if not mark or not core:
            out.append(text)
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        out.append(f"{lead}{mark}{core}{mark}{trail}")
    return tidy("".join(out).replace("\n", " ") if soft_breaks == " " else "".join(out))


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and text == text.upper()


def words(text: str) -> list[str]:
    return re.findall(r"[\wÀ-ỹ]+", text)


_WORD = re.compile(r"[\wÀ-ỹ]+")


class Casing:
    """How words are written in running text, to give an IN HOA heading back its sentence case."""

    def __init__(self, texts: list[str]):
        self.upper: Counter[str] = Counter()
        self.title: Counter[str] = Counter()
        self.lower: Counter[str] = Counter()
        for text in texts:
            if text.upper() == text:
                continue
            label = find_label(text)
            text = text[label.length:] if label else text
            for m in _WORD.finditer(text):
                w, key = m.group(), m.group().lower()
                i = m.start() - 1          # the last character before the word that is not a space
                while i >= 0 and text[i].isspace():   # (each gap is scanned once: linear in the text)
                    i -= 1
                if len(w) > 1 and w.isupper() and not w.isdigit():
                    self.upper[key] += 1
                elif i < 0 or text[i] in ".:;!?(“\"-–":
                    continue
                elif w[:1].isupper():
                    self.title[key] += 1
                elif w.islower():
                    self.lower[key] += 1

    def sentence(self, text: str, first: bool = True) -> str:
        """"MỤC ĐÍCH, YÊU CẦU" → "Mục đích, yêu cầu"; "QUẬN BÌNH TÂN" → "quận Bình Tân" (as in the text)."""
        if text.upper() != text:
            return text
        out = []
        for token in re.split(r"([\wÀ-ỹ]+)", text):
            key = token.lower()
            if not re.fullmatch(r"[\wÀ-ỹ]+", token):
                out.append(token)
            elif self.upper[key] > self.lower[key] + self.title[key]:
                out.append(token)
            elif self.title[key] > max(1, self.lower[key]):
                out.append(key[:1].upper() + key[1:])
            else:
                out.append(key)
        result = "".join(out)
        return result[:1].upper() + result[1:] if first else result
