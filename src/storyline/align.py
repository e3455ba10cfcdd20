"""Claim alignment within a story: which claims of different articles state the same thing.

Two signals, combined:

* **claim to claim** — every claim is embedded (all-MiniLM-L6-v2 via :mod:`storyline.embed`);
  claims of different articles match when they are paraphrases (high cosine) or close and about
  the same actors (shared entity ids). A claim of opposite polarity that matches is a
  contradiction of that article's wording.
* **claim to article** — the stance model reads every other article against the group's
  representative claim (agree / disagree / discuss / unrelated, with evidence sentences), so an
  article that supports a claim in words no single sentence of it paraphrases still counts.

Besides propositions, *responses* are aligned: claims that report how an actor answered
(denied, confirmed, declined to comment, has yet to comment). Two articles that report
different answers of the same actor contradict each other even when neither claim denies the
other's words.

Copies (near-duplicate syndication groups) are aligned once, through one representative each,
so 500 copies of one wire story cost what one article costs. Stance calls per story have a
budget, and articles whose claims are nowhere near a claim are never sent to the stance model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from storyline.model import (
    Claim,
    ClaimGroup,
    ClaimLink,
    Evidence,
    Mention,
    ReadArticle,
    StanceLabel,
    content_id,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "AlignOptions",
    "Alignment",
    "StanceModelLike",
    "ClaimItem",
    "align_story",
    "article_keys",
    "claim_actors",
    "claim_item",
    "claims_match",
    "copy_representatives",
    "eligible",
    "response_kind",
    "same_matter",
]


class StanceModelLike(Protocol):
    def predict(self, claim: str, articles: list[Any]) -> list[Any]: ...


Embedder = Callable[[Sequence[str]], "np.ndarray"]


@dataclass(frozen=True, slots=True)
class AlignOptions:
    # Cosine above which two claims are paraphrases whatever their entities.
    paraphrase: float = 0.78
    # Cosine above which two claims match when they also share actors (entity ids) and at
    # least ``shared_words`` content words besides the names.
    with_entities: float = 0.6
    shared_words: int = 2
    # Below this best claim similarity an article is not sent to the stance model at all.
    related: float = 0.35
    # Claims shorter than this (in words) are headlines/fragments, not propositions.
    min_words: int = 5
    max_claims_per_article: int = 40
    # Embed only claims that share words or actors with another article's claims.
    lexical_prefilter: bool = True
    # Alignment of a very large story runs on its most central representatives only.
    max_articles: int = 60
    max_stance_pairs: int = 150
    # A stance label counts only when its probability reaches this.
    min_stance_probability: float = 0.4
    # An ``agree`` counts as support only when its evidence shares a term of what the claim
    # says beyond the story's common ground (see :func:`_states_specifics`).
    specifics: bool = True
    # A word is common ground when at least this share of the story's articles use it, and
    # evidence this close to the claim (the stance model's sentence score) needs no shared
    # term. Both chosen on odd ECB+ topics 1-35 (precision-weighted F0.5 of "B reports every
    # event of c"), reported on even ones: see tests/test_eval_alignment.py.
    core_share: float = 0.34
    specifics_bypass: float = 0.9
    # Frame match (see :mod:`storyline.align_words`): claims below the thresholds above match
    # when they share their subject actor and another actor and their predicates have one stem
    # or this close a meaning as words ("monitoring" / "watching" 0.57). word_meaning chosen on
    # odd ECB+ topics 1-35 (0.45 / 0.5 / 0.55 / 0.6 -> strict F1 0.404 / 0.405 / 0.405 /
    # 0.403); the claims' cosine floor changes nothing there from 0 to 0.4 and only bounds the
    # pairs examined. frame_similarity 0 turns the rule off.
    frame_similarity: float = 0.2
    word_meaning: float = 0.55


@dataclass(frozen=True, slots=True)
class Alignment:
    """The output of :func:`align_story`: claim groups and the links behind them."""

    story_id: str
    groups: tuple[ClaimGroup, ...] = ()
    # Group id -> every link behind it (member claims, then stance judgements).
    links: dict[str, tuple[ClaimLink, ...]] | None = None
    # Article id -> the representative whose alignment it shares (near-duplicate copies).
    copies: dict[str, str] | None = None
    stance_pairs: int = 0


# --------------------------------------------------------------------------- responses

_NO_RESPONSE = re.compile(
    r"\b(?:(?:yet|failed|declined|refused|decline|refuse|unable|not|n't|never|no one|nobody)"
    r"\W+(?:\w+\W+){0,3}?(?:to\W+)?(?:comment|commented|respond|responded|reply|replied|"
    r"react|reacted|answer|answered)"
    r"|no (?:immediate )?(?:comment|response|reply|reaction)"
    r"|could not be reached|not immediately available"
    r"|did not (?:immediately )?return"
    r")\b",
    re.IGNORECASE,
)
_DENIAL = re.compile(
    r"\b(?:den(?:y|ied|ies|ying|ial)|reject(?:s|ed|ing)?|refut(?:e|es|ed|ing)|dismiss(?:es|ed)?"
    r"|rebuff(?:s|ed)?|declined|repudiat(?:e|es|ed)|disputed?|called (?:it|the \w+) "
    r"(?:false|fake|baseless))\b",
    re.IGNORECASE,
)
_CONFIRM = re.compile(
    r"\b(?:confirm(?:s|ed)?|acknowledg(?:e|es|ed)|admit(?:s|ted)?)\b", re.IGNORECASE
)


def response_kind(claim: Claim) -> str | None:
    """How an actor answered, if the claim reports an answer: "no-comment", "denied",
    "confirmed" — or None when the claim is not about a response."""
    text = claim.text
    if _NO_RESPONSE.search(text):
        return "no-comment"
    verb = (claim.attribution.verb or "").lower()
    if _DENIAL.search(text) or _DENIAL.fullmatch(verb or "-"):
        return "denied"
    if _CONFIRM.search(text) or _CONFIRM.fullmatch(verb or "-"):
        return "confirmed"
    return None


# --------------------------------------------------------------------------- actors

# Words that say what kind of source speaks, not which: "US intelligence sources" and
# "U.S. intelligence" name one origin. Shared with verdicts.py.
GENERIC_SPEAKER_WORDS = frozenset(
    [
        "a",
        "according",
        "an",
        "anonymous",
        "as",
        "at",
        "by",
        "familiar",
        "from",
        "government",
        "her",
        "his",
        "in",
        "its",
        "matter",
        "of",
        "official",
        "officials",
        "on",
        "our",
        "people",
        "person",
        "report",
        "reported",
        "reports",
        "said",
        "says",
        "senior",
        "several",
        "some",
        "source",
        "sources",
        "spokesman",
        "spokesperson",
        "spokeswoman",
        "statement",
        "statements",
        "the",
        "their",
        "three",
        "to",
        "two",
        "unnamed",
        "with",
    ]
)


def norm_words(text: str) -> str:
    return re.sub(r"[^\w ]+", "", text.lower().replace(".", "")).strip()


def _stem(word: str) -> str:
    # "Russian" / "Russia", "Syrian" / "Syria", "Ukrainian" / "Ukraine": demonyms share a stem.
    w = norm_words(word)
    for suffix in ("ians", "ian", "ans", "an", "ese", "ish", "is", "i", "ns", "n", "e", "s"):
        if len(w) - len(suffix) >= 4 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def _mention_key(m: Mention, part_of: dict[str, str]) -> set[str]:
    keys = {f"t:{_stem(m.text)}"}
    if m.entity_id:
        keys.add(f"e:{m.entity_id}")
        parent = part_of.get(m.entity_id)
        if parent:
            keys.add(f"e:{parent}")
    return keys


def claim_actors(
    claim: Claim, mentions: Sequence[Mention], part_of: dict[str, str] | None = None
) -> set[str]:
    """Keys naming who speaks or acts in a claim: the speaker span's entities and the
    entities before the response cue (its subject), widened by ``part_of`` (metonyms)."""
    part_of = part_of or {}
    att = claim.attribution
    keys: set[str] = set()
    if att.speaker and att.speaker_start is not None and att.speaker_end is not None:
        for m in mentions:
            if m.start < att.speaker_end and m.end > att.speaker_start:
                keys |= _mention_key(m, part_of)
        if not keys:
            words = [w for w in norm_words(att.speaker).split() if w not in GENERIC_SPEAKER_WORDS]
            keys |= {f"t:{_stem(w)}" for w in words}
    # Subject region: mentions before the response cue ("Russia declined ... in a statement
    # by the Kremlin" is Russia's answer as much as the Kremlin's).
    cue = _NO_RESPONSE.search(claim.text) or _DENIAL.search(claim.text)
    limit = claim.start + (cue.start() if cue else max(1, len(claim.text) // 3))
    for m in mentions:
        if claim.start <= m.start < limit:
            keys |= _mention_key(m, part_of)
    return keys


def _entity_keys(claim: Claim, mentions: Sequence[Mention]) -> set[str]:
    keys = {f"e:{e}" for e in claim.entity_ids}
    for m in mentions:
        if claim.start <= m.start and m.end <= claim.end:
            keys.add(f"e:{m.entity_id}" if m.entity_id else f"t:{norm_words(m.text)}")
    return keys


def _person_keys(claim: Claim, mentions: Sequence[Mention]) -> set[str]:
    """Named people the claim is about (outside its attribution): an article that never
    mentions them cannot corroborate it."""
    att = claim.attribution
    out = set()
    for m in mentions:
        if not (claim.start <= m.start and m.end <= claim.end) or m.label != "PERSON":
            continue
        s, e = att.speaker_start, att.speaker_end
        if s is not None and e is not None and m.start < e and m.end > s:
            continue
        out.add(f"e:{m.entity_id}" if m.entity_id else f"t:{norm_words(m.text).split()[-1]}")
    return out


def article_keys(mentions: Sequence[Mention]) -> set[str]:
    out = set()
    for m in mentions:
        if m.entity_id:
            out.add(f"e:{m.entity_id}")
        words = norm_words(m.text).split()
        if words:
            out.add(f"t:{words[-1]}")
    return out


# --------------------------------------------------------------------------- copies


def copy_representatives(
    readings: Sequence[ReadArticle], copy_groups: Iterable[Sequence[str]] = ()
) -> dict[str, str]:
    """Article id -> the id of the copy that represents it (itself when it is no copy).

    The representative is the earliest member (published, else fetched, else id order)."""
    by_id = {r.article.id: r.article for r in readings}
    rep = {a: a for a in by_id}
    for group in copy_groups:
        members = [a for a in group if a in by_id]
        if len(members) < 2:
            continue
        first = min(
            members,
            key=lambda a: (
                by_id[a].published or "\uffff",
                by_id[a].fetched_at or "\uffff",
                a,
            ),
        )
        for a in members:
            rep[a] = first
    return rep


# --------------------------------------------------------------------------- alignment


@dataclass(slots=True)
class ClaimItem:
    """A claim with the keys matching reads: its actors (entity keys), the named people it is
    about, and its content words."""

    claim: Claim
    article: str
    entities: set[str]
    persons: set[str]
    words: set[str]


def claim_item(claim: Claim, article_id: str, mentions: Sequence[Mention]) -> ClaimItem:
    return ClaimItem(
        claim,
        article_id,
        _entity_keys(claim, mentions),
        _person_keys(claim, mentions),
        _content_words(claim, mentions),
    )


def claims_match(
    a: ClaimItem,
    b: ClaimItem,
    similarity: float,
    keys_a: set[str],
    keys_b: set[str],
    opts: AlignOptions,
) -> bool:
    """Whether claims ``a`` and ``b`` (of different articles, whose mentions give ``keys_a``
    and ``keys_b``) state the same thing, at cosine ``similarity``."""
    # A claim about a named person is only matched by an article that names that person.
    if a.persons - keys_b or b.persons - keys_a:
        return similarity >= 0.9
    if similarity >= opts.paraphrase:
        return True
    # Close in meaning, about the same actors, and saying the same thing about them
    # (shared words beyond the names: "deliver ... missile system").
    shared = a.entities & b.entities
    said = a.words & b.words
    return similarity >= opts.with_entities and len(shared) >= 2 and len(said) >= opts.shared_words


def same_matter(
    a: ClaimItem, b: ClaimItem, actors_a: set[str], actors_b: set[str], similarity: float
) -> bool:
    """Whether two response claims report one actor's answer on one matter."""
    if not actors_a & actors_b:
        return False
    # Same matter: close in meaning, or about the same other actors.
    others = (a.entities & b.entities) - actors_a - actors_b
    return similarity >= 0.45 or len(others) >= 1


FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "that this with from have has had been were will would could should about after before "
        "their there which while into over under than then them they what when where also more "
        "most some such only other just being because through during against between since "
        "until among even very many much said says told according reported week year month "
        "today yesterday monday tuesday wednesday thursday friday saturday sunday",
    )
)


def _content_words(claim: Claim, mentions: Sequence[Mention]) -> set[str]:
    """Words of the claim outside its named mentions, cut to a 5-letter stem: what is said
    about the actors, as opposed to who they are."""
    words = re.findall(r"[a-z]{4,}", blank_mentions(claim, mentions))
    return {w[:5] for w in words if w not in FUNCTION_WORDS}


def blank_mentions(claim: Claim, mentions: Sequence[Mention]) -> str:
    """The claim's text in lower case with the named mentions inside it blanked out (offsets
    kept)."""
    chars = list(claim.text.lower())
    for m in mentions:
        if claim.start <= m.start and m.end <= claim.end:
            for k in range(m.start - claim.start, m.end - claim.start):
                chars[k] = " "
    return "".join(chars)


def eligible(claims: Iterable[Claim], opts: AlignOptions) -> list[Claim]:
    """The claims worth matching: propositions, not headlines, fragments or questions."""
    out = []
    for c in claims:
        text = c.text.strip()
        if len(text.split()) < opts.min_words or text.endswith("?"):
            continue
        out.append(c)
        if len(out) >= opts.max_claims_per_article:
            break
    return out


def _lexically_close(items: list[ClaimItem]) -> list[int]:
    """Indices of claims sharing two content words or two actors with one claim of another
    article (counted claim by claim: in a story of 60 articles nearly every claim shares two
    words with the union of the others, and most need no vector)."""
    postings: dict[str, list[int]] = {}
    for k, it in enumerate(items):
        for key in [f"w:{w}" for w in it.words] + [f"e:{e}" for e in it.entities]:
            postings.setdefault(key, []).append(k)
    out = []
    for k, it in enumerate(items):
        for prefix, keys in (("w:", it.words), ("e:", it.entities)):
            seen: set[int] = set()
            hit = False
            for key in keys:
                for j in postings[prefix + key]:
                    if items[j].article == it.article:
                        continue
                    if j in seen:
                        hit = True
                        break
                    seen.add(j)
                if hit:
                    break
            if hit:
                out.append(k)
                break
    return out


_GENERIC_TERMS = frozenset(w[:5] for w in GENERIC_SPEAKER_WORDS)


def _terms(text: str) -> set[str]:
    # A 5-letter prefix: "defense"/"defence", "Syria"/"Syrian", "supply"/"supplied" meet.
    return {w[:5] for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in FUNCTION_WORDS}


def story_core(texts: Sequence[str], share: float) -> set[str]:
    """Terms that at least ``share`` of the story's articles (and at least two) use: the
    story's common ground, which every article repeats and no claim is specific about."""
    counts: dict[str, int] = {}
    for text in texts:
        for t in _terms(text):
            counts[t] = counts.get(t, 0) + 1
    need = max(2, int(share * len(texts) + 0.999))
    return {t for t, n in counts.items() if n >= need}


def _states_specifics(claim: Claim, evidence: Iterable[str], core: set[str]) -> bool:
    """Whether evidence sentences share at least one term of what ``claim`` says beyond the
    story's common ground. The stance model reads articles as FNC-1 bodies: within a story
    every article is on topic, and an article about the main event "agrees" with a side claim
    ("the system was first supplied for the Syrian government's use") that it never states.
    A claim made only of common ground is the main event itself and needs nothing more."""
    specific = _terms(claim.text) - core - _GENERIC_TERMS
    if not specific:
        return True
    said: set[str] = set()
    for text in evidence:
        said |= _terms(text)
    return bool(specific & said)


def _span_evidence(claim: Claim, score: float) -> tuple[Evidence, ...]:
    return (Evidence(claim.article_id, claim.start, claim.end, claim.text, round(score, 4)),)


def align_story(
    story_id: str,
    readings: Sequence[ReadArticle],
    *,
    stance_model: StanceModelLike | None = None,
    embed: Embedder | None = None,
    copy_groups: Iterable[Sequence[str]] = (),
    part_of: dict[str, str] | None = None,
    options: AlignOptions | None = None,
) -> Alignment:
    """Group the claims of a story's articles and link every article to every group.

    ``readings`` are the story's articles as read; ``copy_groups`` are near-duplicate groups
    (aligned once); ``part_of`` maps entity ids to the entity they belong to ("the Kremlin" ->
    Russia) for matching responses. ``embed`` defaults to :func:`storyline.embed.embed_texts`.
    """
    import numpy as np

    opts = options or AlignOptions()
    part_of = part_of or {}
    if embed is None:
        from storyline.embed import embed_texts

        embed = embed_texts
    rep_of = copy_representatives(readings, copy_groups)
    reps = [r for r in readings if rep_of[r.article.id] == r.article.id]
    if len(reps) > opts.max_articles:
        # Most claims first: the articles that say the most about the story.
        reps = sorted(reps, key=lambda r: (-len(r.claims), r.article.id))[: opts.max_articles]
    mentions = {r.article.id: r.mentions for r in reps}
    keys_of = {r.article.id: article_keys(r.mentions) for r in reps}
    core = story_core([r.article.text for r in reps], opts.core_share) if opts.specifics else set()

    items = [
        claim_item(c, r.article.id, r.mentions) for r in reps for c in eligible(r.claims, opts)
    ]
    copies = {a: b for a, b in rep_of.items() if a != b}
    if not items:
        return Alignment(story_id, links={}, copies=copies)

    if len({it.article for it in items}) < 2:
        # One voice (one article, or copies of one): nothing to match across articles, so no
        # claim is embedded; the zero matrix leaves every claim its own group.
        sim = np.zeros((len(items), len(items)), dtype=np.float32)
    else:
        # Only claims that share words or actors with a claim of another article can match
        # one, so only they are embedded (embedding is most of the cost of a story).
        wanted = _lexically_close(items) if opts.lexical_prefilter else list(range(len(items)))
        vectors = np.zeros((len(items), 1), dtype=np.float32)
        if wanted:
            got = np.asarray(embed([items[k].claim.text for k in wanted]), dtype=np.float32)
            vectors = np.zeros((len(items), got.shape[1]), dtype=np.float32)
            vectors[wanted] = got
        sim = vectors @ vectors.T
    n = len(items)
    art = np.array([it.article for it in items])

    from storyline.align_words import frame_pairs

    frames = frame_pairs(items, sim, art, mentions, keys_of, part_of, embed, opts)

    def matches(i: int, j: int) -> bool:
        if art[i] == art[j]:
            return False
        if (min(i, j), max(i, j)) in frames:
            return True
        return claims_match(
            items[i],
            items[j],
            float(sim[i, j]),
            keys_of[art[i]],
            keys_of[art[j]],
            opts,
        )

    # Greedy grouping around seeds: the claim matched by the most articles seeds first, so
    # a group is the neighbourhood of one claim and never a transitive chain. Only pairs
    # above the lower threshold are examined one by one.
    neighbours: list[list[int]] = [[] for _ in range(n)]
    close = (sim >= min(opts.paraphrase, opts.with_entities)) & (art[:, None] != art[None, :])
    for i, j in frames:
        close[i, j] = close[j, i] = True
    for i, j in zip(*np.nonzero(close), strict=True):
        if matches(int(i), int(j)):
            neighbours[int(i)].append(int(j))
    order = sorted(
        range(n),
        key=lambda i: (-len({art[j] for j in neighbours[i]}), items[i].article, i),
    )
    assigned = [False] * n
    groups: list[ClaimGroup] = []
    links: dict[str, list[ClaimLink]] = {}
    stance_jobs: list[tuple[int, list[str]]] = []
    for i in order:
        if assigned[i]:
            continue
        assigned[i] = True
        members = [i] + [j for j in neighbours[i] if not assigned[j]]
        for j in members:
            assigned[j] = True
        seed = items[i].claim
        group_id = content_id(story_id, seed.id)
        groups.append(
            ClaimGroup(
                id=group_id,
                story_id=story_id,
                representative_claim_id=seed.id,
                claim_ids=tuple(items[j].claim.id for j in members),
            )
        )
        glinks = links.setdefault(group_id, [])
        for j in members:
            c = items[j].claim
            relation = StanceLabel.AGREE if c.polarity == seed.polarity else StanceLabel.DISAGREE
            score = 1.0 if j == i else float(sim[i, j])
            glinks.append(
                ClaimLink(
                    seed.id,
                    items[j].article,
                    relation,
                    round(score, 4),
                    c.id,
                    _span_evidence(c, score),
                )
            )
        # Articles without a matching claim: ask the stance model if they are near at all.
        covered = {items[j].article for j in members}
        candidates = []
        for r in reps:
            a = r.article.id
            if a in covered:
                continue
            idx = np.nonzero(art == a)[0]
            # An article with no claim of its own is left to the stance model to judge.
            best = float(sim[i, idx].max()) if len(idx) else 1.0
            if best >= opts.related:
                candidates.append((best, a))
        if candidates:
            stance_jobs.append((i, [a for _, a in sorted(candidates, reverse=True)]))
    group_of_seed = {g.representative_claim_id: g for g in groups}

    stance_pairs = 0
    if stance_model is not None and stance_jobs:
        by_id = {r.article.id: r.article for r in reps}
        # Spend the budget on the groups most articles share first.
        stance_jobs.sort(key=lambda job: -len(group_of_seed[items[job[0]].claim.id].claim_ids))
        chosen: list[tuple[int, list[str]]] = []
        for i, cand in stance_jobs:
            room = opts.max_stance_pairs - stance_pairs
            if room <= 0:
                break
            chosen.append((i, cand[:room]))
            stance_pairs += len(cand[:room])
        # One batch for the whole story: the model encodes every claim and article once.
        answers = _judge(
            stance_model, [(items[i].claim.text, [by_id[a] for a in c]) for i, c in chosen]
        )
        for (i, cand), stances in zip(chosen, answers, strict=True):
            seed = items[i].claim
            for a, st in zip(cand, stances, strict=True):
                label = StanceLabel(st.label)
                p = float(st.probabilities.get(label.value, 0.0)) if st.probabilities else 1.0
                if label is StanceLabel.UNRELATED or p < opts.min_stance_probability:
                    continue
                if label is not StanceLabel.DISCUSS and items[i].persons - keys_of[a]:
                    # Taking a side on what someone did without ever naming them: topical,
                    # neither corroboration nor contradiction.
                    label = StanceLabel.DISCUSS
                ev = tuple(
                    Evidence(a, e.start, e.end, e.text, e.score) for e in (st.evidence or ())
                )
                # A model that names no evidence is held to the article's whole text.
                said = [e.text for e in ev] or [by_id[a].text]
                close = max((e.score for e in ev), default=0.0) >= opts.specifics_bypass
                if (
                    label is StanceLabel.AGREE
                    and opts.specifics
                    and not close
                    and not _states_specifics(seed, said, core)
                ):
                    # On the story's topic without stating what is specific to the claim:
                    # it neither supports nor discusses the claim, so no link at all.
                    continue
                links[group_of_seed[seed.id].id].append(
                    ClaimLink(seed.id, a, label, round(p, 4), None, ev)
                )

    resp_groups, resp_links = _align_responses(story_id, items, sim, mentions, part_of)
    groups.extend(resp_groups)
    links.update(resp_links)
    frozen = {k: tuple(v) for k, v in links.items()}
    return Alignment(story_id, tuple(groups), frozen, copies, stance_pairs)


def _judge(model: StanceModelLike, jobs: list[tuple[str, list[Any]]]) -> list[list[Any]]:
    """Stances for (claim, articles) jobs: in one ``predict_pairs`` batch when the model has
    one, else claim by claim."""
    batch = getattr(model, "predict_pairs", None)
    if batch is None:
        return [model.predict(claim, arts) for claim, arts in jobs]
    flat = batch([(claim, a) for claim, arts in jobs for a in arts])
    out, pos = [], 0
    for _, arts in jobs:
        out.append(list(flat[pos : pos + len(arts)]))
        pos += len(arts)
    return out


def _align_responses(
    story_id: str,
    items: list[ClaimItem],
    sim: np.ndarray,
    mentions: Mapping[str, Sequence[Mention]],
    part_of: dict[str, str],
) -> tuple[list[ClaimGroup], dict[str, list[ClaimLink]]]:
    """Group claims that report one actor's answer on one matter, across articles."""
    resp = []
    for k, it in enumerate(items):
        kind = response_kind(it.claim)
        if kind is None:
            continue
        actors = claim_actors(it.claim, mentions[it.article], part_of)
        if actors:
            resp.append((k, kind, actors))
    groups: list[ClaimGroup] = []
    links: dict[str, list[ClaimLink]] = {}
    used: set[int] = set()
    for a_pos, (k, kind, actors) in enumerate(resp):
        if k in used:
            continue
        members = [(k, kind)]
        for k2, kind2, actors2 in resp[a_pos + 1 :]:
            if k2 in used or items[k2].article == items[k].article:
                continue
            if same_matter(items[k], items[k2], actors, actors2, float(sim[k, k2])):
                members.append((k2, kind2))
        if len({items[m].article for m, _ in members}) < 2:
            continue
        used |= {m for m, _ in members}
        seed = items[k].claim
        actor = _actor_label(seed, mentions[items[k].article])
        gid = content_id(story_id, "response", seed.id)
        groups.append(
            ClaimGroup(
                id=gid,
                story_id=story_id,
                representative_claim_id=seed.id,
                claim_ids=tuple(items[m].claim.id for m, _ in members),
                kind="response",
                actor=actor,
            )
        )
        for m, kind2 in members:
            c = items[m].claim
            relation = StanceLabel.AGREE if kind2 == kind else StanceLabel.DISAGREE
            links.setdefault(gid, []).append(
                ClaimLink(
                    seed.id,
                    items[m].article,
                    relation,
                    round(float(sim[k, m]), 4),
                    c.id,
                    _span_evidence(c, float(sim[k, m])),
                )
            )
    return groups, links


def _actor_label(claim: Claim, mentions: Sequence[Mention]) -> str | None:
    if claim.attribution.speaker:
        return claim.attribution.speaker
    inside = [m for m in mentions if claim.start <= m.start and m.end <= claim.end]
    return inside[0].text if inside else None
