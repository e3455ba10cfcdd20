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

Sentences inside one quotation share the speaker it is attributed to ("...," she said); word
lists, furniture patterns and the outlet table live in :mod:`storyline.claims_lexicon`.

Everything works on a spaCy ``Doc`` of exactly ``article.text`` (token offsets are article
offsets) with the tagger, parser and NER of an English pipeline. Nothing here imports spaCy:
the reader passes the parsed doc in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline import claims_lexicon as lex
from storyline.claims_lexicon import OutletTable, furniture_spans, is_furniture_line, load_outlets
from storyline.model import (
    Article,
    Attribution,
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
# Dependents that do not belong to a speaker's name.
_SPEAKER_CUT = frozenset(("relcl", "acl", "appos", "punct", "advcl", "parataxis", "cc"))
# Dependents that carry a separate statement rather than qualify the main one.
_CORE_CUT = frozenset(("conj", "cc", "advcl", "parataxis", "relcl", "acl"))
_CARRY_WINDOW = 5
# Unnamed groups that speak ("Some said...", "Those who saw it claimed...").
_GROUPS = ("some", "many", "others", "several", "few", "those", "most", "both", "all")
_REFUSE = ("decline", "refuse")
_XCOMP_SPEECH = ("claim", "vow", "pledge", "promise", "threaten", "urge", "warn", "tell", "ask")


@dataclass
class _Unit:
    """A stretch of one sentence within one line of text: the candidate for one claim."""

    sentence_index: int
    start: int
    end: int
    tokens: list[Any]
    line: str
    source: str  # the whole article text (Doc.text is rebuilt on every access)
    root_token: Any = None  # cached by _root

    @property
    def text(self) -> str:
        return self.source[self.start : self.end]


@dataclass
class _Found:
    """What the attribution rules found in one unit."""

    speaker: str | None = None
    kind: SpeakerKind = SpeakerKind.ARTICLE
    verb: str | None = None
    outlets: list[str] = field(default_factory=list)
    start: int | None = None
    end: int | None = None
    carried: bool = False
    verb_token: Any = None
    content: Any = None
    pronoun: str | None = None

    def attribution(self) -> Attribution:
        return Attribution(
            speaker=self.speaker,
            kind=self.kind if (self.speaker or self.outlets) else SpeakerKind.ARTICLE,
            verb=self.verb,
            cited_outlets=tuple(dict.fromkeys(self.outlets)),
            speaker_start=self.start,
            speaker_end=self.end,
            carried=self.carried,
        )


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
    history: list[tuple[_Unit, _Found]] = []
    blurbs = lex.blurb_lines(text, article.outlet)
    title = normalise_text(article.title) if article.title else None
    for unit in _units(doc, text, sentences):
        if not _is_claim(unit, title, blurbs):
            continue
        found = _attribute(unit, outlets)
        _resolve_media_noun(unit, found, outlets)
        _carry(unit, found, history)
        history.append((unit, found))
    _quoted_speakers(text, history)
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


def _units(doc: Any, text: str, sentences: Sequence[Sentence]) -> list[_Unit]:
    lines = lex.line_bounds(text)
    units = []
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
            units.append(_Unit(sent.index, start, end, tokens, text[lo:hi], text))
    return units


def _is_claim(unit: _Unit, title: str | None, blurbs: set[str]) -> bool:
    line = unit.line.strip()
    if line in blurbs or lex.CAPTION.search(line) or lex.BOILERPLATE_LINE.match(line):
        return False
    if lex.is_heading(line) or (title and normalise_text(line) == title):
        return False
    body = unit.tokens
    if not body:
        return False
    if _is_question(unit):
        return False
    if sum(1 for t in body if t.is_alpha) < 4:
        return False
    finite = [t for t in body if t.tag_ in ("VBD", "VBZ", "VBP", "MD")]
    if not finite:
        return False
    root = _root(unit)
    # An imperative ("Click here to subscribe") has a bare verb and no subject.
    return not (
        root.tag_ == "VB"
        and not any(c.dep_ in _SUBJ or c.dep_ in ("aux", "auxpass") for c in root.children)
    )


def _is_question(unit: _Unit) -> bool:
    """Ends with "?" - unless the mark is a mis-encoded symbol ("lend? 22bn", "Ross.?")."""
    tail = [t for t in unit.tokens if not t.is_punct or t.text == "?"]
    if not tail or tail[-1].text != "?":
        return False
    mark = tail[-1].idx
    before = unit.source[max(0, mark - 1) : mark]
    after = unit.source[mark + 1 : mark + 3].lstrip()
    return before not in (".", "!") and not after[:1].isdigit()


def _root(unit: _Unit) -> Any:
    """The token of the unit whose subtree covers most of it (its syntactic root)."""
    if unit.root_token is None:
        inside = {t.i for t in unit.tokens}
        roots = [t for t in unit.tokens if t.head.i == t.i or t.head.i not in inside]
        verbs = [t for t in roots if t.pos_ in ("VERB", "AUX")] or roots
        unit.root_token = max(verbs, key=lambda t: sum(1 for x in t.subtree if x.i in inside))
    return unit.root_token


# --------------------------------------------------------------------------- attribution


def _attribute(unit: _Unit, outlets: OutletTable) -> _Found:
    found = _Found()
    inside = {t.i for t in unit.tokens}
    root = _root(unit)
    verb = _reporting_verb(unit.tokens, root, inside)
    if verb is not None:
        _speaker_of_verb(found, verb, root, inside, outlets)
        if found.kind is SpeakerKind.MEDIA and found.content is not None:
            # "USA Today reports that Rep. X says...": X speaks, the paper is the origin.
            nested = [t for t in found.content.subtree if t.i in inside and t.i != verb.i]
            inner = _reporting_verb(nested, found.content, inside)
            if inner is not None and inner.lemma_.lower() in lex.SPEECH_VERBS | lex.STRONG_SPEECH:
                sub = _Found()
                _speaker_of_verb(sub, inner, found.content, inside, outlets)
                if sub.speaker and sub.kind is not SpeakerKind.MEDIA and not sub.pronoun:
                    sub.outlets = found.outlets + sub.outlets
                    found = sub
    if verb is None:
        _colon_quote(unit, found, root, inside, outlets)
    _according_to(unit, found, inside, outlets)
    _statement_by(unit, found, inside, outlets)
    _citing(unit, found, inside, outlets)
    if found.content is None:
        found.content = root
    if not found.speaker and not found.outlets:
        found.verb = None  # "it was noted that": no one to attribute the verb to
    return found


def _colon_quote(
    unit: _Unit, found: _Found, root: Any, inside: set[int], outlets: OutletTable
) -> None:
    """ "The minister offered praise: “...”": whoever acts before the colon is quoted."""
    toks = unit.tokens
    for colon, mark in zip(toks, toks[1:], strict=False):
        if colon.text == ":" and mark.text in ("“", '"'):
            # The verb before the colon; the parser often hangs it under the quotation.
            verbs = [
                t
                for t in toks
                if t.i < colon.i and t.pos_ == "VERB" and any(c.dep_ in _SUBJ for c in t.children)
            ]
            verb = min(verbs, key=lambda t: _depth(t, root)) if verbs else None
            subject = _subject(verb, inside) if verb is not None else None
            if subject is not None and subject.i in inside and _speakerlike(subject):
                _speaker_of_verb(found, verb, root, inside, outlets)
                found.content = None
            return


def _speaker_of_verb(
    found: _Found, verb: Any, root: Any, inside: set[int], outlets: OutletTable
) -> None:
    found.verb = verb.text.lower()
    found.verb_token = verb
    found.content = _content_of(verb, root)
    subject = _subject(verb, inside)
    if subject is not None and subject.i not in inside:
        # The splitter glued a heading to this line and the parser took the heading as
        # subject: the part of that subject inside this line is the real one.
        tops = [
            t
            for t in subject.subtree
            if t.i in inside
            and t.head.i not in inside
            and t.i < verb.i
            and t.pos_ in ("NOUN", "PROPN", "PRON")
        ]
        subject = tops[0] if tops else None
    if subject is not None and subject.dep_ != "nsubjpass":  # "terms were not disclosed"
        if subject.pos_ == "PRON" and subject.lower_ in lex.PERSONAL:
            found.pronoun = subject.lower_
            found.speaker = subject.text
            found.start, found.end = subject.idx, subject.idx + len(subject.text)
            found.kind = _kind_of(subject, [subject])
        elif subject.pos_ != "PRON" or subject.lower_ in _GROUPS:
            _set_speaker(found, subject, inside, outlets)
    for child in verb.children:
        # "X told CNN", "said in an interview with Reuters": the outlet is an origin.
        if child.dep_ in ("dative", "dobj") and child.pos_ == "PROPN":
            name = _outlet_name(child, inside, outlets)
            if name:
                found.outlets.append(name)
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj" and found.speaker is None:
                    _set_speaker(found, pobj, inside, outlets)
        if child.dep_ == "prep" and child.lower_ == "to":  # "confirmed to Reuters"
            for pobj in child.children:
                name = _outlet_name(pobj, inside, outlets) if pobj.dep_ == "pobj" else None
                if name:
                    found.outlets.append(name)


def _reporting_verb(tokens: Sequence[Any], root: Any, inside: set[int]) -> Any:
    """The reporting verb nearest the root of the unit, if one introduces reported content."""
    best = None
    best_depth = 99
    for tok in tokens:
        lemma = tok.lemma_.lower()
        if lemma not in lex.REPORTING_VERBS or tok.pos_ not in ("VERB", "AUX"):
            continue
        # "An official downplayed the unrest, saying that...": the participle reports.
        participle = _is_participle(tok)
        if tok.dep_ in ("amod", "compound", "acl", "relcl", "pcomp", "pobj") and not participle:
            continue
        if tok.dep_ == "advcl" and not participle:
            continue
        # "agreed to slash spending" is an act; "claimed to have", "declined to comment" report.
        clausal = any(
            c.dep_ == "ccomp"
            or (c.dep_ == "dobj" and c.pos_ == "VERB")
            or (c.dep_ == "xcomp" and (lemma in _XCOMP_SPEECH or c.lemma_ in lex.REPORTING_VERBS))
            for c in tok.children
        )
        # "..., officials said": the reported clause is the verb's head or its ccomp to the left.
        reversed_ = (
            tok.dep_ in ("parataxis", "ccomp") and tok.head.i in inside and tok.i > tok.head.i
        )
        subject = _subject(tok)
        if (
            subject is not None
            and subject.pos_ in ("PRON", "DET")
            and subject.lower_ not in lex.PERSONAL + _GROUPS
        ):
            continue  # "who said", "that is not to say", "...would have you believe"
        if subject is not None and (
            subject.lower_ in ("nobody", "none")
            or any(c.lower_ == "no" and c.dep_ == "det" for c in subject.children)
        ):
            continue  # "no one is saying"
        if lemma in _REFUSE and not any(
            c.dep_ == "ccomp"
            or (c.dep_ == "xcomp" and c.lemma_.lower() in lex.REPORTING_VERBS)
            or (c.dep_ == "dobj" and c.lemma_.lower() in lex.DENIED_THINGS)
            for c in tok.children
        ):
            continue  # "declined to comment" reports; "refused to be photographed" does not
        if lemma in lex.DENY_VERBS and not any(
            c.dep_ in ("ccomp", "xcomp", "dobj", "pcomp") for c in tok.children
        ):
            continue
        plain = lemma in lex.SPEECH_VERBS and (
            _speakerlike(subject)
            or (lemma in lex.STRONG_SPEECH and subject is not None and subject.pos_ in lex.NOMINAL)
        )
        if lemma in ("express", "voice"):
            plain = any(
                c.dep_ == "dobj" and c.lemma_.lower() in lex.EXPRESSED for c in tok.children
            )
        if not (clausal or reversed_ or plain):
            continue
        # "The data show that...", "Police found that...": content verbs need a speaker.
        if lemma in lex.CONTENT_VERBS and (subject is None or subject.lower_ == "it"):
            continue
        if lemma in lex.CONTENT_VERBS and not _speakerlike(subject):
            continue
        depth = _depth(tok, root)
        if depth < best_depth:
            best, best_depth = tok, depth
    return best


def _is_participle(tok: Any) -> bool:
    """ "..., saying that": a speech participle hanging off the main verb or its object."""
    return (
        tok.tag_ == "VBG"
        and tok.lemma_.lower() in lex.STRONG_SPEECH
        and (tok.dep_ == "advcl" or (tok.dep_ == "acl" and tok.head.dep_ == "dobj"))
    )


def _depth(tok: Any, root: Any) -> int:
    depth = 0
    while tok.i != root.i and tok.head.i != tok.i and depth < 50:
        tok = tok.head
        depth += 1
    return depth if tok.i == root.i else 50


def _subject(verb: Any, inside: set[int] | None = None) -> Any:
    """The subject of a verb, looking through control ("officials have yet to comment").

    With ``inside``, a subject within the unit wins over one the parser found in a heading
    glued before it.
    """
    if verb is None:
        return None
    tok = verb
    for _ in range(4):
        for deps in (("nsubj", "csubj"), ("nsubjpass",)):
            subjects = [c for c in tok.children if c.dep_ in deps]
            if inside is not None:
                subjects.sort(key=lambda c: (c.i not in inside, abs(c.i - tok.i)))
            if subjects:
                return subjects[0]
        if tok.dep_ == "acl" and _is_participle(tok):  # "downplayed the unrest saying"
            tok = tok.head.head
            continue
        if (tok.dep_ in ("xcomp", "conj") or _is_participle(tok)) and tok.head.i != tok.i:
            tok = tok.head
            continue
        break
    return None


def _speakerlike(tok: Any) -> bool:
    if tok is None:
        return False
    if tok.pos_ == "PRON":
        return tok.lower_ in ("he", "she", "they", "it", "we", "i")
    lemma = tok.lemma_.lower()
    return (
        tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
        or tok.pos_ == "PROPN"
        or lemma in lex.ANON_HEADS
        or lemma in lex.DOC_NOUNS
        or lemma in lex.PERSON_NOUNS
        or lemma in lex.MEDIA_NOUNS
        or lemma in ("government", "ministry", "police", "company", "spokesperson", "army")
    )


def _content_of(verb: Any, root: Any) -> Any:
    for child in verb.children:
        if child.dep_ in ("ccomp", "xcomp"):
            return child
    if verb.dep_ in ("parataxis", "ccomp") and verb.i > verb.head.i:
        return verb.head
    return root


def _span_of(head: Any, inside: set[int]) -> tuple[int, int]:
    """Token index range of a noun phrase: the head with its modifiers, not its clauses."""
    lo = hi = head.i
    for child in head.children:
        if child.dep_ in _SPEAKER_CUT or child.i not in inside:
            continue
        sub = [t.i for t in child.subtree if t.i in inside]
        if sub:
            lo, hi = min(lo, min(sub)), max(hi, max(sub))
    return lo, hi


def _set_speaker(found: _Found, head: Any, inside: set[int], outlets: OutletTable) -> None:
    doc = head.doc
    # "the spokesperson, Adrienne Watson," names a person: the name is the speaker.
    for child in head.children:
        if (
            child.dep_ == "appos"
            and child.ent_type_ == "PERSON"
            and child.i in inside
            and head.lemma_.lower() not in lex.MEDIA_NOUNS  # "the newspaper Al-Sabah"
        ):
            head = child
            break
    lemma = head.lemma_.lower()
    if lemma in lex.DOC_NOUNS:
        # "reports from The Wall Street Journal", "a statement by the ministry": its author.
        for child in head.children:
            if child.dep_ in ("prep", "agent") and child.lower_ in ("from", "by", "of"):
                for pobj in child.children:
                    if (
                        pobj.dep_ == "pobj"
                        and pobj.i in inside
                        and _speakerlike(pobj)
                        and (child.lower_ != "of" or pobj.pos_ == "PROPN")
                    ):
                        _set_speaker(found, pobj, inside, outlets)
                        return
        for child in head.children:
            if child.dep_ == "poss" and _speakerlike(child) and child.pos_ != "PRON":
                _set_speaker(found, child, inside, outlets)
                return
    lo, hi = _span_of(head, inside)
    span = doc[lo : hi + 1]
    while len(span) > 1 and (span[-1].is_punct or span[-1].tag_ == "POS"):
        span = span[:-1]
    while len(span) > 1 and span[0].is_punct:
        span = span[1:]
    found.speaker = span.text
    found.start, found.end = span.start_char, span.end_char
    name = _outlet_name(head, inside, outlets, span)
    if name:
        found.kind = SpeakerKind.MEDIA
        found.outlets.append(name)
        return
    for child in head.children:
        if child.dep_ == "poss" and child.i in inside:
            owner = _outlet_name(child, inside, outlets)
            if owner:  # "CNN's correspondent said"
                found.outlets.append(owner)
    found.kind = _kind_of(head, span)


def _kind_of(head: Any, span: Any) -> SpeakerKind:
    lemma = head.lemma_.lower()
    if head.lower_ in _GROUPS:
        return SpeakerKind.ANONYMOUS
    if head.pos_ == "PRON":
        return SpeakerKind.PERSON if head.lower_ in ("he", "she", "i") else SpeakerKind.ORGANISATION
    has_person = any(t.ent_type_ == "PERSON" for t in span)
    if (lemma in lex.ANON_HEADS or head.lower_ in _GROUPS) and not has_person:
        return SpeakerKind.ANONYMOUS
    if lemma in lex.DOC_NOUNS:
        return SpeakerKind.DOCUMENT
    if lex.MEDIA_NOUNS & {lemma, head.lower_}:  # "British media", "the newspaper"
        return SpeakerKind.MEDIA
    if head.ent_type_ == "PERSON" or lemma in lex.PERSON_NOUNS:
        return SpeakerKind.PERSON
    return SpeakerKind.ORGANISATION


def _outlet_name(head: Any, inside: set[int], outlets: OutletTable, span: Any = None) -> str | None:
    """The canonical outlet a noun phrase names (see :meth:`OutletTable.named_by`)."""
    if span is None:
        lo, hi = _span_of(head, inside)
        span = head.doc[lo : hi + 1]
    return outlets.named_by(head, span)


def _according_to(unit: _Unit, found: _Found, inside: set[int], outlets: OutletTable) -> None:
    toks = unit.tokens
    for a, b in zip(toks, toks[1:], strict=False):
        if a.lower_ != "according" or b.lower_ != "to":
            continue
        pobj = next((c for c in b.children if c.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((c for c in a.children if c.dep_ == "pobj"), None)
        if pobj is None or pobj.i not in inside:
            continue
        sub = _Found()
        _set_speaker(sub, pobj, inside, outlets)
        _merge(found, sub, "according to")


def _merge(found: _Found, sub: _Found, verb: str) -> None:
    """Combine a second source in one sentence: outlets are origins, people are speakers."""
    found.outlets.extend(sub.outlets)
    if sub.kind is SpeakerKind.MEDIA and found.speaker is not None:
        return
    if found.speaker is None or found.kind is SpeakerKind.MEDIA:
        found.speaker, found.kind = sub.speaker, sub.kind
        found.start, found.end = sub.start, sub.end
        found.pronoun = None
        if found.verb is None or found.kind is not SpeakerKind.MEDIA:
            found.verb = found.verb or verb


def _statement_by(unit: _Unit, found: _Found, inside: set[int], outlets: OutletTable) -> None:
    """ "in a statement made by X", "in a statement from X": X is the speaker."""
    if found.verb_token is None:  # "...in any interviews with reporters" reports nothing
        return
    for tok in unit.tokens:
        if tok.lemma_.lower() not in lex.SPOKEN_IN:
            continue
        if tok.head.lower_ not in ("in", "during") or tok.dep_ != "pobj":
            continue
        author = None
        for child in tok.subtree:
            if child.dep_ in ("agent", "prep") and child.lower_ in ("by", "from", "with"):
                author = next((c for c in child.children if c.dep_ == "pobj"), None)
                if author is not None:
                    break
        if author is None or author.i not in inside:
            continue
        sub = _Found()
        _set_speaker(sub, author, inside, outlets)
        if tok.lemma_.lower() == "interview" and sub.kind is SpeakerKind.MEDIA:
            found.outlets.extend(sub.outlets)  # "told X in an interview with CNN"
            continue
        found.outlets.extend(sub.outlets)
        if sub.kind is not SpeakerKind.MEDIA or found.speaker is None:
            found.speaker, found.kind = sub.speaker, sub.kind
            found.start, found.end = sub.start, sub.end
            found.pronoun = None
            found.verb = found.verb or tok.lemma_.lower()


def _citing(unit: _Unit, found: _Found, inside: set[int], outlets: OutletTable) -> None:
    """ "CNN reported, citing US officials": the officials speak, CNN is the cited origin."""
    for tok in unit.tokens:
        if tok.lower_ not in ("citing", "quoting") or tok.pos_ != "VERB":
            continue
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        if obj is None or obj.i not in inside:
            continue
        sub = _Found()
        _set_speaker(sub, obj, inside, outlets)
        if sub.kind is SpeakerKind.MEDIA:
            found.outlets.extend(sub.outlets)
        elif found.speaker is None or found.kind is SpeakerKind.MEDIA:
            found.outlets.extend(sub.outlets)
            found.speaker, found.kind = sub.speaker, sub.kind
            found.start, found.end = sub.start, sub.end
            found.verb = found.verb or "citing"


# --------------------------------------------------------------------------- carried attribution


def _carry(unit: _Unit, found: _Found, history: list[tuple[_Unit, _Found]]) -> None:
    recent = [f for _, f in history[-_CARRY_WINDOW:] if f.speaker and not f.pronoun]
    if found.pronoun in ("he", "she"):
        # Without gender or coreference, only an unambiguous antecedent is taken: one person
        # speaking in the last sentences and no other person named since; else the pronoun.
        names = [f for f in recent if f.kind in (SpeakerKind.PERSON, SpeakerKind.ORGANISATION)]
        people = list(dict.fromkeys(f.speaker for f in names if f.speaker is not None))
        named = _people_named(unit, history)
        if (
            len(people) == 1
            and names[-1].kind is SpeakerKind.PERSON
            and set(named) <= {people[0]} | _surnames(people[0])
        ):
            prev = next(f for f in reversed(recent) if f.speaker == people[0])
            _copy_from(found, prev, verb=found.verb)
        elif not people and len(set(named)) == 1:
            found.speaker, (found.start, found.end) = named[0], _span_of_name(unit, named[0])
            found.kind, found.carried = SpeakerKind.PERSON, True
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
    if found.speaker or found.outlets or found.verb or not recent or not history:
        return
    unit_text = unit.text
    # A quotation with no speaker right after an attributed claim goes on quoting that speaker.
    if unit_text.startswith(lex.QUOTE_OPEN) and history[-1][1] is recent[-1]:
        _copy_from(found, recent[-1])
        return
    # A statement about the future on the same topic right after a reported one continues
    # the report: the reporter cannot know it first-hand.
    last = [(u, f) for u, f in history[-2:] if f.speaker and not f.pronoun]
    if last and lex.FUTURE.search(unit_text) and not unit_text.startswith(lex.QUOTE_OPEN):
        prev_unit, prev = last[-1]
        if _topic_words(_subject_tokens(unit)) & _topic_words(_content_tokens(prev_unit, prev)):
            _copy_from(found, prev)


def _quoted_speakers(text: str, found_units: list[tuple[_Unit, _Found]]) -> None:
    """Sentences inside one quotation share the speaker the quotation is attributed to.

    The attribution sits outside the quotation marks ("...," he said / X said: "...") in one
    of the sentences the quotation touches; a sentence within the quotation with no speaker
    of its own, or with "I"/"we", is that speaker's.
    """
    for qs, qe in lex.quotations(text):
        touching = [(u, f) for u, f in found_units if u.start < qe and u.end > qs]
        if not touching:
            continue
        anchors = [
            (u, f)
            for u, f in touching
            if f.speaker
            and f.pronoun not in ("i", "we")
            and f.verb_token is not None
            and not (qs <= f.verb_token.idx < qe)
        ]
        if not anchors and touching[0][1].speaker and touching[0][1].carried:
            anchors = [touching[0]]  # its first sentence continues the previous speaker
        if not anchors:
            first = touching[0][0]
            before = [(u, f) for u, f in found_units if u.end <= first.start]
            if before and before[-1][1].speaker and before[-1][0].line.rstrip().endswith(":"):
                anchors = [before[-1]]  # X said:\n"..."
        if not anchors:
            for u, f in touching:  # "I" in an unattributed quotation is nobody we can name
                if f.pronoun in ("i", "we") and u.start >= qs:
                    f.speaker = f.verb = f.start = f.end = f.pronoun = None
                    f.kind = SpeakerKind.ARTICLE
            continue
        # The attribution after the quotation wins ("...," she said), then the one before.
        after = [(u, f) for u, f in anchors if f.verb_token is not None and f.verb_token.idx >= qe]
        anchor = (after or anchors)[0][1]
        for u, f in touching:
            if f is anchor:
                continue
            inside_quote = min(u.end, qe) - max(u.start, qs) >= (u.end - u.start) / 2
            if inside_quote and (not f.speaker or f.pronoun in ("i", "we")):
                _copy_from(f, anchor, verb=anchor.verb)


def _resolve_media_noun(unit: _Unit, found: _Found, outlets: OutletTable) -> None:
    """ "the newspaper reported": the outlet last named before this sentence."""
    if found.kind is not SpeakerKind.MEDIA or found.outlets or not unit.tokens:
        return
    if not (found.speaker or "").lower().startswith(("the ", "this ")):
        return
    name = outlets.last_before(unit.tokens[0].doc, unit.source, unit.start)
    if name:
        found.outlets.append(name)


def _subject_tokens(unit: _Unit) -> list[Any]:
    root = _root(unit)
    inside = {t.i for t in unit.tokens}
    subj = _subject(root, inside)
    return [t for t in subj.subtree if t.i in inside] if subj is not None else []


def _content_tokens(unit: _Unit, found: _Found) -> list[Any]:
    inside = {t.i for t in unit.tokens}
    head = found.content if found.content is not None else _root(unit)
    return [t for t in head.subtree if t.i in inside]


def _topic_words(tokens: Sequence[Any]) -> set[str]:
    return {
        t.lemma_.lower()
        for t in tokens
        if t.pos_ in ("NOUN", "PROPN") and not t.is_stop and len(t.text) > 2
    }


def _people_named(unit: _Unit, history: list[tuple[_Unit, _Found]]) -> list[str]:
    """PERSON names in the previous two claims and this one before its verb, latest last."""
    if not unit.tokens:
        return []
    doc = unit.tokens[0].doc
    lo = history[-2][0].start if len(history) >= 2 else (history[0][0].start if history else 0)
    return [
        e.text
        for e in doc.ents
        if e.label_ == "PERSON" and lo <= e.start_char < unit.end and len(e.text) > 1
    ]


def _surnames(name: str) -> set[str]:
    """Short forms a name is written in later: "Jane Doe" -> {"Doe", "Ms Doe", ...}."""
    parts = name.split()
    last = parts[-1] if parts else name
    return {last} | {f"{t} {last}" for t in ("Mr", "Mr.", "Ms", "Ms.", "Mrs", "Mrs.", "Dr", "Dr.")}


def _span_of_name(unit: _Unit, name: str) -> tuple[int | None, int | None]:
    doc = unit.tokens[0].doc
    for e in reversed(doc.ents):
        if e.text == name and e.start_char < unit.end:
            return e.start_char, e.end_char
    return None, None


def _copy_from(found: _Found, prev: _Found, verb: str | None = None) -> None:
    found.speaker, found.kind = prev.speaker, prev.kind
    found.start, found.end = prev.start, prev.end
    found.outlets = list(prev.outlets) + found.outlets
    found.verb = verb or found.verb or prev.verb
    found.pronoun = None
    found.carried = True


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


def _modality(unit: _Unit, found: _Found) -> tuple[Certainty, Polarity, list[str]]:
    inside = {t.i for t in unit.tokens}
    content = found.content if found.content is not None else _root(unit)
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
        if lemma in lex.DENY_VERBS:
            negated = not negated
            negations.append(verb.lower_)
        if lemma in lex.HEDGE_VERBS:
            hedges.append(verb.lower_)
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
