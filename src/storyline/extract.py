"""From raw bytes or markup to one clean :class:`~storyline.model.Article`.

HTML goes through trafilatura (main text, title, author, date, site name), with htmldate as
the date fallback. Plain text copied from web pages keeps page furniture that is not article
prose; :func:`clean_text` strips it with generic, conservative rules and records every removal
in ``meta["removed"]`` so nothing disappears silently. The rules only remove what a pattern
identifies with confidence (captions, "Also read:" lines, outlet blurbs, source lists, split
drop-caps, a leading title/date, a duplicated lead); anything doubtful stays as prose.

Heavy libraries (trafilatura, htmldate, py3langid) are imported inside the functions that use
them so importing this module stays cheap.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from storyline.model import Article

__all__ = [
    "ExtractError",
    "Extracted",
    "article_from_html",
    "article_from_text",
    "clean_text",
    "decode_bytes",
    "detect_language",
    "html_fragment_text",
    "looks_like_html",
    "parse_date",
    "split_front_matter",
    "url_outlet",
]


class ExtractError(ValueError):
    """The input holds no usable article; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class Extracted:
    """Clean text plus what the cleaning found: metadata and the removed furniture."""

    text: str
    title: str | None = None
    published: str | None = None
    removed: tuple[str, ...] = ()
    sources_line: tuple[str, ...] = ()


# --------------------------------------------------------------------------- bytes to text

_MAGIC = {
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive (or docx/xlsx)",
    b"\x1f\x8b": "gzip archive",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\x7fELF": "executable",
    b"SQLite format 3": "SQLite database",
}


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    # Mixed files (UTF-8 with stray cp1252 bytes pasted in) are common in scraped news: decode
    # each invalid byte on its own as cp1252 (latin-1 for the 5 bytes cp1252 leaves undefined).
    assert isinstance(exc, UnicodeDecodeError)
    bad = exc.object[exc.start : exc.end]
    out = []
    for b in bad:
        byte = bytes([b])
        try:
            out.append(byte.decode("cp1252"))
        except UnicodeDecodeError:
            out.append(byte.decode("latin-1"))
    return "".join(out), exc.end


codecs.register_error("storyline-cp1252", _cp1252_fallback)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text of unknown encoding; return ``(text, encoding)``.

    UTF-8 (with or without BOM) and UTF-16 with BOM are decoded as such; anything else is read
    as UTF-8 with each invalid byte taken as cp1252, which handles latin-1, cp1252 and mixed
    files. Binary data raises :class:`ExtractError`.
    """
    if not data.strip():
        raise ExtractError("empty file")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise ExtractError(f"binary file ({what}), not text or HTML")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    head = data[:8192]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > len(head) * 0.05:
        raise ExtractError("binary file (control bytes), not text or HTML")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="storyline-cp1252")
    return text, "utf-8+cp1252"


_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|\?xml)", re.I | re.S
)
_HTML_TAGS = re.compile(rb"<(p|div|article|body|br|h1|h2|span|a)[\s>/]", re.I)


def looks_like_html(data: bytes | str) -> bool:
    """HTML by its start, or by several block tags near the top of the content."""
    head = data[:4096] if isinstance(data, bytes) else data[:4096].encode("utf-8", "replace")
    return bool(_HTML_START.match(head)) or len(_HTML_TAGS.findall(head)) >= 3


# --------------------------------------------------------------------------- front matter

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (``---`` ... ``---``) at the top of a text file, and the rest."""
    m = _FRONT.match(text)
    if not m:
        return {}, text
    import yaml

    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0]
        raise ExtractError(f"front matter is not valid YAML: {first}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ExtractError("front matter is not a mapping of key: value")
    return {str(k).lower(): v for k, v in data.items()}, text[m.end() :]


# --------------------------------------------------------------------------- dates

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = r"(?:\s*(?:,|at|-|\|)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,5})?)?"
_PREFIX = r"(?:(?:published|updated|posted|first published|last updated|date)\s*(?:on)?\s*:?\s*)?"
_DATE_PATTERNS = [
    # November 3, 2023 / Nov. 3 2023
    re.compile(
        rf"^{_PREFIX}{_WEEKDAY}(?P<m>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
        rf"(?P<y>\d{{4}}){_TIME}$",
        re.I,
    ),
    # 3 November 2023
    re.compile(
        rf"^{_PREFIX}{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH_RE})\.?,?\s+"
        rf"(?P<y>\d{{4}}){_TIME}$",
        re.I,
    ),
    # 2023-11-03 (optionally with a time)
    re.compile(
        rf"^{_PREFIX}(?P<y>\d{{4}})-(?P<mn>\d{{2}})-(?P<d>\d{{2}})(?:[T ][\d:.+\-Z]*)?$", re.I
    ),
]


def parse_date(value: str) -> str | None:
    """An ISO date for a line that is only a date ("November 3, 2023", "2023-11-03"...)."""
    value = value.strip().strip("|·-–— ")
    for pattern in _DATE_PATTERNS:
        m = pattern.match(value)
        if not m:
            continue
        month = int(m.group("mn")) if "mn" in m.groupdict() else _MONTHS[m.group("m").lower()]
        try:
            return date(int(m.group("y")), month, int(m.group("d"))).isoformat()
        except ValueError:
            return None
    return None


def _iso_date(value: Any) -> str | None:
    """Normalise a date-ish metadata value (str, date, datetime) to an ISO string."""
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    text = str(value).strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return text
    return parse_date(text) or None


# --------------------------------------------------------------------------- text cleaning

_PHOTO_CREDIT = re.compile(
    # "(Photo: X)" anywhere at the end, or "Photo by X." / "Image: X" as its own sentence
    # naming a capitalised credit; "the photo by the river" is prose, not a credit.
    r"(?:\(\s*(?:[Pp]hoto|[Ii]mage|[Pp]icture|[Cc]redit|[Ff]oto)s?\s*(?:by|:|credit:?)"
    r"[^()]{1,120}\)"
    r"|(?:(?<=[.!?”\"’)])\s+|^)(?:Photo|Image|Picture)s?(?:\s+by|\s*:|\s+credit:?)\s+"
    r"[A-Z@][^.!?]{0,80}\.?)\s*$"
)
_CAPTION_START = re.compile(
    r"^(?:\(?\s*(?:photo|image|picture|file photo)s?\s*(?:by|:)|credit:)", re.I
)
_READ_MORE = re.compile(
    r"^(?:also read|read also|read more|more from|related|see also|recommended|"
    r"you may also like|also see|must read|don't miss|related articles?|related stories)"
    r"\s*(?:[:|»>–—-]|\.\.\.)",
    re.I,
)
_SOURCES = re.compile(r"^sources?\s*:\s*(?P<list>.+?)\s*\.?$", re.I)
_BLURB = re.compile(
    r"^(?P<name>[A-Z][\w&.'’-]*(?:\s+[A-Z&][\w&.'’-]*){0,5})\s+(?:is|was)\s+"
    r"(?:dedicated to|committed to|an? (?:independent|leading|non-?profit|digital|online|"
    r"global|international|award-winning)|the (?:leading|largest|premier))",
)
_BLURB_TOPIC = re.compile(
    r"publish|journalis|news|media|analys|reporting|coverage|magazine|editorial|outlet", re.I
)
_SENTENCE_END = re.compile(r"[.!?…]['\"”’)]*$")
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    # "U.S." and "US" must compare equal when looking for a repeated lead.
    return _WORD.findall(text.lower().replace(".", ""))


def _paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paras = [p.strip() for p in re.split(r"\n\s*\n", text)]
    out: list[str] = []
    for p in paras:
        if not p:
            continue
        lines = [ln.strip() for ln in p.split("\n") if ln.strip()]
        out.extend([" ".join(lines)] if _hard_wrapped(lines) else lines)
    return out


def _hard_wrapped(lines: list[str]) -> bool:
    """Prose wrapped at a fixed width (e-mail, terminals): one paragraph, not many.

    Otherwise a single line break separates paragraphs (a caption under a standfirst).
    """
    if len(lines) < 2:
        return False
    body = lines[:-1]
    if not all(40 <= len(ln) <= 100 for ln in body):
        return False
    open_ended = sum(1 for ln in body if not _SENTENCE_END.search(ln))
    return open_ended * 2 >= len(body)


def _is_headline(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 25 and len(line) <= 200 and not line.rstrip().endswith((".", ","))


@dataclass
class _Cleaner:
    paras: list[str]
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    removed: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def drop(self, index: int, why: str) -> None:
        self.removed.append(f"{why}: {self.paras[index]}")
        del self.paras[index]


def clean_text(
    text: str, *, outlet: str | None = None, title: str | None = None, detect_header: bool = True
) -> Extracted:
    """Strip page furniture from article text; see the module docstring for the rules.

    ``outlet`` and ``title`` are what other metadata already says: a leading line equal to
    them is a header, not prose. With ``detect_header`` a leading headline-like line becomes
    the title and a date-only line near the top becomes ``published``.
    """
    c = _Cleaner(_paragraphs(text), outlet=outlet)
    _join_drop_caps(c)
    _strip_header(c, known_title=title, detect=detect_header)
    _strip_lines(c)
    _strip_repeated(c)
    _strip_tail(c)
    return Extracted(
        text="\n\n".join(c.paras),
        title=c.title,
        published=c.published,
        removed=tuple(c.removed),
        sources_line=tuple(c.sources),
    )


def _join_drop_caps(c: _Cleaner) -> None:
    # A drop cap pasted from a page: "I" alone, then "n a recent development...".
    i = 0
    while i < len(c.paras) - 1:
        cur, nxt = c.paras[i], c.paras[i + 1]
        if len(cur) == 1 and cur.isupper() and cur.isalpha() and nxt[:1].islower():
            # "A" and "I" are words too: "A" + "nun said" keeps a space when "nun" is a word
            # used elsewhere in the text; "I" + "n a recent" ("n" is no word) joins tight.
            fragment = nxt.split(maxsplit=1)[0].strip(".,;:!?\"'’”")
            is_word = cur in "AI" and re.search(
                rf"(?<![\w-]){re.escape(fragment)}(?![\w-])", " ".join(c.paras[i + 2 :])
            )
            joined = f"{cur} {nxt}" if is_word else cur + nxt
            c.removed.append(f"split drop cap joined: {cur} + {nxt[:20]}")
            c.paras[i : i + 2] = [joined]
        i += 1


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b) and _words(a or "") == _words(b or "")


def _strip_header(c: _Cleaner, *, known_title: str | None, detect: bool) -> None:
    # Only the first few lines can be header: outlet name, title, date (in any order).
    for _ in range(4):
        if not c.paras:
            return
        first = c.paras[0]
        if _same(first, c.outlet):
            c.drop(0, "outlet line")
            continue
        if _same(first, known_title) or _same(first, c.title):
            c.title = c.title or first
            c.drop(0, "title line")
            continue
        day = parse_date(first) if len(first) <= 60 else None
        if day and (detect or c.published is None):
            c.published = c.published or day
            c.drop(0, "date line")
            continue
        if detect and c.title is None and len(c.paras) > 2:
            nxt = c.paras[1]
            dated = len(nxt) <= 60 and parse_date(nxt) is not None
            # With a title given elsewhere (manifest) only headline + date line is a header.
            followed = dated or (known_title is None and len(nxt) > len(first))
            if _is_headline(first) and len(first.split()) >= 3 and followed:
                c.title = None if known_title else first
                c.drop(0, "title line")
                if known_title:
                    break
                continue
            if known_title is not None:
                break
            # A masthead or section label ("The Daily Planet") above a headline.
            if (
                len(first.split()) <= 4
                and first.istitle()
                and _is_headline(nxt)
                and len(nxt.split()) >= 3
                and len(c.paras[2]) > len(nxt)
                and not _SENTENCE_END.search(first)
            ):
                c.drop(0, "masthead line")
                continue
        break
    # A date line can also sit right after a byline or standfirst; look a little further.
    for i in range(min(3, len(c.paras))):
        day = parse_date(c.paras[i]) if len(c.paras[i]) <= 60 else None
        if day:
            c.published = c.published or day
            c.drop(i, "date line")
            break


def _strip_lines(c: _Cleaner) -> None:
    i = 0
    while i < len(c.paras):
        p = c.paras[i]
        words = len(p.split())
        if _READ_MORE.match(p) and words <= 40:
            c.drop(i, "read-more link")
            continue
        m = _SOURCES.match(p)
        if m and words <= 30 and not _SENTENCE_END.search(m.group("list").rstrip(".")):
            c.sources.extend(_split_list(m.group("list")))
            c.drop(i, "sources line")
            continue
        if _CAPTION_START.match(p) and words <= 40:
            c.drop(i, "photo caption")
            continue
        credit = _PHOTO_CREDIT.search(p)
        if credit:
            body = p[: credit.start()].strip()
            # A short paragraph ending in a credit is a caption; a long one keeps its prose.
            if len(_sentences(body)) <= 2 and len(body.split()) <= 60:
                c.drop(i, "photo caption")
                continue
            c.removed.append(f"photo credit: {credit.group(0).strip()}")
            c.paras[i] = body
        i += 1


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text) if s.strip()]


def _split_list(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text.strip().rstrip("."))
    return [p.strip() for p in parts if p.strip()]


def _strip_repeated(c: _Cleaner) -> None:
    # A standfirst or caption that repeats a later paragraph: the later one has the content.
    i = 0
    limit = 6
    bags: dict[str, set[str]] = {}

    def bag_of(para: str) -> set[str]:
        if para not in bags:
            bags[para] = set(_words(para))
        return bags[para]

    while i < min(limit, len(c.paras)):
        words = _words(c.paras[i])
        if len(words) >= 6:
            bag = set(words)
            # A caption (no closing punctuation) may repeat a sentence anywhere below it.
            reach = len(c.paras) if not _SENTENCE_END.search(c.paras[i]) else i + limit
            for j in range(i + 1, min(reach, len(c.paras))):
                later = bag_of(c.paras[j])
                if len(later) >= len(bag) and len(bag & later) >= 0.9 * len(bag):
                    c.drop(i, "repeated lead")
                    break
            else:
                i += 1
        else:
            i += 1


def _strip_tail(c: _Cleaner) -> None:
    # An outlet's description of itself sits in the last paragraphs, after the article.
    for _ in range(2):
        if not c.paras:
            return
        last = c.paras[-1]
        m = _BLURB.match(last)
        if not m:
            break
        named_outlet = c.outlet and _same(m.group("name"), c.outlet)
        if named_outlet or _BLURB_TOPIC.search(last):
            c.drop(len(c.paras) - 1, "outlet blurb")
        else:
            break


# --------------------------------------------------------------------------- HTML


def html_fragment_text(fragment: str) -> str:
    """Plain text of a small HTML fragment (a feed summary), paragraphs kept apart."""
    import lxml.html

    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on junk; any of them means "no markup"
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "blockquote"):
        el.tail = "\n\n" + (el.tail or "")
    text = root.text_content()
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()


def _html_extract(html: str, url: str | None) -> tuple[str, dict[str, Any]]:
    import trafilatura

    def run(fast: bool) -> Any:
        return trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            deduplicate=False,
            fast=fast,
        )

    # Fast mode skips trafilatura's comparison with its backup extractors (a third of the
    # time); pages where it finds little text get the full treatment.
    doc = run(fast=True)
    if doc is None or len((doc.text or "").split()) < _FULL_MODE_BELOW_WORDS:
        doc = run(fast=False) or doc
    meta: dict[str, Any] = {}
    text = ""
    if doc is not None:
        text = doc.text or ""
        meta = {
            "title": doc.title,
            "author": doc.author,
            "published": doc.date,
            "outlet": doc.sitename,
            "url": doc.url,
            "language": doc.language,
        }
    if not text.strip():
        # Very short or broken pages: trafilatura's baseline takes any paragraph text.
        from trafilatura import baseline

        _tree, text, _len = baseline(html)
        # The baseline takes any text at all; a few words of navigation are no article.
        if len(text.split()) < 20:
            text = ""
    return text, meta


def article_from_html(
    html: str,
    *,
    source: str,
    url: str | None = None,
    defaults: dict[str, Any] | None = None,
    max_bytes: int | None = None,
) -> Article:
    """Extract an article from an HTML page; ``defaults`` (manifest, feed) win over the page."""
    if max_bytes is not None and len(html) > max_bytes:
        raise ExtractError(_too_big(len(html), max_bytes))
    text, meta = _html_extract(html, url)
    if len(text.split()) < _MIN_HTML_WORDS:
        # A page whose main text is a menu item or two ("Home") holds no article.
        raise ExtractError(f"no article text found in the HTML page ({len(text.split())} words)")
    date_source = "metadata" if meta.get("published") else None
    if not meta.get("published"):
        try:
            from htmldate import find_date

            found = find_date(html, url=url, original_date=True, extensive_search=False)
        except Exception:  # htmldate can fail on odd markup; a missing date is not fatal
            found = None
        if found:
            meta["published"], date_source = found, "htmldate"
    defaults = dict(defaults or {})
    title = defaults.get("title") or meta.get("title")
    outlet = defaults.get("outlet") or meta.get("outlet")
    cleaned = clean_text(text, outlet=outlet, title=title, detect_header=False)
    return _build(
        cleaned,
        source=source,
        url=defaults.get("url") or url or meta.get("url"),
        title=title,
        outlet=outlet,
        author=defaults.get("author") or meta.get("author"),
        published=meta.get("published"),
        date_source=date_source,
        defaults=defaults,
        extractor="trafilatura",
    )


_MIN_HTML_WORDS = 8
_FULL_MODE_BELOW_WORDS = 100


def _too_big(size: int, limit: int) -> str:
    return f"HTML page is {size / 1e6:.1f} MB, over max_html_bytes ({limit / 1e6:.1f} MB); refused"


def article_from_text(
    text: str, *, source: str, url: str | None = None, defaults: dict[str, Any] | None = None
) -> Article:
    """An article from plain text (front matter and ``defaults`` give metadata)."""
    front, body = split_front_matter(text)
    if "date" in front and "published" not in front:
        front["published"] = front.pop("date")
    if front.get("published"):
        front["date_source"] = "front-matter"
    given = {k: v for k, v in (defaults or {}).items() if v not in (None, "")}
    if given.get("published"):
        given.setdefault("date_source", "manifest")
    fields = {**front, **given}
    cleaned = clean_text(body, outlet=fields.get("outlet"), title=fields.get("title"))
    return _build(
        cleaned,
        source=source,
        url=fields.get("url") or url,
        title=fields.get("title"),
        outlet=fields.get("outlet"),
        author=fields.get("author"),
        published=None,
        date_source=None,
        defaults=fields,
        extractor="text",
    )


def _build(
    cleaned: Extracted,
    *,
    source: str,
    url: str | None,
    title: str | None,
    outlet: str | None,
    author: str | None,
    published: Any,
    date_source: str | None,
    defaults: dict[str, Any],
    extractor: str,
) -> Article:
    if not cleaned.text.strip():
        raise ExtractError("no article text left after removing page furniture")
    if "\x00" in cleaned.text:
        # NUL is no text, and PostgreSQL refuses it in a string.
        cleaned = dataclasses.replace(cleaned, text=cleaned.text.replace("\x00", ""))
    given_date = _iso_date(defaults.get("published"))
    if given_date:
        published, date_source = given_date, defaults.get("date_source") or "manifest"
    elif cleaned.published and not published:
        published, date_source = cleaned.published, "text"
    else:
        published = _iso_date(published)
    meta: dict[str, Any] = {"extractor": extractor, **(defaults.get("meta") or {})}
    if cleaned.removed:
        meta["removed"] = list(cleaned.removed)
    if cleaned.sources_line:
        meta["sources_line"] = list(cleaned.sources_line)
    for key in ("encoding", "note"):
        if defaults.get(key):
            meta[key] = str(defaults[key])
    language = defaults.get("language") or detect_language(cleaned.text)
    return Article.create(
        cleaned.text,
        title=_str(title or cleaned.title),
        url=_str(url),
        # The store's outlet column holds 200 characters; a longer "site name" is junk anyway.
        outlet=(_str(outlet) or url_outlet(url) or "")[:200] or None,
        author=_str(author),
        published=published,
        date_source=date_source if published else None,
        language=_str(language),
        source=source,
        fetched_at=_str(defaults.get("fetched_at")),
        meta=meta,
    )


def url_outlet(url: Any) -> str | None:
    """The outlet an article's web address names when nothing else does: its host without
    ``www.`` ("www.reuters.com" -> "reuters.com"). Two articles of one site are one outlet, so
    independence is never counted twice for a dump that gives only addresses."""
    from urllib.parse import urlsplit

    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return None
    host = host[4:] if host.startswith("www.") else host
    # A name without a dot (localhost, an intranet host) says nothing of an outlet.
    return host if "." in host else None


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# --------------------------------------------------------------------------- language


def detect_language(text: str) -> str | None:
    """ISO 639-1 code by py3langid on the first few thousand characters."""
    # A thousand characters decide the language as well as the whole text, at a fraction
    # of the cost (py3langid's time grows with length).
    sample = text[:1000]
    if len(_WORD.findall(sample)) < 3:
        return None
    import py3langid

    lang, _score = py3langid.classify(sample)
    return str(lang)
