"""Attribution: who a claim unit is said by, with which verb, citing which outlets.

The rules for one unit of text (a sentence, or the part of one on one line), on its spaCy
parse: the speaker is the subject of a reporting verb with a clausal complement ("X said
that..."), the object of "according to", the author of "a statement made by X", the outlet
behind "reports from X"; outlets are cited as origins ("told CNN", "CNN reported, citing
officials", "in an interview with Reuters"). Attribution carried between sentences
(quotations, "It added...") is :mod:`storyline.claims`' business; word lists live in
:mod:`storyline.claims_lexicon`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline import claims_lexicon as lex
from storyline.attribution_syntax import (
    GROUPS,
    REFUSE,
    REFUSED,
    SUBJ,
    according_objects,
    active_subject,
    after_quote,
    as_clause,
    aside,
    asked_refusal,
    asked_then_declined,
    claim_object,
    colon_after,
    content_of,
    depth,
    directive,
    empty_refusal,
    expletive,
    impersonal_report,
    inverted_speaker,
    is_participle,
    kind_of,
    noun_before,
    parenthetical,
    relative_report,
    says_something,
    set_off,
    span_of,
    speakerlike,
    study_finding,
    subject_of,
    trailing_speech_noun,
)
from storyline.claims_lexicon import OutletTable
from storyline.model import Attribution, SpeakerKind

__all__ = ["Found", "Unit", "attribute", "document_author", "root_of", "subject_of"]

_XCOMP_SPEECH = ("claim", "vow", "pledge", "promise", "threaten", "urge", "warn", "tell", "ask")


@dataclass
class Unit:
    """A stretch of one sentence within one line of text: the candidate for one claim."""

    sentence_index: int
    start: int
    end: int
    tokens: list[Any]
    line: str
    source: str  # the whole article text (Doc.text is rebuilt on every access)
    root_token: Any = None  # cached by _root
    # Where a second parser sentence glued on after a title ("Sgt." | "Ann Tran said") starts.
    joined_at: int | None = None

    @property
    def text(self) -> str:
        return self.source[self.start : self.end]


@dataclass
class Found:
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
    # For an unresolved "he"/"she": the nearest person named before it, (name, start, end),
    # a guess used only for the sentences of its quotation that name no one.
    antecedent: tuple[str, int, int] | None = None

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


def root_of(unit: Unit) -> Any:
    """The token of the unit whose subtree covers most of it (its syntactic root)."""
    if unit.root_token is None:
        inside = {t.i for t in unit.tokens}
        roots = [t for t in unit.tokens if t.head.i == t.i or t.head.i not in inside]
        verbs = [t for t in roots if t.pos_ in ("VERB", "AUX")] or roots
        unit.root_token = max(verbs, key=lambda t: sum(1 for x in t.subtree if x.i in inside))
    return unit.root_token


def attribute(unit: Unit, outlets: OutletTable) -> Found:
    found = Found()
    inside = {t.i for t in unit.tokens}
    root = root_of(unit)
    verb = _reporting_verb(unit.tokens, root, inside)
    if verb is not None:
        _speaker_of_verb(found, verb, root, inside, outlets)
        if found.kind is SpeakerKind.MEDIA and found.content is not None:
            # "USA Today reports that Rep. X says...": X speaks, the paper is the origin.
            nested = [t for t in found.content.subtree if t.i in inside and t.i != verb.i]
            inner = _reporting_verb(nested, found.content, inside)
            if inner is not None and inner.lemma_.lower() in lex.SPEECH_VERBS | lex.STRONG_SPEECH:
                sub = Found()
                _speaker_of_verb(sub, inner, found.content, inside, outlets)
                if sub.speaker and sub.kind is not SpeakerKind.MEDIA and not sub.pronoun:
                    sub.outlets = found.outlets + sub.outlets
                    found = sub
    if verb is not None and found.pronoun in ("he", "she"):
        # "Coach Jane Doe said the knee is fine, she also said...": the parser made the first
        # report the second one's complement; the named speaker is the pronoun's referent.
        first = next(
            (
                c
                for c in verb.children
                if c.dep_ in ("ccomp", "parataxis")
                and c.i < verb.i
                and c.lemma_.lower() in lex.SPEECH_VERBS
                and (s := subject_of(c, inside)) is not None
                and s.ent_type_ == "PERSON"
                and s.i in inside
            ),
            None,
        )
        if first is not None:
            found = Found()
            _speaker_of_verb(found, first, root, inside, outlets)
    if verb is None:
        _colon_quote(unit, found, root, inside, outlets)
    # "X quoted Y as saying" names the speaker whatever else speaks in the sentence
    # ('Allah said we should not," AFP reported Shekau as saying').
    _quoted_as(unit, found, inside, outlets)
    _according_to(unit, found, inside, outlets)
    _statement_by(unit, found, inside, outlets)
    _citing(unit, found, inside, outlets)
    _relays(unit, found, inside, outlets)
    if not found.speaker and not found.outlets:
        _trailing_report(unit, found, outlets)
    if not found.speaker and (
        tail := trailing_speech_noun(unit.tokens) or relative_report(unit.tokens, root)
    ):
        _set_speaker(found, tail[0], inside, outlets)
        found.verb, found.verb_token, found.content = tail[1].text.lower(), tail[1], root
    if not found.speaker:
        _parenthetical_name(unit, found)
    _via(unit, found, outlets)
    if unit.joined_at is not None:
        _joined_tail(unit, found, root, inside, outlets)
    if found.content is None:
        found.content = root
    if not found.speaker and not found.outlets:
        found.verb = None  # "it was noted that": no one to attribute the verb to
    return found


def _joined_tail(
    unit: Unit, found: Found, root: Any, inside: set[int], outlets: OutletTable
) -> None:
    """The speaker of a sentence the parser cut after a title: "..., Police Sgt." + "Ann Tran
    said." (the tail's own subject) or "..., said Police Sgt." + "Ann Tran." (the name)."""
    at = unit.joined_at
    tail = [t for t in unit.tokens if at is not None and t.idx >= at]
    if not tail:
        return
    name = []
    for tok in tail:
        if tok.pos_ != "PROPN" or tok.ent_type_ not in ("PERSON", ""):
            break
        name.append(tok)
    if found.speaker and found.end is not None and name and 0 <= tail[0].idx - found.end <= 2:
        found.end = name[-1].idx + len(name[-1].text)  # "said Police Sgt." + "Ann Tran"
        found.speaker = unit.source[found.start : found.end]
        found.kind = SpeakerKind.PERSON
        return
    if found.speaker:
        return
    for tok in tail:
        if tok.lemma_.lower() not in lex.REPORTING_VERBS or tok.pos_ != "VERB":
            continue
        subject = subject_of(tok, inside) or noun_before(tok, None)
        if subject is None or subject.idx < tail[0].idx or not speakerlike(subject):
            continue
        sub = Found()
        _set_speaker(sub, subject, inside, outlets)
        if sub.speaker:
            found.speaker, found.kind, found.pronoun = sub.speaker, sub.kind, None
            found.start, found.end = sub.start, sub.end
            found.outlets.extend(sub.outlets)
            found.verb, found.verb_token = tok.text.lower(), tok
            found.content = root
        return


def document_author(unit: Unit, outlets: OutletTable) -> Found | None:
    """The author of a document a lead-in names ("Below is the statement from the police:",
    "Here is Jane Doe's letter:"), as the speaker of the quotation that follows it."""
    inside = {t.i for t in unit.tokens}
    for tok in unit.tokens:
        if tok.lemma_.lower() not in lex.DOC_NOUNS or tok.pos_ != "NOUN":
            continue
        sub = Found()
        _set_speaker(sub, tok, inside, outlets)
        if sub.speaker and sub.kind is not SpeakerKind.DOCUMENT:
            return sub
    return None


def _parenthetical_name(unit: Unit, found: Found) -> None:
    """ "This, Jane Doe claims, is where...": a person's reporting clause set off by commas
    inside the sentence, which the parser often misreads ("claims" as a noun)."""
    m = lex.PARENTHETICAL_NAME.search(unit.text)
    if m is None:
        return
    start, end = unit.start + m.start("name"), unit.start + m.end("name")
    if not any(t.ent_type_ == "PERSON" and start <= t.idx < end for t in unit.tokens):
        return
    found.speaker, found.kind, found.pronoun = unit.source[start:end], SpeakerKind.PERSON, None
    found.start, found.end = start, end
    found.verb = m.group("verb")


def _via(unit: Unit, found: Found, outlets: OutletTable) -> None:
    """ "Via KXTV, the director said...": a sentence-initial relay names an outlet."""
    m = lex.LEADING_VIA.match(unit.text)
    if m is None:
        return
    name = outlets.lookup(m.group("name"))
    if name is None and lex.CALL_SIGN.match(m.group("name").replace(" ", "")):
        name = m.group("name").replace(" ", "")
    if name and name not in found.outlets:
        found.outlets.append(name)


def _trailing_report(unit: Unit, found: Found, outlets: OutletTable) -> None:
    """ "..., the metro.co.uk reports.": a listed outlet ending the sentence, whatever the parse."""
    m = lex.TRAILING_REPORT.search(unit.text)
    name = outlets.lookup(m.group("name")) if m else None
    if m is None or name is None:
        return
    found.speaker, found.kind = m.group("name"), SpeakerKind.MEDIA
    found.start, found.end = unit.start + m.start("name"), unit.start + m.end("name")
    found.outlets.append(name)
    found.verb = m.group(0).split()[-1].strip(".,!\"'”’").lower()


_OBJECT_PRONOUNS = {"him": "he", "her": "she", "them": "they"}


def _quoted_as(unit: Unit, found: Found, inside: set[int], outlets: OutletTable) -> None:
    """ "Interfax quoted the minister as saying...", "X was quoted by AP as saying...": the one
    quoted speaks; the one quoting (an outlet) is the origin."""
    for tok in unit.tokens:
        if tok.lemma_.lower() not in ("quote", "report", "cite") or tok.pos_ != "VERB":
            continue
        said = next(
            (
                g
                for c in tok.children
                if c.dep_ == "prep" and c.lower_ == "as"
                for g in c.children
                if g.dep_ == "pcomp" and g.lemma_.lower() in lex.STRONG_SPEECH
            ),
            None,
        )
        quoted = next((c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")), None)
        pronoun = _OBJECT_PRONOUNS.get(quoted.lower_) if quoted is not None else None
        if said is None or quoted is None or quoted.i not in inside:
            continue
        if not speakerlike(quoted) and pronoun is None:
            continue
        quoting = [c for c in tok.children if c.dep_ == "nsubj"]
        quoting += [g for c in tok.children if c.dep_ == "agent" for g in c.children]
        if found.speaker is not None and found.kind is not SpeakerKind.MEDIA:
            found.outlets = []  # those of the voice inside the quotation
        if pronoun is not None:  # "People quoted him as saying": resolved like "he said"
            found.speaker, found.pronoun = quoted.text, pronoun
            found.start, found.end = quoted.idx, quoted.idx + len(quoted.text)
            found.kind = SpeakerKind.PERSON if pronoun != "they" else SpeakerKind.ANONYMOUS
        else:
            _set_speaker(found, quoted, inside, outlets)
            found.pronoun = None
        for q in quoting:
            name = _outlet_name(q, inside, outlets) if q.i in inside else None
            if name:
                found.outlets.append(name)
        found.verb, found.verb_token = said.lower_, said
        found.content = next((c for c in said.children if c.dep_ == "ccomp"), said)
        return


def _colon_quote(
    unit: Unit, found: Found, root: Any, inside: set[int], outlets: OutletTable
) -> None:
    """ "The minister offered praise: “...”": whoever acts before the colon is quoted."""
    toks = unit.tokens
    for colon, mark in zip(toks, toks[1:], strict=False):
        if colon.text == ":" and mark.text in ("“", '"'):
            # The verb before the colon; the parser often hangs it under the quotation.
            verbs = [
                t
                for t in toks
                if t.i < colon.i and t.pos_ == "VERB" and any(c.dep_ in SUBJ for c in t.children)
            ]
            verb = min(verbs, key=lambda t: depth(t, root)) if verbs else None
            subject = subject_of(verb, inside) if verb is not None else None
            if subject is not None and subject.i in inside and speakerlike(subject):
                _speaker_of_verb(found, verb, root, inside, outlets)
                found.content = None
            return


def _speaker_of_verb(
    found: Found, verb: Any, root: Any, inside: set[int], outlets: OutletTable
) -> None:
    found.verb = verb.text.lower()
    found.verb_token = verb
    found.content = content_of(verb, root)
    subject = inverted_speaker(verb)
    if subject is not None:
        found.content = verb.head if verb.head.i != verb.i else root
    else:
        subject = asked_then_declined(verb) or subject_of(verb, inside)
    if subject is None:  # "The lawyer acting for him, who ..., said": the parser hung it there
        subject = next(
            (
                g
                for c in verb.children
                if c.dep_ == "advcl" and c.i < verb.i and c.tag_ in ("VBG", "VBN")
                for g in c.children
                if g.dep_ == "nsubj" and g.i < c.i and g.pos_ in ("NOUN", "PROPN")
            ),
            None,
        )
    if subject is None and not any(c.dep_ in SUBJ for c in verb.children):
        subject = noun_before(verb, found.content)
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
    if subject is not None and not speakerlike(subject):
        # "...track heart activity and other functions, the Journal reported": the parser
        # hung the source on the last noun of the claim as its appositive.
        subject = next(
            (
                c
                for c in subject.children
                if c.dep_ == "appos"
                and c.right_edge.i == verb.i - 1
                and c.i in inside
                and speakerlike(c)
            ),
            subject,
        )
    passive = subject is not None and subject.dep_ == "nsubjpass" and not active_subject(verb)
    if subject is not None and not passive:  # "terms were not disclosed"
        if subject.pos_ == "PRON" and subject.lower_ in lex.PERSONAL:
            found.pronoun = subject.lower_
            found.speaker = subject.text
            found.start, found.end = subject.idx, subject.idx + len(subject.text)
            found.kind = kind_of(subject, [subject])
        elif subject.pos_ != "PRON" or subject.lower_ in GROUPS:
            _set_speaker(found, subject, inside, outlets)
    for child in verb.children:
        # "X told CNN", "said in an interview with Reuters": the outlet is an origin.
        if child.dep_ in ("dative", "dobj") and (
            child.pos_ == "PROPN" or lex.is_media_noun(child) or child.text[:1].isupper()
        ):
            name = _outlet_name(child, inside, outlets)
            # "told The Planet's Jane Doe": the reporter's outlet
            owner = next((g for g in child.children if g.dep_ == "poss"), None)
            if name is None and owner is not None and owner.i in inside:
                name = _outlet_name(owner, inside, outlets)
            if name:
                found.outlets.append(name)
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj" and found.speaker is None:
                    _set_speaker(found, pobj, inside, outlets)
        # "wrote in The Planet", "said in an op-ed in The Planet"
        if child.dep_ == "prep" and child.lower_ == "in" and verb.lemma_.lower() in _RELAY:
            for pobj in child.children:
                name = _outlet_name(pobj, inside, outlets) if pobj.dep_ == "pobj" else None
                if name:
                    found.outlets.append(name)
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
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        if lemma not in lex.REPORTING_VERBS and not claim_object(tok):
            continue
        # "An official downplayed the unrest, saying that...": the participle reports.
        participle = is_participle(tok)
        if tok.dep_ in ("amod", "compound", "acl", "relcl", "pcomp", "pobj") and not participle:
            continue
        if tok.dep_ == "advcl" and not participle and not as_clause(tok):
            continue
        if as_clause(tok) and any(
            c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in tok.children
        ):
            continue  # "As I said, ...": the writer's aside
        # "agreed to slash spending" is an act; "claimed to have", "declined to comment" report.
        # A verbless small clause is a verdict, not a report ("found him guilty").
        clausal = asked_refusal(tok) or any(
            (c.dep_ == "ccomp" and (c.pos_ in ("VERB", "AUX") or lemma not in lex.CONTENT_VERBS))
            or (c.dep_ == "dobj" and c.pos_ == "VERB")
            or (c.dep_ == "xcomp" and (lemma in _XCOMP_SPEECH or c.lemma_ in lex.REPORTING_VERBS))
            or (c.dep_ == "xcomp" and lemma in REFUSE and c.lemma_.lower() in REFUSED)
            for c in tok.children
        )
        # "..., officials said": the reported clause is the verb's head or its ccomp to the left.
        # Not "It is expected that the polls will be observed by...": a complement clause of
        # its own ("that", a passive) is reported content, not a reporting clause.
        reversed_ = (
            (
                tok.dep_ in ("parataxis", "ccomp")
                and tok.head.i in inside
                and tok.i > tok.head.i
                and not any(c.dep_ in ("mark", "nsubjpass", "auxpass") for c in tok.children)
                and set_off(tok)
            )
            or as_clause(tok)
            or parenthetical(tok, inside)
        )
        inverted = inverted_speaker(tok)
        reversed_ = reversed_ or inverted is not None
        subject = inverted if inverted is not None else subject_of(tok)
        if subject is None and not any(c.dep_ in SUBJ for c in tok.children):
            subject = noun_before(tok, None)
        if (
            subject is not None
            and subject.dep_ == "nsubjpass"
            and not any(c.dep_ == "agent" for c in tok.children)
            and not active_subject(tok)
        ):
            # "They were told that...", "It was reported that...": no one speaks; but in "X
            # was overcome with emotion and said: ..." X, passive subject of the first verb,
            # speaks.
            continue
        if (
            subject is not None
            and subject.lower_ == "it"
            and (any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children) or expletive(tok))
        ):
            continue  # "it would be nice to say...", "it's claimed that...": no one speaks
        if participle and subject is not None and not speakerlike(subject):
            continue  # "Her stay comes after she lied to police, telling them...": no speaker
        if lemma == "continue" and not after_quote(tok, subject):
            continue  # only '"...," she continued'; "the riots continued" reports nothing
        if (
            subject is not None
            and subject.pos_ in ("PRON", "DET")
            and subject.lower_ not in lex.PERSONAL + GROUPS
        ):
            continue  # "who said", "that is not to say", "...would have you believe"
        if subject is not None and (
            subject.lower_ in ("nobody", "none")
            or any(c.lower_ == "no" and c.dep_ == "det" for c in subject.children)
        ):
            continue  # "no one is saying"
        if empty_refusal(tok) or directive(tok) or aside(tok, inside):
            continue  # "declined to comment" reports; "refused to be photographed" does not
        plain = lemma in lex.SPEECH_VERBS and (
            speakerlike(subject)
            or (lemma in lex.STRONG_SPEECH and subject is not None and subject.pos_ in lex.NOMINAL)
        )
        plain = plain or study_finding(tok, subject) or claim_object(tok)
        if lemma in lex.DENY_VERBS and not plain:
            plain = speakerlike(subject) and any(
                c.dep_ == "dobj" and c.lemma_.lower() in lex.REJECTED_CLAIMS for c in tok.children
            )
        if lemma in ("express", "voice"):
            plain = any(
                c.dep_ == "dobj" and c.lemma_.lower() in lex.EXPRESSED for c in tok.children
            )
        quoting = after_quote(tok, subject) and speakerlike(subject)  # '"...," X repeated'
        # "She writes:" opening a block or a quotation on the next line.
        quoting = quoting or (colon_after(tok) and speakerlike(subject))
        if not (clausal or reversed_ or quoting or (plain and says_something(tok))):
            continue
        # "The data show that...", "Police found that...": content verbs need a speaker.
        if lemma in lex.CONTENT_VERBS and (subject is None or subject.lower_ == "it"):
            continue
        if lemma in lex.CONTENT_VERBS and not speakerlike(subject) and inverted is None:
            continue
        # "The rate, he wrote, suggests that...": a thing that suggests or shows is no speaker
        # when someone else in the sentence reports.
        inanimate = lemma in lex.HEDGE_VERBS | lex.CONTENT_VERBS and not speakerlike(subject)
        rank = depth(tok, root) + (20 if inanimate else 0)
        if subject is None and not (reversed_ or quoting or participle):
            rank += 10  # "..., noted analyst Jane Doe predicted that...": "noted" is no verb
        if rank < best_depth:
            best, best_depth = tok, rank
    return best


def _set_speaker(found: Found, head: Any, inside: set[int], outlets: OutletTable) -> None:
    doc = head.doc
    # "the spokesperson, Adrienne Watson," names a person: the name is the speaker.
    for child in head.children:
        if (
            child.dep_ == "appos"
            and child.ent_type_ == "PERSON"
            and child.i in inside
            and head.lemma_.lower() not in lex.MEDIA_NOUNS  # "the newspaper Al-Sabah"
        ):
            for owner in head.children:  # "the Planet's correspondent, Jane Doe,"
                name = _outlet_name(owner, inside, outlets) if owner.dep_ == "poss" else None
                if name and owner.i in inside:
                    found.outlets.append(name)
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
                        and speakerlike(pobj)
                        and (child.lower_ != "of" or pobj.pos_ == "PROPN")
                        and pobj.ent_type_ not in ("GPE", "LOC", "FAC")
                    ):
                        _set_speaker(found, pobj, inside, outlets)
                        return
        for child in head.children:
            if child.dep_ == "poss" and speakerlike(child) and child.pos_ != "PRON":
                _set_speaker(found, child, inside, outlets)
                return
    lo, hi = span_of(head, inside)
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
        # "the Italian newspaper Il Giornale", "the blog Car Talk": the name, not its description.
        whole = doc[head.left_edge.i : head.right_edge.i + 1]
        at = whole.text.lower().find(name.lower())
        if at > 0 and whole.start_char + at >= span.start_char:
            found.start = whole.start_char + at
            found.end = found.start + len(name)
            found.speaker = doc.text[found.start : found.end]
        return
    for child in head.children:
        if child.dep_ == "poss" and child.i in inside:
            owner = _outlet_name(child, inside, outlets)
            if owner:  # "CNN's correspondent said"
                found.outlets.append(owner)
    found.kind = kind_of(head, span)


def _outlet_name(head: Any, inside: set[int], outlets: OutletTable, span: Any = None) -> str | None:
    """The canonical outlet a noun phrase names (see :meth:`OutletTable.named_by`)."""
    if span is None:
        lo, hi = span_of(head, inside)
        span = head.doc[lo : hi + 1]
    return outlets.named_by(head, span)


def _according_to(unit: Unit, found: Found, inside: set[int], outlets: OutletTable) -> None:
    for pobj in according_objects(unit.tokens, inside):
        sub = Found()
        _set_speaker(sub, pobj, inside, outlets)
        for conj in pobj.conjuncts:  # "according to the BBC and The Planet"
            name = _outlet_name(conj, inside, outlets) if conj.i in inside else None
            if name:
                sub.outlets.append(name)
        _merge(found, sub, "according to")


def _merge(found: Found, sub: Found, verb: str) -> None:
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


def _statement_by(unit: Unit, found: Found, inside: set[int], outlets: OutletTable) -> None:
    """ "in a statement made by X", "in a statement from X": X is the speaker."""
    if found.verb_token is None and not impersonal_report(unit.tokens):
        return  # "...in any interviews with reporters" reports nothing; "In a report by X,
        # it is claimed that..." does
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
        sub = Found()
        _set_speaker(sub, author, inside, outlets)
        if tok.lemma_.lower() == "interview" and sub.kind is SpeakerKind.MEDIA:
            found.outlets.extend(sub.outlets)  # "told X in an interview with CNN"
            continue
        found.outlets.extend(sub.outlets)
        if found.speaker and found.kind in (SpeakerKind.PERSON, SpeakerKind.ANONYMOUS):
            continue  # "Bensel said in a statement released by the team": Bensel speaks
        if sub.kind is not SpeakerKind.MEDIA or found.speaker is None:
            found.speaker, found.kind = sub.speaker, sub.kind
            found.start, found.end = sub.start, sub.end
            found.pronoun = None
            found.verb = found.verb or tok.lemma_.lower()


def _citing(unit: Unit, found: Found, inside: set[int], outlets: OutletTable) -> None:
    """ "CNN reported, citing US officials": the officials speak, CNN is the cited origin."""
    for tok in unit.tokens:
        if tok.lower_ not in ("citing", "quoting") or tok.pos_ != "VERB":
            continue
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        if obj is None or obj.i not in inside:
            continue
        sub = Found()
        _set_speaker(sub, obj, inside, outlets)
        if sub.kind is SpeakerKind.MEDIA:
            found.outlets.extend(sub.outlets)
            continue
        reporter = found.verb_token
        if (
            found.speaker
            and found.kind is not SpeakerKind.MEDIA
            and reporter is not None
            and reporter.lemma_.lower() == "report"
        ):
            # "Mexico's Proceso, citing anonymous sources, reported": one who reports what
            # its sources say is an outlet, listed or not.
            subj = subject_of(reporter, inside)
            name = None
            if (
                subj is not None
                and subj.i in inside
                and (subj.text[:1].isupper() or subj.text[1:2].isupper())  # "iGen"
                and subj.ent_type_ not in ("PERSON", "GPE", "NORP", "LOC")
            ):
                lo, hi = span_of(subj, inside)
                words = subj.doc[lo : hi + 1]
                name = (words[1:] if words[0].dep_ == "det" else words).text
            if name:
                found.kind = SpeakerKind.MEDIA
                found.outlets.append(name)
        if found.speaker is None or found.kind is SpeakerKind.MEDIA:
            found.outlets.extend(sub.outlets)
            found.speaker, found.kind = sub.speaker, sub.kind
            found.start, found.end = sub.start, sub.end
            found.verb = found.verb or "citing"


# Verbs by which an outlet passes a claim on ("..., the Daily Planet reports").
_RELAY = frozenset(("report", "say", "write", "reveal", "claim", "confirm", "quote", "publish"))


def _relays(unit: Unit, found: Found, inside: set[int], outlets: OutletTable) -> None:
    """Outlets that relay the claim besides its speaker.

    "X said: '...', the Daily Planet reports", "Reported by the Planet, the CEO said",
    "reports Jane Doe, writing for The Planet", "(via The Planet)". An outlet named in such a
    frame is an origin even when the list does not know it ("reported by Planet Online").
    """
    for tok in unit.tokens:
        low, lemma = tok.lower_, tok.lemma_.lower()
        if tok.dep_ == "acl" and lemma in ("cite", "quote") and tok.tag_ == "VBN":
            for c in tok.children:  # "the official cited by the Planet said"
                if c.dep_ == "agent":
                    pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                    name = _outlet_name(pobj, inside, outlets) if pobj is not None else None
                    if name:
                        found.outlets.append(name)
            continue
        if tok.pos_ in ("VERB", "AUX") and lemma in _RELAY and tok is not found.verb_token:
            if tok.dep_ in ("relcl", "acl", "amod", "pcomp", "csubj", "xcomp") or any(
                (c.dep_ == "mark" and c.lower_ != "as") or (c.dep_ == "advmod" and c.tag_ == "WRB")
                for c in tok.children
            ):
                continue  # "after/when the Planet reported that...": an event in the story
            for c in tok.children:
                name, mention = None, c
                if c.dep_ == "nsubj" and c.i in inside:
                    name = _outlet_name(c, inside, outlets)
                elif c.dep_ == "agent":  # "reported by X"
                    mention = next((g for g in c.children if g.dep_ == "pobj"), None)
                    name = _loose_outlet(mention, inside, outlets)
                if name and mention is not None:
                    _relayed(found, name, mention, tok, inside)
        elif low in ("for", "via", "to", "with") and tok.dep_ == "prep":
            head = tok.head.lemma_.lower()
            # "writing for X", "reports for X"; "speaking to X", "(via X)"
            writing = low == "for" and (
                (head == "write" and tok.head.tag_ == "VBG") or head == "report"
            )
            speaking = (
                low in ("to", "with")
                and head in ("speak", "talk")
                and tok.head.tag_
                in (
                    "VBG",
                    "VBD",
                )
            )
            pobj = next((g for g in tok.children if g.dep_ == "pobj"), None)
            if pobj is None or pobj.i not in inside or not (writing or speaking or low == "via"):
                continue
            if writing:
                name = _loose_outlet(pobj, inside, outlets)
            else:
                name = _outlet_name(pobj, inside, outlets)
            if name:
                found.outlets.append(name)


def _loose_outlet(tok: Any, inside: set[int], outlets: OutletTable) -> str | None:
    """A listed outlet, or a proper name that is no person or place (the frame says media)."""
    if tok is None or tok.i not in inside:
        return None
    name = _outlet_name(tok, inside, outlets)
    if name or tok.pos_ != "PROPN" or tok.ent_type_ in ("PERSON", "GPE", "NORP", "LOC", "DATE"):
        return name
    lo, hi = span_of(tok, inside)
    words = [t for t in tok.doc[lo : hi + 1] if not t.is_punct and t.dep_ != "det"]
    return " ".join(t.text for t in words) or None


def _relayed(found: Found, name: str, mention: Any, verb: Any, inside: set[int]) -> None:
    if name in found.outlets:
        return
    found.outlets.append(name)
    if found.speaker is None:  # the outlet reports it and names no source of its own
        lo, hi = span_of(mention, inside)
        span = mention.doc[lo : hi + 1]
        found.speaker, found.kind = span.text, SpeakerKind.MEDIA
        found.start, found.end = span.start_char, span.end_char
        found.verb = found.verb or verb.lower_
        found.verb_token = found.verb_token or verb
