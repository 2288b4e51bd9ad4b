"""Building session-store errors without secrets, and the faults the stores refuse with.

:class:`~cognee_langchain.errors.SessionStoreRefusedError` (defined with every other error type
in :mod:`cognee_langchain.errors`) is a
:class:`~cognee_langchain.errors.SessionStoreUnavailableError` (so every existing handler, and
the CLI, still catch it; it has exit code 13) whose ``retryable`` is
``False``: retrying cannot help until an operator applies the fix its message names (raise
``maxmemory``, point the URL at the primary, grant the ACL, fix the disk, restore the file).
Nothing was written when it is raised. ``reason`` names the fault for programs:

=====================  ========================================================================
``reason``             raised when
=====================  ========================================================================
``out_of_memory``      Redis reached ``maxmemory`` under ``noeviction`` (OOM)
``read_only``          Redis is a read-only replica, e.g. after a failover (READONLY)
``no_permission``      the ACL user may not run a command the store needs (NOPERM)
``authentication``     the password or the ACL user name is wrong
``persistence_failed`` Redis refuses writes because its last RDB/AOF save failed (MISCONF)
``read_only_file``     the SQLite file (or its directory) is read-only
``disk_full``          the disk (or the SQLite file's size limit) is full
``corrupted``          the SQLite file is damaged, or is not a database
``io_error``           the disk failed to read or write the SQLite file
=====================  ========================================================================

Every message is passed through :func:`cognee_langchain.core.redaction.redact_text`, so no
password in a URL (userinfo or query string) is ever shown.
"""

from __future__ import annotations

from cognee_langchain.core.redaction import redact_text, redact_url
from cognee_langchain.errors import (
    SessionStoreUnavailableError,
    SessionWriteUnknownError,
)

__all__ = [
    "redacted",
    "unavailable",
    "write_unknown",
]


def redacted(error: SessionStoreUnavailableError) -> SessionStoreUnavailableError:
    """``error`` with every secret taken out of its message and ``url``."""
    error.url = redact_url(error.url)
    error.args = tuple(redact_text(arg) if isinstance(arg, str) else arg for arg in error.args)
    return error


def unavailable(url: str, cause: BaseException | None = None) -> SessionStoreUnavailableError:
    """A retryable :class:`SessionStoreUnavailableError` without any secret in it."""
    return redacted(SessionStoreUnavailableError(redact_url(url), cause))


def write_unknown(url: str, cause: BaseException | None = None) -> SessionStoreUnavailableError:
    """A :class:`SessionWriteUnknownError` (retry with the same key) without any secret."""
    return redacted(SessionWriteUnknownError(redact_url(url), cause))
