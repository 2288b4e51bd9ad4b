"""Session stores: where chat sessions are cached, scoped by ``(user_id, session_id)``.

:class:`RedisSessionStore` serves production (plain Redis >= 6, Cluster-safe keys);
:class:`SQLiteSessionStore` is the embedded default (one file, no server). Both implement
:class:`SessionStore` with the same semantics, so either can back ``SessionChatMessageHistory``.
The Redis store is imported on first use, so using SQLite alone never imports ``redis``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cognee_langchain.core.lazy import lazy_exports
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


# Only the Redis store is lazy: using SQLite alone never imports ``redis``.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "RedisSessionStore": "cognee_langchain.sessions.redis",
        "DEFAULT_REDIS_URL": "cognee_langchain.sessions.redis",
    },
    globals(),
    __all__,
)
