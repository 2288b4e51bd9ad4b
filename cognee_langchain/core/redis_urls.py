"""Redis URLs: the one check of a Redis location, for the settings and the session store alike.

``redis+cluster`` is the cluster form of ``redis`` (as ``rediss`` is its TLS form, and
``rediss+cluster`` both): ``redis+cluster://[user:password@]host:port`` names a Redis Cluster by
any one of its nodes. redis-py knows no such scheme; :func:`node_url` gives the node's plain URL
that its ``RedisCluster.from_url`` takes.
"""

from __future__ import annotations

from cognee_langchain.core.redaction import redact_url
from cognee_langchain.errors import InvalidInputError

__all__ = ["CLUSTER_SCHEMES", "REDIS_URL_SCHEMES", "check_redis_url", "is_cluster_url", "node_url"]

#: URL schemes that name a Redis Cluster (a seed node; the client finds the others).
CLUSTER_SCHEMES = ("redis+cluster", "rediss+cluster")
#: Every scheme of a Redis location: one server (TCP, TLS, a Unix socket) or a cluster.
REDIS_URL_SCHEMES = ("redis", "rediss", "unix", *CLUSTER_SCHEMES)
_USAGE = (
    "use redis://user:password@host:port/db, rediss://... (TLS), unix:///path/to/socket, or "
    "redis+cluster://user:password@host:port (rediss+cluster:// with TLS) for a Redis Cluster."
)


def _scheme(url: str) -> str:
    return url.partition("://")[0].lower()


def is_cluster_url(url: str) -> bool:
    """Whether ``url`` names a Redis Cluster."""
    return _scheme(url) in CLUSTER_SCHEMES


def node_url(url: str) -> str:
    """The URL redis-py parses: a cluster URL's seed node under the plain scheme, else ``url``."""
    if not is_cluster_url(url):
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme[: -len('+cluster')]}://{rest}"


def check_redis_url(url: object, name: str) -> str:
    """``url`` if it is a Redis URL redis-py can use, else :class:`InvalidInputError` naming the
    forms it takes (no message shows a password)."""
    if not isinstance(url, str) or _scheme(url) not in REDIS_URL_SCHEMES:
        raise InvalidInputError(f"{name} {redact_url(url)!r} is not a Redis URL: {_USAGE}")
    # Imported here: the settings check URLs, and importing them must not load redis-py.
    from redis.connection import parse_url

    try:
        options = parse_url(node_url(url))
    except ValueError:  # its message may quote a piece of the password: never shown
        raise InvalidInputError(
            f"{name} {redact_url(url)!r} cannot be parsed (check the port, the db number and "
            f"percent-encode special characters of the password, e.g. "
            f"'redis://:p%40ss@host:6379/0'): {_USAGE}"
        ) from None
    if is_cluster_url(url) and options.get("db", 0) != 0:
        raise InvalidInputError(
            f"{name} {redact_url(url)!r} names db {options['db']}, but a Redis Cluster has only "
            "db 0: drop the db (redis+cluster://host:port) and give the store a prefix or "
            "namespace of its own to keep its keys apart."
        )
    return url
