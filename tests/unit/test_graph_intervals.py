"""The interval rule of ``graph.intervals``, without a store: checked against a naive replay of
the events up to each moment, for any statements and retractions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cognee_langchain.graph.intervals import (
    Closure,
    GroupIntervals,
    Statement,
    Withdrawal,
    compute_intervals,
    match_withdrawals,
    name_variants,
)

_targets = st.sampled_from(["paris", "berlin", "rome"])
_times = st.integers(0, 8).map(float)
_recorded = st.integers(0, 2).map(float)


@st.composite
def _group(draw: st.DrawFn) -> tuple[list[Statement], list[Withdrawal]]:
    # A relation is one (predicate, target): two relations may share a target ("lives in",
    # "moved to"); each chunk states a relation at most once.
    raw = draw(
        st.lists(
            st.tuples(st.sampled_from(["lives", "moved"]), _targets, _times, _recorded),
            max_size=8,
        )
    )
    recorded_of: dict[str, float] = {}
    statements = []
    for n, (predicate, target, at, recorded) in enumerate(raw):
        relation = f"{predicate}-{target}"
        recorded_of.setdefault(relation, recorded)  # a relation is recorded once
        statements.append(Statement(relation, f"c{n}", target, at, recorded_of[relation]))
    withdrawals = [
        Withdrawal(f"w{n}", target, at, recorded)
        for n, (target, at, recorded) in enumerate(
            draw(st.lists(st.tuples(st.none() | _targets, _times, _recorded), max_size=4))
        )
    ]
    return statements, withdrawals


def _open_at(result: GroupIntervals, statements: list[Statement], moment: float) -> set[str]:
    """Targets of the statements true at ``moment`` according to ``result``."""
    found = set()
    for s in statements:
        closure = result.statements[(s.relation_id, s.chunk_id)]
        if s.at <= moment and (closure is None or moment < closure.at):
            found.add(s.target_id)
    return found


def _replay(
    statements: list[Statement], withdrawals: list[Withdrawal], moment: float, single: bool
) -> set[str]:
    """The values true at ``moment``: every event up to it, replayed in order (ties: later
    recorded last; a retraction before a statement of the same moment)."""
    events: list[tuple[tuple[float, float, int, str, str], Statement | Withdrawal]] = [
        ((s.at, s.recorded, 1, s.relation_id, s.chunk_id), s) for s in statements
    ]
    events += [((w.at, w.recorded, 0, w.id, ""), w) for w in withdrawals]
    values: set[str] = set()
    for _, event in sorted(events, key=lambda e: e[0]):
        if event.at > moment:
            break
        if isinstance(event, Statement):
            values = {event.target_id} | (set() if single else values)
        elif event.target_id is None:
            values = set() if single else values
        else:
            values.discard(event.target_id)
    return values


@given(group=_group(), single=st.booleans())
def test_what_is_true_at_any_moment_is_what_a_replay_finds(
    group: tuple[list[Statement], list[Withdrawal]], single: bool
) -> None:
    statements, withdrawals = group
    result = compute_intervals(statements, withdrawals, single_valued=single)
    for moment in (k + 0.5 for k in range(-1, 10)):
        expected = _replay(statements, withdrawals, moment, single)
        assert _open_at(result, statements, moment) == expected
        if single:
            assert len(expected) <= 1  # one value at a time


@given(group=_group(), single=st.booleans(), data=st.data())
def test_the_result_does_not_depend_on_input_order(
    group: tuple[list[Statement], list[Withdrawal]], single: bool, data: st.DataObject
) -> None:
    statements, withdrawals = group
    shuffled = data.draw(st.permutations(statements)), data.draw(st.permutations(withdrawals))
    assert compute_intervals(*shuffled, single_valued=single) == compute_intervals(
        statements, withdrawals, single_valued=single
    )


@given(group=_group())
def test_a_closure_names_the_change_that_made_it(
    group: tuple[list[Statement], list[Withdrawal]],
) -> None:
    statements, withdrawals = group
    result = compute_intervals(statements, withdrawals, single_valued=True)
    for s in statements:
        closure = result.statements[(s.relation_id, s.chunk_id)]
        if closure is None:
            continue
        assert closure.at >= s.at
        if closure.by is None:  # a retraction of this value, or of any, ended it
            assert any(
                w.at == closure.at and w.target_id in (None, s.target_id) for w in withdrawals
            )
        else:  # a statement of another value, at that time
            assert any(
                o.relation_id == closure.by and o.at == closure.at and o.target_id != s.target_id
                for o in statements
            )
    for interval in result.relations.values():
        own = [s for s in statements if s.relation_id == interval.first.relation_id]
        assert interval.valid_at == min(s.at for s in own)


def test_many_valued_statements_never_close_each_other() -> None:
    statements = [Statement(f"likes-{t}", f"c{t}", str(t), float(t), 0.0) for t in range(5)]
    result = compute_intervals(statements, [], single_valued=False)
    assert set(result.statements.values()) == {None}


def test_a_return_to_an_earlier_value_is_a_new_period_of_the_same_relation() -> None:
    paris1 = Statement("lives-paris", "c1", "paris", 1.0, 0.0)
    berlin = Statement("moved-berlin", "c2", "berlin", 2.0, 0.0)
    paris2 = Statement("lives-paris", "c3", "paris", 3.0, 0.0)
    result = compute_intervals([paris2, berlin, paris1], [], single_valued=True)
    assert result.statements == {
        ("lives-paris", "c1"): Closure(2.0, "moved-berlin"),
        ("moved-berlin", "c2"): Closure(3.0, "lives-paris"),
        ("lives-paris", "c3"): None,
    }
    paris = result.relations["lives-paris"]
    assert (paris.valid_at, paris.first, paris.closure) == (1.0, paris1, None)


def test_a_retraction_said_with_a_new_value_ends_the_old_one_first() -> None:
    renault = Statement("works-renault", "c1", "renault", 1.0, 0.0)
    zalando = Statement("works-zalando", "c2", "zalando", 5.0, 1.0)
    quit_ = Withdrawal("w", "renault", 5.0, 1.0)
    result = compute_intervals([renault, zalando], [quit_], single_valued=True)
    assert result.statements[("works-renault", "c1")] == Closure(5.0, None)
    assert result.closed == {"w": ("works-renault",)}
    # after the new value, the same retraction names nothing open
    late = Withdrawal("w", "renault", 5.0, 2.0)
    assert compute_intervals([renault, zalando], [late], single_valued=True).closed == {"w": ()}


_NAMES = {
    "buick-lesabre": frozenset({"buick", "lesabre"}),
    "buick": frozenset({"buick"}),
    "golf-clubs": frozenset({"golf", "club"}),
    "red-car": frozenset({"red", "car"}),
    "old-car": frozenset({"old", "car"}),
    "car": frozenset({"car"}),
    "vespa": frozenset({"vespa"}),
}


def test_a_retraction_naming_a_short_form_closes_the_stated_long_form() -> None:
    owned = Statement("owns-buick", "c1", "buick-lesabre", 1.0, 0.0)
    sold = Withdrawal("w1", "buick", 5.0, 1.0)
    aimed = match_withdrawals([owned], [sold], _NAMES)
    assert aimed == [Withdrawal("w1", "buick-lesabre", 5.0, 1.0)]
    result = compute_intervals([owned], aimed, single_valued=False)
    assert result.statements[("owns-buick", "c1")] == Closure(5.0, None)
    assert result.closed == {"w1": ("owns-buick",)}
    # Without the match the retraction names a value never stated: it closes nothing.
    assert compute_intervals([owned], [sold], single_valued=False).closed == {"w1": ()}


def test_a_retraction_naming_a_long_form_closes_the_stated_short_form() -> None:
    owned = Statement("owns-buick", "c1", "buick", 1.0, 0.0)
    aimed = match_withdrawals([owned], [Withdrawal("w1", "buick-lesabre", 5.0, 1.0)], _NAMES)
    assert aimed[0].target_id == "buick"


def test_a_retraction_matching_two_stated_values_or_none_stays_as_it_was() -> None:
    cars = [
        Statement("owns-red", "c1", "red-car", 1.0, 0.0),
        Statement("owns-old", "c2", "old-car", 2.0, 0.0),
    ]
    sold = [Withdrawal("w1", "car", 5.0, 1.0), Withdrawal("w2", "vespa", 5.0, 1.0)]
    assert match_withdrawals(cars, sold, _NAMES) == sold
    # A name the tokens do not know, and a retraction of any value, are left alone too.
    unknown = [Withdrawal("w3", "unknown", 5.0, 1.0), Withdrawal("w4", None, 5.0, 1.0)]
    assert match_withdrawals(cars, unknown, _NAMES) == unknown


def test_a_retraction_of_a_stated_value_is_never_moved() -> None:
    # "the car" is stated itself: the retraction ends it, not the longer "red car".
    stated = [
        Statement("owns-car", "c1", "car", 1.0, 0.0),
        Statement("owns-red", "c2", "red-car", 1.0, 0.0),
    ]
    sold = [Withdrawal("w1", "car", 5.0, 1.0)]
    assert match_withdrawals(stated, sold, _NAMES) == sold


def test_a_name_that_opens_another_is_its_shorter_form() -> None:
    names = {
        "lumen": ("lumen",),
        "lumen-content": ("lumen", "content"),
        "york": ("york",),
        "new-york": ("new", "york"),
    }
    # "York" does not open "New York": another city
    assert name_variants(names) == {"lumen": "lumen-content"}


def test_a_name_opening_two_different_longer_names_is_neither() -> None:
    names = {"st": ("st", "luke"), "a": ("st", "luke", "bgc"), "b": ("st", "luke", "hospital")}
    assert name_variants(names) == {}
    # one name said at more and more length is the longest
    chain = {"a": ("st",), "b": ("st", "luke"), "c": ("st", "luke", "bgc")}
    assert name_variants(chain) == {"a": "c", "b": "c"}


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=3), st.lists(st.sampled_from("abc"), max_size=3).map(tuple)
    )
)
def test_a_shorter_form_always_opens_the_name_it_stands_for(
    names: dict[str, tuple[str, ...]],
) -> None:
    for short, long in name_variants(names).items():
        assert len(names[long]) > len(names[short]) > 0
        assert names[long][: len(names[short])] == names[short]
