"""What the index holds for one clinic, and how an index directory is opened.

One document per site. Filter fields are lowercase keywords so a filter is an exact term
lookup; the full Clinic rides along as JSON in ``record`` so search never needs SQLite.
"""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from index import REINDEX_HINT, IndexUnavailable

STATUSES = ("active", "gone")


def build_schema() -> Schema:
    """The schema; its shape is checked on open, so an older index asks for a reindex."""
    stemming = StemmingAnalyzer()
    return Schema(
        id=ID(unique=True, stored=True),  # site host
        text=TEXT(analyzer=stemming),  # name, what is offered (services, conditions, offer sentences), places
        # The evidence sentences that are not offers: denials, explanations, routes not counted.
        # Searched only when asked (--include-mentions), so "spravato" does not find a clinic
        # that "no longer offers Spravato".
        mentions=TEXT(analyzer=stemming),
        name=TEXT(analyzer=stemming, field_boost=2.0),
        name_sort=ID(sortable=True),  # casefolded name: the order of unranked listings
        modality=ID(stored=True),
        services=KEYWORD(commas=True, lowercase=True),
        conditions=KEYWORD(commas=True, lowercase=True),
        city=KEYWORD(commas=True, lowercase=True),  # geo.city_key of every office + aliases
        state=KEYWORD(commas=True, lowercase=True),  # office states + serves_states
        zip=KEYWORD(commas=True),
        status=ID(stored=True),  # "active" or "gone"
        last_crawled=ID(stored=True),
        # JSON [[lat, lon] | null per location], computed at index time. A column, so a near
        # search reads every candidate's points without loading its stored record.
        points=COLUMN(VarBytesColumn()),
        # JSON [[state code, [city keys]] per location], for telling which offices matched.
        offices=COLUMN(VarBytesColumn()),
        record=STORED,  # Clinic.to_dict() as JSON
    )


SCHEMA = build_schema()


def open_index(index_dir: Path, create: bool = True) -> whoosh_index.FileIndex:
    """Open the index, creating an empty one when allowed and none exists.

    Raises IndexUnavailable (naming `ketadir reindex`) when it is missing and create is
    False, unreadable, or built with other fields.
    """
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return _missing(index_dir, create)
    try:
        ix = whoosh_index.open_dir(str(index_dir))
        stored_shape = _shape(ix.schema)
    except whoosh_index.EmptyIndexError:  # no TOC file
        return _missing(index_dir, create)
    except Exception as error:  # noqa: BLE001 - a garbled TOC fails in many ways; all mean rebuild
        raise unreadable(index_dir, error) from error
    if stored_shape != _shape(SCHEMA):
        raise IndexUnavailable(
            f"search index at {index_dir} was built by another ketadir version; {REINDEX_HINT}"
        )
    return ix


def _shape(schema: Schema) -> dict[str, tuple]:
    """What a schema's fields are made of: equal shapes can share one index."""

    def parts(fieldtype: object) -> tuple:
        analyzer = getattr(fieldtype, "analyzer", None)
        column = getattr(fieldtype, "column_type", None)
        return (
            type(fieldtype).__name__,
            bool(fieldtype.stored),  # type: ignore[attr-defined]
            bool(fieldtype.unique),  # type: ignore[attr-defined]
            bool(fieldtype.scorable),  # type: ignore[attr-defined]
            type(column).__name__ if column else None,
            tuple(type(item).__name__ for item in getattr(analyzer, "items", [analyzer])),
        )

    return {name: parts(fieldtype) for name, fieldtype in schema.items()}


def _missing(index_dir: Path, create: bool) -> whoosh_index.FileIndex:
    if not create:
        raise IndexUnavailable(f"no search index at {index_dir}; {REINDEX_HINT}")
    index_dir.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(index_dir), SCHEMA)


def unreadable(index_dir: Path, error: BaseException) -> IndexUnavailable:
    """The exception for an index whose files cannot be read back."""
    return IndexUnavailable(
        f"search index at {index_dir} is unreadable ({error.__class__.__name__}: {error});"
        f" {REINDEX_HINT}"
    )
