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

__all__ = [
    "attributed",
    "colon_blocks",
    "comment_threads",
    "copy_from",
    "described_subject",
    "epithet",
    "is_question",
    "in_open_quote",
    "reports_in_quotes",
    "whole_paragraph",
]

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


def is_question(unit: Unit) -> bool:
    """Ends with "?" - unless the mark is a mis-encoded symbol ("lend? 22bn", "Ross.?")."""
    tail = [t for t in unit.tokens if not t.is_punct or t.text == "?"]
    if not tail or tail[-1].text != "?":
        return False
    mark = tail[-1].idx
    before = unit.source[max(0, mark - 1) : mark]
    after = unit.source[mark + 1 : mark + 3].lstrip()
    return before not in (".", "!") and not after[:1].isdigit()


# "the 36-year-old", "the father-of-four": a tabloid's second mention of a named person.
_EPITHET = re.compile(
    r"[Tt]he (?:\d+-year-old|(?:father|mother|dad|mum|mom|grand(?:father|mother))-of-[a-z]+)\b"
)


def epithet(unit: Unit, found: Found) -> bool:
    """Whether the speaker found is an epithet standing for a person named earlier."""
    if found.start is None or found.end is None or found.carried:
        return False
    m = _EPITHET.match(unit.source, found.start)
    return m is not None and m.end() >= found.end


def in_open_quote(unit: Unit, prev: Unit) -> bool:
    """Whether ``unit`` goes on, in the same paragraph, a quotation ``prev`` opened."""
    if "\n" in unit.source[prev.end : unit.start]:
        return False
    marks = [c for c in prev.text if c in '“”"']
    return bool(marks) and marks[0] != "”" and len(marks) % 2 == 1


def reports_in_quotes(history: list[tuple[Unit, Found]]) -> None:
    """A third person reporting inside a quotation is told of by the quotation's speaker:
    '"They brought her tea. She thought they were so kind.' - inside a quotation still open
    from the sentence before, or one the unit opens right after a quoted, attributed one."""
    for (prev_unit, prev), (unit, found) in zip(history, history[1:], strict=False):
        if found.verb_token is None or found.pronoun not in ("he", "she", "they", "it"):
            continue
        if not attributed(prev) or prev.pronoun in ("i", "we"):
            continue
        text = unit.text
        opens = text.startswith(("“", '"'))
        if opens:
            if not any(q in prev_unit.text for q in '“"'):
                continue
        elif not in_open_quote(unit, prev_unit):
            continue
        closes = [i for i in (text.find(q, 1 if opens else 0) for q in ("”", '"')) if i >= 0]
        if not closes or found.verb_token.idx - unit.start < min(closes):
            found.outlets = []
            copy_from(found, prev, verb=prev.verb)


# A comment's header line: its author's name run into a time stamp ("Jane Doe Yesterday
# 19:58", "John Roe04:21+1", "Jane Doe • 2 hours ago").
_COMMENT_HEADER = re.compile(
    r"^(?P<name>[A-Z][a-z'’.-]+(?: [A-Z][a-z'’.-]+){1,3}) ?(?:[•·|–-] ?)?"
    r"(?:Yesterday|Today|\d{1,2}:\d{2}|\d+ (?:minute|hour|day|week|month|year)s? ago)"
    r"[\s\d:+APMapm.,]*$"
)
# A line that ends a thread: a short title-like line of words alone ("Related stories",
# "More on this story", "Advertisement") - not a header, a URL, a count or a sentence.
_SECTION_LINE = re.compile(r"^[A-Z][A-Za-z'’-]*(?: [A-Za-z'’&-]+){0,7}$")


def _commenter(line: str) -> str | None:
    """The author's name on a comment header line, if the line is one."""
    m = _COMMENT_HEADER.match(line)
    if m is None or any(w.lower().strip(".") in lex.NOT_NAMES for w in m["name"].split()):
        return None
    return m["name"]


def thread_spans(text: str) -> list[tuple[int, int, str, int]]:
    """The comments of a comment thread: (name start, name end, name, end of the comment).
    Two or more headers with at least two distinct names make a thread (one name and a time
    is a byline); a comment runs to the next header, the last one to a section line
    ("Related stories": the thread is over) or the end of the text."""
    headers: list[tuple[int, int, str]] = []
    breaks: list[int] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip().strip("\ufeff").strip()
        name = _commenter(stripped)
        if name is not None:
            at = pos + line.index(name)
            headers.append((at, at + len(name), name))
        elif headers and _SECTION_LINE.match(stripped):
            breaks.append(pos)
        pos += len(line) + 1
    if len({h[2] for h in headers}) < 2:
        return []
    last = headers[-1][1]
    stops = [h[0] for h in headers[1:]] + [min([b for b in breaks if b > last], default=len(text))]
    return [(*h, stop) for h, stop in zip(headers, stops, strict=True)]


def comment_threads(text: str, units: Sequence[tuple[Unit, Found]]) -> None:
    """Comments under a header line naming their author are the author's: a sentence in a
    comment without a speaker of its own ("I found this picture on a forum."), until the
    next header or the thread's end. A sentence with its own speaker ("Emergent is saying
    that...") keeps it."""
    spans = thread_spans(text)
    if not spans:
        return
    for unit, found in units:
        header = next((h for h in spans if h[1] <= unit.start < h[3]), None)
        if header is None or (found.speaker and not found.carried and found.pronoun is None):
            continue
        if found.speaker and found.pronoun not in ("i", "we", None):
            continue
        found.speaker, found.kind = header[2], SpeakerKind.PERSON
        found.start, found.end = header[0], header[1]
        found.verb, found.outlets, found.pronoun, found.carried = None, [], None, True
