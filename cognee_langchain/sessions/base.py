"""The session-store protocol shared by every backend, and the logic all backends share.

A session is an ordered, append-only list of LangChain messages owned by one user. Each stored
message has an absolute *sequence number* (0 for the first message ever appended to the session),
which survives ``max_messages`` trimming; persistence watermarks are expressed in sequence numbers,
so trimming never makes ``improve`` re-persist or skip a message.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.messages import BaseMessage

__all__ = ["SessionInfo", "SessionSlice", "SessionStore", "StoredMessage"]


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as the store keeps it: its absolute sequence number and append time."""

    seq: int
    timestamp: float
    message: BaseMessage


@dataclass(frozen=True, slots=True)
class SessionSlice:
    """Messages of one session from sequence number ``start`` (inclusive) to ``end`` (exclusive)."""

    session_id: str
    start: int
    end: int
    items: list[StoredMessage] = field(default_factory=list)

    @property
    def messages(self) -> list[BaseMessage]:
        return [item.message for item in self.items]


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One entry of a user's session index."""

    session_id: str
    message_count: int
    created_at: float
    updated_at: float


class SessionStore(ABC):
    """Where chat sessions are cached, scoped by ``(user_id, session_id)``.

    Implementations validate every id (:func:`cognee_langchain.ids.validate_id`), make each
    :meth:`append` one atomic operation (no partial write, no interleaving with a concurrent
    writer), refresh the sliding TTL on every write and raise
    :class:`~cognee_langchain.errors.SessionStoreUnavailableError` when the backend cannot be
    reached. Every method has an ``a``-prefixed async twin that does not block the event loop.
    """

    ttl: float | None
    max_messages: int | None

    # -- writes ----------------------------------------------------------------------------------
    @abstractmethod
    def append(self, user_id: str, session_id: str, messages: Sequence[BaseMessage]) -> int:
        """Append ``messages`` atomically; return the session's total sequence count afterwards."""

    @abstractmethod
    async def aappend(self, user_id: str, session_id: str, messages: Sequence[BaseMessage]) -> int:
        """Async twin of :meth:`append`."""

    @abstractmethod
    def delete(self, user_id: str, session_id: str) -> None:
        """Delete the session, its index entry and its watermarks. Deleting nothing is fine."""

    @abstractmethod
    async def adelete(self, user_id: str, session_id: str) -> None:
        """Async twin of :meth:`delete`."""

    @abstractmethod
    def touch(self, user_id: str, session_id: str) -> None:
        """Refresh the session's sliding TTL without writing (no-op when ``ttl`` is ``None``)."""

    @abstractmethod
    async def atouch(self, user_id: str, session_id: str) -> None:
        """Async twin of :meth:`touch`."""

    # -- reads -----------------------------------------------------------------------------------
    @abstractmethod
    def read(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Return the stored messages with sequence number ``>= since`` (all by default).

        A session that does not exist reads as an empty slice with ``start == end == since``.
        """

    @abstractmethod
    async def aread(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Async twin of :meth:`read`."""

    @abstractmethod
    def list_sessions(self, user_id: str) -> list[SessionInfo]:
        """The user's sessions, most recently updated first."""

    @abstractmethod
    async def alist_sessions(self, user_id: str) -> list[SessionInfo]:
        """Async twin of :meth:`list_sessions`."""

    # -- persistence watermarks, per (session, dataset) -----------------------------------------
    @abstractmethod
    def get_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Sequence number up to which the session was persisted into ``dataset`` (0 if never)."""

    @abstractmethod
    async def aget_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Async twin of :meth:`get_watermark`."""

    @abstractmethod
    def advance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Compare-and-set: move the watermark from ``expected`` to ``new`` (``new > expected``).

        Returns ``False``, changing nothing, when the current value is not ``expected`` (another
        run advanced it first).
        """

    @abstractmethod
    async def aadvance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Async twin of :meth:`advance_watermark`."""

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:  # noqa: B027 - optional hook, most backends need it
        """Release connections. The store must not be used afterwards."""

    async def aclose(self) -> None:  # noqa: B027
        """Async twin of :meth:`close`."""
