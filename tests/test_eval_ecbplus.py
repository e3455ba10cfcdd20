"""ECB+ loader: text reconstruction from tokens, URL sentence dropped, stable order."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_data
from storyline.evaluate.ecbplus import EcbError, detokenise, load_ecbplus, parse_ecbplus_file


def _write(path: Path, sentences: list[list[str]]) -> Path:
    lines = [f'<Document doc_name="{path.name}" doc_id="X">']
    t = 1
    for s, words in enumerate(sentences):
        for n, w in enumerate(words):
            lines.append(f'<token t_id="{t}" sentence="{s}" number="{n}">{w}</token>')
            t += 1
    lines.append("<Markables></Markables></Document>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_detokenise_punctuation_quotes_and_compounds() -> None:
    toks = [
        "``",
        "We",
        "are",
        "sad",
        ",",
        "''",
        "the",
        "15",
        "-",
        "year",
        "-",
        "old",
        "'s",
        "mother",
        "said",
        "(",
        "at",
        "1",
        ":",
        "30",
        ")",
        ".",
    ]
    assert detokenise(toks) == '"We are sad," the 15-year-old\'s mother said (at 1:30).'
    assert detokenise(["Lohan", "’", "s", "lawyer", "did", "n't", "call"]) == (
        "Lohan’s lawyer didn't call"
    )


def test_ecbplus_url_sentence_dropped_and_ecb_kept(tmp_path: Path) -> None:
    plus = _write(
        tmp_path / "3_2ecbplus.xml",
        [["http", ":", "/", "/", "x", ".", "com"], ["Fire", "hits", "town"], ["It", "burned", "."]],
    )
    ecb = _write(tmp_path / "3_1ecb.xml", [["Headline", "here"], ["Body", "text", "."]])
    doc = parse_ecbplus_file(plus)
    assert (doc.topic, doc.subtopic, doc.doc_id) == (3, "ecbplus", "3_2ecbplus")
    assert doc.text == "Fire hits town\nIt burned."
    assert [doc.text[a:b] for a, b in doc.sentences] == ["Fire hits town", "It burned."]
    assert parse_ecbplus_file(ecb).text == "Headline here\nBody text."
    assert [d.doc_id for d in load_ecbplus(tmp_path)] == ["3_1ecb", "3_2ecbplus"]
    assert load_ecbplus(tmp_path, topics={4}) == []


def test_bad_input_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "1_1ecb.xml"
    bad.write_text("<Document><token", encoding="utf-8")
    with pytest.raises(EcbError, match="1_1ecb.xml"):
        parse_ecbplus_file(bad)
    with pytest.raises(EcbError, match="not found"):
        load_ecbplus(tmp_path / "missing")
    with pytest.raises(EcbError, match="not an ECB"):
        parse_ecbplus_file(tmp_path / "notes.xml")


def test_real_ecbplus_topic() -> None:
    docs = load_ecbplus(shared_data("ecbplus", "docs"), topics={1})
    assert {d.subtopic for d in docs} == {"ecb", "ecbplus"}
    for d in docs:
        assert not d.text.startswith("http"), d.doc_id
        assert " ." not in d.text and " ," not in d.text
