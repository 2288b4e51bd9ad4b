"""The entities and relations of one chunk as the offline extractor collects them, deduplicated
by normalised name, with short forms folded into the longer names they abbreviate.

A relation may carry what the extraction schema says about time and change: its ``kind``, the
date phrases of when it started and ended, and whether the sentence ends it ("I quit Renault").
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace

from cognee_langchain.core.defaults import DEFAULT_ENTITY_TYPE
from cognee_langchain.extraction import _lexicon as lex
from cognee_langchain.extraction._follow_up import FollowUp
from cognee_langchain.extraction.kinds import KindMatch
from cognee_langchain.extraction.schema import ChunkExtraction

__all__ = ["CO_OCCURRENCE", "PLACE_TYPES", "ChunkGraph", "FactTime"]

#: The predicate of two names that share a sentence without a verb linking them.
CO_OCCURRENCE = "related_to"


@dataclass(frozen=True, slots=True)
class FactTime:
    """What a sentence says about when its facts hold (``ExtractedRelation``'s time fields)."""

    kind: str | None = None
    valid_at: str | None = None
    invalid_at: str | None = None
    retracted: bool = False


_TIMELESS = FactTime()
_CONCEPT = "Concept"
#: Entity types that name a place.
PLACE_TYPES = frozenset(("Place", "Location", "City", "Country"))


@dataclass
class ChunkGraph:
    """Entities and relations of one chunk, deduplicated by normalised key.

    A name seen with no clue to its kind is typed :data:`DEFAULT_ENTITY_TYPE` until a later
    mention gives it one.
    """

    entities: dict[str, list[str]] = field(default_factory=dict)  # key -> [name, type, desc]
    # (source, predicate, target) -> (description, time, place in the text); target "" for a
    # retraction of any value ("we broke up")
    relations: dict[tuple[str, str, str], tuple[str, FactTime, tuple[int, int]]] = field(
        default_factory=dict
    )
    pairs: set[frozenset[str]] = field(default_factory=set)
    #: ``(source, target)`` pairs a time-and-change rule has stated: the generic rules add no
    #: second, kind-less reading of them ("I'm now a manager at Zalando").
    claimed: set[tuple[str, str]] = field(default_factory=set)
    _sentence: int = 0
    _text: str = ""
    _folded: str | None = None
    _stated: list[tuple[str, str, str]] = field(default_factory=list)  # this sentence's facts

    def begin_sentence(self, index: int, text: str) -> None:
        """Relations added next are stated by sentence ``index`` of the chunk, ``text``."""
        self._sentence, self._text, self._folded = index, text, None
        if self._stated:
            self._stated = []

    @property
    def sentence_relations(self) -> int:
        """How many relations (co-occurrences aside) the current sentence added."""
        return len(self._stated)

    def stated_kinds(self) -> set[str | None]:
        """The kinds the current sentence's time-and-change rules have stated so far."""
        return {self.relations[key][1].kind for key in self._stated}

    def stated_keys(self) -> list[tuple[str, str, str]]:
        """The keys of the relations (co-occurrences aside) the current sentence added."""
        return list(self._stated)

    def date_sentence(
        self, follow_up: FollowUp, classify: Callable[[str], KindMatch], since: int = 0
    ) -> None:
        """Date the current sentence's relations that have no date phrase by the one a later
        sentence gives them ("I'm seeing Leah. We met in May."), those whose target is named
        from offset ``since`` on (the sentence's last clause); see :meth:`date_relations`."""
        keys = [key for key in self._stated if self.relations[key][2][1] >= since]
        self.date_relations(keys, follow_up, classify)

    def date_relations(
        self,
        keys: Collection[tuple[str, str, str]],
        follow_up: FollowUp,
        classify: Callable[[str], KindMatch],
    ) -> None:
        """Date the relations ``keys`` that have no date phrase by ``follow_up.phrase``: those
        of its kinds (``None``: any), a relation of no kind yet by the kind ``classify`` reads
        its predicate as (none: the kinds don't apply to it); when it says whether it dates an
        end (``follow_up.ends``), only relations that end (or only those that don't) a fact."""
        for key in keys:
            description, time, place = self.relations[key]
            match = classify(key[1])
            kind = time.kind or match.kind
            if kind is not None and follow_up.kinds is not None and kind not in follow_up.kinds:
                continue
            if follow_up.ends is not None and (time.retracted or match.retracted) != follow_up.ends:
                continue
            if time.valid_at is None:
                self.relations[key] = (description, replace(time, valid_at=follow_up.phrase), place)

    def retarget(self, key: tuple[str, str, str], target: str) -> None:
        """Give relation ``key`` (one with an open target: "we got engaged") its target, named
        in another sentence; kept as it is when that triple is stated already."""
        fact = self.relations.pop(key)
        self.relations.setdefault((key[0], key[1], target), fact)

    def add_entity(self, key: str, name: str, hint: str, description: str) -> None:
        entry = self.entities.get(key)
        if entry is None:
            self.entities[key] = [name, hint or DEFAULT_ENTITY_TYPE, description]
        elif hint and entry[1] == DEFAULT_ENTITY_TYPE:
            entry[1] = hint

    def add_concept(self, name: str, description: str) -> str:
        """Add ``name`` as an entity of type Concept (a title, an activity, a thing: no proper
        name) keyed by itself; returns the key."""
        self.add_entity(name, name, _CONCEPT, description)
        return name

    def relate(
        self,
        source: str,
        predicate: str,
        target: str,
        description: str,
        time: FactTime | None = None,
    ) -> None:
        """Add a relation (the first wording of a triple wins); ``time`` marks one a
        time-and-change rule found, which claims its pair from the generic rules.

        Relations keep the order the text states them in (where the target is named), which
        decides between statements of one message about the same time ("We broke up. I'm
        dating Chris now.")."""
        if source == target or not predicate:
            return
        if time is None:
            if (source, target) in self.claimed:
                return
            time = _TIMELESS
        else:
            self.claimed.add((source, target))
        pair = frozenset((source, target))
        if predicate == CO_OCCURRENCE and pair in self.pairs:
            return
        self.pairs.add(pair)
        if self._folded is None:
            self._folded = self._text.casefold()  # only for sentences that relate anything
        # Where the text names the target; for a blank one ("we got engaged"), its verb.
        found = self._folded.find(target if target else predicate.split()[0])
        place = (self._sentence, found if found >= 0 else len(self._folded))
        key = (source, predicate, target)
        if key not in self.relations:
            self.relations[key] = (description, time, place)
            if predicate != CO_OCCURRENCE:
                self._stated.append(key)

    def merge_aliases(self, keep: Collection[str] = ()) -> None:
        """Fold a shorter form into the unique longer entity it abbreviates: "Alice" or "Smith"
        into "Alice Smith", "Acme" into "Acme Corp" (names with connectors such as "Bank of
        America" have no short forms). Keys in ``keep`` (the speakers) stay as they are. A
        name said with a fond word before it folds the other way: "Little Mochi" into "Mochi"
        ("Little Rock", never said as "Rock", stays)."""
        candidates: dict[str, set[str]] = {}
        fond: dict[str, str] = {}  # "little mochi" -> "mochi": the name with a fond word before it
        for key, (_, kind, _) in self.entities.items():
            words = key.split()
            if len(words) < 2 or any(word in lex.CONNECTORS for word in words):
                continue
            if words[0] in lex.FOND_WORDS and " ".join(words[1:]) in self.entities:
                fond[key] = " ".join(words[1:])
                continue
            short = {words[0], words[-1]}
            if kind == "Organization" and words[-1] in lex.ORG_SUFFIXES:
                short = {words[0], " ".join(words[:-1])}
            for alias in short:
                candidates.setdefault(alias, set()).add(key)
        aliases = fond | {
            alias: next(iter(keys))
            for alias, keys in candidates.items()
            if len(keys) == 1
            and alias in self.entities
            and alias not in keys
            and alias not in keep
            and not self._place_in_name(alias, next(iter(keys)))
        }
        if not aliases:
            return
        # "little mochi" -> "mochi" -> "mochi tanaka": the end of the chain
        aliases = {alias: aliases.get(canonical, canonical) for alias, canonical in aliases.items()}
        for alias, canonical in aliases.items():
            _, hint, _ = self.entities.pop(alias)
            if self.entities[canonical][1] == DEFAULT_ENTITY_TYPE:
                self.entities[canonical][1] = hint
        relations = self.relations
        self.relations = {}
        for (source, predicate, target), fact in relations.items():
            source, target = aliases.get(source, source), aliases.get(target, target)
            if source != target:
                self.relations.setdefault((source, predicate, target), fact)

    def _place_in_name(self, alias: str, canonical: str) -> bool:
        """Whether ``alias`` is a place that only starts or ends a longer name of another type:
        "Leeds" in "Leeds General" (a hospital), not its short form."""
        kinds = self.entities[alias][1], self.entities[canonical][1]
        return kinds[0] in PLACE_TYPES and kinds[1] not in PLACE_TYPES

    def to_extraction(self, summary: str) -> ChunkExtraction:
        names = {key: entry[0] for key, entry in self.entities.items()}
        names[""] = ""  # the open target of a retraction of any value
        # One validation of plain data is several times faster than building each model.
        return ChunkExtraction.model_validate(
            {
                "entities": [
                    {"name": name, "type": kind, "description": description}
                    for name, kind, description in self.entities.values()
                ],
                "relations": [
                    {
                        "source": names[source],
                        "predicate": predicate,
                        "target": names[target],
                        "description": description,
                        "kind": time.kind,
                        "valid_at": time.valid_at,
                        "invalid_at": time.invalid_at,
                        "retracted": time.retracted,
                    }
                    for (source, predicate, target), (description, time, _) in sorted(
                        self.relations.items(), key=lambda item: item[1][2]
                    )
                ],
                "summary": summary,
            }
        )
