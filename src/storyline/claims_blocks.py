"""Carried attribution shared by the claims rules: copying a speaker, unquoted blocks.

``described_subject`` names the person a "he"/"she" refers to when the sentence before has a
described, unnamed person as its subject ("One longtime employee who worked with X...").

``copy_from`` gives a unit the attribution of an earlier one (a quotation's speaker, a
pronoun's antecedent). ``colon_blocks`` attributes a block of plain paragraphs introduced by a
line ending with a colon ("She writes:", "As per the Society, intersex is:") to the speaker of
that line: an embedded post or statement quoted without quotation marks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from storyline import claims_lexicon as lex
from storyline.attribution import Found, Unit, root_of
from storyline.attribution_syntax import span_of, subject_of
from storyline.model import SpeakerKind

__all__ = ["attributed", "colon_blocks", "copy_from", "described_subject", "whole_paragraph"]

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


def described_subject(
    history: list[tuple[Unit, Found]], fits: Callable[[str | None], bool]
) -> tuple[str, int, int] | None:
    """The subject of the previous sentence when it is one person described, not named."""
    if not history:
        return None
    prev_unit, prev = history[-1]
    if prev.speaker:
        return None
    inside = {t.i for t in prev_unit.tokens}
    subj = subject_of(root_of(prev_unit), inside)
    if (
        subj is None
        or subj.i not in inside
        or subj.tag_ != "NN"
        or subj.lemma_.lower() not in lex.PERSON_NOUNS | lex.ANON_HEADS
        or subj.lemma_.lower() in ("intelligence", "authority")
        or subj.ent_type_
    ):
        return None
    lo, hi = span_of(subj, inside)
    doc = subj.doc
    words = doc[lo : hi + 1]
    if any(t.ent_type_ == "PERSON" or t.lower_ in ("his", "her", "their") for t in words):
        return None  # "his lawyer": whose lawyer the pronoun may be
    start, end = doc[lo].idx, doc[hi].idx + len(doc[hi].text)
    name = prev_unit.source[start:end]
    return (name, start, end) if fits(name) else None


def whole_paragraph(text: str, qs: int, qe: int) -> bool:
    """Whether the quotation ``qs:qe`` is a paragraph of its own."""
    start = text.rfind("\n", 0, qs) + 1
    end = text.find("\n", qe)
    return not text[start:qs].strip() and not text[qe : end if end >= 0 else len(text)].strip()


def attributed(found: Found) -> bool:
    return bool(found.speaker) and (not found.pronoun or found.antecedent is not None)
