"""The side-by-side reference for the index: the same documents in SQLite FTS5.

It indexes exactly what ketadir's index holds (index.writer.clinic_document: the same free
text, city keys and states) and answers the same two query shapes with the same limits and
ordering: ranked text (bm25, name weighted 2x like Whoosh's field boost) with exact filters,
and unranked filters ordered by name. Lives in bench/ only; ketadir does not use it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from crawler.items import Clinic
from index.writer import clinic_document

_SCHEMA = """
CREATE TABLE clinics (id INTEGER PRIMARY KEY, site TEXT UNIQUE NOT NULL, modality TEXT NOT NULL,
                      status TEXT NOT NULL, name_sort TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX clinics_modality ON clinics(modality, name_sort);
CREATE TABLE keys (key TEXT NOT NULL, doc INTEGER NOT NULL);
CREATE INDEX keys_key ON keys(key, doc);
CREATE INDEX keys_doc ON keys(doc);
CREATE VIRTUAL TABLE fts USING fts5(text, name, tokenize='porter unicode61');
"""


def _keys(doc: dict[str, Any]) -> list[str]:
    keys = []
    for field in ("city", "state", "services", "conditions"):
        keys += [f"{field}:{value.lower()}" for value in str(doc[field]).split(",") if value]
    return keys


class FtsIndex:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)

    def build(self, clinics: list[Clinic]) -> None:
        self.path.unlink(missing_ok=True)
        with self.connect() as conn:
            conn.executescript(_SCHEMA)
            self._insert(conn, clinics)
        conn.close()

    def upsert(self, clinics: list[Clinic]) -> None:
        with self.connect() as conn:
            sites = [(c.site,) for c in clinics]
            ids = [row[0] for site in sites for row in conn.execute("SELECT id FROM clinics WHERE site=?", site)]
            conn.executemany("DELETE FROM fts WHERE rowid=?", [(i,) for i in ids])
            conn.executemany("DELETE FROM keys WHERE doc=?", [(i,) for i in ids])
            conn.executemany("DELETE FROM clinics WHERE id=?", [(i,) for i in ids])
            self._insert(conn, clinics)
        conn.close()

    def _insert(self, conn: sqlite3.Connection, clinics: list[Clinic]) -> None:
        for clinic in clinics:
            doc = clinic_document(clinic)
            cur = conn.execute(
                "INSERT INTO clinics(site, modality, status, name_sort, record) VALUES (?,?,?,?,?)",
                (doc["id"], doc["modality"], doc["status"], doc["name_sort"], doc["record"]),
            )
            rowid = cur.lastrowid
            conn.execute("INSERT INTO fts(rowid, text, name) VALUES (?,?,?)", (rowid, doc["text"], doc["name"]))
            conn.executemany("INSERT INTO keys(key, doc) VALUES (?,?)", [(k, rowid) for k in _keys(doc)])

    def text_modality_city(self, text: str, modality: str, city_key: str, limit: int = 50) -> list[dict[str, Any]]:
        conn = self.connect()
        rows = conn.execute(
            "SELECT c.record, c.status, bm25(fts, 1.0, 2.0) AS score FROM fts JOIN clinics c ON c.id = fts.rowid "
            "WHERE fts MATCH ? AND c.status = 'active' AND c.modality = ? "
            "AND c.id IN (SELECT doc FROM keys WHERE key = ?) ORDER BY score LIMIT ?",
            (text, modality, f"city:{city_key}", limit),
        ).fetchall()
        conn.close()
        return [{**json.loads(record), "status": status, "score": -score} for record, status, score in rows]

    def modality_state(self, modality: str, state: str, limit: int = 50) -> list[dict[str, Any]]:
        conn = self.connect()
        rows = conn.execute(
            "SELECT c.record, c.status FROM clinics c WHERE c.status = 'active' AND c.modality = ? "
            "AND c.id IN (SELECT doc FROM keys WHERE key = ?) ORDER BY c.name_sort LIMIT ?",
            (modality, f"state:{state.lower()}", limit),
        ).fetchall()
        conn.close()
        return [{**json.loads(record), "status": status} for record, status in rows]
