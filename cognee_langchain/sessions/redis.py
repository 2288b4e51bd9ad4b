"""Redis session store: plain Redis >= 6 (no modules), Cluster-safe keys, one round trip per call.

Key layout (``P`` = prefix, ``U`` / ``S`` = encoded user / session id). The ``{u:U}`` hash tag
puts every key of one user in one Cluster slot, so each multi-key script stays in one slot::

    P:{u:U}:sessions      sorted set  the user's session index: member S, score = update time
    P:{u:U}:s:S:msgs      list        the session's records, oldest first
    P:{u:U}:s:S:meta      hash        n = messages ever appended (the next sequence number),
                                      c / u = created / updated time
    P:{u:U}:s:S:wm        hash        persistence watermark per dataset

Absolute sequence numbers survive trimming: the list holds sequence numbers ``n - LLEN .. n - 1``.
Every write is one Lua script, so it is atomic and never interleaves with a concurrent writer.
Times are the writer's Python clock (``time.time()``), passed to the scripts; the session's
records carry the same timestamp. The sliding TTL is a PEXPIRE on every key of the session and on
the index; an index entry whose session expired is pruned the next time the index is listed.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
import redis.asyncio as aioredis
from langchain_core.messages import BaseMessage
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript, Script
from redis.retry import Retry

from cognee_langchain.errors import InvalidInputError, SessionStoreUnavailableError, redact_url
from cognee_langchain.ids import encode_id, validate_id
from cognee_langchain.sessions.base import (
    SessionInfo,
    SessionSlice,
    SessionStore,
    check_max_messages,
    check_scope,
    check_since,
    check_ttl,
    check_watermark_move,
    slice_bounds,
    watermark_beyond_end,
)
from cognee_langchain.sessions.codec import TOOL_RECORD_PREFIXES, decode_records, encode_messages

__all__ = ["DEFAULT_REDIS_URL", "RedisSessionStore"]

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
_DECODE_OFF_LOOP_FROM = 1000  # records

_IS_TOOL_RECORD = " or ".join(
    f"string.sub(record, 1, {len(prefix)}) == '{prefix.decode()}'"
    for prefix in TOOL_RECORD_PREFIXES
)

# KEYS: msgs, meta, wm, index. ARGV: now, ttl ms ("0" = none), max messages ("0" = none),
# index member, records...
_APPEND = f"""
local function is_tool(record)
  return record and ({_IS_TOOL_RECORD})
end
local len = 0
-- unpack() is bounded by Lua's C stack (~8000 values): push in batches.
for i = 5, #ARGV, 1000 do
  len = redis.call('RPUSH', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
local total = redis.call('HINCRBY', KEYS[2], 'n', #ARGV - 4)
if total == #ARGV - 4 then
  redis.call('HSET', KEYS[2], 'c', ARGV[1], 'u', ARGV[1])
else
  redis.call('HSET', KEYS[2], 'u', ARGV[1])
end
redis.call('ZADD', KEYS[4], ARGV[1], ARGV[4])
local max = tonumber(ARGV[3])
if max > 0 and len > max then
  -- Never leave a tool message at the head: its AI message (and tool call) was trimmed.
  local drop = len - max
  while drop < len and is_tool(redis.call('LINDEX', KEYS[1], drop)) do
    drop = drop + 1
  end
  redis.call('LTRIM', KEYS[1], drop, -1)
end
for i = 1, 4 do
  if ARGV[2] == '0' then
    redis.call('PERSIST', KEYS[i])
  else
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
  end
end
return total
"""

# KEYS: msgs, meta. ARGV: since. Returns {total, first stored sequence number, records}.
_READ = """
local total = tonumber(redis.call('HGET', KEYS[2], 'n') or '0')
local first = total - redis.call('LLEN', KEYS[1])
local from = math.max(tonumber(ARGV[1]) - first, 0)
return {total, first, redis.call('LRANGE', KEYS[1], from, -1)}
"""

# KEYS: index. ARGV: key prefix of the user's sessions. Returns a flat list of
# (member, created, updated, stored count), newest first; prunes entries of expired sessions.
# It reads session keys it cannot declare up front; they share the index's hash tag, so on a
# Cluster they live in the index's slot, which is what a script may touch.
_LIST = """
local out = {}
for _, member in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, -1)) do
  local base = ARGV[1] .. member
  local times = redis.call('HMGET', base .. ':meta', 'c', 'u')
  if times[1] then
    table.insert(out, member)
    table.insert(out, times[1])
    table.insert(out, times[2])
    table.insert(out, redis.call('LLEN', base .. ':msgs'))
  else
    redis.call('ZREM', KEYS[1], member)
  end
end
return out
"""

# KEYS: msgs, meta, wm, index. ARGV: ttl ms.
_TOUCH = """
if redis.call('EXISTS', KEYS[2]) == 1 then
  for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
return 0
"""

# KEYS: wm, meta. ARGV: dataset, expected, new. Returns {1 moved | 0 not moved | -1 beyond, total}.
_ADVANCE_WATERMARK = """
local total = redis.call('HGET', KEYS[2], 'n')
if not total then return {0, 0} end
total = tonumber(total)
if tonumber(ARGV[3]) > total then return {-1, total} end
if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') ~= tonumber(ARGV[2]) then
  return {0, total}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
-- The watermark hash may be new: give it the session's remaining lifetime.
local pttl = redis.call('PTTL', KEYS[2])
if pttl > 0 then redis.call('PEXPIRE', KEYS[1], pttl) else redis.call('PERSIST', KEYS[1]) end
return {1, total}
"""

_LUA = {
    "append": _APPEND,
    "read": _READ,
    "list": _LIST,
    "touch": _TOUCH,
    "advance": _ADVANCE_WATERMARK,
}
# redis-py's script objects run EVALSHA and reload the script on NOSCRIPT. Built from bytes they
# need no client (only the sha1 of the text), so one set serves every client; calls pass theirs.
_SYNC_SCRIPTS = {
    name: Script(None, lua.encode())  # type: ignore[arg-type]
    for name, lua in _LUA.items()
}
_ASYNC_SCRIPTS = {
    name: AsyncScript(None, lua.encode())  # type: ignore[arg-type]
    for name, lua in _LUA.items()
}


@dataclass(frozen=True, slots=True)
class _SessionKeys:
    messages: str
    meta: str
    watermarks: str
    index: str
    member: str

    @property
    def all(self) -> tuple[str, str, str, str]:
        """Every key of the session, in the order the append and touch scripts expect."""
        return (self.messages, self.meta, self.watermarks, self.index)


@lru_cache(maxsize=4096)
def _user_keys(prefix: str, user_id: str) -> tuple[str, str]:
    """``(index key, key prefix of the user's sessions)``."""
    tag = f"{prefix}:{{u:{encode_id(user_id)}}}"
    return f"{tag}:sessions", f"{tag}:s:"


@lru_cache(maxsize=4096)
def _session_keys(prefix: str, user_id: str, session_id: str) -> _SessionKeys:
    index, sessions = _user_keys(prefix, user_id)
    member = encode_id(session_id)
    base = sessions + member
    return _SessionKeys(f"{base}:msgs", f"{base}:meta", f"{base}:wm", index, member)


def _check_prefix(prefix: object) -> str:
    prefix = validate_id(prefix, "prefix")
    if any(ch in prefix for ch in "{} "):
        raise InvalidInputError(
            f"prefix {prefix!r} must not contain '{{', '}}' or spaces: the store puts its own "
            "hash tag in every key; use a plain name such as 'cognee_langchain'."
        )
    return prefix


def _check_url(url: object) -> str:
    if not isinstance(url, str) or urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise InvalidInputError(
            f"url {redact_url(str(url))!r} is not a Redis URL: use redis://host:port/db, "
            "rediss://... (TLS) or unix:///path/to/socket."
        )
    return url


def _describe(client: redis.Redis | aioredis.Redis | None) -> str:
    """A URL naming the server a caller-built client talks to, for error messages."""
    kwargs = {} if client is None else client.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix://{kwargs['path']}"
    return f"redis://{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"


def _check_client(client: redis.Redis | aioredis.Redis, name: str) -> None:
    if client.connection_pool.connection_kwargs.get("decode_responses"):
        raise InvalidInputError(
            f"{name} was created with decode_responses=True; the store reads raw bytes: "
            "create it with decode_responses=False (the default)."
        )


class _Reachable:
    """``with`` guard: a connection failure or timeout becomes SessionStoreUnavailableError."""

    __slots__ = ("_url",)

    def __init__(self, url: str) -> None:
        self._url = url

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
            raise SessionStoreUnavailableError(self._url, exc) from exc


class RedisSessionStore(SessionStore):
    """Session store on a plain Redis server (>= 6, no modules; Redis Cluster safe).

    Args:
        url: Redis URL; builds the sync (``redis.Redis``) and async (``redis.asyncio.Redis``)
            clients lazily. Defaults to :data:`DEFAULT_REDIS_URL` when no client is given.
        client: a ready ``redis.Redis`` (``decode_responses=False``) for the sync methods.
        async_client: a ready ``redis.asyncio.Redis`` for the async methods.
        prefix: first component of every key; several stores can share a server.
        ttl: sliding expiry of a session in seconds, refreshed by every write (``None``: never).
        max_messages: keep at most this many messages per session, trimming the oldest, and
            never leaving a tool message without the AI message that called the tool.
        socket_timeout / socket_connect_timeout: seconds before an operation or a connection
            attempt fails with :class:`SessionStoreUnavailableError`.

    Clients built from ``url`` never retry: a retried append whose first attempt reached the
    server would store the turn twice. Pass your own clients to choose another policy.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: redis.Redis | None = None,
        async_client: aioredis.Redis | None = None,
        prefix: str = "cognee_langchain",
        ttl: float | None = None,
        max_messages: int | None = None,
        socket_timeout: float = 5.0,
        socket_connect_timeout: float = 5.0,
    ) -> None:
        self.ttl = check_ttl(ttl)
        self.max_messages = check_max_messages(max_messages)
        self.prefix = _check_prefix(prefix)
        for name, value in (
            ("socket_timeout", socket_timeout),
            ("socket_connect_timeout", socket_connect_timeout),
        ):
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise InvalidInputError(f"{name} must be a positive number of seconds.")
        if url is None and client is None and async_client is None:
            url = DEFAULT_REDIS_URL
        self._url = None if url is None else _check_url(url)
        for name, given in (("client", client), ("async_client", async_client)):
            if given is not None:
                _check_client(given, name)
        given = client if client is not None else async_client
        self.url = redact_url(self._url if self._url is not None else _describe(given))
        """Where the store points, without any password."""
        self._reachable = _Reachable(self.url)
        self._ttl_ms = "0" if self.ttl is None else str(round(self.ttl * 1000))
        self._socket_timeout = float(socket_timeout)
        self._socket_connect_timeout = float(socket_connect_timeout)
        self._lock = threading.Lock()
        self._client = client
        self._owns_client = client is None
        self._given_async_client = async_client
        # redis.asyncio clients are bound to the event loop that opened their connections.
        self._async_clients: dict[asyncio.AbstractEventLoop, aioredis.Redis] = {}

    # -- clients -----------------------------------------------------------------------------------
    def _sync_client(self) -> redis.Redis:
        if self._client is None:
            if self._url is None:
                raise InvalidInputError(
                    "This RedisSessionStore was given only async_client=: pass client= or url= "
                    "to use the sync methods."
                )
            with self._lock:
                if self._client is None:
                    self._client = redis.Redis.from_url(
                        self._url,
                        retry=Retry(NoBackoff(), 0),
                        socket_timeout=self._socket_timeout,
                        socket_connect_timeout=self._socket_connect_timeout,
                    )
        return self._client

    def _async_client(self) -> aioredis.Redis:
        if self._given_async_client is not None:
            return self._given_async_client
        if self._url is None:
            raise InvalidInputError(
                "This RedisSessionStore was given only client=: pass async_client= or url= to "
                "use the async methods."
            )
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            with self._lock:
                for stale in [other for other in self._async_clients if other.is_closed()]:
                    del self._async_clients[stale]
                client = self._async_clients[loop] = aioredis.Redis.from_url(
                    self._url,
                    retry=AsyncRetry(NoBackoff(), 0),
                    socket_timeout=self._socket_timeout,
                    socket_connect_timeout=self._socket_connect_timeout,
                )
        return client

    def _keys(self, user_id: str, session_id: str) -> _SessionKeys:
        return _session_keys(self.prefix, *check_scope(user_id, session_id))

    # -- writes ------------------------------------------------------------------------------------
    def _append_call(
        self, user_id: str, session_id: str, messages: Sequence[BaseMessage]
    ) -> tuple[_SessionKeys, list[Any]]:
        keys = self._keys(user_id, session_id)
        now = time.time()
        records = encode_messages(messages, now)
        if not records:
            return keys, []
        return keys, [repr(now), self._ttl_ms, str(self.max_messages or 0), keys.member, *records]

    def append(self, user_id: str, session_id: str, messages: Sequence[BaseMessage]) -> int:
        """Append ``messages`` in one atomic round trip; return the session's total count."""
        keys, args = self._append_call(user_id, session_id, messages)
        with self._reachable:
            client = self._sync_client()
            if not args:
                return int(client.hget(keys.meta, "n") or 0)
            return int(_SYNC_SCRIPTS["append"](keys.all, args, client))

    async def aappend(self, user_id: str, session_id: str, messages: Sequence[BaseMessage]) -> int:
        """Async twin of :meth:`append`."""
        keys, args = self._append_call(user_id, session_id, messages)
        with self._reachable:
            client = self._async_client()
            if not args:
                return int(await client.hget(keys.meta, "n") or 0)
            return int(await _ASYNC_SCRIPTS["append"](keys.all, args, client))

    def delete(self, user_id: str, session_id: str) -> None:
        """Delete the session, its index entry and its watermarks in one transaction."""
        keys = self._keys(user_id, session_id)
        with self._reachable:
            pipe = self._sync_client().pipeline(transaction=True)
            pipe.delete(keys.messages, keys.meta, keys.watermarks)
            pipe.zrem(keys.index, keys.member)
            pipe.execute()

    async def adelete(self, user_id: str, session_id: str) -> None:
        """Async twin of :meth:`delete`."""
        keys = self._keys(user_id, session_id)
        with self._reachable:
            pipe = self._async_client().pipeline(transaction=True)
            pipe.delete(keys.messages, keys.meta, keys.watermarks)
            pipe.zrem(keys.index, keys.member)
            await pipe.execute()

    def touch(self, user_id: str, session_id: str) -> None:
        """Restart the session's TTL (no-op without ``ttl`` or when the session does not exist)."""
        keys = self._keys(user_id, session_id)
        if self.ttl is not None:
            with self._reachable:
                _SYNC_SCRIPTS["touch"](keys.all, [self._ttl_ms], self._sync_client())

    async def atouch(self, user_id: str, session_id: str) -> None:
        """Async twin of :meth:`touch`."""
        keys = self._keys(user_id, session_id)
        if self.ttl is not None:
            with self._reachable:
                client = self._async_client()
                await _ASYNC_SCRIPTS["touch"](keys.all, [self._ttl_ms], client)

    # -- reads -------------------------------------------------------------------------------------
    @staticmethod
    def _slice(session_id: str, since: int, reply: list[Any]) -> SessionSlice:
        total, first, records = reply
        start, end = slice_bounds(since, int(first), int(total))
        return SessionSlice(session_id, start, end, decode_records(records, start))

    def read(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Messages with sequence number ``>= since``, in one round trip."""
        keys = self._keys(user_id, session_id)
        since = check_since(since)
        with self._reachable:
            reply = _SYNC_SCRIPTS["read"]((keys.messages, keys.meta), [since], self._sync_client())
        return self._slice(session_id, since, reply)

    async def aread(self, user_id: str, session_id: str, since: int = 0) -> SessionSlice:
        """Async twin of :meth:`read`."""
        keys = self._keys(user_id, session_id)
        since = check_since(since)
        with self._reachable:
            client = self._async_client()
            reply = await _ASYNC_SCRIPTS["read"]((keys.messages, keys.meta), [since], client)
        if len(reply[2]) >= _DECODE_OFF_LOOP_FROM:
            # Decoding takes ~7 ms per 1,000 messages: do not stall the event loop that long.
            return await asyncio.to_thread(self._slice, session_id, since, reply)
        return self._slice(session_id, since, reply)

    @staticmethod
    def _infos(reply: list[Any]) -> list[SessionInfo]:
        return [
            SessionInfo(unquote(member.decode()), int(count), float(created), float(updated))
            for member, created, updated, count in zip(*[iter(reply)] * 4, strict=True)
        ]

    def list_sessions(self, user_id: str) -> list[SessionInfo]:
        """The user's sessions, most recently updated first (one round trip)."""
        index, sessions = _user_keys(self.prefix, validate_id(user_id, "user_id"))
        with self._reachable:
            reply = _SYNC_SCRIPTS["list"]((index,), [sessions], self._sync_client())
        return self._infos(reply)

    async def alist_sessions(self, user_id: str) -> list[SessionInfo]:
        """Async twin of :meth:`list_sessions`."""
        index, sessions = _user_keys(self.prefix, validate_id(user_id, "user_id"))
        with self._reachable:
            client = self._async_client()
            reply = await _ASYNC_SCRIPTS["list"]((index,), [sessions], client)
        return self._infos(reply)

    # -- persistence watermarks --------------------------------------------------------------------
    def get_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Sequence number up to which the session was persisted into ``dataset`` (0 if never)."""
        keys = self._keys(user_id, session_id)
        dataset = validate_id(dataset, "dataset")
        with self._reachable:
            return int(self._sync_client().hget(keys.watermarks, dataset) or 0)

    async def aget_watermark(self, user_id: str, session_id: str, dataset: str) -> int:
        """Async twin of :meth:`get_watermark`."""
        keys = self._keys(user_id, session_id)
        dataset = validate_id(dataset, "dataset")
        with self._reachable:
            return int(await self._async_client().hget(keys.watermarks, dataset) or 0)

    @staticmethod
    def _moved(dataset: str, new: int, reply: list[Any]) -> bool:
        status, total = reply
        if status == -1:
            raise watermark_beyond_end(dataset, new, int(total))
        return bool(status == 1)

    def advance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Compare-and-set the watermark from ``expected`` to ``new`` (one atomic script)."""
        keys = self._keys(user_id, session_id)
        dataset, expected, new = check_watermark_move(dataset, expected, new)
        with self._reachable:
            reply = _SYNC_SCRIPTS["advance"](
                (keys.watermarks, keys.meta), [dataset, expected, new], self._sync_client()
            )
        return self._moved(dataset, new, reply)

    async def aadvance_watermark(
        self, user_id: str, session_id: str, dataset: str, expected: int, new: int
    ) -> bool:
        """Async twin of :meth:`advance_watermark`."""
        keys = self._keys(user_id, session_id)
        dataset, expected, new = check_watermark_move(dataset, expected, new)
        with self._reachable:
            client = self._async_client()
            reply = await _ASYNC_SCRIPTS["advance"](
                (keys.watermarks, keys.meta), [dataset, expected, new], client
            )
        return self._moved(dataset, new, reply)

    # -- lifecycle ---------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the clients this store built (clients passed in stay open: they are yours)."""
        with self._lock:
            client, self._client = self._client, None
            self._async_clients.clear()  # bound to their loops; closed by aclose() or dropped
        if client is not None and self._owns_client:
            client.close()

    async def aclose(self) -> None:
        """Close the clients this store built, including the current event loop's async one."""
        loop = asyncio.get_running_loop()
        with self._lock:
            async_client = self._async_clients.pop(loop, None)
        if async_client is not None:
            await async_client.aclose()
        self.close()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(url={self.url!r}, prefix={self.prefix!r}, ttl={self.ttl!r}, "
            f"max_messages={self.max_messages!r})"
        )
