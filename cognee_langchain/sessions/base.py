"""The session-store protocol shared by every backend, and the logic all backends share.

A session is an ordered, append-only list of LangChain messages owned by one user. Each stored
message has an absolute *sequence number* (0 for the first message ever appended to the session),
which survives ``max_messages`` trimming; persistence watermarks are expressed in sequence numbers,
so trimming never makes ``improve`` re-persist or skip a message.

**Cache state is kept together.** A session's count, its watermarks, its idempotency keys and its
messages are lost together or not at all (one Redis key, one SQLite transaction), so a count never
restarts below a watermark and a watermark never outlives its messages. Messages that leave the
cache before a reader passed them (trimmed, evicted, expired) are never silent: a read from the
watermark reports them in :attr:`SessionSlice.lost`. After a session expires (or, in Redis, is
evicted) the store still remembers its count for a while (at least ``ttl`` more in both backends):
reads report its messages as lost and the next append continues the numbering; once the store
forgets the count too, the session starts afresh from 0 with no watermark.

**One async convention.** The async methods (``aappend``, ``aread``, ...) are the contract: they
are the abstract methods of :class:`SessionStore`. The base class derives each sync twin
(``append``, ``read``, ...) from its async method through one generic bridge,
:func:`cognee_langchain.core.aio.run_sync`. Hence:

* a natively async backend (PostgreSQL via psycopg's async driver, say) implements only the
  async methods and gets working sync twins;
* a backend whose driver is sync (SQLite) implements the async methods by running its sync code
  off the event loop (on a worker thread);
* a backend may override a sync twin where its driver gives a faster native sync path than the
  bridge (SQLite runs its sync code directly; Redis has a sync client), and says so in a comment.
  An override must behave exactly like its async twin; the conformance suite
  (:class:`cognee_langchain.testing.SessionStoreConformanceTests`) runs both.

**Exactly once.** An append may carry an ``idempotency_key``: the store remembers the keys of a
session's last :data:`IDEMPOTENCY_KEYS_KEPT` keyed appends, each with the sequence count the
append returned, in the same atomic operation as the append itself. A retry with a remembered
key changes nothing and returns that count, so a caller who does not know whether an append was
applied (:class:`~cognee_langchain.errors.SessionWriteUnknownError`) retries it safely. Keys
belong to their session: they expire, and are deleted, with it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from langchain_core.messages import BaseMessage

from cognee_langchain.core.aio import run_sync
from cognee_langchain.core.defaults import DEFAULT_MAX_MESSAGE_CHARS
from cognee_langchain.core.validation import check_int, check_number
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import validate_id

__all__ = [
    "DEFAULT_MAX_MESSAGE_CHARS",
    "IDEMPOTENCY_KEYS_KEPT",
    "SessionInfo",
    "SessionSlice",
    "SessionStore",
    "StoredMessage",
    "check_idempotency_key",
    "check_max_message_chars",
    "check_max_messages",
    "check_scope",
    "check_since",
    "check_ttl",
    "check_watermark_move",
    "lost_below",
    "slice_bounds",
    "watermark_beyond_end",
]

IDEMPOTENCY_KEYS_KEPT = 1000
"""How many idempotency keys a session remembers: those of its latest keyed appends."""


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as the store keeps it: its absolute sequence number and its time.

    ``timestamp`` (epoch seconds) is the message's own time when it carries one
    (``additional_kwargs["created_at"]``, see :func:`cognee_langchain.sessions.codec.message_time`),
    else the time it was appended; persisting uses it as the time of the turn.
    """

    seq: int
    timestamp: float
    message: BaseMessage


@dataclass(frozen=True, slots=True)
class SessionSlice:
    """Messages of one session from sequence number ``start`` (inclusive) to ``end`` (exclusive).

    ``lost`` counts the messages a read from ``since`` asked for that the cache no longer holds:
    sequence numbers ``since .. start - 1``, which left it before anyone read them past ``since``
    (trimmed by ``max_messages``, evicted by Redis, or expired with their session while the store
    still remembers its count). A reader at its persistence watermark reports them: they can no
    longer be persisted. ``lost == start - since`` whenever ``start > since``; 0 otherwise.
    """

    session_id: str
    start: int
    end: int
    items: list[StoredMessage] = field(default_factory=list)
    lost: int = 0

    @property
    def messages(self) -> list[BaseMessage]:
        """The messages of the slice, in order, without sequence numbers or timestamps."""
        return [item.message for item in self.items]


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One entry of a user's session index.

    ``message_count`` is the number of messages currently stored (after any ``max_messages``
    trimming); times are POSIX timestamps (seconds).
    """

    session_id: str
    message_count: int
    created_at: float
    updated_at: float


class SessionStore(ABC):
    """Where chat sessions are cached, scoped by ``(user_id, session_id)``.

    Implementations validate every id (:func:`cognee_langchain.ids.validate_id`), refuse a
    message whose text exceeds ``max_message_chars`` before storing anything, make each append
    one atomic operation (no partial write, no interleaving with a concurrent writer) that
    honours its idempotency key, refresh the sliding TTL on every write and raise
    :class:`~cognee_langchain.errors.SessionStoreUnavailableError` when the backend cannot be
    reached. The ``a``-prefixed async methods are the abstract contract and never block the event
    loop; every sync twin runs its async method through :func:`~cognee_langchain.core.aio.run_sync`
    unless the backend overrides it with a native sync path (see the module docstring).
    """

    ttl: float | None
    max_messages: int | None
    max_message_chars: int | None = DEFAULT_MAX_MESSAGE_CHARS

    # -- writes ----------------------------------------------------------------------------------
    @abstractmethod
    async def aappend(
        self,
        user_id: str,
        session_id: str,
        messages: Sequence[BaseMessage],
        *,
        idempotency_key: str | None = None,
    ) -> int:
        """Append ``messages`` atomically; return the session's total sequence count afterwards.

        With an ``idempotency_key`` (any id-like string naming this append, e.g. a hash of the
        messages' ids) the append is applied at most once per session: when the session already
        saw the key (one of its last :data:`IDEMPOTENCY_KEYS_KEPT` keyed appends), nothing is
        written and the count the first append returned is returned again. Checking the key and
        appending are one atomic operation, so concurrent retries apply it exactly once. The key
        names the append, not its content: reuse it only to retry the very same messages. An
        empty append records nothing, not even its key.
        """

    def append(
        self,
        user_id: str,
        session_id: str,
        messages: Sequence[BaseMessage],
        *,
        idempotency_key: str | None = None,
    ) -> int:
        """Sync twin of :meth:`aappend`."""
        if idempotency_key is None:  # a backend written before idempotency keys still works
            return run_sync(self.aappend(user_id, session_id, messages))
        return run_sync(
            self.aappend(user_id, session_id, messages, idempotency_key=idempotency_key)
        )

    @abstractmethod
    async def adelete(self, user_id: str, session_id: str) -> None:
        """Delete the session, its index entry, watermarks and idempotency keys (none is fine)."""

    def delete(self, user_id: str, session_id: str) -> None:
        """Sync twin of :meth:`adelete`."""
        run_sync(self.adelete(user_id, session_id))

    @abstractmethod
    async def atouch(self, user_id: str, session_id: str) -> None:
        """Refresh the session's sliding TTL without writing (no-op when ``ttl`` is ``None``)."""

    def touch(self, user_id: str, session_id: str) -> None:
        """Sync twin of :meth:`atouch`."""
        run_sync(self.atouch(user_id, session_id))

    # -- reads -----------------------------------------------------------------------------------
    @abstractmethod
    async def aread(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Return the stored messages with sequence number ``>= since`` (all by default).

        A session that does not exist reads as an empty slice with ``start == end == since``.
        When messages from ``since`` on left the cache (trimmed by ``max_messages``, evicted,
        expired), the slice starts at the oldest stored message and ``slice.lost`` (``start -
        since``) counts them. A session whose messages all expired (or were evicted) while the
        store still remembers its count reads as an empty slice at that count, its messages from
        ``since`` on counted in ``lost``; its next append continues the numbering.
        """

    def read(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Sync twin of :meth:`aread`."""
        return run_sync(self.aread(user_id, session_id, since))

    @abstractmethod
    async def alist_sessions(self, user_id: str) -> list[SessionInfo]:
        """The user's sessions, most recently updated first."""

    def list_sessions(self, user_id: str) -> list[SessionInfo]:
        """Sync twin of :meth:`alist_sessions`."""
        return run_sync(self.alist_sessions(user_id))

    # -- persistence watermarks, per (session, dataset) -----------------------------------------
    @abstractmethod
    async def aget_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Sequence number up to which the session was persisted into ``dataset`` (0 if never)."""

    def get_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Sync twin of :meth:`aget_watermark`."""
        return run_sync(self.aget_watermark(user_id, session_id, dataset))

    @abstractmethod
    async def aadvance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Compare-and-set: move the watermark from ``expected`` to ``new`` (``new > expected``).

        Returns ``False``, changing nothing, when the current value is not ``expected`` (another
        run advanced it first) or the session does not exist.
        """

    def advance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Sync twin of :meth:`aadvance_watermark`."""
        return run_sync(self.aadvance_watermark(user_id, session_id, dataset, expected, new))

    # -- lifecycle -------------------------------------------------------------------------------
    async def aclose(self) -> None:  # noqa: B027 - optional hook, most backends need it
        """Release connections. The store must not be used afterwards; closing twice is fine."""

    def close(self) -> None:
        """Sync twin of :meth:`aclose`."""
        run_sync(self.aclose())


# -- argument checks shared by every backend ---------------------------------------------------
_TTL = "ttl (seconds, or None to keep sessions forever)"
_MIN_TTL, _MAX_TTL = 0.001, 1e9


def check_scope(user_id: object, session_id: object) -> tuple[str, str]:
    """Validate a ``(user_id, session_id)`` pair; raise :class:`InvalidInputError` if unusable."""
    if type(user_id) is str and type(session_id) is str:
        return _check_str_scope(user_id, session_id)
    return validate_id(user_id, "user_id"), validate_id(session_id, "session_id")


@lru_cache(maxsize=4096)
def _check_str_scope(user_id: str, session_id: str) -> tuple[str, str]:
    # Every store call validates its ids, and one turn is several calls on the same pair.
    return validate_id(user_id, "user_id"), validate_id(session_id, "session_id")


def check_idempotency_key(key: object) -> str | None:
    """Validate an append's ``idempotency_key`` (``None``: no key); id rules, at most 256 chars."""
    return None if key is None else validate_id(key, "idempotency_key")


def check_since(since: object) -> int:
    """Validate the ``since`` sequence number of a read."""
    return check_int(since, "since", 0)


def check_watermark_move(dataset: object, expected: object, new: object) -> tuple[str, int, int]:
    """Validate the arguments of :meth:`SessionStore.advance_watermark`."""
    dataset = validate_id(dataset, "dataset")
    expected = check_int(expected, "expected", 0)
    new = check_int(new, "new", 0)
    if new <= expected:
        raise InvalidInputError(
            f"A watermark only moves forward: new ({new}) must be greater than expected "
            f"({expected}); read the current value with get_watermark() first."
        )
    return dataset, expected, new


def watermark_beyond_end(dataset: str, new: int, total: int) -> InvalidInputError:
    """The error for a watermark past the last message, which would skip future messages."""
    return InvalidInputError(
        f"Cannot move the watermark of dataset {dataset!r} to {new}: the session only has "
        f"{total} messages; pass a sequence number from read() (at most slice.end)."
    )


def check_ttl(ttl: object) -> float | None:
    """Validate a sliding TTL in seconds (``None`` disables expiry)."""
    if ttl is None:
        return None
    seconds = check_number(ttl, _TTL, minimum=_MIN_TTL)
    if seconds >= _MAX_TTL:  # includes infinity: "never" is spelt None
        raise InvalidInputError(f"{_TTL} must be a number < 1e9, got {ttl!r}.")
    return seconds


def check_max_messages(max_messages: object) -> int | None:
    """Validate ``max_messages`` (``None`` keeps every message)."""
    if max_messages is None:
        return None
    return check_int(max_messages, "max_messages", 1)


def check_max_message_chars(max_message_chars: object) -> int | None:
    """Validate ``max_message_chars`` (``None``: no limit on a message's text)."""
    if max_message_chars is None:
        return None
    return check_int(max_message_chars, "max_message_chars", 1)


def slice_bounds(since: int, first: int, total: int) -> tuple[int, int]:
    """``(start, end)`` of a read from ``since`` when sequence numbers ``first..total-1`` exist."""
    start = max(since, first)
    return start, max(total, start)


def lost_below(since: int, start: int) -> int:
    """The ``lost`` count of a slice read from ``since`` that starts at ``start``."""
    return max(start - since, 0)
