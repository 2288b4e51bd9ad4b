"""Places known offline: what kind of place a name is, and what larger places it lies in.

A question often names a category where the conversation names an instance: "Which US cities
has John visited?" against "my game in Seattle next month". Neither the words nor the shipped
word vectors bridge the two (cosine of "US cities" and "Seattle": .21). A gazetteer does: it
knows Seattle is a city in Washington, in the United States, in North America. The package
ships one, small (``data/places.tsv.gz``, about 30 KB: every country, the US states and the
cities of at least 150,000 people), derived from GeoNames (CC BY 4.0) by
``scripts/build_gazetteer.py``.

A retrieval unit that names a place carries its category words in an index-only key field
(:func:`place_words`), so the lexical lane matches "cities", "US" or "European" against the turn
while the text returned stays what was said. Measured on LoCoMo's development split
(``benchmarks/memory_quality.py``): multi-hop evidence recall @500 .575 → .593.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

__all__ = ["Place", "place_named", "place_words", "places_in"]

PlaceKind = Literal["country", "state", "city"]

_CONTINENTS = {
    "AF": ("Africa", "African"),
    "AN": ("Antarctica",),
    "AS": ("Asia", "Asian"),
    "EU": ("Europe", "European"),
    "NA": ("North America", "North American"),
    "OC": ("Oceania", "Australasia"),
    "SA": ("South America", "South American", "Latin America"),
}
# How people name the United States; its cities and states carry these words too.
_US_WORDS = ("US", "USA", "America", "American")
_LONGEST = 4
"""Words in the longest name the scan tries ("United States of America")."""
_WORD = re.compile(r"[^\W\d_](?:[\w'&-]|\.(?=\w))*\.?")
# Lower-case words that may sit inside a place name ("Rio de Janeiro", "Isle of Man").
_JOINERS = frozenset({"of", "de", "da", "do", "del", "la", "le", "upon", "the", "and"})


@dataclass(frozen=True, slots=True)
class Place:
    """A place the gazetteer knows: its ``name``, ``kind`` and the larger places it lies in,
    nearest first (``("Illinois", "United States", "North America")`` for Chicago)."""

    name: str
    kind: PlaceKind
    within: tuple[str, ...]

    def category_words(self) -> str:
        """The words of the categories the place belongs to: its kind and every larger place
        with its adjective ("city Illinois United States US USA America American North
        America North American")."""
        return " ".join((self.kind, *self.within))


@dataclass(frozen=True, slots=True)
class _Country:
    name: str
    continent: str


@cache
def _table() -> dict[str, Place]:
    raw = files(__package__).joinpath("data/places.tsv.gz").read_bytes()
    rows = [line.split("\t") for line in gzip.decompress(raw).decode().splitlines()]
    countries: dict[str, _Country] = {}
    for row in rows:
        if row[0] == "C" and row[2] not in countries:  # the first row of a code is its name
            countries[row[2]] = _Country(row[1], row[3])

    def inside(code: str) -> tuple[str, ...]:
        country = countries[code]
        words = _US_WORDS if code == "US" else ()
        return (country.name, *words, *_CONTINENTS.get(country.continent, ()))

    table: dict[str, Place] = {}
    for row in rows:
        if row[0] == "C":
            # An alias ("England", "USA") lies in the country GeoNames names.
            names = inside(row[2])
            place = Place(row[1], "country", names[1:] if names[0] == row[1] else names)
        elif row[0] == "S":
            place = Place(row[1], "state", inside(row[2]))
        else:
            state = (row[3],) if len(row) > 3 and row[3] else ()
            place = Place(row[1], "city", (*state, *inside(row[2])))
        table.setdefault(place.name.casefold(), place)
    return table


def place_named(name: str) -> Place | None:
    """The place called ``name`` (case-insensitive), if the gazetteer knows one."""
    return _table().get(name.casefold())


def places_in(text: str, exclude: Iterable[str] = ()) -> list[Place]:
    """The places ``text`` names, in order, each once: capitalised names looked up longest
    first ("New York" before "York"). Names in ``exclude`` (e.g. the speakers, who are people
    even when a city shares their name) are skipped."""
    table = _table()
    skip = {name.casefold() for name in exclude}
    words = [
        match.group().rstrip(".") if match.group().count(".") == 1 else match.group()
        for match in _WORD.finditer(text)
    ]
    found: dict[str, Place] = {}
    position = 0
    while position < len(words):
        if not words[position][:1].isupper():
            position += 1
            continue
        for size in range(min(_LONGEST, len(words) - position), 0, -1):
            span = words[position : position + size]
            if not span[-1][:1].isupper() or any(
                not word[:1].isupper() and word not in _JOINERS for word in span
            ):
                continue
            key = " ".join(span).casefold()
            place = table.get(key)
            # A short name counts written as a name is ("US", not "Us? No way").
            short = size == 1 and len(span[0].rstrip(".")) <= 3 and not span[0].isupper()
            if place is not None and key not in skip and not short:
                found.setdefault(key, place)
                position += size
                break
        else:
            position += 1
    return list(found.values())


def place_words(text: str, exclude: Iterable[str] = ()) -> str:
    """The category words of every place ``text`` names (see :meth:`Place.category_words`),
    for an index-only key field; ``""`` when it names none."""
    return " ".join(place.category_words() for place in places_in(text, exclude))
