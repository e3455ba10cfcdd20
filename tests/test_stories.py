"""Story clustering: incremental placement, merges, splits, time window, store round trip."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.model import Article
from storyline.stories import (
    StoryIndex,
    StoryParams,
    cluster_articles,
    embedding_text,
    finish_batch,
    key_terms,
    parse_date,
)

DIM = 384


def _vec(seed: int, noise: float = 0.0, base: int | None = None) -> np.ndarray:
    """A unit vector; articles given the same ``base`` point the same way (plus noise)."""
    rng = np.random.default_rng(seed)
    v = np.random.default_rng(base if base is not None else seed).normal(size=DIM)
    v = v + noise * rng.normal(size=DIM)
    return (v / np.linalg.norm(v)).astype(np.float32)


# Two events of one kind: the same boxer, two different fights (names, places, dates differ).
FIGHT_A = [
    "Wladimir Klitschko stopped Hasim Rahman in the seventh round in Mannheim on Saturday, "
    "December 13, 2008, to keep his IBF and WBO heavyweight titles.",
    "Klitschko retained his belts against Rahman in Mannheim, Germany; the referee ended the "
    "bout in round 7 of 12 on December 13, 2008.",
    "Hasim Rahman was no match for Wladimir Klitschko in Mannheim, where the Ukrainian won "
    "in the seventh round, the IBF said in 2008.",
    "In Mannheim, Klitschko beat Rahman (December 2008) and now eyes a unification bout with "
    "the WBA champion, his manager Bernd Boente said.",
]
FIGHT_B = [
    "Wladimir Klitschko stopped Tony Thompson in the sixth round in Bern on July 7, 2012, "
    "keeping his WBA, IBF and WBO titles at the Stade de Suisse.",
    "Thompson, 40, was knocked down twice by Klitschko in Bern before the fight was stopped "
    "in round 6 on Saturday, July 7, 2012.",
    "At the Stade de Suisse in Bern, Klitschko beat Tony Thompson again, four years after "
    "their first fight, in front of 26,000 fans in 2012.",
    "Klitschko defends titles against Thompson in Bern, Switzerland: the American lasted six "
    "rounds on July 7, 2012.",
]
QUAKE = [
    "A magnitude 6.1 earthquake struck central Chile near Valparaiso on Monday, Chile's "
    "ONEMI emergency office said, with no reports of damage.",
    "The 6.1 quake near Valparaiso, Chile, was felt in Santiago on Monday, ONEMI said.",
]


def _articles(texts: list[str], **kw: object) -> list[Article]:
    return [Article.create(t, **kw) for t in texts]  # type: ignore[arg-type]


def test_key_terms_keep_names_and_numbers_not_function_words() -> None:
    terms = key_terms("The Mayor of Bern said on July 7, 2012 that 26,000 fans came. He left.")
    assert {"mayor", "bern", "july", "#2012", "#26000", "%2012-07"} <= set(terms)
    assert "the" not in terms and "he" not in terms
    # Single digits recur in every story of a kind ("round 7"): not a key term.
    assert "#7" not in terms
    assert key_terms("") == {}


def test_key_terms_multiword_names_and_capitalised_common_words() -> None:
    text = (
        "Microsoft Releases Critical Patch\nThe Red Sox offered Mark Teixeira a contract. "
        "Police said the patch is critical. On 9 Sep 2013 the Red Sox met again."
    )
    terms = key_terms(text)
    assert {"red_sox", "mark_teixeira", "red", "sox", "microsoft"} <= set(terms)
    assert terms["red_sox"] == 2
    # Written in lower case elsewhere in the text: a title-case word, not a name.
    assert "patch" not in terms and "critical" not in terms and "releases" in terms
    assert "%2013-09" in terms
    # A name run ends at a number and at a sentence end.
    assert "microsoft_releases" in terms and "releases_critical" not in terms


def test_parse_date_handles_dates_datetimes_and_junk() -> None:
    assert parse_date("2012-07-07") == pytest.approx(15528.0)
    assert parse_date("2012-07-07T12:00:00Z") == pytest.approx(15528.5)
    assert parse_date(None) is None
    assert parse_date("yesterday") is None


def test_embedding_text_starts_with_title() -> None:
    a = Article.create("Body text here.", title="Headline")
    assert embedding_text(a).startswith("Headline. Body")
    assert embedding_text(Article.create("Only body.")) == "Only body."


def test_two_events_of_one_kind_and_an_unrelated_story_come_apart() -> None:
    arts = _articles(FIGHT_A) + _articles(FIGHT_B) + _articles(QUAKE)
    # Embeddings see "a boxing story" for all eight: the same direction for both fights.
    vecs = np.stack(
        [_vec(i, 0.3, base=1) for i in range(8)] + [_vec(100 + i, 0.3, base=2) for i in range(2)]
    )
    order = [0, 4, 8, 1, 5, 2, 9, 6, 3, 7]  # interleaved arrival
    index = cluster_articles([arts[i] for i in order], vecs[order])
    labels = index.labels()
    groups = {frozenset(a.id for a in arts if labels[a.id] == s) for s in set(labels.values())}
    assert groups == {
        frozenset(a.id for a in arts[:4]),
        frozenset(a.id for a in arts[4:8]),
        frozenset(a.id for a in arts[8:]),
    }


def test_story_of_one_article_and_an_article_that_belongs_nowhere() -> None:
    lone = Article.create(
        "Lagos state officials opened a new metro line on Friday.", title="Lagos metro opens"
    )
    arts = _articles(QUAKE) + [lone]
    index = cluster_articles(arts, np.stack([_vec(1), _vec(2, 0.2, base=1), _vec(3)]))
    stories = index.all_stories()
    assert len(stories) == 2
    solo = next(s for s in stories if s.article_ids == (lone.id,))
    assert solo.title == "Lagos metro opens"
    assert solo.id == index.story_of(lone.id)


def test_title_falls_back_to_first_sentence_and_metadata_spans() -> None:
    a = Article.create(QUAKE[0], outlet="reuters.example", published="2024-05-06")
    b = Article.create(QUAKE[1], outlet="ap.example", published="2024-05-07T10:00:00")
    index = cluster_articles([a, b], np.stack([_vec(1), _vec(2, 0.1, base=1)]))
    (story,) = index.all_stories()
    assert story.title.startswith("A magnitude 6.1 earthquake") or story.title.startswith(
        "The 6.1 quake"
    )
    assert story.title.endswith(".")
    assert story.outlets == ("ap.example", "reuters.example")
    assert story.first_published == "2024-05-06"
    assert story.last_published == "2024-05-07T10:00:00"
    assert story.article_ids == (a.id, b.id)


def test_dates_far_apart_keep_similar_articles_apart_unknown_dates_do_not() -> None:
    texts = QUAKE
    vecs = np.stack([_vec(1), _vec(2, 0.1, base=1)])
    far = [
        Article.create(texts[0], published="2020-01-01"),
        Article.create(texts[1], published="2023-06-01"),
    ]
    assert len(cluster_articles(far, vecs).stories) == 2
    near = [
        Article.create(texts[0], published="2023-05-30"),
        Article.create(texts[1], published="2023-06-01"),
    ]
    assert len(cluster_articles(near, vecs).stories) == 1
    undated = [Article.create(texts[0]), Article.create(texts[1], published="2023-06-01")]
    assert len(cluster_articles(undated, vecs).stories) == 1


def test_articles_in_several_languages_cluster_by_shared_names_and_numbers() -> None:
    arts = [
        Article.create(QUAKE[0], language="en"),
        Article.create(
            "Ein Erdbeben der Stärke 6,1 hat am Montag Chile nahe Valparaiso erschüttert, "
            "meldete ONEMI.",
            language="de",
        ),
        Article.create(
            "Un séisme de magnitude 6,1 a frappé le Chili près de Valparaiso.", language="fr"
        ),
        Article.create("東京で新しい美術館が開館した。", language="ja"),
    ]
    vecs = np.stack([_vec(i) for i in range(4)])  # unrelated embeddings: only names link
    index = cluster_articles(arts, vecs)
    # The German and French reports share the place and the magnitude: one story.
    assert index.story_of(arts[1].id) == index.story_of(arts[2].id)
    assert index.story_of(arts[3].id) not in {index.story_of(a.id) for a in arts[:3]}
    assert len(index) == 4 and sum(len(s.article_ids) for s in index.all_stories()) == 4


def test_empty_text_and_zero_vector_are_a_story_of_their_own() -> None:
    empty = Article.create("")
    index = cluster_articles(
        [empty, *_articles(QUAKE)], np.stack([np.zeros(DIM, np.float32), _vec(1), _vec(2)])
    )
    assert index.story(index.story_of(empty.id)).article_ids == (empty.id,)
    with pytest.raises(ValueError, match="dimensions"):
        StoryIndex().add(Article.create("x"), np.zeros(3))


def test_an_article_linking_two_stories_merges_them() -> None:
    p = StoryParams()
    index = StoryIndex(p)
    left = Article.create("Acme Corp recalls 40,000 Zephyr heaters sold in Ohio and Texas.")
    right = Article.create("Zephyr heater maker Acme faces lawsuits in Texas over 40,000 units.")
    # Different embeddings and only part of the names in common: two stories at first.
    index.add(left, _vec(1))
    index.add(right, _vec(2))
    link = Article.create(
        "Acme Corp's recall of 40,000 Zephyr heaters in Ohio and Texas led to lawsuits in "
        "Texas against the Zephyr maker Acme, which sold the 40,000 units."
    )
    before = len(index.stories)
    index.add(link, _vec(3))
    finish_batch(index)
    assert before in (1, 2)
    assert len(index.stories) == 1
    assert index.story_of(left.id) == index.story_of(right.id) == index.story_of(link.id)


def test_recluster_splits_a_story_that_holds_two_events() -> None:
    index = StoryIndex()
    arts = _articles(FIGHT_A) + _articles(FIGHT_B)
    for i, a in enumerate(arts):
        index.add(a, _vec(i, 0.3, base=1), story_id="mixed")
    parts = index.recluster("mixed")
    assert len(parts) == 2 and "mixed" in parts
    groups = {frozenset(index.stories[s].members) for s in parts}
    assert groups == {frozenset(a.id for a in arts[:4]), frozenset(a.id for a in arts[4:])}
    changed, removed = index.take_changes()
    assert set(parts) <= changed and not removed
    # One event alone is not split.
    single = StoryIndex()
    for i, a in enumerate(arts[4:]):
        single.add(a, _vec(i, 0.3, base=1), story_id="one")
    assert single.recluster("one") == ["one"]


def test_story_ids_are_stable_across_runs_and_orders() -> None:
    arts = _articles(QUAKE)
    vecs = np.stack([_vec(1), _vec(2, 0.1, base=1)])
    a = cluster_articles(arts, vecs).all_stories()
    b = cluster_articles(arts, vecs).all_stories()
    assert a == b


def test_many_near_identical_copies_make_one_story() -> None:
    arts = [Article.create(f"{QUAKE[0]} Update {i}.") for i in range(500)]
    vecs = np.stack([_vec(1)] * 500)
    index = cluster_articles(arts, vecs)
    assert len(index.stories) == 1
    assert len(index.story(next(iter(index.stories))).article_ids) == 500


# --------------------------------------------------------------------------- store


def test_cluster_store_persists_and_places_new_articles_incrementally(store_url: str) -> None:
    from storyline.config import Options
    from storyline.embed import model_name
    from storyline.store import open_store
    from storyline.stories import cluster_store
    from storyline.story_store import TERMS_KEY

    opts = Options(db=store_url)
    with open_store(store_url) as store:
        first = _articles(FIGHT_B[:2], outlet="bbc.example", published="2012-07-07")
        other = _articles(QUAKE, outlet="reuters.example")
        for a in first + other:
            store.add_article(a)
        written = cluster_store(store, opts)
        assert {len(s.article_ids) for s in written} == {2}
        assert store.count_stories() == 2
        fight = store.story_of(first[0].id)
        assert fight == store.story_of(first[1].id) != store.story_of(other[0].id)
        assert set(store.get_embeddings(model_name(opts), [first[0].id]))  # cached
        # Key terms are kept too, so a new process rebuilds the index without reading texts.
        (raw,) = store.get_embeddings(TERMS_KEY, [first[0].id]).values()
        assert "klitschko" in raw.decode("utf-8").split("\x1f")
        # Nothing new: nothing rewritten.
        assert cluster_store(store, opts) == []
        # A later article of the fight joins the stored story; its id does not change.
        late = Article.create(FIGHT_B[2], outlet="espn.example", published="2012-07-08")
        store.add_article(late)
        (changed,) = cluster_store(store, opts)
        assert changed.id == fight and store.story_of(late.id) == fight
        assert changed.outlets == ("bbc.example", "espn.example")
        assert [s.id for s in store.list_stories(outlet="espn")] == [fight]
    # A fresh process (no cached index) reloads the stories from the store.
    import storyline.story_store as stories_module

    stories_module._INDEX_CACHE.clear()
    with open_store(store_url) as store:
        later = Article.create(FIGHT_B[3], outlet="ap.example", published="2012-07-08")
        store.add_article(later)
        (changed,) = cluster_store(store, opts)
        assert changed.id == fight and len(changed.article_ids) == 4
        assert store.unclustered_article_ids() == []


def test_cluster_store_updates_a_story_without_reading_its_members_again(
    store_url: str,
) -> None:
    """Copies and entities of a touched story come from what was kept per article (MinHash
    signature, cited origin, key terms), also in a fresh process: only new articles are read."""
    import storyline.story_store as story_store
    from storyline.config import Options
    from storyline.store import open_store
    from storyline.stories import cluster_store
    from storyline.syndication import signature

    opts = Options(db=store_url)
    wire = FIGHT_B[0] + " " + FIGHT_B[1]
    first = Article.create(wire, outlet="wire.example", published="2012-07-07")
    copy = Article.create(wire.replace("Saturday", "Sat."), outlet="x.example")
    with open_store(store_url) as store:
        for a in (first, _articles(FIGHT_B[2:3], outlet="espn.example")[0]):
            store.add_article(a)
        cluster_store(store, opts)
        raw = store.get_embeddings(story_store.SIGNATURE_KEY, [first.id])[first.id]
        assert np.array_equal(np.frombuffer(raw, dtype=np.uint32), signature(first.text))
        assert store.get_embeddings(story_store.ORIGIN_KEY, [first.id]) == {first.id: b""}
    for fresh in (False, True):
        if fresh:
            story_store._INDEX_CACHE.clear()
            copy = Article.create(wire.replace("Saturday", "Sat"), outlet="y.example")
        with open_store(store_url) as store:
            store.add_article(copy)
            asked: list[str] = []
            real = store.get_reading

            def counting(article_id: str, real=real, asked=asked) -> object:
                asked.append(article_id)
                return real(article_id)

            store.get_reading = counting  # type: ignore[method-assign]
            (story,) = cluster_store(store, opts)
            assert asked == [copy.id]
            assert first.id in story.syndication_groups[0]
            assert copy.id in story.syndication_groups[0]
    assert len(story.article_ids) == 4 and len(story.syndication_groups[0]) == 3


def test_a_new_process_restores_the_saved_ann_graph(store_url: str, monkeypatch) -> None:
    """The ANN graph is kept in the store; a reload restores it instead of inserting every
    stored vector again, and finds the same stories and neighbours as a full rebuild."""
    import storyline.story_store as story_store
    from storyline.config import Options
    from storyline.store import open_store
    from storyline.stories import cluster_store

    monkeypatch.setattr(story_store, "ANN_MIN_SIZE", 1)
    opts = Options(db=store_url)
    arts = _articles(FIGHT_A, published="2008-12-13") + _articles(FIGHT_B, published="2012-07-07")
    with open_store(store_url) as store:
        for a in arts:
            store.add_article(a)
        cluster_store(store, opts)
        story_store._INDEX_CACHE.clear()
        restored = story_store.reload_index(store, opts)
        monkeypatch.setattr(story_store, "_restore_ann", lambda *_: False)
        rebuilt = story_store.reload_index(store, opts)
    assert restored is not None and rebuilt is not None
    assert restored._ann_pending == ([], []) and len(restored._ann) == len(arts)
    assert restored.labels() == rebuilt.labels()
    for a in arts:
        m = restored.stories[restored.story_of(a.id)].members[a.id]
        assert restored._candidates(m) == rebuilt._candidates(m)


def test_cli_stories_lists_and_updates(tmp_path: object) -> None:
    import json

    from typer.testing import CliRunner

    from storyline.cli import app
    from storyline.store import open_store

    db = f"sqlite:///{tmp_path}/cli.db"
    with open_store(db) as store:
        for a in _articles(QUAKE, outlet="x.example"):
            store.add_article(a)
    runner = CliRunner()
    res = runner.invoke(app, ["stories", "--db", db, "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    res = runner.invoke(app, ["stories", "--db", db, "--update", "--json"])
    assert res.exit_code == 0, res.output
    (story,) = json.loads(res.stdout)
    assert len(story["article_ids"]) == 2 and story["outlets"] == ["x.example"]
    res = runner.invoke(app, ["stories", "--db", db, "--query", "quake"])
    assert res.exit_code == 0 and "6.1" in res.stdout
