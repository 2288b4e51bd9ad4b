"""GraphMemory.visualize writes one self-contained, well-formed HTML file."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cognee_langchain.errors import InvalidInputError, PermissionDeniedError
from cognee_langchain.extraction.schema import ChunkExtraction, ExtractedEntity, ExtractedRelation
from cognee_langchain.users import User
from tests.unit.test_memory_support import CallbackExtractor, make_memory


class _Page(HTMLParser):
    """Collects tags, attributes and the embedded graph JSON; checks tags are balanced."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.open: list[str] = []
        self.data_json = ""
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)
        if tag not in {"meta", "input", "br"}:
            self.open.append(tag)
        self._in_data = ("id", "graph-data") in attrs

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"unbalanced </{tag}>"
        self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data_json += data


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    assert page.open == []
    return page


def test_visualize_writes_self_contained_html(tmp_path: Path) -> None:
    memory = make_memory(tmp_path / "data")
    memory.remember("Alice Johnson leads Acme Corp. Bob Smith joined Acme Corp.")
    memory.remember("Carol Diaz founded Zeta Labs.", node_set="news")

    out = memory.visualize(tmp_path / "out" / "graph.html")

    page = parse(out)
    assert page.tags.count("canvas") == 1 and page.tags.count("script") == 2
    assert not [value for name, value in page.attributes if name in {"src", "href"}]
    assert "http" not in out.read_text(encoding="utf-8")
    data = json.loads(page.data_json)
    assert {n["name"] for n in data["nodes"]} == {
        "Alice Johnson",
        "Acme Corp",
        "Bob Smith",
        "Carol Diaz",
        "Zeta Labs",
    }
    by_name = {n["name"]: n for n in data["nodes"]}
    assert by_name["Carol Diaz"]["node_set_label"] == "news"
    assert by_name["Acme Corp"]["degree"] == 2 and by_name["Acme Corp"]["type"] == "Organization"
    assert {(e["predicate"]) for e in data["edges"]} == {"leads", "joined", "founded"}


def test_hostile_names_cannot_break_out_of_the_data_block(tmp_path: Path) -> None:
    evil = "</script><img src=x onerror=alert(1)><script>"

    def produce(texts: object) -> list[ChunkExtraction]:
        return [
            ChunkExtraction(
                entities=[ExtractedEntity(name=evil), ExtractedEntity(name="Acme")],
                relations=[
                    ExtractedRelation(source=evil, predicate="owns <b>part</b> of", target="Acme")
                ],
            )
        ]

    memory = make_memory(tmp_path, extractor=CallbackExtractor(produce))
    memory.remember("anything")

    page = parse(memory.visualize(tmp_path / "g.html"))
    assert "img" not in page.tags and page.tags.count("script") == 2
    data = json.loads(page.data_json)
    assert any("onerror" in n["name"] for n in data["nodes"])
    assert data["edges"][0]["predicate"] == "owns <b>part</b> of"


def test_visualize_respects_limits_and_permissions(tmp_path: Path) -> None:
    memory = make_memory(tmp_path)
    memory.remember("Alice Johnson leads Acme Corp. Bob Smith joined Acme Corp.")

    data = json.loads(parse(memory.visualize(tmp_path / "g.html", max_nodes=1)).data_json)
    assert [n["name"] for n in data["nodes"]] == ["Acme Corp"]  # the best connected
    assert data["edges"] == []

    with pytest.raises(PermissionDeniedError):
        memory.visualize(tmp_path / "g.html", datasets="main_dataset", user=User(id="eve"))
    for bad in ({"path": ""}, {"path": 5}, {"path": tmp_path / "g.html", "max_nodes": 0}):
        with pytest.raises(InvalidInputError):
            memory.visualize(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("max_nodes", [2**63 - 1, 2**63, 2**200])
def test_a_max_nodes_beyond_sqlite_integers_means_all(tmp_path: Path, max_nodes: int) -> None:
    memory = make_memory(tmp_path)
    memory.remember("Alice Johnson leads Acme Corp. Bob Smith joined Acme Corp.")

    data = json.loads(parse(memory.visualize(tmp_path / "g.html", max_nodes=max_nodes)).data_json)
    assert {n["name"] for n in data["nodes"]} == {"Alice Johnson", "Acme Corp", "Bob Smith"}


@pytest.mark.parametrize(
    ("name", "match"),
    [("a\x00b.html", "contains a NUL character"), ("bad\ud800.html", "cannot encode")],
)
def test_a_path_no_file_system_takes_is_an_input_error(
    tmp_path: Path, name: str, match: str
) -> None:
    memory = make_memory(tmp_path / "data")
    with pytest.raises(InvalidInputError, match=match):
        memory.visualize(str(tmp_path / "out" / name))
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "data").exists()  # rejected before the store was opened


def test_a_non_utf8_posix_name_is_a_usable_path(tmp_path: Path) -> None:
    memory = make_memory(tmp_path / "data")
    memory.remember("Alice Johnson leads Acme Corp.")
    name = os.fsdecode(b"caf\xe9.html")  # what os.listdir gives for a Latin-1 name

    out = memory.visualize(tmp_path / name)

    assert os.fsencode(out).endswith(b"caf\xe9.html") and out.exists()


@pytest.mark.parametrize("where", ["a directory", "under a file"])
def test_a_path_that_cannot_be_written_is_an_input_error_naming_it(
    tmp_path: Path, where: str
) -> None:
    memory = make_memory(tmp_path / "data")
    memory.remember("Alice Johnson leads Acme Corp.")
    if where == "a directory":
        target = tmp_path / "already-a-directory"
        target.mkdir()
    else:
        blocker = tmp_path / "notes.txt"
        blocker.write_text("not a directory", encoding="utf-8")
        target = blocker / "graph.html"

    with pytest.raises(InvalidInputError, match="Cannot write") as caught:
        memory.visualize(target)

    assert repr(str(target)) in str(caught.value)
    assert caught.value.__cause__ is None  # our error, not the OSError's traceback chain
    if where == "under a file":
        assert blocker.read_text(encoding="utf-8") == "not a directory"  # left as it was
    memory.close()


async def test_avisualize_reports_the_write_error_too(tmp_path: Path) -> None:
    memory = make_memory(tmp_path / "data")
    await memory.aremember("Alice Johnson leads Acme Corp.")
    with pytest.raises(InvalidInputError, match="Cannot write"):
        await memory.avisualize(tmp_path)  # a directory
    await memory.aclose()


def test_a_graph_of_dozens_of_entities_shows_every_name_and_relation(tmp_path: Path) -> None:
    people = [f"Person{i} Surname{i}" for i in range(40)]
    companies = [f"Company{i} Corp" for i in range(20)]
    facts = [
        f"{person} works at {companies[i % len(companies)]}." for i, person in enumerate(people)
    ]
    facts += [
        f"{companies[i]} partners with {companies[i + 1]}." for i in range(len(companies) - 1)
    ]

    def produce(texts: Sequence[str]) -> list[ChunkExtraction]:
        out = []
        for text in texts:
            relations = []
            for sentence in text.split("."):
                if " works at " in sentence:
                    source, target = sentence.strip().split(" works at ")
                    relations.append(
                        ExtractedRelation(source=source, predicate="works at", target=target)
                    )
                elif " partners with " in sentence:
                    source, target = sentence.strip().split(" partners with ")
                    relations.append(
                        ExtractedRelation(source=source, predicate="partners with", target=target)
                    )
            names = {name for r in relations for name in (r.source, r.target)}
            out.append(
                ChunkExtraction(
                    entities=[ExtractedEntity(name=name) for name in sorted(names)],
                    relations=relations,
                )
            )
        return out

    memory = make_memory(
        tmp_path / "data", extractor=CallbackExtractor(produce), chunk_size=400, chunk_overlap=0
    )
    memory.remember("\n\n".join(facts))

    out = memory.visualize(tmp_path / "big.html")

    page = parse(out)
    data = json.loads(page.data_json)
    names = [n["name"] for n in data["nodes"]]
    assert sorted(names) == sorted(people + companies)  # all 60, each once
    # Edges name their ends by position in "nodes": a compact page for 10,000 entities.
    edges = {(names[e["source"]], e["predicate"], names[e["target"]]) for e in data["edges"]}
    assert len(edges) == len(data["edges"]) == len(facts)
    assert ("Person7 Surname7", "works at", "Company7 Corp") in edges
    assert ("Company3 Corp", "partners with", "Company4 Corp") in edges
    degree = {n["name"]: n["degree"] for n in data["nodes"]}
    assert degree["Person0 Surname0"] == 1
    assert degree["Company5 Corp"] == 2 + 2  # two employees, two partners
    assert "60 of 60 entities, 59 of 59 relations" in out.read_text(encoding="utf-8")

    # A limit keeps the best-connected entities: the companies before any person.
    limited = json.loads(parse(memory.visualize(tmp_path / "top.html", max_nodes=20)).data_json)
    assert sorted(n["name"] for n in limited["nodes"]) == sorted(companies)
    memory.close()


def test_the_page_carries_each_entitys_panel_and_a_finished_layout(tmp_path: Path) -> None:
    memory = make_memory(tmp_path / "data")
    memory.remember("Alice Johnson leads Acme Corp. Bob Smith joined Acme Corp.", node_set="news")

    data = json.loads(parse(memory.visualize(tmp_path / "g.html")).data_json)

    acme = next(n for n in data["nodes"] if n["name"] == "Acme Corp")
    assert acme["node_sets"] == ["news"] and acme["sessions"] == []
    assert "Acme Corp" in acme["description"]
    [source] = [data["sources"][i] for i in acme["sources"]]
    assert source["text"].startswith("Alice Johnson leads Acme Corp.")
    assert data["nodes"][0]["name"] == "Acme Corp"  # most relations first: labelled first
    points = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(points) == 3 and all(abs(v) < 1e4 for p in points for v in p)
    memory.close()
