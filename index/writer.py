"""Putting clinics into the index: one writer at a time, all or nothing per session.

Usage::

    with index_writer(index_dir) as w:
        w.upsert(clinic)            # replaces the site's document
        w.delete("gone-clinic.com")

The session commits when the block ends normally and leaves the index untouched when it
raises. Readers keep seeing the last commit while a session is open.
"""

from __future__ import annotations

import json
import pickle
import zlib
from pathlib import Path
from types import TracebackType

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR, SegmentWriter

from crawler.extract import geo
from crawler.items import Clinic, Evidence
from index import IndexBusy, IndexUnavailable
from index.schema import SCHEMA, STATUSES, open_index, unreadable

__all__ = ["IndexWriter", "clinic_document", "index_writer", "is_offered", "open_index"]

# Words people type for each label, so free text finds what the filters find.
_LABEL_WORDS = {
    "iv-infusion": "IV intravenous infusion",
    "im-injection": "IM intramuscular injection",
    "esketamine-nasal": "esketamine Spravato nasal spray",
    "oral-sublingual": "oral sublingual lozenge troche",
    "at-home": "at-home telehealth",
    "kap-individual": "KAP ketamine-assisted psychotherapy individual",
    "kap-group": "KAP ketamine-assisted psychotherapy group",
    "ptsd": "PTSD post-traumatic stress trauma",
    "ocd": "OCD obsessive-compulsive",
    "substance-use": "substance use addiction",
}


# Whoosh keeps a session's postings in memory up to this many MB before it sorts them to
# temporary files. Its default, 128, let a crawl's memory grow with the crawl; at 16 a session
# of 1,000 clinics still fits (bench/RESULTS.md, **Whoosh postings pool 16 MB**).
_POSTINGS_MB = 16


def _label_text(label: str) -> str:
    return _LABEL_WORDS.get(label, label.replace("-", " "))


# Evidence read as the provider doing or giving something; the other roles (negated,
# explainer, publisher, other) are mentions.
_OFFER_ROLES = frozenset({"offer", "own-therapy", "outside-therapy", "provider"})
_KAP_SERVICES = frozenset({"kap-individual", "kap-group"})


def is_offered(evidence: Evidence, clinic: Clinic) -> bool:
    """Whether a sentence counts as what the clinic offers: an offer the classifier counted,
    naming no route (and no KAP) that is missing from the clinic's services. "Spravato" as a
    heading on a page of a clinic that no longer gives it is a mention, not an offer."""
    from crawler.extract.cues import KAP_SPECIFIC, ROUTES

    if evidence.supports.startswith("against:") or (evidence.role and evidence.role not in _OFFER_ROLES):
        return False  # (a record from before evidence had roles is read by its supports alone)
    if any(route not in clinic.services and words.search(evidence.text) for route, words in ROUTES.items()):
        return False
    offers_kap = clinic.modality == "kap" or not _KAP_SERVICES.isdisjoint(clinic.services)
    return offers_kap or not KAP_SPECIFIC.search(evidence.text)


def clinic_document(clinic: Clinic, status: str = "active") -> dict[str, str | bytes]:
    """The Whoosh document for one clinic: filter keywords, free text and the stored record.

    The free text holds what the clinic offers (name, services, conditions, offer sentences,
    places); the sentences that only mention something go to ``mentions``.
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    city_keys: list[str] = []
    states: list[str] = []
    offices: list[tuple[str, list[str]]] = []
    for location in clinic.locations:
        keys = geo.city_aliases(location.city, location.state, location.zip)
        city_keys.extend(keys)
        code = (geo.state_code(location.state) if location.state else None) or ""
        if code:
            states.append(code)
        offices.append((code, keys))
    states.extend(code for code in map(geo.state_code, clinic.serves_states) if code)
    points = [
        geo.place_centroid(location.city, location.state, location.zip)
        for location in clinic.locations
    ]
    offered = [is_offered(e, clinic) for e in clinic.evidence]
    text = [
        clinic.name,
        *(e.text for e, counted in zip(clinic.evidence, offered) if counted),
        *map(_label_text, clinic.services),
        *map(_label_text, clinic.conditions),
        *(location.city for location in clinic.locations),
        *city_keys,  # "saint louis" for an office written "St. Louis"; gazetteer alternates
        *(geo.STATE_NAMES[code] for code in dict.fromkeys(states)),
    ]
    return {
        "id": clinic.site,
        "text": "\n".join(part for part in text if part),
        "mentions": "\n".join(e.text for e, counted in zip(clinic.evidence, offered) if not counted),
        "name": clinic.name,
        "name_sort": clinic.name.casefold(),
        "modality": clinic.modality,
        "services": ",".join(clinic.services),
        "conditions": ",".join(clinic.conditions),
        "city": ",".join(dict.fromkeys(city_keys)),
        "state": ",".join(dict.fromkeys(states)),
        "zip": ",".join(z for z in (geo.normalize_zip(loc.zip) for loc in clinic.locations) if z),
        "status": status,
        "last_crawled": clinic.last_crawled,
        "points": json.dumps(points).encode(),
        "offices": json.dumps(offices).encode(),
        "record": json.dumps(clinic.to_dict(), ensure_ascii=False),
    }


class IndexWriter:
    """One writing session; holds Whoosh's single writer lock from enter to exit.

    Changes are buffered per site and applied at commit, so the last upsert or delete of a
    site in a session wins (Whoosh cannot replace a document it has not committed yet). The
    buffer holds one document per site, compressed: a crawl's session is open for the whole
    crawl (bench/RESULTS.md, **compressed pending documents**).
    """

    def __init__(
        self,
        index_dir: Path,
        create: bool = True,
        rebuild: bool = False,
        lock_timeout: float = 10.0,
    ) -> None:
        """rebuild: start from an empty index (also when the old one is unreadable)."""
        self.index_dir = Path(index_dir)
        self.create = create or rebuild
        self.rebuild = rebuild
        self.lock_timeout = lock_timeout
        self._pending: dict[str, bytes | None] = {}
        self._cleared = rebuild
        self._writer: SegmentWriter | None = None

    def __enter__(self) -> IndexWriter:
        try:
            ix = open_index(self.index_dir, create=self.create)
        except IndexUnavailable:
            if not self.rebuild:
                raise
            ix = whoosh_index.create_in(str(self.index_dir), SCHEMA)
        try:
            self._writer = ix.writer(timeout=self.lock_timeout, limitmb=_POSTINGS_MB)
        except whoosh_index.LockError as error:
            raise IndexBusy(
                f"search index at {self.index_dir} is being written by another ketadir process"
            ) from error
        except Exception as error:  # noqa: BLE001 - missing or garbled segment files
            if not self.rebuild:
                raise unreadable(self.index_dir, error) from error
            ix = whoosh_index.create_in(str(self.index_dir), SCHEMA)
            self._writer = ix.writer(timeout=self.lock_timeout, limitmb=_POSTINGS_MB)
        return self

    def upsert(self, clinic: Clinic, status: str = "active") -> None:
        """Add the clinic, replacing any document of the same site."""
        self._pending[clinic.site] = zlib.compress(pickle.dumps(clinic_document(clinic, status)), 1)

    def delete(self, site: str) -> None:
        """Remove the site's document, if any."""
        self._pending[site] = None

    def clear(self) -> None:
        """Drop every committed document: after commit the index holds this session's upserts."""
        self._cleared = True
        self._pending = {site: doc for site, doc in self._pending.items() if doc is not None}

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        writer = self._writer
        if writer is None:
            return
        self._writer = None
        if exc_type is not None:
            writer.cancel()
            return
        try:
            for site, packed in self._pending.items():
                if packed is None:
                    if not self._cleared:
                        writer.delete_by_term("id", site)
                    continue
                document = pickle.loads(zlib.decompress(packed))
                if self._cleared:
                    writer.add_document(**document)
                else:
                    writer.update_document(**document)
            if self._cleared:
                writer.commit(mergetype=CLEAR)
            else:
                writer.commit()
        except BaseException:
            if not writer.is_closed:  # a commit that failed before finishing holds the lock
                writer.cancel()
            raise


def index_writer(
    index_dir: Path, create: bool = True, rebuild: bool = False, lock_timeout: float = 10.0
) -> IndexWriter:
    """A writing session for ``with``; see IndexWriter."""
    return IndexWriter(index_dir, create=create, rebuild=rebuild, lock_timeout=lock_timeout)
