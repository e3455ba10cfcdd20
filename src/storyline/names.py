"""Names as articles write them: normalised keys, text patterns that rename an actor, and the
alias table.

:func:`mention_key` is the form under which names are compared ("U.S." = "US", "President
Putin" = "Putin"); :func:`appositions`, :func:`aka_names` and :func:`place_descriptions` find
the descriptions and second names the reader turns into mentions; :class:`AliasTable` holds the
shipped starter set, the user's file and the merges taught to a store. The resolver that merges
mentions across articles is :mod:`storyline.entities`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from storyline.model import Mention, content_id

__all__ = [
    "AliasEntry",
    "AliasError",
    "AliasTable",
    "aka_names",
    "appositions",
    "mention_key",
    "place_descriptions",
    "provisional_id",
    "trim_span",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Personal titles dropped before comparing person names.
_TITLES = _words(
    "president vice prime minister secretary senator sen rep representative governor gov "
    "mayor mr mrs ms miss dr prof professor gen general col colonel lt lieutenant capt "
    "captain adm admiral sgt sergeant king queen prince princess sheikh sir dame lord lady "
    "pope chancellor premier ambassador judge justice chief ceo chairman chairwoman spokesman "
    "spokeswoman spokesperson former late acting deputy foreign defense defence interior "
    "finance state national security adviser advisor leader commander director"
)
# Capitalised last words that do not change which organisation is meant: "Wagner Group".
_GENERIC_ORG_WORDS = _words(
    "group groups organization organisation system systems company co corp corporation inc "
    "ltd llc plc movement militia network agency party"
)
_INITIALS_SKIP = _words("of the and for & on in de du la al")
_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-"}
)
_DOTTED = re.compile(r"[a-z](?:\.[a-z])+\.?")


class AliasError(ValueError):
    """An alias file that cannot be used; the message names the file and the reason."""


# --------------------------------------------------------------------------- names


_POSSESSIVE = re.compile(r"(?:['’]s?|['’])$")
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def trim_span(text: str, s: int, e: int) -> tuple[int, int]:
    """Offsets of ``text[s:e]`` without a leading article, a possessive or stray punctuation."""
    while True:
        before = (s, e)
        while s < e and (text[s].isspace() or text[s] in "\"'“”‘’([,;:-"):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in "\"'“”‘’)],;:-"):
            e -= 1
        # A final full stop belongs to an abbreviation ("U.S.") but not to a plain word.
        if e > s and text[e - 1] == "." and not re.search(r"(?:^|[\s.])\w\.$", text[s:e]):
            e -= 1
        m = _LEADING.match(text[s:e])
        if m and e - s > m.end():
            s += m.end()
        m = _POSSESSIVE.search(text[s:e])
        if m and m.start() > 0:
            e = s + m.start()
        if (s, e) == before:
            return s, e


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    s, e = trim_span(text, 0, len(text))
    return " ".join(text[s:e].split())


def mention_key(text: str, label: str = "") -> str:
    """The normalised form under which names are compared ("" for nothing nameable)."""
    tokens = _clean(text).split()
    if label == "PERSON":
        while len(tokens) > 1 and tokens[0].lower().rstrip(".") in _TITLES:
            tokens.pop(0)
    out = []
    for tok in tokens:
        low = tok.lower()
        if _DOTTED.fullmatch(low):
            low = low.replace(".", "")
        low = re.sub(r"[^\w\s&-]", "", low).strip("-")
        if low:
            out.append(low)
    return " ".join(out)


def provisional_id(key: str) -> str:
    """An entity id from one normalised name (the id an entity gets when nothing merges it)."""
    return content_id("entity", key)


def _core_surface(text: str) -> str:
    """The name without the lower-case words finishing its phrase: "Pantsir system" -> "Pantsir"."""
    tokens = _clean(text).split()
    while tokens and tokens[-1].isalpha() and tokens[-1].islower():
        tokens.pop()
    return " ".join(tokens)


def _is_acronym(surface: str) -> bool:
    letters = surface.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _initials(surface: str) -> tuple[str, ...]:
    """Possible acronyms of a multi-word name (with and without its small words)."""
    words = re.findall(r"[A-Za-z][\w'-]*", _core_surface(surface))
    # Only a proper name has an acronym: every word capitalised but the small ones.
    if len(words) < 2 or any(w.lower() not in _INITIALS_SKIP and w[0].islower() for w in words):
        return ()
    caps = [w for w in words if w.lower() not in _INITIALS_SKIP]
    out = {"".join(w[0] for w in caps).lower(), "".join(w[0] for w in words).lower()}
    return tuple(x for x in out if len(x) >= 2)


# --------------------------------------------------------------------------- patterns

_DESC = r"(?<![\w-])(?:the|The) (?:[^\s,;:()]+ ){0,4}(?P<head>[a-z][\w-]*)"
_DESC_BEFORE = re.compile(_DESC + r",\s$")
_DESC_AFTER = re.compile(r"^,\s(?P<desc>" + _DESC + r")(?=\s*[,.;)]|$)")
# Head nouns of definite descriptions that can stand for an actor in an apposition.
_DESCRIPTION_HEADS = _words(
    "group militia organization organisation movement party company firm agency ministry "
    "department government administration regime leader president minister chancellor premier "
    "spokesman spokeswoman spokesperson official body network alliance coalition faction "
    "newspaper broadcaster channel outlet union bank court army force forces system weapon "
    "rebels insurgents contractor manufacturer maker giant founder chief director commander "
    "envoy ambassador senator governor mayor king queen prince country nation state capital "
    "city"
)
_AKA_WORDS = (
    r"(?:also known as|better known as|otherwise known as|known as|also called|"
    r"a\.?k\.?a\.?|dubbed|nicknamed|formerly known as)"
)
_AKA = re.compile(r"\s*,?\s*" + _AKA_WORDS + r"\s*", re.IGNORECASE)
# The name before "also known as" when the recogniser missed it: "The SA-22 system".
_AKA_LEFT = re.compile(
    r"(?P<name>(?<![\w-])(?:[A-Z0-9][\w.'’-]*\s+){0,4}[A-Z0-9][\w.'’-]*(?:\s+[a-z][\w-]*){0,2})"
    r"\s*,?\s*" + _AKA_WORDS + r"\s*$"
)


def aka_names(text: str, names: Sequence[Mention]) -> list[tuple[tuple[int, int], Mention]]:
    """Names before "also known as" that are not yet mentions: ((start, end), the alias)."""
    out = []
    for m in names:
        lo = max(0, m.start - 100)
        hit = _AKA_LEFT.search(text[lo : m.start])
        if not hit:
            continue
        s, e = trim_span(text, lo + hit.start("name"), lo + hit.end("name"))
        if e <= s or any(ms < e and s < me for ms, me in ((n.start, n.end) for n in names)):
            continue
        out.append(((s, e), m))
    return out


_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "PRODUCT", "FAC", "NORP", "LOC", "EVENT"})


def appositions(
    text: str, names: Sequence[Mention], *, keep_existing: bool = False
) -> list[tuple[tuple[int, int], Mention]]:
    """Definite descriptions in apposition to a name: ((start, end), the name's mention).

    "the Lebanese militant group, Hezbollah," and "Joe Biden, the US president," -- the head
    noun must be one that can stand for an actor, and the name must close the apposition.
    A description that is already one of ``names`` is returned only with ``keep_existing``
    (the resolver recognises the description mentions the reader made).
    """
    out = []
    taken = {(m.start, m.end) for m in names}
    for m in names:
        if m.label not in _NAME_LABELS:
            continue
        lo = max(0, m.start - 120)
        before = text[lo : m.start]
        nxt = text[m.end : m.end + 2]
        closes = nxt[:1] in ("", ",", ".", ";", ")") or nxt in ("'s", "’s")
        found = None
        hit = _DESC_BEFORE.search(before)
        if hit and closes and hit.group("head").lower() in _DESCRIPTION_HEADS:
            found = (lo + hit.start(), lo + hit.end() - 2)
        else:
            after = _DESC_AFTER.match(text[m.end : m.end + 120])
            if after and after.group("head").lower() in _DESCRIPTION_HEADS:
                found = (m.end + after.start("desc"), m.end + after.end("desc"))
        if found is None:
            continue
        s, e = trim_span(text, *found)
        if e <= s or (s, e) == (m.start, m.end) or ((s, e) in taken and not keep_existing):
            continue
        # Names nested in the description ("Lebanese") stay; one crossing its edge means the
        # phrase was misread.
        if any(ms < e and s < me and not (s <= ms and me <= e) for ms, me in taken):
            continue
        out.append(((s, e), m))
    return out


# Heads of descriptions that stand for an organisation: "Lebanon's Hamas-supporting militia".
_ORG_HEADS = _words(
    "group militia organization organisation movement faction network company firm alliance "
    "coalition outlet newspaper broadcaster party insurgency"
)
_PLACE_DESC = re.compile(
    r"(?<![\w-])(?:(?:the|The) )?(?P<place>[A-Z][\w.]*(?:['’]s)?) "
    r"(?P<mods>(?:(?:[a-z][\w-]*|[A-Z]\w*-[a-z][\w-]*) ){0,3}?)"
    r"(?P<head>" + "|".join(sorted(_ORG_HEADS)) + r")\b(?! [A-Z])"
)


def place_descriptions(
    text: str, names: Sequence[Mention]
) -> list[tuple[tuple[int, int], Mention]]:
    """Descriptions of an organisation by its country: "Lebanon's Hamas-supporting militia".

    The place must be a country mention (GPE or NORP) of the article; returns
    ((start, end), the place's mention). Which organisation is meant is decided across
    articles by :func:`resolve_entities`, never here.
    """
    places = {(m.start, m.end): m for m in names if m.label in ("GPE", "NORP")}
    spans = {(m.start, m.end) for m in names}
    out = []
    for hit in _PLACE_DESC.finditer(text):
        if hit.group("head") not in _ORG_HEADS:
            continue
        ps, pe = trim_span(text, hit.start("place"), hit.end("place"))
        place = places.get((ps, pe))
        if place is None:
            continue
        s, e = trim_span(text, hit.start(), hit.end())
        if (s, e) not in spans and e > pe:
            out.append(((s, e), place))
    return out


def _description_place(surface: str, aliases: AliasTable) -> str | None:
    """The country a description names its actor by ("Lebanese militant group" -> lebanon)."""
    words = _clean(surface).split()
    if len(words) < 2 or words[-1] not in _ORG_HEADS:
        return None
    if any(w[:1].isupper() and "-" not in w for w in words[1:]):
        return None  # "Wagner Group", "Lebanese Armed Forces": a name, not a description
    entry_key = aliases.canonical_key(mention_key(words[0]))
    entry = aliases.entries.get(entry_key) if entry_key else None
    return entry_key if entry is not None and entry.type == "GPE" else None


def _linked(text: str, a: Mention, b: Mention) -> bool:
    """``b`` renames ``a``: "A (B)" or "A, also known as B"."""
    between = text[a.end : b.start]
    if len(between) > 40:
        return False
    if re.fullmatch(r"\s*\(\s*", between) and text[b.end : b.end + 3].lstrip().startswith(")"):
        acronym = _is_acronym(b.text) and mention_key(b.text) in _initials(a.text)
        return a.label == b.label or acronym
    return bool(_AKA.fullmatch(between))


# --------------------------------------------------------------------------- alias table


@dataclass(frozen=True, slots=True)
class AliasEntry:
    """A canonical actor of the alias table."""

    name: str
    type: str | None = None
    part_of: str | None = None


@dataclass
class AliasTable:
    """Normalised alias -> canonical entry; built from YAML files and taught merges."""

    entries: dict[str, AliasEntry] = field(default_factory=dict)
    lookup: dict[str, str] = field(default_factory=dict)
    # Names as written (for the reader's gazetteer) -> canonical key; which are demonyms.
    surfaces: dict[str, str] = field(default_factory=dict)
    demonyms: set[str] = field(default_factory=set)

    def add(
        self,
        alias: str,
        canonical: str,
        *,
        type: str | None = None,
        part_of: str | None = None,
    ) -> None:
        ckey = mention_key(canonical)
        if not ckey:
            raise AliasError(f"alias {alias!r} -> {canonical!r}: canonical name is empty")
        # A taught merge whose canonical is itself an alias goes to that alias's entry.
        ckey = self.lookup.get(ckey, ckey)
        old = self.entries.get(ckey)
        self.entries[ckey] = AliasEntry(
            name=old.name if old else canonical,
            type=type or (old.type if old else None),
            part_of=part_of or (old.part_of if old else None),
        )
        self.lookup[ckey] = ckey
        key = mention_key(alias)
        if key:
            self.lookup[key] = ckey
            self.surfaces[alias] = ckey

    def entry(self, text_or_key: str, *, is_key: bool = False) -> AliasEntry | None:
        key = text_or_key if is_key else mention_key(text_or_key)
        ckey = self.lookup.get(key)
        return self.entries.get(ckey) if ckey else None

    def canonical_key(self, key: str) -> str | None:
        return self.lookup.get(key)

    def load_yaml(self, text: str, source: str) -> None:
        import yaml

        try:
            data = yaml.safe_load(text) or []
        except yaml.YAMLError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "bad YAML"
            raise AliasError(f"{source}: cannot parse: {first}") from None
        if isinstance(data, dict):  # also accept {alias: canonical}
            data = [{"name": v, "aliases": [k]} for k, v in data.items()]
        if not isinstance(data, list):
            raise AliasError(f"{source}: expected a list of entries")
        for i, item in enumerate(data):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise AliasError(f"{source}: entry {i + 1}: needs a 'name'")
            name = item["name"]
            self.add(name, name, type=item.get("type"), part_of=item.get("part_of"))
            for key in ("aliases", "demonyms"):
                values = item.get(key) or []
                if not isinstance(values, list):
                    raise AliasError(f"{source}: entry {name!r}: {key} must be a list")
                for alias in values:
                    self.add(str(alias), name)
                    if key == "demonyms":
                        self.demonyms.add(str(alias))

    @classmethod
    def load(
        cls, path: str | Path | None = None, extra: Mapping[str, str] | None = None
    ) -> AliasTable:
        """The shipped starter set, then the user's file, then taught merges (alias: canonical)."""
        table = cls()
        shipped = resources.files("storyline").joinpath("data", "aliases.yaml")
        table.load_yaml(shipped.read_text(encoding="utf-8"), "aliases.yaml (shipped)")
        if path:
            p = Path(path)
            try:
                text = p.read_text(encoding="utf-8")
            except OSError as exc:
                raise AliasError(f"{p}: cannot read alias file: {exc.strerror or exc}") from None
            table.load_yaml(text, str(p))
        for alias, canonical in (extra or {}).items():
            table.add(alias, canonical)
        return table
