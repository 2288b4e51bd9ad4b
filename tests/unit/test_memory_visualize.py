"""GraphMemory.visualize writes one self-contained, well-formed HTML file."""

from __future__ import annotations

import json
import os
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
