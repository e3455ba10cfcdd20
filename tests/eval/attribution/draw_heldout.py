"""Draw and build the held-out attribution set (heldout.jsonl; see README.md).

    python tests/eval/attribution/draw_heldout.py --list       # the drawn document ids
    python tests/eval/attribution/draw_heldout.py --show ID    # numbered sentences of one document
    python tests/eval/attribution/draw_heldout.py              # heldout_labels.txt -> heldout.jsonl
    python tests/eval/attribution/draw_heldout.py --dev ...    # the same for the dev set
    python tests/eval/attribution/draw_heldout.py --dev2 ...   # the same for the second dev set
    python tests/eval/attribution/draw_heldout.py --dev3 ...   # the same for the third dev set
    python tests/eval/attribution/draw_heldout.py --dev4 ...   # the same for the fourth dev set

``--dev`` draws a second, disjoint set the same way (seed ``SETS['dev']``, excluding the held-out
documents too): ``dev_labels.txt`` -> ``dev.jsonl``. Rules may be developed while looking at
the dev set; never at the held-out one.

``--dev2`` draws a third set (seed ``SETS['dev2']``, 14 FNC-1 bodies and 4 ECB+ documents by the
same rule), disjoint from the gold, held-out and dev documents: ``dev2_labels.txt`` ->
``dev2.jsonl``. It was labelled by hand before the reader was run on it, then used to develop
rules.

``--dev3`` draws a fourth set (seed ``SETS['dev3']``, 14 FNC-1 bodies and 4 ECB+ documents by the
same rule), disjoint from the gold, held-out, dev and dev2 documents: ``dev3_labels.txt`` ->
``dev3.jsonl``. It too was labelled by hand before the reader was run on it.

``--dev4`` draws a fifth set (seed ``SETS['dev4']``, 14 FNC-1 bodies and 4 ECB+ documents by the
same rule), disjoint from the gold, held-out, dev, dev2 and dev3 documents: ``dev4_labels.txt``
-> ``dev4.jsonl``. It too was labelled by hand before the reader was run on it.

The 50 documents of ``gold.jsonl`` were in view while earlier claims rules were written, so
their figures are not clean. This set is drawn at random with a fixed seed from documents
*not* in ``gold.jsonl`` and was labelled by hand (``heldout_labels.txt``, same format and
guidelines as ``labels.txt``) before the reader was run on any of them.

Draw: 20 FNC-1 bodies of 150-700 words (whitespace tokens) and at least 4 sentences, and
10 ECB+ documents of any topic, none of them among the gold documents;
``random.Random(SETS['heldout']).sample`` over the candidates in ascending Body ID / loader order.
"""

from __future__ import annotations

import csv
import functools
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_gold import (  # noqa: E402
    ECB_DIR,
    FNC_BODIES,
    ROOT,
    build_claim,
    parse_labels,
    selected_documents,
    split_sentences,
)

# The sets in the order they were drawn, with their seeds: each is disjoint from the gold
# documents and from every set before it. The first two are 20 FNC-1 + 10 ECB+ documents, the
# later ones 14 + 4.
SETS = {
    "heldout": 20261123,
    "dev": 7,
    "dev2": 20270417,
    "dev3": 20270905,
    "dev4": 20271206,
}
N_FNC, N_ECB = 20, 10
N_FNC_DEV2, N_ECB_DEV2 = 14, 4
MIN_WORDS, MAX_WORDS = 150, 700


@functools.cache
def drawn(name: str = "heldout") -> tuple[tuple[str, str], ...]:
    """(doc id, text) of the documents of set ``name`` (a key of :data:`SETS`)."""
    sys.path.insert(0, str(ROOT / "src"))
    from storyline.evaluate.ecbplus import load_ecbplus

    order = list(SETS)
    in_gold = {doc for doc, _ in selected_documents()}
    for earlier in order[: order.index(name)]:
        in_gold |= {doc for doc, _ in drawn(earlier)}
    rng = random.Random(SETS[name])
    with FNC_BODIES.open(encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: int(r["Body ID"]))
    fnc = [
        (f"fnc1:{r['Body ID']}", r["articleBody"])
        for r in rows
        if f"fnc1:{r['Body ID']}" not in in_gold
        and MIN_WORDS <= len(r["articleBody"].split()) <= MAX_WORDS
        and len(split_sentences(r["articleBody"])) >= 4
    ]
    ecb = [
        (f"ecbplus:{d.doc_id}.xml", d.text)
        for d in load_ecbplus(ECB_DIR)
        if f"ecbplus:{d.doc_id}.xml" not in in_gold
    ]
    n_fnc, n_ecb = (N_FNC, N_ECB) if order.index(name) < 2 else (N_FNC_DEV2, N_ECB_DEV2)
    return tuple(rng.sample(fnc, n_fnc) + rng.sample(ecb, n_ecb))


def main() -> None:
    flags = [a for a in sys.argv[1:] if a.lstrip("-") in SETS and a.startswith("--")]
    for flag in flags:
        sys.argv.remove(flag)
    # The latest set named wins, as the flags did before.
    name = max((f.lstrip("-") for f in flags), key=list(SETS).index, default="heldout")
    docs = dict(drawn(name))
    if len(sys.argv) > 2 and sys.argv[1] == "--show":
        for doc in sys.argv[2:]:
            text = docs[doc]
            print(f"=== {doc}")
            for i, (a, b) in enumerate(split_sentences(text), 1):
                print(f"{i}| {text[a:b]}")
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--list":
        print("\n".join(docs))
        return
    labels = parse_labels(HERE / f"{name}_labels.txt")
    lines = []
    for doc, entries in labels.items():
        text = docs[doc]
        spans = split_sentences(text)
        seen: set[int] = set()
        claims = []
        for key, fields in entries:
            lo, _, hi = key.partition("-")
            idx = list(range(int(lo), int(hi or lo) + 1))
            seen.update(idx)
            if fields == ["-"]:
                continue
            claim = build_claim(doc, text, (spans[idx[0] - 1][0], spans[idx[-1] - 1][1]), fields)
            assert text[claim["start"] : claim["end"]] == claim["sentence"]
            claims.append(claim)
        missing = set(range(1, len(spans) + 1)) - seen
        if missing:
            print(f"warning: {doc}: sentences not labelled: {sorted(missing)}", file=sys.stderr)
        claims.sort(key=lambda c: c["start"])
        lines.append(json.dumps({"doc": doc, "text": text, "claims": claims}, ensure_ascii=False))
    (HERE / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} documents, {sum(len(json.loads(x)['claims']) for x in lines)} claims")


if __name__ == "__main__":
    main()
