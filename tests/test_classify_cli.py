"""`ketadir classify`: offline classification of saved files or URLs, index untouched."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, run_cli
from mockserver import FixtureServer
from crawler.demo import SAMPLE_WEB


def test_seed_documents_get_their_labelled_modality(corpus: Path) -> None:
    seeds = corpus / "seeds"
    labels = list(csv.DictReader(open(seeds / "labels.csv", encoding="utf-8")))
    result = run_cli("classify", *[str(seeds / row["file"]) for row in labels], "--format", "json")
    assert result.exit_code == 0
    got = {Path(r["source"]).name: r["modality"] for r in json.loads(result.output)}
    assert got == {row["file"]: row["modality"] for row in labels}


def test_json_output_has_the_documented_shape() -> None:
    page = SAMPLE_WEB / "riverbendtherapy.test" / "index.html"
    result = run_cli("classify", str(page), "--format", "json")
    out = json.loads(result.output)
    assert set(out) == {"source", "modality", "services", "conditions", "confidence", "rule", "evidence"}
    assert 0.0 <= out["confidence"] <= 1.0
    assert out["evidence"] and set(out["evidence"][0]) == {"text", "url", "supports", "weight", "rule", "role"}
    assert out["evidence"][0]["url"].startswith("file://")
    # Every piece of evidence names the cue behind it, and the decision the rule that made it.
    assert all(e["rule"] and e["role"] for e in out["evidence"]) and out["rule"]


def test_classify_prints_the_evidence_for_and_against_in_words() -> None:
    page = SAMPLE_WEB / "saguaroinfusion.test" / "index.html"
    result = run_cli("classify", str(page))
    assert result.exit_code == 0, result.output
    assert "decided by: " in result.output
    assert "evidence for " in result.output
    assert "offer: " in result.output or "therapy with an outside provider: " in result.output


def test_classify_fetches_a_live_url_through_the_proxy(sample_server: FixtureServer) -> None:
    result = run_cli("classify", "http://riverbendtherapy.test/", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["source"] == "http://riverbendtherapy.test/"
    assert out["evidence"][0]["url"] == "http://riverbendtherapy.test/"


def test_classify_does_not_create_a_store_or_index(tmp_path: Path) -> None:
    page = SAMPLE_WEB / "bartonketamine.test" / "index.html"
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


def _classify_in_a_child(url: str, proxy: str | None = None) -> subprocess.CompletedProcess[str]:
    """`ketadir classify URL` as a user runs it, through the proxy if given."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "no_proxy")}
    env.update({"http_proxy": proxy} if proxy else {})
    return subprocess.run(
        [sys.executable, "-m", "cli", "classify", url], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_classify_refuses_a_cloud_metadata_address_in_one_line() -> None:
    error = _one_line_error(_classify_in_a_child("http://169.254.169.254/latest/meta-data/"))
    assert "refused 169.254.169.254" in error


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://10.1.2.3/", "refused 10.1.2.3"),
        ("http://2852039166/latest/meta-data/", "the address 169.254.169.254"),
        ("http://0x7f.1/", "the address 127.0.0.1"),
    ],
)
def test_classify_refuses_private_addresses_through_the_proxy_and_sends_nothing(url: str, refused: str) -> None:
    with FixtureServer(FIXTURES / "faults") as server:
        error = _one_line_error(_classify_in_a_child(url, proxy=server.url))
        assert refused in error
        assert server.requests == []


def test_classify_of_a_loopback_page_served_directly_prints_none_of_it(tmp_path: Path) -> None:
    web = tmp_path / "web"
    (web / "127.0.0.1").mkdir(parents=True)
    (web / "127.0.0.1" / "index.html").write_text("<p>secret admin page: we offer IV ketamine</p>")
    with FixtureServer(web) as server:
        result = _classify_in_a_child(f"{server.url}/")
        assert "refused 127.0.0.1" in _one_line_error(result)
        assert "secret" not in result.stdout + result.stderr
        assert server.requests == []


@pytest.mark.parametrize(
    ("host", "refused"),
    [
        ("metadata-redirect.test", "refused 169.254.169.254"),
        ("loopback-redirect.test", "refused 127.0.0.1"),
        ("file-redirect.test", "refused file: URL"),
        ("escape-redirect.test", "refused 10.0.0.1"),
        ("ftp-redirect.test", "refused ftp: URL"),
    ],
)
def test_classify_refuses_a_redirect_off_the_public_web_and_never_follows_it(host: str, refused: str) -> None:
    # The same guard as the crawl's: the fixture proxy's log shows nothing but the first request.
    with FixtureServer(FIXTURES / "faults") as server:
        error = _one_line_error(_classify_in_a_child(f"http://{host}/", proxy=server.url))
        assert refused in error and "redirected to" in error
        assert {h for h, _, _ in server.requests} <= {host}
