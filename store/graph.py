"""The brain as a graph: every note a node, every typed link an edge, links to notes nobody has
written yet drawn to ghost nodes. Read from the index; laid out with igraph (C, off the UI thread)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

from store import words
from store.coverage import CoverageReport

GHOST = "known_unknown"


@dataclass(frozen=True)
class BrainGraph:
    keys: tuple[str, ...]  # a note's path, or "unwritten:<name>" for a ghost
    titles: tuple[str, ...]
    types: tuple[str, ...]  # "" when a note has none; "unwritten" for ghosts
    states: tuple[str, ...]  # coverage state; "known_unknown" for ghosts
    motions: tuple[str, ...]
    edges: tuple[tuple[int, int, str], ...]  # (source, target, relation), one per pair and relation
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # relation -> how it reads (from its source, from its target)

    def relation_label(self, rel: str) -> str:
        return self.labels[rel][0] if rel in self.labels else words.relation_label(rel)

    def reverse_label(self, rel: str) -> str:
        return self.labels[rel][1] if rel in self.labels else words.reverse_label(rel)

    def index_of(self) -> dict[str, int]:
        return {key: i for i, key in enumerate(self.keys)}

    def neighbourhood(self, key: str, depth: int) -> set[int]:
        """The nodes within `depth` links of `key`, either way."""
        around: dict[int, set[int]] = {}
        for source, target, _rel in self.edges:
            around.setdefault(source, set()).add(target)
            around.setdefault(target, set()).add(source)
        start = self.index_of().get(key)
        if start is None:
            return set()
        seen, frontier = {start}, {start}
        for _ in range(depth):
            frontier = {n for node in frontier for n in around.get(node, ())} - seen
            seen |= frontier
        return seen


def read_graph(db: sqlite_utils.Database, report: CoverageReport, blueprint=None) -> BrainGraph:
    """The graph of the index, its relations named by `blueprint` (`store.words` without one)."""
    judged = {n.path: n for n in report.notes}
    keys, titles, types, states, motions = [], [], [], [], []
    for path, title, type_ in db.execute("SELECT path, title, type FROM notes ORDER BY path"):
        note = judged.get(path)
        keys.append(path)
        titles.append(title)
        types.append(type_ or "")
        states.append(note.state if note else "covered")
        motions.append(note.motion if note else "unset")
    index = {key: i for i, key in enumerate(keys)}
    edges: set[tuple[int, int, str]] = set()
    for source, rel, target, target_path, target_key in db.execute(
        "SELECT source, rel, target, target_path, target_key FROM links WHERE target_path IS NOT NULL OR target_key IS NOT NULL"
    ):
        if target_path is None:
            ghost = f"unwritten:{target_key}"
            if ghost not in index:
                index[ghost] = len(keys)
                keys.append(ghost)
                titles.append(target)
                types.append("unwritten")
                states.append(GHOST)
                motions.append("unset")
            end = index[ghost]
        else:
            end = index.get(target_path)
        start = index.get(source)
        if start is not None and end is not None and start != end:
            edges.add((start, end, rel or "links_to"))
    labels = {rel: (words.relation_label(rel, blueprint), words.reverse_label(rel, blueprint)) for rel in {rel for _a, _b, rel in edges}}
    return BrainGraph(tuple(keys), tuple(titles), tuple(types), tuple(states), tuple(motions), tuple(sorted(edges)), labels)


def layout(count: int, edges: Iterable[tuple[int, int]], known: dict[int, tuple[float, float]] | None = None, seed: int = 7):
    """(x, y) for each of `count` nodes, as a numpy array: Fruchterman-Reingold on a grid, which
    lays 10,000 notes out in about half a second. The same graph always gets the same picture;
    with `known` positions (the picture before a change) nodes start where they were, so a
    change settles in a few steps instead of the whole picture jumping."""
    import igraph
    import numpy

    if count == 0:
        return numpy.zeros((0, 2))
    pairs = sorted({(min(a, b), max(a, b)) for a, b in edges if a != b})
    graph = igraph.Graph(n=count, edges=pairs)
    start = numpy.random.default_rng(seed).uniform(-1, 1, size=(count, 2)) * (count ** 0.5)
    for node, xy in (known or {}).items():
        start[node] = xy
    steps = 60 if known and len(known) > count * 0.9 else 300
    positions = graph.layout_fruchterman_reingold(seed=start.tolist(), niter=steps, grid=count > 1000)
    return numpy.asarray(positions.coords, dtype=float)
