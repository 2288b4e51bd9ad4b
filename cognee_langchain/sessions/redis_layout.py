"""Key layout and Lua scripts of :class:`~cognee_langchain.sessions.redis.RedisSessionStore`.

Key layout (``P`` = the key prefix of :func:`key_prefix`: the store's prefix, then ``:N`` when it
has a namespace ``N``; ``U`` / ``S`` = encoded user / session id). The ``{u:U}`` hash tag puts every
key of one user in one Cluster slot, so each multi-key script stays in one slot::

    P:{u:U}:s:S       hash        the whole session, in ONE key:
                                    n     messages ever appended (the next sequence number)
                                    f     the oldest stored sequence number
                                    c, u  created / updated time
                                    m:<seq>      the record of message <seq> (f <= seq < n)
                                    w            the persistence watermarks, a JSON object
                                                 {dataset: seq}
                                    k:<key>      the count the keyed append <key> returned
                                    o, o:<i>     the i-th keyed append's key (the latest
                                                 IDEMPOTENCY_KEYS_KEPT are kept)
    P:{u:U}:sessions  sorted set  the user's session index: member S, score = update time
    P:{u:U}:counts    hash        S -> the session's count n, as of its last write;
                                  S:w -> a copy of its watermarks (refreshed by each write;
                                  never written without S, so one never outlives the other)

**Cache state that survives eviction.** A session's counter, watermarks, idempotency keys and
messages live in one key, so an evicting Redis (``maxmemory-policy allkeys-*``) or an expiry
drops all of them together or none: the counter can never restart below a watermark, a watermark
can never fall behind its messages, a retried key can never be forgotten while its messages stay.
Messages that leave the session before they are persisted (``max_messages`` trimming) move ``f``
past them, so a read from the watermark starts later and reports them as ``lost``. When the
session key itself is gone (evicted or expired), the user's ``counts`` hash (written by every
append, so the hottest key of the user, and kept ``2 x ttl``) still remembers its count and its
watermarks: a read from the watermark reports the messages up to the count as ``lost`` (once: the
watermark can move past them), and the next append continues the numbering, with the watermarks,
instead of reusing sequence numbers. Only when both are gone does a session start afresh from 0,
with no watermark, so nothing is persisted twice and no new turn is held back.

**Redis Cluster.** Every script declares only keys of one user (one hash tag, so one slot) and
touches no other key (nor does the store's one MULTI/EXEC, the delete): a Cluster runs each on
the primary that holds that slot, and a cluster client follows the slot when a resharding moves
it. The list script also reads session keys it
cannot declare up front; they share the index's tag, so they are in the same slot. No operation
spans users, so none needs a scan of every primary.

Every write is one Lua script, so it is atomic and never interleaves with a concurrent writer;
the append script checks and records its idempotency key in the same script. Times are the
writer's Python clock (``time.time()``), passed to the scripts; the session's records carry the
same timestamp. The sliding TTL is a PEXPIRE on the session and the index (``2 x ttl`` on the
counts); an index entry whose session expired is pruned the next time the index is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from redis.commands.core import AsyncScript, Script

from cognee_langchain.ids import encode_id
from cognee_langchain.sessions.base import IDEMPOTENCY_KEYS_KEPT
from cognee_langchain.sessions.codec import TOOL_RECORD_PREFIXES

__all__ = [
    "ASYNC_SCRIPTS",
    "SYNC_SCRIPTS",
    "SessionKeys",
    "key_prefix",
    "session_keys",
    "user_keys",
]

_IS_TOOL_RECORD = " or ".join(
    f"string.sub(record, 1, {len(prefix)}) == '{prefix.decode()}'"
    for prefix in TOOL_RECORD_PREFIXES
)
_BATCH = 500  # fields per HSET / HMGET / HDEL: unpack() is bounded by Lua's C stack

# KEYS: session, index, counts. ARGV: now, ttl ms ("0" = none), max messages ("0" = none),
# index member, idempotency key ("" = none), records...
_APPEND = f"""
local function is_tool(record)
  return record and ({_IS_TOOL_RECORD})
end
local key = ARGV[5]
if key ~= '' then
  local done = redis.call('HGET', KEYS[1], 'k:' .. key)
  if done then return tonumber(done) end
end
local total = redis.call('HGET', KEYS[1], 'n')
local first
if total then
  total = tonumber(total)
  first = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
else
  -- A new session, or one evicted or expired: continue the count its user remembers.
  local remembered = redis.call('HGET', KEYS[3], ARGV[4])
  total = tonumber(remembered or '0')
  first = total
  redis.call('HSET', KEYS[1], 'c', ARGV[1], 'f', first)
  local marks = redis.call('HGET', KEYS[3], ARGV[4] .. ':w')
  if marks and remembered then
    redis.call('HSET', KEYS[1], 'w', marks)
  elseif marks then
    -- Marks without a count (written before counts carried both) point past a fresh start.
    redis.call('HDEL', KEYS[3], ARGV[4] .. ':w')
  end
end
for i = 6, #ARGV, {_BATCH} do
  local fields = {{}}
  for j = i, math.min(i + {_BATCH - 1}, #ARGV) do
    fields[#fields + 1] = 'm:' .. string.format('%d', total + j - 6)
    fields[#fields + 1] = ARGV[j]
  end
  redis.call('HSET', KEYS[1], unpack(fields))
end
total = total + #ARGV - 5
redis.call('HSET', KEYS[1], 'n', total, 'u', ARGV[1])
local max = tonumber(ARGV[3])
if max > 0 and total - first > max then
  -- Never leave a tool message at the head: its AI message (and tool call) was trimmed.
  local keep = total - max
  while keep < total and is_tool(redis.call('HGET', KEYS[1], 'm:' .. string.format('%d', keep))) do
    keep = keep + 1
  end
  for s = first, keep - 1, {_BATCH} do
    local fields = {{}}
    for q = s, math.min(s + {_BATCH - 1}, keep - 1) do
      fields[#fields + 1] = 'm:' .. string.format('%d', q)
    end
    redis.call('HDEL', KEYS[1], unpack(fields))
  end
  redis.call('HSET', KEYS[1], 'f', keep)
end
if key ~= '' then
  local ordinal = redis.call('HINCRBY', KEYS[1], 'o', 1)
  redis.call('HSET', KEYS[1], 'k:' .. key, total, 'o:' .. ordinal, key)
  if ordinal > {IDEMPOTENCY_KEYS_KEPT} then
    local oldest = 'o:' .. (ordinal - {IDEMPOTENCY_KEYS_KEPT})
    local old = redis.call('HGET', KEYS[1], oldest)
    if old then redis.call('HDEL', KEYS[1], 'k:' .. old, oldest) end
  end
end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[4])
redis.call('HSET', KEYS[3], ARGV[4], total)
local marks = redis.call('HGET', KEYS[1], 'w')
if marks then redis.call('HSET', KEYS[3], ARGV[4] .. ':w', marks) end
if ARGV[2] == '0' then
  for i = 1, 3 do redis.call('PERSIST', KEYS[i]) end
else
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  redis.call('PEXPIRE', KEYS[3], 2 * tonumber(ARGV[2]))
end
return total
"""

# KEYS: session, counts. ARGV: since, index member.
# Returns {total, first stored sequence number, records from max(since, first) on}.
_READ = f"""
local total = redis.call('HGET', KEYS[1], 'n')
if not total then
  -- Gone (evicted, expired) or never written: the count its user remembers, if any.
  local remembered = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
  return {{remembered, remembered, {{}}}}
end
total = tonumber(total)
local first = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
local out = {{}}
for s = math.max(tonumber(ARGV[1]), first), total - 1, {_BATCH} do
  local fields = {{}}
  for q = s, math.min(s + {_BATCH - 1}, total - 1) do
    fields[#fields + 1] = 'm:' .. string.format('%d', q)
  end
  local records = redis.call('HMGET', KEYS[1], unpack(fields))
  for i = 1, #fields do out[#out + 1] = records[i] end
end
return {{total, first, out}}
"""

# KEYS: session, counts. ARGV: index member. Returns the count (the session's, or remembered).
_COUNT = """
local total = redis.call('HGET', KEYS[1], 'n')
if total then return tonumber(total) end
return tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
"""

# KEYS: index. ARGV: key prefix of the user's sessions. Returns a flat list of
# (member, created, updated, stored count), newest first; prunes entries of expired sessions.
# It reads session keys it cannot declare up front; they share the index's hash tag, so on a
# Cluster they live in the index's slot, which is what a script may touch.
_LIST = """
local out = {}
for _, member in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, -1)) do
  local fields = redis.call('HMGET', ARGV[1] .. member, 'c', 'u', 'n', 'f')
  if fields[1] then
    table.insert(out, member)
    table.insert(out, fields[1])
    table.insert(out, fields[2])
    table.insert(out, tonumber(fields[3]) - tonumber(fields[4] or '0'))
  else
    redis.call('ZREM', KEYS[1], member)
  end
end
return out
"""

# KEYS: session, index, counts. ARGV: ttl ms.
_TOUCH = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[3], 2 * tonumber(ARGV[1]))
end
return 0
"""

# The session's watermarks (a JSON object), or those its user's counts remember.
_MARKS = """
local function marks_of(raw)
  if raw then return cjson.decode(raw) end
  return {}
end
local function current_marks()
  if redis.call('EXISTS', KEYS[1]) == 1 then
    return marks_of(redis.call('HGET', KEYS[1], 'w'))
  end
  return marks_of(redis.call('HGET', KEYS[2], ARGV[4] .. ':w'))
end
"""

# KEYS: session, counts. ARGV: dataset, expected, new, index member.
# Returns {1 moved | 0 not moved | -1 beyond, total}. A session evicted or expired whose count is
# remembered moves its remembered watermark, so its lost messages are reported once.
_ADVANCE_WATERMARK = (
    _MARKS
    + """
local total = redis.call('HGET', KEYS[1], 'n') or redis.call('HGET', KEYS[2], ARGV[4])
if not total then return {0, 0} end
total = tonumber(total)
if tonumber(ARGV[3]) > total then return {-1, total} end
local marks = current_marks()
if tonumber(marks[ARGV[1]] or 0) ~= tonumber(ARGV[2]) then return {0, total} end
marks[ARGV[1]] = tonumber(ARGV[3])
local encoded = cjson.encode(marks)
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'w', encoded) end
-- The count goes with its watermarks: an evicted counts hash must not come back holding marks
-- without a count, which a restarted session would then inherit over its new messages.
redis.call('HSET', KEYS[2], ARGV[4], total, ARGV[4] .. ':w', encoded)
return {1, total}
"""
)

# KEYS: session, counts. ARGV: dataset, unused, unused, index member. Returns the watermark:
# the session's, or the one its user's counts remember.
_WATERMARK = (
    _MARKS
    + """
if redis.call('EXISTS', KEYS[1]) == 0 and not redis.call('HGET', KEYS[2], ARGV[4]) then
  return 0
end
return tonumber(current_marks()[ARGV[1]] or 0)
"""
)

_LUA = {
    "append": _APPEND,
    "read": _READ,
    "count": _COUNT,
    "list": _LIST,
    "touch": _TOUCH,
    "advance": _ADVANCE_WATERMARK,
    "watermark": _WATERMARK,
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
    """The keys of one session, and its member name in the user's index and counts."""

    session: str
    index: str
    counts: str
    member: str

    @property
    def all(self) -> tuple[str, str, str]:
        """``(session, index, counts)``: the order the append and touch scripts expect."""
        return (self.session, self.index, self.counts)

    @property
    def count_keys(self) -> tuple[str, str]:
        """``(session, counts)``: the keys the read and count scripts expect."""
        return (self.session, self.counts)


def key_prefix(prefix: str, namespace: str | None) -> str:
    """What every key of a store starts with: ``prefix``, or ``prefix:namespace``. Stores with
    different namespaces on one server never read each other's keys; without a namespace the
    layout is the one of 0.1."""
    return prefix if namespace is None else f"{prefix}:{namespace}"


@lru_cache(maxsize=4096)
def user_keys(prefix: str, user_id: str) -> tuple[str, str, str]:
    """``(index key, counts key, key prefix of the user's sessions)`` of a validated id."""
    tag = f"{prefix}:{{u:{encode_id(user_id)}}}"
    return f"{tag}:sessions", f"{tag}:counts", f"{tag}:s:"


@lru_cache(maxsize=4096)
def session_keys(prefix: str, user_id: str, session_id: str) -> SessionKeys:
    """The keys of a session, from validated ids."""
    index, counts, sessions = user_keys(prefix, user_id)
    member = encode_id(session_id)
    return SessionKeys(sessions + member, index, counts, member)
