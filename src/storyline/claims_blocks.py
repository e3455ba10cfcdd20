"""Carried attribution shared by the claims rules: copying a speaker, unquoted blocks.

``copy_from`` gives a unit the attribution of an earlier one (a quotation's speaker, a
pronoun's antecedent). ``colon_blocks`` attributes a block of plain paragraphs introduced by a
line ending with a colon ("She writes:", "As per the Society, intersex is:") to the speaker of
that line: an embedded post or statement quoted without quotation marks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storyline.attribution import Found, Unit
from storyline.model import SpeakerKind

__all__ = ["colon_blocks", "copy_from"]

_QUOTES = ("“", "”", '"', "«", "»")
_FIRST_PERSON = re.compile(r"\bI\b|\b(?:[Mm]y|[Mm]e|[Ww]e|[Oo]ur|[Uu]s)\b")


def copy_from(found: Found, prev: Found, verb: str | None = None) -> None:
    found.speaker, found.kind = prev.speaker, prev.kind
    found.start, found.end = prev.start, prev.end
    if prev.pronoun in ("he", "she") and prev.antecedent is not None:
        found.speaker, found.start, found.end = prev.antecedent
        found.kind = SpeakerKind.PERSON
    found.outlets = list(prev.outlets) + found.outlets
    found.verb = verb or found.verb or prev.verb
    found.pronoun = None
    found.carried = True


def colon_blocks(
    text: str, units: Sequence[tuple[Unit, Found]], leads: Sequence[tuple[Unit, Found]]
) -> None:
    """The plain paragraphs after a lead line "X writes:" are X's, until the block ends.

    The block starts on the next line. Its first paragraph is X's whatever it says; a later
    paragraph goes on the block only while it speaks in the first person ("I", "we"). A
    sentence with quotation marks (the quotation rules attribute it) or with a speaker of its
    own ends the block.
    """
    for lead_unit, lead in leads:
        if not lead.speaker or lead.pronoun in ("i", "we"):
            continue
        after = [(u, f) for u, f in units if u.start >= lead_unit.end]
        if not after or "\n" not in text[lead_unit.end : after[0][0].start]:
            continue
        prev_end = lead_unit.end
        first_line = True
        for u, f in after:
            if any(q in u.text for q in _QUOTES):
                break
            if f.speaker and f.pronoun not in ("i", "we"):
                break
            new_line = "\n" in text[prev_end : u.start]
            if new_line and prev_end != lead_unit.end:
                first_line = False
            if not first_line and new_line and not _FIRST_PERSON.search(u.line):
                break
            copy_from(f, lead, verb=lead.verb)
            prev_end = u.end
