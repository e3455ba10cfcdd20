"""Features of (claim, article) pairs for the stance model: text encodings and pair vectors.

An article is encoded once (:class:`ArticleEncoding`: exact sentence spans, one embedding per
sentence, TF-IDF rows, lexicon counts per sentence) and reused for every claim it is judged
against; a claim likewise (:class:`ClaimEncoding`). :func:`pair_features` then only does small
vector arithmetic, which is what makes thousands of pairs per second possible.

The features follow the FNC-1 literature: TF-IDF cosine of claim vs body and lead (UCL),
word / bigram / character n-gram overlap and refuting / hedging / negation lexicons (the
official baseline, Athene), plus sentence-embedding similarities. The agree / discuss line is
whether the body asserts the claim or reports it, so cue words, denial polarity and attribution
are also measured on the sentences that match the claim best (not only over the whole body),
and lines of fewer than :data:`MIN_SENTENCE_WORDS` words (headings, captions) are dropped. The
lexicons are generic English cue words, nothing specific to any story.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "FEATURE_NAMES",
    "ArticleEncoding",
    "ClaimEncoding",
    "Tfidf",
    "content_tokens",
    "encode_articles",
    "encode_claims",
    "pair_features",
    "split_sentences",
]

# Articles longer than this are judged on their first sentences: stance is almost always
# carried by the headline-like lead and the first paragraphs, and embedding cost is linear.
MAX_SENTENCES = 40
# Sentences are cut to this many characters before embedding (the model truncates anyway).
MAX_SENTENCE_CHARS = 600
TOP_K = 3
# Lines with fewer words are headings, captions or fragments ("The Pantsir system"): they repeat
# the topic words without saying anything about them, so they are neither evidence nor allowed
# to dominate the best-sentence features (unless the article has nothing longer).
MIN_SENTENCE_WORDS = 4

# --------------------------------------------------------------------------- sentences

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "sgt", "capt", "gov",
    "sen", "rep", "rev", "inc", "ltd", "co", "corp", "vs", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e",
    "etc", "approx", "dept", "est", "fig", "mt", "ft", "pres",
}  # fmt: skip
# A boundary: terminal punctuation (plus closing quotes/brackets) then whitespace, or a newline.
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)[.!?]*[\"'”’)\]]*$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` into ``text``, whitespace trimmed, exact offsets.

    A regex splitter: newlines always end a sentence (news text is one paragraph per line,
    and headlines or captions have no final stop); ``. ! ?`` end one unless they follow a
    known abbreviation or a single initial, or the next word starts in lower case.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group() != "\n":
            nxt = end
            while nxt < n and text[nxt] in " \t":
                nxt += 1
            # A stop must be followed by something that can start a sentence.
            starts = nxt >= n or text[nxt] == "\n" or text[nxt].isupper() or text[nxt].isdigit()
            if not starts and text[nxt] not in "\"'“‘([":
                continue
            word = _WORD_BEFORE.search(text, max(start, m.start() - 20), m.end())
            if word and m.group().startswith("."):
                w = word.group(1).lower().rstrip(".")
                if w in _ABBREV or (len(w) == 1 and w.isalpha()):
                    continue
        _add_span(text, start, end, spans)
        start = end
    _add_span(text, start, n, spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(c.isalnum() for c in text[start:end]):
        spans.append((start, end))


# --------------------------------------------------------------------------- lexicons


def _lex(words: str) -> frozenset[str]:
    return frozenset(words.split())


_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = _lex(
    "a an the and or but if of at by for with about against between into through during before "
    "after above below to from up down in out on off over under again further then once here "
    "there when where why how all any both each few more most other some such only own same so "
    "than too very s t can will just don should now i me my we our you your he him his she her it "
    "its they them their what which who whom this that these those am is are was were be been "
    "being have has had having do does did doing would could as until while also said says say "
    "new one two"
)
REFUTE = _lex(
    "fake fakes fraud fraudulent hoax hoaxes false falsely deny denies denied denying denial "
    "denials debunk debunks debunked debunking refute refutes refuted refuting reject rejects "
    "rejected dismiss dismisses dismissed untrue misleading incorrect wrong bogus lie lies lied "
    "liar retract retracts retracted retraction contrary prank pranks satire satirical spoof "
    "fabricated fabrication baseless unfounded unsubstantiated myth nonsense doubt doubts "
    "doubtful skeptical sceptical disputed dispute disputes contradict contradicts contradicted "
    "photoshopped doctored rumours rumors"
)
NEGATION = _lex(
    "not no never none nobody nothing neither nor without cannot can't won't isn't aren't wasn't "
    "weren't don't doesn't didn't hasn't haven't hadn't couldn't wouldn't shouldn't"
)
HEDGE = _lex(
    "may might could possibly possible reportedly allegedly alleged apparently appears appear "
    "seems seem seemingly likely unlikely unconfirmed unverified rumor rumour rumored rumoured "
    "purportedly purported suggest suggests suggested believed speculation speculated "
    "speculate unclear whether perhaps probably supposedly claims claimed claiming "
    "potentially presumably expected"
)
REPORT = _lex(
    "according reports report reported reporting told sources source says said statement "
    "spokesman spokeswoman spokesperson tweeted wrote posted"
)
CONFIRM = _lex(
    "confirmed confirms confirm confirming official officially announced announces revealed "
    "shows showed proves proved proof indeed verified evidence footage video photos"
)
# Verbs of denial: a claim that says "X denied Y" and a sentence that says "X declined / rejected
# Y" agree, so these are compared between claim and sentence rather than only counted.
DENY = _lex(
    "deny denies denied denying denial declined declines decline declining reject rejects "
    "rejected rejecting refuse refuses refused refusing dismiss dismisses dismissed refute "
    "refutes refuted dispute disputes disputed contradict contradicts contradicted"
)
# Words that make a sentence assert an event (future or done) rather than talk about it.
ASSERT = _lex(
    "will shall has have had is are was were did does must going plans plan planned set begun "
    "began started completed delivered"
)
_LEXICONS = (REFUTE, NEGATION, HEDGE, REPORT, CONFIRM, DENY, ASSERT)


def _stem(word: str) -> str:
    # A crude suffix stripper: enough for overlap features, and stable (no model to ship).
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'").replace("n't", " n't"))


def content_tokens(text: str) -> list[str]:
    """Stemmed words that are not stop words (the units of the overlap features)."""
    return [_stem(t) for t in tokens(text) if t not in _STOP and len(t) > 1]


def _lex_counts(toks: Sequence[str]) -> list[int]:
    counts = [0] * len(_LEXICONS)
    for t in toks:
        if t == "n't":
            counts[1] += 1
            continue
        for i, lex in enumerate(_LEXICONS):
            if t in lex:
                counts[i] += 1
    return counts


def _char_grams(text: str, n: int = 4) -> set[str]:
    s = re.sub(r"\s+", " ", text.lower())
    return {s[i : i + n] for i in range(max(0, len(s) - n + 1))}


# --------------------------------------------------------------------------- TF-IDF


class Tfidf:
    """A fixed-vocabulary TF-IDF (unigrams + bigrams of content tokens), stored as JSON.

    Built here rather than pickled from scikit-learn so the artifact holds data, not code.
    """

    def __init__(self, vocab: dict[str, int], idf: Sequence[float]) -> None:
        import numpy as np

        self.vocab = vocab
        self.idf = np.asarray(idf, dtype=np.float32)

    @staticmethod
    def terms(text: str) -> list[str]:
        toks = content_tokens(text)
        return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]

    @classmethod
    def fit(cls, documents: Sequence[str], max_features: int = 30000, min_df: int = 2) -> Tfidf:
        from collections import Counter

        df: Counter[str] = Counter()
        for doc in documents:
            df.update(set(cls.terms(doc)))
        kept = [(t, c) for t, c in df.items() if c >= min_df]
        kept.sort(key=lambda tc: (-tc[1], tc[0]))
        kept = kept[:max_features]
        n = len(documents)
        vocab = {t: i for i, (t, _) in enumerate(kept)}
        idf = [math.log((1 + n) / (1 + c)) + 1.0 for _, c in kept]
        return cls(vocab, idf)

    def transform(self, texts: Sequence[str]) -> Any:
        """A CSR matrix of L2-normalised rows (scipy comes with scikit-learn)."""
        import numpy as np
        from scipy.sparse import csr_matrix

        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for text in texts:
            counts: dict[int, int] = {}
            for t in self.terms(text):
                j = self.vocab.get(t)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if counts:
                cols = np.fromiter(counts.keys(), dtype=np.int64)
                vals = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32))) * self.idf[
                    cols
                ]
                vals /= float(np.linalg.norm(vals)) or 1.0
                indices.extend(cols.tolist())
                data.extend(vals.tolist())
            indptr.append(len(indices))
        return csr_matrix(
            (np.asarray(data, dtype=np.float32), indices, indptr),
            shape=(len(texts), len(self.vocab)),
        )

    def to_dict(self) -> dict[str, Any]:
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        return {"terms": terms, "idf": [round(float(x), 5) for x in self.idf]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tfidf:
        return cls({t: i for i, t in enumerate(data["terms"])}, data["idf"])


# --------------------------------------------------------------------------- encodings


@dataclass(slots=True)
class ArticleEncoding:
    """Everything about one article that does not depend on the claim."""

    text: str
    spans: list[tuple[int, int]]
    emb: np.ndarray  # (n, dim) unit vectors, one per span
    centroid: np.ndarray  # (dim,) unit vector of the mean sentence
    sent_tfidf: Any  # CSR (n, vocab)
    body_tfidf: Any  # CSR (1, vocab)
    lead_tfidf: Any  # CSR (1, vocab)
    sent_tokens: list[set[str]]
    body_tokens: set[str]
    lead_tokens: set[str]
    body_bigrams: set[tuple[str, str]]
    sent_lex: np.ndarray  # (n, len(_LEXICONS)) counts
    body_lex: np.ndarray  # per-token densities over the whole body
    n_tokens: int
    # Sentence, body and lead TF-IDF rows stacked (n + 2, vocab): one product per claim.
    all_tfidf: Any = None
    grams: dict[int, set[str]] = field(default_factory=dict)  # char 4-grams, filled on demand


@dataclass(slots=True)
class ClaimEncoding:
    text: str
    emb: np.ndarray
    tfidf: Any
    tokens: list[str]
    token_set: set[str]
    bigrams: set[tuple[str, str]]
    lex: np.ndarray
    question: bool
    grams: set[str]


def _content_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans without the fragments of fewer than :data:`MIN_SENTENCE_WORDS` words."""
    spans = split_sentences(text)
    long = [
        (s, e) for s, e in spans if len(_TOKEN.findall(text[s:e].lower())) >= MIN_SENTENCE_WORDS
    ]
    return long or spans


def encode_articles(texts: Sequence[str], tfidf: Tfidf, embed: Any) -> list[ArticleEncoding]:
    """Encode articles; ``embed(list[str]) -> (n, dim) unit vectors`` is called once, batched."""
    import numpy as np
    from scipy.sparse import vstack

    all_spans = [_content_spans(t)[:MAX_SENTENCES] for t in texts]
    flat = [t[s:e][:MAX_SENTENCE_CHARS] for t, spans in zip(texts, all_spans, strict=True)
            for s, e in spans]  # fmt: skip
    vecs = embed(flat) if flat else np.zeros((0, 384), dtype=np.float32)
    dim = vecs.shape[1] if len(vecs) else 384
    sent_tfidf_all = tfidf.transform(flat) if flat else None
    out: list[ArticleEncoding] = []
    pos = 0
    for text, spans in zip(texts, all_spans, strict=True):
        n = len(spans)
        sents = flat[pos : pos + n]
        emb = vecs[pos : pos + n] if n else np.zeros((0, dim), dtype=np.float32)
        st = (
            sent_tfidf_all[pos : pos + n]
            if n and sent_tfidf_all is not None
            else tfidf.transform([])
        )
        pos += n
        centroid = emb.mean(axis=0) if n else np.zeros(dim, dtype=np.float32)
        centroid = centroid / (float(np.linalg.norm(centroid)) or 1.0)
        toks = [content_tokens(s) for s in sents]
        body_toks = [t for ts in toks for t in ts]
        lead = " ".join(sents[:2])
        raw = [tokens(s) for s in sents]
        lex = np.array([_lex_counts(r) for r in raw], dtype=np.float32).reshape(n, len(_LEXICONS))
        n_raw = sum(len(r) for r in raw)
        out.append(
            ArticleEncoding(
                text=text,
                spans=spans,
                emb=np.asarray(emb, dtype=np.float32),
                centroid=centroid.astype(np.float32),
                sent_tfidf=st,
                body_tfidf=(body_tf := tfidf.transform([" ".join(sents)])),
                lead_tfidf=(lead_tf := tfidf.transform([lead])),
                sent_tokens=[set(t) for t in toks],
                body_tokens=set(body_toks),
                lead_tokens=set(content_tokens(lead)),
                body_bigrams=set(zip(body_toks, body_toks[1:], strict=False)),
                sent_lex=lex,
                body_lex=lex.sum(axis=0) / max(1, n_raw) * 100.0,
                n_tokens=n_raw,
                all_tfidf=vstack([st, body_tf, lead_tf], format="csr"),
            )
        )
    return out


def encode_claims(texts: Sequence[str], tfidf: Tfidf, embed: Any) -> list[ClaimEncoding]:
    import numpy as np

    vecs = embed(list(texts)) if texts else np.zeros((0, 384), dtype=np.float32)
    mat = tfidf.transform(list(texts))
    out = []
    for i, text in enumerate(texts):
        toks = content_tokens(text)
        out.append(
            ClaimEncoding(
                text=text,
                emb=np.asarray(vecs[i], dtype=np.float32),
                tfidf=mat[i],
                tokens=toks,
                token_set=set(toks),
                bigrams=set(zip(toks, toks[1:], strict=False)),
                lex=np.array(_lex_counts(tokens(text)), dtype=np.float32),
                question="?" in text,
                grams=_char_grams(text),
            )
        )
    return out


# --------------------------------------------------------------------------- pair features

FEATURE_NAMES: tuple[str, ...] = (
    "emb_max", "emb_top3", "emb_mean", "emb_std", "emb_first", "emb_centroid", "emb_gt50",
    "emb_gt40", "best_pos", "tf_body", "tf_lead", "tf_sent_max", "tf_sent_top3",
    "cov_body", "cov_lead", "cov_best", "cov_top3", "jac_best", "bigram_body", "char_best",
    "claim_refute", "claim_neg", "claim_hedge", "claim_report", "claim_confirm", "claim_question",
    "body_refute", "body_neg", "body_hedge", "body_report", "body_confirm",
    "top_refute", "top_neg", "top_hedge", "top_report", "top_confirm",
    "lead_refute", "lead_neg", "lead_hedge", "lead_report", "lead_confirm",
    "best_refute", "best_neg", "neg_mismatch", "refute_mismatch",
    "claim_len", "body_sents", "body_len",
    # On the sentences that match the claim best: are they hedged / reported, or asserted, and
    # do claim and sentence share a denial (polarity agreement) or differ in it?
    "best_hedge", "best_report", "best_confirm", "best_deny", "best_assert", "best_quote",
    "claim_deny", "claim_assert", "top_deny", "top_assert", "body_deny",
    "deny_both_best", "deny_both_top", "deny_mismatch", "neg_both_best",
    "top_cued_frac", "best_plain", "best_sim", "best_tf", "sim_gap", "best_len",
    "sim_cued_max", "sim_plain_max", "sim_refute_max", "tf_cued_max", "tf_plain_max",
    "tf_refute_max", "cov_cued_max", "cov_plain_max", "speech_both_best", "speech_claim_only",
)  # fmt: skip
N_BASE = len(FEATURE_NAMES)
# The counts of the first five lexicons keep their old feature columns; the others come last.
_OLD = 5


def pair_features(
    claim: ClaimEncoding, art: ArticleEncoding, with_vectors: bool = True
) -> tuple[np.ndarray, list[int], np.ndarray]:
    """One feature row, the article's sentence indices ranked by support, and their scores.

    With ``with_vectors`` the row ends with the element-wise product of the claim embedding and
    the mean of the best sentences' embeddings, and that mean itself: the classifier learns
    which directions of agreement or of the sentences' own tone matter.
    """
    import numpy as np

    n = len(art.spans)
    dim = claim.emb.shape[0]
    f = np.zeros(N_BASE + (2 * dim if with_vectors else 0), dtype=np.float32)
    if n == 0:
        return f, [], np.zeros(0, dtype=np.float32)
    sims = art.emb @ claim.emb
    # A dense claim vector times the article's stacked rows: far cheaper than sparse x sparse.
    tf_all = art.all_tfidf @ _dense(claim)
    tfs = tf_all[:n]
    # Rank sentences by meaning first, words second: paraphrase beats shared vocabulary.
    score = sims + 0.5 * tfs
    order = np.argsort(-score, kind="stable")
    top = order[:TOP_K]
    best = int(order[0])
    sorted_sims = np.sort(sims)[::-1]
    cov = claim.token_set
    ncov = max(1, len(cov))
    top_tokens = set().union(*(art.sent_tokens[i] for i in top))
    best_tokens = art.sent_tokens[best]
    best_text = art.text[art.spans[best][0] : art.spans[best][1]]
    top_lex = art.sent_lex[top].sum(axis=0)
    lead_lex = art.sent_lex[:2].sum(axis=0)
    best_lex = art.sent_lex[best]
    lex = art.sent_lex
    cued = (lex[:, 2] + lex[:, 3]) > 0
    refuting = (lex[:, 0] + lex[:, 5]) > 0
    plain = ~cued & ~refuting & (lex[:, 1] == 0)
    cov_sent = np.array([len(cov & t) / ncov for t in art.sent_tokens], dtype=np.float32)
    claim_deny = claim.lex[5] > 0
    # A claim about what someone said (denied, reported, confirmed) is matched by a sentence
    # that attributes the same kind of statement: there the report words are not hedging.
    claim_speech = claim.lex[3] + claim.lex[4] + claim.lex[5] > 0
    best_speech = best_lex[3] + best_lex[4] + best_lex[5] > 0
    claim_neg = claim.lex[1] > 0
    claim_ref = claim.lex[0] > 0
    grams_best = art.grams.get(best)
    if grams_best is None:
        grams_best = art.grams[best] = _char_grams(best_text)
    union = len(claim.grams | grams_best) or 1
    values = [
        sorted_sims[0],
        sorted_sims[:TOP_K].mean(),
        sims.mean(),
        sims.std(),
        sims[0],
        float(art.centroid @ claim.emb),
        (sims > 0.5).mean(),
        (sims > 0.4).mean(),
        best / n,
        float(tf_all[n]),
        float(tf_all[n + 1]),
        tfs.max(),
        np.sort(tfs)[::-1][:TOP_K].mean(),
        len(cov & art.body_tokens) / ncov,
        len(cov & art.lead_tokens) / ncov,
        len(cov & best_tokens) / ncov,
        len(cov & top_tokens) / ncov,
        len(cov & best_tokens) / (len(cov | best_tokens) or 1),
        len(claim.bigrams & art.body_bigrams) / max(1, len(claim.bigrams)),
        len(claim.grams & grams_best) / union,
        *claim.lex[:_OLD].tolist(),
        float(claim.question),
        *art.body_lex[:_OLD].tolist(),
        *top_lex[:_OLD].tolist(),
        *lead_lex[:_OLD].tolist(),
        best_lex[0],
        best_lex[1],
        float(claim_neg != (best_lex[1] > 0)),
        # Denial verbs count as refuting words on both sides ("denied" vs "declined").
        float((claim_ref or claim_deny) != (top_lex[0] + top_lex[5] > 0)),
        math.log1p(len(claim.tokens)),
        math.log1p(n),
        math.log1p(art.n_tokens),
        best_lex[2],
        best_lex[3],
        best_lex[4],
        best_lex[5],
        best_lex[6],
        float(best_text.count('"') + best_text.count("“") + best_text.count("”")),
        claim.lex[5],
        claim.lex[6],
        top_lex[5],
        top_lex[6],
        art.body_lex[5],
        float(claim_deny and best_lex[5] > 0),
        float(claim_deny and top_lex[5] > 0),
        float(claim_deny != (top_lex[5] > 0)),
        float(claim_neg and best_lex[1] > 0),
        float(cued[top].mean()),
        float(plain[best]),
        sims[best],
        tfs[best],
        sorted_sims[0] - (sorted_sims[1] if n > 1 else 0.0),
        math.log1p(len(best_text.split())),
        _masked_max(sims, cued),
        _masked_max(sims, plain),
        _masked_max(sims, refuting),
        _masked_max(tfs, cued),
        _masked_max(tfs, plain),
        _masked_max(tfs, refuting),
        _masked_max(cov_sent, cued),
        _masked_max(cov_sent, plain),
        float(claim_speech and best_speech),
        float(claim_speech and not best_speech),
    ]
    f[:N_BASE] = values
    if with_vectors:
        top_mean = art.emb[top].mean(axis=0)
        f[N_BASE : N_BASE + dim] = claim.emb * art.emb[best]
        f[N_BASE + dim :] = top_mean
    return f, [int(i) for i in order], score[order]


# (claim encoding, its dense TF-IDF vector) of the last claim, as one tuple so that threads
# swapping it never see one claim's vector under another's key.
_LAST_DENSE: list[tuple[Any, Any]] = [(None, None)]


def _dense(claim: ClaimEncoding) -> np.ndarray:
    """The claim's TF-IDF row as a dense vector; the last one is kept (pairs come by claim)."""
    import numpy as np

    last = _LAST_DENSE[0]
    if last[0] is claim:
        return np.asarray(last[1])
    row = claim.tfidf
    vec = np.zeros(row.shape[1], dtype=np.float32)
    vec[row.indices] = row.data
    _LAST_DENSE[0] = (claim, vec)
    return vec


def _masked_max(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].max()) if mask.any() else -1.0


def cached(embed: Any, cache_dir: str | None) -> Any:
    """``embed`` with a disk cache keyed by each text, for re-training runs.

    Per text rather than per call, so a change in sentence splitting or filtering re-embeds
    only the sentences that are new. The store is ``cache_dir/emb-store.npz`` (digests and
    vectors); it grows by appending and is rewritten after each call that embedded something.
    """
    if not cache_dir:
        return embed
    import hashlib
    from pathlib import Path

    import numpy as np

    path = Path(cache_dir) / "emb-store.npz"
    index: dict[bytes, int] = {}
    chunks: list[np.ndarray] = []
    if path.is_file():
        with np.load(path) as z:
            keys, vecs = z["keys"], z["vecs"]
        # Raw digest bytes as a (n, 20) uint8 array: a bytes dtype would drop trailing NULs.
        index = {k.tobytes(): i for i, k in enumerate(keys)}
        if len(index) != len(vecs):
            index, vecs = {}, np.zeros((0, 384), dtype=np.float32)  # inconsistent: start over
        chunks.append(vecs)

    def key(text: str) -> bytes:
        return hashlib.sha1(text.encode("utf-8")).digest()

    def run(texts: list[str]) -> np.ndarray:
        ks = [key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in ks if k not in index))
        if missing:
            first = {k: t for k, t in zip(ks, texts, strict=True)}
            new = np.asarray(embed([first[k] for k in missing]), dtype=np.float32)
            base = sum(len(c) for c in chunks)
            for j, k in enumerate(missing):
                index[k] = base + j
            chunks.append(new)
            allv = np.vstack(chunks)
            chunks[:] = [allv]
            order = sorted(index, key=index.__getitem__)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            raw = np.frombuffer(b"".join(order), dtype=np.uint8).reshape(len(order), 20)
            np.savez(tmp, keys=raw, vecs=allv[[index[k] for k in order]])
            tmp.replace(path)
        allv = chunks[0] if len(chunks) == 1 else np.vstack(chunks)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return allv[[index[k] for k in ks]]

    return run
