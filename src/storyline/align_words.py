"""Words compared by meaning, for claim alignment (:mod:`storyline.align`).

Two claims of different articles can report one event in different words: "The U.S. is
actively monitoring the movements associated with the Pantsir system." and "American
officials are presently watching talks ... over the likely supply of the SA-22". The sentence
vectors of such claims are far apart (the second says much more), and they share no word
beyond the names. What they share is a *frame*: the same actor in subject position, a
predicate of the same meaning (monitoring / watching) and another actor the predicate is about
(the Pantsir system = the SA-22).

Word meaning comes from the sentence-embedding model already in use: each word is embedded on
its own, which is a coarse lexical similarity ("arrested" / "detained" 0.73, "killed" / "died"
0.79, "monitoring" / "watching" 0.57, but also "fired" / "hired" 0.54), so a frame match asks
for the shared subject and the shared object besides the predicate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from storyline.align import FUNCTION_WORDS, GENERIC_SPEAKER_WORDS, blank_mentions
from storyline.model import Claim, Mention

if TYPE_CHECKING:
    import numpy as np

    from storyline.align import AlignOptions, ClaimItem

# Words naming what kind of source speaks ("American officials are watching"): no predicate.
_SPEAKERS = GENERIC_SPEAKER_WORDS | {"authorities", "police", "ministry", "analysts", "experts"}

__all__ = ["frame_pairs", "predicate", "subjects", "word_similarity"]

# Auxiliaries and modals: the word after them (an adverb between) is the predicate's head.
_AUX = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|will|would|shall|should|can|could|may|"
    r"might|must|did|does|do)\b",
    re.IGNORECASE,
)

# Words that carry no event meaning of their own (light verbs, hedges, time words).
_LIGHT = FUNCTION_WORDS | frozenset(
    re.findall(
        r"\w+",
        "make made making take took taken taking give gave given giving going come came "
        "become became like still already last first second third next later earlier early "
        "several people",
    )
)


def subjects(claim: Claim, mentions: Sequence[Mention], part_of: dict[str, str]) -> dict[str, int]:
    """The claim's subject actors: entity key -> where the predicate's search starts (the end
    of the mention, as an offset into the claim's text). The subject is the mentions before
    the claim's first auxiliary or, without one, in its first third, leaving out the speaker's
    span ("U.S. intelligence sources have revealed that ..." names its speaker there)."""
    att = claim.attribution
    aux = _AUX.search(claim.text)
    limit = claim.start + (aux.start() if aux else max(1, len(claim.text) // 3))
    out: dict[str, int] = {}
    for m in mentions:
        if not (claim.start <= m.start < limit) or not m.entity_id:
            continue
        s, e = att.speaker_start, att.speaker_end
        if s is not None and e is not None and m.start < e and m.end > s:
            continue
        for eid in (m.entity_id, part_of.get(m.entity_id)):
            if eid:
                out.setdefault(f"e:{eid}", m.end - claim.start)
    return out


def _adverb(word: str) -> bool:
    # "closely", "presently", "reportedly" (but not "supply", "apply", "rally").
    return len(word) >= 6 and word.endswith("ly") and not word.endswith("ply")


def predicate(claim: Claim, mentions: Sequence[Mention], after: int) -> str | None:
    """The first content word after offset ``after`` of the claim (its subject's end): in an
    English news sentence, the predicate's head ("The U.S. is actively *monitoring* ...")."""
    text = blank_mentions(claim, mentions)
    for w in re.findall(r"[a-z]{4,}", text[after:]):
        if w not in _LIGHT and w not in _SPEAKERS and not _adverb(w):
            return w
    return None


def word_similarity(
    embed: Callable[[Sequence[str]], np.ndarray], words: Sequence[str]
) -> Callable[[str, str], float]:
    """The cosine of two words of ``words``, each embedded once."""
    import numpy as np

    vocab = list(dict.fromkeys(words))
    vectors = np.asarray(embed(vocab), dtype=np.float32) if vocab else np.zeros((0, 1))
    index = {w: vectors[k] for k, w in enumerate(vocab)}

    def cosine(a: str, b: str) -> float:
        return float(index[a] @ index[b])

    return cosine


def frame_pairs(
    items: list[ClaimItem],
    sim: np.ndarray,
    art: np.ndarray,
    mentions: Mapping[str, Sequence[Mention]],
    keys_of: Mapping[str, set[str]],
    part_of: dict[str, str],
    embed: Callable[[Sequence[str]], np.ndarray],
    opts: AlignOptions,
) -> set[tuple[int, int]]:
    """Pairs (i < j) of claims of different articles below the matching thresholds that share
    a frame: subject actor, another actor, and a predicate close in meaning."""
    import numpy as np

    if not opts.frame_similarity or len(items) < 2:
        return set()
    # Pairs closer than that are left to claims_match: taking them here too (a frame without a
    # shared word above 0.6) cost strict precision on odd ECB+ topics (claims only 0.428 ->
    # 0.420) for no strict F1.
    low = min(opts.paraphrase, opts.with_entities)
    band = (sim >= opts.frame_similarity) & (sim < low) & (art[:, None] != art[None, :])
    # Two shared actors at least (one the subject, one more), counted for all pairs at once.
    keys = {k: n for n, k in enumerate(sorted({k for it in items for k in it.entities}))}
    has = np.zeros((len(items), max(1, len(keys))), dtype=np.float32)
    for n, it in enumerate(items):
        has[n, [keys[k] for k in it.entities]] = 1.0
    band = np.triu(band & ((has @ has.T) >= 2), 1)
    subj: dict[int, dict[str, int]] = {}
    candidates: list[tuple[int, int, str, str]] = []
    for i, j in zip(*np.nonzero(band), strict=True):
        i, j = int(i), int(j)
        a, b = items[i], items[j]
        if a.persons - keys_of[b.article] or b.persons - keys_of[a.article]:
            continue
        shared = a.entities & b.entities  # two at least (the band above)
        for k in (i, j):
            if k not in subj:
                subj[k] = subjects(items[k].claim, mentions[items[k].article], part_of)
        subject = subj[i].keys() & subj[j].keys()
        if not subject or not shared - subject:
            continue
        key = min(subject)
        pa = predicate(a.claim, mentions[a.article], subj[i][key])
        pb = predicate(b.claim, mentions[b.article], subj[j][key])
        if pa and pb:
            candidates.append((i, j, pa, pb))
    if not candidates:
        return set()
    close = word_similarity(embed, [w for c in candidates for w in c[2:]])
    return {
        (i, j)
        for i, j, pa, pb in candidates
        if pa[:5] == pb[:5] or close(pa, pb) >= opts.word_meaning
    }
