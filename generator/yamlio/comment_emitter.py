"""ruamel.yaml's round-trip emitter with the fixes kh's rewrites need to write every comment."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.events import ScalarEvent


class Emitter(RoundTripEmitter):
    """ruamel's emitter, skipping a block scalar's header comment where it looks for "before" comments,
    keeping lines after a block scalar out of its text, and each key of a block mapping on its line."""

    def write_pre_comment(self, event: Any) -> bool:
        comments = event.comment[1] if event.comment else None
        if comments and any(isinstance(c, str) for c in comments):
            tokens = [c for c in comments if not isinstance(c, str)]
            if not tokens:
                return False
            saved = event.comment[1]
            event.comment[1] = tokens
            try:
                return bool(super().write_pre_comment(event))
            finally:
                event.comment[1] = saved
        return bool(super().write_pre_comment(event))

    def expect_block_mapping_key(self, first: Any = False) -> None:
        # "No line break" is for the first key right after a list dash; a flow mapping item followed
        # by a comment can leave it set, and the second key of the next (block) mapping would then be
        # written on the first key's line (the next item of a list on the line of the one before).
        if not first:
            self.no_newline = False
        super().expect_block_mapping_key(first)

    def expect_block_sequence_item(self, first: bool = False) -> None:
        if not first:
            self.no_newline = False
        super().expect_block_sequence_item(first)

    def write_post_comment(self, event: Any) -> bool:
        # Lines after a block scalar indented as deep as its text would be read back as its text
        # (ruamel moves only the first one left): every such line is moved left of the text.
        token = event.comment[0] if event.comment else None
        if (token is not None and isinstance(event, ScalarEvent) and event.style in ("|", ">")
                and self.indent and isinstance(token.value, str)):
            limit = self.indent - 1
            rows = token.value.split("\n")
            start = 1 if rows[0].lstrip().startswith("#") and token.start_mark.column else 0
            for i in range(start, len(rows)):
                depth = len(rows[i]) - len(rows[i].lstrip(" "))
                if rows[i].strip() and depth > limit:
                    rows[i] = " " * limit + rows[i].lstrip(" ")
            token.value = "\n".join(rows)
        return bool(super().write_post_comment(event))


class Header(str):
    """A block scalar's header comment (``"  # x"``): a string, as the emitter wants, that also answers
    ``reset()`` like a comment token (ruamel's list representer resets every "before" comment of an item
    and, on a plain string, drops all the list's comments)."""

    def reset(self) -> None:
        return None
