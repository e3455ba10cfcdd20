"""End-to-end in real headless Chromium: the pages as a reader uses them.

Screenshots land in test-artifacts/screenshots/ (gitignored) for a human to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT
from conftest_web import HOSTILE_TITLE, add_hostile_story, add_port_story, live_server

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} missing (Debian package chromium; .ci/run)"
    ),
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(name="web_page")
def page_(chromium: object) -> Iterator[object]:
    context = chromium.new_context(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors
    yield pg
    context.close()


def _app(db: str, **web: object) -> object:  # analyze=True unless a test says otherwise
    from storyline.config import load_options
    from storyline.web.app import WebOptions, create_app

    return create_app(load_options(db=db), WebOptions(**web))  # type: ignore[arg-type]


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)  # type: ignore[attr-defined]


def test_click_contested_claim_highlights_other_article(sqlite_url: str, web_page: object) -> None:
    from storyline.store import open_store

    page = web_page

    with open_store(sqlite_url) as store:
        fx = add_port_story(store)
    with live_server(_app(sqlite_url)) as base:
        page.goto(base + "/")
        row = page.locator("table.stories a", has_text="Port strike")
        assert row.count() == 1
        _shot(page, "stories.png")
        row.click()
        page.wait_for_selector("body[data-ready='1']")
        contested = page.locator(f"mark.claim.v-contested[data-claim='{fx.claims_a[1].id}']")
        assert contested.count() == 1
        target = page.locator(f"#s-{fx.b.id}-{fx.claims_b[1].sentence_index}")
        assert "hl" not in (target.get_attribute("class") or "")
        contested.click()
        page.wait_for_selector(f"#s-{fx.b.id}-1.hl-disagree")
        assert "hl-disagree" in (target.get_attribute("class") or "")
        # The badge names the relation; the panel gives the other side's attribution.
        assert target.locator(".badge").inner_text() == "disagrees"
        panel = page.locator("#claim-panel")
        assert panel.is_visible()
        assert "The port authority (denied)" in panel.inner_text()
        # A sentence unrelated to the claim stays plain.
        assert "hl" not in (page.locator(f"#s-{fx.b.id}-2").get_attribute("class") or "")
        _shot(page, "story-contested-click.png")
        # And back: clicking the denial highlights the claim it contradicts in the first article.
        page.locator(f"mark.claim[data-claim='{fx.claims_b[1].id}']").click()
        page.wait_for_selector(f"#s-{fx.a.id}-1.hl-disagree")
        assert page.locator(".sent.hl").count() == 1
    assert page.errors == []  # type: ignore[attr-defined]


def test_hostile_article_renders_inert(sqlite_url: str, web_page: object) -> None:
    from storyline.store import open_store

    page = web_page

    with open_store(sqlite_url) as store:
        fx = add_hostile_story(store)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    with live_server(_app(sqlite_url)) as base:
        for path in ("/", f"/stories/{fx.story_id}", f"/articles/{fx.a.id}", "/articles"):
            page.goto(base + path)
            page.wait_for_load_state("load")
            if path.startswith("/stories/"):
                page.wait_for_selector("body[data-ready='1']")
                page.locator("mark.claim").first.click()
                page.wait_for_selector("#claim-panel:not([hidden])")
                _shot(page, "story-hostile.png")
            # The markup is on the page as text, and none of it ran.
            assert page.evaluate("() => window.__pwned") is None, path
            assert page.locator("main script, main img, main iframe, main b, main i").count() == 0
            assert page.locator("a[href^='javascript:' i]").count() == 0
            if path.startswith("/articles/"):
                shown = page.locator("main").inner_text()
                assert "<script>window.__pwned = 1</script>" in shown
                assert HOSTILE_TITLE in shown
    assert dialogs == []


def test_upload_file_and_see_it_appear(sqlite_url: str, web_page: object, tmp_path: Path) -> None:
    page = web_page
    pytest.importorskip("storyline.ingest")
    text = (
        "Flood barriers held overnight in the river town, the mayor said on Sunday. "
        "Engineers will inspect the levees on Monday.\n"
    )
    upload = tmp_path / "flood-report.txt"
    upload.write_text(text, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with live_server(_app(sqlite_url, analyze=False)) as base:
        page.goto(base + "/ingest")
        page.set_input_files("#files", [str(upload), str(empty)])
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("#job-bar.done, #job-bar.failed", timeout=60_000)
        rows = page.locator("#job-rows tr")
        assert rows.count() == 2
        by_name = {r.locator("td").first.inner_text(): r for r in rows.all()}
        assert set(by_name) == {"flood-report.txt", "empty.txt"}
        assert by_name["flood-report.txt"].locator("td").nth(1).inner_text() == "stored"
        failed = by_name["empty.txt"].locator("td")
        assert failed.nth(1).inner_text() == "failed"
        assert failed.nth(3).inner_text().strip()  # the reason is shown
        _shot(page, "ingest-upload.png")
        by_name["flood-report.txt"].locator("a").click()
        page.wait_for_load_state("load")
        assert "Flood barriers held overnight" in page.locator("main").inner_text()
        page.goto(base + "/articles")
        assert page.locator("#articles-table tbody tr").count() == 1
    assert page.errors == []  # type: ignore[attr-defined]


def test_example_story_from_real_pipeline(tmp_path: Path, web_page: object) -> None:
    """The bundled example through the real pipeline (`storyline analyze`), then the browser:
    open the stories page, open the story, click a contested claim, and the other article's
    sentence lights up."""
    page = web_page
    pipeline = pytest.importorskip("storyline.pipeline")
    from storyline.config import load_options
    from storyline.store import open_store

    db = f"sqlite:///{tmp_path / 'example.db'}"
    with open_store(db) as store:
        # In-process: the models stay loaded for the other tests of the session.
        pipeline.analyze([str(EXAMPLES)], store, load_options(db=db))
    with live_server(_app(db)) as base:
        page.goto(base + "/")
        links = page.locator("table.stories td.title a")
        assert links.count() >= 1
        links.first.click()
        page.wait_for_selector("body[data-ready='1']")
        _shot(page, "example-story.png")
        page.screenshot(path=str(SHOTS / "example-story-top.png"))
        assert page.locator("article.col").count() == 2
        contested = page.locator("article.col mark.claim.v-contested")
        assert contested.count() >= 1, "the example story shows no contested claim"
        first = contested.first
        own = first.evaluate("m => m.closest('article').dataset.article")
        first.click()
        other = page.locator(f"article.col:not([data-article='{own}']) .sent.hl")
        other.first.wait_for(timeout=5_000)
        # The other outlet's sentence is lit as disagreeing, with its badge and attribution.
        assert "hl-disagree" in (other.first.get_attribute("class") or "")
        assert other.first.locator(".badge").inner_text() == "disagrees"
        assert "disagrees" in page.locator("#claim-panel").inner_text()
        _shot(page, "example-story-contested.png")
        page.screenshot(path=str(SHOTS / "example-story-contested-view.png"))
        # Adding an article from the browser runs the same pipeline (models already loaded).
        extra = tmp_path / "ferry.txt"
        extra.write_text(
            "The harbour ferry resumed service on Tuesday after repairs, the operator said. "
            "Passengers had waited two weeks for the crossing to reopen.\n",
            encoding="utf-8",
        )
        page.goto(base + "/ingest")
        page.set_input_files("#files", str(extra))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("#job-bar.done, #job-bar.failed", timeout=120_000)
        status = page.locator("#job-status").inner_text()
        assert "Finished" in status, status
        assert "1 article(s) read" in status, status
        assert page.locator("#job-rows tr td").nth(1).inner_text() == "stored"
    assert page.errors == []  # type: ignore[attr-defined]


def test_check_page(sqlite_url: str, web_page: object) -> None:
    page = web_page
    stance = pytest.importorskip("storyline.stance")
    from storyline.store import open_store

    with open_store(sqlite_url) as store:
        fx = add_port_story(store)
    with live_server(_app(sqlite_url, analyze=False)) as base:
        page.goto(base + f"/check?story={fx.story_id}")
        page.fill("#claim", "Cargo traffic at the port stopped completely.")
        page.click("#check-form button[type=submit]")
        page.wait_for_function(
            "() => !document.getElementById('check-status').textContent.startsWith('Reading')"
        )
        status = page.locator("#check-status").inner_text()
        if not Path(stance.DEFAULT_MODEL_PATH).exists():
            # Without a model the page says so in one line.
            assert "stance model unavailable" in status
            pytest.skip(f"no shipped stance model yet ({stance.DEFAULT_MODEL_PATH})")
        assert status == "Done.", status
        summary = page.locator(".check-summary").inner_text()
        assert "of 2 article(s)" in summary
        _shot(page, "check.png")
    assert page.errors == []  # type: ignore[attr-defined]


def test_check_page_shows_the_articles_own_claim(sqlite_url: str, web_page: object) -> None:
    """A check of the example articles names the article's claim that reports the answer."""
    page = web_page
    stance = pytest.importorskip("storyline.stance")
    if not Path(stance.DEFAULT_MODEL_PATH).exists():
        pytest.skip(f"no shipped stance model ({stance.DEFAULT_MODEL_PATH})")
    from storyline.ingest import ingest_sources
    from storyline.store import open_store

    with open_store(sqlite_url) as store:
        ingest_sources([str(EXAMPLES)], store)
    with live_server(_app(sqlite_url, analyze=False)) as base:
        page.goto(base + "/check")
        page.fill("#claim", "The Kremlin denied the transfer")
        page.click("#check-form button[type=submit]")
        page.wait_for_function(
            "() => !document.getElementById('check-status').textContent.startsWith('Reading')",
            timeout=120_000,
        )
        assert page.locator("#check-status").inner_text() == "Done."
        line = page.locator(".check-claim").first.inner_text()
        assert line.startswith("Its claim reports the same answer"), line
        assert "denied" in line
        _shot(page, "check-claim.png")
    assert page.errors == []  # type: ignore[attr-defined]
