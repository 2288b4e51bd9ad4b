"""The graph structure held in memory: a ``networkx.MultiDiGraph`` of entity nodes and relation
edges, kept in step with the store by applying the changes of each newer revision.

Only what graph traversal needs is kept: a node's name, type, dataset and node sets; an edge is
just its key, the predicate — a relation *is* (dataset, source, predicate, target), so its id is
recomputed from the edge rather than stored. Edges share one empty attribute dict, predicates and
node-set combinations are shared objects, and every entity id is one object however many edges
refer to it: about 200 bytes per relation, most of it networkx's own adjacency dicts.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import networkx as nx
import orjson

from cognee_langchain.graph._sqlite_reads import GraphDelta
from cognee_langchain.graph.base import Edge, GraphSnapshot, SnapshotNode
from cognee_langchain.graph.models import content_id

__all__ = ["GraphMirror"]

_NO_ATTRIBUTES: dict[str, object] = {}


class _Graph(nx.MultiDiGraph):
    """Edges carry no attributes, so they all share one empty dict instead of one each.

    Safe because edges are only ever added without attributes (networkx then updates the shared
    dict with nothing) and nothing outside :class:`GraphMirror` reaches the graph.
    """

    edge_attr_dict_factory = staticmethod(lambda: _NO_ATTRIBUTES)


class GraphMirror:
    """Entity/relation structure of a graph store, in memory. Not thread-safe: callers lock."""

    def __init__(self) -> None:
        self.graph = _Graph()
        self.revision = 0
        self._ids: dict[str, str] = {}
        self._node_sets: dict[frozenset[str], frozenset[str]] = {}

    def apply(self, delta: GraphDelta) -> None:
        """Bring the graph to ``delta.revision``."""
        graph = self.graph
        for entity_id in delta.dead_entities:
            if entity_id in graph:
                graph.remove_node(entity_id)  # and its edges
                self._ids.pop(entity_id, None)
        if delta.dead_relations:
            # Relations are only deleted by forget, which is rare: one scan finds their edges.
            graph.remove_edges_from(
                [e for e in graph.edges(keys=True) if self._relation_id(*e) in delta.dead_relations]
            )
        for id_, name, type_, dataset, node_sets in delta.entities:
            graph.add_node(
                self._id(id_),
                name=name,
                type=sys.intern(type_),
                dataset=sys.intern(dataset),
                node_sets=self._frozen(node_sets),
            )
        for source_id, target_id, predicate in delta.relations:
            graph.add_edge(self._id(source_id), self._id(target_id), key=sys.intern(predicate))
        self.revision = delta.revision

    def neighbors(self, entity_ids: Sequence[str]) -> list[Edge]:
        """Relations touching ``entity_ids``, each once."""
        graph = self.graph
        edges: dict[str, Edge] = {}
        for entity_id in entity_ids:
            if entity_id not in graph:
                continue
            for u, v, predicate in (
                *graph.out_edges(entity_id, keys=True),
                *graph.in_edges(entity_id, keys=True),
            ):
                edge = Edge(self._relation_id(u, v, predicate), u, v, predicate)
                edges.setdefault(edge.relation_id, edge)
        return list(edges.values())

    def snapshot(self, datasets: Sequence[str], max_nodes: int) -> GraphSnapshot:
        """The best-connected entities of ``datasets`` and the relations among them."""
        graph = self.graph
        wanted = set(datasets)
        members = [n for n, d in graph.nodes(data="dataset") if d in wanted]
        degree = dict(graph.degree(members))
        members.sort(key=lambda n: (-degree[n], n))
        chosen = members[:max_nodes]
        inside, everyone = set(chosen), set(members)
        edges = [(u, v, k) for u, v, k in graph.edges(keys=True) if u in everyone]
        nodes = [
            SnapshotNode(
                id=n,
                name=graph.nodes[n]["name"],
                type=graph.nodes[n]["type"],
                dataset=graph.nodes[n]["dataset"],
                node_sets=graph.nodes[n]["node_sets"],
                degree=degree[n],
            )
            for n in chosen
        ]
        return GraphSnapshot(
            nodes=nodes,
            edges=[
                Edge(self._relation_id(u, v, k), u, v, k)
                for u, v, k in edges
                if u in inside and v in inside
            ],
            total_nodes=len(members),
            total_edges=len(edges),
        )

    def _relation_id(self, source_id: str, target_id: str, predicate: str) -> str:
        dataset = self.graph.nodes[source_id]["dataset"]
        return content_id("relation", dataset, source_id, predicate, target_id)

    def _id(self, entity_id: str) -> str:
        return self._ids.setdefault(entity_id, entity_id)

    def _frozen(self, node_sets_json: str) -> frozenset[str]:
        value = frozenset(orjson.loads(node_sets_json))
        return self._node_sets.setdefault(value, value)
