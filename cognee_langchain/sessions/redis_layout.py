"""Key layout and Lua scripts of :class:`~cognee_langchain.sessions.redis.RedisSessionStore`.

Key layout (``P`` = prefix, ``U`` / ``S`` = encoded user / session id). The ``{u:U}`` hash tag
puts every key of one user in one Cluster slot, so each multi-key script stays in one slot::

    P:{u:U}:sessions      sorted set  the user's session index: member S, score = update time
    P:{u:U}:s:S:msgs      list        the session's records, oldest first
    P:{u:U}:s:S:meta      hash        n = messages ever appended (the next sequence number),
                                      c / u = created / updated time
    P:{u:U}:s:S:wm        hash        persistence watermark per dataset
    P:{u:U}:s:S:idem      sorted set  idempotency keys of the latest keyed appends: member = key,
                                      score = the count that append returned (rises with each)

Absolute sequence numbers survive trimming: the list holds sequence numbers ``n - LLEN .. n - 1``.
Every write is one Lua script, so it is atomic and never interleaves with a concurrent writer;
the append script checks and records its idempotency key in the same script, and keeps the
:data:`~cognee_langchain.sessions.base.IDEMPOTENCY_KEYS_KEPT` keys with the highest scores.
Times are the writer's Python clock (``time.time()``), passed to the scripts; the session's
records carry the same timestamp. The sliding TTL is a PEXPIRE on every key of the session and on
the index; an index entry whose session expired is pruned the next time the index is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from redis.commands.core import AsyncScript, Script

from cognee_langchain.ids import encode_id
from cognee_langchain.sessions.base import IDEMPOTENCY_KEYS_KEPT
from cognee_langchain.sessions.codec import TOOL_RECORD_PREFIXES

__all__ = ["ASYNC_SCRIPTS", "SYNC_SCRIPTS", "SessionKeys", "session_keys", "user_keys"]

_IS_TOOL_RECORD = " or ".join(
    f"string.sub(record, 1, {len(prefix)}) == '{prefix.decode()}'"
    for prefix in TOOL_RECORD_PREFIXES
)

# KEYS: msgs, meta, wm, index, idem. ARGV: now, ttl ms ("0" = none), max messages ("0" = none),
# index member, idempotency key ("" = none), records...
_APPEND = f"""
local function is_tool(record)
  return record and ({_IS_TOOL_RECORD})
end
local key = ARGV[5]
if key ~= '' then
  local done = redis.call('ZSCORE', KEYS[5], key)
  if done then return tonumber(done) end
end
local len = 0
-- unpack() is bounded by Lua's C stack (~8000 values): push in batches.
for i = 6, #ARGV, 1000 do
  len = redis.call('RPUSH', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
local total = redis.call('HINCRBY', KEYS[2], 'n', #ARGV - 5)
if total == #ARGV - 5 then
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
if key ~= '' then
  redis.call('ZADD', KEYS[5], total, key)
  redis.call('ZREMRANGEBYRANK', KEYS[5], 0, -{IDEMPOTENCY_KEYS_KEPT + 1})
end
for i = 1, 5 do
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

# KEYS: msgs, meta, wm, index, idem. ARGV: ttl ms.
_TOUCH = """
if redis.call('EXISTS', KEYS[2]) == 1 then
  for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
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
SYNC_SCRIPTS = {
    name: Script(None, lua.encode())  # type: ignore[arg-type]
    for name, lua in _LUA.items()
}
ASYNC_SCRIPTS = {
    name: AsyncScript(None, lua.encode())  # type: ignore[arg-type]
    for name, lua in _LUA.items()
}


@dataclass(frozen=True, slots=True)
class SessionKeys:
    """The keys of one session, and its member name in the user's index."""

    messages: str
    meta: str
    watermarks: str
    index: str
    member: str
    idempotency: str

    @property
    def all(self) -> tuple[str, str, str, str, str]:
        """Every key of the session, in the order the append and touch scripts expect."""
        return (self.messages, self.meta, self.watermarks, self.index, self.idempotency)


@lru_cache(maxsize=4096)
def user_keys(prefix: str, user_id: str) -> tuple[str, str]:
    """``(index key, key prefix of the user's sessions)`` of a validated ``user_id``."""
    tag = f"{prefix}:{{u:{encode_id(user_id)}}}"
    return f"{tag}:sessions", f"{tag}:s:"


@lru_cache(maxsize=4096)
def session_keys(prefix: str, user_id: str, session_id: str) -> SessionKeys:
    """The keys of a session, from validated ids."""
    index, sessions = user_keys(prefix, user_id)
    member = encode_id(session_id)
    base = sessions + member
    return SessionKeys(f"{base}:msgs", f"{base}:meta", f"{base}:wm", index, member, f"{base}:idem")
