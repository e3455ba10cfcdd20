"""The one vocabulary every stage speaks.

Frozen, slotted dataclasses: stages take these and return these, the store persists them, the
renderers and the web API serialise them. Nothing passes loose dicts between stages.

Every type serialises with :func:`to_dict` / :func:`to_json` and comes back with
``Type.from_dict``. Identifiers are stable content hashes (:func:`content_id`), so running a
stage twice on the same input yields the same ids and ingest is idempotent.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
import re
import types
import typing
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "Article",
    "Attribution",
    "Certainty",
    "Claim",
    "ClaimGroup",
    "ClaimLink",
    "Entity",
    "Evidence",
    "IngestOutcome",
    "IngestReport",
    "IngestStatus",
    "Mention",
    "Polarity",
    "ReadArticle",
    "Sentence",
    "SourceGroup",
    "SpeakerKind",
    "Stance",
    "StanceLabel",
    "Story",
    "Verdict",
    "VerdictLabel",
    "content_id",
    "normalise_text",
    "to_dict",
    "to_json",
]


# --------------------------------------------------------------------------- helpers

_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Text as compared for identity: NFKC, unified quotes, collapsed whitespace, lower case.

    Two fetches of one article that differ only in whitespace or typographic quotes get the
    same id; any change of wording gets a new one.
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_QUOTES)
    return _WS.sub(" ", text).strip().lower()


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def content_id(*parts: str, length: int = 16) -> str:
    """A stable hex id from the given parts (sha256, truncated)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


class _StrEnum(enum.StrEnum):
    def __str__(self) -> str:
        return self.value


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as stored: clean text plus the metadata that could be found.

    ``id`` is the hash of the normalised text, so the same article from two sources is one
    article. ``published`` is an ISO date or datetime string, or None when unknown;
    ``date_source`` says where it came from ("metadata", "htmldate", "manifest", "text",
    "feed", ...). ``language`` is an ISO 639-1 code; non-English articles are kept and flagged
    by it, never dropped.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    date_source: str | None = None
    language: str | None = None
    source: str | None = None
    fetched_at: str | None = None
    version: int = 1
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, text: str, **fields: Any) -> Article:
        """Build an article whose id is derived from its text."""
        return cls(id=content_id(normalise_text(text)), text=text, **fields)

    @property
    def is_english(self) -> bool:
        return self.language in (None, "en")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return _from_dict(cls, data)


class IngestStatus(_StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    NEW_VERSION = "new-version"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What happened to one input: which source, what status, which article, and why."""

    source: str
    status: IngestStatus
    article_id: str | None = None
    reason: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IngestOutcome:
        return _from_dict(cls, data)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """All outcomes of one ingest run."""

    outcomes: tuple[IngestOutcome, ...] = ()

    def _with(self, status: IngestStatus) -> list[IngestOutcome]:
        return [o for o in self.outcomes if o.status is status]

    @property
    def stored(self) -> list[IngestOutcome]:
        return self._with(IngestStatus.STORED) + self._with(IngestStatus.NEW_VERSION)

    @property
    def duplicates(self) -> list[IngestOutcome]:
        return self._with(IngestStatus.DUPLICATE)

    @property
    def failed(self) -> list[IngestOutcome]:
        return self._with(IngestStatus.FAILED)

    @property
    def article_ids(self) -> list[str]:
        return [o.article_id for o in self.outcomes if o.article_id]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IngestReport:
        return _from_dict(cls, data)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article, with character offsets into ``Article.text``."""

    article_id: str
    index: int
    start: int
    end: int
    text: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sentence:
        return _from_dict(cls, data)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of an article that names an actor; ``entity_id`` once aliases are resolved."""

    article_id: str
    start: int
    end: int
    text: str
    label: str
    sentence_index: int | None = None
    entity_id: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        return _from_dict(cls, data)


@dataclass(frozen=True, slots=True)
class Entity:
    """An actor across articles: canonical name, type, every alias seen, where it occurs."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    # Another entity this one belongs to or speaks for ("the Kremlin" -> Russia).
    part_of: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return _from_dict(cls, data)


class SpeakerKind(_StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    ANONYMOUS = "anonymous"  # "US intelligence sources", "officials"
    MEDIA = "media"  # an outlet cited as origin
    DOCUMENT = "document"  # "the statement", "a report"
    ARTICLE = "article"  # the article's own voice


class Certainty(_StrEnum):
    ASSERTED = "asserted"  # stated as fact in the article's own voice
    REPORTED = "reported"  # attributed to a source, without hedging
    HEDGED = "hedged"  # may, might, could, reportedly, "it is unknown whether"
    SPECULATIVE = "speculative"  # conditional, predictions, "concerns that..."


class Polarity(_StrEnum):
    AFFIRMED = "affirmed"
    DENIED = "denied"  # negated, denied, refuted, "no evidence that", "has yet to"


@dataclass(frozen=True, slots=True)
class Attribution:
    """On whose authority a claim is made.

    ``cited_outlets`` are media outlets named as origin ("according to CNN"); ``carried`` is
    True when the attribution was taken from a previous sentence rather than found in this one.
    """

    speaker: str | None = None
    kind: SpeakerKind = SpeakerKind.ARTICLE
    verb: str | None = None
    cited_outlets: tuple[str, ...] = ()
    speaker_start: int | None = None
    speaker_end: int | None = None
    carried: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attribution:
        return _from_dict(cls, data)


@dataclass(frozen=True, slots=True)
class Claim:
    """A declarative statement of fact or reported fact in one article."""

    id: str
    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    attribution: Attribution = field(default_factory=Attribution)
    certainty: Certainty = Certainty.ASSERTED
    polarity: Polarity = Polarity.AFFIRMED
    # Cues that set certainty/polarity ("may", "denied", "has yet to"), for explanation.
    cues: tuple[str, ...] = ()
    entity_ids: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claim:
        return _from_dict(cls, data)


@dataclass(frozen=True, slots=True)
class ReadArticle:
    """An article after reading: its sentences, mentions and claims."""

    article: Article
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    claims: tuple[Claim, ...] = ()
    # Character spans judged to be page furniture (captions, blurbs, "Also read:" lines).
    furniture: tuple[tuple[int, int], ...] = ()
    # What the reader could not do or changed: skipped language, truncated text, forced splits.
    notes: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReadArticle:
        return _from_dict(cls, data)


# --------------------------------------------------------------------------- stance


class StanceLabel(_StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    DISCUSS = "discuss"
    UNRELATED = "unrelated"


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of an article that carried a decision."""

    article_id: str | None
    start: int
    end: int
    text: str
    score: float = 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return _from_dict(cls, data)


@dataclass(frozen=True, slots=True)
class Stance:
    """An article's stance toward a claim, with probabilities and the sentences behind it."""

    label: StanceLabel
    probabilities: dict[str, float] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    article_id: str | None = None
    reason: str | None = None  # why, when the input could not be judged

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Stance:
        return _from_dict(cls, data)


# --------------------------------------------------------------------------- stories


@dataclass(frozen=True, slots=True)
class SourceGroup:
    """Articles that count as ONE independent source: copies of one text or one cited origin.

    ``reason`` says why ("near-duplicate, Jaccard 0.91", "same cited origin: CNN");
    ``origin`` names the shared origin when known (a cited outlet, or the earliest copy's outlet).
    """

    article_ids: tuple[str, ...]
    reason: str
    origin: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceGroup:
        return _from_dict(cls, data)


@dataclass(frozen=True, slots=True)
class Story:
    """Articles that tell the same story."""

    id: str
    title: str
    article_ids: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    first_published: str | None = None
    last_published: str | None = None
    # Groups of article ids that are copies of one another or rest on one origin.
    syndication_groups: tuple[tuple[str, ...], ...] = ()
    entity_ids: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Story:
        return _from_dict(cls, data)


@dataclass(frozen=True, slots=True)
class ClaimLink:
    """How an article (or one of its claims) relates to a claim of another article."""

    claim_id: str
    article_id: str
    relation: StanceLabel
    score: float = 0.0
    target_claim_id: str | None = None
    evidence: tuple[Evidence, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClaimLink:
        return _from_dict(cls, data)


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """One proposition as several articles state it (or, kind "response", one actor's reply).

    ``representative_claim_id`` is the claim the verdict is about; ``claim_ids`` are every
    matched claim, across articles, including the representative. ``actor`` names the actor
    whose response a "response" group collects.
    """

    id: str
    story_id: str
    representative_claim_id: str
    claim_ids: tuple[str, ...] = ()
    kind: str = "proposition"
    actor: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClaimGroup:
        return _from_dict(cls, data)


class VerdictLabel(_StrEnum):
    CORROBORATED = "corroborated"
    CONTESTED = "contested"
    SINGLE_SOURCE = "single-source"
    UNVERIFIED_HEDGED = "unverified-hedged"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the outlets of a story, taken together, say about one claim."""

    story_id: str
    claim_id: str
    label: VerdictLabel
    text: str
    supporting: tuple[ClaimLink, ...] = ()
    opposing: tuple[ClaimLink, ...] = ()
    outlets: tuple[str, ...] = ()
    independent_origins: tuple[str, ...] = ()
    earliest_article_id: str | None = None
    earliest_basis: str | None = None  # "published" or "fetched"
    cited_origins: tuple[str, ...] = ()
    explanation: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        return _from_dict(cls, data)


# --------------------------------------------------------------------------- serialisation


def to_dict(obj: Any) -> Any:
    """Plain JSON-ready data for any model object (enums become their values)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, list | tuple):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    return obj


def to_json(obj: Any, **kwargs: Any) -> str:
    return json.dumps(to_dict(obj), ensure_ascii=False, **kwargs)


T = TypeVar("T", bound="DataclassInstance")


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    # get_type_hints re-evaluates every annotation string: caching it per class makes
    # from_dict several times faster (the web pages and store reads call it per object).
    return typing.get_type_hints(cls)


def _from_dict(cls: type[T], data: dict[str, Any]) -> T:
    kwargs = {}
    for name, convert in _field_converters(cls):
        if name in data:
            value = data[name]
            kwargs[name] = None if value is None else convert(value)
    return cls(**kwargs)


@functools.cache
def _field_converters(cls: type) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    # One converter per field, built once per class: store reads rebuild thousands of claims
    # and mentions per story, and walking the type hints for each value was most of it.
    hints = _type_hints(cls)
    return tuple((f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls))


def _identity(value: Any) -> Any:
    return value


@functools.cache
def _converter(tp: Any) -> Callable[[Any], Any]:
    """A function turning JSON data into a value of type ``tp`` (not called with None)."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        non_none = [a for a in args if a is not type(None)]
        if len(non_none) != 1:
            return _identity
        inner = _converter(non_none[0])
        return lambda v: None if v is None else inner(v)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            if item is _identity:
                return tuple
            return lambda v: tuple(None if x is None else item(x) for x in v)
        return tuple
    if origin is dict:
        return dict
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return tp
        if dataclasses.is_dataclass(tp):
            return lambda v: _from_dict(tp, v) if isinstance(v, dict) else v
    return _identity
