"""Vietnamese digit grouping, "1.234.567", for the lowest layer's messages.

The one implementation of the rule: :func:`generator.lang.vnwords.format_amount` (document text)
uses it, and so do the messages of modules below ``lang`` (the template sandbox's limits).
"""

from __future__ import annotations


def group_digits(n: int) -> str:
    """1234567 → '1.234.567'; -1500 → '-1.500' (dots between groups of three, Vietnamese style)."""
    grouped = f"{abs(n):,}".replace(",", ".")
    return f"-{grouped}" if n < 0 else grouped
