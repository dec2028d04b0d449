"""Index: Whoosh (ketadir's index package) vs SQLite FTS5 over the same clinic documents.

Per size: full build, an incremental update of 1% of the clinics, and query latency p50/p95
for the two query shapes the CLI sends most. ketadir's side goes through its public API
(index.writer.index_writer, index.search.search), which opens the index on every call as the
CLI does; FTS5 opens a connection per query too. The incremental update is also checked at
the segment level: only the changed documents may be written, no old segment rewritten.
"""

from __future__ import annotations

import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from whoosh.query import And, AndNot, Or, Query, Term

from bench.fts import FtsIndex
from bench.records import changed, clinics
from bench.report import Section, Target, percentile
from crawler.extract import geo
from crawler.items import Clinic
from index.schema import open_index
from index.search import SearchQuery, search
from index.writer import index_writer

TEXTS = ("ptsd", "depression", "infusion", "integration", "anxiety")
MODALITIES = ("kap", "infusion-only", "adjunctive-referral")
STATES = ("TN", "TX", "CA", "NY", "OH")


@dataclass
class Latency:
    p50_ms: float
    p95_ms: float
    hits: int


@dataclass
class SegmentCheck:
    """What one incremental commit wrote: documents in new segments, and old segments kept."""

    written: int
    deleted: int
    old_kept: bool

    def sentence(self, size: int, changed_count: int) -> str:
        kept = "kept every old segment" if self.old_kept else "MERGED old segments"
        only_changed = self.written == changed_count and self.old_kept
        verdict = " (only the changed documents were written)" if only_changed else ""
        return (
            f"{size:,}: updating {changed_count} clinics wrote {self.written} documents into a new segment, "
            f"marked {self.deleted} old ones deleted and {kept}{verdict}."
        )


def _segments(index_dir: Path) -> dict[str, tuple[int, int]]:
    segments = open_index(index_dir, create=False)._segments()
    return {s.segment_id(): (s.doc_count_all(), s.deleted_count()) for s in segments}


def whoosh_build(index_dir: Path, records: list[Clinic]) -> None:
    with index_writer(index_dir, rebuild=True) as writer:
        for clinic in records:
            writer.upsert(clinic)


def whoosh_update(index_dir: Path, records: list[Clinic]) -> SegmentCheck:
    before = _segments(index_dir)
    with index_writer(index_dir) as writer:
        for clinic in records:
            writer.upsert(clinic)
    after = _segments(index_dir)
    old = [s for s in after if s in before]
    return SegmentCheck(
        written=sum(after[s][0] for s in set(after) - set(before)),
        deleted=sum(after[s][1] - before[s][1] for s in old),
        old_kept=set(before) <= set(after),
    )


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def latency(queries: list[Callable[[], list]], rounds: int) -> Latency:
    """Every query once to warm the OS cache, then `rounds` timed passes."""
    for query in queries:
        query()
    times, hits = [], 0
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            hits += len(query())
            times.append(time.perf_counter() - start)
    return Latency(percentile(times, 0.5) * 1000, percentile(times, 0.95) * 1000, hits // rounds)


def query_sets(index_dir: Path, fts: FtsIndex, records: list[Clinic]) -> dict[str, tuple[list, list]]:
    """(ketadir queries, FTS5 queries) per shape, the same parameters on both sides."""
    rng = random.Random("queries")
    cities = ["Nashville"] + [c.locations[0].city for c in rng.sample(records[:500], 3)]
    text_combos = [(t, m, c) for t in TEXTS for m in MODALITIES[:2] for c in cities]
    state_combos = [(m, s) for m in MODALITIES for s in STATES]
    return {
        '"text + modality + city"': (
            [
                lambda t=t, m=m, c=c: search(index_dir, SearchQuery(text=t, modalities=[m], city=c))
                for t, m, c in text_combos
            ],
            [lambda t=t, m=m, c=c: fts.text_modality_city(t, m, geo.city_key(c)) for t, m, c in text_combos],
        ),
        '"modality + state"': (
            [lambda m=m, s=s: search(index_dir, SearchQuery(modalities=[m], state=s)) for m, s in state_combos],
            [lambda m=m, s=s: fts.modality_state(m, s) for m, s in state_combos],
        ),
    }


def filter_what_ifs(index_dir: Path, rounds: int) -> list[list[str]]:
    """"modality + state" in raw Whoosh on one open searcher: as search() builds it (AndNot the
    few gone clinics), and the earlier shape that asked for status=active, which every
    document matches."""
    shapes: dict[str, Callable[[str, str], Query]] = {
        "as index.search builds it: AndNot(And(modality, state), status=gone)": lambda m, s: AndNot(
            And([Or([Term("modality", m)]), Term("state", s.lower())]), Term("status", "gone")
        ),
        "earlier shape: And(status=active, modality, state)": lambda m, s: And(
            [Term("status", "active"), Or([Term("modality", m)]), Term("state", s.lower())]
        ),
    }
    rows = []
    with open_index(index_dir, create=False).searcher() as searcher:
        for label, build in shapes.items():
            queries = [
                lambda q=build(m, s): list(searcher.search(q, limit=50, sortedby="name_sort"))
                for m in MODALITIES for s in STATES
            ]
            result = latency(queries, rounds)
            rows.append(["", f"what-if, one open searcher: {label} p50 (ms)", f"{result.p50_ms:.1f}", "", ""])
    return rows


def bench_index(sizes: list[int], rounds: int) -> Section:
    section = Section(
        "Index: Whoosh (ketadir) vs SQLite FTS5, same documents",
        ["clinics", "work", "ketadir", "FTS5", "ketadir / FTS5"],
    )
    section.notes.append(
        "Both builds include making the documents (index.writer.clinic_document: city aliases, centroids, free text), "
        "so the ratios compare the engines. Every query opens the index (or connection) anew, as the CLI does."
    )
    everything = clinics(max(sizes))
    with tempfile.TemporaryDirectory(prefix="ketadir-bench-index-") as tmp:
        for size in sizes:
            records = everything[:size]
            index_dir, fts = Path(tmp) / f"whoosh-{size}", FtsIndex(Path(tmp) / f"fts-{size}.db")
            label = f"{size:,}"
            build_k = timed(lambda: whoosh_build(index_dir, records))
            build_f = timed(lambda: fts.build(records))
            ratio = build_k / build_f
            section.rows.append([label, "full build (s)", f"{build_k:.2f}", f"{build_f:.2f}", f"{ratio:.1f}x"])
            section.targets.append(Target(f"index build {label}: ketadir / FTS5 time", ratio, None))

            update = [changed(c) for c in records[::100]]
            if size == sizes[0] and len(update) != 20:
                raise RuntimeError("the smallest size must make the 1% update exactly 20 clinics")
            checks: list[SegmentCheck] = []
            update_k = timed(lambda: checks.append(whoosh_update(index_dir, update)))
            update_f = timed(lambda: fts.upsert(update))
            work = f"update 1% = {len(update)} clinics (s)"
            section.rows.append([label, work, f"{update_k:.2f}", f"{update_f:.3f}", f"{update_k / update_f:.1f}x"])
            section.notes.append(checks[0].sentence(size, len(update)))

            for shape, (ketadir_queries, fts_queries) in query_sets(index_dir, fts, records).items():
                k, f = latency(ketadir_queries, rounds), latency(fts_queries, rounds)
                section.rows += [
                    [label, f"{shape} p50 (ms)", f"{k.p50_ms:.1f}", f"{f.p50_ms:.2f}", f"{k.p50_ms / f.p50_ms:.1f}x"],
                    [label, f"{shape} p95 (ms)", f"{k.p95_ms:.1f}", f"{f.p95_ms:.2f}", f"{k.p95_ms / f.p95_ms:.1f}x"],
                    [label, f"{shape} results per pass", str(k.hits), str(f.hits), ""],
                ]
                name = f"index query {shape} {label} p50: ketadir / FTS5"
                section.targets.append(Target(name, k.p50_ms / f.p50_ms, None))
            opening = latency([lambda: open_index(index_dir, create=False).searcher().close() or []], rounds * 5)
            section.rows.append([label, "open index + searcher alone p50 (ms)", f"{opening.p50_ms:.1f}", "", ""])
            if size == sizes[-1]:
                section.rows += filter_what_ifs(index_dir, rounds)
    return section
