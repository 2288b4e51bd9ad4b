"""Which Redis a :class:`~cognee_langchain.sessions.redis.RedisSessionStore` talks to: a single
server or a Redis Cluster, named by a URL (checked by :mod:`cognee_langchain.core.redis_urls`) or
by clients the caller built.

URL forms:

* ``redis://[user:password@]host:port/db``, ``rediss://...`` (TLS), ``unix:///path/to/socket``:
  one server, through ``redis.Redis`` / ``redis.asyncio.Redis``.
* ``redis+cluster://[user:password@]host:port``, ``rediss+cluster://...`` (TLS): a Redis Cluster,
  through ``redis.cluster.RedisCluster`` / ``redis.asyncio.cluster.RedisCluster``. The host is
  any one node (a seed): the client asks it for the cluster's layout, sends each command to the
  primary that holds its keys' slot, and follows MOVED/ASK redirections after a resharding. A
  cluster has only db 0.

Clients built here never retry a failed command (see the store): a retried append whose first
attempt reached the server would store the turn twice. A cluster client still follows
redirections, which are refusals (nothing was applied) and so safe to follow.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import redis
import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.cluster import RedisCluster
from redis.retry import Retry

from cognee_langchain.core.redis_urls import is_cluster_url, node_url
from cognee_langchain.errors import InvalidInputError

__all__ = [
    "AsyncClient",
    "SyncClient",
    "check_client",
    "describe",
    "new_async_client",
    "new_sync_client",
]

SyncClient: TypeAlias = redis.Redis | RedisCluster
AsyncClient: TypeAlias = aioredis.Redis | AsyncRedisCluster


def new_sync_client(url: str, timeout: float, connect_timeout: float) -> SyncClient:
    """A sync client for a checked ``url`` that never retries. A cluster client connects at
    once to read the cluster's layout (redis-py's ``RedisCluster`` does so when built)."""
    options: dict[str, Any] = {
        "retry": Retry(NoBackoff(), 0),
        "socket_timeout": timeout,
        "socket_connect_timeout": connect_timeout,
    }
    if is_cluster_url(url):
        return RedisCluster.from_url(node_url(url), **options)
    return redis.Redis.from_url(url, **options)


def new_async_client(url: str, timeout: float, connect_timeout: float) -> AsyncClient:
    """An async client for a checked ``url`` that never retries (it connects on first use)."""
    options: dict[str, Any] = {
        "retry": AsyncRetry(NoBackoff(), 0),
        "socket_timeout": timeout,
        "socket_connect_timeout": connect_timeout,
    }
    if is_cluster_url(url):
        return AsyncRedisCluster.from_url(node_url(url), **options)
    return aioredis.Redis.from_url(url, **options)


def _connection_kwargs(client: SyncClient | AsyncClient) -> dict[str, Any]:
    # A cluster client has no pool of its own (one per node), only the options of its nodes'.
    if isinstance(client, RedisCluster | AsyncRedisCluster):
        return dict(client.get_connection_kwargs())
    return dict(client.connection_pool.connection_kwargs)


def describe(client: SyncClient | AsyncClient | None) -> str:
    """A URL naming the server (or a cluster's seed node) a caller-built client talks to."""
    if isinstance(client, RedisCluster | AsyncRedisCluster):
        # The seed node (the first one the client was given): where its layout comes from.
        name = next(iter(client.nodes_manager.startup_nodes), "?:?")
        return f"redis+cluster://{name}"
    kwargs = {} if client is None else _connection_kwargs(client)
    if "path" in kwargs:
        return f"unix://{kwargs['path']}"
    return f"redis://{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"


def check_client(client: object, name: str, *, asynchronous: bool) -> None:
    """Refuse a client of the wrong kind (sync for async) or one that decodes responses."""
    kinds: tuple[type, ...] = (
        (aioredis.Redis, AsyncRedisCluster) if asynchronous else (redis.Redis, RedisCluster)
    )
    if not isinstance(client, kinds):
        expected = (
            "a redis.asyncio.Redis or redis.asyncio.cluster.RedisCluster"
            if asynchronous
            else "a redis.Redis or redis.cluster.RedisCluster"
        )
        raise InvalidInputError(
            f"{name} must be {expected}, got {type(client).__name__}: pass a sync client as "
            "client= and an async one as async_client=."
        )
    if _connection_kwargs(client).get("decode_responses"):  # type: ignore[arg-type]
        raise InvalidInputError(
            f"{name} was created with decode_responses=True; the store reads raw bytes: "
            "create it with decode_responses=False (the default)."
        )
