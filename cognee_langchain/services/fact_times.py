"""What one extracted relation says about time and change, resolved against its message's time.

Part of building an ingest's write (:mod:`cognee_langchain.services.graph_writes`): each
extracted relation is read as one :class:`Statement` — a fact to store (with its kind and when it
became true), an end of a fact (a retraction and when it happened), or both:

* "I moved to Berlin last week" -> the fact ``lives_in`` Berlin, valid from last week (resolved
  against the message's time, grain ``week``). "I'm moving to Oslo next month", a change to come,
  holds from next month: the home it replaces stays current until then.
* "I quit Renault" (a predicate that *ends* a kind) -> the event "quit Renault" stored without
  a kind, and a retraction of ``works_at`` Renault at the time of the statement. A model's
  "works at" marked ``retracted`` -> the retraction alone (storing "works at" would state the
  opposite).
* "I lived in Paris from 2019 until June 2023" -> the fact ``lives_in`` Paris from 2019, and a
  retraction at June 2023: a closed interval.
* "I lived in Paris until June 2023" or "I used to live in Paris" (an end, no start) -> the fact
  stored without a kind (its start is unknown, so it cannot be a version with an interval) and
  a retraction at June 2023 (at the message time when the end is unsaid): whatever version of
  ``lives_in`` Paris was open then is closed.

Dates come from :mod:`cognee_langchain.core.dates`: a model's ``valid_at`` phrase first, else
the fact's sentence (its description); an "until ..." date of the sentence ends the fact. A
phrase that resolves to no date never invents one: the fact is valid from the message's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cognee_langchain.core.dates import ResolvedDate, resolve_dates, resolve_valid_at
from cognee_langchain.extraction.kinds import RelationKinds

__all__ = ["End", "Statement", "StatementReader"]

_ENDING_ROLES = ("until",)


_CLAUSE_BREAKS = (",", ";", " and ", " then ", " but ")


def _clause_date(description: str, target: str, dates: list[ResolvedDate]) -> ResolvedDate | None:
    """Of ``dates`` (a sentence's, in text order), the one nearest ``target`` in the clause that
    names it: "Shifted here end of May, joined Kaveri on the 1st of June" dates Kaveri by the 1st
    of June, "After the wedding in May we moved to Leeds in July" Leeds by July. ``None`` when
    the target or no date is found there."""
    text = description.casefold()
    at = text.find(target.casefold())
    if at < 0:
        return None
    start = max(text.rfind(mark, 0, at) for mark in _CLAUSE_BREAKS)
    ends = [end for mark in _CLAUSE_BREAKS if (end := text.find(mark, at)) >= 0]
    end = min(ends, default=len(text))
    after = at + len(target)
    found: list[tuple[int, int, ResolvedDate]] = []
    for order, date in enumerate(dates):
        place = text.find(date.phrase.casefold(), max(start, 0))
        if 0 <= place < end:
            distance = place - after if place >= after else at - (place + len(date.phrase))
            found.append((max(distance, 0), order, date))
    return min(found)[2] if found else None


@dataclass(frozen=True, slots=True)
class End:
    """A fact of ``kind`` stops holding at ``at`` (epoch seconds UTC); ``phrase`` as written."""

    kind: str
    at: float
    phrase: str


@dataclass(frozen=True, slots=True)
class Statement:
    """One extracted relation, read for time: store a fact (``store``) of ``kind`` (``None``: a
    kind-less fact that never replaces another), valid from ``valid`` (its phrase, grain and
    time); and/or end a fact (``end``)."""

    store: bool
    kind: str | None
    single_valued: bool
    valid: ResolvedDate
    end: End | None


class StatementReader:
    """Reads extracted relations against ``kinds``, caching the date scan of each sentence (one
    window states many facts in one sentence)."""

    def __init__(self, kinds: RelationKinds) -> None:
        self.kinds = kinds
        self._dates: dict[tuple[str, datetime], list[ResolvedDate]] = {}
        self._valid: dict[tuple[str, datetime], ResolvedDate] = {}

    def _scan(self, text: str, reference: datetime) -> list[ResolvedDate]:
        key = (text, reference)
        if key not in self._dates:
            self._dates[key] = resolve_dates(text, reference)
        return self._dates[key]

    def _valid_at(self, text: str, reference: datetime) -> ResolvedDate:
        key = (text, reference)
        if key not in self._valid:
            # Most sentences name no date: one scan tells, and then the fact dates from its
            # message (what resolve_valid_at returns then), without a second scan.
            if self._scan(text, reference):
                self._valid[key] = resolve_valid_at(text, reference)
            else:
                self._valid[key] = ResolvedDate(reference, "instant", "", reference)
        return self._valid[key]

    def read(
        self,
        predicate: str,
        description: str,
        reference: datetime,
        *,
        kind: str | None = None,
        valid_at: str | None = None,
        invalid_at: str | None = None,
        retracted: bool = False,
        target: str | None = None,
    ) -> Statement:
        """The :class:`Statement` of one relation stated at ``reference`` (its message's time);
        ``target``: its target's name or key, which picks the date of its own clause when the
        sentence names several ("Sold the car in May, bought a bike in June")."""
        kinds = self.kinds
        match = kinds.classify(predicate)
        valid = self._when_true(valid_at, description, reference, target)
        at = valid.at.timestamp()
        if match.retracted and match.kind is not None:
            # "quit Renault": an event worth keeping as a fact, and the end of the job.
            return Statement(True, None, False, valid, End(match.kind, at, valid.phrase))
        fact_kind = kinds.normalize_kind(kind) or match.kind
        if retracted:
            # The model marked the fact's own wording ("works at") as ended: only the end.
            end = None if fact_kind is None else End(fact_kind, at, valid.phrase)
            return Statement(False, fact_kind, False, valid, end)
        ended = self._when_ended(invalid_at, description, reference, past=match.past)
        if ended is None or fact_kind is None:
            return Statement(True, fact_kind, kinds.is_single(fact_kind), valid, None)
        end = End(fact_kind, ended.at.timestamp(), ended.phrase)
        if valid.phrase and valid.at < ended.at:
            # "from 2019 until June 2023": a version with a closed interval.
            return Statement(True, fact_kind, kinds.is_single(fact_kind), valid, end)
        # An end without a (consistent) start: keep the text as a kind-less fact and close
        # whatever version was open at the end.
        return Statement(True, None, False, valid, end)

    def _when_true(
        self, phrase: str | None, description: str, reference: datetime, target: str | None
    ) -> ResolvedDate:
        if phrase and phrase.strip():
            given = self._valid_at(phrase.strip(), reference)
            if given.phrase:
                return given
        if target:
            starts = [
                date
                for date in self._scan(description, reference)
                if date.role in ("on", "since") and date.at <= reference
            ]
            if len(starts) > 1:
                own = _clause_date(description, target, starts)
                if own is not None:
                    return own
        return self._valid_at(description, reference)

    def _when_ended(
        self, phrase: str | None, description: str, reference: datetime, *, past: bool
    ) -> ResolvedDate | None:
        """When the fact stopped holding: the model's phrase (unresolvable: by the message
        time), else an "until ..." date of the sentence, else the message time for a state the
        tense puts in the past; ``None`` while it holds."""
        if phrase and phrase.strip():
            dates = [d for d in self._scan(phrase.strip(), reference) if d.at <= reference]
            return dates[0] if dates else ResolvedDate(reference, "instant", "", reference)
        dates = self._scan(description, reference)
        for date in dates:
            if date.role in _ENDING_ROLES and date.at <= reference:
                return date
        # "I've worked at Acme since 2019" (read "worked at"): a past tense held since a time
        # is the present perfect, still true
        if not past or any(date.role == "since" for date in dates):
            return None
        return ResolvedDate(reference, "instant", "", reference)
