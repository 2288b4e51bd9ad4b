"""History: every version of what the memory knows about a subject, with its interval and where
it was said (the body of ``GraphMemory.history``).

The subject is an entity name as written ("Alice"): its entities are those whose name or alias
normalises to it, else those whose name holds all of its words ("Alice" -> "Alice Johnson").
Versions of every matched entity are listed together, oldest first (by ``valid_at``, then when
they were recorded). A version closed without a successor (``invalid_at`` set,
``superseded_by`` ``None``) was retracted ("I quit Renault").

A retraction of a value never stated ("I sold the Golf three weeks ago", the Golf not mentioned
before) closes nothing, yet it tells that the value held until then: it is listed as a version
known only by its end (``valid_at`` ``None``, ``id`` the retraction's), after the dated ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cognee_langchain.core.validation import check_dataset, check_unicode
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.graph.models import Relation, Retraction
from cognee_langchain.graph.resolution import normalize_name
from cognee_langchain.retrieval.lexical import word_tokens
from cognee_langchain.services.access import areadable_datasets
from cognee_langchain.services.runtime import MemoryRuntime
from cognee_langchain.users import User

__all__ = ["FactVersion", "ahistory", "check_relation_kind", "check_subject"]

# Entities looked at when the subject is no exact name: a first name matches a few full names.
_CANDIDATES = 20


@dataclass(frozen=True, slots=True)
class FactVersion:
    """One version of a fact about a subject.

    ``id``: the relation's id (what another version's ``superseded_by`` names). ``fact``: the
    fact as a sentence. ``kind``: its relation kind (``"lives_in"``; ``None`` unknown).
    ``target``: the value's name ("Berlin"). ``valid_at``: when it became true, with
    ``valid_grain`` (``"day"``, ``"month"``, ...) and ``valid_phrase`` (the words that dated it,
    ``""`` when it is the message time); ``None`` when only its end was told. ``invalid_at``:
    when it stopped being true (``None``: still true). ``superseded_by``: the id of the version
    that replaced it (``None``: current or retracted). ``recorded_at``: when the memory learned
    it. ``session_ids`` / ``message_ids`` / ``chunk_ids``: where it was said (``id`` is the
    retraction's for a version told only by its end).
    """

    id: str
    fact: str
    kind: str | None
    target: str
    valid_at: datetime | None
    valid_grain: str | None
    valid_phrase: str
    invalid_at: datetime | None
    superseded_by: str | None
    recorded_at: datetime | None
    session_ids: tuple[str, ...]
    message_ids: tuple[str, ...]
    chunk_ids: tuple[str, ...]

    @property
    def current(self) -> bool:
        """Whether it is still true (nothing closed it)."""
        return self.invalid_at is None


def _moment(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def _version(relation: Relation) -> FactVersion:
    return FactVersion(
        id=relation.id,
        fact=relation.fact,
        kind=relation.kind,
        target=relation.target_name,
        valid_at=_moment(relation.valid_at),
        valid_grain=relation.valid_grain,
        valid_phrase=relation.valid_phrase,
        invalid_at=_moment(relation.invalid_at),
        superseded_by=relation.superseded_by,
        recorded_at=_moment(relation.recorded_at),
        session_ids=relation.session_ids,
        message_ids=relation.message_ids,
        chunk_ids=relation.chunk_ids,
    )


# How a version known only by its end reads: in the past tense, for the default kinds.
_PAST_TENSE = {
    "lives_in": "lived in",
    "works_at": "worked at",
    "job_title": "was",
    "relationship_status": "was with",
    "studies_at": "studied at",
    "has_pet": "had the pet",
    "owns": "owned",
    "likes": "liked",
    "member_of": "was a member of",
}


def _ended_version(retraction: Retraction, source: str, target: str, kind: str) -> FactVersion:
    verb = _PAST_TENSE.get(kind, kind.replace("_", " "))
    return FactVersion(
        id=retraction.id,
        fact=f"{source} {verb} {target} (its start untold).",
        kind=kind,
        target=target,
        valid_at=None,
        valid_grain=None,
        valid_phrase="",
        invalid_at=_moment(retraction.at),
        superseded_by=None,
        recorded_at=_moment(retraction.created_at),
        session_ids=retraction.session_ids,
        message_ids=retraction.message_ids,
        chunk_ids=(retraction.chunk_id,),
    )


async def _aended_only(
    runtime: MemoryRuntime, dataset: str, entity_ids: Sequence[str], kind: str | None
) -> list[FactVersion]:
    """The versions known only by their end: a retraction of a named value that closed nothing,
    one per subject, kind and value (the earliest end told)."""
    store = runtime.graph_store
    ended: dict[tuple[str, str, str], Retraction] = {}
    for entity_id in entity_ids:
        for retraction in await store.aretractions(dataset, entity_id):
            if retraction.closed or retraction.target_id is None:
                continue
            if kind is not None and retraction.kind != kind:
                continue
            ended.setdefault((entity_id, retraction.kind, retraction.target_id), retraction)
    if not ended:
        return []
    names = {
        entity.id: entity.name
        for entity in await store.aget_entities(sorted({i for key in ended for i in key[::2]}))
    }
    return [
        _ended_version(retraction, names[source], names[target], retraction_kind)
        for (source, retraction_kind, target), retraction in ended.items()
        if source in names and target in names
    ]


def check_subject(subject: object, max_chars: int) -> str:
    """``subject`` if it is a usable entity name."""
    if not isinstance(subject, str) or not subject.strip():
        raise InvalidInputError(
            f"subject must be a non-empty string, got {subject!r:.60}: pass an entity name, "
            "e.g. 'Alice'."
        )
    if len(subject) > max_chars:
        raise InvalidInputError(
            f"subject has {len(subject):,} characters; the limit is {max_chars:,} "
            "(max_query_chars): pass the entity's name."
        )
    return check_unicode(subject, "subject")


def check_relation_kind(runtime: MemoryRuntime, relation: object) -> str | None:
    """``relation`` as a relation kind ("lives in", "Lives_In" -> ``"lives_in"``; ``None``:
    every kind)."""
    if relation is None:
        return None
    if not isinstance(relation, str):
        raise InvalidInputError(
            f"relation must be a str or None, got {type(relation).__name__}: pass a kind such "
            "as 'lives_in'."
        )
    kind = runtime.relation_kinds.normalize_kind(check_unicode(relation, "relation"))
    if kind is None:
        raise InvalidInputError(
            f"relation {relation!r} is no relation kind: pass a kind such as 'lives_in' or "
            "'works_at', or None for every kind."
        )
    return kind


async def _asubject_ids(runtime: MemoryRuntime, dataset: str, subject: str) -> list[str]:
    """The entities of ``dataset`` the name ``subject`` stands for (see the module docstring)."""
    store = runtime.graph_store
    key = normalize_name(subject)
    if key:
        exact = await store.afind_entities(dataset, [key])
        if exact:
            return sorted({ref.id for ref in exact.values()})
    words = set(word_tokens(subject))
    if not words:
        return []
    candidates = await store.aentity_candidates(dataset, sorted(words), limit=_CANDIDATES)
    return sorted({ref.id for ref in candidates if words <= set(word_tokens(ref.name))})


async def ahistory(
    runtime: MemoryRuntime,
    subject: str,
    relation: str | None = None,
    *,
    dataset: str,
    user: User | None = None,
) -> list[FactVersion]:
    """Every version of the facts of ``subject`` in ``dataset`` (of one relation kind when
    ``relation`` is given), oldest first; ``[]`` when the subject is unknown there.

    Raises:
        InvalidInputError: a blank subject, a relation that is no kind, a malformed dataset.
        PermissionDeniedError: ``user`` may not read ``dataset``.
    """
    subject = check_subject(subject, runtime.limits.max_query_chars)
    kind = check_relation_kind(runtime, relation)
    dataset = check_dataset(dataset, max_chars=runtime.limits.max_id_chars)
    if not await areadable_datasets(runtime, dataset, user):
        return []
    store = runtime.graph_store
    # One relation may hold several periods (Paris, Berlin, Paris again): a version is a period.
    versions: dict[tuple[str, float | None], Relation] = {}
    entity_ids = await _asubject_ids(runtime, dataset, subject)
    for entity_id in entity_ids:
        for found in await store.arelation_history(dataset, entity_id, kind):
            versions[found.id, found.valid_at] = found
    ordered: Sequence[Relation] = sorted(
        versions.values(),
        key=lambda r: (
            r.valid_at if r.valid_at is not None else float("inf"),
            r.recorded_at if r.recorded_at is not None else float("inf"),
            r.id,
        ),
    )
    ended = await _aended_only(runtime, dataset, entity_ids, kind)
    return [_version(found) for found in ordered] + sorted(
        ended, key=lambda v: (v.invalid_at, v.id)
    )
