"""What kind of text each field of a plan or profile holds, declared once on the model's fields.

A field is marked in :mod:`generator.model.plan` with ``Annotated[..., CODE]`` (or ``PLAIN``,
``VERBATIM``); an unmarked field holds prose. The reader (what is tidied, checked, expanded), lint
(what is checked) and ``kh fmt`` (what may be folded) all ask :mod:`generator.model.kinds`, which
reads these marks, so the three cannot disagree.

- ``code``: an identifier kh looks up, matches or chooses by — a profile, unit or signer key, a
  template path, a symbol, a plan's own number (digits), a fixed choice such as ``type: tasks`` or
  ``numbering: decimal``. Read as written (only NFC): never tidied, never checked as text, never
  folded; a control character in one is an error.
- ``prose``: text kh prints inside the document's paragraphs and cells: spacing and quotes
  tidied, inline marks (``**``, ``*``, ``^[...]``) and ``{{ expressions }}`` allowed, linted.
- ``plain``: text printed as it is, outside the paragraphs (header, title lines, document
  properties, table headings): tidied, expressions allowed, linted like prose, but marks cannot be
  printed there and are refused; an escape (``\\*``) becomes the character itself.
- ``verbatim``: the user's own data (``variables``), kept exactly as written.

A string the model does not describe (an unknown key, a mapping where text is expected, the
``{text: ...}`` free wording of a unit reference) is prose.

Choices where the old hand lists disagreed, or were wrong:

- ``number`` of the plan and of its decision: a code (digits only, validated; kh composes
  "118/KH-UBND" itself). ``number`` and ``kind`` of a cited document (``bases``, ``attached_to``)
  are text: printed as written inside the reference sentence ("Kế hoạch số 1895/KH-UBND ngày ..."),
  so tidied and linted (an NFD or TCVN3 "Kế hoạch" is reported); prose in a basis, whose paragraph
  goes through the inline-mark parser like any prose, plain in ``attached_to``, whose "(Kèm theo
  ...)" line is printed as plain text.
- ``about`` ("về", "về việc"): a word printed in that same sentence, so prose in a basis and plain
  in ``attached_to``. As a code, a mark in it was never checked and stopped the render.
- fixed choices (``type``, ``key``, ``numbering``, ``unit_line``, a basis's ``lead``,
  ``assignments: tasks``) are codes: every ``Literal`` field is (tests/test_field_kinds.py).
- plain text keeps its expressions: ``subject: ... năm {{ year }}`` is the usual way to write one.
"""

from __future__ import annotations

from enum import Enum


class Kind(str, Enum):
    """The kind of text a field holds (see the module's docstring)."""

    CODE = "code"
    PLAIN = "plain"
    PROSE = "prose"
    VERBATIM = "verbatim"


#: Markers for ``Annotated[..., CODE]`` on a model field.
CODE, PLAIN, PROSE, VERBATIM = Kind.CODE, Kind.PLAIN, Kind.PROSE, Kind.VERBATIM

#: Kinds whose strings are text kh prints (tidied, linted, expanded).
TEXT_KINDS = frozenset({Kind.PROSE, Kind.PLAIN})
