"""A search that opens the index while a crawl commits must not fail.

Whoosh lists the newest table of contents, then reads it; a commit in between deletes the
old generation. The race is made deterministic here by making the first open(s) find their
TOC gone, as the commit would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import index.schema
from crawler.items import Clinic, Location
from index import IndexUnavailable
from index.search import SearchQuery, search
from index.writer import index_writer


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    with index_writer(tmp_path / "index") as writer:
        writer.upsert(Clinic(site="a.test", website="http://a.test/", name="A", modality="kap", confidence=0.9,
                             locations=[Location(city="Austin", state="TX")]))
    return tmp_path / "index"


def vanishing_toc(monkeypatch: pytest.MonkeyPatch, times: int) -> None:
    real_open_dir = index.schema.whoosh_index.open_dir
    calls = {"n": 0}

    def open_dir(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] <= times:
            raise FileNotFoundError(2, "No such file or directory", "_MAIN_1.toc")
        return real_open_dir(*args, **kwargs)

    monkeypatch.setattr(index.schema.whoosh_index, "open_dir", open_dir)


def test_a_generation_replaced_during_open_is_retried(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vanishing_toc(monkeypatch, times=2)
    assert [r["site"] for r in search(index_dir, SearchQuery(modalities=["kap"]))] == ["a.test"]


def test_a_toc_that_stays_missing_is_still_damage_naming_reindex(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vanishing_toc(monkeypatch, times=100)
    with pytest.raises(IndexUnavailable, match="ketadir reindex"):
        search(index_dir, SearchQuery())
