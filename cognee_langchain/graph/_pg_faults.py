"""The PostgreSQL graph store's one error mapping: a psycopg (or pool) exception becomes the
package's type.

Every entry point of :class:`~cognee_langchain.graph.postgres.PostgresGraphStore` (opening, each
read, each write) runs under :func:`translate`, so a caller never sees a raw psycopg error: a
server that cannot be reached, refuses the login or has no such database, and a connection lost
mid-call (server restart, backend terminated), are :class:`StoreUnavailableError` (retryable: the
transaction rolled back, and the pool replaces the broken connection); a serialization failure,
a deadlock or a lock not granted within the timeout are :class:`StoreBusyError` (retryable).
Messages name the store by its DSN with the password redacted.
"""

from __future__ import annotations

import psycopg
from psycopg_pool import PoolTimeout

from cognee_langchain.core.redaction import redact_text
from cognee_langchain.errors import StoreBusyError, StoreError, StoreUnavailableError

__all__ = ["translate"]

_RETRY = "Nothing was written (the transaction rolled back): retry"
_REACH = (
    "cannot be reached",
    "Start PostgreSQL (pg_ctlcluster 15 main start, or your service manager), or fix the host "
    "and port in the DSN; the next call reconnects by itself.",
)
# Connection failures libpq reports without an SQLSTATE: (words in its message, problem, fix).
_CONNECT = (
    (
        ("database", "does not exist"),
        "has no such database",
        "Create it (createdb NAME, or CREATE DATABASE) or fix the database name in the DSN.",
    ),
    (
        ("role", "does not exist"),
        "has no such user",
        "Fix the user in the DSN, or create the role (CREATE ROLE ... LOGIN).",
    ),
    (
        ("authentication failed",),
        "refused the login",
        "Fix the user and password in the DSN (or the server's pg_hba.conf).",
    ),
    (
        ("no pg_hba.conf entry",),
        "refused the login",
        "Allow this host and user in the server's pg_hba.conf, or fix the DSN.",
    ),
    (("resolve host",), "cannot be found", "Fix the host name in the DSN."),
    (("translate host name",), "cannot be found", "Fix the host name in the DSN."),
)
# SQLSTATEs of a connection the server ended (or never gave): class 08, and admin / crash
# shutdown or a server starting up (57P01-57P03).
_LOST = ("57P01", "57P02", "57P03")
# SQLSTATEs a retry resolves: serialization failure, deadlock, lock not available, a statement
# cancelled (a lock wait past lock_timeout reports 55P03; a statement_timeout 57014).
_BUSY = ("40001", "40P01", "55P03", "57014")
_UNAVAILABLE = {
    "53100": ("cannot grow: the server's disk is full", f"{_RETRY} once space is freed."),
    "53200": ("ran out of memory", f"{_RETRY} once the server has memory again."),
    "53300": (
        "refused the connection: too many clients",
        "Lower max_size of the store's pool (or of other clients), or raise the server's "
        "max_connections, then retry.",
    ),
    "25006": (
        "is read-only (a standby, or default_transaction_read_only)",
        "Point the DSN at the primary server; searches still work.",
    ),
    "42501": (
        "refused access (insufficient privilege)",
        "Grant the DSN's user USAGE and CREATE on the schema (or connect as its owner).",
    ),
    "42P01": (
        "lost a table (was the schema dropped while the store was open?)",
        "Open the store again: it re-creates the schema.",
    ),
}


def translate(exc: psycopg.Error, store: str) -> StoreError:
    """The package's error for a psycopg error of the store named ``store``."""
    if isinstance(exc, PoolTimeout):
        return StoreUnavailableError(
            store,
            "gave no connection in time (the server is down, or every connection of the pool "
            "is busy)",
            "Start the server, or raise the store's max_size or timeout; the next call retries.",
            exc,
        )
    code = exc.sqlstate or ""
    if code in _BUSY:
        return StoreBusyError(store, exc)
    if code in _UNAVAILABLE:
        problem, fix = _UNAVAILABLE[code]
        return StoreUnavailableError(store, problem, fix, exc)
    text = redact_text(str(exc)).lower()
    if isinstance(exc, psycopg.OperationalError) and not code:
        for words, problem, fix in _CONNECT:
            if all(word in text for word in words):
                return StoreUnavailableError(store, problem, fix, exc)
        if text.startswith("connection failed"):
            return StoreUnavailableError(store, *_REACH, exc)
    if code.startswith("08") or code in _LOST or isinstance(exc, psycopg.OperationalError):
        return StoreUnavailableError(
            store,
            "lost its connection to the server (a restart, a terminated backend, a network "
            "failure)",
            f"{_RETRY}; the store reconnects by itself once the server answers.",
            exc,
        )
    return StoreUnavailableError(
        store, "failed", "Retry; if it persists, report it with this message.", exc
    )
