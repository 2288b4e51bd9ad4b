"""Fixtures shared by the integration tests that run the package's real parts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cognee_langchain.embeddings import WordLlamaEmbeddings
from cognee_langchain.sessions import RedisSessionStore, SessionStore, SQLiteSessionStore


@pytest.fixture(scope="module")
def embeddings() -> WordLlamaEmbeddings:
    """The offline default model, loaded once per module."""
    return WordLlamaEmbeddings()


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def session_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SessionStore]:
    """Each session store backend: embedded SQLite, and Redis under the test's own prefix."""
    store: SessionStore
    if request.param == "redis":
        store = RedisSessionStore(
            request.getfixturevalue("redis_url"), prefix=request.getfixturevalue("redis_prefix")
        )
    else:
        store = SQLiteSessionStore(tmp_path / "sessions.sqlite")
    yield store
    store.close()
