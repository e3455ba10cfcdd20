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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline import claims_lexicon as lex
from storyline.claims_lexicon import OutletTable
from storyline.model import Attribution, SpeakerKind

__all__ = ["Found", "Unit", "attribute", "root_of", "subject_of"]

_SUBJ = ("nsubj", "nsubjpass", "csubj")
# Dependents that do not belong to a speaker's name.
_SPEAKER_CUT = frozenset(("relcl", "acl", "appos", "punct", "advcl", "parataxis", "cc"))
# Unnamed groups that speak ("Some said...", "Those who saw it claimed...").
_GROUPS = (
    "some",
    "many",
    "others",
    "several",
    "few",
    "those",
    "most",
    "both",
    "all",
    "one",
    "another",
)
_REFUSE = ("decline", "refuse")
_PARTY_STATE = re.compile(r"^[RDI]-[A-Z]")
_SET_OFF = (",", "”", '"', "’", "'", "—", "–", "-", ":", "(")
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
    if verb is None:
        _colon_quote(unit, found, root, inside, outlets)
    if found.speaker is None or found.kind is SpeakerKind.MEDIA:
        _quoted_as(unit, found, inside, outlets)
    _according_to(unit, found, inside, outlets)
    _statement_by(unit, found, inside, outlets)
    _citing(unit, found, inside, outlets)
    _relays(unit, found, inside, outlets)
    if not found.speaker and not found.outlets:
        _trailing_report(unit, found, outlets)
    if found.content is None:
        found.content = root
    if not found.speaker and not found.outlets:
        found.verb = None  # "it was noted that": no one to attribute the verb to
    return found


def _trailing_report(unit: Unit, found: Found, outlets: OutletTable) -> None:
    """ "..., the metro.co.uk reports.": a listed outlet ending the sentence, whatever the parse."""
    m = lex.TRAILING_REPORT.search(unit.text)
    name = outlets.lookup(m.group("name")) if m else None
    if m is None or name is None:
        return
    found.speaker, found.kind = m.group("name"), SpeakerKind.MEDIA
    found.start, found.end = unit.start + m.start("name"), unit.start + m.end("name")
    found.outlets.append(name)
    found.verb = m.group(0).split()[-1].strip(".!\"'”’").lower()


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
        if said is None or quoted is None or quoted.i not in inside or not _speakerlike(quoted):
            continue
        quoting = [c for c in tok.children if c.dep_ == "nsubj"]
        quoting += [g for c in tok.children if c.dep_ == "agent" for g in c.children]
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
                if t.i < colon.i and t.pos_ == "VERB" and any(c.dep_ in _SUBJ for c in t.children)
            ]
            verb = min(verbs, key=lambda t: _depth(t, root)) if verbs else None
            subject = subject_of(verb, inside) if verb is not None else None
            if subject is not None and subject.i in inside and _speakerlike(subject):
                _speaker_of_verb(found, verb, root, inside, outlets)
                found.content = None
            return


def _speaker_of_verb(
    found: Found, verb: Any, root: Any, inside: set[int], outlets: OutletTable
) -> None:
    found.verb = verb.text.lower()
    found.verb_token = verb
    found.content = _content_of(verb, root)
    subject = _inverted_speaker(verb)
    if subject is not None:
        found.content = verb.head if verb.head.i != verb.i else root
    else:
        subject = subject_of(verb, inside)
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
    if subject is None and not any(c.dep_ in _SUBJ for c in verb.children):
        subject = _noun_before(verb, found.content)
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
        if child.dep_ in ("dative", "dobj") and (
            child.pos_ == "PROPN" or lex.is_media_noun(child) or child.text[:1].isupper()
        ):
            name = _outlet_name(child, inside, outlets)
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
        if lemma not in lex.REPORTING_VERBS or tok.pos_ not in ("VERB", "AUX"):
            continue
        # "An official downplayed the unrest, saying that...": the participle reports.
        participle = _is_participle(tok)
        if tok.dep_ in ("amod", "compound", "acl", "relcl", "pcomp", "pobj") and not participle:
            continue
        if tok.dep_ == "advcl" and not participle and not _as_clause(tok):
            continue
        if _as_clause(tok) and any(
            c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in tok.children
        ):
            continue  # "As I said, ...": the writer's aside
        # "agreed to slash spending" is an act; "claimed to have", "declined to comment" report.
        clausal = any(
            c.dep_ == "ccomp"
            or (c.dep_ == "dobj" and c.pos_ == "VERB")
            or (c.dep_ == "xcomp" and (lemma in _XCOMP_SPEECH or c.lemma_ in lex.REPORTING_VERBS))
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
                and _set_off(tok)
            )
            or _as_clause(tok)
            or _parenthetical(tok, inside)
        )
        inverted = _inverted_speaker(tok)
        reversed_ = reversed_ or inverted is not None
        subject = inverted if inverted is not None else subject_of(tok)
        if subject is None and not any(c.dep_ in _SUBJ for c in tok.children):
            subject = _noun_before(tok, None)
        if (
            subject is not None
            and subject.dep_ == "nsubjpass"
            and not any(c.dep_ == "agent" for c in tok.children)
        ):
            continue  # "They were told that...", "It was reported that...": no one speaks
        if lemma == "continue" and not _after_quote(tok, subject):
            continue  # only '"...," she continued'; "the riots continued" reports nothing
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
        quoting = _after_quote(tok, subject) and _speakerlike(subject)  # '"...," X repeated'
        if not (clausal or reversed_ or quoting or (plain and _says_something(tok))):
            continue
        # "The data show that...", "Police found that...": content verbs need a speaker.
        if lemma in lex.CONTENT_VERBS and (subject is None or subject.lower_ == "it"):
            continue
        if lemma in lex.CONTENT_VERBS and not _speakerlike(subject) and inverted is None:
            continue
        # "The rate, he wrote, suggests that...": a thing that suggests or shows is no speaker
        # when someone else in the sentence reports.
        inanimate = lemma in lex.HEDGE_VERBS | lex.CONTENT_VERBS and not _speakerlike(subject)
        depth = _depth(tok, root) + (20 if inanimate else 0)
        if depth < best_depth:
            best, best_depth = tok, depth
    return best


def _noun_before(verb: Any, content: Any) -> Any:
    """The noun phrase right before a verb the parser left without a subject ("..., an
    official with knowledge of the talks told CNN"), if it can speak."""
    i = verb.i - 1
    while i >= 0 and verb.doc[i].is_punct:
        i -= 1
    if i < 0 or verb.doc[i].pos_ not in ("NOUN", "PROPN"):
        return None
    tok = verb.doc[i]
    inner = {t.i for t in content.subtree} if content is not None and content.i != verb.i else set()
    while tok.head.i < verb.i and (
        tok.dep_ in ("pobj", "prep", "compound", "poss", "nmod")
        or (tok.dep_ == "appos" and _party_state(tok))  # "Darrell Issa, R-Calif., said"
    ):
        tok = tok.head
    # Inside the reported clause only when set off by a comma ("..., an official told CNN").
    set_off = tok.left_edge.i > 0 and verb.doc[tok.left_edge.i - 1].text == ","
    if (tok.i in inner and not set_off) or tok.pos_ not in ("NOUN", "PROPN"):
        return None
    return tok if _speakerlike(tok) else None


def _party_state(tok: Any) -> bool:
    return bool(_PARTY_STATE.match(tok.doc[tok.left_edge.i : tok.i + 1].text))


def _after_quote(verb: Any, subject: Any) -> bool:
    """Whether the reporting clause follows a closing quotation mark ('...," she said')."""
    first = min(verb.i, subject.left_edge.i) if subject is not None else verb.i
    doc = verb.doc
    return (
        first >= 2
        and doc[first - 1].text in ("”", '"', "’", "'")
        and doc[first - 2].text in (",", ".", "!", "?", "…", "-", "—")
    )


def _set_off(verb: Any) -> bool:
    """ "..., officials said", "“...” she said": the reporting clause is marked off by
    punctuation from what it reports (not "police who claim he pointed a gun")."""
    subject = next((c for c in verb.children if c.dep_ in _SUBJ and c.i < verb.i), None)
    before = subject.left_edge.i - 1 if subject is not None else verb.i - 1
    return before >= 0 and verb.doc[before].text in _SET_OFF


def _parenthetical(verb: Any, inside: set[int] | None) -> bool:
    """ "The rate, he wrote, suggests that...": a reporting clause set inside what it reports."""
    if not (
        verb.dep_ == "parataxis"
        and verb.i < verb.head.i
        and (inside is None or verb.head.i in inside)
        and any(c.dep_ == "nsubj" for c in verb.children)
    ):
        return False
    doc = verb.doc
    words = [t.i for t in verb.subtree if not t.is_punct]
    lo, hi = min(words), max(words)
    return lo > 0 and hi + 1 < len(doc) and doc[lo - 1].text == "," and doc[hi + 1].text == ","


def _inverted_speaker(verb: Any) -> Any:
    """ "..., reported the Daily Planet": the speaker after a verb that closes the sentence."""
    if verb.i == 0 or verb.doc[verb.i - 1].text not in (",", "”", '"', "’", "'"):
        return None
    if any(c.dep_ in _SUBJ and c.i < verb.i for c in verb.children):
        return None
    after = [c for c in verb.children if c.dep_ in ("nsubj", "dobj", "attr") and c.i > verb.i]
    if not after or after[0].pos_ == "PRON":
        return None
    # After a closing quotation mark any noun phrase speaks ('"...," reads one comment').
    quote_before = verb.doc[verb.i - 1].text in ("”", '"', "’", "'")
    if not (_speakerlike(after[0]) or (quote_before and after[0].pos_ in ("NOUN", "NUM"))):
        return None
    if any(c.dep_ in ("ccomp", "xcomp") and c.i > verb.i for c in verb.children):
        return None  # "..., told the court that ...": a new clause, not an inversion
    return after[0]


def _is_participle(tok: Any) -> bool:
    """ "..., saying that": a speech participle hanging off the main verb or its object.

    It must carry what is said: "died while reporting from Syria" reports nothing.
    """
    return (
        tok.tag_ == "VBG"
        and tok.lemma_.lower() in lex.STRONG_SPEECH
        and (tok.dep_ == "advcl" or (tok.dep_ == "acl" and tok.head.dep_ == "dobj"))
        and not any(c.dep_ == "mark" for c in tok.children)
        and (any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in tok.children) or _colon_after(tok))
    )


def _as_clause(tok: Any) -> bool:
    """ "..., as The Daily Planet reported": the clause reports its head.

    Not "as all candidates stressed support" (a reason): the verb takes no object of its own.
    """
    return (
        tok.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)
        and not any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in tok.children)
    )


def _colon_after(tok: Any) -> bool:
    return tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].text == ":"


def _says_something(tok: Any) -> bool:
    """A speech verb used as one: with an object, a negation, a topic or a colon."""
    if tok.lemma_.lower() == "say":  # 'X said Saturday.' after a quotation line
        return True
    for c in tok.children:
        if c.dep_ in ("dobj", "dative", "ccomp", "xcomp", "neg", "attr", "oprd"):
            return True
        if c.dep_ == "prep" and not any(
            g.ent_type_ in ("DATE", "TIME", "GPE", "LOC", "FAC") for g in c.children
        ):
            return True
    if _colon_after(tok) or tok.dep_ in ("parataxis", "ccomp"):
        return True
    # "..., a source said yesterday", "“...” he said": set off after what it reports.
    subject = next((c for c in tok.children if c.dep_ == "nsubj" and c.i < tok.i), None)
    before = subject.left_edge.i - 1 if subject is not None else tok.i - 1
    return before >= 0 and tok.doc[before].text in (",", "”", '"', "’", "'")


def _depth(tok: Any, root: Any) -> int:
    depth = 0
    while tok.i != root.i and tok.head.i != tok.i and depth < 50:
        tok = tok.head
        depth += 1
    return depth if tok.i == root.i else 50


def subject_of(verb: Any, inside: set[int] | None = None) -> Any:
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
        or lex.is_media_noun(tok)
        or lemma in ("government", "ministry", "police", "company", "spokesperson", "army")
    )


def _content_of(verb: Any, root: Any) -> Any:
    for child in verb.children:
        if child.dep_ in ("ccomp", "xcomp"):
            return child
    if (
        (verb.dep_ in ("parataxis", "ccomp") and verb.i > verb.head.i)
        or _as_clause(verb)
        or _parenthetical(verb, None)
    ):
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
                        and pobj.ent_type_ not in ("GPE", "LOC", "FAC")
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
    if lex.is_media_noun(head):  # "British media", "the newspaper", "state television"
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


def _according_to(unit: Unit, found: Found, inside: set[int], outlets: OutletTable) -> None:
    toks = unit.tokens
    for a, b in zip(toks, toks[1:], strict=False):
        if a.lower_ != "according" or b.lower_ != "to":
            continue
        pobj = next((c for c in b.children if c.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((c for c in a.children if c.dep_ == "pobj"), None)
        if pobj is None or pobj.i not in inside:
            continue
        sub = Found()
        _set_speaker(sub, pobj, inside, outlets)
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
        sub = Found()
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
        elif found.speaker is None or found.kind is SpeakerKind.MEDIA:
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
        if tok.pos_ in ("VERB", "AUX") and lemma in _RELAY and tok is not found.verb_token:
            if tok.dep_ in ("relcl", "acl", "amod", "pcomp", "csubj", "xcomp") or any(
                c.dep_ == "mark" and c.lower_ != "as" for c in tok.children
            ):
                continue  # "after the Planet reported that...": an event in the story
            for c in tok.children:
                name, mention = None, c
                if c.dep_ == "nsubj" and c.i in inside:
                    name = _outlet_name(c, inside, outlets)
                elif c.dep_ == "agent":  # "reported by X"
                    mention = next((g for g in c.children if g.dep_ == "pobj"), None)
                    name = _loose_outlet(mention, inside, outlets)
                if name and mention is not None:
                    _relayed(found, name, mention, tok, inside)
        elif low in ("for", "via") and tok.dep_ == "prep":
            writing = tok.head.lemma_.lower() == "write" and tok.head.tag_ == "VBG"
            pobj = next((g for g in tok.children if g.dep_ == "pobj"), None)
            if pobj is None or pobj.i not in inside or not (writing or low == "via"):
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
    lo, hi = _span_of(tok, inside)
    words = [t for t in tok.doc[lo : hi + 1] if not t.is_punct and t.dep_ != "det"]
    return " ".join(t.text for t in words) or None


def _relayed(found: Found, name: str, mention: Any, verb: Any, inside: set[int]) -> None:
    if name in found.outlets:
        return
    found.outlets.append(name)
    if found.speaker is None:  # the outlet reports it and names no source of its own
        lo, hi = _span_of(mention, inside)
        span = mention.doc[lo : hi + 1]
        found.speaker, found.kind = span.text, SpeakerKind.MEDIA
        found.start, found.end = span.start_char, span.end_char
        found.verb = found.verb or verb.lower_
        found.verb_token = found.verb_token or verb
