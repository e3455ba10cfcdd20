"""Extraction: decoding, HTML metadata, and conservative removal of page furniture."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import EXAMPLES
from storyline.extract import (
    ExtractError,
    article_from_html,
    article_from_text,
    clean_text,
    decode_bytes,
    detect_language,
    parse_date,
    split_front_matter,
    url_outlet,
)

FIXTURES = Path(__file__).parent / "fixtures"


# --------------------------------------------------------------------------- decoding


def test_decode_utf8_cp1252_and_mixed() -> None:
    text, enc = decode_bytes((FIXTURES / "cp1252_article.txt").read_bytes())
    assert enc == "utf-8+cp1252"
    assert text.startswith("Café owners in São Paulo said the “new rules” would cost €2,000")
    mixed = "Zoë said “yes”. ".encode() + "Café noir, 5€.".encode("cp1252")
    text, _ = decode_bytes(mixed)
    assert text == "Zoë said “yes”. Café noir, 5€."
    latin1 = "Señor Núñez a déclaré".encode("latin-1")
    assert decode_bytes(latin1)[0] == "Señor Núñez a déclaré"
    assert decode_bytes("\ufeffBOM text".encode())[0] == "BOM text"
    assert decode_bytes("wide text".encode("utf-16"))[0] == "wide text"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_decode_refuses_empty_and_binary(data: bytes, reason: str) -> None:
    with pytest.raises(ExtractError, match=reason):
        decode_bytes(data)


# --------------------------------------------------------------------------- small parsers


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("November 3, 2023", "2023-11-03"),
        ("Nov. 3, 2023", "2023-11-03"),
        ("3 November 2023", "2023-11-03"),
        ("Published: 16 January 2014", "2014-01-16"),
        ("Updated Friday, March 8, 2024 10:45 AM EST", "2024-03-08"),
        ("2023-11-03", "2023-11-03"),
        ("February 30, 2023", None),
        ("In November 2023 the army moved.", None),
        ("May the best team win, 2023", None),
    ],
)
def test_parse_date(line: str, iso: str | None) -> None:
    assert parse_date(line) == iso


def test_front_matter() -> None:
    meta, body = split_front_matter("---\noutlet: The Ledger\npublished: 2024-01-02\n---\nBody.")
    assert meta == {"outlet": "The Ledger", "published": __import__("datetime").date(2024, 1, 2)}
    assert body == "Body."
    assert split_front_matter("No front matter.\n---\n") == ({}, "No front matter.\n---\n")
    with pytest.raises(ExtractError, match="not valid YAML"):
        split_front_matter("---\noutlet: [unclosed\n---\nBody.")


def test_front_matter_gives_article_metadata() -> None:
    text = (
        "---\noutlet: The Ledger\ndate: 2024-01-02\nauthor: A. Writer\n---\n"
        "The council voted on Tuesday to close the bridge for repairs. Officials said the work "
        "would take six months."
    )
    a = article_from_text(text, source="t.txt")
    assert (a.outlet, a.published, a.date_source, a.author) == (
        "The Ledger",
        "2024-01-02",
        "front-matter",
        "A. Writer",
    )
    assert a.text.startswith("The council voted")


# --------------------------------------------------------------------------- furniture


def test_seed_articles_lose_their_furniture() -> None:
    a = article_from_text((EXAMPLES / "000_e518ef6d14ce3490.txt").read_text(), source="000")
    removed = "\n".join(a.meta["removed"])
    assert a.title and a.title.startswith("Report:")
    assert (a.published, a.date_source) == ("2023-11-03", "text")
    assert a.text.startswith("In a recent development, U.S. intelligence sources")
    assert "Photo by" not in a.text and "photo caption" in removed
    assert "is dedicated to publishing" not in a.text and "outlet blurb" in removed
    assert a.meta["sources_line"] == ["Arab News", "CNN", "WSJ", "Pravda"]
    assert "Sources:" not in a.text
    # The standfirst repeats the lead paragraph; the lead (with "according to CNN") stays.
    assert a.text.count("consented to supply") == 1 and "according to CNN" in a.text
    assert "\nI\n" not in a.text
    # Prose, subheadings and the final sentence stay.
    assert "The Pantsir system" in a.text
    assert a.text.rstrip().endswith("in a statement made by the Kremlin.")

    b = article_from_text(
        (EXAMPLES / "004_1be11241221ebf60.txt").read_text(),
        source="004",
        defaults={"outlet": "Bharat Express"},
    )
    assert b.title == "Wagner Group of Russia to deliver cutting-edge missiles to Hezbollah"
    assert b.published is None
    assert "Also read" not in b.text
    assert not b.text.startswith("Bharat Express")
    # The caption repeats the start of a later sentence: that sentence is kept whole.
    assert b.text.count("On October 7, as Hamas launched missiles at Israel") == 1
    assert "and US President Joe Biden urged outside parties" in b.text
    assert b.text.rstrip().endswith("the statement reads.")


def test_invented_article_with_furniture() -> None:
    a = article_from_text((FIXTURES / "furniture_article.txt").read_text(), source="f")
    assert a.title == "Nun gives birth after complaining of stomach pains"
    assert (a.published, a.date_source) == ("2014-01-16", "text")
    # "A" is a word here ("nun" occurs later), so the drop cap keeps its space.
    assert a.text.startswith("A nun living in an Italian convent has given birth")
    assert "Photo:" not in a.text and "Read more" not in a.text
    assert a.meta["sources_line"] == ["Il Corriere Adriatico", "L’Unione Sarda", "ANSA"]
    assert "independent news publisher" not in a.text
    assert a.text.rstrip().endswith("has now been discharged from hospital.")
    assert len(a.meta["removed"]) == 7


def test_drop_cap_letter_joins_its_word() -> None:
    out = clean_text("T\n\nhe mayor resigned on Monday after a vote of no confidence.")
    assert out.text == "The mayor resigned on Monday after a vote of no confidence."


@pytest.mark.parametrize(
    "prose",
    [
        # Prose that merely resembles furniture must stay.
        "Sources said the minister would resign before the vote, and aides did not deny it.",
        "The photographer said the photo by the river was taken at dawn.",
        "Related talks in Geneva ended without agreement on Friday.",
        "Hezbollah is committed to the fight, its leader said in a televised speech.",
        "The Guardian is an independent newspaper, the court heard, and its reporting on the "
        "case was lawful.",
        "I think the decision was wrong, the coach said.",
    ],
)
def test_prose_is_never_dropped(prose: str) -> None:
    body = (
        "Officials met on Monday to discuss the budget, which has been delayed for weeks.\n\n"
        f"{prose}\n\n"
        "The talks will resume next week, according to a spokesperson for the ministry."
    )
    out = clean_text(body, detect_header=False)
    assert prose in out.text, out.removed
    assert out.removed == ()


def test_caption_credit_on_long_paragraph_keeps_prose() -> None:
    long_para = (
        "The storm hit the coast on Sunday night. Thousands of homes lost power. Roads were "
        "closed across the region. Emergency crews worked through the night to clear debris "
        "and restore electricity. (Photo: Coastal Times)"
    )
    out = clean_text(f"{long_para}\n\nResidents were told to stay indoors.", detect_header=False)
    assert out.text.startswith("The storm hit the coast on Sunday night.")
    assert "Photo:" not in out.text
    assert "Emergency crews worked through the night" in out.text


# --------------------------------------------------------------------------- HTML


def test_html_page_extraction() -> None:
    html = (FIXTURES / "hoax_page.html").read_text()
    a = article_from_html(html, source="hoax_page.html")
    assert a.title == "Macaulay Culkin death hoax: actor is alive"
    assert a.outlet == "The Evening Ledger"
    assert a.author == "Dana Whitfield"
    assert a.published and a.published.startswith("2014-11-07")
    assert a.date_source == "metadata"
    assert a.text.startswith("Macaulay Culkin is not dead.")
    assert "Pizza Underground" in a.text
    for furniture in ("Subscribe", "Most read", "All rights reserved", "Privacy"):
        assert furniture not in a.text
    assert a.language == "en"


def test_htmldate_fallback_and_defaults_win() -> None:
    html = (
        "<html><head><title>Bridge closes</title></head><body><article>"
        "<p>Posted on 2021-06-14</p>"
        "<p>The old bridge over the river closed on Monday for repairs that the city says will "
        "take at least six months, forcing commuters onto a long detour.</p>"
        "<p>Engineers found corrosion in the main supports during an inspection in the spring, "
        "the council said in a statement.</p></article></body></html>"
    )
    a = article_from_html(html, source="x", defaults={"outlet": "Given Outlet"})
    assert a.published == "2021-06-14"
    assert a.outlet == "Given Outlet"


def test_outlet_falls_back_to_the_address_host() -> None:
    text = "The old bridge over the river closed on Monday for repairs, the council said."
    a = article_from_text(
        text, source="dump.jsonl:3", defaults={"url": "https://www.Reuters.com/world/x-1"}
    )
    assert a.outlet == "reuters.com"
    # What metadata names wins over the address.
    named = article_from_text(
        text, source="x", defaults={"url": "https://www.reuters.com/a", "outlet": "Reuters"}
    )
    assert named.outlet == "Reuters"
    assert article_from_text(text, source="notes.txt").outlet is None
    assert url_outlet("file:///tmp/a.html") is None
    assert url_outlet("http://localhost:8000/a") is None
    assert url_outlet("https://news.bbc.co.uk./story") == "news.bbc.co.uk"


def test_truncated_html_still_yields_text() -> None:
    html = (FIXTURES / "hoax_page.html").read_text()
    cut = html[: html.index("representatives issued")]
    a = article_from_html(cut, source="cut.html")
    assert a.text.startswith("Macaulay Culkin is not dead.")
    assert "Pizza Underground" not in a.text


def test_html_without_text_fails_clearly() -> None:
    with pytest.raises(ExtractError, match="no article text"):
        article_from_html("<html><body><nav><a href='/'>Home</a></nav></body></html>", source="x")


def test_oversized_html_refused_quickly() -> None:
    big = "<html><body>" + "<p>filler text</p>" * 1_000_000 + "</body></html>"
    start = time.perf_counter()
    with pytest.raises(ExtractError, match="over max_html_bytes"):
        article_from_html(big, source="big.html", max_bytes=5_000_000)
    assert time.perf_counter() - start < 1.0


# --------------------------------------------------------------------------- language


def test_language_detection_flags_non_english() -> None:
    assert detect_language("The government announced new measures on Tuesday.") == "en"
    fr = article_from_text(
        "Le gouvernement a annoncé mardi de nouvelles mesures pour soutenir les agriculteurs "
        "touchés par la sécheresse, selon un communiqué du ministère.",
        source="fr.txt",
    )
    assert fr.language == "fr" and not fr.is_english
    de = detect_language("Die Regierung hat am Dienstag neue Maßnahmen angekündigt.")
    assert de == "de"
    assert detect_language("12 34") is None


def test_given_title_still_strips_headline_and_date_header() -> None:
    text = (
        "Storm closes the harbour for a week\n\nMarch 8, 2024\n\n"
        "The harbour authority closed the port on Friday after a storm damaged two piers."
    )
    a = article_from_text(text, source="s", defaults={"title": "Harbour shut", "outlet": "X"})
    assert a.title == "Harbour shut"
    assert a.text.startswith("The harbour authority closed the port")
    assert (a.published, a.date_source) == ("2024-03-08", "text")
    # Without a date line, a different given title leaves the first line alone.
    b = article_from_text(
        "Storm closes the harbour for a week\n\nThe harbour authority closed the port on Friday.",
        source="s",
        defaults={"title": "Harbour shut"},
    )
    assert b.text.startswith("Storm closes the harbour for a week")


def test_hard_wrapped_text_keeps_its_paragraphs() -> None:
    wrapped = (
        "The city council voted on Tuesday to extend the night bus service\n"
        "to the northern suburbs, after a petition signed by more than four\n"
        "thousand residents.\n\n"
        "The new routes start in June, a spokesperson said.\n"
        "Photo: City Transit Archive\n"
    )
    out = clean_text(wrapped, detect_header=False)
    assert out.text == (
        "The city council voted on Tuesday to extend the night bus service to the northern "
        "suburbs, after a petition signed by more than four thousand residents.\n\n"
        "The new routes start in June, a spokesperson said."
    )
    assert out.removed == ("photo caption: Photo: City Transit Archive",)
