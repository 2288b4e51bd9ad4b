"""Exceptions raised by cognee-langchain.

Every error subclasses :class:`CogneeLangchainError` and its message says how to fix the problem.
"""

from __future__ import annotations

from collections.abc import Iterable

from cognee_langchain.core.redaction import redact_text, redact_url

__all__ = [
    "CogneeLangchainError",
    "ExtractionError",
    "InvalidInputError",
    "NoGraphDataError",
    "NoSessionsFoundError",
    "PermissionDeniedError",
    "SessionStoreRefusedError",
    "SessionStoreUnavailableError",
    "SessionWriteUnknownError",
    "StoreBusyError",
    "StoreCorruptedError",
    "StoreError",
    "StoreUnavailableError",
    "WriteConflictError",
    "redact_url",
]


class CogneeLangchainError(Exception):
    """Base class of every error this package raises.

    ``retryable``: whether the same call may succeed when simply tried again later (a busy or
    unreachable store, a lost race); ``False`` when something must be fixed first.
    """

    retryable: bool = False


class InvalidInputError(CogneeLangchainError, ValueError):
    """An argument has the wrong type, is empty, too long, malformed or out of range."""


class NoSessionsFoundError(CogneeLangchainError, LookupError):
    """None of the requested session ids exist for this user."""

    def __init__(self, session_ids: Iterable[str], user_id: str | None = None) -> None:
        self.session_ids = list(session_ids)
        self.user_id = user_id
        who = f" for user {user_id!r}" if user_id else ""
        super().__init__(
            f"No sessions found{who} among {self.session_ids!r}: enable the session cache and "
            "call recall(..., session_id=...) first (or record turns with "
            "SessionChatMessageHistory)."
        )


class NoGraphDataError(CogneeLangchainError, LookupError):
    """The dataset has no graph data yet."""

    def __init__(self, dataset: str) -> None:
        self.dataset = dataset
        super().__init__(
            f"No graph data found in dataset {dataset!r}: run remember(..., dataset={dataset!r}) "
            "first."
        )


class ExtractionError(CogneeLangchainError, RuntimeError):
    """The chat model failed, or returned unusable output, after all retries.

    The original exception is available as ``__cause__`` and :attr:`cause`.
    """

    def __init__(
        self, message: str, cause: BaseException | None = None, *, fix: str | None = None
    ) -> None:
        self.cause = cause
        detail = f" (cause: {type(cause).__name__}: {cause})" if cause is not None else ""
        fix = fix or (
            "Check the chat model's provider configuration, API key and rate limits, or raise "
            "max_retries / timeout on the extractor."
        )
        super().__init__(f"{message}{detail}. {fix}")


class PermissionDeniedError(CogneeLangchainError, PermissionError):
    """The user lacks the permission an operation needs on a dataset or session."""

    def __init__(self, user_id: str, permission: str, target: str) -> None:
        self.user_id = user_id
        self.permission = permission
        self.target = target
        super().__init__(
            f"User {user_id!r} lacks {permission!r} permission on {target}: ask its owner to "
            f"grant it (memory.grant(dataset, user, {permission!r})) or act as a user who has it."
        )


class SessionStoreUnavailableError(CogneeLangchainError, ConnectionError):
    """The session store (e.g. Redis) could not be reached or timed out."""

    retryable = True

    def __init__(self, url: str, cause: BaseException | None = None) -> None:
        self.url = redact_url(url)
        self.cause = cause
        detail = f": {type(cause).__name__}: {cause}" if cause is not None else ""
        super().__init__(
            f"Session store at {self.url} is unavailable{detail}. Check that the server is "
            "running and reachable, or raise socket_timeout / socket_connect_timeout."
        )


class SessionWriteUnknownError(SessionStoreUnavailableError):
    """A session append was sent but never confirmed (a timeout, or a connection lost while
    waiting for the reply): it may or may not have been applied.

    Retrying with the same ``idempotency_key`` is safe: the store applies the append at most once.
    """

    def __init__(self, url: str, cause: BaseException | None = None) -> None:
        super().__init__(url, cause)
        detail = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
        self.args = (
            f"Session store at {self.url} did not confirm the append{detail}: it may or may "
            "not have been applied. Retry with the same idempotency_key "
            "(append(..., idempotency_key=key)), which applies it at most once; a retry without "
            "one may store the messages twice.",
        )


class SessionStoreRefusedError(SessionStoreUnavailableError):
    """The session store answered and refused the operation; retrying will not help until the
    fix in the message is applied (``retryable`` is ``False``). Nothing was written."""

    retryable = False

    def __init__(self, url: str, reason: str, fix: str, cause: BaseException | None = None) -> None:
        super().__init__(redact_url(url), cause)
        self.reason = reason
        self.fix = fix
        detail = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
        self.args = (
            redact_text(
                f"Session store at {self.url} refused the operation: {reason.replace('_', ' ')}"
                f"{detail}. Retrying will not help: {fix}"
            ),
        )


class StoreError(CogneeLangchainError):
    """The graph store failed for a reason outside the call's arguments.

    ``store``: what failed (e.g. the graph file's path); ``cause``: the driver's exception (also
    ``__cause__``). Nothing of the failed call was written: each write is one transaction.
    """

    def __init__(self, store: str, problem: str, fix: str, cause: BaseException | None = None):
        self.store = store
        self.cause = cause
        detail = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
        super().__init__(f"Graph store {store}: {problem}{detail}. {fix}")


class StoreBusyError(StoreError, TimeoutError):
    """Another process (or connection) held the graph store's lock longer than ``timeout``.
    Retryable: nothing was written; try again, or raise the store's ``timeout``."""

    retryable = True

    def __init__(self, store: str, cause: BaseException | None = None) -> None:
        super().__init__(
            store,
            "is locked by another process or connection",
            "Nothing was written: retry once the other writer finishes, or raise the store's "
            "timeout (SQLiteGraphStore(path, timeout=...)).",
            cause,
        )


class StoreUnavailableError(StoreError, OSError):
    """The graph store cannot be written or opened: a read-only file or directory, a full disk,
    an I/O error. Retryable once the named cause is fixed; nothing was written."""

    retryable = True

    def __init__(self, store: str, problem: str, fix: str, cause: BaseException | None = None):
        StoreError.__init__(self, store, problem, fix, cause)


class StoreCorruptedError(StoreError):
    """The graph file is damaged (or is not a graph file). Not retryable: the store refuses every
    further write to it; restore it from a backup, or rebuild the memory in a new file."""

    def __init__(self, store: str, detail: str, cause: BaseException | None = None) -> None:
        super().__init__(
            store,
            f"is damaged or not a graph file: {detail}",
            "Nothing more is written to it: restore the file from a backup, or move it away and "
            "remember your data again into a new data_dir (sqlite3's .recover can salvage rows).",
            cause,
        )


class WriteConflictError(StoreError):
    """A concurrent write (another process, another memory object) changed what this write was
    planned against: a record it links was forgotten meanwhile, or another run stored the same
    session messages first. Nothing was written. Retryable: ``remember`` and ``improve`` re-plan
    and retry by themselves and raise this only when the race persists."""

    retryable = True

    def __init__(self, store: str, detail: str, *, claimed: bool = False) -> None:
        #: ``True`` when session messages of the write were stored by another run first (re-plan
        #: which messages to write); ``False`` when a record it links was forgotten meanwhile.
        self.claimed = claimed
        super().__init__(
            store,
            f"a concurrent write changed what this write was planned against ({detail})",
            "Nothing was written: call again (it re-plans against the current graph).",
        )
