"""Session stores: where chat sessions are cached, scoped by ``(user_id, session_id)``.

:class:`RedisSessionStore` serves production (plain Redis >= 6, Cluster-safe keys);
:class:`PostgresSessionStore` serves those who run PostgreSQL and no Redis;
:class:`SQLiteSessionStore` is the embedded default (one file, no server). All implement
:class:`SessionStore` with the same semantics, so any can back ``SessionChatMessageHistory``.
The Redis and PostgreSQL stores are imported on first use, so using SQLite alone imports neither
``redis`` nor ``psycopg`` (and a missing ``psycopg`` is reported only when its store is used).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cognee_langchain.core.lazy import lazy_exports
from cognee_langchain.sessions.base import SessionInfo, SessionSlice, SessionStore, StoredMessage
from cognee_langchain.sessions.sqlite import DEFAULT_SQLITE_PATH, SQLiteSessionStore

if TYPE_CHECKING:
    from cognee_langchain.sessions.postgres import DEFAULT_SESSIONS_SCHEMA, PostgresSessionStore
    from cognee_langchain.sessions.redis import DEFAULT_REDIS_URL, RedisSessionStore

__all__ = [
    "DEFAULT_REDIS_URL",
    "DEFAULT_SESSIONS_SCHEMA",
    "DEFAULT_SQLITE_PATH",
    "PostgresSessionStore",
    "RedisSessionStore",
    "SQLiteSessionStore",
    "SessionInfo",
    "SessionSlice",
    "SessionStore",
    "StoredMessage",
]


# The server stores are lazy: using SQLite alone never imports ``redis`` or ``psycopg``.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "RedisSessionStore": "cognee_langchain.sessions.redis",
        "DEFAULT_REDIS_URL": "cognee_langchain.sessions.redis",
        "PostgresSessionStore": "cognee_langchain.sessions.postgres",
        "DEFAULT_SESSIONS_SCHEMA": "cognee_langchain.sessions.postgres",
    },
    globals(),
    __all__,
)
