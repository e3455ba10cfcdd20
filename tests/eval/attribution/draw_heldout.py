"""Draw and build the held-out attribution set (heldout.jsonl; see README.md).

    python tests/eval/attribution/draw_heldout.py --list       # the drawn document ids
    python tests/eval/attribution/draw_heldout.py --show ID    # numbered sentences of one document
    python tests/eval/attribution/draw_heldout.py              # heldout_labels.txt -> heldout.jsonl
    python tests/eval/attribution/draw_heldout.py --dev ...    # the same for the dev set
    python tests/eval/attribution/draw_heldout.py --dev2 ...   # the same for the second dev set
    python tests/eval/attribution/draw_heldout.py --dev3 ...   # the same for the third dev set
    python tests/eval/attribution/draw_heldout.py --dev4 ...   # the same for the fourth dev set

``--dev`` draws a second, disjoint set the same way (seed ``DEV_SEED``, excluding the held-out
documents too): ``dev_labels.txt`` -> ``dev.jsonl``. Rules may be developed while looking at
the dev set; never at the held-out one.

``--dev2`` draws a third set (seed ``DEV2_SEED``, 14 FNC-1 bodies and 4 ECB+ documents by the
same rule), disjoint from the gold, held-out and dev documents: ``dev2_labels.txt`` ->
``dev2.jsonl``. It was labelled by hand before the reader was run on it, then used to develop
rules.

``--dev3`` draws a fourth set (seed ``DEV3_SEED``, 14 FNC-1 bodies and 4 ECB+ documents by the
same rule), disjoint from the gold, held-out, dev and dev2 documents: ``dev3_labels.txt`` ->
``dev3.jsonl``. It too was labelled by hand before the reader was run on it.

``--dev4`` draws a fifth set (seed ``DEV4_SEED``, 14 FNC-1 bodies and 4 ECB+ documents by the
same rule), disjoint from the gold, held-out, dev, dev2 and dev3 documents: ``dev4_labels.txt``
-> ``dev4.jsonl``. It too was labelled by hand before the reader was run on it.

The 50 documents of ``gold.jsonl`` were in view while earlier claims rules were written, so
their figures are not clean. This set is drawn at random with a fixed seed from documents
*not* in ``gold.jsonl`` and was labelled by hand (``heldout_labels.txt``, same format and
guidelines as ``labels.txt``) before the reader was run on any of them.

Draw: 20 FNC-1 bodies of 150-700 words (whitespace tokens) and at least 4 sentences, and
10 ECB+ documents of any topic, none of them among the gold documents;
``random.Random(SEED).sample`` over the candidates in ascending Body ID / loader order.
"""

from __future__ import annotations

import csv
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

SEED = 20261123
DEV_SEED = 7
DEV2_SEED = 20270417
DEV3_SEED = 20270905
DEV4_SEED = 20271206
N_FNC, N_ECB = 20, 10
N_FNC_DEV2, N_ECB_DEV2 = 14, 4
MIN_WORDS, MAX_WORDS = 150, 700


def heldout_documents(
    dev: bool = False, dev2: bool = False, dev3: bool = False, dev4: bool = False
) -> list[tuple[str, str]]:
    """(doc id, text) of the held-out (or dev..dev4) documents, by the docstring's rule."""
    sys.path.insert(0, str(ROOT / "src"))
    from storyline.evaluate.ecbplus import load_ecbplus

    in_gold = {doc for doc, _ in selected_documents()}
    if dev or dev2 or dev3 or dev4:
        in_gold |= {doc for doc, _ in heldout_documents()}
    if dev2 or dev3 or dev4:
        in_gold |= {doc for doc, _ in heldout_documents(dev=True)}
    if dev3 or dev4:
        in_gold |= {doc for doc, _ in heldout_documents(dev2=True)}
    if dev4:
        in_gold |= {doc for doc, _ in heldout_documents(dev3=True)}
    seed = (
        DEV4_SEED
        if dev4
        else DEV3_SEED
        if dev3
        else DEV2_SEED
        if dev2
        else DEV_SEED
        if dev
        else SEED
    )
    rng = random.Random(seed)
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
    if dev2 or dev3 or dev4:
        return rng.sample(fnc, N_FNC_DEV2) + rng.sample(ecb, N_ECB_DEV2)
    return rng.sample(fnc, N_FNC) + rng.sample(ecb, N_ECB)


def main() -> None:
    dev = "--dev" in sys.argv
    if dev:
        sys.argv.remove("--dev")
    dev2 = "--dev2" in sys.argv
    if dev2:
        sys.argv.remove("--dev2")
    dev3 = "--dev3" in sys.argv
    if dev3:
        sys.argv.remove("--dev3")
    dev4 = "--dev4" in sys.argv
    if dev4:
        sys.argv.remove("--dev4")
    name = "dev4" if dev4 else "dev3" if dev3 else "dev2" if dev2 else "dev" if dev else "heldout"
    docs = dict(heldout_documents(dev, dev2, dev3, dev4))
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
