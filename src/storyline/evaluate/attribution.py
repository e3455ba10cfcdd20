"""Scoring the reading stage's claims against hand-labelled attribution gold.

The gold (``tests/eval/attribution/gold.jsonl``, written by hand; see the README beside it)
labels every declarative sentence of 30 FNC-1 bodies and 20 ECB+ documents with its speaker,
reporting verb, cited outlets, certainty and polarity. Predicted claims are aligned to gold
claims by character overlap in the same text, then each attribute is scored:

* **claims** - detection: a gold claim is found when some predicted claim covers at least half
  of the shorter of the two spans (one-to-one, largest overlap first).
* **speaker** - positives are claims with a source (the article's own voice is no speaker).
  A predicted speaker matches when the head word of one span (its last content word, before
  any post-modifier such as "of ...", "who ...", ", ...") occurs among the other's words,
  case-insensitively: "Watson" matches "Adrienne Watson", "sources" matches "US intelligence
  sources", "Reid's representative Jack Ketsoyan" matches "Jack Ketsoyan", "Scotland Yard"
  matches "a representative from Scotland Yard", "Secretary of the Interior Dirk Kempthorne"
  matches "Dirk Kempthorne". Where the gold speaker is resolved from a pronoun, the pronoun in
  the sentence ("he") also matches.
* **verb** - reporting verb lemmas, compared through their inflections ("said" = "say");
  "according to" is not a verb and counts as none.
* **cited outlets** - micro-averaged over (claim, outlet) pairs; "The Wall Street Journal" =
  "Wall Street Journal" = "WSJ" (case, leading article, possessive and initials ignored).
* **hedging** - certainty hedged or speculative is the positive class.
* **polarity** - accuracy over aligned claims, plus P/R/F1 of "denied".

Recall is over every gold claim (a gold claim the reader missed misses its speaker too).
Precision is over predicted claims aligned to gold ones: a predicted claim in a sentence the
labeller did not count as a claim (question, caption, boilerplate) cannot be judged for its
attribution, so it counts only against claim precision.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.evaluate.metrics import PRF
from storyline.model import Article, Certainty, Claim, Polarity, SpeakerKind

__all__ = [
    "AttributionScores",
    "GoldClaim",
    "GoldDoc",
    "GoldError",
    "PRF",
    "align_claims",
    "default_gold_path",
    "load_gold",
    "outlets_match",
    "predict_for_gold",
    "render_scores",
    "score_attribution",
    "score_by_source",
    "speaker_matches",
    "verbs_match",
]


class GoldError(ValueError):
    """A gold file that cannot be used; the message names the file, the line and the reason."""


# --------------------------------------------------------------------------- gold


@dataclass(frozen=True, slots=True)
class GoldClaim:
    start: int
    end: int
    sentence: str
    speaker: str | None
    speaker_kind: SpeakerKind
    verb: str | None
    cited_outlets: tuple[str, ...]
    certainty: Certainty
    polarity: Polarity
    # The pronoun or short form in the sentence itself when ``speaker`` was resolved from it.
    speaker_mention: str | None = None


@dataclass(frozen=True, slots=True)
class GoldDoc:
    doc: str  # "fnc1:<Body ID>" or "ecbplus:<file>"
    text: str
    claims: tuple[GoldClaim, ...] = ()

    @property
    def source(self) -> str:
        return self.doc.split(":", 1)[0]


def default_gold_path() -> Path:
    """The gold file of a source checkout (it is test data, not shipped in the wheel)."""
    return Path(__file__).resolve().parents[3] / "tests" / "eval" / "attribution" / "gold.jsonl"


def load_gold(path: str | Path | None = None) -> list[GoldDoc]:
    """Read gold documents from JSON lines, checking every claim's offsets against its text."""
    path = Path(path) if path is not None else default_gold_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"{path}: cannot read attribution gold ({exc.strerror})") from None
    docs: list[GoldDoc] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            docs.append(_gold_doc(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise GoldError(f"{path}:{n}: bad gold document ({exc})") from None
    if not docs:
        raise GoldError(f"{path}: no gold documents")
    return docs


def _gold_doc(data: dict[str, Any]) -> GoldDoc:
    text = data["text"]
    claims = []
    for c in data["claims"]:
        start, end = int(c["start"]), int(c["end"])
        if text[start:end] != c["sentence"]:
            raise ValueError(f"{data['doc']}: offsets {start}:{end} do not give the sentence")
        claims.append(
            GoldClaim(
                start=start,
                end=end,
                sentence=c["sentence"],
                speaker=c.get("speaker") or None,
                speaker_kind=SpeakerKind(c.get("speaker_kind", "article")),
                verb=c.get("verb") or None,
                cited_outlets=tuple(c.get("cited_outlets") or ()),
                certainty=Certainty(c["certainty"]),
                polarity=Polarity(c["polarity"]),
                speaker_mention=c.get("speaker_mention") or None,
            )
        )
    return GoldDoc(doc=str(data["doc"]), text=text, claims=tuple(claims))


# --------------------------------------------------------------------------- matching

_STOP = {"the", "a", "an", "and", "of", "its", "his", "her", "their", "our", "to", "in", "at", "on"}
# A speaker's head is the last word before any post-modifier.
_POSTMOD = re.compile(r",|\(|\b(?:of|who|which|that|with|from|at|for|in|on|to)\b", re.I)
_WORD = re.compile(r"[\w.&-]+(?:['’]\w+)*")
_NON_VERBS = {"according", "according to", "per"}


def _words(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(text.lower()):
        w = re.sub(r"['’]s$", "", w).strip(".-")
        if w and w not in _STOP:
            out.append(w)
    return out


def _core(text: str) -> list[str]:
    """Words of the noun phrase before any post-modifier ("Activists" of "Activists with...")."""
    return _words(_POSTMOD.split(text, maxsplit=1)[0]) or _words(text)


def _head(text: str) -> str | None:
    words = _core(text)
    return words[-1] if words else None


def speaker_matches(predicted: str | None, gold: Iterable[str | None]) -> bool:
    """Whether a predicted speaker names the gold source (head rule in the module doc)."""
    if not predicted:
        return False
    p_words, p_head = set(_words(predicted)), _head(predicted)
    for g in gold:
        if not g:
            continue
        g_head = _head(g)
        if (g_head and g_head in p_words) or (p_head and p_head in set(_words(g))):
            return True
    return False


def _lemmas(word: str) -> set[str]:
    w = word.lower().split()[0] if word.strip() else ""
    forms = {w}
    irregular = {
        "said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write",
        "spoke": "speak", "spoken": "speak", "thought": "think", "knew": "know", "shot": "shoot",
        "found": "find", "saw": "see", "seen": "see", "made": "make", "gave": "give",
    }  # fmt: skip
    if w in irregular:
        forms.add(irregular[w])
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("d", ""),
        ("ing", ""),
        ("ing", "e"),
    ):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[: -len(suffix)] + repl
            forms.add(stem)
            if len(stem) > 3 and stem[-1] == stem[-2] and not repl:  # admitted -> admit
                forms.add(stem[:-1])
    return forms


def verbs_match(predicted: str | None, gold: str | None) -> bool:
    if not predicted or not gold:
        return False
    return bool(_lemmas(predicted) & _lemmas(gold))


def _outlet_key(name: str) -> str:
    name = re.sub(r"^the\s+", "", name.strip().lower())
    name = re.sub(r"['’]s$", "", name)
    return " ".join(re.findall(r"\w+", name))


def outlets_match(predicted: str, gold: str) -> bool:
    """Same outlet up to case, leading "the", possessive, containment, initials (WSJ) or
    aliases in the outlet list."""
    p, g = _outlet_key(predicted), _outlet_key(gold)
    if not p or not g:
        return False
    if p == g or f" {p} " in f" {g} " or f" {g} " in f" {p} ":
        return True

    def initials(s: str) -> str:
        return "".join(w[0] for w in s.split() if w not in _STOP)

    if p.replace(" ", "") == initials(g) or g.replace(" ", "") == initials(p):
        return True
    # Aliases of one outlet in the shipped list ("WaPo" = "The Washington Post").
    from storyline.claims_lexicon import load_outlets

    table = load_outlets()
    a, b = table.lookup(predicted), table.lookup(gold)
    return a is not None and a == b


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True, slots=True)
class AttributionScores:
    documents: int
    gold_claims: int
    predicted_claims: int
    claims: PRF
    speaker: PRF
    verb: PRF
    outlets: PRF
    hedging: PRF
    denied: PRF
    aligned: int
    polarity_correct: int
    certainty_correct: int
    # Speaker kind agreement among aligned claims whose speaker matched (or both had none).
    kind_correct: int
    kind_total: int
    errors: tuple[str, ...] = field(default=(), compare=False)

    @property
    def polarity_accuracy(self) -> float:
        return self.polarity_correct / self.aligned if self.aligned else 0.0

    @property
    def certainty_accuracy(self) -> float:
        return self.certainty_correct / self.aligned if self.aligned else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_correct / self.kind_total if self.kind_total else 0.0


def align_claims(gold: Sequence[GoldClaim], predicted: Sequence[Claim]) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs, largest character overlap first.

    A pair needs an overlap of at least half the shorter span, so a predicted clause of a gold
    sentence still aligns while a neighbouring sentence that touches it does not.
    """
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            overlap = min(g.end, p.end) - max(g.start, p.start)
            shorter = max(1, min(g.end - g.start, p.end - p.start))
            if overlap > 0 and overlap * 2 >= shorter:
                candidates.append((overlap, -gi, -pi))
    pairs, used_g, used_p = [], set(), set()
    for _, gi, pi in sorted(candidates, reverse=True):
        if -gi not in used_g and -pi not in used_p:
            used_g.add(-gi)
            used_p.add(-pi)
            pairs.append((-gi, -pi))
    return sorted(pairs)


_HEDGED = {Certainty.HEDGED, Certainty.SPECULATIVE}


def _has_speaker(claim: Claim) -> bool:
    a = claim.attribution
    return bool(a.speaker) and a.kind is not SpeakerKind.ARTICLE


def _verb(claim: Claim) -> str | None:
    verb = (claim.attribution.verb or "").strip().lower()
    return verb if verb and verb not in _NON_VERBS else None


def score_attribution(
    gold_docs: Sequence[GoldDoc], predicted: Mapping[str, Sequence[Claim]]
) -> AttributionScores:
    """Score predicted claims (by gold ``doc`` id; a missing doc means no claims) against gold."""
    c = {k: PRF() for k in ("claims", "speaker", "verb", "outlets", "hedging", "denied")}
    n_pred = aligned = pol_ok = cert_ok = kind_ok = kind_n = 0
    errors: list[str] = []

    def add(key: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        c[key] = c[key] + PRF(tp, fp, fn)

    for doc in gold_docs:
        preds = list(predicted.get(doc.doc, ()))
        n_pred += len(preds)
        pairs = dict(align_claims(doc.claims, preds))
        add("claims", tp=len(pairs), fp=len(preds) - len(pairs), fn=len(doc.claims) - len(pairs))
        for gi, g in enumerate(doc.claims):
            g_hedged = g.certainty in _HEDGED
            g_denied = g.polarity is Polarity.DENIED
            if gi not in pairs:
                add("speaker", fn=int(g.speaker is not None))
                add("verb", fn=int(g.verb is not None))
                add("outlets", fn=len(g.cited_outlets))
                add("hedging", fn=int(g_hedged))
                add("denied", fn=int(g_denied))
                continue
            p = preds[pairs[gi]]
            aligned += 1
            # speaker
            p_has = _has_speaker(p)
            ok = p_has and speaker_matches(p.attribution.speaker, (g.speaker, g.speaker_mention))
            if g.speaker is None and not p_has:
                kind_n += 1
                kind_ok += 1
            elif ok:
                kind_n += 1
                kind_ok += int(p.attribution.kind is g.speaker_kind)
            add(
                "speaker",
                tp=int(ok),
                fp=int(p_has and not ok),
                fn=int(g.speaker is not None and not ok),
            )
            if g.speaker is not None and not ok:
                errors.append(
                    f"{doc.doc} @{g.start}: speaker gold={g.speaker!r} "
                    f"predicted={p.attribution.speaker if p_has else None!r}"
                )
            # verb
            pv = _verb(p)
            v_ok = verbs_match(pv, g.verb)
            add(
                "verb",
                tp=int(v_ok),
                fp=int(pv is not None and not v_ok),
                fn=int(g.verb is not None and not v_ok),
            )
            # cited outlets
            remaining = list(p.attribution.cited_outlets)
            tp = 0
            for o in g.cited_outlets:
                hit = next((r for r in remaining if outlets_match(r, o)), None)
                if hit is not None:
                    remaining.remove(hit)
                    tp += 1
            add("outlets", tp=tp, fp=len(remaining), fn=len(g.cited_outlets) - tp)
            # hedging, polarity, certainty
            p_hedged = p.certainty in _HEDGED
            add(
                "hedging",
                tp=int(p_hedged and g_hedged),
                fp=int(p_hedged and not g_hedged),
                fn=int(g_hedged and not p_hedged),
            )
            p_denied = p.polarity is Polarity.DENIED
            add(
                "denied",
                tp=int(p_denied and g_denied),
                fp=int(p_denied and not g_denied),
                fn=int(g_denied and not p_denied),
            )
            pol_ok += int(p.polarity is g.polarity)
            cert_ok += int(p.certainty is g.certainty)
    return AttributionScores(
        documents=len(gold_docs),
        gold_claims=sum(len(d.claims) for d in gold_docs),
        predicted_claims=n_pred,
        claims=c["claims"],
        speaker=c["speaker"],
        verb=c["verb"],
        outlets=c["outlets"],
        hedging=c["hedging"],
        denied=c["denied"],
        aligned=aligned,
        polarity_correct=pol_ok,
        certainty_correct=cert_ok,
        kind_correct=kind_ok,
        kind_total=kind_n,
        errors=tuple(errors),
    )


def score_by_source(
    gold_docs: Sequence[GoldDoc], predicted: Mapping[str, Sequence[Claim]]
) -> dict[str, AttributionScores]:
    """Scores over all documents and per corpus ("all", "fnc1", "ecbplus")."""
    out = {"all": score_attribution(gold_docs, predicted)}
    for source in sorted({d.source for d in gold_docs}):
        out[source] = score_attribution([d for d in gold_docs if d.source == source], predicted)
    return out


def render_scores(scores: AttributionScores | Mapping[str, AttributionScores]) -> str:
    """A plain-text table: one block per score set, P/R/F1 with counts, then accuracies."""
    sets = {"all": scores} if isinstance(scores, AttributionScores) else dict(scores)
    lines = []
    for name, s in sets.items():
        lines.append(
            f"[{name}] {s.documents} documents, {s.gold_claims} gold claims, "
            f"{s.predicted_claims} predicted, {s.aligned} aligned"
        )
        lines.append(f"  {'':<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}")
        for label, prf in (
            ("claims", s.claims),
            ("speaker", s.speaker),
            ("reporting verb", s.verb),
            ("cited outlets", s.outlets),
            ("hedging", s.hedging),
            ("denied", s.denied),
        ):
            lines.append(
                f"  {label:<16}{prf.precision:>7.3f}{prf.recall:>7.3f}{prf.f1:>7.3f}"
                f"{prf.tp:>6}{prf.fp:>6}{prf.fn:>6}"
            )
        lines.append(
            f"  polarity accuracy {s.polarity_accuracy:.3f}, certainty accuracy "
            f"{s.certainty_accuracy:.3f}, speaker kind accuracy {s.kind_accuracy:.3f} "
            f"(over {s.aligned} aligned claims)"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- prediction


def predict_for_gold(gold_docs: Sequence[GoldDoc], reader: Any) -> dict[str, list[Claim]]:
    """Run the reading stage on the gold texts; claims keyed by gold document id.

    ``reader`` is a ``storyline.read.Reader`` (``storyline.read.load_reader(name)``).
    """
    try:
        from storyline.read import read_articles
    except ImportError as exc:
        raise RuntimeError(
            f"the reading stage is not available (storyline.read: {exc}); "
            "attribution cannot be evaluated without it"
        ) from None
    articles = [
        Article.create(d.text, language="en", source=d.doc, meta={"gold_doc": d.doc})
        for d in gold_docs
    ]
    by_id = {a.id: d.doc for a, d in zip(articles, gold_docs, strict=True)}
    out: dict[str, list[Claim]] = {d.doc: [] for d in gold_docs}
    for read in read_articles(articles, reader):
        doc = by_id.get(read.article.id)
        if doc is None:
            continue
        # The reader notes a crash of claim extraction and goes on (one bad article must not
        # stop a batch); scored, that crash would pass for missed claims.
        failed = [n for n in read.notes if n.startswith("claim extraction failed")]
        if failed:
            raise RuntimeError(f"{doc}: {failed[0]}")
        out[doc] = list(read.claims)
    return out
