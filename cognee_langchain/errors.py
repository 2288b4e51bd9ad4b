"""Exceptions raised by cognee-langchain.

Every error subclasses :class:`CogneeLangchainError` and its message says how to fix the problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "CogneeLangchainError",
    "ExtractionError",
    "InvalidInputError",
    "NoGraphDataError",
    "NoSessionsFoundError",
    "PermissionDeniedError",
    "SessionStoreUnavailableError",
    "SessionWriteUnknownError",
    "redact_url",
]


class CogneeLangchainError(Exception):
    """Base class of every error this package raises."""


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


def redact_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{user}:***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
