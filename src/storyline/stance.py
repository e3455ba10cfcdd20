"""Stance of articles toward a claim: agree, disagree, discuss or unrelated (the FNC-1 task).

The shipped model (``data/stance/stance-model.json.gz``) is two LightGBM models over the
features of :mod:`storyline.stance_features`: first related vs unrelated, then agree /
disagree / discuss for related pairs, whose features also hold the class probabilities of
linear bag-of-words models (:mod:`storyline.stance_stack`). It is trained on the FNC-1
training split only (``storyline train stance --data DIR``, :mod:`storyline.stance_train`).
The file is data, not code: LightGBM's text models, a JSON TF-IDF vocabulary and JSON linear
weights.

Each article is split into sentences and embedded once; the encodings sit in an LRU cache keyed
by article id (or text hash), so judging many claims against one store embeds every article
once. Every non-unrelated stance names the one to three sentences that most support it as
:class:`~storyline.model.Evidence` with exact character offsets into the article text.

:func:`check_claim` turns the stances of many articles into a one-line verdict, the same rule
for the CLI and the web UI.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.model import (
    Article,
    Claim,
    Evidence,
    Stance,
    StanceLabel,
    content_id,
    normalise_text,
)

if TYPE_CHECKING:
    import numpy as np

    from storyline.config import Options

__all__ = [
    "DEFAULT_MODEL_PATH",
    "CheckEntry",
    "CheckResult",
    "StanceError",
    "StanceModel",
    "check_claim",
    "claim_problem",
    "combine_stages",
    "contested_by_share",
    "judge_articles",
    "load_stance_model",
    "summarize_check",
    "verdict_for",
]

DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "stance" / "stance-model.json.gz"
LABELS = ("agree", "disagree", "discuss", "unrelated")
# A claim is one sentence; past this it is a document, and the features stop meaning much.
MAX_CLAIM_WORDS = 200
# Sentences whose support is within this fraction of the best one also count as evidence.
EVIDENCE_RATIO = 0.8
# A claim is contested when at least this share of the articles that take it up (agree,
# disagree or discuss) disagree. With a `disagree` F1 near 0.5, "any one article disagrees"
# flags many well-covered claims (each extra article is another chance of a false disagree);
# a share keeps one dissent among a handful of articles decisive. Chosen on the inner split of
# the FNC-1 training side (276 headlines of the inner validation topics, their gold-related
# bodies; logged by `storyline train stance`): contested accuracy 0.891 at 0.2 against 0.851
# for never-contested; 0.25 and 0.3 gave 0.888, 0.34 and 0.4 0.877, 0.5 0.873. The dev split
# was not looked at.
CONTESTED_SHARE = 0.2


def _lex(words: str) -> frozenset[str]:
    return frozenset(words.split())


_ENGLISH = _lex(
    "the of and to in a is that for it on was with as be by at this are from has have not "
    "an or his her they said which were been will would their its but who"
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class StanceError(ValueError):
    """A stance model file that cannot be used, or a claim that cannot be judged."""


# --------------------------------------------------------------------------- input checks


def _english_problem(text: str, what: str) -> str | None:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 8:
        return None  # too short to tell; judge it
    if sum(1 for w in words if w in _ENGLISH) / len(words) >= 0.08:
        return None
    # Few English function words alone is also what headline-style English looks like, so
    # another language must show itself: its own function words, or a non-Latin script.
    foreign = sum(1 for w in words if w in _FOREIGN)
    letters = [c for c in text if c.isalpha()]
    non_latin = sum(1 for c in letters if ord(c) > 0x24F) / max(1, len(letters))
    if foreign >= 2 or non_latin > 0.5:
        return f"{what} does not look like English text"
    return None


_FOREIGN = _lex(
    "der die das und ist nicht ein eine dass mit für auf den dem des sich auch le la les et est "
    "une des du pour pas dans qui sur el los las y es por con para una del que di il che per "
    "non della het een van niet och att det som är en på"
)


def claim_problem(claim: str) -> str | None:
    """Why a claim cannot be judged (None when it can)."""
    if not isinstance(claim, str) or not claim.strip():
        return "claim is empty"
    words = _WORD.findall(claim)
    if not words:
        return "claim has no words (only punctuation, digits or symbols)"
    if len(words) > MAX_CLAIM_WORDS:
        return f"claim has {len(words)} words; a claim is one sentence (at most {MAX_CLAIM_WORDS})"
    return _english_problem(claim, "claim")


def _article_problem(article: Article | str) -> str | None:
    text = article.text if isinstance(article, Article) else article
    if not isinstance(text, str) or not any(c.isalnum() for c in text):
        return "article has no text"
    if isinstance(article, Article) and not article.is_english:
        return f"article is not English (language={article.language})"
    return _english_problem(text, "article")


# --------------------------------------------------------------------------- model


class _Lru:
    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[str, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any:
        value = self.data.get(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self.data.move_to_end(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.data.move_to_end(key)
        while len(self.data) > self.size:
            self.data.popitem(last=False)


class StanceModel:
    """The trained two-stage stance classifier; thread-safe, cheap to call repeatedly."""

    def __init__(
        self,
        artifact: dict[str, Any],
        options: Options | None = None,
        *,
        cache_size: int = 4096,
        embed: Any = None,
    ) -> None:
        import lightgbm as lgb

        from storyline.stance_features import Tfidf
        from storyline.stance_stack import BowStack

        try:
            self.meta = artifact.get("meta", {})
            self.with_vectors = bool(artifact["with_vectors"])
            self.tfidf = Tfidf.from_dict(artifact["tfidf"])
            self.stage1 = lgb.Booster(model_str=artifact["stage1"])
            self.stage2 = lgb.Booster(model_str=artifact["stage2"])
            self.stage2_labels = tuple(artifact["stage2_labels"])
            self.threshold = float(artifact.get("related_threshold", 0.5))
            scale = artifact.get("stage2_scale") or {}
            self.stage2_scale = tuple(float(scale.get(lab, 1.0)) for lab in self.stage2_labels)
            # Older artifacts have no stack: both stages then read the same columns.
            self.stack = (
                BowStack.from_dict(artifact["stack"], len(self.tfidf.vocab))
                if artifact.get("stack")
                else None
            )
            self.n_stage1 = self.stage1.num_feature()
            n_extra = self.stack.n_features if self.stack else 0
            if self.stage2.num_feature() != self.n_stage1 + n_extra:
                raise ValueError(
                    f"stage 2 reads {self.stage2.num_feature()} features, expected "
                    f"{self.n_stage1} + {n_extra}"
                )
        except (KeyError, TypeError, ValueError, lgb.basic.LightGBMError) as exc:
            raise StanceError(f"stance model: malformed artifact ({exc})") from None
        self.options = options
        self._embed = embed
        self.articles = _Lru(cache_size)
        self.claims = _Lru(1024)
        self._lock = threading.Lock()

    # -- encoding ------------------------------------------------------------------------

    def embed(self, texts: list[str]) -> np.ndarray:
        if self._embed is not None:
            return self._embed(texts)
        from storyline.embed import embed_texts

        return embed_texts(texts, self.options)

    @staticmethod
    def _key(article: Article | str) -> str:
        if isinstance(article, Article):
            return "a:" + article.id + ":" + content_id(article.text, length=8)
        return "t:" + content_id(normalise_text(article))

    def _article_encodings(self, articles: Sequence[Article | str]) -> list[Any]:
        from storyline.stance_features import encode_articles

        keys = [self._key(a) for a in articles]
        found = {k: self.articles.get(k) for k in dict.fromkeys(keys)}
        todo = [k for k, v in found.items() if v is None]
        if todo:
            texts = {
                k: (a.text if isinstance(a, Article) else a)
                for k, a in zip(keys, articles, strict=True)
            }
            for k, enc in zip(
                todo, encode_articles([texts[k] for k in todo], self.tfidf, self.embed), strict=True
            ):
                found[k] = enc
                self.articles.put(k, enc)
        return [found[k] for k in keys]

    def _claim_encodings(self, claims: Sequence[str]) -> list[Any]:
        from storyline.stance_features import encode_claims

        found = {c: self.claims.get(c) for c in dict.fromkeys(claims)}
        todo = [c for c, v in found.items() if v is None]
        if todo:
            for c, enc in zip(todo, encode_claims(todo, self.tfidf, self.embed), strict=True):
                found[c] = enc
                self.claims.put(c, enc)
        return [found[c] for c in claims]

    def cache_stats(self) -> dict[str, int]:
        return {
            "article_hits": self.articles.hits,
            "article_misses": self.articles.misses,
            "claim_hits": self.claims.hits,
            "claim_misses": self.claims.misses,
        }

    # -- prediction ----------------------------------------------------------------------

    def predict(self, claim: str, articles: Sequence[Article | str]) -> list[Stance]:
        """The stance of each article toward ``claim``, in order."""
        return self.predict_pairs([(claim, a) for a in articles])

    def predict_pairs(self, pairs: Sequence[tuple[str, Article | str]]) -> list[Stance]:
        """Stances of many (claim, article) pairs in one batch; each text is encoded once."""
        import numpy as np

        from storyline.stance_features import pair_features

        out: list[Stance | None] = [None] * len(pairs)
        live: list[int] = []
        for i, (claim, article) in enumerate(pairs):
            aid = article.id if isinstance(article, Article) else None
            reason = claim_problem(claim) or _article_problem(article)
            if reason:
                out[i] = Stance(StanceLabel.UNRELATED, {}, (), aid, reason)
            else:
                live.append(i)
        if live:
            with self._lock:
                claims = self._claim_encodings([pairs[i][0].strip() for i in live])
                arts = self._article_encodings([pairs[i][1] for i in live])
            rows, orders = [], []
            for c, a in zip(claims, arts, strict=True):
                row, order, scores = pair_features(c, a, self.with_vectors)
                rows.append(row)
                orders.append((order, scores))
            X = np.vstack(rows)
            if self.stack is not None:
                X = np.hstack([X, self.stack_features(claims, arts, [o[0] for o in orders])])
            probs = self.probabilities(X)
            for k, i in enumerate(live):
                article = pairs[i][1]
                out[i] = self._stance(probs[k], arts[k], orders[k], article)
        return [s for s in out if s is not None]

    def stack_features(
        self, claims: Sequence[Any], arts: Sequence[Any], orders: Sequence[Sequence[int]]
    ) -> np.ndarray:
        """The bag-of-words probabilities that stage 2 reads after the pair features."""
        from storyline.stance_stack import view_rows

        if self.stack is None:
            raise StanceError("this stance model has no bag-of-words stack")
        return self.stack.features(view_rows(claims, arts, orders))

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """(n, 4) probabilities in :data:`LABELS` order from feature rows.

        Stage 1 reads the pair features (the first columns); stage 2 all of them, stack
        probabilities included.
        """
        import numpy as np

        p_rel = np.asarray(self.stage1.predict(features[:, : self.n_stage1]), dtype=np.float64)
        p3 = np.asarray(self.stage2.predict(features), dtype=np.float64).reshape(len(features), -1)
        return combine_stages(p_rel, p3, self.stage2_labels, self.stage2_scale)

    def decide(self, probs: np.ndarray) -> list[str]:
        """Labels for rows of :meth:`probabilities` (stage 1 threshold, then stage 2 argmax)."""
        labels = []
        for row in probs:
            if 1.0 - row[3] < self.threshold:
                labels.append("unrelated")
            else:
                labels.append(LABELS[int(row[:3].argmax())])
        return labels

    def _stance(
        self, probs: np.ndarray, enc: Any, order: tuple[list[int], np.ndarray], article: Any
    ) -> Stance:
        label = self.decide(probs[None, :])[0]
        aid = article.id if isinstance(article, Article) else None
        evidence: tuple[Evidence, ...] = ()
        if label != "unrelated" and order[0]:
            idx, scores = order
            best = float(scores[0])
            chosen = [
                (i, float(s))
                for i, s in zip(idx[:3], scores[:3], strict=False)
                if i == idx[0] or float(s) >= EVIDENCE_RATIO * best
            ]
            evidence = tuple(
                Evidence(
                    aid,
                    enc.spans[i][0],
                    enc.spans[i][1],
                    enc.text[enc.spans[i][0] : enc.spans[i][1]],
                    round(s, 4),
                )
                for i, s in chosen
            )
        return Stance(
            StanceLabel(label),
            {lab: round(float(p), 4) for lab, p in zip(LABELS, probs, strict=True)},
            evidence,
            aid,
        )


_MODELS: dict[str, StanceModel] = {}
_LOAD_LOCK = threading.Lock()


def combine_stages(
    p_rel: np.ndarray, p3: np.ndarray, labels: Sequence[str], scale: Sequence[float]
) -> np.ndarray:
    """(n, 4) probabilities in :data:`LABELS` order from the two stages' outputs.

    ``scale`` multiplies each stage-2 class probability before renormalising: the decision
    scaling of ``disagree`` chosen on the inner validation split (see
    :func:`storyline.stance_train.choose_disagree`).
    """
    import numpy as np

    p3 = p3 * np.asarray(scale, dtype=np.float64)[None, :]
    p3 = p3 / np.maximum(p3.sum(axis=1, keepdims=True), 1e-12)
    out = np.zeros((len(p_rel), 4))
    for j, lab in enumerate(labels):
        out[:, LABELS.index(lab)] = p_rel * p3[:, j]
    out[:, 3] = 1.0 - p_rel
    return out


def read_artifact(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    try:
        raw = p.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise StanceError(
            f"stance model {p}: no such file (train one: storyline train stance --data DIR)"
        ) from None
    except (OSError, ValueError, EOFError) as exc:
        raise StanceError(f"stance model {p}: cannot read: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != "storyline-stance-1":
        raise StanceError(f"stance model {p}: not a storyline stance model file")
    return data


def load_stance_model(
    path: str | Path | None = None, options: Options | None = None
) -> StanceModel:
    """The model at ``path``, else ``options.stance_model``, else the shipped one; cached."""
    chosen = path or (options.stance_model if options is not None else None) or DEFAULT_MODEL_PATH
    key = str(Path(chosen).resolve())
    with _LOAD_LOCK:
        model = _MODELS.get(key)
        if model is None:
            model = StanceModel(read_artifact(chosen), options)
            _MODELS[key] = model
    return model


# --------------------------------------------------------------------------- check a claim


@dataclass(frozen=True, slots=True)
class CheckEntry:
    """One article's answer to a checked claim.

    ``claim`` is the article's own claim that bears on the checked one, ``relation`` how
    (``states``, ``negates``, ``hedges``, ``same answer``, ``other answer``; see
    :mod:`storyline.check`) and ``score`` their cosine similarity. ``answer`` is the label
    that claim gives the article where it decides (:mod:`storyline.check`); otherwise the
    label is the stance model's, which ``stance`` always keeps.
    """

    article: Article
    stance: Stance
    claim: Claim | None = None
    score: float | None = None
    relation: str | None = None
    answer: str | None = None

    @property
    def label(self) -> str:
        return self.answer or self.stance.label.value

    @property
    def basis(self) -> str:
        """What decided the label: the article's own ``claim``, or the stance ``model``."""
        return "claim" if self.answer else "model"

    @property
    def confidence(self) -> float:
        """How sure the label is: the cosine of the claim that decided it, else the stance
        model's probability of the label."""
        if self.answer and self.score is not None:
            return self.score
        return self.stance.probabilities.get(self.label, 0.0)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Every article's stance toward one claim, grouped, with a verdict.

    Verdicts: ``supported`` (at least two articles agree, none disagrees), ``contested``
    (some agree and some disagree), ``disputed`` (some disagree, none agrees), where
    disagreement counts from :data:`CONTESTED_SHARE` of the related articles up; ``reported``
    (related articles, but only one agrees or they only discuss it), ``unreported`` (no
    article is related).
    """

    claim: str
    verdict: str
    summary: str
    agree: tuple[CheckEntry, ...] = ()
    disagree: tuple[CheckEntry, ...] = ()
    discuss: tuple[CheckEntry, ...] = ()
    unrelated: int = 0
    skipped: tuple[CheckEntry, ...] = field(default_factory=tuple)  # could not be judged


def contested_by_share(disagree: int, related: int) -> bool:
    """Whether ``disagree`` articles among ``related`` ones make a claim contested."""
    return disagree > 0 and disagree >= CONTESTED_SHARE * related


def verdict_for(agree: int, disagree: int, discuss: int) -> str:
    """The verdict rule of :class:`CheckResult`, as a pure function of the counts.

    Disagreement counts only when it reaches :data:`CONTESTED_SHARE` of the related articles
    (the rule :mod:`storyline.verdicts` uses too); a lone dissent among many is reported as
    the rest of the articles say.
    """
    if not contested_by_share(disagree, agree + disagree + discuss):
        disagree = 0
    if agree and disagree:
        return "contested"
    if disagree:
        return "disputed"
    if agree >= 2:
        return "supported"
    if agree or discuss:
        return "reported"
    return "unreported"


def judge_articles(claim: str, articles: Iterable[Article], model: StanceModel) -> list[CheckEntry]:
    """The stance model's answer for every article, in order; raises on a bad claim."""
    problem = claim_problem(claim)
    if problem:
        raise StanceError(problem)
    items = list(articles)
    out: list[CheckEntry] = []
    for start in range(0, len(items), 256):
        batch = items[start : start + 256]
        for article, stance in zip(batch, model.predict(claim, batch), strict=True):
            out.append(CheckEntry(article, stance))
    return out


def summarize_check(claim: str, entries: Sequence[CheckEntry]) -> CheckResult:
    """Group judged articles by label (most confident first) and give the verdict."""
    groups: dict[str, list[CheckEntry]] = {lab: [] for lab in LABELS}
    skipped: list[CheckEntry] = []
    for entry in entries:
        (skipped if entry.stance.reason else groups[entry.label]).append(entry)
    for lab in ("agree", "disagree", "discuss"):
        # An article whose own claim decides comes before the stance model's readings.
        groups[lab].sort(key=lambda e: (e.basis != "claim", -e.confidence))
    n = {lab: len(groups[lab]) for lab in LABELS}
    verdict = verdict_for(n["agree"], n["disagree"], n["discuss"])
    summary = (
        f"{verdict}: {n['agree']} agree, {n['disagree']} disagree, {n['discuss']} discuss, "
        f"{n['unrelated']} unrelated"
        + (f", {len(skipped)} not judged" if skipped else "")
        + f" (of {len(entries)} article(s))"
    )
    return CheckResult(
        claim=claim,
        verdict=verdict,
        summary=summary,
        agree=tuple(groups["agree"]),
        disagree=tuple(groups["disagree"]),
        discuss=tuple(groups["discuss"]),
        unrelated=n["unrelated"],
        skipped=tuple(skipped),
    )


def check_claim(claim: str, articles: Iterable[Article], model: StanceModel) -> CheckResult:
    """The stance of every article toward ``claim`` and the verdict; raises on a bad claim.

    The stance model alone; :func:`storyline.check.check_articles` also reads the articles'
    claims."""
    return summarize_check(claim, judge_articles(claim, articles, model))


# --------------------------------------------------------------------------- data files

DEFAULT_SPLIT_PATH = Path(__file__).parent / "data" / "stance" / "dev-split.json"
DEFAULT_GATE_PATH = Path(__file__).parent / "data" / "stance" / "gate-sample.json"
