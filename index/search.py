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
import math
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
from crawler.items import MODALITIES
from crawler.vocabulary import VOCABULARY, UnknownTerm, canonical
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


def place(text: str) -> tuple[tuple[float, float], str]:
    """The point and state of a ZIP code or "City, ST", for SearchQuery.near and near_state."""
    try:
        return geo.locate(text)
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
    near_state: str = ""  # the state of the near place: telehealth serving it comes after the offices
    limit: int | None = 50  # None: all
    include_non_providers: bool = True
    include_gone: bool = False
    include_mentions: bool = False  # free text also searches sentences that are not offers

    def __post_init__(self) -> None:
        if len(self.text) > MAX_QUERY_CHARACTERS or len(self.text.split()) > MAX_QUERY_WORDS:
            raise QueryError(
                "text",
                f"{len(self.text):,} characters in {len(self.text.split()):,} words: search for at most "
                f"{MAX_QUERY_WORDS} words and {MAX_QUERY_CHARACTERS:,} characters",
            )
        self.modalities = _checked(self.modalities, "modality")
        self.services = _checked(self.services, "service")
        self.conditions = _checked(self.conditions, "condition")
        if self.state.strip():
            code = geo.state_code(self.state)
            if code is None:
                raise QueryError("state", f"{self.state!r} is not a US state: use a two-letter code like TX")
            self.state = code
        if self.near_state.strip():
            self.near_state = geo.state_code(self.near_state) or ""
        if self.radius_miles is not None:
            if not math.isfinite(self.radius_miles) or self.radius_miles <= 0:
                raise QueryError("radius", "must be a positive number of miles, like 25")
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
    include_mentions: bool = False,
    index_dir: Path | None = None,
) -> SearchQuery:
    """A query as people ask it (the CLI's options): near is a ZIP or "City, ST", searched
    within DEFAULT_RADIUS_MILES unless radius says; asking for not-a-provider lists them.
    With index_dir, a near place nobody knows gets the directory's places spelled like it."""
    try:
        point, near_state = place(near) if near else (None, "")
    except QueryError as exc:
        if index_dir is None or not index_dir.exists():
            raise
        raise QueryError("near", str(exc) + did_you_mean(index_dir, near, with_state=True)) from None
    query = SearchQuery(
        text=text,
        modalities=list(modality),
        services=list(service),
        conditions=list(condition),
        city=city,
        state=state,
        near=point,
        radius_miles=DEFAULT_RADIUS_MILES if radius is None and point else radius,
        near_state=near_state,
        limit=limit,
        include_non_providers=include_non_providers,
        include_gone=include_gone,
        include_mentions=include_mentions,
    )
    # Asked for by any of its names ("none", "non-provider"): the labels are known once checked.
    query.include_non_providers = include_non_providers or "not-a-provider" in query.modalities
    return query


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


def _checked(values: list[str], what: str) -> list[str]:
    """Labels as the vocabulary names them, whatever the case or alias they were given in."""
    if all(value in VOCABULARY[what] for value in values):  # already the labels (as from the CLI)
        return list(dict.fromkeys(values))
    try:
        return list(dict.fromkeys(label for value in values for label in canonical(what, value)))
    except UnknownTerm as error:
        raise QueryError(what, str(error)) from None


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
        city_key, city_state = _city_of(q)
        if city_state:
            clauses.append(_state_term(city_state))
        clauses.append(Term("city", city_key))
    if q.state:
        clauses.append(_state_term(q.state))
    return found


def _parse_text(text: str, searcher: Searcher, any_word: bool = False, mentions: bool = False) -> Query | None:
    """The user's words as a query over text+name (+mentions when asked; all words, or any
    word with clinics that match more of them ranked higher); None when nothing searchable
    is left."""
    if not text.strip():
        return None
    # Imported here: filter-only searches (most CLI calls) never pay for the query parser.
    from whoosh.qparser import AndGroup, FieldsPlugin, MultifieldParser, OrGroup

    group = OrGroup.factory(0.9) if any_word else AndGroup
    fields = [*_TEXT_FIELDS, "mentions"] if mentions else _TEXT_FIELDS
    parser = MultifieldParser(fields, searcher.schema, group=group)
    # "record:x" or "points:x" names fields that hold no words: a colon is just punctuation.
    parser.remove_plugin_class(FieldsPlugin)
    parsed = parser.parse(text)
    return None if parsed is NullQuery else parsed


def _word_count(query: Query) -> int:
    return len({text for _, text in query.iter_all_terms()})


def _run(searcher: Searcher, filters: _Filters, text: Query | None, limit: int | None) -> tuple[list[Hit], int]:
    """Hits ranked by the text's score, or by name when there is no text, and how many
    matched in all (more than the hits when the limit cut them)."""
    clauses = filters.required + ([text] if text is not None else [])
    query = And(clauses) if clauses else Every()
    if filters.excluded:
        query = AndNot(query, Or(filters.excluded))
    if text is not None:
        results = searcher.search(query, limit=limit)
    else:
        results = searcher.search(query, limit=limit, sortedby="name_sort")
    hits = list(results)
    return hits, (len(results) if limit is not None and len(hits) >= limit else len(hits))


def _miles(points: list[list[float] | None], origin: tuple[float, float]) -> list[float | None]:
    return [round(geo.haversine_miles(origin, (p[0], p[1])), 1) if p else None for p in points]


def _nearby(searcher: Searcher, hits: list[Hit], q: SearchQuery) -> list[tuple[Hit, dict]]:
    """Hits with a located office within the radius, nearest first, each with the miles to
    every office."""
    assert q.near is not None
    points = searcher.reader().column_reader("points")
    measured = []
    for hit in hits:
        miles = _miles(json.loads(points[hit.docnum]), q.near)
        inside = [m for m in miles if m is not None and (q.radius_miles is None or m <= q.radius_miles)]
        if inside:
            measured.append((min(inside), hit, miles))
    measured.sort(key=lambda m: m[0])  # stable: equal distances keep score or name order
    return [(hit, {"distance_miles": distance, "office_miles": miles}) for distance, hit, miles in measured]


def _telehealth(searcher: Searcher, filters: _Filters, text: Query | None, q: SearchQuery, found: set[int]) -> list[Hit]:
    """For a near search: the providers serving the place's state remotely that no office put
    within the radius (their `state` terms hold the states they serve)."""
    if not q.near_state:
        return []
    serving = _Filters([*filters.required, _state_term(q.near_state)], filters.excluded)
    hits, _ = _run(searcher, serving, text, None)
    return [
        hit for hit in hits
        if hit.docnum not in found
        and q.near_state in {geo.state_code(s) for s in json.loads(hit["record"]).get("serves_states") or []}
    ]


def _city_of(q: SearchQuery) -> tuple[str, str]:
    """--city as the index spells it, and the state it names if any: ("portland", "OR") for
    "Portland, OR", ("portland", "") for "Portland", ("", "") for no --city."""
    if not q.city.strip():
        return "", ""
    city, _, tail = q.city.rpartition(",")
    code = geo.state_code(tail) if city.strip() else None
    return geo.city_key(city if code else q.city), code or ""


def _matched_offices(q: SearchQuery, offices: list[list[Any]], miles: list[float | None] | None) -> list[int]:
    """The offices (indexes into locations) the query's place filters point at: all of them
    without a place filter; for a near search, those within the radius, nearest first."""
    city_key, city_state = _city_of(q)
    chosen = []
    for i, (state, keys) in enumerate(offices):
        if city_key and (city_key not in keys or (city_state and state != city_state)):
            continue
        if q.state and state != q.state:
            continue
        if q.near is not None:  # a telehealth provider listed for the state has no miles: no office matched
            distance = miles[i] if miles is not None and i < len(miles) else None
            if distance is None or (q.radius_miles is not None and distance > q.radius_miles):
                continue
        chosen.append(i)
    if miles is not None:
        chosen.sort(key=lambda i: miles[i] or 0.0)
    return chosen


@dataclass
class Found:
    """One search's results, best first, and how many clinics matched before the limit."""

    results: list[dict[str, Any]]
    total: int


def find(index_dir: Path, q: SearchQuery) -> Found:
    """Clinics matching q, best first (by distance for near searches, by name with no text),
    and how many matched in all.

    Each result is Clinic.to_dict() plus "status", "score" (0.0 when unranked),
    "partial_match", "matched_offices" (indexes into "locations" of the offices the place
    filters point at, nearest first; all without a place filter) and "telehealth" (listed for
    serving the asked state, with no office that matched). Near searches add
    "distance_miles" (to the nearest office, 0.1 mile) and "office_miles" (per location),
    with the telehealth providers serving the place's state after the offices. Raises
    IndexUnavailable when the index cannot be read.
    """
    filters = _filters(q)
    if filters is None:
        return Found([], 0)
    with _searcher(index_dir) as searcher:
        text_query = _parse_text(q.text, searcher, mentions=q.include_mentions)
        ranked = text_query is not None
        limit = None if q.near is not None else q.limit  # distance order needs every candidate
        hits, total = _run(searcher, filters, text_query, limit)
        partial = False
        if not hits and ranked and _word_count(text_query) > 1:
            text_query = _parse_text(q.text, searcher, any_word=True, mentions=q.include_mentions)
            hits, total = _run(searcher, filters, text_query, limit)
            partial = True
        if q.near is None:
            chosen: list[tuple[Hit, dict]] = [(hit, {}) for hit in hits]
        else:
            chosen = _nearby(searcher, hits, q)
            found = {hit.docnum for hit, _ in chosen}
            chosen += [(hit, {"distance_miles": None}) for hit in _telehealth(searcher, filters, text_query, q, found)]
            total = len(chosen)
            chosen = chosen[: q.limit]
        offices = searcher.reader().column_reader("offices")
        results = []
        for hit, extra in chosen:
            matched = _matched_offices(q, json.loads(offices[hit.docnum]), extra.get("office_miles"))
            record = json.loads(hit["record"])
            results.append({
                **record,
                "status": hit["status"],
                "score": float(hit.score) if ranked and hit.score is not None else 0.0,
                "partial_match": partial,
                "matched_offices": matched,
                "telehealth": not matched and bool(record.get("serves_states")),
                **extra,
            })
        return Found(results, total)


def search(index_dir: Path, q: SearchQuery) -> list[dict[str, Any]]:
    """The results of find(): clinics matching q, best first."""
    return find(index_dir, q).results


def suggest_places(index_dir: Path, text: str, with_state: bool = False) -> list[str]:
    """Offices' places in the directory spelled like text ("Santa Fee, NM" -> "Santa Fe, NM",
    "Nashvile" -> "Nashville", with its state when with_state or text names one), closest
    first; none when text names a city the directory has (it is then no typo). For the "did
    you mean" of --city and --near."""
    from crawler.vocabulary import closest  # on the way to an error message only

    city, code = geo.split_place(text)
    key = geo.city_key(city)
    places: set[tuple[str, str]] = set()
    with _searcher(index_dir) as searcher:
        reader = searcher.reader()
        offices = reader.column_reader("offices")
        for docnum in reader.all_doc_ids():
            places.update((keys[0], state) for state, keys in json.loads(offices[docnum]) if keys)
    if any(k == key and (code is None or s == code) for k, s in places):
        return []
    keys = sorted({k for k, s in places if code is None or s == code})
    close = closest(key, keys, cutoff=0.75)
    if not with_state and code is None:
        return [k.title() for k in close]
    return [f"{k.title()}, {s}" for k in close for s in sorted({s for kk, s in places if kk == k}) if code in (None, s)]


def did_you_mean(index_dir: Path, text: str, with_state: bool = False) -> str:
    """The "; did you mean 'X' or 'Y'?" an error about place text ends with, from suggest_places;
    "" when the directory has nothing spelled like it."""
    close = suggest_places(index_dir, text, with_state)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def unknown_city(index_dir: Path, city: str) -> str:
    """Why a search by city found nothing, when the city is spelled like one of the
    directory's offices' (a typo); "" otherwise."""
    hint = did_you_mean(index_dir, city) if city.strip() else ""
    return f"no clinic in the directory is in {city!r}{hint}" if hint else ""


def count_by(index_dir: Path, field_name: str, include_gone: bool = False) -> dict[str, int]:
    """Clinics per value of a field (modality, service, condition, state, city), most first.

    A clinic counts once per value it would be found under: a telehealth provider counts in
    every state it serves. States are upper-case codes; the rest as indexed.
    """
    return counts_by(index_dir, [field_name], include_gone)[field_name]


def counts_by(index_dir: Path, field_names: list[str], include_gone: bool = False) -> dict[str, dict[str, int]]:
    """count_by for several fields, read with one searcher."""
    unknown = [name for name in field_names if name not in _COUNTABLE_FIELDS]
    if unknown:
        choices = ", ".join(_COUNTABLE_FIELDS)
        raise ValueError(f"cannot count by {unknown[0]!r}; choose from {choices}")
    result: dict[str, dict[str, int]] = {}
    with _searcher(index_dir) as searcher:
        active = None if include_gone else set(searcher.docs_for_query(Term("status", "active")))
        for field_name in field_names:
            indexed = _COUNTABLE_FIELDS[field_name]
            counts: dict[str, int] = {}
            for value in searcher.reader().field_terms(indexed):
                docs = set(searcher.docs_for_query(Term(indexed, value)))
                count = len(docs if active is None else docs & active)
                if count:
                    counts[value.upper() if indexed == "state" else value] = count
            result[field_name] = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return result
