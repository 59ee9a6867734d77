"""What a fix of one finding does, as data: an action, its value, and where it acts.

A judge attaches a :class:`Fix` to each :class:`~generator.nd30.findings.Issue` that can be put right
without changing a word of the document (formatting, page setup, the page-number field). An issue
without one is left for a person (wording, drawn lines, layout). ``generator/writers/docx_fix.py``
carries the actions out; :data:`ACTIONS` lists them with where each one acts:

- ``para``: the paragraph the finding is about (its runs, or some of them: ``scope``);
- ``section``: the section ``Fix.section`` (page size, orientation, margins, page numbering);
- ``document``: the whole file (fonts, colours, the page-number field and the first page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Action → where it acts ("para", "section", "document").
ACTIONS: dict[str, str] = {
    "size": "para",            # value (lo, hi) pt: every run's size brought into the range
    "bold": "para",            # value bool
    "bold_italic": "para",     # value bool: both at once (the "Nơi nhận" label)
    "italic": "para",          # value bool
    "align": "para",           # value "center" | "both" | "left"
    "first_indent": "para",    # value twips (567 = 1 cm)
    "side_indent": "para",     # left and right indent to 0
    "line_spacing": "para",    # value (lo, hi) lines: the line spacing brought into the range
    "space_before": "para",    # value twips: the least space before the paragraph (after the previous one's)
    "page_field_format": "para",   # the PAGE field's number format to Arabic
    "page_size": "section",    # A4, the orientation kept
    "portrait": "section",     # the section turned to portrait (A4)
    "margins": "section",      # value ((side, mm), ...): each side brought to mm
    "page_format": "section",  # pgNumType fmt → decimal
    "page_start": "section",   # numbering restarts at 1
    "fonts": "document",       # value the face: every run whose text uses another face
    "color": "document",       # value the colour: every run of another colour
    "page_number_header": "document",   # value "default" | "even": a centred PAGE field in that header
    "page_number_footer": "document",   # the PAGE field taken out of the footer (and put in the header)
    "title_page": "document",  # "different first page": page 1 shows no number
    "first_page_number": "document",    # the PAGE field taken out of the first-page header/footer
}
#: Run scopes within a paragraph: all runs (None), the "Nơi nhận" label, the runs after it, the first run.
SCOPES = (None, "label", "after_label", "first")


@dataclass(frozen=True, slots=True)
class Fix:
    """One change that keeps every word: ``action`` (a key of :data:`ACTIONS`) with its value."""

    action: str
    value: Any = None
    scope: str | None = None          # runs of the paragraph it applies to (see SCOPES)
    section: int | None = None        # the section, for section actions

    def __post_init__(self) -> None:
        hash(self.value)        # values are tuples and scalars: an issue can be counted and compared
        if self.action not in ACTIONS:
            raise ValueError(f"unknown fix action {self.action!r}")
        if self.scope not in SCOPES:
            raise ValueError(f"unknown run scope {self.scope!r}")

    @property
    def acts_on(self) -> str:
        return ACTIONS[self.action]


TNR = "Times New Roman"
BLACK = "000000"
CM = 567                 # twips in 1 cm
SIX_PT = 120             # twips in 6 pt
