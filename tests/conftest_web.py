"""Helpers for the web tests: hand-made stories written through the store, a live server.

The stories are fixture data for the UI (two outlets disagreeing about a port strike, and one
hostile article full of markup); the real pipeline's output is tested end to end separately.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from storyline.model import (
    Article,
    Attribution,
    Certainty,
    Claim,
    ClaimLink,
    Evidence,
    Polarity,
    ReadArticle,
    Sentence,
    SpeakerKind,
    StanceLabel,
    Story,
    Verdict,
    VerdictLabel,
    content_id,
)

GAZETTE = (
    "Port workers began a strike on Monday, the union said. "
    "The port authority said that cargo traffic had stopped completely. "
    "Officials expect talks to resume on Friday. "
    "Ships were diverted to other harbours, according to Reuters."
)
COASTAL = (
    "The union announced a strike at the port on Monday. "
    "The port authority denied that cargo traffic had stopped, saying half of the cranes "
    "were working. "
    "Talks may resume later this week."
)
EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
HOSTILE = (
    f"The mayor resigned on Tuesday, officials said. {EVIL} "
    'Read more <a href="javascript:window.__pwned=3">here</a>. '
    "The council denied that the mayor resigned."
)
HOSTILE_TITLE = '<img src=x onerror="window.__pwned=4">Mayor <b>quits</b>'


def sentences_of(article_id: str, text: str) -> tuple[Sentence, ...]:
    out = []
    for i, m in enumerate(re.finditer(r"[^.!?]+[.!?]+", text)):
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        out.append(Sentence(article_id, i, start, m.end(), text[start : m.end()]))
    return tuple(out)


def claim_of(
    s: Sentence,
    speaker: str | None = None,
    kind: SpeakerKind = SpeakerKind.ARTICLE,
    verb: str | None = None,
    cited: tuple[str, ...] = (),
    certainty: Certainty = Certainty.ASSERTED,
    polarity: Polarity = Polarity.AFFIRMED,
    cues: tuple[str, ...] = (),
) -> Claim:
    return Claim(
        id=content_id(s.article_id, str(s.index)),
        article_id=s.article_id,
        sentence_index=s.index,
        start=s.start,
        end=s.end,
        text=s.text,
        attribution=Attribution(speaker=speaker, kind=kind, verb=verb, cited_outlets=cited),
        certainty=certainty,
        polarity=polarity,
        cues=cues,
    )


@dataclass
class Fixture:
    story_id: str
    a: Article
    b: Article
    claims_a: tuple[Claim, ...]
    claims_b: tuple[Claim, ...]
    sentences_b: tuple[Sentence, ...]


def _link(claim: Claim, target: Claim, relation: StanceLabel, score: float) -> ClaimLink:
    return ClaimLink(
        claim_id=claim.id,
        article_id=target.article_id,
        relation=relation,
        score=score,
        target_claim_id=target.id,
        evidence=(Evidence(target.article_id, target.start, target.end, target.text, score),),
    )


def add_port_story(store: Any) -> Fixture:
    a = Article.create(
        GAZETTE,
        title="Port strike halts cargo, union says",
        outlet="Harbour Gazette",
        published="2024-03-04",
        url="https://gazette.example/port-strike",
    )
    b = Article.create(
        COASTAL,
        title="Port authority: cranes still working despite strike",
        outlet="Coastal Times",
        published="2024-03-05",
        url="https://coastal.example/strike",
    )
    store.add_article(a)
    store.add_article(b)
    sa, sb = sentences_of(a.id, a.text), sentences_of(b.id, b.text)
    org = SpeakerKind.ORGANISATION
    ca = (
        claim_of(sa[0], "the union", org, "said"),
        claim_of(sa[1], "The port authority", org, "said"),
        claim_of(
            sa[2], "Officials", SpeakerKind.ANONYMOUS, "expect", certainty=Certainty.SPECULATIVE
        ),
        claim_of(sa[3], "Reuters", SpeakerKind.MEDIA, "according to", cited=("Reuters",)),
    )
    cb = (
        claim_of(sb[0], "The union", org, "announced"),
        claim_of(
            sb[1], "The port authority", org, "denied", polarity=Polarity.DENIED, cues=("denied",)
        ),
        claim_of(sb[2], certainty=Certainty.HEDGED, cues=("may",)),
    )
    store.put_reading(ReadArticle(a, sa, (), ca))
    store.put_reading(ReadArticle(b, sb, (), cb))
    story = Story(
        id=content_id("story", a.id, b.id),
        title="Port strike: cargo traffic stopped or not?",
        article_ids=(a.id, b.id),
        outlets=("Harbour Gazette", "Coastal Times"),
        first_published="2024-03-04",
        last_published="2024-03-05",
    )
    store.put_story(story)
    store.put_verdicts(
        story.id,
        [
            Verdict(
                story.id,
                ca[0].id,
                VerdictLabel.CORROBORATED,
                ca[0].text,
                supporting=(_link(ca[0], cb[0], StanceLabel.AGREE, 0.9),),
                outlets=("Harbour Gazette", "Coastal Times"),
                independent_origins=("the union",),
                explanation="both outlets report the strike",
            ),
            Verdict(
                story.id,
                ca[1].id,
                VerdictLabel.CONTESTED,
                ca[1].text,
                opposing=(_link(ca[1], cb[1], StanceLabel.DISAGREE, 0.8),),
                outlets=("Harbour Gazette", "Coastal Times"),
                explanation="Coastal Times reports the port authority denying it",
            ),
            Verdict(
                story.id,
                ca[3].id,
                VerdictLabel.SINGLE_SOURCE,
                ca[3].text,
                outlets=("Harbour Gazette",),
                cited_origins=("Reuters",),
                explanation="only Harbour Gazette, citing Reuters",
            ),
        ],
    )
    return Fixture(story.id, a, b, ca, cb, sb)


def add_hostile_story(store: Any) -> Fixture:
    """An article whose title, outlet, URL, text and speaker all carry markup and script."""
    a = Article.create(
        HOSTILE,
        title=HOSTILE_TITLE,
        outlet='<svg onload="window.__pwned=5">Evil Outlet',
        published="2024-05-01",
        url="javascript:window.__pwned=6",
    )
    b = Article.create(
        "The mayor stepped down on Tuesday. The council said it was surprised.",
        title="Mayor steps down",
        outlet="Plain Herald",
        published="2024-05-02",
    )
    store.add_article(a)
    store.add_article(b)
    sa, sb = sentences_of(a.id, a.text), sentences_of(b.id, b.text)
    evil_speaker = '<script>window.__pwned=7</script>"officials"'
    ca = tuple(
        claim_of(s, evil_speaker, SpeakerKind.ANONYMOUS, "said", cited=("<b>Wire</b>",)) for s in sa
    )
    cb = (claim_of(sb[0]),)
    store.put_reading(ReadArticle(a, sa, (), ca))
    store.put_reading(ReadArticle(b, sb, (), cb))
    story = Story(
        id=content_id("story", a.id, b.id),
        title="<script>window.__pwned=8</script>Mayor <i>resigns</i>",
        article_ids=(a.id, b.id),
        outlets=(a.outlet or "", "Plain Herald"),
        first_published="2024-05-01",
        last_published="2024-05-02",
    )
    store.put_story(story)
    store.put_verdicts(
        story.id,
        [
            Verdict(
                story.id,
                ca[0].id,
                VerdictLabel.CONTESTED,
                ca[0].text,
                opposing=(_link(ca[0], cb[0], StanceLabel.DISAGREE, 0.7),),
                explanation='<img src=x onerror="window.__pwned=9">',
            )
        ],
    )
    return Fixture(story.id, a, b, ca, cb, sb)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on 127.0.0.1; yield its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
