"""ECB+ documents as plain text, for evaluating story clustering and the reading stage.

ECB+ (Cybulska & Vossen, LREC 2014) ships each news article as tokenised XML
(``<token t_id=.. sentence=.. number=..>word</token>``) and no raw text, so the text here is
reconstructed: tokens joined by spaces, then detokenised (no space before closing punctuation
or clitics, hyphenated compounds rejoined, quotes attached to the words they enclose).
Sentences are separated by a newline, which keeps headlines apart from the first sentence.

Each topic ``N`` holds two real-world events of the same kind: files ``N_Mecb.xml`` tell one,
``N_Mecbplus.xml`` the other. Sentence 0 of an ``ecbplus`` file is the source URL, not text,
and is dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

__all__ = ["EcbDoc", "EcbError", "detokenise", "load_ecbplus", "parse_ecbplus_file"]


class EcbError(ValueError):
    """An ECB+ directory or file that cannot be read; the message names it and says why."""


@dataclass(frozen=True, slots=True)
class EcbDoc:
    """One ECB+ article: its topic, which of the topic's two events (subtopic), id and text.

    ``doc_id`` is the file name without ``.xml`` (``"1_10ecbplus"``); ``(topic, subtopic)``
    identifies the story. ``sentences`` are ``(start, end)`` character offsets of ECB+'s own
    sentences in ``text``.
    """

    topic: int
    subtopic: str  # "ecb" | "ecbplus"
    doc_id: str
    text: str
    sentences: tuple[tuple[int, int], ...] = ()

    @property
    def story(self) -> str:
        return f"{self.topic}_{self.subtopic}"


_FILE = re.compile(r"^(\d+)_(\d+)(ecb|ecbplus)\.xml$")

# Tokens that attach to the word before them (no space before).
_NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", "%", ")", "]", "}", "...", "'", "’", "”"}
_CLITICS = {"'s", "'re", "'m", "'ve", "'d", "'ll", "n't", "’s", "’re", "’m", "’ve", "’d", "’ll"}
_CLITIC_TAILS = {"s", "re", "m", "ve", "d", "ll", "t"}
# Tokens that attach to the word after them (no space after).
_NO_SPACE_AFTER = {"(", "[", "{", "$", "“", "‘", "#"}
# Intra-word joiners: "15 - year - old" is "15-year-old"; "and / or" is "and/or".
_JOINERS = {"-", "/"}


def detokenise(tokens: list[str]) -> str:
    """Join ECB+ tokens into readable text.

    Straight double quotes are ambiguous between opening and closing; the parity of the
    quotes already written decides (even: opening). PTB-style ``\\`\\``` / ``''`` become ``"``.
    """
    out: list[str] = []
    text_len_quotes = 0  # number of '"' characters written so far
    glue_next = False
    for i, raw in enumerate(tokens):
        tok = '"' if raw in ("``", "''") else raw
        if not tok:
            continue
        prev = out[-1] if out else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        space = bool(out) and not glue_next
        glue_next = False
        if tok == '"':
            if text_len_quotes % 2 == 0:  # opening quote
                glue_next = True
            else:
                space = False
        elif prev[-1:] in ("'", "’") and tok.lower() in _CLITIC_TAILS:
            space = False  # "Lohan’ s": split after the apostrophe
        elif tok == ":" and prev[-1:].isdigit() and nxt[:2].isdigit():
            space = False  # clock times: "4 : 59"
            glue_next = True
        elif tok in _NO_SPACE_BEFORE or tok.lower() in _CLITICS:
            space = False
        elif tok in _NO_SPACE_AFTER:
            glue_next = True
        elif tok in _JOINERS and prev[-1:].isalnum() and nxt[:1].isalnum():
            space = False
            glue_next = True
        if space:
            out.append(" ")
        out.append(tok)
        text_len_quotes += tok.count('"')
    return "".join(out)


def parse_ecbplus_file(path: str | Path) -> EcbDoc:
    """Read one ECB+ XML file into an :class:`EcbDoc`."""
    path = Path(path)
    m = _FILE.match(path.name)
    if not m:
        raise EcbError(f"{path}: not an ECB+ document name (expected N_Mecb.xml or N_Mecbplus.xml)")
    topic, subtopic = int(m.group(1)), m.group(3)
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise EcbError(f"{path}: cannot parse ECB+ XML ({exc})") from None
    by_sentence: dict[int, list[tuple[int, str]]] = {}
    for tok in root.iter("token"):
        try:
            sent = int(tok.get("sentence", ""))
            number = int(tok.get("number", ""))
        except ValueError:
            raise EcbError(f"{path}: token without sentence/number attributes") from None
        by_sentence.setdefault(sent, []).append((number, tok.text or ""))
    if subtopic == "ecbplus":
        # Sentence 0 of ecbplus files is the URL the article was taken from.
        by_sentence.pop(0, None)
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for sent in sorted(by_sentence):
        words = [w for _, w in sorted(by_sentence[sent])]
        sentence = detokenise(words).strip()
        if not sentence:
            continue
        if parts:
            parts.append("\n")
            pos += 1
        spans.append((pos, pos + len(sentence)))
        parts.append(sentence)
        pos += len(sentence)
    text = "".join(parts)
    if not text:
        raise EcbError(f"{path}: no tokens")
    return EcbDoc(topic, subtopic, path.name[: -len(".xml")], text, tuple(spans))


def _sort_key(path: Path) -> tuple[int, int, str]:
    m = _FILE.match(path.name)
    assert m is not None
    return int(m.group(1)), int(m.group(2)), m.group(3)


def load_ecbplus(directory: str | Path, topics: set[int] | None = None) -> list[EcbDoc]:
    """All ECB+ documents under ``directory`` (topic folders or a flat folder), in a stable order.

    Ordered by (topic, document number, subtopic). ``topics`` restricts to those topics.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise EcbError(f"{directory}: ECB+ directory not found")
    files = [p for p in directory.rglob("*.xml") if _FILE.match(p.name)]
    if topics is not None:
        files = [p for p in files if _sort_key(p)[0] in topics]
    if not files and topics is None:
        raise EcbError(f"{directory}: no ECB+ documents (N_Mecb.xml / N_Mecbplus.xml) found")
    return [parse_ecbplus_file(p) for p in sorted(files, key=_sort_key)]
