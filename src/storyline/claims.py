"""Claims: split a parsed article into claim units and say on whose authority each is made.

A claim is a declarative statement of fact or reported fact. Page furniture (captions,
headings, "Also read:" lines, outlet blurbs), questions and verbless fragments are not claims.
For every claim the rules below find:

- **attribution**: the speaker (the subject of a reporting verb with a clausal complement, the
  object of "according to", the author of "a statement made by X", the outlet behind "reports
  from X"), its kind, the reporting verb, the media outlets cited as origin, and whether the
  attribution was carried over from an earlier sentence ("It added that...", or a statement
  about the future right after a reported one: the reporter cannot know it first-hand);
- **certainty**: speculative (conditionals, "concerns that", predictions) > hedged (may,
  might, could, reportedly, "it is unknown whether", hedging reporting verbs) > reported
  (a speaker is named) > asserted (the article's own voice);
- **polarity**: denied when a denial verb reports it ("denied", "declined", "refused"), when
  its main clause is negated ("not", "never", "no ...") or when it is a non-event
  ("has yet to", "no evidence that").

Sentences inside one quotation share the speaker it is attributed to ("...," she said). The
attribution of a single unit is found by :mod:`storyline.attribution`; word lists, furniture
patterns and the outlet table live in :mod:`storyline.claims_lexicon`.

Everything works on a spaCy ``Doc`` of exactly ``article.text`` (token offsets are article
offsets) with the tagger, parser and NER of an English pipeline. Nothing here imports spaCy:
the reader passes the parsed doc in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from storyline import claims_lexicon as lex
from storyline.attribution import Found, Unit, attribute, document_author, root_of
from storyline.attribution_syntax import phrasal_denial, subject_of
from storyline.claims_blocks import (
    attributed,
    colon_blocks,
    comment_threads,
    described_subject,
    epithet,
    in_open_quote,
    is_question,
    reports_in_quotes,
    whole_paragraph,
)
from storyline.claims_blocks import copy_from as _copy_from
from storyline.claims_lexicon import OutletTable, furniture_spans, is_furniture_line, load_outlets
from storyline.model import (
    Article,
    Certainty,
    Claim,
    Polarity,
    Sentence,
    SpeakerKind,
    content_id,
    normalise_text,
)

__all__ = ["extract_claims", "furniture_spans", "is_furniture_line"]

_SUBJ = ("nsubj", "nsubjpass", "csubj")
# Dependents that carry a separate statement rather than qualify the main one.
_CORE_CUT = frozenset(("conj", "cc", "advcl", "parataxis", "relcl", "acl"))
_CARRY_WINDOW = 5
_QUOTE_MARKS = ("“", "”", '"', "‘", "«", "»")


# --------------------------------------------------------------------------- public API


def extract_claims(doc: Any, article: Article, sentences: Sequence[Sentence]) -> list[Claim]:
    """The claims of one article, in text order.

    ``doc`` is the spaCy Doc of exactly ``article.text``; ``sentences`` are the reader's
    sentences with offsets into it. A sentence that spans several lines (headings and
    captions glued to the lede by the sentence splitter) is cut at line breaks first.
    """
    text = article.text
    outlets = load_outlets()
    claims: list[Claim] = []
    history: list[tuple[Unit, Found]] = []
    genders = _genders(doc)
    blurbs = lex.blurb_lines(text, article.outlet)
    title = normalise_text(article.title) if article.title else None
    leads: list[tuple[Unit, Found]] = []  # lines ending with a colon that may open a block
    for unit in _units(doc, text, sentences):
        is_claim = _is_claim(unit, title, blurbs)
        is_lead = unit.text.rstrip().endswith(":") and unit.line.rstrip().endswith(":")
        if not is_claim and not is_lead:
            continue
        found = attribute(unit, outlets)
        if epithet(unit, found) and (named := _nearest_person(unit, found, history)):
            found.speaker, found.start, found.end = named  # "The 36-year-old said": who
        _resolve_media_noun(unit, found, outlets)
        _carry(unit, found, history, genders)
        if is_lead:
            leads.append((unit, found))
        if is_claim:
            history.append((unit, found))
    _quoted_speakers(text, history)
    reports_in_quotes(history)
    colon_blocks(text, history, leads)
    comment_threads(text, history)
    for unit, found in history:
        if found.pronoun in ("i", "we") and not any(q in unit.line for q in _QUOTE_MARKS):
            # "Last week we hinted at...", "this is what I would tell her": outside any
            # quotation or block the first person is the writer, the article's own voice.
            found.speaker = found.verb = found.start = found.end = found.pronoun = None
            found.kind, found.outlets = SpeakerKind.ARTICLE, []
    for unit, found in history:
        certainty, polarity, cues = _modality(unit, found)
        claim = Claim(
            id=content_id(article.id, str(unit.start), str(unit.end)),
            article_id=article.id,
            sentence_index=unit.sentence_index,
            start=unit.start,
            end=unit.end,
            text=text[unit.start : unit.end],
            attribution=found.attribution(),
            certainty=certainty,
            polarity=polarity,
            cues=tuple(dict.fromkeys(cues)),
        )
        claims.append(claim)
    return claims


# --------------------------------------------------------------------------- units and furniture


def _units(doc: Any, text: str, sentences: Sequence[Sentence]) -> list[Unit]:
    lines = lex.line_bounds(text)
    units: list[Unit] = []
    li = 0
    for sent in sentences:
        for lo, hi in lines[li:]:
            if hi < sent.start:
                li += 1
                continue
            if lo >= sent.end:
                break
            start, end = max(lo, sent.start), min(hi, sent.end)
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start >= end:
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            tokens = list(span) if span is not None else []
            prev = units[-1] if units else None
            if (
                prev is not None
                and prev.line == text[lo:hi]
                and lex.TITLE_ABBREV.search(text[prev.start : prev.end])
                and text[start : start + 1].isupper()
                and not text[prev.end : start].strip()
            ):
                # "..., Police Sgt." + "Ann Tran said.": one sentence the parser cut.
                prev.joined_at, prev.end = start, end
                prev.tokens += tokens
                continue
            units.append(Unit(sent.index, start, end, tokens, text[lo:hi], text))
    return units


def _is_claim(unit: Unit, title: str | None, blurbs: set[str]) -> bool:
    line = unit.line.strip()
    if line in blurbs or lex.CAPTION.search(line) or lex.BOILERPLATE_LINE.match(line):
        return False
    if lex.is_heading(line) or (title and normalise_text(line) == title):
        return False
    body = unit.tokens
    if not body:
        return False
    if is_question(unit):
        return False
    if sum(1 for t in body if t.is_alpha) < 4:
        return False
    finite = [t for t in body if t.tag_ in ("VBD", "VBZ", "VBP", "MD")]
    if not finite:
        return False
    root = root_of(unit)
    # An imperative ("Click here to subscribe") has a bare verb and no subject.
    return not (
        root.tag_ == "VB"
        and not any(c.dep_ in _SUBJ or c.dep_ in ("aux", "auxpass") for c in root.children)
    )


# --------------------------------------------------------------------------- carried attribution


def _carry(
    unit: Unit,
    found: Found,
    history: list[tuple[Unit, Found]],
    genders: dict[str, str] | None = None,
) -> None:
    recent = [f for _, f in history[-_CARRY_WINDOW:] if f.speaker and not f.pronoun]
    if found.pronoun in ("he", "she"):
        # Without coreference, only an unambiguous antecedent is taken: one person speaking
        # in the last sentences and no other person named since; else the pronoun. People
        # the text marks as of the other gender are no candidates.
        gender = "m" if found.pronoun == "he" else "f"
        table = genders or {}

        def noun_gender(name: str | None) -> str | None:
            head = (name or "").split()[-1:] or [""]
            low = head[0].lower()
            return "m" if low in lex.MALE_NOUNS else "f" if low in lex.FEMALE_NOUNS else None

        def fits(name: str | None) -> bool:
            by_noun = noun_gender(name)
            if by_noun is not None:  # "a ministry spokeswoman" is no "he"
                return by_noun == gender
            return table.get(_surname_key(name or "")) in (None, "?", gender)

        def marked(name: str | None) -> bool:
            return (noun_gender(name) or table.get(_surname_key(name or ""))) == gender

        names = [
            f
            for f in recent
            if (
                f.kind in (SpeakerKind.PERSON, SpeakerKind.ORGANISATION)
                or (f.kind is SpeakerKind.ANONYMOUS and marked(f.speaker))
            )
            and fits(f.speaker)
        ]
        people = list(dict.fromkeys(f.speaker for f in names if f.speaker is not None))
        all_named = _people_named(unit, history)
        named = [n for n in all_named if fits(n)]
        left = {_surname_key(n): n for n in [*people, *named] if _surname_key(n)}
        set_aside = any(not fits(n) for n in all_named) or any(
            not fits(f.speaker) for f in recent if f.kind is SpeakerKind.PERSON
        )
        if (
            len(people) == 1
            and names[-1].kind is SpeakerKind.PERSON
            and set(named) <= {people[0]} | _surnames(people[0])
        ):
            prev = next(f for f in reversed(recent) if f.speaker == people[0])
            _copy_from(found, prev, verb=found.verb)
        elif (
            names
            and (names[-1].kind is SpeakerKind.PERSON or marked(names[-1].speaker))
            and _only_named_since(unit, history, fits, marked)
        ):
            # Several people spoke earlier, but the last one is the only person named since
            # (a speaker the text marks as "she" is a person whatever the tagger said).
            _copy_from(found, names[-1], verb=found.verb)
            if found.kind is SpeakerKind.ORGANISATION:
                found.kind = SpeakerKind.PERSON
        elif not people and (described := described_subject(history, fits)) is not None:
            # "One longtime employee who has worked with the anchor ... / He fumed": the
            # previous sentence's subject, a person described and not named, is the one
            # speaking, not the person it mentions.
            found.speaker, found.start, found.end = described
            found.kind, found.carried, found.pronoun = SpeakerKind.ANONYMOUS, True, None
        elif (
            not people
            and len(_identities(named)) == 1
            and not any(f.pronoun in ("he", "she") for _, f in history[-2:])
        ):
            # "Police questioned Jane Doe. She said..." - but not "He said Jane was... He
            # added": while another "he" is pending, the one person named may not be him.
            name = _identities(named)[0]
            found.speaker, (found.start, found.end) = name, _span_of_name(unit, name)
            found.kind, found.carried, found.pronoun = SpeakerKind.PERSON, True, None
            bare = re.sub(r"(?:'s|’s|'|’)$", "", name)  # "Dylan Thomas’ first trip"
            if bare != name and found.end is not None:
                found.speaker, found.end = bare, found.end - (len(name) - len(bare))
        elif len(left) == 1 and set_aside:
            # One person in view once those the text marks as of the other gender are set
            # aside ("Harris said he was tired. She said...").
            (name,) = left.values()
            prev_f = next((f for f in reversed(names) if f.speaker == name), None)
            if prev_f is not None:
                _copy_from(found, prev_f, verb=found.verb)
            else:
                found.speaker, (found.start, found.end) = name, _span_of_name(unit, name)
                found.kind, found.carried, found.pronoun = SpeakerKind.PERSON, True, None
        if found.pronoun is not None:
            found.antecedent = _nearest_person(unit, found, history, fits)
        return
    if found.pronoun in ("it", "they") and history and in_open_quote(unit, history[-1][0]):
        # '"We called the owner. Unfortunately they could not tell us...': one inside a
        # quotation that is still open is spoken of by the quotation's speaker.
        prev = history[-1][1]
        if prev.speaker and (not prev.pronoun or prev.antecedent is not None):
            _copy_from(found, prev, verb=prev.verb)
            return
    if found.pronoun in ("it", "they"):
        want = {
            "it": (SpeakerKind.ORGANISATION, SpeakerKind.DOCUMENT, SpeakerKind.MEDIA),
            "they": (SpeakerKind.ANONYMOUS, SpeakerKind.ORGANISATION),
        }[found.pronoun]
        antecedent = next((f for f in reversed(recent) if f.kind in want), None)
        if antecedent is not None:
            _copy_from(found, antecedent, verb=found.verb)
        return
    unit_text = unit.text
    quoted = unit_text.startswith(lex.QUOTE_OPEN)
    if not history:
        return
    # A quotation with no speaker right after an attributed claim goes on quoting that speaker
    # ('"...," he said.' and the next paragraph opens a quotation: his, if we can name him).
    last_found = history[-1][1]
    speaking = bool(recent and last_found is recent[-1]) or last_found.antecedent is not None
    if (
        (found.pronoun in ("i", "we") or _speaks_inside_quote(unit, found))
        and quoted
        and speaking
        and any(q in history[-1][0].text for q in ("“", '"', "‘", "'"))
    ):
        # 'I saw it from the door.', '"People think we are mad.' right after a quoted speaker:
        # the quotation goes on, and whoever speaks inside it is quoted by its speaker.
        found.outlets = []
        _copy_from(found, last_found, verb=last_found.verb)
        return
    if (
        quoted
        and last_found.pronoun in ("he", "she")
        and _speaks_inside_quote(unit, found)
        and found.pronoun is None
    ):
        # The same, after a "he said" we cannot name: the one inside is not the speaker.
        found.speaker = found.verb = found.start = found.end = None
        found.kind, found.outlets = SpeakerKind.ARTICLE, []
        return
    if found.speaker or found.outlets or found.verb:
        return
    if quoted and speaking:
        _copy_from(found, last_found)
        return
    if not recent:
        return
    # A statement about the future on the same topic right after a report an outlet relays
    # (not a quotation) continues the report: the reporter cannot know it first-hand. After
    # a quotation or a report no outlet relays, such a sentence is the article's own voice.
    last = [(u, f) for u, f in history[-2:] if f.speaker and not f.pronoun]
    if last and lex.FUTURE.search(unit_text) and not quoted:
        prev_unit, prev = last[-1]
        if (
            prev.outlets
            and not any(q in prev_unit.text for q in ("“", '"', "”"))
            and _topic_words(_subject_tokens(unit)) & _topic_words(_content_tokens(prev_unit, prev))
        ):
            _copy_from(found, prev)


def _quoted_speakers(text: str, found_units: list[tuple[Unit, Found]]) -> None:
    """Sentences inside one quotation share the speaker the quotation is attributed to.

    The attribution sits outside the quotation marks ("...," he said / X said: "...") in one
    of the sentences the quotation touches; a sentence within the quotation with no speaker
    of its own, or with "I"/"we", is that speaker's.
    """
    left_open: tuple[int, Found] | None = None  # a quotation still open at a paragraph's end
    for qs, qe in lex.quotations(text):
        touching = [(u, f) for u, f in found_units if u.start < qe and u.end > qs]
        if not touching:
            continue
        anchors = [(u, f) for u, f in touching if _attributed_outside(f, qs, qe)]
        if not anchors and left_open is not None and not text[left_open[0] : qs].strip():
            # '...said: “I felt elation.\n\n“I can't thank them enough.”': the quotation
            # goes on in the next paragraph, which opens with a quotation mark again.
            anchors = [(touching[0][0], left_open[1])]
        left_open = None
        if not anchors and touching[0][1].speaker and touching[0][1].carried:
            anchors = [touching[0]]  # its first sentence continues the previous speaker
        if not anchors:
            first = touching[0][0]
            before = [(u, f) for u, f in found_units if u.end <= first.start]
            if before and before[-1][0].line.rstrip().endswith(":"):
                if not before[-1][1].speaker:  # "Below is the statement from X:\n'...'"
                    author = document_author(before[-1][0], load_outlets())
                    if author is not None:
                        anchors = [(before[-1][0], author)]
                if before[-1][1].speaker:
                    anchors = [before[-1]]  # X said:\n"..."
            elif before and whole_paragraph(text, qs, qe):
                # A paragraph that is all one quotation, attributed nowhere, quotes the last
                # source the paragraph before it names ("As previously reported by X, ...").
                line = before[-1][0].line
                named = [(u, f) for u, f in before if u.line == line and attributed(f)]
                anchors = named[-1:]
        if not anchors:
            for u, f in touching:  # "I" in an unattributed quotation is nobody we can name
                if f.pronoun in ("i", "we") and u.start >= qs:
                    f.speaker = f.verb = f.start = f.end = f.pronoun = None
                    f.kind = SpeakerKind.ARTICLE
            continue
        # The attribution after the quotation wins ("...," she said), then the one before.
        after = [(u, f) for u, f in anchors if _cue(f) >= qe]
        anchor = (after or anchors)[0][1]
        if text[qe : qe + 1] == "\n" and anchor.speaker:
            left_open = (qe, anchor)
        for u, f in touching:
            if f is anchor:
                continue
            inside_quote = min(u.end, qe) - max(u.start, qs) >= (u.end - u.start) / 2
            # A speaker carried from before the quotation was a guess: its own attribution wins
            # ('...," the insider said. / "NBC bosses don't... addressed it," the source said.').
            if inside_quote and (not f.speaker or f.pronoun in ("i", "we") or f.carried):
                _copy_from(f, anchor, verb=anchor.verb)


def _speaks_inside_quote(unit: Unit, found: Found) -> bool:
    """Whether the unit opens a quotation and its reporting verb comes before it closes."""
    if found.verb_token is None:
        return False
    text = unit.text
    close = min((i for i in (text.find(q, 1) for q in ("”", '"', "’ ", "' ")) if i > 0), default=-1)
    at = found.verb_token.idx - unit.start
    return close < 0 or at < close


def _cue(found: Found) -> int:
    """Where a unit attributes itself: its reporting verb, else its speaker ("according to X")."""
    if found.verb_token is not None:
        return int(found.verb_token.idx)
    return found.start if found.start is not None and not found.carried else -1


def _attributed_outside(found: Found, qs: int, qe: int) -> bool:
    """Whether a unit names its speaker outside the quotation ``qs:qe`` (so it attributes it)."""
    cue = _cue(found)
    return (
        bool(found.speaker) and found.pronoun not in ("i", "we") and cue >= 0 and not qs <= cue < qe
    )


def _resolve_media_noun(unit: Unit, found: Found, outlets: OutletTable) -> None:
    """ "the newspaper reported": the outlet last named before this sentence."""
    if found.kind is not SpeakerKind.MEDIA or found.outlets or not unit.tokens:
        return
    if not (found.speaker or "").lower().startswith(("the ", "this ")):
        return
    name = outlets.last_before(unit.tokens[0].doc, unit.source, unit.start)
    if name:
        found.outlets.append(name)


def _subject_tokens(unit: Unit) -> list[Any]:
    root = root_of(unit)
    inside = {t.i for t in unit.tokens}
    subj = subject_of(root, inside)
    return [t for t in subj.subtree if t.i in inside] if subj is not None else []


def _content_tokens(unit: Unit, found: Found) -> list[Any]:
    inside = {t.i for t in unit.tokens}
    head = found.content if found.content is not None else root_of(unit)
    return [t for t in head.subtree if t.i in inside]


def _topic_words(tokens: Sequence[Any]) -> set[str]:
    return {
        t.lemma_.lower()
        for t in tokens
        if t.pos_ in ("NOUN", "PROPN") and not t.is_stop and len(t.text) > 2
    }


def _identities(names: Sequence[str]) -> list[str]:
    """The distinct people among names, by their fullest form ("Jane Doe" and "Doe" are one)."""
    out: list[str] = []
    for name in sorted(set(names), key=len, reverse=True):
        words = set(_surname_key(name).split())
        if words and not any(words <= set(_surname_key(o).split()) for o in out):
            out.append(name)
    return out


def _people_named(unit: Unit, history: list[tuple[Unit, Found]]) -> list[str]:
    """PERSON names in the previous two claims and this one before its verb, latest last."""
    if not unit.tokens:
        return []
    doc = unit.tokens[0].doc
    lo = history[-2][0].start if len(history) >= 2 else (history[0][0].start if history else 0)

    def quoted(at: int) -> bool:
        """'"I'm sad that Catherine is leaving," she wrote': one spoken of in the quotation."""
        before = unit.source[unit.start : at] if at >= unit.start else ""
        return sum(before.count(q) for q in ('"', "“", "”")) % 2 == 1

    return [
        e.text
        for e in doc.ents
        if e.label_ == "PERSON"
        and lo <= e.start_char < unit.end
        and len(e.text) > 1
        and not quoted(e.start_char)
    ]


def _nearest_person(
    unit: Unit,
    found: Found,
    history: list[tuple[Unit, Found]],
    fits: Callable[[str | None], bool] = bool,
) -> tuple[str, int, int] | None:
    """The person named last before a pronoun as the subject of a clause (or as a speaker),
    within this and the last three claims: "Tomas Berg recorded an interview. '...,' he said"
    - but not "she spoke about her life with Tomas Berg. '...,' she said"."""
    if not unit.tokens or found.start is None:
        return None
    lo = history[-3][0].start if len(history) >= 3 else 0
    outlets = load_outlets()
    # "Doe says Roe will have a lot to do. '...,' he told the paper": the one spoken about
    # in a reported claim is not the one who goes on speaking.
    reported = [
        (u.start, u.end)
        for u, f in history[-3:]
        if f.speaker and not f.pronoun and f.kind is SpeakerKind.PERSON
    ]
    mentions = [
        (e.start_char, e.end_char, e.text)
        for e in unit.tokens[0].doc.ents
        if e.label_ == "PERSON"
        and lo <= e.start_char
        and e.end_char <= found.start
        and _is_subject(e.root)
        and outlets.lookup(e.text) is None
        and fits(e.text)
        and not any(a <= e.start_char < b for a, b in reported)
    ]
    mentions += [
        (f.start, f.end, f.speaker)
        for u, f in history[-3:]
        if f.kind is SpeakerKind.PERSON
        and f.speaker
        and not f.pronoun
        and f.start is not None
        and f.end is not None
        and lo <= f.start < found.start
        and fits(f.speaker)
    ]
    if not mentions:
        return None
    start, end, name = max(mentions)
    return name, start, end


def _is_subject(tok: Any) -> bool:
    while tok.dep_ in ("compound", "appos", "conj", "flat") and tok.head.i != tok.i:
        tok = tok.head
    return tok.dep_ in ("nsubj", "nsubjpass")


def _only_named_since(
    unit: Unit,
    history: list[tuple[Unit, Found]],
    fits: Callable[[str | None], bool] = bool,
    marked: Callable[[str | None], bool] = lambda _: False,
) -> bool:
    """Whether the last person to speak is the only person named from then to this unit
    (people of the other gender aside)."""
    last = next(
        (
            (u, f)
            for u, f in reversed(history[-_CARRY_WINDOW:])
            if f.speaker
            and not f.pronoun
            and (f.kind is SpeakerKind.PERSON or marked(f.speaker))
            and fits(f.speaker)
        ),
        None,
    )
    if last is None or not unit.tokens:
        return False
    since, speaker = last[0].start, last[1].speaker or ""
    forms = {speaker} | _surnames(speaker)
    return all(
        e.text in forms or e.text in speaker or not fits(e.text)
        for e in unit.tokens[0].doc.ents
        if e.label_ == "PERSON" and since <= e.start_char < unit.end and len(e.text) > 1
    )


def _surname_key(name: str) -> str:
    """How a person is told apart: "Ms. Jane Doe's" -> "jane doe", "Doe" -> "doe"."""
    words = re.sub(r"(?:'s|’s|')$", "", name.strip()).split()
    words = [w for w in words if w.lower() not in lex.MALE_TITLES | lex.FEMALE_TITLES]
    return " ".join(words).lower()


class _Genders(dict[str, str]):
    """Gender by full name; a bare surname takes the gender of the one full name it ends."""

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        if " " not in key:
            fulls = {v for k, v in self.items() if k.endswith(" " + key)}
            if len(fulls) == 1 and len([k for k in self.keys() if k.endswith(" " + key)]) == 1:
                return fulls.pop()
        return default


def _genders(doc: Any) -> _Genders:
    """ "m" or "f" for the people the article names, by surname, from what the text says of
    them: a title before the name ("Ms. Doe"), a role noun beside it ("spokeswoman Jane
    Doe", "Doe, a spokesman"), the first he/she after it in its sentence (no one else named
    in between). Conflicting cues leave a person unmarked."""
    votes: dict[str, list[int]] = {}
    # A surname alone is often tagged as an organisation ("Ward said he..."): it still names
    # the person whose full name ends in it.
    surnames = {e.text.split()[-1] for e in doc.ents if e.label_ == "PERSON" and " " in e.text}
    ents = [e for e in doc.ents if e.label_ == "PERSON" or e.text in surnames]
    ents += [doc[t.i : t.i + 1] for t in doc if t.text in surnames and not t.ent_type_]
    for e in ents:
        key = _surname_key(e.text)
        if not key:
            continue
        vote = votes.setdefault(key, [0, 0])
        near = [t for t in doc[max(0, e.start - 2) : e.start + 1] if not t.is_punct]
        near += [c for c in e.root.children if c.dep_ == "appos"]
        if e.root.dep_ == "appos":
            near.append(e.root.head)
        for t in near:
            low = t.lower_
            vote[0] += 2 * (low in lex.MALE_TITLES or t.lemma_.lower() in lex.MALE_NOUNS)
            vote[1] += 2 * (low in lex.FEMALE_TITLES or t.lemma_.lower() in lex.FEMALE_NOUNS)
        for t in doc[e.end : e.sent.end]:
            if t.ent_type_ == "PERSON":
                break
            if t.lower_ in lex.MALE_PRONOUNS or t.lower_ in lex.FEMALE_PRONOUNS:
                vote[t.lower_ in lex.FEMALE_PRONOUNS] += 1
                break
    # "Doe said he..." marks "Jane Doe" too when she is the one full name ending in "Doe";
    # family members share a surname, so with two such names the bare one marks no one.
    for k in [k for k in votes if " " not in k]:
        fulls = [f for f in votes if f.endswith(" " + k)]
        if len(fulls) == 1:
            votes[fulls[0]] = [a + b for a, b in zip(votes[fulls[0]], votes[k], strict=True)]
    table = _Genders({k: "m" if m > f else "f" for k, (m, f) in votes.items() if m != f})
    for k in list(votes):
        if " " in k and k not in table:
            table[k] = "?"
    return table


def _surnames(name: str) -> set[str]:
    """Short forms a name is written in later: "Jane Doe" -> {"Doe", "Ms Doe", ...}."""
    parts = name.split()
    last = parts[-1] if parts else name
    return {last} | {f"{t} {last}" for t in ("Mr", "Mr.", "Ms", "Ms.", "Mrs", "Mrs.", "Dr", "Dr.")}


def _span_of_name(unit: Unit, name: str) -> tuple[int | None, int | None]:
    doc = unit.tokens[0].doc
    for e in reversed(doc.ents):
        if e.text == name and e.start_char < unit.end:
            return e.start_char, e.end_char
    return None, None


# --------------------------------------------------------------------------- certainty, polarity


def _core(head: Any, inside: set[int]) -> list[Any]:
    """The tokens of a clause without its coordinated or subordinate clauses."""
    out = [head]
    stack = [c for c in head.children if c.dep_ not in _CORE_CUT]
    while stack:
        tok = stack.pop()
        if tok.i in inside:
            out.append(tok)
        stack.extend(c for c in tok.children if c.dep_ not in ("relcl", "acl", "advcl"))
    return sorted(out, key=lambda t: t.i)


def _modality(unit: Unit, found: Found) -> tuple[Certainty, Polarity, list[str]]:
    inside = {t.i for t in unit.tokens}
    content = found.content if found.content is not None else root_of(unit)
    core = _core(content, inside)
    core_ids = {t.i for t in core}
    core_text = " ".join(t.lower_ for t in core)
    unit_text = unit.text.lower()
    hedges: list[str] = []
    speculative: list[str] = []
    negations: list[str] = []

    verb = found.verb_token
    negated = False
    if verb is not None:
        lemma = verb.lemma_.lower()
        if lemma in lex.DENY_VERBS or phrasal_denial(verb):
            negated = not negated
            negations.append(verb.lower_)
        if lemma in lex.HEDGE_VERBS:
            hedges.append(verb.lower_)
        if lemma in lex.PREDICT_VERBS:
            speculative.append(verb.lower_)
        if any(c.dep_ == "neg" for c in verb.children):  # "did not confirm"
            negated = not negated
            negations.append("not " + verb.lower_)
    # Negation of the reported clause itself, through its auxiliaries and control verbs.
    chain = [content] + [t for t in content.subtree if t.dep_ == "xcomp" and t.i in core_ids]
    if verb is not None:  # its own "not" is counted above
        chain = [t for t in chain if t.i != verb.i]
    # "did not know why", "no idea": ignorance is a hedge (see lex.HEDGE_PHRASES), not a denial.
    chain = [t for t in chain if t.lemma_.lower() not in lex.IGNORANCE]
    if any(c.dep_ == "neg" for t in chain for c in t.children):
        negated = not negated
        negations.append(next(c.lower_ for t in chain for c in t.children if c.dep_ == "neg"))
    for pat in lex.NEG_PHRASES:
        m = pat.search(core_text)
        if m:
            negated = not negated
            negations.append(m.group(0))
            break
    else:
        for tok in core:
            if (
                tok.lower_ == "no"
                and tok.dep_ == "det"
                and tok.head.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")
                and tok.head.lemma_.lower() not in lex.IGNORANCE
            ):
                negated = not negated
                negations.append("no " + tok.head.lower_)
                break

    for tok in unit.tokens:
        low = tok.lower_
        if (
            (
                low in lex.HEDGE_ADV
                and tok.dep_ in ("advmod", "acomp")
                and (tok.i in core_ids or low not in ("likely", "probably", "maybe"))
            )
            or tok.tag_ == "MD"
            and low in lex.HEDGE_MODALS
            and tok.i in core_ids
        ):
            hedges.append(low)
        elif low in lex.HEDGE_ADJ and tok.i in core_ids:
            # "the alleged attacker fled", "is possible": the claim itself is in doubt;
            # "discussed the potential closure" is a certain claim about a possibility.
            on_object = tok.head.dep_ == "dobj" and low in lex.DOUBTED
            if tok.dep_ in ("acomp", "attr") or (
                tok.dep_ == "amod"
                and (tok.head.dep_ in ("nsubj", "nsubjpass", "attr") or on_object)
                and tok.head.head.i == content.i
            ):
                hedges.append(low)
        elif (
            tok.tag_ == "MD"
            and low == "would"
            and tok.i in core_ids
            and verb is None
            and not any(c.dep_ == "neg" for c in tok.head.children)  # "would not discuss"
        ):
            speculative.append(low)
    for pat in lex.HEDGE_PHRASES:
        m = pat.search(unit_text)
        if m:
            hedges.append(m.group(0))
    for pat in lex.SPECULATIVE_PHRASES:
        m = pat.search(unit_text)
        if m:
            speculative.append(m.group(0))
    # A condition ("If the talks fail, ..."), not an indirect question ("asked if", "as if").
    if content.lemma_.lower() not in lex.ASKING and any(
        c.dep_ == "advcl"
        and any(
            m.lower_ in ("if", "unless")
            and m.dep_ == "mark"
            and (m.i == 0 or m.nbor(-1).lower_ != "as")
            for m in c.children
        )
        for c in content.children
    ):
        speculative.append("if")

    if speculative:
        certainty = Certainty.SPECULATIVE
    elif hedges:
        certainty = Certainty.HEDGED
    elif found.speaker or found.outlets:
        certainty = Certainty.REPORTED
    else:
        certainty = Certainty.ASSERTED
    polarity = Polarity.DENIED if negated else Polarity.AFFIRMED
    return certainty, polarity, speculative + hedges + negations
