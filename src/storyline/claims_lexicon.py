"""Word lists and text patterns for claims: reporting verbs, hedges, denials, furniture, quotes.

Kept apart from :mod:`storyline.claims` so the rules read as rules and the lists can grow
without touching them. Media outlets are data (``data/outlets.txt``); everything here is
general English news vocabulary, nothing specific to any article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = [
    "ANON_HEADS",
    "ASKING",
    "BLURB",
    "BOILERPLATE_LINE",
    "CALL_SIGN",
    "CAPTION",
    "CONTENT_VERBS",
    "DENIED_THINGS",
    "DENY_VERBS",
    "DOC_NOUNS",
    "DOUBTED",
    "EXPRESSED",
    "FEMALE_NOUNS",
    "FEMALE_PRONOUNS",
    "FEMALE_TITLES",
    "FUTURE",
    "HEDGE_ADJ",
    "HEDGE_ADV",
    "HEDGE_MODALS",
    "HEDGE_PHRASES",
    "HEDGE_VERBS",
    "IGNORANCE",
    "LEADING_VIA",
    "MAX_HEADING_WORDS",
    "MALE_NOUNS",
    "MALE_PRONOUNS",
    "MALE_TITLES",
    "MAX_QUOTE_LINES",
    "MEDIA_WORD",
    "MEDIA_HEADS",
    "MEDIA_NOUNS",
    "MEDIA_NOUNS_QUALIFIED",
    "MEDIA_QUALIFIERS",
    "NEG_PHRASES",
    "NOMINAL",
    "OutletTable",
    "PERSONAL",
    "PARENTHETICAL_NAME",
    "PERSON_NOUNS",
    "PREDICT_VERBS",
    "QUOTE_OPEN",
    "REPORTING_VERBS",
    "SPECULATIVE_PHRASES",
    "SPEECH_VERBS",
    "SPOKEN_IN",
    "STRONG_SPEECH",
    "TERMINAL",
    "TITLE_ABBREV",
    "TRAILING_REPORT",
    "WEB_ADDRESS",
    "blurb_lines",
    "furniture_spans",
    "is_furniture_line",
    "is_heading",
    "is_media_noun",
    "is_outlet_self_description",
    "line_bounds",
    "load_outlets",
    "quotations",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Lemmas of verbs that introduce reported content ("X said that...", "..., X told Y").
REPORTING_VERBS = _words(
    """
    say tell reveal report claim deny decline confirm announce warn state add note insist
    acknowledge admit learn suggest hint allege assert argue explain write tweet post comment
    respond reply disclose indicate estimate predict believe think suspect fear testify recount
    recall describe declare maintain contend concede affirm reiterate stress emphasise emphasize
    point observe remark caution complain accuse charge blame urge vow pledge promise threaten
    conclude find show read cite quote brief inform notify agree dispute reject refute rebut
    dismiss refuse express publish speculate predict forecast signal imply mention fume quip
    joke exclaim shout yell scream whisper plead lament boast retort counter answer recount
    advise continue repeat echo assure reassure project
    """
)

# Titles written with a full stop before a name ("Police Sgt. Ann Tran said"): the parser
# often ends a sentence there, cutting the speaker off the claim it attributes.
TITLE_ABBREV = re.compile(
    r"(?<![\w.])(?:Capt|Lt|Sgt|Cpl|Col|Gen|Adm|Maj|Brig|Cmdr|Cdr|Pvt|Spc|Det|Insp|Supt|Ofc"
    r"|Gov|Sen|Rep|Atty|Amb|Sec|Pres|Rev|Msgr|Fr|Dr|Prof|Mr|Mrs|Ms|Mt|St)\.$"
)

# Reporting verbs that deny or decline what follows ("Russia declined that...").
DENY_VERBS = _words("deny decline refuse reject refute rebut dismiss dispute disavow")
# Phrasal verbs that deny what their object claims ("shot down claims that...", "played down
# reports of...", "brushed aside suggestions that...").
DENY_PHRASAL = frozenset(
    (
        ("shoot", "down"),
        ("knock", "down"),
        ("play", "down"),
        ("brush", "aside"),
        ("brush", "off"),
        ("shrug", "off"),
        ("laugh", "off"),
        ("wave", "away"),
        ("wave", "off"),
    )
)
# Verbs of judging a claim named as their object ("colleagues believe his claim that...",
# "two guests doubted the veracity of it"; not "accepted the report", "believed the story").
JUDGE_VERBS = _words("believe doubt question accept")
# The truth of something, judged whatever its complement ("doubted the veracity of it").
JUDGED = _words("veracity authenticity accuracy truth truthfulness credibility reliability")
# What one is asked to do, or for, when a bare refusal after it refuses to comment ("was
# asked to comment / contacted for comment but declined"; not "asked the driver to stop").
TO_COMMENT = _words(
    "comment respond reply confirm deny discuss elaborate answer explain address clarify say "
    "speak talk"
)
FOR_COMMENT = _words("comment response reaction statement interview confirmation clarification")
# Verbs of requesting a comment, so that a bare refusal after them refuses to comment ("was
# contacted for comment but declined"). Overlaps MET_VERBS but is kept apart: each list was
# tuned to its own rule, and their union would widen both.
COMMENT_REQUEST_VERBS = _words("ask question contact approach press")
# Verbs of meeting someone who then speaks in a relative clause ("A channel interviewed one
# passer-by, who said..."): an encounter, not a request, so "speak", "meet" belong here only.
MET_VERBS = _words("interview contact reach ask speak talk call meet question")
# Words of bylines, live-blog stamps and page furniture, never of a commenter's name on a
# comment header ("By Jane Smith 5 hours ago", "Last Updated Today 10:30", "Breaking News").
NOT_NAMES = _words(
    """
    by updated update last posted published breaking news live reporting report reported
    today yesterday additional edited modified filed staff writer editor reporter
    correspondent comment comments reply replies share shared latest read more top story
    stories photo video watch related posts post via from and the at on in of
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december
    """
)
# Nouns naming a claim, for phrasal denials ("shot down rumours of...") and judgements ("believe
# his claim that...", which also need the claim's content); see REJECTED_CLAIMS for plain denials.
CLAIM_NOUNS = _words(
    "allegation accusation claim report rumour rumor suggestion speculation notion idea story"
)
# Objects that make a plain deny verb report a denial ("Israel rejected allegations that...").
# Narrower than CLAIM_NOUNS on purpose: here the object alone decides, with no content needed,
# and "rejected the idea", "dismissed the notion" turn down a proposal rather than deny a claim;
# widening it to CLAIM_NOUNS would change which sentences report a denial.
REJECTED_CLAIMS = _words("allegation accusation claim report rumour rumor suggestion")

# Reporting verbs that present the content as uncertain ("intelligence suggests that...").
HEDGE_VERBS = _words(
    "suggest hint speculate believe think suspect estimate imply guess fear indicate"
)

# Nouns whose unnamed bearers are anonymous sources ("US intelligence sources", "officials").
ANON_HEADS = _words(
    """
    source official intelligence person people insider diplomat aide adviser advisor
    investigator authority analyst observer witness expert member employee staffer
    spokesman spokeswoman spokesperson officer individual resident eyewitness bystander
    activist critic
    """
)

# Documents that can speak ("the statement reads", "a report said").
DOC_NOUNS = _words(
    """
    statement report reports document study survey letter memo filing record poll data
    analysis assessment complaint lawsuit indictment affidavit release communique transcript
    email note paper review audit investigation message post tweet comment
    """
)

# Documents whose findings are claims even with a plain object ("a poll showed support at
# 20 percent", "the study found higher rates").
STUDY_NOUNS = _words("poll survey study report analysis research audit review census data")
# What a study does with its finding when the finding is a plain object ("the poll showed
# support at 20 percent"); narrower than CONTENT_VERBS, which need a clause or a speaker.
STUDY_VERBS = _words("show find reveal indicate suggest")
# Passives that raise a speaker out of the verb they report through ("an official is said to
# have denied...", "X is reported to have said that..."): the raised subject still speaks.
# Narrower than the hedge passives ("is rumoured to"), which hedge but name no speaker.
RAISING_VERBS = _words("say report believe understand think allege")

# Heads of role nouns that name a person without a name ("the spokesman said").
PERSON_NOUNS = _words(
    """
    man woman boy girl minister president chief director
    secretary governor mayor senator lawmaker sheriff judge lawyer attorney wife husband
    mother father son daughter friend neighbour neighbor victim suspect doctor teacher
    ambassador commander general ceo founder chairman chairwoman leader representative
    """
)

# Last words of outlet names that are not in the list ("the Springfield Gazette").
MEDIA_HEADS = _words(
    """
    Times Post Journal News Herald Tribune Gazette Telegraph Guardian Chronicle Observer
    Daily Magazine Radio TV Television Broadcasting Press Wire Newspaper Newswire
    Courier Examiner Inquirer Sentinel Dispatch Bulletin Register Mercury Star-Ledger
    """
)

# Broadcasters' call signs ("KCTV-5", "WCVB-TV", "KHOU") and web addresses ("Planet.fr")
# name media outlets whether or not the list knows them.
CALL_SIGN = re.compile(
    r"^[KW][A-Z]{3}(?:\s?-\s?(?:TV|FM|AM|DT|\d{1,2}))?$|^[KW][A-Z]{2}-(?:TV|FM|AM)$"
)
MEDIA_WORD = re.compile(r"^[A-Z][A-Za-z0-9]*[a-z0-9](?:TV|News|Radio|FM|Online)$")  # "GrindTV"
WEB_ADDRESS = re.compile(
    r"^[A-Za-z][\w-]*(?:\.[\w-]+)*\.(?:com|net|org|co\.uk|uk|fr|de|it|es|ru|ca|au|in|io|tv|info)$"
)

# "the X newspaper", "the X news agency": the common noun that marks a media outlet.
MEDIA_NOUNS = _words(
    """
    newspaper daily tabloid broadsheet magazine broadcaster website outlet paper weekly media
    press television tv blog newsletter
    """
)
# Nouns that are media only with a news word before them ("the AFP news agency", "a local TV
# station", "the cable channel"), not alone ("the space agency", "a police station").
MEDIA_NOUNS_QUALIFIED = _words("agency station channel network service site show programme")
MEDIA_QUALIFIERS = _words("news tv television radio cable broadcast wire newswire press")
# Sources after "per" ("... next year, per the site"): a bare "site" is a source there, though
# it takes a news word to make it a media noun elsewhere ("a news site", not "a building site").
PER_SITES = _words("site website blog")

HEDGE_MODALS = _words("may might could")
HEDGE_ADV = _words(
    """
    reportedly allegedly possibly probably perhaps apparently purportedly seemingly supposedly
    presumably likely maybe conceivably ostensibly arguably
    """
)
# Adjectives that hedge when they qualify the main clause or its core arguments.
HEDGE_ADJ = _words(
    """
    alleged purported suspected possible potential likely unconfirmed rumoured rumored
    unclear unknown uncertain unverified unlikely improbable doubtful
    """
)

# Multi-word hedges, matched on lower-cased text at word boundaries.
HEDGE_PHRASES = tuple(
    re.compile(p)
    for p in (
        r"\b(?:unknown|unclear|uncertain|not (?:known|clear)) (?:whether|if|how|when|who|why)\b",
        r"\bit (?:is|was|has been) (?:believed|thought|understood|said|claimed|alleged|"
        r"reported|rumou?red|suspected)\b",
        r"\b(?:is|are|was|were) (?:said|believed|thought|reported|alleged|rumou?red|"
        r"understood|suspected) to\b",
        r"\b(?:appears?|appeared|seems?|seemed) to\b",
        r"\b(?:according to )?(?:unconfirmed|unverified) reports?\b",
        r"\bthere (?:are|were) (?:reports|rumou?rs|suggestions)\b",
        r"\bit (?:appears|appeared|seems|seemed)\b",
        r"\b(?:seems?|seemed)\b",
        r"\b(?:believed|thought|said|rumou?red|reported|understood) to (?:be|have)\b",
        r"\bno (?:idea|telling|way of knowing)\b",
        r"\b(?:do|does|did)(?: not|n't|n’t) know (?:why|whether|if|how|what|when|who)\b",
        r"\b(?:not sure|unsure)\b",
        r"\b(?:a|some|good|slim|small|real) chance\b",
        r"\bthere(?:'s|’s| is| was) (?:\w+ )?a chance\b",
        r"\b(?:talk|speculation) (?:that|of)\b",
        r"\bconflicting reports\b",
        r"\bi guess\b",
        r"\bpurport(?:s|ed|ing)? to\b",
        r"\b(?:anyone|anybody)(?:'s|’s) guess\b",
        r"\balmost certainly\b",
    )
)

# Reporting verbs whose content is a prediction ("analysts forecast that sales will...").
PREDICT_VERBS = _words("predict forecast project anticipate expect")

# Conditional, prediction, fear: stronger than a hedge.
SPECULATIVE_PHRASES = tuple(
    re.compile(p)
    for p in (
        r"\b(?:concerns?|fears?|worries|worry|speculation|warnings?) "
        r"(?:are|is|were|was|have|has)(?: been)? (?:mounting|growing|rising|raised|increasing) "
        r"(?:that|about whether)\b",
        r"^(?:\W*)(?:concerns?|fears?|worries) (?:that|about whether)\b",
        r"\b(?:raised|voiced|expressed|raising|voicing|expressing) (?:\w+ )?(?:concerns?|fears?) "
        r"(?:that|about whether)\b",
        r"\b(?:expected|predicted|forecast|projected|poised) to\b",
        r"\bcould (?:lead|result|trigger|spark|cause)\b",
        r"\bin (?:the )?(?:event|case) (?:that|of)\b",
    )
)

# Negation by construction rather than by "not" ("has yet to", "no evidence that").
NEG_PHRASES = tuple(
    re.compile(p)
    for p in (
        r"\b(?:has|have|had) yet to\b",
        r"\b(?:is|are|was|were) yet to\b",
        r"\bno (?:evidence|sign|signs|indication|proof|confirmation|record)\b",
        r"\bthere (?:is|was|has been|have been) no\b",
        r"\bfailed to (?:confirm|comment|respond)\b",
    )
)

# Page furniture. Lines matching these are never claims.
CAPTION = re.compile(
    r"(?:\b(?:photo|photograph|image|picture|illustration|video|file photo)s? "
    r"(?:by|courtesy of|credit|:)|\(\s*(?:photo|image|picture)\b|\bgetty images\b|"
    r"\b(?:photo|image) credit\b|\bcredit:\s)"
    # "PA   Pooch passing through: Kai was found...": agency credit, a gap, a caption title.
    r"|(?-i:^\s*[A-Z][\w.&/-]*(?: [A-Z][\w.&/-]*){0,2} {2,}[A-Z][^:\n]{0,60}:\s)",
    re.IGNORECASE,
)
BOILERPLATE_LINE = re.compile(
    r"^\s*(?:also read|read also|read more|read next|related|see also|more on this|click here|"
    r"subscribe|sign up|follow us|share this|advertisement|sponsored|copyright|©|all rights "
    r"reserved|sources?:|(?:\()?(?:reporting|writing|editing|additional reporting) by|"
    r"this (?:article|story) (?:was|has been) (?:updated|corrected)|watch:|listen:|"
    r"recommended|trending|most read|you may also like)",
    re.IGNORECASE,
)
# Self-descriptions of an outlet ("X is dedicated to publishing insightful analyses...").
# "..., the metro.co.uk reports." where the parser took "reports" for a noun.
TRAILING_REPORT = re.compile(
    r",\s+(?:the\s+)?(?P<name>[^,;:]{2,60}?)\s+(?:reports|reported|says|said)(?:\W*$|,\s)",
    re.IGNORECASE,
)
# ", Jane Doe says," set inside the sentence it attributes, whatever the parse.
PARENTHETICAL_NAME = re.compile(
    r",\s+(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s+(?P<verb>says|said|claims|"
    r"claimed|reports|reported|writes|wrote|adds|added|notes|noted|insists|insisted|argues|"
    r"argued|explains|explained|tells|told)\s*,"
)
LEADING_VIA = re.compile(r"^\W*via\s+(?:the\s+)?(?P<name>[^,;:]{2,40}?)\s*,", re.IGNORECASE)
BLURB = re.compile(
    r"\b(?:is|are) (?:dedicated|committed|devoted) to (?:publishing|providing|bringing|"
    r"delivering|informing|covering)|\baims? to (?:contribute|provide|inform|bring|deliver)|"
    r"\bour (?:mission|journalism|newsletter|readers)\b|\bsupport (?:independent|our) "
    r"journalism\b|\bsign up for\b|\bsubscribe to\b",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- more word lists

# Reporting verbs that report on their own, with a plain object or none ("Apple announced a
# recall", "officials declined to comment"); the rest need a clausal complement.
SPEECH_VERBS = _words(
    """
    say tell reveal report claim deny confirm announce warn state allege disclose acknowledge
    admit insist hint suggest comment respond reply tweet express reiterate
    accuse blame predict forecast project estimate
    """
)
# Objects that make "express"/"voice" a speech act ("expressed concern over...").
EXPRESSED = _words(
    "concern concerns doubt doubts hope regret support confidence fear fears surprise "
    "outrage anger condolences belief disappointment optimism scepticism skepticism"
)
# Verbs that make whatever noun is their subject a speaker ("the office says...").
STRONG_SPEECH = _words(
    "say tell claim deny announce confirm state report reveal allege insist admit acknowledge "
    "disclose testify tweet reiterate warn"
)
NOMINAL = ("NOUN", "PROPN", "PRON")
DENIED_THINGS = _words(
    "allegation accusation claim charge report rumour rumor story request suggestion "
    "involvement responsibility wrongdoing"
)
IGNORANCE = _words("know idea telling sure certain clear")
ASKING = _words("ask wonder know see check question sound look decide")
PERSONAL = ("he", "she", "they", "it", "we", "i")

# Gender cues the text itself gives about a named person: a title before the name, a role
# noun beside it ("spokeswoman Jane Doe", "Doe, his wife,"), a pronoun right after it.
MALE_TITLES = _words("mr mr. sir lord king prince father fr. brother uncle monsignor msgr.")
FEMALE_TITLES = _words("ms ms. mrs mrs. miss madam madame lady queen princess sister dame")
MALE_NOUNS = _words(
    """
    spokesman chairman businessman congressman councilman alderman policeman fireman
    actor husband son father brother boy man king prince uncle nephew grandfather grandson
    widower boyfriend gentleman sportsman anchorman frontman
    """
)
FEMALE_NOUNS = _words(
    """
    spokeswoman chairwoman businesswoman congresswoman councilwoman alderwoman policewoman
    actress wife daughter mother sister girl woman queen princess aunt niece
    grandmother granddaughter widow girlfriend lady sportswoman anchorwoman waitress
    """
)
MALE_PRONOUNS = ("he", "him", "his", "himself")
FEMALE_PRONOUNS = ("she", "her", "hers", "herself")
QUOTE_OPEN = ("“", '"', "‘", "'", "«")
SPOKEN_IN = _words("statement interview report post briefing release letter email tweet")
CONTENT_VERBS = _words("find show read conclude agree point signal learn")
DOUBTED = _words("alleged purported suspected unconfirmed rumoured rumored unverified")
TERMINAL = tuple(".!?\"”’')…")
FUTURE = re.compile(
    r"\b(?:will|shall|(?:is|are|['’]s|['’]re) (?:going|set|planning|due|about) to|"
    r"(?:plans|intends) to)\b",
    re.IGNORECASE,
)
MAX_HEADING_WORDS = 30
MAX_QUOTE_LINES = 8


def is_media_noun(tok: Any) -> bool:
    """Whether a parsed noun names a kind of media outlet ("the newspaper", "news agency")."""
    lemma = tok.lemma_.lower()
    if lemma in MEDIA_NOUNS or tok.lower_ in MEDIA_NOUNS:
        return True
    return lemma in MEDIA_NOUNS_QUALIFIED and any(
        c.dep_ in ("compound", "amod", "nmod") and c.lower_ in MEDIA_QUALIFIERS
        for c in tok.children
    )


def _describes_media(tok: Any) -> bool:
    """ "the blog" in "the blog Car Talk" (not "Daily" in "The Daily Planet", part of a name)."""
    return (
        tok.dep_ == "compound"
        and is_media_noun(tok)
        and (tok.text.islower() or bool(tok.is_sent_start))
    )


def is_furniture_line(line: str, outlet: str | None = None) -> bool:
    """True for a line of page furniture: caption, heading, dateline, "Also read:", blurb."""
    stripped = line.strip()
    if not stripped:
        return False
    if CAPTION.search(stripped) or BOILERPLATE_LINE.match(stripped) or BLURB.search(stripped):
        return True
    if outlet and is_outlet_self_description(stripped, outlet):
        return True
    return is_heading(stripped)


def furniture_spans(text: str, outlet: str | None = None) -> list[tuple[int, int]]:
    """Character spans of the furniture lines of ``text`` (see :func:`is_furniture_line`)."""
    spans = []
    for start, end in line_bounds(text):
        if is_furniture_line(text[start:end], outlet):
            spans.append((start, end))
    return spans


def line_bounds(text: str) -> list[tuple[int, int]]:
    bounds = []
    pos = 0
    for line in text.split("\n"):
        bounds.append((pos, pos + len(line)))
        pos += len(line) + 1
    return bounds


# A sentence ending inside a line: a lower-case word, its full stop, a capital after it.
_SENTENCE_INSIDE = re.compile(r"\b[a-z][a-z]+[.!?][\"”’']?\s+[\"“‘']?[A-Z]")


def is_heading(line: str) -> bool:
    words = line.split()
    if line.endswith(":"):  # "Reactions:" is a heading, "The minister told reporters:" not
        return len(words) <= 6
    if len(words) > 12 and _SENTENCE_INSIDE.search(line):
        return False  # "... told staff the fire was out. The director was led to safety"
    return not line.endswith(TERMINAL) and len(words) <= MAX_HEADING_WORDS


def is_outlet_self_description(line: str, outlet: str) -> bool:
    low, name = line.lower(), outlet.lower().strip()
    return (
        bool(name)
        and low.startswith(name)
        and bool(re.match(r"\s+(?:is|are|aims)\b", low[len(name) :]))
    )


def blurb_lines(text: str, outlet: str | None) -> set[str]:
    """Lines that describe the outlet itself; a blurb paragraph is furniture as a whole."""
    found = set()
    for start, end in line_bounds(text):
        line = text[start:end].strip()
        if line and (BLURB.search(line) or (outlet and is_outlet_self_description(line, outlet))):
            found.add(line)
    return found


def quotations(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech.

    A quotation runs on over line breaks while the next line does not open a new one (one
    sentence a line, as some corpora store text); a quote left open for more than
    ``MAX_QUOTE_LINES`` lines is taken to end with its first line (a stray mark).
    """
    spans = []
    open_at: int | None = None
    first_break: int | None = None
    lines = 0

    def close(end: int) -> None:
        nonlocal open_at, first_break, lines
        if open_at is not None:
            spans.append((open_at, end))
        open_at, first_break, lines = None, None, 0

    # Two apostrophes close a quotation in some agency copy ('"It is false,'' he said').
    for m in re.finditer(r"[“”\"]|(?<=\S)''|\n", text):
        ch, at = m.group(0), m.start()
        if ch == "\n":
            if open_at is None:
                continue
            nxt = text[at + 1 : at + 3].lstrip()
            if nxt[:1] in ("“", '"') or not text[at + 1 :].strip():
                close(at)  # the next paragraph opens its own quotation
                continue
            first_break = at if first_break is None else first_break
            lines += 1
            if lines > MAX_QUOTE_LINES:
                close(first_break)
        elif ch == "“" or (ch == '"' and open_at is None):
            close(at)
            open_at = at
        else:
            close(m.end())
    if open_at is not None:
        close(first_break if first_break is not None else len(text))
    doubles = [(a, b) for a, b in spans if b - a > 2]
    singles = [
        (a, b) for a, b in _single_quotations(text) if not any(a < e and b > s for s, e in doubles)
    ]
    return sorted(doubles + singles)


# Single quotation marks, as British papers quote speech ('It was big,' she said). An opening
# mark follows a space, a colon or a line start; a closing one follows punctuation, or a word
# at a clause end - so "parents' home" and "we've" are apostrophes, not quotations.
_SINGLE = re.compile(
    r"(?P<open>(?:^|(?<=[\s:(\[—–]))[‘'](?=[^\s'’]))"
    r"|(?P<close>(?<=[.,!?…])[’']|(?<=\w)[’'](?=[.,;:!?)]|[ \t]*(?:$|\n)))"
    r"|(?P<nl>\n)",
    re.MULTILINE,
)


def _single_quotations(text: str) -> list[tuple[int, int]]:
    spans = []
    open_at: int | None = None
    first_break: int | None = None
    lines = 0
    for m in _SINGLE.finditer(text):
        at = m.start()
        if m.group("nl"):
            if open_at is None:
                continue
            nxt = text[at + 1 : at + 3].lstrip()
            first_break = at if first_break is None else first_break
            lines += 1
            if nxt[:1] in ("‘", "'") or not text[at + 1 :].strip():
                spans.append((open_at, at))  # the next paragraph opens its own quotation
                open_at = None
            elif lines > MAX_QUOTE_LINES:
                spans.append((open_at, first_break))
                open_at = None
        elif m.group("open") and open_at is None:
            open_at, first_break, lines = at, None, 0
        elif m.group("close") and open_at is not None:
            spans.append((open_at, m.end()))
            open_at = None
    if open_at is not None:
        spans.append((open_at, first_break if first_break is not None else len(text)))
    return [(a, b) for a, b in spans if b - a > 2]


@dataclass(frozen=True, slots=True)
class OutletTable:
    """Outlet names and aliases, compiled into one regular expression (longest alias first)."""

    pattern: re.Pattern[str]
    canonical: dict[str, str]

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, canonical name) of every outlet named in ``text``."""
        return [
            (m.start(), m.end(), self.canonical[m.group(1)]) for m in self.pattern.finditer(text)
        ]

    def named_by(self, head: Any, span: Any) -> str | None:
        """The outlet a parsed noun phrase (spaCy ``span`` with head token ``head``) names:
        by the list, by the shape of an unlisted name ("The Springfield Gazette"), as owner
        of a document ("this L.A. Times story") or in "the Kommersant newspaper"."""
        doc = head.doc
        name = self.lookup(re.sub(r"(?:'s|’s|')$", "", span.text.strip()).strip())
        if name:
            return name
        # "told People", "according to People": a capitalised "People" as an addressee is
        # the magazine (a common word, so it cannot be in the list as it is).
        if span.text == "People" and head.dep_ in ("dobj", "dative", "pobj"):
            return self.lookup("People magazine")
        for ent in doc.ents:
            if ent.start <= head.i < ent.end:
                name = self.lookup(ent.text)
                if name:
                    return name
                words = ent.text.split()
                if ent.label_ == "ORG" and len(words) > 1 and words[-1] in MEDIA_HEADS:
                    return re.sub(r"^the ", "The ", ent.text)
                # "BBC Radio Leeds", "CNN en Español": a listed outlet's own channel
                if ent.label_ == "ORG" and len(words) > 1 and self.lookup(words[0]):
                    return ent.text
        bare = re.sub(r"^(?:the|The)\s+", "", re.sub(r"(?:'s|’s|')$", "", span.text.strip()))
        if CALL_SIGN.match(bare) or WEB_ADDRESS.match(head.text) or MEDIA_WORD.match(bare):
            return str(head.text) if WEB_ADDRESS.match(head.text) else bare
        words = bare.split()
        if (
            head.pos_ == "PROPN"
            and head.text in MEDIA_HEADS
            and len(words) > 1
            and all(w[:1].isupper() for w in words)
            and head.i == span[-1].i
        ):
            return "The " + bare if span.text.lower().startswith("the ") else bare
        lemma = head.lemma_.lower()
        if lemma in DOC_NOUNS | {"story", "article", "editorial", "interview"}:
            for c in head.children:
                if c.dep_ in ("compound", "nmod", "poss"):
                    sub = doc[c.left_edge.i : c.right_edge.i + 1].text
                    name = self.lookup(re.sub(r"(?:'s|’s)$", "", sub))
                    if name:
                        return name
        if head.pos_ == "PROPN" and any(_describes_media(c) for c in head.children):
            names = [
                c
                for c in head.children
                if c.dep_ == "compound" and c.pos_ == "PROPN" and not _describes_media(c)
            ]
            lo = min([c.left_edge.i for c in names] + [head.i])
            return doc[lo : head.i + 1].text
        if is_media_noun(head):
            names = [
                c
                for c in head.children
                if c.dep_ in ("compound", "appos", "amod")
                and c.pos_ == "PROPN"
                and c.text[:1].isupper()
            ]
            if names:
                hi = max(c.right_edge.i for c in names)
                if head.pos_ == "PROPN" and head.i > hi and not head.text.islower():
                    hi = head.i  # "Harbor Weekly": the capitalised noun is part of the name
                inner = doc[min(c.left_edge.i for c in names) : hi + 1]
                return self.lookup(inner.text) or inner.text
        return None

    def last_before(self, doc: Any, text: str, pos: int) -> str | None:
        """The outlet named last before character ``pos`` ("...; the newspaper said")."""
        named = [(a, name) for a, _, name in self.find(text[:pos])]
        named += [
            (e.start_char, re.sub(r"^the ", "The ", e.text))
            for e in doc.ents
            if e.label_ == "ORG" and e.end_char <= pos and e.text.split()[-1] in MEDIA_HEADS
        ]
        return max(named)[1] if named else None

    def lookup(self, name: str) -> str | None:
        """The canonical outlet if ``name`` (as a whole) is one, else None."""
        name = name.strip()
        if name.lower().startswith("the "):
            bare = name[4:]
            found = self.canonical.get(name) or self.canonical.get(bare)
        else:
            found = self.canonical.get(name) or self.canonical.get("The " + name)
            bare = name
        if found is None and "." in bare:  # web addresses are written in any case
            found = next((c for n, c in self.canonical.items() if n.lower() == bare.lower()), None)
        return found


@lru_cache(maxsize=4)
def load_outlets(path: str | None = None) -> OutletTable:
    """Read the outlet list (``data/outlets.txt`` unless another file is named)."""
    if path is None:
        text = resources.files("storyline").joinpath("data/outlets.txt").read_text("utf-8")
    else:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    canonical: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        names = [n.strip() for n in line.split("|") if n.strip()]
        for name in names:
            canonical.setdefault(name, names[0])
            # "The Guardian" is also written "the Guardian" mid-sentence.
            if name.startswith("The "):
                canonical.setdefault("the " + name[4:], names[0])
    alternatives = "|".join(re.escape(n) for n in sorted(canonical, key=len, reverse=True))
    # Whole words only; "AP" must not match inside "CAP" nor "RIA" inside "Syria's".
    pattern = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")
    return OutletTable(pattern=pattern, canonical=canonical)
