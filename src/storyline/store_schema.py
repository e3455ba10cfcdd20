"""The store's schema: its tables and the ordered migrations that create and upgrade them.

:data:`MIGRATIONS` is an ordered list of steps, each applied once in its own transaction and
recorded in ``storyline_meta`` (see :class:`storyline.store.Store`), so an old store file is
upgraded in place when a newer storyline opens it. Append a step; never edit a released one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Connection

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "aliases",
    "articles",
    "embeddings",
    "entities",
    "meta_table",
    "metadata",
    "readings",
    "stories",
    "story_articles",
    "verdicts",
]

metadata = MetaData()

meta_table = Table(
    "storyline_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("url", Text, index=True),
    Column("version", Integer, nullable=False, default=1),
    Column("title", Text),
    Column("outlet", String(200), index=True),
    Column("author", Text),
    Column("published", String(40), index=True),
    Column("date_source", String(40)),
    Column("language", String(16)),
    Column("text", Text, nullable=False),
    Column("source", Text),
    Column("fetched_at", String(40)),
    Column("meta", Text, nullable=False, default="{}"),
    Column("ingested_at", String(40), nullable=False),
    # Monotonic insertion order: resumable iteration and "newest first" listings.
    Column("seq", Integer, nullable=False, index=True),
)

readings = Table(
    "readings",
    metadata,
    Column("article_id", String(32), primary_key=True),
    Column("data", Text, nullable=False),
    Column("reader", String(200), nullable=False, default=""),
)

entities = Table(
    "entities",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", Text, nullable=False, index=True),
    Column("type", String(40), nullable=False),
    Column("article_count", Integer, nullable=False, default=0),
    Column("data", Text, nullable=False),
)

aliases = Table(
    "aliases",
    metadata,
    Column("alias", String(300), primary_key=True),
    Column("canonical", String(300), nullable=False),
)

embeddings = Table(
    "embeddings",
    metadata,
    Column("article_id", String(32), primary_key=True),
    Column("model", String(200), primary_key=True),
    Column("vector", LargeBinary, nullable=False),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("first_published", String(40), index=True),
    Column("last_published", String(40)),
    Column("outlets", Text, nullable=False, default=""),
    Column("updated_at", String(40), nullable=False, index=True),
    Column("corroborated", Integer, nullable=False, default=0),
    Column("contested", Integer, nullable=False, default=0),
    Column("single_source", Integer, nullable=False, default=0),
    Column("data", Text, nullable=False),
)

# The stories page orders by this on every request: an index keeps it fast at 100,000 stories.
Index("ix_stories_rank", stories.c.size.desc(), stories.c.last_published.desc(), stories.c.id)

story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", String(32), primary_key=True),
    Column("story_id", String(32), nullable=False, index=True),
    Column("score", Float, nullable=False, default=0.0),
)

verdicts = Table(
    "verdicts",
    metadata,
    Column("story_id", String(32), primary_key=True),
    Column("data", Text, nullable=False),
)


def _migration_1(conn: Connection) -> None:
    metadata.create_all(conn)


def _migration_2(conn: Connection) -> None:
    # Stores made before ix_stories_rank existed get it (new ones have it from step 1).
    for index in stories.indexes:
        if index.name == "ix_stories_rank":
            index.create(conn, checkfirst=True)


# Ordered schema steps; append, never edit a released step.
MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _migration_1),
    (2, _migration_2),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
