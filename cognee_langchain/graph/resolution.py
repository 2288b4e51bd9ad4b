"""Entity resolution: every mention of the same real thing — across chunks, documents and
sessions — becomes one node.

Two mentions are the same entity when their names normalise to the same key (case, accents,
punctuation, possessives, a leading "the" or honorific, corporate suffixes such as Inc/Corp/Ltd,
and the plural of common nouns are ignored), when the key is a known alias, or — for names never
seen before — when the name's embedding is at least ``similarity_threshold`` cosine-similar to an
entity of the same type sharing a name token. Resolution is scoped by dataset.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cognee_langchain.core.defaults import DEFAULT_ENTITY_TYPE
from cognee_langchain.core.validation import check_number, check_positive
from cognee_langchain.graph.base import EntityMatches, EntityRef, GraphStore, Vector
from cognee_langchain.graph.models import content_id

__all__ = [
    "EntityResolver",
    "Mention",
    "Resolution",
    "ResolvedEntity",
    "clean_name",
    "clean_type",
    "name_tokens",
    "normalize_name",
    "normalize_predicate",
]

_MAX_NAME_CHARS = 200
_MAX_TYPE_CHARS = 60
_MAX_PREDICATE_CHARS = 100

_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
_CORPORATE_SUFFIXES = frozenset(
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc",
        "plc", "gmbh", "ag", "sa", "nv", "bv", "llp", "lp", "pty", "srl", "spa",
    }
)  # fmt: skip
# Placeholder types extractors give when they cannot tell; any specific type is preferred.
_GENERIC_TYPES = frozenset({"concept", "entity", "thing", "other", "unknown", "misc"})
_BLOCKING_STOPWORDS = frozenset({"and", "of", "the", "for", "in", "on", "at", "to", "de", "la"})
_WORD = re.compile(r"[^\W_]+")
_POSSESSIVE = re.compile(r"(?<=[\w.])['’]s\b|(?<=s)['’](?=\W|$)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = "\"'`“”‘’«».,;:!?()[]{}<>*#-–—_/\\|"


# Names repeat endlessly across chunks, and resolution normalises every mention: cache.
@lru_cache(maxsize=65536)
def clean_name(name: str) -> str:
    """A mention's surface form as it will be shown: single-spaced, without wrapping quotes or
    punctuation; empty when nothing usable is left or it is too long to be a name."""
    cleaned = _SPACES.sub(" ", name).strip().strip(_EDGE_PUNCTUATION).strip()
    return cleaned if len(cleaned) <= _MAX_NAME_CHARS else ""


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """The lookup key of a name: mentions with equal keys are the same entity.

    >>> normalize_name("The ACME Corp.'s")
    'acme'
    >>> normalize_name("U.S.A.") == normalize_name("USA")
    True
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _POSSESSIVE.sub("", text).replace("&", " and ")
    surface = _join_initials(_WORD.findall(text))
    tokens = [t.casefold() for t in surface]
    while len(tokens) > 1 and (tokens[0] == "the" or tokens[0] in _HONORIFICS):
        tokens.pop(0)
        surface.pop(0)
    while len(tokens) > 1 and tokens[-1] in _CORPORATE_SUFFIXES:
        tokens.pop()
        surface.pop()
    if tokens and surface[-1].islower():
        # Only common nouns ("databases") are singularised: "Williams" is not "William".
        tokens[-1] = _singular(tokens[-1])
    return " ".join(tokens)


def _join_initials(tokens: list[str]) -> list[str]:
    """Merge runs of single letters, so the initials of "U.S.A." read as the word "USA"."""
    merged: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            merged.append("".join(run) if len(run) > 1 else run[0])
            run = []
        if token:
            merged.append(token)
    return merged


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def name_tokens(key: str) -> tuple[str, ...]:
    """Tokens of a key used to find similar-entity candidates (stopwords and 1-2 letter tokens
    dropped unless nothing else is left)."""
    tokens = key.split()
    useful = [t for t in tokens if (len(t) > 2 or t.isdigit()) and t not in _BLOCKING_STOPWORDS]
    return tuple(dict.fromkeys(useful or tokens))


def clean_type(type_: str) -> str:
    """An entity type as stored: single-spaced, at most 60 characters, ``Concept`` when empty."""
    cleaned = _SPACES.sub(" ", type_).strip().strip(_EDGE_PUNCTUATION)[:_MAX_TYPE_CHARS].strip()
    return cleaned or DEFAULT_ENTITY_TYPE


def normalize_predicate(predicate: str) -> str:
    """A relation predicate as stored: lower case, single-spaced, ``related to`` when empty."""
    cleaned = _SPACES.sub(" ", predicate.replace("_", " ")).strip().strip(_EDGE_PUNCTUATION)
    return cleaned.casefold()[:_MAX_PREDICATE_CHARS].strip() or "related to"


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity as one chunk names it. Build with :meth:`create` to get a clean name and key."""

    chunk_id: str
    name: str
    type: str
    description: str
    key: str

    @classmethod
    def create(
        cls, chunk_id: str, name: str, type_: str = DEFAULT_ENTITY_TYPE, description: str = ""
    ) -> Mention | None:
        """The mention, or ``None`` when the name is unusable (empty, punctuation, too long)."""
        surface = clean_name(name)
        key = normalize_name(surface) if surface else ""
        if not key:
            return None
        return cls(chunk_id, surface, clean_type(type_), description.strip(), key)


@dataclass(frozen=True, slots=True)
class ResolvedEntity:
    """One entity of a batch: stored already (``new=False``) or to be created."""

    id: str
    name: str
    type: str
    new: bool
    vector: Vector | None
    keys: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class Resolution:
    """The entities of a batch of mentions, and which entity each mention key resolved to."""

    entities: dict[str, ResolvedEntity]
    entity_of_key: dict[str, str]

    def entity_for(self, key: str) -> ResolvedEntity:
        """The entity a mention key resolved to."""
        return self.entities[self.entity_of_key[key]]


Embed = Callable[[Sequence[str]], Awaitable[Vector]]


@dataclass(eq=False)
class _Group:
    """All mentions sharing one key, and where they resolve to: a stored entity (``target``),
    another new name of this batch (``folded_into``), or a new entity of their own."""

    key: str
    mentions: list[Mention]
    target: EntityRef | None = None
    folded_into: _Group | None = None
    vector: Vector | None = None

    @property
    def name(self) -> str:
        return self.mentions[0].name

    @property
    def type(self) -> str:
        counts = Counter(m.type for m in self.mentions)
        # the most frequent type; a catch-all type only when no mention names a specific one
        return max(counts, key=lambda t: (t.casefold() not in _GENERIC_TYPES, counts[t]))


class EntityResolver:
    """Resolves mentions against a dataset's stored entities and against each other.

    Args:
        similarity_threshold: Cosine similarity of name embeddings (same type) at or above which
            two differently named mentions are merged. Set above 1 to merge by name/alias only.
        max_candidates: Stored entities compared per new name (those sharing the most tokens).
    """

    def __init__(self, similarity_threshold: float = 0.92, max_candidates: int = 50) -> None:
        # Cosine similarity is at least -1; above 1 disables embedding-based merging.
        self.similarity_threshold = check_number(
            similarity_threshold, "similarity_threshold", minimum=-1.0
        )
        self.max_candidates = check_positive(max_candidates, "max_candidates")

    def __repr__(self) -> str:
        return (
            f"EntityResolver(similarity_threshold={self.similarity_threshold}, "
            f"max_candidates={self.max_candidates})"
        )

    async def aresolve(
        self, store: GraphStore, dataset: str, mentions: Sequence[Mention], embed: Embed
    ) -> Resolution:
        """Resolve ``mentions``; ``embed`` returns one L2-normalised row per name."""
        groups: dict[str, _Group] = {}
        for mention in mentions:
            groups.setdefault(mention.key, _Group(mention.key, [])).mentions.append(mention)
        known = await store.alookup_entities(dataset, keys=list(groups))
        for key, ref in known.by_key.items():
            groups[key].target = ref
        unknown = [group for group in groups.values() if group.target is None]
        if unknown:
            vectors = await embed([group.name for group in unknown])
            for group, vector in zip(unknown, vectors, strict=True):
                group.vector = vector
            if self.similarity_threshold <= 1:
                tokens = [name_tokens(group.key) for group in unknown]
                # One read for every new name: stored candidates do not depend on the batch.
                matches = await store.alookup_entities(
                    dataset, token_groups=tokens, limit=self.max_candidates
                )
                self._match_similar(unknown, tokens, matches)
        return _assemble(dataset, groups.values())

    def _match_similar(
        self, unknown: list[_Group], tokens: list[tuple[str, ...]], matches: EntityMatches
    ) -> None:
        """Point each new name at the most similar entity of its type sharing a name token —
        stored, or new earlier in this batch — when the similarity clears the threshold."""
        created: dict[str, list[_Group]] = {}  # token -> new groups of this batch having it
        for group, group_tokens, refs in zip(unknown, tokens, matches.candidates, strict=True):
            assert group.vector is not None
            kind = group.type.casefold()
            stored = matches.vectors
            scored: list[tuple[float, EntityRef | _Group]] = [
                (float(stored[ref.id] @ group.vector), ref)
                for ref in refs
                if ref.type.casefold() == kind and ref.id in stored
            ]
            peers = {id(p): p for token in group_tokens for p in created.get(token, ())}
            scored.extend(
                (float(peer.vector @ group.vector), peer)
                for peer in peers.values()
                if peer.vector is not None and peer.type.casefold() == kind
            )
            score, match = max(scored, key=lambda item: item[0], default=(-1.0, None))
            if match is None or score < self.similarity_threshold:
                for token in group_tokens:
                    created.setdefault(token, []).append(group)
            elif isinstance(match, _Group):
                group.folded_into = match
            else:
                group.target = match


def _assemble(dataset: str, groups: Iterable[_Group]) -> Resolution:
    keys: dict[str, list[str]] = {}
    mentions: dict[str, list[Mention]] = {}
    heads: dict[str, ResolvedEntity] = {}
    entity_of_key: dict[str, str] = {}
    for group in groups:
        root = group.folded_into or group
        if root.target is not None:
            entity_id = root.target.id
            head = ResolvedEntity(entity_id, root.target.name, root.target.type, False, None)
        else:
            entity_id = content_id("entity", dataset, root.key)
            head = ResolvedEntity(entity_id, root.name, root.type, True, root.vector)
        heads.setdefault(entity_id, head)
        keys.setdefault(entity_id, []).append(group.key)
        mentions.setdefault(entity_id, []).extend(group.mentions)
        entity_of_key[group.key] = entity_id
    entities = {
        entity_id: ResolvedEntity(
            id=head.id,
            name=head.name,
            type=head.type,
            new=head.new,
            vector=head.vector,
            keys=tuple(keys[entity_id]),
            tokens=tuple(dict.fromkeys(t for key in keys[entity_id] for t in name_tokens(key))),
            mentions=tuple(mentions[entity_id]),
        )
        for entity_id, head in heads.items()
    }
    return Resolution(entities=entities, entity_of_key=entity_of_key)
