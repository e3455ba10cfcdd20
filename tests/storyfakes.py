"""Hand-built readings of invented articles for the align / verdict / dossier unit tests.

Claims, mentions and attributions are set by hand here so these tests pin the alignment and
verdict rules independently of the reader; the pipeline tests run the real reader.
"""

from __future__ import annotations

import re
from typing import Any

from storyline.model import (
    Article,
    Attribution,
    Certainty,
    Claim,
    Mention,
    Polarity,
    ReadArticle,
    Sentence,
    SpeakerKind,
    Stance,
    StanceLabel,
    content_id,
)


def reading(
    article_id: str,
    text: str,
    *,
    outlet: str | None = None,
    published: str | None = None,
    fetched_at: str | None = None,
    claims: dict[str, dict[str, Any]] | None = None,
    entities: dict[str, tuple[str, str]] | None = None,
    language: str | None = "en",
) -> ReadArticle:
    """``claims`` maps a sentence of ``text`` to Claim fields (speaker given as text is located
    in that sentence); ``entities`` maps a surface form to (label, entity id)."""
    article = Article(
        id=article_id,
        text=text,
        outlet=outlet,
        published=published,
        fetched_at=fetched_at,
        language=language,
    )
    sentences = []
    for i, m in enumerate(re.finditer(r"[^.!?]+[.!?]", text)):
        s, e = m.start(), m.end()
        while text[s] == " ":
            s += 1
        sentences.append(Sentence(article_id, i, s, e, text[s:e]))
    mentions = []
    for surface, (label, eid) in (entities or {}).items():
        for m in re.finditer(re.escape(surface), text):
            sent = next(x.index for x in sentences if x.start <= m.start() < x.end)
            mentions.append(Mention(article_id, m.start(), m.end(), surface, label, sent, eid))
    mentions.sort(key=lambda m: m.start)
    out = []
    for sent_text, fields in (claims or {}).items():
        start = text.index(sent_text)
        end = start + len(sent_text)
        sent = next(x.index for x in sentences if x.start <= start < x.end)
        fields = dict(fields)
        speaker = fields.pop("speaker", None)
        att = Attribution()
        if speaker:
            s0 = text.index(speaker, start)
            att = Attribution(
                speaker=speaker,
                kind=fields.pop("kind", SpeakerKind.ORGANISATION),
                verb=fields.pop("verb", None),
                cited_outlets=tuple(fields.pop("cited", ())),
                speaker_start=s0,
                speaker_end=s0 + len(speaker),
            )
        elif "cited" in fields:
            att = Attribution(kind=SpeakerKind.MEDIA, cited_outlets=tuple(fields.pop("cited")))
        ents = tuple(
            sorted({m.entity_id for m in mentions if start <= m.start < end and m.entity_id})
        )
        out.append(
            Claim(
                id=content_id(article_id, str(start), str(end)),
                article_id=article_id,
                sentence_index=sent,
                start=start,
                end=end,
                text=sent_text,
                attribution=att,
                certainty=fields.pop(
                    "certainty", Certainty.REPORTED if speaker else Certainty.ASSERTED
                ),
                polarity=fields.pop("polarity", Polarity.AFFIRMED),
                cues=tuple(fields.pop("cues", ())),
                entity_ids=ents,
            )
        )
    return ReadArticle(article, tuple(sentences), tuple(mentions), tuple(out))


_VECTORS: dict[str, Any] = {}


def embed(texts: Any) -> Any:
    """The real embedding model, memoised by text: the tests embed the same claims often."""
    import numpy as np

    from storyline.embed import embed_texts

    todo = [t for t in dict.fromkeys(texts) if t not in _VECTORS]
    if todo:
        _VECTORS.update(zip(todo, embed_texts(todo), strict=True))
    return np.stack([_VECTORS[t] for t in texts])


def align(story_id: str, readings: Any, **kw: Any) -> Any:
    """:func:`storyline.align.align_story` with the memoised embedder."""
    from storyline.align import align_story

    return align_story(story_id, readings, embed=embed, **kw)


class KeywordStance:
    """A stance stand-in: disagree when the article says the claim is false, agree when it
    repeats the claim's rarest long word, else unrelated. Counts its calls."""

    def __init__(self) -> None:
        self.pairs = 0

    def predict(self, claim: str, articles: list[Any]) -> list[Stance]:
        out = []
        words = sorted((w for w in re.findall(r"[a-z]{5,}", claim.lower())), key=len)
        for a in articles:
            self.pairs += 1
            text = (a.text if hasattr(a, "text") else a).lower()
            aid = getattr(a, "id", None)
            if re.search(r"\b(false|fake|hoax|untrue)\b", text):
                label = StanceLabel.DISAGREE
            elif words and words[-1] in text:
                label = StanceLabel.AGREE
            else:
                label = StanceLabel.UNRELATED
            out.append(Stance(label, {label.value: 0.9}, (), aid))
        return out


# An invented story told by two outlets, with the kinds of disagreement the rules handle.
BLAST_A = (
    "Fire officials said the explosion at the Norvale chemical plant killed 12 workers. "
    "Heliotrope Industries denied that safety inspections at the plant had been skipped. "
    "Earlier reports from The Harbour Times said the plant had been cited for violations. "
    "Plant manager Mara Quell approved the overfilling of the storage tanks."
)
BLAST_B = (
    "The blast at the Norvale chemical plant killed twelve workers, fire officials said. "
    "Heliotrope Industries has yet to comment on the inspections at the plant. "
    "The mayor may declare a state of emergency in Norvale next week."
)
ENTS = {
    "Norvale": ("GPE", "e-norvale"),
    "Heliotrope Industries": ("ORG", "e-helio"),
    "The Harbour Times": ("ORG", "e-harbour"),
    "Mara Quell": ("PERSON", "e-quell"),
}


def blast_readings() -> list[ReadArticle]:
    a = reading(
        "art-a",
        BLAST_A,
        outlet="Daily Ledger",
        published="2024-03-02",
        entities=ENTS,
        claims={
            BLAST_A.split(". ")[0] + ".": {
                "speaker": "Fire officials",
                "kind": SpeakerKind.ORGANISATION,
                "verb": "said",
            },
            "Heliotrope Industries denied that safety inspections at the plant had been skipped.": {
                "speaker": "Heliotrope Industries",
                "verb": "deny",
                "polarity": Polarity.DENIED,
                "cues": ("denied",),
            },
            BLAST_A.split(". ")[2] + ".": {
                "speaker": "The Harbour Times",
                "kind": SpeakerKind.MEDIA,
                "verb": "said",
                "cited": ("The Harbour Times",),
            },
            "Plant manager Mara Quell approved the overfilling of the storage tanks.": {},
        },
    )
    b = reading(
        "art-b",
        BLAST_B,
        outlet="Evening Post",
        published="2024-03-03",
        entities=ENTS,
        claims={
            "The blast at the Norvale chemical plant killed twelve workers, fire officials said.": {
                "speaker": "fire officials",
                "verb": "said",
            },
            "Heliotrope Industries has yet to comment on the inspections at the plant.": {
                "polarity": Polarity.DENIED,
                "cues": ("has yet to",),
            },
            "The mayor may declare a state of emergency in Norvale next week.": {
                "certainty": Certainty.HEDGED,
                "cues": ("may",),
            },
        },
    )
    return [a, b]
