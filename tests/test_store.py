"""The SQLite store keeps pages, clinics and runs, and knows what still needs deciding."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import pytest

from crawler.items import Clinic, Evidence, Location, PackedPage, Page, TextBlock
from crawler.extract.parse import parse_page
from crawler.store import (
    PARSER_VERSION, Store, StoreError, compress_body, decompress_body, pack_page, page_from_json, page_json,
)


def _page(url: str) -> Page:
    return Page(url=url, kind="home", title="T", blocks=[TextBlock("We offer ketamine infusions.", "main", "p", "")])


def test_saved_page_round_trips_parsed_and_raw(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "k.db")
    store.save_page(url="http://a.test/", site="a.test", status=200, encoding="utf-8",
                    content_hash="h1", packed=pack_page(b"<p>hi</p>", _page("http://a.test/")), etag='"e1"')
    assert [page_from_json(p) for p in store.parsed_pages_of("a.test")] == [_page("http://a.test/")]
    assert list(store.stale_pages_of("a.test")) == []  # read by this parser
    meta = store.page_meta("http://a.test/")
    assert meta is not None and meta.etag == '"e1"' and meta.content_hash == "h1"
    with sqlite3.connect(tmp_path / "k.db") as older_parser:
        older_parser.execute("UPDATE pages SET parser_version=?", (PARSER_VERSION - 1,))
    assert list(store.stale_pages_of("a.test")) == [("http://a.test/", b"<p>hi</p>", "utf-8")]


def test_clinic_round_trips_with_nested_records(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "k.db")
    clinic = Clinic(site="a.test", website="http://a.test/", name="A", modality="kap", confidence=0.9,
                    locations=[Location(city="Austin", state="TX")], evidence=[Evidence("x", "http://a.test/", "kap", 1.0)])
    store.save_clinic(clinic)
    assert store.clinic("a.test") == clinic
    assert store.clinics() == [clinic]


def test_sites_needing_decision_lists_pages_newer_than_the_last_decision(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "k.db")
    store.save_page(url="http://a.test/", site="a.test", status=200, encoding="utf-8",
                    content_hash="h", packed=pack_page(b"", _page("http://a.test/")))
    assert store.sites_needing_decision() == ["a.test"]
    store.save_clinic(Clinic(site="a.test", website="http://a.test/", name="A", modality="kap", confidence=1.0))
    assert store.sites_needing_decision() == []


def test_readonly_open_of_missing_store_says_to_crawl_first(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="ketadir crawl"):
        Store.open(tmp_path / "missing.db", readonly=True)


def test_open_on_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    bogus = tmp_path / "k.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store.open(bogus)


def test_wal_mode_lets_a_reader_see_committed_state_while_a_writer_is_open(tmp_path: Path) -> None:
    writer = Store.open(tmp_path / "k.db")
    writer.save_clinic(Clinic(site="a.test", website="http://a.test/", name="A", modality="kap", confidence=1.0))
    busy = sqlite3.connect(tmp_path / "k.db")
    busy.execute("BEGIN IMMEDIATE")
    busy.execute("DELETE FROM clinics")
    reader = Store.open(tmp_path / "k.db", readonly=True)
    assert [c.site for c in reader.clinics()] == ["a.test"]
    busy.rollback()


def test_bodies_stored_by_zlib_before_zstandard_still_read_back(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "old.db")
    html = "<html><body><p>Ketamine infusions for depression.</p></body></html>"
    page = parse_page(html, "http://old.example/")
    store.save_page(
        url="http://old.example/", site="old.example", status=200, encoding="utf-8", content_hash="x",
        packed=PackedPage(zlib.compress(html.encode(), 3), page_json(page), []),
    )
    assert store.stored_body("http://old.example/") == (html.encode(), "utf-8")
    assert compress_body(html.encode()) != zlib.compress(html.encode(), 3)
    assert decompress_body(compress_body(html.encode())) == html.encode()


def test_a_site_decided_before_its_last_page_was_stored_still_needs_a_decision(tmp_path: Path) -> None:
    # A crawl decides a site when the spider reports it finished; should that report come
    # early, the page stored after the read must leave the site for the refresh after the crawl.
    from crawler.upkeep.refresh import decide_stored_site, record_decision

    path = tmp_path / "store.db"
    store = Store.open(path)
    store.add_site("early.example", "http://early.example/", "test")

    def save(url: str, html: str) -> None:
        page = parse_page(html, url)
        store.save_page(url=url, site="early.example", status=200, encoding="utf-8", content_hash=url,
                        packed=pack_page(html.encode(), page))

    save("http://early.example/", "<html><body><h1>Early Ketamine</h1><p>We offer ketamine infusions.</p></body></html>")
    clinic, read_at = decide_stored_site(str(path), "early.example", "2026-11-21T00:00:00+00:00")
    assert clinic is not None and clinic.pages == 1
    record_decision(store, clinic, run_id=None, decided_at=read_at)
    assert "early.example" not in store.sites_needing_decision()
    save("http://early.example/team", "<html><body><p>Our therapists sit with you during sessions.</p></body></html>")
    assert "early.example" in store.sites_needing_decision()
