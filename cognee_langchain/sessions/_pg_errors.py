"""How :class:`~cognee_langchain.sessions.postgres.PostgresSessionStore` reports PostgreSQL
failures: the one mapping from psycopg's (and its pool's) exceptions to the package's.

* Unreachable or interrupted (connection refused, lost or terminated, a server starting or
  shutting down, no pooled connection within ``timeout``, too many clients, a serialization
  failure, deadlock or cancelled statement), or any other failure of the server:
  :class:`~cognee_langchain.errors.SessionStoreUnavailableError`, retryable. The transaction
  rolled back, so nothing of the call was written, and the pool replaces a broken connection:
  the next call after the server answers again works.
* An append whose ``COMMIT`` was sent but never answered (the connection was lost while
  committing) may have been applied:
  :class:`~cognee_langchain.errors.SessionWriteUnknownError`, to retry with the same
  ``idempotency_key``.
* Refused (:class:`~cognee_langchain.errors.SessionStoreRefusedError`, not retryable, naming
  the fix; nothing was written). ``reason`` is one of ``authentication`` (wrong user or
  password, or ``pg_hba.conf``), ``no_database`` (the DSN's database does not exist),
  ``no_permission`` (the user may not create or write the store's tables), ``read_only`` (a
  standby server), ``disk_full`` or ``schema_missing`` (the store's tables were dropped while it
  was open).

libpq reports connection failures without an SQLSTATE, so those are recognised by their text.
No message shows a password: URLs and driver texts go through
:mod:`cognee_langchain.core.redaction`.
"""

from __future__ import annotations

import logging

import psycopg
from psycopg_pool import PoolTimeout

from cognee_langchain.core.redaction import redact_text
from cognee_langchain.errors import SessionStoreRefusedError, SessionStoreUnavailableError
from cognee_langchain.sessions.errors import unavailable, write_unknown

__all__ = ["translate"]

logger = logging.getLogger(__name__)

_NOTHING_WRITTEN = "Nothing of this call was written (the transaction rolled back)"
_FIX_LOGIN = (
    "fix the user and password in the DSN (postgresql://user:password@host:5432/dbname, "
    "percent-encoding special characters), or allow this host and user in the server's "
    "pg_hba.conf."
)
_REFUSALS = {
    "authentication": _FIX_LOGIN,
    "no_database": "create the database (createdb NAME, or CREATE DATABASE NAME) or fix its "
    "name in the DSN.",
    "no_permission": "grant the DSN's user the right to create the store's schema (GRANT "
    "CREATE ON DATABASE ...), or create the schema for it and grant it USAGE, CREATE and the "
    "right to read and write its tables.",
    "read_only": "this server is a read-only standby: point the DSN at the primary.",
    "disk_full": "free space on the server's disk; nothing of this call was written.",
    "schema_missing": "the store's tables are gone (was its schema dropped while it was "
    "open?): open a new store, which creates them again.",
}
_REFUSED_STATES = {
    "28000": "authentication",
    "28P01": "authentication",
    "3D000": "no_database",
    "42501": "no_permission",
    "25006": "read_only",
    "53100": "disk_full",
    "3F000": "schema_missing",
    "42P01": "schema_missing",
}
# libpq's words for a refused login or database, which come without an SQLSTATE.
_REFUSED_TEXTS = (
    (("authentication failed",), "authentication"),
    (("no pg_hba.conf entry",), "authentication"),
    (("role", "does not exist"), "authentication"),
    (("is not permitted to log in",), "authentication"),
    (("database", "does not exist"), "no_database"),
    (("permission denied for database",), "no_permission"),
)
_RETRY_SOON = {
    "53300": "The server has too many clients: lower max_size of this store's pool (or of "
    "other clients) or raise the server's max_connections, then retry.",
    "53200": "The server ran out of memory: retry once it has memory again.",
}
_FIX_REACH = (
    "Start PostgreSQL or fix the host and port in the DSN, then retry: the store reconnects by "
    "itself once the server answers."
)
# A serialization failure, a deadlock, a lock not granted, a cancelled statement.
_BUSY = ("40001", "40P01", "55P03", "57014")
_FIX_BUSY = "Another transaction got in the way: retry."
_FIX_OTHER = "Retry; if it fails again, report it with this message."
_FIX_POOL = (
    "No connection within the store's timeout: the server is down or unreachable, or every "
    "connection of the pool is busy. Start the server, or raise max_size or timeout; the next "
    "call retries."
)


def _lost(exc: psycopg.Error) -> bool:
    """Whether ``exc`` is the connection ending (so a COMMIT in flight may have been applied)."""
    state = exc.sqlstate or ""
    return isinstance(exc, psycopg.OperationalError) and (
        not state or state.startswith("08") or state in ("57P01", "57P02", "57P03")
    )


def _refusal(exc: psycopg.Error) -> str | None:
    if exc.sqlstate:
        return _REFUSED_STATES.get(exc.sqlstate)
    text = str(exc)
    if isinstance(exc, psycopg.OperationalError):
        for words, reason in _REFUSED_TEXTS:
            if all(word in text for word in words):
                return reason
    return None


def _with_fix(
    error: SessionStoreUnavailableError, cause: BaseException, fix: str
) -> SessionStoreUnavailableError:
    error.args = (
        redact_text(
            f"Session store at {error.url} is unavailable ({type(cause).__name__}: {cause}). {fix}"
        ),
    )
    return error


def translate(
    url: str, exc: psycopg.Error | PoolTimeout, *, committing: bool = False
) -> SessionStoreUnavailableError:
    """The package's error for ``exc``; ``committing``: it was raised by an append's COMMIT."""
    error: SessionStoreUnavailableError
    if isinstance(exc, PoolTimeout):
        error = _with_fix(unavailable(url, exc), exc, _FIX_POOL)
    elif (reason := _refusal(exc)) is not None:
        error = SessionStoreRefusedError(url, reason, _REFUSALS[reason], exc)
    elif committing and _lost(exc):
        error = write_unknown(url, exc)
    elif exc.sqlstate in _RETRY_SOON:
        error = _with_fix(unavailable(url, exc), exc, _RETRY_SOON[exc.sqlstate])
    else:
        fix = _FIX_REACH if _lost(exc) else _FIX_BUSY if exc.sqlstate in _BUSY else _FIX_OTHER
        error = _with_fix(unavailable(url, exc), exc, f"{_NOTHING_WRITTEN}. {fix}")
    # The message is redacted by construction and quotes no data.
    logger.info("PostgreSQL session store failed: %s: %s", type(error).__name__, error)
    return error
