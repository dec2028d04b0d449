"""Finding clinics: filters and free text folded into one Whoosh query, plain dicts out.

This module is on the CLI's hot path, so it imports only Whoosh, the standard library and
crawler.items / crawler.extract.geo (whose gazetteer loads only for a place lookup).

Free text is parsed over the text and name fields with AND between words, so
"ptsd nashville" means both. When no clinic has every word, the same words are searched
OR'ed, ranked by how many match, and each result carries ``partial_match: True`` so the
CLI can say so. Filters are exact: several modalities are OR'ed, services and conditions
are AND'ed (each narrows the list).
"""

from __future__ import annotations

import json
import pickle
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.query import And, AndNot, Every, NullQuery, Or, Query, Term
from whoosh.searching import Hit, Searcher

from crawler.extract import geo
from crawler.items import CONDITIONS, MODALITIES, SERVICES
from index import IndexUnavailable
from index.schema import open_index, unreadable

# Errors that mean segment files are damaged or gone, when they surface mid-search.
_READ_ERRORS = (OSError, EOFError, struct.error, pickle.UnpicklingError)
_COUNTABLE_FIELDS = {
    "modality": "modality",
    "service": "services",
    "services": "services",
    "condition": "conditions",
    "conditions": "conditions",
    "state": "state",
    "city": "city",
    "zip": "zip",
    "status": "status",
}
_TEXT_FIELDS = ["text", "name"]


class QueryError(ValueError):
    """A query that cannot be answered as asked; `option` names what to change (radius, near...)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


def place(text: str) -> tuple[float, float]:
    """The point of a ZIP code or "City, ST", for SearchQuery.near."""
    try:
        return geo.resolve_place(text)
    except ValueError as error:
        raise QueryError("near", str(error)) from None


@dataclass
class SearchQuery:
    """What the user asked for; empty means "no constraint". Checked when made: a query
    that cannot be answered raises QueryError naming the field to change."""

    text: str = ""
    modalities: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    city: str = ""  # "st. louis" or "Saint Louis, MO" (a trailing state also filters by state)
    state: str = ""  # "NM" or "New Mexico"; matches office states and serves_states
    near: tuple[float, float] | None = None  # (lat, lon), e.g. from geo.resolve_place
    radius_miles: float | None = None  # only with near
    limit: int | None = 50  # None: all
    include_non_providers: bool = True
    include_gone: bool = False

    def __post_init__(self) -> None:
        if len(self.text) > MAX_QUERY_CHARACTERS or len(self.text.split()) > MAX_QUERY_WORDS:
            raise QueryError(
                "text",
                f"{len(self.text):,} characters in {len(self.text.split()):,} words: search for at most "
                f"{MAX_QUERY_WORDS} words and {MAX_QUERY_CHARACTERS:,} characters",
            )
        self.modalities = _checked(self.modalities, MODALITIES, "modality")
        self.services = _checked(self.services, SERVICES, "service")
        self.conditions = _checked(self.conditions, CONDITIONS, "condition")
        if self.state.strip():
            code = geo.state_code(self.state)
            if code is None:
                raise QueryError("state", f"{self.state!r} is not a US state: use a two-letter code like TX")
            self.state = code
        if self.radius_miles is not None:
            if self.radius_miles <= 0:
                raise QueryError("radius", "must be a positive number of miles")
            if self.near is None:
                raise QueryError("radius", "needs --near ZIP or --near 'City, ST'")
        if self.limit is not None and self.limit < 1:
            raise QueryError("limit", "must be a positive number, or None for all")


# Search words are a few words, not a pasted document: Whoosh's query parser and stemmer take
# time that grows with the square of a long word, and a query of thousands of words nests its
# matchers past Python's recursion limit.
MAX_QUERY_CHARACTERS = 1000
MAX_QUERY_WORDS = 64

# A search near a place without a radius looks this far.
DEFAULT_RADIUS_MILES = 50.0


def query_from(
    text: str = "",
    modality: tuple[str, ...] = (),
    service: tuple[str, ...] = (),
    condition: tuple[str, ...] = (),
    city: str = "",
    state: str = "",
    near: str = "",
    radius: float | None = None,
    include_gone: bool = False,
    limit: int | None = 50,
    include_non_providers: bool = False,
) -> SearchQuery:
    """A query as people ask it (the CLI's options): near is a ZIP or "City, ST", searched
    within DEFAULT_RADIUS_MILES unless radius says; asking for not-a-provider lists them."""
    point = place(near) if near else None
    return SearchQuery(
        text=text,
        modalities=list(modality),
        services=list(service),
        conditions=list(condition),
        city=city,
        state=state,
        near=point,
        radius_miles=DEFAULT_RADIUS_MILES if radius is None and point else radius,
        limit=limit,
        include_non_providers=include_non_providers or "not-a-provider" in modality,
        include_gone=include_gone,
    )


# A crawl committing while we open may delete the generation we just listed: try again.
_OPEN_ATTEMPTS = 5
_OPEN_BACKOFF_S = 0.05


def _open_searcher(index_dir: Path) -> Searcher:
    """A searcher on the last commit; damaged files become IndexUnavailable.

    Whoosh lists the newest TOC, then reads it and its segments; a writer committing in
    between removes the old generation, which looks like a missing file. That is retried;
    a file that stays missing is damage.
    """
    attempt = 1
    while True:
        try:
            return open_index(Path(index_dir), create=False).searcher()
        except IndexUnavailable as error:
            if attempt == _OPEN_ATTEMPTS or not isinstance(error.__cause__, FileNotFoundError):
                raise
        except Exception as error:  # noqa: BLE001 - missing/garbled segments fail in many ways
            if attempt == _OPEN_ATTEMPTS or not isinstance(error, FileNotFoundError):
                raise unreadable(index_dir, error) from error
        time.sleep(_OPEN_BACKOFF_S * attempt)
        attempt += 1


@contextmanager
def _searcher(index_dir: Path) -> Iterator[Searcher]:
    searcher = _open_searcher(index_dir)
    with searcher:
        try:
            yield searcher
        except _READ_ERRORS as error:
            raise unreadable(index_dir, error) from error


def _checked(values: list[str], allowed: tuple[str, ...], what: str) -> list[str]:
    cleaned = [v.strip().lower() for v in values if v.strip()]
    unknown = [v for v in cleaned if v not in allowed]
    if unknown:
        raise QueryError(what, f"unknown {what} {unknown[0]!r}; choose from {', '.join(allowed)}")
    return cleaned


def _state_term(code: str) -> Term:
    return Term("state", code.lower())


@dataclass
class _Filters:
    """The exact-match part of a query: clauses every hit matches, and terms no hit has.

    Leaving out the few ("gone", "not-a-provider") walks short posting lists, where asking
    for all the rest ("active", four modalities) walked nearly every document of the index.
    """

    required: list[Query] = field(default_factory=list)
    excluded: list[Query] = field(default_factory=list)


def _filters(q: SearchQuery) -> _Filters | None:
    """The exact-match clauses of the query; None when they exclude everything."""
    found = _Filters()
    clauses = found.required
    if not q.include_gone:
        found.excluded.append(Term("status", "gone"))
    modalities = q.modalities or list(MODALITIES)
    if not q.include_non_providers:
        modalities = [m for m in modalities if m != "not-a-provider"]
    if not modalities:
        return None
    chosen = list(dict.fromkeys(modalities))
    others = [m for m in MODALITIES if m not in chosen]
    if others and len(others) < len(chosen):
        found.excluded.extend(Term("modality", m) for m in others)
    elif others:
        clauses.append(Or([Term("modality", m) for m in chosen]))
    clauses.extend(Term("services", s) for s in q.services)
    clauses.extend(Term("conditions", c) for c in q.conditions)
    if q.city.strip():
        city, _, tail = q.city.rpartition(",")
        code = geo.state_code(tail) if city.strip() else None
        if code:
            clauses.append(_state_term(code))
        else:
            city = q.city
        clauses.append(Term("city", geo.city_key(city)))
    if q.state:
        clauses.append(_state_term(q.state))
    return found


def _parse_text(text: str, searcher: Searcher, any_word: bool = False) -> Query | None:
    """The user's words as a query over text+name (all words, or any word with clinics that
    match more of them ranked higher); None when nothing searchable is left."""
    if not text.strip():
        return None
    # Imported here: filter-only searches (most CLI calls) never pay for the query parser.
    from whoosh.qparser import AndGroup, FieldsPlugin, MultifieldParser, OrGroup

    group = OrGroup.factory(0.9) if any_word else AndGroup
    parser = MultifieldParser(_TEXT_FIELDS, searcher.schema, group=group)
    # "record:x" or "points:x" names fields that hold no words: a colon is just punctuation.
    parser.remove_plugin_class(FieldsPlugin)
    parsed = parser.parse(text)
    return None if parsed is NullQuery else parsed


def _word_count(query: Query) -> int:
    return len({text for _, text in query.iter_all_terms()})


def _run(searcher: Searcher, filters: _Filters, text: Query | None, limit: int | None) -> list[Hit]:
    """Hits ranked by the text's score, or by name when there is no text."""
    clauses = filters.required + ([text] if text is not None else [])
    query = And(clauses) if clauses else Every()
    if filters.excluded:
        query = AndNot(query, Or(filters.excluded))
    ranked = text is not None
    if ranked:
        return list(searcher.search(query, limit=limit))
    return list(searcher.search(query, limit=limit, sortedby="name_sort"))


def _nearest(points: list[list[float] | None], origin: tuple[float, float]) -> tuple[float, int]:
    located = [(geo.haversine_miles(origin, tuple(p)), i) for i, p in enumerate(points) if p]
    return min(located) if located else (float("inf"), -1)


def _nearby(searcher: Searcher, hits: list[Hit], q: SearchQuery) -> list[tuple[Hit, dict]]:
    """Hits with a located office within the radius, nearest first, with their distances."""
    assert q.near is not None
    points = searcher.reader().column_reader("points")
    measured = []
    for hit in hits:
        distance, nearest = _nearest(json.loads(points[hit.docnum]), q.near)
        if nearest >= 0 and (q.radius_miles is None or distance <= q.radius_miles):
            measured.append((distance, nearest, hit))
    measured.sort(key=lambda m: m[0])  # stable: equal distances keep score or name order
    return [
        (hit, {"distance_miles": round(distance, 1), "nearest_location": nearest})
        for distance, nearest, hit in measured[: q.limit]
    ]


def search(index_dir: Path, q: SearchQuery) -> list[dict[str, Any]]:
    """Clinics matching q, best first (by distance for near searches, by name with no text).

    Each result is Clinic.to_dict() plus "status", "score" (0.0 when unranked) and
    "partial_match"; near searches add "distance_miles" (to the nearest office, 0.1 mile)
    and "nearest_location" (index into "locations"). Raises IndexUnavailable when the index
    cannot be read.
    """
    filters = _filters(q)
    if filters is None:
        return []
    with _searcher(index_dir) as searcher:
        text_query = _parse_text(q.text, searcher)
        ranked = text_query is not None
        limit = None if q.near is not None else q.limit  # distance order needs every candidate
        hits = _run(searcher, filters, text_query, limit)
        partial = False
        if not hits and ranked and _word_count(text_query) > 1:
            hits = _run(searcher, filters, _parse_text(q.text, searcher, any_word=True), limit)
            partial = True
        chosen = [(hit, {}) for hit in hits] if q.near is None else _nearby(searcher, hits, q)
        return [
            {
                **json.loads(hit["record"]),
                "status": hit["status"],
                "score": float(hit.score) if ranked and hit.score is not None else 0.0,
                "partial_match": partial,
                **extra,
            }
            for hit, extra in chosen
        ]


def count_by(index_dir: Path, field_name: str, include_gone: bool = False) -> dict[str, int]:
    """Clinics per value of a field (modality, service, condition, state, city), most first.

    A clinic counts once per value it would be found under: a telehealth provider counts in
    every state it serves. States are upper-case codes; the rest as indexed.
    """
    indexed = _COUNTABLE_FIELDS.get(field_name)
    if indexed is None:
        choices = ", ".join(_COUNTABLE_FIELDS)
        raise ValueError(f"cannot count by {field_name!r}; choose from {choices}")
    counts: dict[str, int] = {}
    with _searcher(index_dir) as searcher:
        active = None if include_gone else set(searcher.docs_for_query(Term("status", "active")))
        for value in searcher.reader().field_terms(indexed):
            docs = set(searcher.docs_for_query(Term(indexed, value)))
            count = len(docs if active is None else docs & active)
            if count:
                counts[value.upper() if indexed == "state" else value] = count
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
