"""Search: the one retrieval path behind ``GraphMemory.search``, the retriever, ``recall``, the
memory tool, the recall node and the agent middleware.

Check the arguments, resolve the datasets the user may read, embed the query once, search the
runtime's :class:`~cognee_langchain.retrieval.graph_index.GraphIndex` (caught up with the graph
store first) and turn the hits into ``Document``\\ s.

Each ``Document`` has ``id`` and ``page_content`` (the chunk text, the fact sentence or the
summary) and this metadata:

* ``id``, ``type`` (``"chunk"``, ``"fact"`` or ``"summary"``), ``score`` (fused, higher is
  better), ``dataset``, ``node_set`` (list of node sets), ``chunk_ids`` (source chunks; a chunk's
  own id for a chunk);
* for knowledge persisted from chat sessions: ``session_id`` (the first session it came from),
  ``session_ids`` and ``message_ids``;
* for a conversation turn: ``speaker``, ``turn_id`` (the transcript's own id, if any),
  ``position`` (its place in its session or document) and ``occurred_at`` (ISO 8601, UTC; the
  ``page_content`` then starts with the date, e.g. ``(2023-05-08) Caroline: ...``);
* for a fact: ``kind`` (its relation kind, ``None`` when unknown), ``valid_at`` and
  ``invalid_at`` (ISO 8601, UTC; ``invalid_at`` ``None`` while it is still true),
  ``superseded_by`` (the id of the fact that replaced it, ``None`` when current or retracted)
  and ``current`` (true at the search's ``as_of``, default now). A fact that stopped being
  true says so in its text: ``Alice lives in Paris (until 10 June 2023).``

**Time.** ``as_of`` (default now) is the instant what is current is judged at: facts not true
then rank below those that are, and, for a question in the present tense ("Where does Alice
live?") or with an explicit ``as_of``, so do turns whose stated facts all are. A window —
``time_range``, else the one the query names ("in May 2023", "last year", "before 2023",
"between May and July 2023", "before she moved to Berlin": an event, dated by the best-matching
fact) — raises turns said inside it and facts true during part of it, without dropping the
rest; relative cues resolve against ``as_of``. With a window and no ``as_of`` nothing is judged
current: the question is about that window.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from langchain_core.documents import Document

from cognee_langchain.core.dates import display_until, is_present_tense, query_window
from cognee_langchain.core.defaults import (
    DEFAULT_SEARCH_TYPE,
    DEFAULT_TOP_K,
    MEMORIES_NODE_SET,
    Limits,
)
from cognee_langchain.core.logs import preview
from cognee_langchain.core.time_validation import TimeRange, check_as_of, check_time_range
from cognee_langchain.core.validation import check_names, check_positive, check_query
from cognee_langchain.extraction.asked_kinds import asked_kinds, kind_words
from cognee_langchain.retrieval.config import Ranker, RankerConfig, SearchConfig, get_search_config
from cognee_langchain.retrieval.cues import asks_event, asks_now, asks_still, asks_value
from cognee_langchain.retrieval.timing import TimeContext
from cognee_langchain.retrieval.types import SearchHit
from cognee_langchain.services.access import areadable_datasets
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.users import User

__all__ = [
    "SearchType",
    "TimeArgs",
    "aretrieve",
    "asearch",
    "atime_context",
    "check_search_args",
    "check_time_args",
    "document_from_hit",
]

#: A preset name (``"graph"``, ``"chunks"``, ``"facts"``, ``"summaries"``, ``"temporal"``) or a
#: config.
SearchType = str | SearchConfig

TimeArgs = tuple[datetime | None, TimeRange | None]
"""A search's checked ``(as_of, time_range)``."""

logger = logging.getLogger(__name__)

# Dates an event of "before/after <event>" by the single best fact, lexically: one cheap search.
_ANCHOR_SEARCH = SearchConfig(rankers=(RankerConfig("fact", Ranker.BM25),), limit=1)
_ANCHOR_TURN_SEARCH = SearchConfig(rankers=(RankerConfig("chunk", Ranker.BM25),), limit=1)
# Capitalised words: the first of a question is its question word, the others are names.
_NAME = re.compile(r"\b[A-Z][\w'’.-]*\w")


def _iso(epoch: object) -> str | None:
    if isinstance(epoch, int | float) and math.isfinite(epoch):
        return datetime.fromtimestamp(epoch, UTC).isoformat()
    return None


def _fact_times(text: str, metadata: dict[str, Any], at: float) -> str:
    """Set a fact's ``valid_at`` / ``invalid_at`` (ISO) and ``current`` (at ``at``); return its
    text, saying until when it was true when it no longer is."""
    valid_at, invalid_at = metadata.get("valid_at"), metadata.get("invalid_at")
    started = not isinstance(valid_at, int | float) or valid_at <= at
    ended = isinstance(invalid_at, int | float) and invalid_at <= at
    metadata["current"] = started and not ended
    metadata["valid_at"], metadata["invalid_at"] = _iso(valid_at), _iso(invalid_at)
    if not isinstance(invalid_at, int | float):
        return text
    # The interval end is the successor's (or the retraction's) date: shown to the day.
    until = f"(until {display_until(datetime.fromtimestamp(invalid_at, UTC), 'day')})"
    head, sep, rest = text.partition(". ")
    if sep:
        return f"{head} {until}. {rest}"
    return f"{text.removesuffix('.')} {until}."


def document_from_hit(hit: SearchHit, at: float | None = None) -> Document:
    """A search hit as a LangChain ``Document`` (see the module docstring for its metadata);
    ``at`` (epoch seconds, default now) is the instant a fact's ``current`` is judged at."""
    metadata: dict[str, Any] = {
        "id": hit.id,
        "type": hit.kind,
        "score": hit.score,
        "dataset": hit.dataset,
        "node_set": sorted(hit.node_sets),
        "chunk_ids": list(hit.chunk_ids),
    }
    for key, value in hit.metadata.items():
        metadata[key] = list(value) if isinstance(value, tuple) else value
    text = hit.text
    occurred_at = hit.metadata.get("occurred_at")
    if isinstance(occurred_at, int | float):
        # A turn shows its date once, compactly: a reader (or model) needs it to place "last
        # week"; the full time stays in the metadata. One ISO word, not "8 May 2023": on
        # LoCoMo's development split the two words saved per hit fit more turns into a reading
        # budget (evidence recall @200 .742 -> .750). The spelled-out date stays in the index.
        when = datetime.fromtimestamp(occurred_at, UTC)
        metadata["occurred_at"] = when.isoformat()
        text = f"({when.date().isoformat()}) {text}"
    if hit.kind == "fact":
        text = _fact_times(text, metadata, time.time() if at is None else at)
    return Document(page_content=text, id=hit.id, metadata=metadata)


def check_search_args(
    query: object,
    search_type: object,
    top_k: object,
    node_sets: object,
    limits: Limits | None = None,
) -> tuple[str, SearchConfig, int, list[str] | None]:
    """The validated ``(query, config, top_k, node sets)`` of a search, before any I/O.

    ``limits`` (the memory's, ``runtime.limits``) bounds the query's length and the node set
    names' (without it only the stores' id limit applies).
    """
    return (
        check_query(query, max_chars=None if limits is None else limits.max_query_chars),
        get_search_config(search_type),  # type: ignore[arg-type]
        check_positive(top_k, "top_k"),
        check_names(
            node_sets,
            "node set",
            allow_empty=True,
            max_chars=None if limits is None else limits.max_id_chars,
        ),
    )


def check_time_args(as_of: object, time_range: object) -> TimeArgs:
    """The checked ``(as_of, time_range)`` of a search (naive datetimes taken as UTC)."""
    return check_as_of(as_of), check_time_range(time_range)


async def asearch(
    runtime: MemoryRuntime,
    query: str,
    *,
    datasets: str | Sequence[str] | None = None,
    search_type: SearchType = DEFAULT_SEARCH_TYPE,
    top_k: int = DEFAULT_TOP_K,
    node_sets: str | Sequence[str] | None = None,
    user: User | None = None,
    as_of: datetime | None = None,
    time_range: TimeRange | None = None,
) -> list[Document]:
    """The ``top_k`` best documents for ``query``, best first.

    ``datasets``: name(s) to search, ``None`` for every dataset ``user`` may read. ``node_sets``:
    keep only items in one of them (``None``: no filter). ``search_type``: ``"graph"``,
    ``"chunks"``, ``"facts"``, ``"summaries"``, ``"temporal"`` or a :class:`SearchConfig`.
    ``as_of`` / ``time_range``: see the module docstring.

    Raises:
        InvalidInputError: empty query, or one longer than ``runtime.limits.max_query_chars``
            or of invalid Unicode; ``top_k`` not a positive int, unknown search type or dataset,
            malformed node set; ``as_of`` not a datetime, ``time_range`` not a pair of
            datetimes (or ``None``) with its start before its end.
        PermissionDeniedError: ``user`` may not read a dataset named in ``datasets``.
    """
    checked = check_search_args(query, search_type, top_k, node_sets, runtime.limits)
    as_of, time_range = check_time_args(as_of, time_range)
    return await aretrieve(
        runtime, *checked, datasets=datasets, user=user, as_of=as_of, time_range=time_range
    )


def _epoch(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


async def atime_context(
    runtime: MemoryRuntime,
    query: str,
    datasets: Sequence[str],
    as_of: datetime | None = None,
    time_range: TimeRange | None = None,
) -> TimeContext:
    """What a search of ``query`` over ``datasets`` knows of time (see the module docstring):
    the window is ``time_range``, else the query's own cue, resolved against ``as_of`` (default
    now); an event cue ("before she moved to Berlin") is dated by the best-matching fact of
    ``datasets`` and is no window when none matches."""
    return (await _atimed_query(runtime, query, datasets, as_of, time_range))[0]


async def _atimed_query(
    runtime: MemoryRuntime,
    query: str,
    datasets: Sequence[str],
    as_of: datetime | None,
    time_range: TimeRange | None,
) -> tuple[TimeContext, str]:
    """:func:`atime_context`, and the query to rank by: the query, less the event that dates
    the window of a question asking for a kind of fact. In "Where did Ines live before Porto?"
    the words "before Porto" only say when; ranked by them, the turn of the move to Porto
    comes first and states the wrong home (on the time-and-change fixture: stale-first 10.6 %
    -> 8.5 %). A question about an event keeps them ("What did Melanie realise after the
    charity race?" is answered by the turn naming the race: LoCoMo recall fell without them)."""
    reference = datetime.now(UTC) if as_of is None else as_of
    ranked = query
    start, end = (None, None) if time_range is None else time_range
    if time_range is None:
        window = query_window(query, reference)
        if window is not None and window.end_anchor is not None:
            # "between leaving the bank and the gym job": an end not found leaves it open
            event = _anchor_query(query, window.phrase, window.end_anchor)
            event_at = await _aevent_time(runtime, event, datasets)
            window = window if event_at is None else window.at_end_anchor(event_at)
        if window is not None and window.anchor is not None:
            event = _anchor_query(query, window.phrase, window.anchor)
            event_at = await _aevent_time(runtime, event, datasets)
            window = None if event_at is None else window.at_anchor(event_at)
            if window is not None:
                ranked = query.replace(window.phrase, " ")
        if window is not None:
            start, end = window.start, window.end
    windowed = start is not None or end is not None
    # Asked about a window (and no as_of): the question is about then, nothing is judged now.
    at = _epoch(as_of) if as_of is not None or windowed else reference.timestamp()
    kinds = asked_kinds(query, runtime.relation_kinds)
    now = at is not None and asks_now(query)
    context = TimeContext(
        at=at,
        start=_epoch(start),
        end=_epoch(end),
        # A window judges turns only when the question asks for a kind of fact ("Where did
        # she live in 2022?"); an event question ("What did she do in May?") judges nothing.
        turns=as_of is not None or (bool(kinds) if windowed else is_present_tense(query)),
        kinds=kinds,
        # "What car does Chidi own now?": an outright "now" asks for what holds now of any
        # kind, not for every car he ever owned ("Does he still own the Golf?" asks of the Golf).
        single=kinds if now else frozenset(k for k in kinds if runtime.relation_kinds.is_single(k)),
        latest=now or (at is not None and asks_still(query)),
        state=windowed and not asks_event(query),
        # A question naming the value ("Is he still at Ford?") has its words already.
        kind_words=kind_words(kinds, runtime.relation_kinds) if asks_value(query) else frozenset(),
    )
    # The kind must be asked outside the event ("What did he say after the move?" asks none:
    # "move" names the event; "Before Porto?" asks nothing else): else the words stay.
    asks_fact = ranked != query and bool(asked_kinds(ranked, runtime.relation_kinds))
    return context, ranked if asks_fact else query


def _anchor_query(query: str, phrase: str, anchor: str) -> str:
    """What to look an anchor event up by: its words, plus the names the rest of the question
    (outside the window's ``phrase``) gives it ("What did Hana drink before she switched to
    green tea?": Hana's switch, not another person's)."""
    rest = query.replace(phrase, " ")
    names = [word for word in _NAME.findall(rest)[1:] if word.casefold() not in anchor.casefold()]
    return " ".join([anchor, *names])


async def _aevent_time(
    runtime: MemoryRuntime, event: str, datasets: Sequence[str]
) -> datetime | None:
    """When ``event`` ("she moved to Berlin") happened: the ``valid_at`` of the fact of
    ``datasets`` that best matches it, else the time of the best-matching turn ("switching to
    an e-bike" was said, though no fact was drawn from it); ``None`` when nothing matches."""
    for config, field in ((_ANCHOR_SEARCH, "valid_at"), (_ANCHOR_TURN_SEARCH, "occurred_at")):
        hits = await runtime.graph_index.asearch(
            runtime.graph_store, event, None, config, 1, datasets
        )
        when = hits[0].metadata.get(field) if hits else None
        if isinstance(when, int | float) and math.isfinite(when):
            return datetime.fromtimestamp(when, UTC)
    return None


async def aretrieve(
    runtime: MemoryRuntime,
    query: str,
    config: SearchConfig,
    top_k: int,
    node_set_filter: list[str] | None,
    *,
    datasets: str | Sequence[str] | None = None,
    user: User | None = None,
    as_of: datetime | None = None,
    time_range: TimeRange | None = None,
) -> list[Document]:
    """:func:`asearch` on arguments :func:`check_search_args` and :func:`check_time_args`
    accepted (``datasets`` and ``user`` are checked here). ``recall`` searches its
    follow-up-expanded query through here: the question was held to the query limit, its
    expansion with earlier turns may exceed it."""
    started = time.perf_counter()
    names = await areadable_datasets(runtime, datasets, user)
    if not names:
        logger.debug("Search %r: no readable dataset, no hits.", preview(query))
        return []
    when, ranked = await _atimed_query(runtime, query, names, as_of, time_range)
    vector = (await runtime.aembed([ranked]))[0] if config.needs_query_vector else None
    embed_words = runtime.embed_words if config.expand_terms is not None else None
    hits = await runtime.graph_index.asearch(
        runtime.graph_store,
        *(ranked, vector, config, top_k, names, node_set_filter, embed_words, when),
    )
    # DEBUG, not INFO: agents search on every message.
    logger.debug(
        "Search %r over %s: %d hit(s) of top_k=%d in %.3fs.",
        *(preview(query), names, len(hits), top_k, time.perf_counter() - started),
    )
    at = time.time() if as_of is None else as_of.timestamp()
    documents = [document_from_hit(hit, at) for hit in hits]
    await _aname_managed_memories(runtime, documents, runtime.user_of(user))
    return documents


async def _aname_managed_memories(
    runtime: MemoryRuntime, documents: Sequence[Document], who: User
) -> None:
    """Set ``metadata["memory_id"]`` on hits that are memories ``who`` manages (node set
    :data:`MEMORIES_NODE_SET`): the id the manage tool takes, so an agent can update or delete
    what a search found. A hit is a chunk, and a chunk may be shared by several documents: the
    caller's own is the memory."""
    managed = {
        str(d.id): d
        for d in documents
        if d.metadata.get("type") == "chunk" and MEMORIES_NODE_SET in d.metadata["node_set"]
    }
    if not managed:
        return
    store = runtime.graph_store
    chunks = await store.aget_chunks(list(managed))
    owned = {
        document.id
        for document in await store.aget_documents([i for c in chunks for i in c.document_ids])
        if document.user_id == who.id and document.node_set == MEMORIES_NODE_SET
    }
    for chunk in chunks:
        mine = [i for i in chunk.document_ids if i in owned]
        if mine:
            managed[chunk.id].metadata["memory_id"] = mine[0]
