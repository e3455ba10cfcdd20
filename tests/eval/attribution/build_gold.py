"""Build gold.jsonl from the hand-written labels in labels.txt (see README.md).

    python tests/eval/attribution/build_gold.py            # writes gold.jsonl
    python tests/eval/attribution/build_gold.py --show ID  # numbered sentences of one document

The labeller writes one line per sentence; this script only turns those labels into exact
character offsets and checks ``text[start:end] == sentence`` for every claim.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
DATA = Path(ROOT.parent / "shared" / "data")
FNC_BODIES = DATA / "fnc1" / "train_bodies.csv"
ECB_DIR = DATA / "ecbplus" / "docs"

N_FNC, N_ECB_TOPICS = 30, range(1, 11)
KINDS = {
    "p": "person",
    "o": "organisation",
    "a": "anonymous",
    "m": "media",
    "d": "document",
    "art": "article",
}
CERTAINTY = {"as": "asserted", "r": "reported", "h": "hedged", "s": "speculative"}
POLARITY = {"a": "affirmed", "d": "denied"}

_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|St|Jr|Sr|Inc|Corp|Co|Ltd|No|vs"
    r"|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|Calif|Fla|Ariz|Mass|Conn|Ill|Pa|Wash|a\.m|p\.m)"
    r"|\b[A-Z](?:\.[A-Z])*)\.$"
)
_BOUNDARY = re.compile(r"[.!?]+[\"”’')]*\s+(?=[\"“‘(]?[A-Z0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Deterministic sentence spans: lines first, then punctuation followed by a capital."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        chunk = line.group()
        pos = 0
        for m in _BOUNDARY.finditer(chunk):
            head = chunk[pos : m.start() + len(m.group().rstrip())]
            if (
                _ABBREV.search(chunk[pos : m.start() + 1])
                and chunk[m.start() + 1 :].lstrip()[:1] not in '"“'
            ):
                continue
            spans.append((start + pos, start + pos + len(head)))
            pos = m.end()
        spans.append((start + pos, start + len(chunk.rstrip())))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def selected_documents() -> list[tuple[str, str]]:
    """(doc id, text) of the 50 gold documents, by the selection rule in README.md."""
    sys.path.insert(0, str(ROOT / "src"))
    from storyline.evaluate.ecbplus import load_ecbplus

    with FNC_BODIES.open(encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: int(r["Body ID"]))
    docs: list[tuple[str, str]] = []
    for row in rows:
        text = row["articleBody"]
        if len(text) <= 4000 and len(split_sentences(text)) >= 4:
            docs.append((f"fnc1:{row['Body ID']}", text))
        if len(docs) == N_FNC:
            break
    ecb = load_ecbplus(ECB_DIR, topics=set(N_ECB_TOPICS))
    for topic in N_ECB_TOPICS:
        for sub in ("ecb", "ecbplus"):
            first = next(d for d in ecb if d.topic == topic and d.subtopic == sub)
            docs.append((f"ecbplus:{first.doc_id}.xml", first.text))
    return docs


def parse_labels(path: Path) -> dict[str, list[tuple[str, list[str]]]]:
    out: dict[str, list[tuple[str, list[str]]]] = {}
    doc = None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("==="):
            doc = line[3:].strip()
            out[doc] = []
            continue
        if doc is None:
            raise SystemExit(f"labels.txt:{n}: label before any '=== doc' line")
        key, _, rest = line.partition(":") if not line.startswith('"') else _quoted(line)
        out[doc].append((key.strip(), [f.strip() for f in rest.split(";")]))
    return out


def _quoted(line: str) -> tuple[str, str, str]:
    end = line.index('"', 1)
    return line[: end + 1], ":", line[end + 1 :].lstrip().removeprefix(":")


def build_claim(doc: str, text: str, span: tuple[int, int], fields: list[str]) -> dict:
    fields = fields + [""] * (6 - len(fields))
    kind = KINDS[fields[0]]
    speaker, mention = (fields[1].split("/", 1) + [""])[:2] if fields[1] else ("", "")
    if (kind == "article") != (not speaker):
        raise SystemExit(f"{doc}: speaker {speaker!r} does not fit kind {kind}: {fields}")
    default_cert = "as" if kind == "article" else "r"
    claim = {
        "start": span[0],
        "end": span[1],
        "sentence": text[span[0] : span[1]],
        "speaker": speaker or None,
        "speaker_kind": kind,
        "verb": fields[2] or None,
        "cited_outlets": [o.strip() for o in fields[3].split(",") if o.strip()],
        "certainty": CERTAINTY[fields[4] or default_cert],
        "polarity": POLARITY[fields[5] or "a"],
    }
    if mention:
        claim["speaker_mention"] = mention
    for name in [speaker, mention, *claim["cited_outlets"]]:
        if name and name.lower() not in text.lower():
            raise SystemExit(f"{doc}: {name!r} does not occur in the text")
    return claim


def main() -> None:
    docs = dict(selected_documents())
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
    labels = parse_labels(HERE / "labels.txt")
    lines = []
    for doc, entries in labels.items():
        text = docs[doc]
        spans = split_sentences(text)
        seen: set[int] = set()
        claims = []
        for key, fields in entries:
            if key.startswith('"'):
                sent = key[1:-1]
                start = text.find(sent)
                if start < 0:
                    raise SystemExit(f"{doc}: sentence not in text: {sent!r}")
                span = (start, start + len(sent))
            else:
                lo, _, hi = key.partition("-")
                idx = list(range(int(lo), int(hi or lo) + 1))
                seen.update(idx)
                span = (spans[idx[0] - 1][0], spans[idx[-1] - 1][1])
            if fields == ["-"]:
                continue
            claim = build_claim(doc, text, span, fields)
            assert text[claim["start"] : claim["end"]] == claim["sentence"]
            claims.append(claim)
        missing = set(range(1, len(spans) + 1)) - seen
        if missing and not any(k.startswith('"') for k, _ in entries):
            print(f"warning: {doc}: sentences not labelled: {sorted(missing)}", file=sys.stderr)
        claims.sort(key=lambda c: c["start"])
        lines.append(json.dumps({"doc": doc, "text": text, "claims": claims}, ensure_ascii=False))
    (HERE / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} documents, {sum(len(json.loads(x)['claims']) for x in lines)} claims")


if __name__ == "__main__":
    main()
