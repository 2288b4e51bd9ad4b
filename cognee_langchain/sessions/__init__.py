"""Session stores: where chat sessions are cached, scoped by ``(user_id, session_id)``.

:class:`RedisSessionStore` serves production (plain Redis >= 6, Cluster-safe keys);
:class:`SQLiteSessionStore` is the embedded default (one file, no server). Both implement
:class:`SessionStore` with the same semantics, so either can back ``SessionChatMessageHistory``.
The Redis store is imported on first use, so using SQLite alone never imports ``redis``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cognee_langchain.sessions.base import SessionInfo, SessionSlice, SessionStore, StoredMessage
from cognee_langchain.sessions.sqlite import DEFAULT_SQLITE_PATH, SQLiteSessionStore

if TYPE_CHECKING:
    from cognee_langchain.sessions.redis import DEFAULT_REDIS_URL, RedisSessionStore

__all__ = [
    "DEFAULT_REDIS_URL",
    "DEFAULT_SQLITE_PATH",
    "RedisSessionStore",
    "SQLiteSessionStore",
    "SessionInfo",
    "SessionSlice",
    "SessionStore",
    "StoredMessage",
]


def __getattr__(name: str) -> Any:
    if name in ("RedisSessionStore", "DEFAULT_REDIS_URL"):
        from cognee_langchain.sessions import redis as redis_store

        return getattr(redis_store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
