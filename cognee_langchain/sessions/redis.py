"""Redis session store: plain Redis >= 6 (no modules) or a Redis Cluster, one round trip per call.

Keys start with the store's ``prefix`` and, when it has one, its ``namespace``: stores with
different namespaces share a server without seeing each other's sessions. Every key of one user
shares a Cluster hash tag and every write is one Lua script, so each call is atomic and never
interleaves with a concurrent writer; the key layout and the scripts are in
:mod:`cognee_langchain.sessions.redis_layout`. On a Redis Cluster (a ``redis+cluster://`` URL or a
``RedisCluster`` client, see :mod:`.redis_clients`) each call therefore goes to the one primary
that holds its user's slot; no call spans users, so none needs more than one node.

The async methods (the :class:`SessionStore` contract) use ``redis.asyncio``, one client per
event loop, each closed on its own loop before that loop closes, even when the store is never
closed (:mod:`.redis_loops`). redis-py also has a sync client, so this store overrides every
sync twin with a native sync call instead of bridging it to the async method (see
:mod:`.base`): one direct round trip, no hop to the bridge's event-loop thread. Both paths share
the argument checks, keys and scripts, so they behave alike (the conformance suite runs both).

Failures become the package's errors. A write that was sent but not confirmed (a timeout, or a
connection lost while waiting for the reply) may have been applied: an append then raises
:class:`~cognee_langchain.errors.SessionWriteUnknownError`, to be retried with the same
``idempotency_key``; one that failed while connecting, before anything was sent, raises plain
:class:`~cognee_langchain.errors.SessionStoreUnavailableError`. A refused password or an ACL that
forbids a command says so.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from langchain_core.messages import BaseMessage
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster

from cognee_langchain.core.forks import at_fork_in_child, keep_inherited
from cognee_langchain.core.redaction import redact_url
from cognee_langchain.core.redis_urls import check_redis_url, is_cluster_url
from cognee_langchain.core.validation import check_number
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import validate_id
from cognee_langchain.sessions.base import (
    DEFAULT_MAX_MESSAGE_CHARS,
    SessionInfo,
    SessionSlice,
    SessionStore,
    check_idempotency_key,
    check_max_message_chars,
    check_max_messages,
    check_scope,
    check_since,
    check_ttl,
    check_watermark_move,
    lost_below,
    slice_bounds,
    watermark_beyond_end,
)
from cognee_langchain.sessions.codec import decode_records, encode_messages
from cognee_langchain.sessions.redis_clients import (
    AsyncClient,
    SyncClient,
    check_client,
    describe,
    new_async_client,
    new_sync_client,
)
from cognee_langchain.sessions.redis_errors import Reachable
from cognee_langchain.sessions.redis_layout import (
    ASYNC_SCRIPTS,
    SYNC_SCRIPTS,
    SessionKeys,
    key_prefix,
    session_keys,
    user_keys,
)
from cognee_langchain.sessions.redis_loops import LoopClients

__all__ = ["DEFAULT_REDIS_URL", "RedisSessionStore"]

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
_DECODE_OFF_LOOP_FROM = 1000  # records


def _check_key_part(value: object, name: str, example: str) -> str:
    """A prefix or namespace: a valid id without the characters of the store's hash tags."""
    value = validate_id(value, name)
    if any(ch in value for ch in "{} "):
        raise InvalidInputError(
            f"{name} {value!r} must not contain '{{', '}}' or spaces: the store puts its own "
            f"hash tag in every key; use a plain name such as {example!r}."
        )
    return value


class RedisSessionStore(SessionStore):
    """Session store on a plain Redis server (>= 6, no modules) or a Redis Cluster.

    Args:
        url: Redis URL; builds the sync (``redis.Redis``) and async (``redis.asyncio.Redis``)
            clients lazily. Defaults to :data:`DEFAULT_REDIS_URL` when no client is given.
            ``redis+cluster://host:port`` (``rediss+cluster://`` with TLS) names a Redis
            Cluster by any one of its nodes, through redis-py's ``RedisCluster`` clients.
        client: a ready ``redis.Redis`` or ``redis.cluster.RedisCluster``
            (``decode_responses=False``) for the sync methods.
        async_client: a ready ``redis.asyncio.Redis`` or ``redis.asyncio.cluster.RedisCluster``
            for the async methods.
        prefix: first component of every key; several stores can share a server.
        namespace: second component of every key (``None``: none, the 0.1 layout). Stores with
            different namespaces never see each other's sessions; stores with the same prefix
            and namespace share them. ``GraphMemory(session_store="redis://...")`` gives its
            store a namespace of its own (see ``GraphMemory``).
        ttl: sliding expiry of a session in seconds, refreshed by every write (``None``: never).
        max_messages: keep at most this many messages per session, trimming the oldest, and
            never leaving a tool message without the AI message that called the tool.
        max_message_chars: refuse (with :class:`InvalidInputError`, before storing anything) a
            message with more characters of text content than this (``None``: no limit).
        socket_timeout / socket_connect_timeout: seconds before an operation or a connection
            attempt fails with :class:`SessionStoreUnavailableError` (an append that timed out
            after it was sent: :class:`~cognee_langchain.errors.SessionWriteUnknownError`).

    Clients built from ``url`` never retry: a retried append whose first attempt reached the
    server would store the turn twice unless it has an ``idempotency_key``. Pass your own
    clients to choose another policy (appends without a key may then be stored twice).

    Each async method has a native sync override (the sync client), so the sync methods never go
    through the async bridge: they need ``client=`` or ``url=``, the async ones ``async_client=``
    or ``url=``.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: SyncClient | None = None,
        async_client: AsyncClient | None = None,
        prefix: str = "cognee_langchain",
        namespace: str | None = None,
        ttl: float | None = None,
        max_messages: int | None = None,
        max_message_chars: int | None = DEFAULT_MAX_MESSAGE_CHARS,
        socket_timeout: float = 5.0,
        socket_connect_timeout: float = 5.0,
    ) -> None:
        self.ttl = check_ttl(ttl)
        self.max_messages = check_max_messages(max_messages)
        self.max_message_chars = check_max_message_chars(max_message_chars)
        self.prefix = _check_key_part(prefix, "prefix", "cognee_langchain")
        self.namespace = (
            None if namespace is None else _check_key_part(namespace, "namespace", "my_project")
        )
        self._key_prefix = key_prefix(self.prefix, self.namespace)
        self._socket_timeout = check_number(socket_timeout, "socket_timeout", exclusive=True)
        self._socket_connect_timeout = check_number(
            socket_connect_timeout, "socket_connect_timeout", exclusive=True
        )
        if url is None and client is None and async_client is None:
            url = DEFAULT_REDIS_URL
        self._url = None if url is None else check_redis_url(url, "url")
        for name, given, asynchronous in (
            ("client", client, False),
            ("async_client", async_client, True),
        ):
            if given is not None:
                check_client(given, name, asynchronous=asynchronous)
        given = client if client is not None else async_client
        self.url = redact_url(self._url if self._url is not None else describe(given))
        """Where the store points, without any password."""
        self.cluster = is_cluster_url(self.url)
        """Whether the store talks to a Redis Cluster."""
        self._reachable = Reachable(self.url)
        self._appending = Reachable(self.url, write=True)
        self._ttl_ms = "0" if self.ttl is None else str(round(self.ttl * 1000))
        self._lock = threading.Lock()
        self._client = client
        self._owns_client = client is None
        self._given_async_client = async_client
        # redis.asyncio clients are bound to the event loop that opened their connections. The
        # factory holds no reference to the store: a cycle would keep it (and its sockets) alive
        # until the collector runs, maybe only at interpreter exit.
        new_client = functools.partial(
            new_async_client,
            self._url or DEFAULT_REDIS_URL,  # unused without a URL: _async_client refuses first
            self._socket_timeout,
            self._socket_connect_timeout,
        )
        self._async_clients = LoopClients(new_client, self._socket_timeout)
        at_fork_in_child(self._after_fork)

    def _after_fork(self) -> None:
        """In a forked child: a lock and clients of its own, built on first use. The parent's
        are kept unused: redis.asyncio clients have no fork check (their loops stayed in the
        parent), and closing or collecting a sync one may wait on its pool's lock. A client
        passed in stays: redis-py's sync pool resets itself in a child on first use."""
        self._lock = threading.Lock()
        self._async_clients.after_fork()
        if self._owns_client:
            keep_inherited(self._client)
            self._client = None

    # -- clients -----------------------------------------------------------------------------------
    def _sync_client(self) -> SyncClient:
        if self._client is None:
            if self._url is None:
                raise InvalidInputError(
                    "This RedisSessionStore was given only async_client=: pass client= or url= "
                    "to use the sync methods."
                )
            with self._lock:
                if self._client is None:
                    self._client = new_sync_client(
                        self._url, self._socket_timeout, self._socket_connect_timeout
                    )
        return self._client

    async def _async_client(self) -> AsyncClient:
        client = self._given_async_client
        if client is None:
            if self._url is None:
                raise InvalidInputError(
                    "This RedisSessionStore was given only client=: pass async_client= or url= "
                    "to use the async methods."
                )
            client = await self._async_clients.get()
        if isinstance(client, AsyncRedisCluster):
            # redis-py's async cluster client reads the cluster's layout on first use, and
            # commands that concurrent tasks send meanwhile fail (a closed connection). Reading
            # it here first, under the client's own lock, makes them wait; once read, a no-op.
            await client.initialize()
        return client

    def _keys(self, user_id: str, session_id: str) -> SessionKeys:
        return session_keys(self._key_prefix, *check_scope(user_id, session_id))

    # Every operation below is its async method (the contract) and then its native sync override,
    # which issues the same commands on the sync client: a faster path than the generic bridge.

    # -- writes ------------------------------------------------------------------------------------
    def _append_call(
        self,
        user_id: str,
        session_id: str,
        messages: Sequence[BaseMessage],
        idempotency_key: str | None,
    ) -> tuple[SessionKeys, list[Any]]:
        keys = self._keys(user_id, session_id)
        key = check_idempotency_key(idempotency_key) or ""
        now = time.time()
        records = encode_messages(messages, now, self.max_message_chars)
        if not records:
            return keys, []
        return keys, [
            repr(now),
            self._ttl_ms,
            str(self.max_messages or 0),
            keys.member,
            key,
            *records,
        ]

    async def aappend(
        self,
        user_id: str,
        session_id: str,
        messages: Sequence[BaseMessage],
        *,
        idempotency_key: str | None = None,
    ) -> int:
        """Append ``messages`` in one atomic round trip; return the session's total count.

        The idempotency key is checked and recorded by the same Lua script that appends.
        """
        keys, args = self._append_call(user_id, session_id, messages, idempotency_key)
        if not args:
            with self._reachable:
                client = await self._async_client()
                return int(await ASYNC_SCRIPTS["count"](keys.count_keys, [keys.member], client))
        with self._appending:
            client = await self._async_client()
            return int(await ASYNC_SCRIPTS["append"](keys.all, args, client))

    def append(
        self,
        user_id: str,
        session_id: str,
        messages: Sequence[BaseMessage],
        *,
        idempotency_key: str | None = None,
    ) -> int:
        """Sync twin of :meth:`aappend` (native: the sync client, one round trip)."""
        keys, args = self._append_call(user_id, session_id, messages, idempotency_key)
        if not args:
            with self._reachable:
                client = self._sync_client()
                return int(SYNC_SCRIPTS["count"](keys.count_keys, [keys.member], client))
        with self._appending:
            return int(SYNC_SCRIPTS["append"](keys.all, args, self._sync_client()))

    @staticmethod
    def _delete_commands(pipe: Any, keys: SessionKeys) -> None:
        # The session key holds its messages, watermarks and idempotency keys; its remembered
        # count goes too, so a deleted session starts afresh from 0. The three keys share the
        # user's hash tag: on a Redis Cluster, MULTI/EXEC runs on the one node of their slot.
        pipe.delete(keys.session)
        pipe.zrem(keys.index, keys.member)
        pipe.hdel(keys.counts, keys.member, f"{keys.member}:w")

    async def adelete(self, user_id: str, session_id: str) -> None:
        """Delete the session, its index entry, watermarks and keys in one transaction."""
        keys = self._keys(user_id, session_id)
        with self._reachable:
            pipe = (await self._async_client()).pipeline(transaction=True)
            self._delete_commands(pipe, keys)
            await pipe.execute()

    def delete(self, user_id: str, session_id: str) -> None:
        """Sync twin of :meth:`adelete` (native)."""
        keys = self._keys(user_id, session_id)
        with self._reachable:
            pipe = self._sync_client().pipeline(transaction=True)
            self._delete_commands(pipe, keys)
            pipe.execute()

    async def atouch(self, user_id: str, session_id: str) -> None:
        """Restart the session's TTL (no-op without ``ttl`` or when the session does not exist)."""
        keys = self._keys(user_id, session_id)
        if self.ttl is not None:
            with self._reachable:
                client = await self._async_client()
                await ASYNC_SCRIPTS["touch"](keys.all, [self._ttl_ms], client)

    def touch(self, user_id: str, session_id: str) -> None:
        """Sync twin of :meth:`atouch` (native)."""
        keys = self._keys(user_id, session_id)
        if self.ttl is not None:
            with self._reachable:
                SYNC_SCRIPTS["touch"](keys.all, [self._ttl_ms], self._sync_client())

    # -- reads -------------------------------------------------------------------------------------
    @staticmethod
    def _slice(session_id: str, since: int, reply: list[Any]) -> SessionSlice:
        total, first, records = reply
        start, end = slice_bounds(since, int(first), int(total))
        items = decode_records(records, start)
        return SessionSlice(session_id, start, end, items, lost_below(since, start))

    async def aread(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Messages with sequence number ``>= since``, in one round trip."""
        keys = self._keys(user_id, session_id)
        since = check_since(since)
        with self._reachable:
            client = await self._async_client()
            reply = await ASYNC_SCRIPTS["read"](keys.count_keys, [since, keys.member], client)
        if len(reply[2]) >= _DECODE_OFF_LOOP_FROM:
            # Decoding takes ~7 ms per 1,000 messages: do not stall the event loop that long.
            return await asyncio.to_thread(self._slice, session_id, since, reply)
        return self._slice(session_id, since, reply)

    def read(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Sync twin of :meth:`aread` (native)."""
        keys = self._keys(user_id, session_id)
        since = check_since(since)
        with self._reachable:
            reply = SYNC_SCRIPTS["read"](keys.count_keys, [since, keys.member], self._sync_client())
        return self._slice(session_id, since, reply)

    @staticmethod
    def _infos(reply: list[Any]) -> list[SessionInfo]:
        return [
            SessionInfo(unquote(member.decode()), int(count), float(created), float(updated))
            for member, created, updated, count in zip(*[iter(reply)] * 4, strict=True)
        ]

    async def alist_sessions(self, user_id: str) -> list[SessionInfo]:
        """The user's sessions, most recently updated first (one round trip)."""
        index, _, sessions = user_keys(self._key_prefix, validate_id(user_id, "user_id"))
        with self._reachable:
            client = await self._async_client()
            reply = await ASYNC_SCRIPTS["list"]((index,), [sessions], client)
        return self._infos(reply)

    def list_sessions(self, user_id: str) -> list[SessionInfo]:
        """Sync twin of :meth:`alist_sessions` (native)."""
        index, _, sessions = user_keys(self._key_prefix, validate_id(user_id, "user_id"))
        with self._reachable:
            reply = SYNC_SCRIPTS["list"]((index,), [sessions], self._sync_client())
        return self._infos(reply)

    # -- persistence watermarks --------------------------------------------------------------------
    async def aget_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Sequence number up to which the session was persisted into ``dataset`` (0 if never)."""
        keys = self._keys(user_id, session_id)
        dataset = validate_id(dataset, "dataset")
        with self._reachable:
            client = await self._async_client()
            args: list[str | int] = [dataset, 0, 0, keys.member]
            return int(await ASYNC_SCRIPTS["watermark"](keys.count_keys, args, client))

    def get_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Sync twin of :meth:`aget_watermark` (native)."""
        keys = self._keys(user_id, session_id)
        dataset = validate_id(dataset, "dataset")
        with self._reachable:
            args: list[str | int] = [dataset, 0, 0, keys.member]
            return int(SYNC_SCRIPTS["watermark"](keys.count_keys, args, self._sync_client()))

    @staticmethod
    def _moved(dataset: str, new: int, reply: list[Any]) -> bool:
        status, total = reply
        if status == -1:
            raise watermark_beyond_end(dataset, new, int(total))
        return bool(status == 1)

    async def aadvance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Compare-and-set the watermark from ``expected`` to ``new`` (one atomic script)."""
        keys = self._keys(user_id, session_id)
        dataset, expected, new = check_watermark_move(dataset, expected, new)
        with self._reachable:
            client = await self._async_client()
            reply = await ASYNC_SCRIPTS["advance"](
                keys.count_keys, [dataset, expected, new, keys.member], client
            )
        return self._moved(dataset, new, reply)

    def advance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Sync twin of :meth:`aadvance_watermark` (native)."""
        keys = self._keys(user_id, session_id)
        dataset, expected, new = check_watermark_move(dataset, expected, new)
        with self._reachable:
            reply = SYNC_SCRIPTS["advance"](
                keys.count_keys, [dataset, expected, new, keys.member], self._sync_client()
            )
        return self._moved(dataset, new, reply)

    # -- lifecycle ---------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Close the clients this store built, each async one on its own event loop."""
        await self._async_clients.aclose()
        self._close_sync_client()

    def close(self) -> None:
        """Close the clients this store built (clients passed in stay open: they are yours).

        Native rather than bridged: an async client can be closed only on its own event loop,
        so each is closed there (see :mod:`.redis_loops`); one whose loop is not running is
        closed when that loop shuts down. Without any close, each async client still closes
        before its loop does (``asyncio.run`` returning), so nothing warns of an unclosed
        connection.
        """
        self._async_clients.close()
        self._close_sync_client()

    def _close_sync_client(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None and self._owns_client:
            client.close()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(url={self.url!r}, prefix={self.prefix!r}, "
            f"namespace={self.namespace!r}, ttl={self.ttl!r}, "
            f"max_messages={self.max_messages!r}, max_message_chars={self.max_message_chars!r})"
        )
