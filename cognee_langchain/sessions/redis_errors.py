"""How :class:`~cognee_langchain.sessions.redis.RedisSessionStore` reports Redis failures: the one
mapping from redis-py's exceptions to the package's, used by every method of the store.

* Unreachable (connection refused or lost, a timeout, a server still loading, a busy script):
  :class:`~cognee_langchain.errors.SessionStoreUnavailableError`, retryable. A write that was
  sent but not confirmed (a timeout waiting for the reply, a connection lost after sending) may
  have been applied: an append then raises
  :class:`~cognee_langchain.errors.SessionWriteUnknownError`, which says to retry with the same
  ``idempotency_key``. Only a failure while the connection pool was connecting, before anything
  was sent, is known not to have applied anything.
* Refused (:class:`~cognee_langchain.sessions.errors.SessionStoreRefusedError`, not retryable,
  naming the fix): a wrong password or ACL user, an ACL that forbids a command (NOPERM),
  ``maxmemory`` reached with nothing freed for the write (OOM: always under ``noeviction``, and
  under an evicting policy that cannot free enough), a read-only replica (READONLY, e.g. after a
  failover), writes stopped after a failed save (MISCONF). Redis checks each of these before the
  script's first write, so nothing was written.
* Cluster mix-ups, refused the same way: a plain client pointed at a Redis Cluster node gets a
  MOVED or ASK redirection for every user whose slot another node holds (nothing was applied):
  the fix is a ``redis+cluster://`` URL; a ``redis+cluster://`` URL pointed at a server without
  cluster mode: the fix is ``redis://``.
* A cluster that cannot serve (``CLUSTERDOWN``, a slot no node covers, no node reachable, too
  many redirections during a resharding): unavailable, retryable. redis-py raises some of these
  outside its ``RedisError`` tree (``RedisClusterException``); they are mapped all the same.
* Any other error reply: :class:`~cognee_langchain.errors.SessionStoreUnavailableError`.

No message shows a password: URLs and driver texts go through
:mod:`cognee_langchain.core.redaction`.
"""

from __future__ import annotations

import logging
from types import TracebackType

import redis
from redis.exceptions import RedisClusterException

from cognee_langchain.errors import SessionStoreRefusedError
from cognee_langchain.sessions.errors import unavailable, write_unknown

__all__ = ["Reachable", "translate"]

logger = logging.getLogger(__name__)

_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
_AUTH = (
    redis.exceptions.AuthenticationError,
    redis.exceptions.AuthenticationWrongNumberOfArgsError,
)
_FIX_ACL = (
    "grant the ACL user the commands the store runs on its keys (those under its prefix): "
    "EVALSHA, SCRIPT LOAD, HGET, HMGET, HSET, HDEL, HINCRBY, ZADD, ZREM, ZREVRANGE, DEL, "
    "PEXPIRE, PERSIST, EXISTS, and CLUSTER SLOTS on a Redis Cluster "
    "(e.g. ACL SETUSER <user> +@all ~<prefix>:*)."
)
_FIX_CLUSTER_NODE = (
    "this server is a node of a Redis Cluster, which holds only some users' keys: use a "
    "cluster URL, redis+cluster://host:port (rediss+cluster:// with TLS), or pass a "
    "redis.cluster.RedisCluster / redis.asyncio.cluster.RedisCluster client."
)
_FIX_NOT_CLUSTER = (
    "this server does not run in cluster mode: use redis://host:port/db (rediss:// with TLS) "
    "instead of redis+cluster://, or enable cluster mode on the server."
)
# (reply prefix, reason, fix), for error replies that name a lasting refusal.
_REFUSALS = (
    (
        "OOM",
        "out_of_memory",
        "Redis reached maxmemory and freed nothing for this write (it never does under "
        "maxmemory-policy noeviction; an evicting policy may not free enough): raise maxmemory, "
        "free memory, or give sessions a ttl so they expire.",
    ),
    (
        "READONLY",
        "read_only",
        "this server is a read-only replica (after a failover?): point the URL at the primary "
        "(or use Redis Sentinel / Cluster to follow failovers).",
    ),
    ("NOPERM", "no_permission", _FIX_ACL),
    (
        "MISCONF",
        "persistence_failed",
        "Redis stopped accepting writes because its last RDB/AOF save failed: fix the disk "
        "(space, permissions of its dir) and check the Redis log, or set "
        "stop-writes-on-bgsave-error no.",
    ),
)


def _refusal(exc: BaseException) -> tuple[str, str] | None:
    if isinstance(exc, redis.exceptions.AskError):  # MOVED too: a MovedError is an AskError
        # A cluster client follows redirections (and gives up with ClusterError): only a plain
        # client pointed at a cluster node ever sees one.
        return "cluster_node", _FIX_CLUSTER_NODE
    if isinstance(exc, redis.exceptions.NoPermissionError):
        return "no_permission", _FIX_ACL
    if isinstance(exc, redis.exceptions.OutOfMemoryError):
        return _REFUSALS[0][1:]
    if isinstance(exc, redis.exceptions.ReadOnlyError):
        return _REFUSALS[1][1:]
    text = str(exc).lstrip()
    for prefix, reason, fix in _REFUSALS:
        # A script's error carries the failed command's reply; a transaction's, its first one.
        if text.startswith(prefix) or f" {prefix} " in f" {text}" or f"-{prefix}" in text:
            return reason, fix
    if "no permissions" in text or "can't run this command" in text:
        return "no_permission", _FIX_ACL
    return None


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


def translate(url: str, exc: BaseException, *, write: bool = False) -> BaseException | None:
    """The package's error for redis-py's ``exc`` (``None``: not a Redis error, let it go)."""
    if isinstance(exc, _AUTH):  # before _UNREACHABLE: AuthenticationError is a ConnectionError
        return SessionStoreRefusedError(
            url,
            "authentication",
            "check the password (and ACL user name) in the URL, "
            "redis://user:password@host:6379/0, or on the clients you passed, and the ACL "
            f"user's rights: {_FIX_ACL}",
            exc,
        )
    if isinstance(exc, redis.exceptions.ResponseError):
        refusal = _refusal(exc)
        if refusal is not None:
            return SessionStoreRefusedError(url, *refusal, exc)
        return unavailable(url, exc)  # BUSY, MASTERDOWN, TRYAGAIN...: the server may recover
    if isinstance(exc, _UNREACHABLE):
        # A server still loading its data refuses every command: nothing was applied.
        loading = isinstance(exc, redis.exceptions.BusyLoadingError)
        if write and not loading and not _while_connecting(exc):
            return write_unknown(url, exc)
        return unavailable(url, exc)
    if isinstance(exc, redis.exceptions.RedisError):
        return unavailable(url, exc)
    if isinstance(exc, RedisClusterException):  # not a RedisError in redis-py
        if "Cluster mode is not enabled" in str(exc):
            return SessionStoreRefusedError(url, "not_a_cluster", _FIX_NOT_CLUSTER, exc)
        return unavailable(url, exc)
    return None


class Reachable:
    """``with`` guard: every redis-py failure becomes the package's error (see the module)."""

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
        error = translate(self._url, exc, write=self._write)
        if error is not None:
            # The message is redacted by construction (sessions/errors.py) and quotes no data.
            logger.info("Redis session store failed: %s: %s", type(error).__name__, error)
            raise error from exc
