"""What story clustering reads of an article: its key terms, embedded text and date.

Stories of the same *kind* ("an earthquake", "a celebrity in rehab", "a software patch") share
their vocabulary but not their names, places, dates and figures, so those are the key terms:

* capitalised words that are names, not capitalised common words: a word the text also writes
  in lower case ("Patch" in a title-case headline, "Police" opening a sentence) is left out;
* multiword names as one term as well ("red_sox", "ins_sukanya"), which tell apart two events
  that share one of their words (two ships of one navy, two players of one team);
* numbers of two digits or more (counts, sums, years, scores); single digits ("2 killed",
  "round 7") recur in every story of a kind and mostly add noise;
* dates written out ("September 9, 2013", "9 Sep 2013", "2013-09-09") as a month term
  (``%2013-09``): two events of one kind are rarely reported in the same month.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

from storyline.model import Article

__all__ = ["date_terms", "embedding_text", "key_terms", "parse_date", "story_title"]

_WORD = re.compile(r"[A-Za-z][\w'’.&-]*\w|[A-Za-z]|\d[\d,.:]*\d|\d")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")
_POSSESSIVE = re.compile(r"['’]s$")
# Capitalised function words say nothing about which event a text is about.
_STOP_WORDS = (
    "a an and the this that these those it its he she they we you i his her their our your "
    "my me him them us in on at of for to from by with as but or if when while after before "
    "there here then so not no yes all some any each every one two three also mr mrs ms dr "
    "what who whom which where why how is are was were be been has have had do does did will "
    "would can could may might must should said says according however meanwhile"
)
_STOP = frozenset(_STOP_WORDS.split(" "))

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES)}
_MON = rf"({'|'.join(_MONTH_NAMES)})[a-z]*\.?"
_YEAR = r"((?:19|20)\d\d)"
_MONTH_DAY_YEAR = re.compile(rf"\b{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I)
_DAY_MONTH_YEAR = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MON},?\s+{_YEAR}\b", re.I)
_ISO_DATE = re.compile(rf"\b{_YEAR}-(0[1-9]|1[0-2])-\d\d\b")


def date_terms(text: str) -> set[str]:
    """Months of the full dates written in ``text``, as ``%YYYY-MM`` terms."""
    out = set()
    for pattern in (_MONTH_DAY_YEAR, _DAY_MONTH_YEAR):
        for m in pattern.finditer(text):
            out.add(f"%{m.group(2)}-{_MONTHS[m.group(1)[:3].lower()]:02d}")
    for m in _ISO_DATE.finditer(text):
        out.add(f"%{m.group(1)}-{m.group(2)}")
    return out


def key_terms(text: str) -> Counter[str]:
    """Names, multiword names, numbers and months of ``text`` with their counts (lower-cased;
    numbers start with ``#``, months with ``%``)."""
    lowered = set(_LOWER_WORD.findall(text))
    counts: Counter[str] = Counter()

    def close(run: list[str]) -> None:
        if len(run) > 1:
            counts["_".join(run)] += 1
        run.clear()

    for sentence in _SENTENCE_END.split(text):
        run: list[str] = []
        for m in _WORD.finditer(sentence):
            word = _POSSESSIVE.sub("", m.group(0)).strip(".'’-")
            if word[:1].isdigit():
                close(run)
                number = word.replace(",", "").rstrip(".")
                if len(number) > 1:
                    counts["#" + number] += 1
                continue
            low = word.lower()
            if word[:1].isupper() and len(low) > 1 and low not in _STOP and low not in lowered:
                counts[low] += 1
                run.append(low)
            else:
                close(run)
        close(run)
    counts.update(date_terms(text))
    return counts


def embedding_text(article: Article, limit: int = 1200) -> str:
    """The text embedded for an article: its title and opening."""
    body = " ".join(article.text.split())[:limit]
    if article.title and not body.startswith(article.title):
        return f"{article.title}. {body}"
    return body


def parse_date(value: str | None) -> float | None:
    """Days since the epoch for an ISO date or datetime string; None when unknown or bad."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = datetime.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp() / 86400.0


def story_title(article: Article) -> str:
    """A story's title from its central article: the title, else the first sentence."""
    if article.title and article.title.strip():
        return " ".join(article.title.split())
    text = " ".join(article.text.split())
    m = re.search(r"(?<=[.!?])\s+(?=[A-Z\"'“])", text)
    first = text[: m.start()] if m else text
    return first[:200].rstrip() or article.id
