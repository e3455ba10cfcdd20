"""The web app through its HTTP interface (no browser): pages, API, escaping, security rules."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest_web import (
    EVIL,
    HOSTILE_TITLE,
    add_hostile_story,
    add_port_story,
)

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from storyline.config import load_options  # noqa: E402
from storyline.model import Story  # noqa: E402
from storyline.store import open_store  # noqa: E402
from storyline.web.app import WebError, WebOptions, create_app  # noqa: E402

BASE = "http://127.0.0.1"


def client(url: str, **web: Any) -> TestClient:
    app = create_app(load_options(db=url), WebOptions(**web))
    return TestClient(app, base_url=BASE)


@pytest.fixture
def port(sqlite_url: str) -> Iterator[tuple[TestClient, Any]]:
    with open_store(sqlite_url) as store:
        fx = add_port_story(store)
    with client(sqlite_url, analyze=False) as c:
        yield c, fx


# --------------------------------------------------------------------------- stories list


def test_stories_page_lists_story_with_counts(port: tuple[TestClient, Any]) -> None:
    c, fx = port
    r = c.get("/")
    assert r.status_code == 200
    html = r.text
    assert "Port strike: cargo traffic stopped or not?" in html
    assert f'href="/stories/{fx.story_id}"' in html
    row = html[html.index(f"/stories/{fx.story_id}") :]
    counts = re.findall(r'<span class="chip v-([a-z-]+)"[^>]*>(\d+)</span>', row)[:3]
    assert counts == [("corroborated", "1"), ("contested", "1"), ("single-source", "1")]
    api = c.get("/api/stories").json()
    assert api["total"] == 1
    item = api["items"][0]
    assert item["counts"] == {"corroborated": 1, "contested": 1, "single-source": 1}
    assert item["article_count"] == 2
    assert item["outlets"] == ["Harbour Gazette", "Coastal Times"]


def test_stories_search_filter_and_pages(store_url: str) -> None:
    with open_store(store_url) as store:
        for i in range(120):
            store.put_story(
                Story(
                    id=f"s{i:04d}",
                    title=f"Story number {i} about {'rivers' if i % 2 else 'mountains'}",
                    article_ids=tuple(f"a{i}-{k}" for k in range(1 + i % 5)),
                    outlets=("Alpha News",) if i % 3 else ("Beta Post",),
                    first_published=f"2024-01-{1 + i % 28:02d}",
                    last_published=f"2024-02-{1 + i % 28:02d}",
                    entity_ids=("ent-river",) if i % 2 else (),
                )
            )
        # A filtered count stops early: 11 means "more than 10".
        assert store.search_stories(query="story", count_limit=10)[1] == 11
        assert store.search_stories(query="beta", count_limit=1000)[1] == 40  # outlets match
    with client(store_url) as c:
        first = c.get("/api/stories", params={"per_page": 50}).json()
        assert (first["total"], first["pages"], len(first["items"])) == (120, 3, 50)
        last = c.get("/api/stories", params={"per_page": 50, "page": 3}).json()
        assert len(last["items"]) == 20
        seen = {i["id"] for p in (1, 2, 3) for i in c.get(f"/api/stories?page={p}").json()["items"]}
        assert len(seen) == 120  # pages neither overlap nor skip
        # Largest first.
        sizes = [i["article_count"] for i in first["items"]]
        assert sizes == sorted(sizes, reverse=True)
        rivers = c.get("/api/stories", params={"q": "RIVERS"}).json()
        # A filtered count goes only one past the page: "more than 50", then exact.
        assert (rivers["total"], rivers["total_is_lower_bound"]) == (51, True)
        rivers2 = c.get("/api/stories", params={"q": "RIVERS", "page": 2}).json()
        assert (rivers2["total"], rivers2["total_is_lower_bound"]) == (60, False)
        assert len(rivers2["items"]) == 10
        assert all("rivers" in i["title"] for i in rivers["items"] + rivers2["items"])
        beta = c.get("/api/stories", params={"outlet": "beta post"}).json()
        assert beta["total"] == 40
        assert all("Beta Post" in i["outlets"] for i in beta["items"])
        dated = c.get("/api/stories", params={"since": "2024-02-28"}).json()
        assert dated["total"] == len([i for i in range(120) if 1 + i % 28 >= 28])
        html = c.get("/", params={"q": "mountains", "page": 1}).text
        assert "more than 50</strong> stories" in html
        assert "page=2" in html and "q=mountains" in html
        bad = c.get("/api/stories", params={"since": "last week"})
        assert bad.status_code == 400
        assert bad.json() == {"error": "since: 'last week' is not a date (YYYY-MM-DD)"}
        assert "not a date" in c.get("/", params={"until": "<b>x</b>"}).text


def test_entity_filter(sqlite_url: str) -> None:
    from storyline.model import Entity

    with open_store(sqlite_url) as store:
        store.put_story(Story(id="s1", title="Floods", entity_ids=("e1",)))
        store.put_story(Story(id="s2", title="Drought", entity_ids=("e2",)))
        store.put_entities(
            [
                Entity("e1", "River Authority", "ORG", aliases=("the authority",)),
                Entity("e2", "Farmers Union", "ORG"),
            ]
        )
    with client(sqlite_url) as c:
        hit = c.get("/api/stories", params={"entity": "the authority"}).json()
        assert [i["id"] for i in hit["items"]] == ["s1"]
        none = c.get("/", params={"entity": "Nobody Known"}).text
        assert "No actor matches" in none and "0</strong> stories" in none


# --------------------------------------------------------------------------- story page


def test_story_page_side_by_side_with_verdict_colours(port: tuple[TestClient, Any]) -> None:
    c, fx = port
    html = c.get(f"/stories/{fx.story_id}").text
    assert html.count('<article class="col"') == 2
    # Claims wear their verdict's colour in both articles.
    assert f'class="claim v-contested" data-claim="{fx.claims_a[1].id}"' in html
    assert f'class="claim v-contested denied" data-claim="{fx.claims_b[1].id}"' in html
    assert f'class="claim v-corroborated" data-claim="{fx.claims_a[0].id}"' in html
    assert f'class="claim v-single-source" data-claim="{fx.claims_a[3].id}"' in html
    assert 'class="claim v-claim hedged"' in html  # the hedged claim without a verdict
    # Every sentence is addressable for highlighting.
    for s in fx.sentences_b:
        assert f'id="s-{fx.b.id}-{s.index}"' in html
    # Dossier summary and timeline.
    assert "In short" in html and "Earliest reporter" in html
    assert html.index("2024-03-04") < html.index("2024-03-05")
    # Source graph: outlet -> cited origin, drawn server-side.
    assert '<svg class="graph"' in html and ">Reuters</text>" in html


def test_story_api_links_both_ways(port: tuple[TestClient, Any]) -> None:
    c, fx = port
    data = c.get(f"/api/stories/{fx.story_id}").json()
    contested = fx.claims_a[1]
    links = data["links"][contested.id]
    assert links == [
        {
            "article_id": fx.b.id,
            "sentence_indices": [1],
            "relation": "disagree",
            "score": 0.8,
            "claim_id": fx.claims_b[1].id,
            "verdict_label": "contested",
        }
    ]
    back = data["links"][fx.claims_b[1].id]
    assert [(x["article_id"], x["sentence_indices"]) for x in back] == [(fx.a.id, [1])]
    assert data["claims"][contested.id]["verdict"] == "contested"
    assert data["claims"][fx.claims_b[1].id]["attribution"]["verb"] == "denied"
    assert data["dossier"]["contested"][0]["claim_id"] == contested.id
    assert fx.claims_a[2].id not in data["links"]  # no other article bears on it
    graph = c.get(f"/api/stories/{fx.story_id}/graph").json()
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert ("outlet:harbour gazette", "origin:reuters") in edges
    assert ("outlet:coastal times", "speaker:the port authority") in edges


def test_unknown_ids_are_clear_404s(port: tuple[TestClient, Any]) -> None:
    c, _ = port
    r = c.get("/stories/doesnotexist")
    assert r.status_code == 404 and "no story doesnotexist" in r.text
    assert c.get("/api/stories/nope").json() == {"error": "no story nope"}
    assert c.get("/api/articles/nope").status_code == 404
    assert c.get("/no/such/page").status_code == 404


def test_article_page_and_api(port: tuple[TestClient, Any]) -> None:
    c, fx = port
    html = c.get(f"/articles/{fx.b.id}").text
    assert "The port authority denied that cargo traffic had stopped" in html
    assert f'href="/stories/{fx.story_id}"' in html
    assert '<a class="src" href="https://coastal.example/strike"' in html
    data = c.get(f"/api/articles/{fx.b.id}").json()
    assert data["story_id"] == fx.story_id
    assert len(data["reading"]["claims"]) == 3
    listed = c.get("/api/articles").json()
    assert {a["id"] for a in listed} == {fx.a.id, fx.b.id}


# --------------------------------------------------------------------------- untrusted text


def test_hostile_text_is_escaped_everywhere(sqlite_url: str) -> None:
    with open_store(sqlite_url) as store:
        fx = add_hostile_story(store)
    with client(sqlite_url) as c:
        pages = ["/", f"/stories/{fx.story_id}", f"/articles/{fx.a.id}", "/articles"]
        for path in pages:
            html = c.get(path).text
            # Only our own script tag; no markup from the data survives as markup.
            assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/app.js" defer>']
            assert "<img" not in html and "<svg onload" not in html and "<b>" not in html
            assert 'href="javascript:' not in html.lower()
        html = c.get(f"/articles/{fx.a.id}").text
        # (The fixture's sentence splitter cuts at the dot in "window.__pwned".)
        assert "&lt;script&gt;window." in html and "__pwned = 1&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=&#34;window.__pwned=4&#34;&gt;Mayor" in html
        assert "javascript:window.__pwned=6" in html  # the URL shown as text, not a link
        story = c.get(f"/stories/{fx.story_id}").text
        assert "&lt;b&gt;Wire&lt;/b&gt;" in story  # cited outlet inside the SVG
        # The API returns the text as data, unchanged.
        api = c.get(f"/api/articles/{fx.a.id}").json()
        assert EVIL in api["article"]["text"] and api["article"]["title"] == HOSTILE_TITLE


def test_security_headers_on_every_response(port: tuple[TestClient, Any]) -> None:
    c, fx = port
    for path in ("/", f"/stories/{fx.story_id}", "/api/stories", "/nope", "/static/app.js"):
        r = c.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"


def test_assets_are_local(port: tuple[TestClient, Any]) -> None:
    c, fx = port
    for path in ("/", f"/stories/{fx.story_id}", "/check", "/ingest", "/api"):
        html = c.get(path).text
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not ref.startswith(("http://", "https://", "//")) or "example" in ref, ref
    assert c.get("/static/style.css").status_code == 200
    assert c.get("/docs").status_code == 404  # Swagger UI would load from a CDN
    schema = c.get("/api/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/check", "/api/ingest"} <= set(
        schema["paths"]
    )


def test_host_header_must_be_loopback_name(port: tuple[TestClient, Any]) -> None:
    c, _ = port
    r = c.get("/", headers={"host": "attacker.example"})
    assert r.status_code == 400 and "not served here" in r.text
    assert c.get("/", headers={"host": "localhost:8000"}).status_code == 200


# --------------------------------------------------------------------------- writes


def test_non_loopback_needs_token(sqlite_url: str) -> None:
    with pytest.raises(WebError, match="not a loopback address"):
        create_app(load_options(db=sqlite_url), WebOptions(host="0.0.0.0"))


def test_token_guards_ingest(sqlite_url: str) -> None:
    with client(sqlite_url, host="0.0.0.0", token="s3cret", analyze=False) as c:
        body = {"sources": ["https://news.example/a"]}
        assert c.post("/api/ingest", json=body).status_code == 401
        wrong = c.post("/api/ingest", json=body, headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert "needs its access token" in c.get("/ingest").text
        ok = c.post("/api/ingest", json=body, headers={"authorization": "Bearer s3cret"})
        assert ok.status_code == 202
        # The printed link sets an HttpOnly cookie, then the page works without the header.
        r = c.get("/ingest?token=s3cret", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/ingest"
        assert "httponly" in r.headers["set-cookie"].lower()
        assert "samesite=strict" in r.headers["set-cookie"].lower()
        assert c.post("/api/ingest", json=body).status_code == 202
        r = c.get("/?token=s3cret", follow_redirects=False)  # the link serve prints
        assert r.status_code == 303 and r.headers["location"] == "/"
        assert c.get("/?token=wrong").status_code == 200  # a wrong token is just ignored
        # Reading needs no token.
        assert c.get("/api/stories").status_code == 200


def test_cross_site_writes_refused(port: tuple[TestClient, Any]) -> None:
    c, _ = port
    body = {"sources": ["https://news.example/a"]}
    r = c.post("/api/ingest", json=body, headers={"origin": "https://evil.example"})
    assert r.status_code == 403 and "cross-origin" in r.json()["error"]
    r = c.post("/api/ingest", json=body, headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403
    assert c.post("/api/ingest", json={"sources": ["file:///etc/passwd"]}).status_code == 400


def _wait(c: TestClient, job: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while job["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = c.get(f"/api/ingest/{job['id']}").json()
    return job


def test_upload_ingests_and_lists_per_file_outcomes(sqlite_url: str) -> None:
    pytest.importorskip("storyline.ingest")
    good = b"Rescuers reached the stranded hikers on Saturday, the park service said.\n"
    with client(sqlite_url, analyze=False, max_upload_bytes=1000) as c:
        r = c.post(
            "/api/ingest/upload",
            files=[
                ("files", ("hikers.txt", good, "text/plain")),
                ("files", ("empty.txt", b"", "text/plain")),
                ("files", ("huge.txt", b"x" * 5000, "text/plain")),
            ],
        )
        assert r.status_code == 202, r.text
        first = r.json()
        assert first["refused"] == ["huge.txt: 5000 bytes is over the 1000 limit"]
        job = _wait(c, first)
        assert job["state"] == "done", job
        by_name = {o["source"].split("/")[-1]: o for o in job["outcomes"]}
        assert by_name["hikers.txt"]["status"] == "stored"
        assert by_name["empty.txt"]["status"] == "failed" and by_name["empty.txt"]["reason"]
        listed = c.get("/api/articles").json()
        assert [a["id"] for a in listed] == [by_name["hikers.txt"]["article_id"]]
        assert (
            "Rescuers reached the stranded hikers"
            in c.get("/articles").text + c.get(f"/articles/{listed[0]['id']}").text
        )


def test_upload_body_cap(sqlite_url: str) -> None:
    with client(sqlite_url, analyze=False, max_request_bytes=10_000) as c:
        r = c.post("/api/ingest/upload", files=[("files", ("big.txt", b"y" * 20_000))])
        assert r.status_code == 413
        assert "over 10000 bytes" in r.text
        assert c.get("/api/articles").json() == []


def test_url_ingest_refuses_loopback(sqlite_url: str) -> None:
    pytest.importorskip("storyline.ingest")
    with client(sqlite_url, analyze=False) as c:
        r = c.post("/api/ingest", json={"sources": ["http://127.0.0.1:9/secret"]})
        job = _wait(c, r.json())
        assert [o["status"] for o in job["outcomes"]] == ["failed"]
        assert job["outcomes"][0]["source"] == "http://127.0.0.1:9/secret"
        reason = job["outcomes"][0]["reason"].lower()
        assert "private" in reason or "loopback" in reason


# --------------------------------------------------------------------------- CLI


def test_serve_refuses_public_bind_without_token(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storyline.cli import app

    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "x.db")])
    assert r.exit_code == 1
    assert "not a loopback address" in r.output
    assert "Traceback" not in r.output


# --------------------------------------------------------------------------- check


def test_check_claim_against_a_story(port: tuple[TestClient, Any]) -> None:
    stance = pytest.importorskip("storyline.stance")
    c, fx = port
    model = Path(stance.DEFAULT_MODEL_PATH)
    if not model.exists():
        r = c.post("/api/check", json={"claim": "Port workers struck.", "story_id": fx.story_id})
        assert r.status_code == 503 and "stance model unavailable" in r.json()["error"]
        pytest.skip(f"no shipped stance model yet ({model})")
    r = c.post(
        "/api/check",
        json={"claim": "Port workers went on strike on Monday.", "story_id": fx.story_id},
    )
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["claim"] == "Port workers went on strike on Monday."
    assert data["verdict"] in {"supported", "contested", "disputed", "reported", "unreported"}
    judged = [e for lab in ("agree", "disagree", "discuss") for e in data[lab]]
    assert len(judged) + data["unrelated"] + len(data["not_judged"]) == 2
    assert {e["article_id"] for e in judged} <= {fx.a.id, fx.b.id}
    assert data["summary"].startswith(data["verdict"])
    bad = c.post("/api/check", json={"claim": "?!?", "story_id": fx.story_id})
    assert bad.status_code in (400, 422)
    assert (
        c.post("/api/check", json={"claim": "Anything at all", "story_id": "zz"}).status_code == 404
    )


def test_page_cache_follows_store_writes(sqlite_url: str) -> None:
    with open_store(sqlite_url) as store:
        fx = add_port_story(store)
    with client(sqlite_url) as c:
        pages = c.app.state.pages  # type: ignore[attr-defined]
        assert pages.enabled
        first = c.get(f"/stories/{fx.story_id}").text
        assert c.get(f"/stories/{fx.story_id}").text == first
        assert pages.hits >= 1
        with open_store(sqlite_url) as store:
            story = store.get_story(fx.story_id)
            store.put_story(dataclasses.replace(story, title="Port strike ends"))
        assert "Port strike ends" in c.get(f"/stories/{fx.story_id}").text
        assert "Port strike ends" in c.get("/").text
        # Verdict counts change without the story row's other columns: still seen.
        with open_store(sqlite_url) as store:
            store.put_verdicts(fx.story_id, [])
        row = c.get("/").text.split("Port strike ends", 1)[1]
        assert '<span class="chip v-contested" title="contested">0</span>' in row


def test_dossier_downloads(port: tuple[TestClient, Any]) -> None:
    c, fx = port
    md = c.get(f"/api/stories/{fx.story_id}/dossier", params={"format": "markdown"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"]
    assert "Port strike" in md.text
    html = c.get(f"/api/stories/{fx.story_id}/dossier", params={"format": "html"})
    assert "attachment" in html.headers["content-disposition"]
    data = c.get(f"/api/stories/{fx.story_id}/dossier").json()
    assert data["story_id"] == fx.story_id and len(data["contested"]) == 1
    assert c.get(f"/api/stories/{fx.story_id}/dossier?format=pdf").status_code == 422
    assert c.get("/api/stories/nope/dossier").status_code == 404
