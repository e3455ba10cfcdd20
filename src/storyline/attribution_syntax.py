"""Parse-tree predicates for attribution: subjects, reporting frames, speaker noun phrases.

Small questions about one spaCy token that :mod:`storyline.attribution` asks again and
again: is this noun something that can speak, where is a verb's subject (also when the
parser hung it elsewhere), is this reporting clause set off after a quotation, is it an
"as X reported" clause. Nothing here knows about claims, outlets or articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from storyline import claims_lexicon as lex
from storyline.model import SpeakerKind

__all__ = [
    "GROUPS",
    "SPEAKER_CUT",
    "SUBJ",
    "after_quote",
    "as_clause",
    "colon_after",
    "content_of",
    "depth",
    "inverted_speaker",
    "is_participle",
    "kind_of",
    "noun_before",
    "parenthetical",
    "party_state",
    "says_something",
    "set_off",
    "span_of",
    "speakerlike",
    "subject_of",
]

SUBJ = ("nsubj", "nsubjpass", "csubj")
# Dependents that do not belong to a speaker's name.
SPEAKER_CUT = frozenset(("relcl", "acl", "appos", "punct", "advcl", "parataxis", "cc"))
# Unnamed groups that speak ("Some said...", "Those who saw it claimed...").
GROUPS = (
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
PARTY_STATE = re.compile(r"^[RDI]-[A-Z]")  # "Darrell Issa, R-Calif.,"
_AGED = re.compile(r"^\d+-year-old$")  # "the 45-year-old said"
REFUSE = ("decline", "refuse")
# "declined to specify which...", "refused to name the company": a refused disclosure reports.
REFUSED = ("specify", "elaborate", "identify", "name", "discuss", "detail")
SET_OFF = (",", "”", '"', "’", "'", "—", "–", "-", ":", "(")


def noun_before(verb: Any, content: Any) -> Any:
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
        or (tok.dep_ == "appos" and party_state(tok))  # "Darrell Issa, R-Calif., said"
    ):
        tok = tok.head
    # Inside the reported clause only when set off by a comma ("..., an official told CNN").
    after_comma = tok.left_edge.i > 0 and verb.doc[tok.left_edge.i - 1].text == ","
    if (tok.i in inner and not after_comma) or tok.pos_ not in ("NOUN", "PROPN"):
        return None
    return tok if speakerlike(tok) else None


def party_state(tok: Any) -> bool:
    return bool(PARTY_STATE.match(tok.doc[tok.left_edge.i : tok.i + 1].text))


def after_quote(verb: Any, subject: Any) -> bool:
    """Whether the reporting clause follows a closing quotation mark ('...," she said')."""
    first = min(verb.i, subject.left_edge.i) if subject is not None else verb.i
    doc = verb.doc
    return (
        first >= 2
        and doc[first - 1].text in ("”", '"', "’", "'")
        and doc[first - 2].text in (",", ".", "!", "?", "…", "-", "—")
    )


def set_off(verb: Any) -> bool:
    """ "..., officials said", "“...” she said": the reporting clause is marked off by
    punctuation from what it reports (not "police who claim he pointed a gun")."""
    subject = next((c for c in verb.children if c.dep_ in SUBJ and c.i < verb.i), None)
    before = subject.left_edge.i - 1 if subject is not None else verb.i - 1
    return before >= 0 and verb.doc[before].text in SET_OFF


def parenthetical(verb: Any, inside: set[int] | None) -> bool:
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


def inverted_speaker(verb: Any) -> Any:
    """ "..., reported the Daily Planet": the speaker after a verb that closes the sentence."""
    if verb.i == 0 or verb.doc[verb.i - 1].text not in (",", "”", '"', "’", "'"):
        return None
    if any(c.dep_ in SUBJ and c.i < verb.i for c in verb.children):
        return None
    after = [c for c in verb.children if c.dep_ in ("nsubj", "dobj", "attr") and c.i > verb.i]
    if not after or after[0].pos_ == "PRON":
        return None
    # After a closing quotation mark any noun phrase speaks ('"...," reads one comment').
    quote_before = verb.doc[verb.i - 1].text in ("”", '"', "’", "'")
    if not (speakerlike(after[0]) or (quote_before and after[0].pos_ in ("NOUN", "NUM"))):
        return None
    if any(c.dep_ in ("ccomp", "xcomp") and c.i > verb.i for c in verb.children):
        return None  # "..., told the court that ...": a new clause, not an inversion
    return after[0]


def is_participle(tok: Any) -> bool:
    """ "..., saying that": a speech participle hanging off the main verb or its object.

    It must carry what is said: "died while reporting from Syria" reports nothing.
    """
    return (
        tok.tag_ == "VBG"
        and tok.lemma_.lower() in lex.STRONG_SPEECH
        and (tok.dep_ == "advcl" or (tok.dep_ == "acl" and tok.head.dep_ == "dobj"))
        and not any(c.dep_ == "mark" for c in tok.children)
        and (any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in tok.children) or colon_after(tok))
    )


def as_clause(tok: Any) -> bool:
    """ "..., as The Daily Planet reported": the clause reports its head.

    Not "as all candidates stressed support" (a reason): the verb takes no object of its own -
    unless the clause is closed in parentheses ("because (as X pointed out) the story was
    false"): what the parser hung on the verb after the parenthesis is not its object.
    """
    if tok.dep_ != "advcl":
        return False
    mark = next((c for c in tok.children if c.dep_ == "mark" and c.lower_ == "as"), None)
    if mark is None:
        return False
    if not any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in tok.children):
        return True
    doc = tok.doc
    end = tok.i + 1 + sum(1 for t in doc[tok.i + 1 : tok.i + 3] if t.dep_ == "prt")
    return mark.i > 0 and doc[mark.i - 1].text == "(" and end < len(doc) and doc[end].text == ")"


def colon_after(tok: Any) -> bool:
    return tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].text == ":"


def says_something(tok: Any) -> bool:
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
    if colon_after(tok) or tok.dep_ in ("parataxis", "ccomp"):
        return True
    # "..., a source said yesterday", "“...” he said": set off after what it reports.
    subject = next((c for c in tok.children if c.dep_ == "nsubj" and c.i < tok.i), None)
    before = subject.left_edge.i - 1 if subject is not None else tok.i - 1
    return before >= 0 and tok.doc[before].text in (",", "”", '"', "’", "'")


def depth(tok: Any, root: Any) -> int:
    """How many heads up from ``tok`` the ``root`` is (50: not above it)."""
    steps = 0
    while tok.i != root.i and tok.head.i != tok.i and steps < 50:
        tok = tok.head
        steps += 1
    return steps if tok.i == root.i else 50


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
                # '"...," the attorney told the channel's host': of two subjects the parser
                # found, the one after the verb is the addressee.
                before = any(c.i < tok.i for c in subjects)
                subjects.sort(
                    key=lambda c: (c.i not in inside, before and c.i > tok.i, abs(c.i - tok.i))
                )
            if subjects:
                return _apposed(subjects[0], subjects, inside)
        if tok.dep_ == "acl" and is_participle(tok):  # "downplayed the unrest saying"
            tok = tok.head.head
            continue
        if (tok.dep_ in ("xcomp", "conj") or is_participle(tok)) and tok.head.i != tok.i:
            tok = tok.head
            continue
        break
    return None


def _apposed(subject: Any, subjects: list[Any], inside: set[int] | None) -> Any:
    """ "An official from X (CPI), the department serving Y, says": the parser made the
    appositive a second subject; the first noun phrase, right before the comma, is the one
    (within the unit: not a heading the parser glued on)."""
    doc = subject.doc
    comma = subject.left_edge.i - 1
    if comma < 1 or doc[comma].text != ",":
        return subject
    return next(
        (
            c
            for c in subjects
            if c.i < subject.i
            and c.right_edge.i == comma - 1
            and (inside is None or c.left_edge.i in inside)
            and "\n" not in doc[c.left_edge.i : subject.i].text
        ),
        subject,
    )


def empty_refusal(tok: Any) -> bool:
    """A refusal or denial that reports nothing: "refused to be photographed", a bare
    "denied" - but "declined to comment", "denied the allegations", "was asked ... but
    declined" report."""
    if asked_refusal(tok):
        return False
    lemma = tok.lemma_.lower()
    if lemma in REFUSE and not any(
        c.dep_ == "ccomp"
        or (c.dep_ == "xcomp" and c.lemma_.lower() in lex.REPORTING_VERBS | set(REFUSED))
        or (c.dep_ == "dobj" and c.lemma_.lower() in lex.DENIED_THINGS)
        for c in tok.children
    ):
        return True
    return lemma in lex.DENY_VERBS and not any(
        c.dep_ in ("ccomp", "xcomp", "dobj", "pcomp") for c in tok.children
    )


def directive(tok: Any) -> bool:
    """ "told her to sit down", "asked them to leave": an order or request to someone, with
    no clause that states something, reports no claim."""
    children = list(tok.children)
    return (
        tok.lemma_.lower() in ("tell", "ask", "order")
        and any(c.dep_ in ("dobj", "dative") for c in children)
        and any(c.dep_ == "xcomp" and c.tag_ == "VB" for c in children)
        and not any(c.dep_ == "ccomp" for c in children)
        and not colon_after(tok)
    )


def aside(tok: Any, inside: set[int]) -> bool:
    """A verb inside a short parenthesis of the sentence: "(maybe that's why people thought
    they were the leaders)", "(“You are pretty,” he says at one point)" - it reports the
    aside, not the sentence. "(as X pointed out)" is :func:`as_clause`'s."""
    if as_clause(tok):
        return False
    doc = tok.doc
    paren = ("(", ")")
    lo = next((i for i in range(tok.i - 1, -1, -1) if i not in inside or doc[i].text in paren), -1)
    hi = next(
        (i for i in range(tok.i + 1, len(doc)) if i not in inside or doc[i].text in paren), -1
    )
    if lo < 0 or hi < 0 or doc[lo].text != "(" or doc[hi].text != ")":
        return False
    return (hi - lo) * 2 < len(inside)


def phrasal_denial(tok: Any) -> bool:
    """ "The minister shot down claims that...", "played down reports of a split": a phrasal
    verb that denies a claim named as its object reports that denial."""
    particle = next((c.lower_ for c in tok.children if c.dep_ == "prt"), None)
    if (tok.lemma_.lower(), particle) not in lex.DENY_PHRASAL:
        return False
    return any(c.dep_ == "dobj" and c.lemma_.lower() in lex.CLAIM_NOUNS for c in tok.children)


def _judged(obj: Any, verb: str) -> bool:
    """Whether a judging verb's object is a claim: the truth of something ("doubted the
    veracity of it"), or a claim noun with its content ("his claim that...", "reports of a
    split") - not a document or a tale ("accepted the report", "believed the story about
    the dragon", "will question the report")."""
    noun = obj.lemma_.lower()
    if noun in lex.JUDGED:
        return True
    if noun not in lex.CLAIM_NOUNS | {"account", "version"} or (
        verb == "accept" and noun in ("report", "story")
    ):
        return False
    return any(
        (
            c.dep_ in ("acl", "ccomp")
            and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        )
        or (c.dep_ == "prep" and c.lower_ == "of" and noun != "story")
        for c in obj.children
    )


def claim_object(tok: Any) -> bool:
    """A verb that reports through a claim named as its object: a phrasal denial, or a
    judgement ("Many of his colleagues believe his claim that...", "two guests doubted the
    veracity of it"; see :func:`_judged`)."""
    if phrasal_denial(tok):
        return True
    verb = tok.lemma_.lower()
    return verb in lex.JUDGE_VERBS and any(
        c.dep_ == "dobj" and _judged(c, verb) for c in tok.children
    )


def expletive(verb: Any) -> bool:
    """ "it's claimed that...", "it was reported that...": a passive with an empty "it" (the
    parser may call it a plain subject) and no agent."""
    children = list(verb.children)
    return (
        any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ == "it" for c in children)
        and any(c.dep_ == "auxpass" for c in children)
        and not any(c.dep_ == "agent" for c in children)
    )


def impersonal_report(tokens: Sequence[Any]) -> bool:
    """A report with no one named: a reporting verb in an :func:`expletive` passive."""
    return any(t.lemma_.lower() in lex.REPORTING_VERBS and expletive(t) for t in tokens)


def relative_report(tokens: Sequence[Any], root: Any) -> tuple[Any, Any] | None:
    """ "A channel interviewed one passer-by, who said he was locking his bicycle...": one met or
    interviewed who then says something is the sentence's speaker; (that one, the verb)."""
    if root.lemma_.lower() not in lex.MET_VERBS:
        return None
    for tok in tokens:
        if (
            tok.dep_ == "relcl"
            and tok.lemma_.lower() in lex.SPEECH_VERBS
            and tok.head.head.i == root.i
            and any(c.dep_ == "nsubj" and c.lower_ == "who" for c in tok.children)
            and any(c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX") for c in tok.children)
            and speakerlike(tok.head)
        ):
            return tok.head, tok
    return None


def study_finding(tok: Any, subject: Any) -> bool:
    """ "A newspaper poll published Sunday showed the party's popularity at 20 percent": what
    a poll or study shows or finds is its claim, object and all."""
    return (
        tok.lemma_.lower() in lex.STUDY_VERBS
        and subject is not None
        and subject.lemma_.lower() in lex.STUDY_NOUNS
        and any(c.dep_ == "dobj" for c in tok.children)
    )


def _asked_for_comment(asked: Any) -> bool:
    """ "asked to comment / respond / confirm", "contacted for comment", "asked about the
    reports": a request for comment, not "asked the driver to stop"."""
    for c in asked.children:
        if c.dep_ == "xcomp" and c.lemma_.lower() in lex.TO_COMMENT:
            return True
        if c.dep_ == "prep" and c.lower_ in ("about", "on", "regarding", "over"):
            return True
        if (
            c.dep_ == "prep"
            and c.lower_ == "for"
            and any(g.dep_ == "pobj" and g.lemma_.lower() in lex.FOR_COMMENT for g in c.children)
        ):
            return True
    return False


def asked_refusal(verb: Any) -> bool:
    """ "An official was asked to comment on the reports but (he) declined", "The ministry
    was contacted for comment but declined", "X asked the ministry to comment but it
    declined": a bare refusal after a request for comment refuses to comment. Refusing to
    do something else ("Police asked the driver to stop but he refused") reports nothing.
    The refusal needs a subject of its own or a passive request (the one asked)."""
    if verb.lemma_.lower() not in REFUSE or verb.dep_ != "conj":
        return False
    if any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in verb.children):
        return False
    asked = verb.head
    if asked.lemma_.lower() not in lex.COMMENT_REQUEST_VERBS or not _asked_for_comment(asked):
        return False
    return any(c.dep_ == "nsubj" for c in verb.children) or any(
        c.dep_ == "nsubjpass" for c in asked.children
    )


def asked_then_declined(verb: Any) -> Any:
    """The one who refuses in an :func:`asked_refusal`, where the refusal names no one of its
    own: the one asked - the passive subject ("An official was asked ... but he declined"),
    or the object of an active request when the refusal's subject is a pronoun ("X asked
    the ministry to comment but it declined": the ministry, not X). A refusal with a noun
    subject of its own ("... but a spokesman declined") is left to plain subject finding."""
    if not asked_refusal(verb):
        return None
    own = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if own is not None and own.pos_ != "PRON":
        return None
    asked = verb.head
    one = next((c for c in asked.children if c.dep_ == "nsubjpass"), None)
    if one is None and own is not None:
        one = next((c for c in asked.children if c.dep_ == "dobj"), None)
    if one is None or one.pos_ == "PRON" or not speakerlike(one):
        return None
    return one


def according_objects(tokens: Sequence[Any], inside: set[int]) -> Iterator[Any]:
    """The sources of "according to X", "as per X" and "per X" ("... next year, per the
    site"; not "per cent", "per day", "$50 per person": see :func:`_per_source`)."""
    for a, b in zip(tokens, tokens[1:], strict=False):
        pair = (a.lower_, b.lower_)
        if pair in (("according", "to"), ("as", "per")):
            pobj = next((c for c in b.children if c.dep_ == "pobj"), None)
            if pobj is None:
                pobj = next((c for c in a.children if c.dep_ == "pobj"), None)
        elif a.lower_ == "per" and a.dep_ == "prep" and (a.i == 0 or a.doc[a.i - 1].lower_ != "as"):
            pobj = next((c for c in a.children if c.dep_ == "pobj"), None)
            if pobj is not None and not _per_source(pobj):
                pobj = None
        else:
            continue
        if pobj is not None and pobj.i in inside:
            yield pobj


def _per_source(pobj: Any) -> bool:
    """Whether X in "per X" is a source: one who can speak or a site, named ("per Reuters"),
    determined ("per the site", "per its website", "per a spokesman") or a plural of
    speakers ("per officials") - not a rate's unit ("$50 per person", "per cent", "per day",
    "$5 per share")."""
    if pobj.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL"):
        return False
    if not (speakerlike(pobj) or pobj.lemma_.lower() in lex.PER_SITES):
        return False
    if pobj.pos_ == "PROPN" or pobj.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    if any(
        (c.dep_ == "det" and c.lower_ not in ("each", "every", "any"))
        or c.dep_ == "poss"
        or (c.dep_ == "compound" and c.pos_ == "PROPN")
        for c in pobj.children
    ):
        return True
    return pobj.tag_ == "NNS" and pobj.lemma_.lower() in lex.ANON_HEADS


def active_subject(verb: Any) -> bool:
    """Whether the passive subject found for a reporting verb speaks through it: shared with
    a conjoined verb ("X was overcome with emotion and said"), asked before declining ("X was
    asked ... but declined"), raised from it ("an official is said to have denied any such
    plans", "X is reported to have said that..."), or a document's participle ("a statement
    was released saying that...")."""
    if shared_subject(verb) or asked_then_declined(verb) is not None:
        return True
    if is_participle(verb):  # "A statement was released saying...", "reports were sent warning"
        subject = subject_of(verb)
        return subject is not None and subject.lemma_.lower() in lex.DOC_NOUNS
    head = verb.head
    return (
        verb.dep_ == "xcomp"
        and not any(c.dep_ == "auxpass" for c in verb.children)
        and head.lemma_.lower() in lex.RAISING_VERBS
        and any(c.dep_ == "nsubjpass" for c in head.children)
        and any(c.dep_ == "auxpass" for c in head.children)
    )


def shared_subject(verb: Any) -> bool:
    """An active verb conjoined to a passive one shares its subject: in "X was overcome with
    emotion and said: ...", X speaks; in "terms were not disclosed" no one does."""
    return (
        verb.dep_ == "conj"
        and verb.tag_ in ("VBD", "VBZ", "VBP")  # not "was arrested and accused of theft"
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children)
        and any(c.dep_ == "nsubjpass" for c in verb.head.children)
    )


def _aged(tok: Any) -> bool:
    """ "the 45-year-old (said)": one token or "45 - year - old" with "old" as its head."""
    return bool(_AGED.search(tok.lower_)) or (
        tok.lower_ == "old" and any(c.lower_ == "year" for c in tok.children)
    )


def speakerlike(tok: Any) -> bool:
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
        or _aged(tok)
        or lex.is_media_noun(tok)
        or lemma in ("government", "ministry", "police", "company", "spokesperson", "army")
    )


def content_of(verb: Any, root: Any) -> Any:
    for child in verb.children:
        if child.dep_ in ("ccomp", "xcomp"):
            return child
    if (
        (verb.dep_ in ("parataxis", "ccomp") and verb.i > verb.head.i)
        or as_clause(verb)
        or parenthetical(verb, None)
    ):
        return verb.head
    return root


def span_of(head: Any, inside: set[int]) -> tuple[int, int]:
    """Token index range of a noun phrase: the head with its modifiers, not its clauses."""
    lo = hi = head.i
    for child in head.children:
        if child.dep_ in SPEAKER_CUT or child.i not in inside:
            continue
        sub = [t.i for t in child.subtree if t.i in inside]
        if sub:
            lo, hi = min(lo, min(sub)), max(hi, max(sub))
    return lo, hi


def kind_of(head: Any, span: Any) -> SpeakerKind:
    lemma = head.lemma_.lower()
    if head.lower_ in GROUPS:
        return SpeakerKind.ANONYMOUS
    if head.pos_ == "PRON":
        return SpeakerKind.PERSON if head.lower_ in ("he", "she", "i") else SpeakerKind.ORGANISATION
    has_person = any(t.ent_type_ == "PERSON" for t in span)
    if (lemma in lex.ANON_HEADS or head.lower_ in GROUPS) and not has_person:
        return SpeakerKind.ANONYMOUS
    if lemma in lex.DOC_NOUNS:
        return SpeakerKind.DOCUMENT
    if lex.is_media_noun(head):  # "British media", "the newspaper", "state television"
        return SpeakerKind.MEDIA
    if head.ent_type_ == "PERSON" or lemma in lex.PERSON_NOUNS or _aged(head):
        return SpeakerKind.PERSON
    if head.pos_ == "PROPN" and (
        any(t.lower_ in lex.MALE_TITLES | lex.FEMALE_TITLES for t in span)
        or any(
            e.label_ == "PERSON" and len(e) > 1 and e[-1].text == head.text for e in head.doc.ents
        )
    ):
        return SpeakerKind.PERSON  # "Mr Doe", or "Doe" after "Jane Doe": the tagger said ORG
    return SpeakerKind.ORGANISATION


_TRAILING_SPEECH = frozenset(("says", "states", "reads", "writes", "adds", "notes", "explains"))
_CLOSING = ("”", '"', "’", "'")


def trailing_speech_noun(tokens: Sequence[Any]) -> tuple[Any, Any] | None:
    """'"...," a statement attributed to the group states.': the parser took the closing
    verb for a plural noun. (The speaker's head, the verb) when the sentence ends with such a
    word after a closed quotation and a noun phrase that can speak."""
    words = [t for t in tokens if not t.is_punct]
    if len(words) < 3 or words[-1].lower_ not in _TRAILING_SPEECH or words[-1].pos_ == "VERB":
        return None
    verb = words[-1]
    close = next(
        (t for t in reversed(tokens) if t.i < verb.i and t.text in _CLOSING and t.i > 0), None
    )
    if close is None:
        return None
    doc = verb.doc
    head = next(
        (
            t
            for t in doc[close.i + 1 : verb.i]
            if t.pos_ in ("NOUN", "PROPN") and t.dep_ != "compound"
        ),
        None,
    )
    if head is None or not (speakerlike(head) or head.lemma_.lower() in lex.DOC_NOUNS):
        return None
    return head, verb
