"""The store on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pytest

from storyline.model import Article, Entity, IngestStatus, Story, Verdict, VerdictLabel
from storyline.store import SCHEMA_VERSION, open_store


def test_same_article_twice_is_stored_once(store) -> None:
    a = Article.create("One text.\nWith  two lines.", url="https://example.org/a", outlet="X")
    assert store.add_article(a).status is IngestStatus.STORED
    # Whitespace and typographic quotes do not make a new article.
    again = Article.create("One text. With two lines.", url="https://example.org/a")
    assert again.id == a.id
    assert store.add_article(again).status is IngestStatus.DUPLICATE
    assert store.count_articles() == 1
    stored = store.get_article(a.id)
    assert stored is not None
    assert (stored.text, stored.url, stored.outlet) == (a.text, a.url, "X")


def test_changed_article_at_same_url_is_a_new_version(store) -> None:
    first = Article.create("The minister resigned on Monday.", url="https://example.org/b")
    second = Article.create("The minister resigned on Tuesday.", url="https://example.org/b")
    store.add_article(first)
    outcome = store.add_article(second)
    assert outcome.status is IngestStatus.NEW_VERSION
    versions = store.article_versions("https://example.org/b")
    assert [v.version for v in versions] == [1, 2]
    assert [v.text for v in versions] == [first.text, second.text]


def test_listing_filters_and_prefix_lookup(store) -> None:
    for i, (outlet, date) in enumerate([("A", "2023-11-01"), ("B", "2023-11-03"), ("A", None)]):
        store.add_article(Article.create(f"Article number {i}.", outlet=outlet, published=date))
    assert len(store.list_articles()) == 3
    assert {a.outlet for a in store.list_articles(outlet="a")} == {"A"}
    assert [a.published for a in store.list_articles(since="2023-11-02")] == ["2023-11-03"]
    assert [a.published for a in store.list_articles(until="2023-11-01")] == ["2023-11-01"]
    some = store.list_articles()[0]
    assert store.get_article(some.id[:8]) == some
    assert [a.id for a in store.iter_articles(batch_size=2)] == [
        a.id for a in reversed(store.list_articles())
    ]


def test_stories_and_verdicts_round_trip(store) -> None:
    a = Article.create("Story text one.")
    b = Article.create("Story text two.")
    store.add_articles([a, b])
    story = Story(id="s1", title="A story", article_ids=(a.id, b.id), outlets=("X", "Y"))
    store.put_story(story)
    v = Verdict(story_id="s1", claim_id="c1", label=VerdictLabel.CONTESTED, text="claim")
    store.put_verdicts("s1", [v])
    assert store.get_story("s1") == story
    assert store.story_of(b.id) == "s1"
    assert store.get_verdicts("s1") == [v]
    assert store.story_counts("s1")["contested"] == 1
    assert [s.id for s in store.list_stories(query="a story")] == ["s1"]


def test_entities_upsert_and_delete_leave_the_others(store) -> None:
    a = Entity(id="e1", name="Alpha", type="ORG", article_ids=("x",))
    b = Entity(id="e2", name="Beta", type="ORG", article_ids=("x",))
    store.put_entities([a, b])
    grown = Entity(id="e1", name="Alpha", type="ORG", aliases=("A",), article_ids=("x", "y"))
    c = Entity(id="e3", name="Gamma", type="PERSON", part_of="e1")
    store.put_entities([grown, c], only=True)
    assert store.count_entities() == 3
    assert {e.id: e for e in store.list_entities()} == {"e1": grown, "e2": b, "e3": c}
    assert store.entity_parts() == {"e3": "e1"}
    store.delete_entities(["e2", "missing"])
    assert [e.id for e in store.list_entities()] == ["e1", "e3"]  # most articles first


def test_reopening_keeps_data_and_schema_version(store_url) -> None:
    with open_store(store_url) as s:
        s.add_article(Article.create("Persisted."))
    with open_store(store_url) as s:
        assert s.count_articles() == 1
        assert s.schema_version() == SCHEMA_VERSION


def test_sqlite_uses_wal(sqlite_url) -> None:
    with open_store(sqlite_url) as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_failed_batch_stores_nothing(store, monkeypatch) -> None:
    from storyline.store import Store

    items = [Article.create(f"Batch article {i}.") for i in range(5)]
    real_add = Store._add
    calls = {"n": 0}

    def failing_add(self, conn, article, source, seq=None):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("disk on fire")
        return real_add(self, conn, article, source, seq)

    monkeypatch.setattr(Store, "_add", failing_add)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.add_articles(items)
    # One transaction: the three articles before the failure were rolled back too.
    assert store.count_articles() == 0
    monkeypatch.setattr(Store, "_add", real_add)
    assert all(o.status is IngestStatus.STORED for o in store.add_articles(items))
    assert store.count_articles() == 5
