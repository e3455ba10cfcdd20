"""Persistence behind one small interface: SQLite file by default, any SQLAlchemy URL.

The schema (tables and migrations) is in :mod:`storyline.store_schema`: an ordered list of
steps, each applied once in its own transaction and recorded in ``storyline_meta``, so an old
store file is upgraded in place when a newer storyline opens it.

Every write is its own transaction, so a killed process leaves the store as it was after the
last finished article, and re-running resumes without duplicates (ids are content hashes).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from storyline.model import (
    Article,
    Entity,
    IngestOutcome,
    IngestStatus,
    ReadArticle,
    Story,
    Verdict,
    to_dict,
)
from storyline.store_schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    aliases,
    articles,
    embeddings,
    entities,
    meta_table,
    readings,
    stories,
    story_articles,
    verdicts,
)

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "StoreError", "open_store"]


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message names the URL and the reason."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _loads(text: str | None) -> Any:
    return json.loads(text) if text else None


def _dumps(value: Any) -> str:
    return json.dumps(to_dict(value), ensure_ascii=False, separators=(",", ":"))


def _entity_row(e: Entity) -> dict[str, Any]:
    n = len(e.article_ids)
    return {"id": e.id, "name": e.name, "type": e.type, "article_count": n, "data": _dumps(e)}


def _article_from_row(row: Any) -> Article:
    m = row._mapping
    return Article(
        id=m["id"],
        text=m["text"],
        title=m["title"],
        url=m["url"],
        outlet=m["outlet"],
        author=m["author"],
        published=m["published"],
        date_source=m["date_source"],
        language=m["language"],
        source=m["source"],
        fetched_at=m["fetched_at"],
        version=m["version"],
        meta=_loads(m["meta"]) or {},
    )


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers (the web UI) never block the ingesting writer; NORMAL is crash-safe in WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
    # The stdlib driver opens transactions lazily and commits on SAVEPOINT release, which
    # breaks batch atomicity; take over: no implicit transactions, we emit BEGIN ourselves.
    dbapi_conn.isolation_level = None


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


class Store:
    """The storyline store. Create with :func:`open_store`; use as a context manager."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        try:
            if url.startswith("sqlite"):
                self.engine: Engine = create_engine(
                    url, connect_args={"check_same_thread": False, "timeout": 30}
                )
                event.listen(self.engine, "connect", _sqlite_pragmas)
                event.listen(self.engine, "begin", _sqlite_begin)
            else:
                self.engine = create_engine(url, pool_pre_ping=True)
            self._migrate()
        except StoreError:
            raise
        except Exception as exc:  # any driver error becomes one clear line
            raise StoreError(f"{_redact(url)}: cannot open store: {_first_line(exc)}") from exc

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # ------------------------------------------------------------------ lifecycle

    def _migrate(self) -> None:
        with self.engine.begin() as conn:
            meta_table.create(conn, checkfirst=True)
            row = conn.execute(
                select(meta_table.c.value).where(meta_table.c.key == "schema_version")
            ).first()
            current = int(row[0]) if row else 0
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{_redact(self.url)}: schema version {current} is newer than this storyline "
                f"({SCHEMA_VERSION}); upgrade storyline"
            )
        for version, step in MIGRATIONS:
            if version <= current:
                continue
            with self.engine.begin() as conn:
                step(conn)
                self._set_meta(conn, "schema_version", str(version))

    def schema_version(self) -> int:
        return int(self.get_meta("schema_version") or 0)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ key/value

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str) -> None:
        updated = conn.execute(
            update(meta_table).where(meta_table.c.key == key).values(value=value)
        ).rowcount
        if not updated:
            conn.execute(insert(meta_table).values(key=key, value=value))

    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(meta_table.c.value).where(meta_table.c.key == key)).first()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            self._set_meta(conn, key, value)

    # ------------------------------------------------------------------ articles

    def add_article(self, article: Article) -> IngestOutcome:
        """Store one article in its own transaction.

        The same text again is a duplicate; different text at a URL already stored becomes a
        new version of that URL, and the old version stays.
        """
        source = article.source or article.url or article.id
        with self._lock, self.engine.begin() as conn:
            return self._add(conn, article, source)

    def add_articles(self, batch: Sequence[Article]) -> list[IngestOutcome]:
        """Store a batch in one transaction (fast bulk path); each article is judged alone."""
        if not batch:
            return []
        with self._lock, self.engine.begin() as conn:
            seq = conn.execute(select(func.max(articles.c.seq))).scalar() or 0
            outcomes = []
            for a in batch:
                seq += 1
                outcomes.append(self._add(conn, a, a.source or a.url or a.id, seq))
            return outcomes

    def _add(
        self, conn: Connection, article: Article, source: str, seq: int | None = None
    ) -> IngestOutcome:
        if conn.execute(select(articles.c.id).where(articles.c.id == article.id)).first():
            return IngestOutcome(source, IngestStatus.DUPLICATE, article.id, "already stored")
        status = IngestStatus.STORED
        version = 1
        reason = None
        if article.url:
            prior = conn.execute(
                select(func.max(articles.c.version)).where(articles.c.url == article.url)
            ).scalar()
            if prior:
                version = int(prior) + 1
                status = IngestStatus.NEW_VERSION
                reason = f"text changed at {article.url}; kept as version {version}"
        if seq is None:
            seq = (conn.execute(select(func.max(articles.c.seq))).scalar() or 0) + 1
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(articles).values(
                        id=article.id,
                        url=article.url,
                        version=version,
                        title=article.title,
                        outlet=article.outlet,
                        author=article.author,
                        published=article.published,
                        date_source=article.date_source,
                        language=article.language,
                        text=article.text,
                        source=article.source,
                        fetched_at=article.fetched_at or _now(),
                        meta=json.dumps(article.meta, ensure_ascii=False, default=str),
                        ingested_at=_now(),
                        seq=seq,
                    )
                )
        except IntegrityError:
            # Another writer stored the same text between our check and our insert.
            return IngestOutcome(source, IngestStatus.DUPLICATE, article.id, "already stored")
        return IngestOutcome(source, status, article.id, reason)

    def get_article(self, article_id: str) -> Article | None:
        """By full id, or by a unique prefix of at least 6 characters."""
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
            if row is None and len(article_id) >= 6:
                rows = conn.execute(
                    select(articles).where(articles.c.id.startswith(article_id)).limit(2)
                ).all()
                row = rows[0] if len(rows) == 1 else None
        return _article_from_row(row) if row else None

    def get_articles(self, ids: Iterable[str]) -> list[Article]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Article] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                for row in conn.execute(select(articles).where(articles.c.id.in_(chunk))):
                    a = _article_from_row(row)
                    found[a.id] = a
        return [found[i] for i in wanted if i in found]

    def list_articles(
        self,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        query: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Article]:
        """Newest-ingested first; ``since``/``until`` compare ISO dates on ``published``."""
        stmt = select(articles).order_by(articles.c.seq.desc())
        if outlet:
            stmt = stmt.where(func.lower(articles.c.outlet) == outlet.lower())
        if since:
            stmt = stmt.where(articles.c.published >= since)
        if until:
            # An ISO date "2023-11-03" must include datetimes on that day.
            stmt = stmt.where(articles.c.published <= until + "\uffff")
        if query:
            like = f"%{query.lower()}%"
            stmt = stmt.where(
                or_(func.lower(articles.c.title).like(like), func.lower(articles.c.text).like(like))
            )
        if limit is not None:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        with self.engine.connect() as conn:
            return [_article_from_row(r) for r in conn.execute(stmt)]

    def iter_articles(self, batch_size: int = 500) -> Iterator[Article]:
        """All articles in insertion order, one batch in memory at a time."""
        last = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(articles)
                    .where(articles.c.seq > last)
                    .order_by(articles.c.seq)
                    .limit(batch_size)
                ).all()
            if not rows:
                return
            for row in rows:
                yield _article_from_row(row)
            last = rows[-1]._mapping["seq"]

    def count_articles(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(articles)).scalar() or 0)

    def article_versions(self, url: str) -> list[Article]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(articles).where(articles.c.url == url).order_by(articles.c.version)
            ).all()
        return [_article_from_row(r) for r in rows]

    # ------------------------------------------------------------------ readings

    def put_reading(self, read: ReadArticle, reader: str = "") -> None:
        data = _dumps(
            {
                "sentences": read.sentences,
                "mentions": read.mentions,
                "claims": read.claims,
                "furniture": read.furniture,
                "notes": read.notes,
            }
        )
        with self._lock, self.engine.begin() as conn:
            conn.execute(delete(readings).where(readings.c.article_id == read.article.id))
            conn.execute(
                insert(readings).values(article_id=read.article.id, data=data, reader=reader)
            )

    def get_reading(self, article_id: str) -> ReadArticle | None:
        article = self.get_article(article_id)
        if article is None:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(readings.c.data).where(readings.c.article_id == article.id)
            ).first()
        if row is None:
            return None
        data = json.loads(row[0])
        data["article"] = to_dict(article)
        return ReadArticle.from_dict(data)

    def unread_article_ids(self, limit: int | None = None) -> list[str]:
        stmt = (
            select(articles.c.id)
            .outerjoin(readings, readings.c.article_id == articles.c.id)
            .where(readings.c.article_id.is_(None))
            .order_by(articles.c.seq)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(stmt)]

    def unclustered_article_ids(self) -> list[str]:
        """Ids of articles in no story yet, in ingest order."""
        stmt = (
            select(articles.c.id)
            .outerjoin(story_articles, story_articles.c.article_id == articles.c.id)
            .where(story_articles.c.article_id.is_(None))
            .order_by(articles.c.seq)
        )
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(stmt)]

    # ------------------------------------------------------------------ entities and aliases

    def put_entities(self, items: Iterable[Entity], *, only: bool = False) -> None:
        """Replace the entity table (a resolution across all articles), or with ``only``
        insert or replace just these entities (an incremental one)."""
        rows = [_entity_row(e) for e in items]
        with self._lock, self.engine.begin() as conn:
            if not only:
                conn.execute(delete(entities))
            for i in range(0, len(rows), 500) if only else ():
                ids = [r["id"] for r in rows[i : i + 500]]
                conn.execute(delete(entities).where(entities.c.id.in_(ids)))
            if rows:
                conn.execute(insert(entities), rows)

    def delete_entities(self, ids: Iterable[str]) -> None:
        wanted = list(ids)
        with self._lock, self.engine.begin() as conn:
            for i in range(0, len(wanted), 500):
                conn.execute(delete(entities).where(entities.c.id.in_(wanted[i : i + 500])))

    def entity_parts(self) -> dict[str, str]:
        """{entity id: part_of} of the metonyms, without decoding every entity."""
        stmt = select(entities.c.data).where(entities.c.data.like('%"part_of":"%'))
        with self.engine.connect() as conn:
            found = [json.loads(r[0]) for r in conn.execute(stmt)]
        return {d["id"]: d["part_of"] for d in found if d.get("part_of")}

    def get_entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Entity] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                stmt = select(entities.c.data).where(entities.c.id.in_(wanted[i : i + 500]))
                for row in conn.execute(stmt):
                    e = Entity.from_dict(json.loads(row[0]))
                    found[e.id] = e
        return found

    def count_entities(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(entities)).scalar() or 0)

    def list_entities(self, *, query: str | None = None, limit: int | None = None) -> list[Entity]:
        stmt = select(entities.c.data).order_by(entities.c.article_count.desc(), entities.c.name)
        if query:
            stmt = stmt.where(func.lower(entities.c.data).like(f"%{query.lower()}%"))
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [Entity.from_dict(json.loads(r[0])) for r in conn.execute(stmt)]

    def add_alias(self, alias: str, canonical: str) -> None:
        with self._lock, self.engine.begin() as conn:
            conn.execute(delete(aliases).where(aliases.c.alias == alias))
            conn.execute(insert(aliases).values(alias=alias, canonical=canonical))

    def list_aliases(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {r[0]: r[1] for r in conn.execute(select(aliases.c.alias, aliases.c.canonical))}

    # ------------------------------------------------------------------ embeddings

    def put_embeddings(self, model: str, vectors: dict[str, bytes]) -> None:
        with self._lock, self.engine.begin() as conn:
            ids = list(vectors)
            for i in range(0, len(ids), 500):
                conn.execute(
                    delete(embeddings).where(
                        embeddings.c.model == model, embeddings.c.article_id.in_(ids[i : i + 500])
                    )
                )
            if vectors:
                conn.execute(
                    insert(embeddings),
                    [{"article_id": k, "model": model, "vector": v} for k, v in vectors.items()],
                )

    def get_embeddings(self, model: str, ids: Iterable[str]) -> dict[str, bytes]:
        wanted = list(ids)
        out: dict[str, bytes] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                stmt = select(embeddings.c.article_id, embeddings.c.vector).where(
                    embeddings.c.model == model, embeddings.c.article_id.in_(wanted[i : i + 500])
                )
                out.update({r[0]: r[1] for r in conn.execute(stmt)})
        return out

    # ------------------------------------------------------------------ stories and verdicts

    def put_story(self, story: Story, counts: dict[str, int] | None = None) -> None:
        """Insert or replace one story and its memberships (an article is in one story)."""
        counts = counts or {}
        row = {
            "id": story.id,
            "title": story.title,
            "size": len(story.article_ids),
            "first_published": story.first_published,
            "last_published": story.last_published,
            "outlets": "|".join(story.outlets),
            "updated_at": _now(),
            "corroborated": counts.get("corroborated", 0),
            "contested": counts.get("contested", 0),
            "single_source": counts.get("single-source", 0),
            "data": _dumps(story),
        }
        with self._lock, self.engine.begin() as conn:
            conn.execute(delete(stories).where(stories.c.id == story.id))
            conn.execute(insert(stories).values(**row))
            conn.execute(delete(story_articles).where(story_articles.c.story_id == story.id))
            if story.article_ids:
                conn.execute(
                    delete(story_articles).where(
                        story_articles.c.article_id.in_(list(story.article_ids))
                    )
                )
                conn.execute(
                    insert(story_articles),
                    [{"article_id": a, "story_id": story.id} for a in story.article_ids],
                )

    def delete_story(self, story_id: str) -> None:
        with self._lock, self.engine.begin() as conn:
            conn.execute(delete(stories).where(stories.c.id == story_id))
            conn.execute(delete(story_articles).where(story_articles.c.story_id == story_id))
            conn.execute(delete(verdicts).where(verdicts.c.story_id == story_id))

    def get_story(self, story_id: str) -> Story | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(stories.c.data).where(stories.c.id == story_id)).first()
            if row is None and len(story_id) >= 6:
                rows = conn.execute(
                    select(stories.c.data).where(stories.c.id.startswith(story_id)).limit(2)
                ).all()
                row = rows[0] if len(rows) == 1 else None
        return Story.from_dict(json.loads(row[0])) if row else None

    def story_of(self, article_id: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)
            ).first()
        return row[0] if row else None

    def list_stories(
        self,
        *,
        query: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = 50,
        offset: int = 0,
    ) -> list[Story]:
        """Largest, then most recent first."""
        stmt = select(stories.c.data).order_by(
            stories.c.size.desc(), stories.c.last_published.desc(), stories.c.id
        )
        if query:
            like = f"%{query.lower()}%"
            stmt = stmt.where(
                or_(func.lower(stories.c.title).like(like), func.lower(stories.c.data).like(like))
            )
        if outlet:
            stmt = stmt.where(func.lower(stories.c.outlets).like(f"%{outlet.lower()}%"))
        if since:
            stmt = stmt.where(stories.c.last_published >= since)
        if until:
            stmt = stmt.where(stories.c.first_published <= until + "\uffff")
        if limit is not None:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        with self.engine.connect() as conn:
            return [Story.from_dict(json.loads(r[0])) for r in conn.execute(stmt)]

    def search_stories(
        self,
        *,
        query: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity_ids: Sequence[str] | None = None,
        limit: int = 50,
        offset: int = 0,
        count_limit: int | None = 10_000,
    ) -> tuple[list[tuple[Story, dict[str, int]]], int]:
        """One page of stories with their verdict counts, and how many match in all.

        With filters, the count stops at ``count_limit + 1`` (meaning "more than count_limit").

        Same order and filters as :meth:`list_stories`; ``entity_ids`` keeps stories naming any
        of those entities. Ordered over ``ix_stories_rank`` so a page costs the same at any size.
        """
        conds: list[Any] = []
        if query:
            like = f"%{query.lower()}%"
            # Title and outlets: the rest of a story row is ids, not words.
            conds.append(
                or_(
                    func.lower(stories.c.title).like(like),
                    func.lower(stories.c.outlets).like(like),
                )
            )
        if outlet:
            conds.append(func.lower(stories.c.outlets).like(f"%{outlet.lower()}%"))
        if since:
            conds.append(stories.c.last_published >= since)
        if until:
            conds.append(stories.c.first_published <= until + "\uffff")
        if entity_ids is not None:
            if not entity_ids:
                return [], 0
            conds.append(or_(*(stories.c.data.like(f'%"{e}"%') for e in entity_ids)))
        stmt = (
            select(
                stories.c.data, stories.c.corroborated, stories.c.contested, stories.c.single_source
            )
            .where(*conds)
            .order_by(stories.c.size.desc(), stories.c.last_published.desc(), stories.c.id)
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            page = [
                (
                    _story_from_json(r[0]),
                    {"corroborated": r[1], "contested": r[2], "single-source": r[3]},
                )
                for r in conn.execute(stmt)
            ]
            if conds and count_limit is not None:
                # A filtered count scans every match; past count_limit the page says "more than".
                matches = select(stories.c.id).where(*conds).limit(count_limit + 1).subquery()
                total = conn.execute(select(func.count()).select_from(matches)).scalar()
            else:
                total = conn.execute(select(func.count()).select_from(stories)).scalar()
        return page, int(total or 0)

    def count_stories(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(stories)).scalar() or 0)

    def story_counts(self, story_id: str) -> dict[str, int]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(stories.c.corroborated, stories.c.contested, stories.c.single_source).where(
                    stories.c.id == story_id
                )
            ).first()
        if row is None:
            return {}
        return {"corroborated": row[0], "contested": row[1], "single-source": row[2]}

    def put_verdicts(self, story_id: str, items: Sequence[Verdict]) -> None:
        counts: dict[str, int] = {}
        for v in items:
            counts[v.label.value] = counts.get(v.label.value, 0) + 1
        with self._lock, self.engine.begin() as conn:
            conn.execute(delete(verdicts).where(verdicts.c.story_id == story_id))
            conn.execute(insert(verdicts).values(story_id=story_id, data=_dumps(list(items))))
            conn.execute(
                update(stories)
                .where(stories.c.id == story_id)
                .values(
                    corroborated=counts.get("corroborated", 0),
                    contested=counts.get("contested", 0),
                    single_source=counts.get("single-source", 0),
                )
            )

    def get_verdicts(self, story_id: str) -> list[Verdict]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(verdicts.c.data).where(verdicts.c.story_id == story_id)
            ).first()
        return [Verdict.from_dict(v) for v in json.loads(row[0])] if row else []


_STORY_FIELDS = tuple(f.name for f in dataclasses.fields(Story))


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _story_from_json(text: str) -> Story:
    """Story.from_dict without its generic type walk: a Story holds only strings and tuples,
    and a page of the stories list parses fifty of them."""
    data = json.loads(text)
    return Story(**{k: _tuples(data[k]) for k in _STORY_FIELDS if k in data})


def open_store(url: str | None = None) -> Store:
    """Open (and create or upgrade) the store at ``url``; default from the options."""
    if url is None:
        from storyline.config import load_options

        url = load_options().db
    if "://" not in url:
        # A bare path is a SQLite file.
        url = f"sqlite:///{url}"
    return Store(url)


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
