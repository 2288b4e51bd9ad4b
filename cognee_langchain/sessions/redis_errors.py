"""How :class:`~cognee_langchain.sessions.redis.RedisSessionStore` reports Redis failures.

A failure to reach the server, or a timeout, becomes
:class:`~cognee_langchain.errors.SessionStoreUnavailableError`. A write that was sent but not
confirmed (a timeout waiting for the reply, a connection lost after sending) may have been
applied: an append then raises :class:`~cognee_langchain.errors.SessionWriteUnknownError`, which
says to retry with the same ``idempotency_key``. Only a failure while the connection pool was
connecting, before anything was sent, is known not to have applied anything. Refused credentials
(a wrong password, an ACL user without a needed command) say so, instead of suggesting longer
timeouts.
"""

from __future__ import annotations

from types import TracebackType
from typing import NoReturn

import redis

from cognee_langchain.errors import SessionStoreUnavailableError, SessionWriteUnknownError

__all__ = ["Reachable"]

_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
_REFUSED = (
    redis.exceptions.AuthenticationError,
    redis.exceptions.AuthenticationWrongNumberOfArgsError,
    redis.exceptions.NoPermissionError,
)


def _refused(url: str, exc: BaseException) -> NoReturn:
    error = SessionStoreUnavailableError(url, exc)
    error.args = (
        f"Session store at {error.url} refused access ({type(exc).__name__}: {exc}). Check the "
        "password (and ACL user name) in the URL, redis://user:password@host:6379/0, or on the "
        "clients you passed, and that the ACL user may run EVALSHA, SCRIPT LOAD, HGET, DEL and "
        "ZREM on the store's keys (those under its prefix).",
    )
    raise error from exc


def _while_connecting(exc: BaseException) -> bool:
    """Whether ``exc`` came from the pool handing out a connection, so nothing was sent.

    Anything else (a timeout waiting for the reply, a connection lost after sending, a retry of
    a caller's client that reconnected) may have reached the server.
    """
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_name == "get_connection":
            return True
        traceback = traceback.tb_next
    return False


class Reachable:
    """``with`` guard: a connection failure or timeout becomes SessionStoreUnavailableError.

    For a write whose outcome is unknown when it fails after sending (``write=True``), that is
    SessionWriteUnknownError; refused credentials or permissions get their own hint.
    """

    __slots__ = ("_url", "_write")

    def __init__(self, url: str, *, write: bool = False) -> None:
        self._url = url
        self._write = write

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            return
        if isinstance(exc, _REFUSED):  # before _UNREACHABLE: AuthenticationError is one
            _refused(self._url, exc)
        if isinstance(exc, _UNREACHABLE):
            # A server still loading its data refuses every command: nothing was applied.
            loading = isinstance(exc, redis.exceptions.BusyLoadingError)
            if self._write and not loading and not _while_connecting(exc):
                raise SessionWriteUnknownError(self._url, exc) from exc
            raise SessionStoreUnavailableError(self._url, exc) from exc
