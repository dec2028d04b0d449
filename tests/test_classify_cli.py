"""`ketadir classify`: offline classification of saved files or URLs, index untouched."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from crawler.fixture_server import FixtureServer


def test_seed_documents_get_their_labelled_modality(corpus: Path) -> None:
    seeds = corpus / "seeds"
    labels = list(csv.DictReader(open(seeds / "labels.csv", encoding="utf-8")))
    result = run_cli("classify", *[str(seeds / row["file"]) for row in labels], "--format", "json")
    assert result.exit_code == 0
    got = {Path(r["source"]).name: r["modality"] for r in json.loads(result.output)}
    assert got == {row["file"]: row["modality"] for row in labels}


def test_json_output_has_the_documented_shape() -> None:
    page = FIXTURES / "web" / "riverbendtherapy.test" / "index.html"
    result = run_cli("classify", str(page), "--format", "json")
    out = json.loads(result.output)
    assert set(out) == {"source", "modality", "services", "conditions", "confidence", "evidence"}
    assert 0.0 <= out["confidence"] <= 1.0
    assert out["evidence"] and set(out["evidence"][0]) == {"text", "url"}
    assert out["evidence"][0]["url"].startswith("file://")


def test_classify_fetches_a_live_url_through_the_proxy(sample_server: FixtureServer) -> None:
    result = run_cli("classify", "http://riverbendtherapy.test/", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["source"] == "http://riverbendtherapy.test/"
    assert out["evidence"][0]["url"] == "http://riverbendtherapy.test/"


def test_classify_does_not_create_a_store_or_index(tmp_path: Path) -> None:
    page = FIXTURES / "web" / "bartonketamine.test" / "index.html"
    assert run_cli("classify", str(page), data_dir=tmp_path / "data").exit_code == 0
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("text", ["plain text about nothing in particular.", ""])
def test_plain_text_files_are_read_as_text(tmp_path: Path, text: str) -> None:
    note = tmp_path / "note.txt"
    note.write_text(text)
    out = json.loads(run_cli("classify", str(note), "--format", "json").output)
    assert out["modality"] == "not-a-provider"


def test_a_saved_page_is_decoded_by_its_own_charset() -> None:
    page = FIXTURES / "faults" / "cp1252-clinic.test" / "index.html"
    with pytest.raises(UnicodeDecodeError):  # the fixture really is Windows-1252, not UTF-8
        page.read_bytes().decode("utf-8")
    out = json.loads(run_cli("classify", str(page), "--format", "json").output)
    assert any("Renée’s team" in e["text"] for e in out["evidence"])


def test_a_named_persons_team_offering_infusions_is_an_offer(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><main><h1>Ketamine care</h1>"
        "<p>Dr. Okafor's clinic provides IV ketamine infusions for treatment-resistant depression.</p>"
        "</main></body></html>"
    )
    out = json.loads(run_cli("classify", str(page), "--format", "json").output)
    assert out["modality"] == "infusion-only" and "iv-infusion" in out["services"]
