"""The session cache as LangChain sees it: a ``BaseChatMessageHistory`` over a session store.

``langchain_core`` marks ``BaseChatMessageHistory`` deprecated (1.6.4) but only warns when the
base class itself is instantiated; subclassing it, as here, emits nothing, so our users see no
deprecation noise from this class.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from langchain_core.chat_history import BaseChatMessageHistory
from langchain_core.messages import BaseMessage

from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import validate_id
from cognee_langchain.services.recording import recording_key
from cognee_langchain.sessions.base import SessionStore
from cognee_langchain.sessions.sqlite import DEFAULT_SQLITE_PATH, SQLiteSessionStore
from cognee_langchain.users import DEFAULT_USER_ID

__all__ = ["SessionChatMessageHistory"]


class SessionChatMessageHistory(BaseChatMessageHistory):
    """Chat history of one session, scoped by ``(user_id, session_id)``, kept in a session store.

    Every ``add_messages`` call is one atomic append (one round trip on Redis), so a turn added
    as ``[HumanMessage, AIMessage]`` stays adjacent under concurrent writers. Works by hand and
    with ``RunnableWithMessageHistory``::

        history = SessionChatMessageHistory("demo_session")
        history.add_messages([HumanMessage("Who leads Acme?"), AIMessage("Ada Lovelace.")])
        history.messages  # [HumanMessage(...), AIMessage(...)]

    Args:
        session_id: the session to read and extend.
        user_id: the session's owner; defaults to the default user's id.
        store: any :class:`~cognee_langchain.sessions.SessionStore`; defaults to the
            process-wide SQLite store at ``./.cognee_langchain/sessions.sqlite``, opened on
            first use.
    """

    def __init__(
        self,
        session_id: str,
        *,
        user_id: str | None = None,
        store: SessionStore | None = None,
    ) -> None:
        self.session_id = validate_id(session_id, "session_id")
        self.user_id = DEFAULT_USER_ID if user_id is None else validate_id(user_id, "user_id")
        if store is not None and not isinstance(store, SessionStore):
            raise InvalidInputError(
                f"store must be a SessionStore, got {type(store).__name__}: pass "
                "RedisSessionStore(...) or SQLiteSessionStore(...)."
            )
        self._store = store
        # Resolved now, against the working directory the history was created in.
        self._default_path = os.path.abspath(DEFAULT_SQLITE_PATH)

    @property
    def store(self) -> SessionStore:
        """The session store (the shared embedded SQLite store unless one was given)."""
        if self._store is not None:
            return self._store
        # Looked up on every use, so a shared store closed elsewhere is transparently reopened.
        return SQLiteSessionStore.shared(self._default_path)

    @property
    def messages(self) -> list[BaseMessage]:  # type: ignore[override]  # base: plain attribute
        """The session's messages, oldest first."""
        return self.store.read(self.user_id, self.session_id).messages

    async def aget_messages(self) -> list[BaseMessage]:
        """Async twin of :attr:`messages`."""
        return (await self.store.aread(self.user_id, self.session_id)).messages

    def add_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Append ``messages`` to the session in one atomic write.

        When every message carries an ``id``, the write is idempotent: adding the same ids again
        (a retry after :class:`~cognee_langchain.errors.SessionWriteUnknownError`) stores them
        once. Messages without ids are appended every time they are added.
        """
        self.store.append(
            self.user_id, self.session_id, messages, idempotency_key=_key_of(messages)
        )

    async def aadd_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Async twin of :meth:`add_messages`."""
        await self.store.aappend(
            self.user_id, self.session_id, messages, idempotency_key=_key_of(messages)
        )

    def clear(self) -> None:
        """Delete the session (its messages, index entry and persistence watermarks)."""
        self.store.delete(self.user_id, self.session_id)

    async def aclear(self) -> None:
        """Async twin of :meth:`clear`."""
        await self.store.adelete(self.user_id, self.session_id)

    def __repr__(self) -> str:
        store = (
            repr(self._store)
            if self._store is not None
            else f"SQLiteSessionStore.shared({self._default_path!r})"
        )
        return (
            f"{type(self).__name__}(session_id={self.session_id!r}, user_id={self.user_id!r}, "
            f"store={store})"
        )


def _key_of(messages: Sequence[BaseMessage]) -> str | None:
    """The idempotency key of appending ``messages``: from their ids, if they all have one."""
    ids = [message.id for message in messages if isinstance(message.id, str) and message.id]
    return recording_key(ids) if ids and len(ids) == len(messages) else None
