"""Word lists for claim extraction: reporting verbs, hedges, denials, furniture patterns, outlets.

Kept apart from :mod:`storyline.claims` so the rules read as rules and the lists can grow
without touching them. Media outlets are data (``data/outlets.txt``); everything here is
general English news vocabulary, nothing specific to any article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = [
    "ANON_HEADS",
    "BOILERPLATE_LINE",
    "BLURB",
    "CAPTION",
    "DENY_VERBS",
    "DOC_NOUNS",
    "HEDGE_ADJ",
    "HEDGE_ADV",
    "HEDGE_MODALS",
    "HEDGE_PHRASES",
    "HEDGE_VERBS",
    "MEDIA_HEADS",
    "MEDIA_NOUNS",
    "NEG_PHRASES",
    "OutletTable",
    "PERSON_NOUNS",
    "REPORTING_VERBS",
    "SPECULATIVE_PHRASES",
    "load_outlets",
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
    """
)

# Reporting verbs that deny or decline what follows ("Russia declined that...").
DENY_VERBS = _words("deny decline refuse reject refute rebut dismiss dispute disavow")

# Reporting verbs that present the content as uncertain ("intelligence suggests that...").
HEDGE_VERBS = _words(
    "suggest hint speculate believe think suspect estimate imply guess fear indicate"
)

# Nouns whose unnamed bearers are anonymous sources ("US intelligence sources", "officials").
ANON_HEADS = _words(
    """
    source official intelligence person people insider diplomat aide adviser advisor
    investigator authority analyst observer witness expert member employee staffer
    spokesman spokeswoman spokesperson officer
    """
)

# Documents that can speak ("the statement reads", "a report said").
DOC_NOUNS = _words(
    """
    statement report reports document study survey letter memo filing record poll data
    analysis assessment complaint lawsuit indictment affidavit release communique transcript
    email note paper review audit investigation
    """
)

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

# "the X newspaper", "the X news agency": the common noun that marks a media outlet.
MEDIA_NOUNS = _words(
    """
    newspaper daily tabloid broadsheet magazine broadcaster website outlet paper weekly media
    press
    """
)

HEDGE_MODALS = _words("may might could")
HEDGE_ADV = _words(
    """
    reportedly allegedly possibly probably perhaps apparently purportedly seemingly supposedly
    presumably likely maybe conceivably ostensibly
    """
)
# Adjectives that hedge when they qualify the main clause or its core arguments.
HEDGE_ADJ = _words(
    """
    alleged purported suspected possible potential likely unconfirmed rumoured rumored
    unclear unknown uncertain unverified
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
    )
)

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
    r"\b(?:photo|image) credit\b|\bcredit:\s)",
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
BLURB = re.compile(
    r"\b(?:is|are) (?:dedicated|committed|devoted) to (?:publishing|providing|bringing|"
    r"delivering|informing|covering)|\baims? to (?:contribute|provide|inform|bring|deliver)|"
    r"\bour (?:mission|journalism|newsletter|readers)\b|\bsupport (?:independent|our) "
    r"journalism\b|\bsign up for\b|\bsubscribe to\b",
    re.IGNORECASE,
)


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

    def lookup(self, name: str) -> str | None:
        """The canonical outlet if ``name`` (as a whole) is one, else None."""
        name = name.strip()
        if name.lower().startswith("the "):
            bare = name[4:]
            return self.canonical.get(name) or self.canonical.get(bare)
        return self.canonical.get(name) or self.canonical.get("The " + name)


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
