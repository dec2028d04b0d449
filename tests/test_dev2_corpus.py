"""dev2 through the whole pipeline: 87 sites that keep real clinics' sentence structure.

../shared/corpus/dev2 holds real clinics and non-providers re-worded sentence by sentence
(passive stays passive, "you will..." stays), with hand labels and 328 sentences labelled by
role. The sites are crawled through the fixture server, exactly as real sites would be, and
judged with `ketadir evaluate` in two halves split by a stable hash of the host: rules tuned
to one half that fail on the other were fitted, not general. Skipped when the corpus is absent.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest

from conftest import FAST, proxied, run_cli
from crawler.extract.classify import read_sentences
from mockserver import FixtureServer
from crawler.extract.parse import parse_page

HALVES = ("even", "odd")
# What each half must reach. The rules were tuned on the even half, which holds the issue's
# targets. The odd half is held back and measured once at the end of each stop of rule work
# (last: 30 of 41 right, 28 of 29 providers found, 72 of 151 sentence roles): it is not tuned
# on, so its floor is that measurement, guarding against regressions; the gap to the targets
# is open work.
FLOORS = {
    "even": {"accuracy": 0.90, "provider_recall": 0.95, "roles": 0.90},
    "odd": {"accuracy": 0.73, "provider_recall": 0.96, "roles": 0.47},
}
PROVIDERS = ("kap", "adjunctive-referral", "infusion-only", "unclear")
MODALITIES_ALL = (*PROVIDERS, "not-a-provider")


def half_of(host: str) -> str:
    """Which half a host is in: the parity of the first byte of its SHA-256."""
    return HALVES[hashlib.sha256(host.encode()).digest()[0] % 2]


def _rows(dev2: Path, stem: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(dev2.glob(f"{stem}-*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    return rows


@pytest.fixture(scope="module")
def dev2(corpus: Path) -> Path:
    path = corpus / "dev2"
    if not (path / "sites").is_dir():
        pytest.skip(f"dev2 corpus not found at {path}")
    return path


@pytest.fixture(scope="module")
def reports(dev2: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """One crawl of all of dev2, then `ketadir evaluate` on each half's labels."""
    data = tmp_path_factory.mktemp("dev2-crawl")
    with FixtureServer(dev2 / "sites") as server, proxied(server):
        crawl = run_cli("crawl", *[f"http://{host}/" for host in server.hosts()], *FAST, data_dir=data)
    assert crawl.exit_code == 0, crawl.output
    labels = _rows(dev2, "labels")
    out = {}
    for half in HALVES:
        path = data.parent / f"dev2-labels-{half}.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, list(labels[0]))
            writer.writeheader()
            writer.writerows(row for row in labels if half_of(row["host"]) == half)
        result = run_cli("evaluate", str(path), "--format", "json", data_dir=data)
        assert result.exit_code == 0, result.output
        out[half] = json.loads(result.output)
    return out


@pytest.mark.parametrize("half", HALVES)
def test_each_half_of_dev2_is_classified_right_as_often_as_its_floor(reports: dict[str, dict], half: str) -> None:
    report = reports[half]
    assert report["missing"] == []
    # The held-out half's misses stay unread: a failure there names the figure, not the sites.
    shown = report["misses"] if half == "even" else f"{len(report['misses'])} misses (held out: not listed)"
    assert report["accuracy"] >= FLOORS[half]["accuracy"], shown


@pytest.mark.parametrize("half", HALVES)
def test_real_providers_are_found_as_providers(reports: dict[str, dict], half: str) -> None:
    confusion = reports[half]["confusion"]
    providers = sum(confusion.get(e, {}).get(p, 0) for e in PROVIDERS for p in MODALITIES_ALL)
    found = sum(confusion.get(e, {}).get(p, 0) for e in PROVIDERS for p in PROVIDERS)
    assert providers and found / providers >= FLOORS[half]["provider_recall"], confusion


@pytest.mark.parametrize("half", HALVES)
def test_no_site_is_called_kap_that_is_not_kap(reports: dict[str, dict], half: str) -> None:
    confusion = reports[half]["confusion"]
    assert [e for e in confusion if e != "kap" and confusion[e].get("kap", 0)] == [], confusion


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _site_pages(root: Path, host: str):
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        rel = "" if rel == "index.html" else rel.removesuffix("index.html")
        pages.append(parse_page(path.read_bytes(), f"http://{host}/{rel}"))
    return pages


def test_sentence_roles_as_the_classifier_reads_them_agree_with_the_labels(dev2: Path) -> None:
    """Each labelled sentence is found among the site's sentences (a labelled sentence may span
    several of ours: the strongest role among them is the reading)."""
    rank = ["outside-therapy", "own-therapy", "negated", "offer", "publisher", "explainer", "provider", "other"]
    rows = _rows(dev2, "sentences")
    by_host: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_host.setdefault(row["host"], []).append(row)
    agree = {half: [0, 0] for half in HALVES}
    for host, labelled in by_host.items():
        readings = [(_norm(r.text), r) for r in read_sentences(_site_pages(dev2 / "sites" / host, host))]
        for row in labelled:
            want = _norm(row["text"])
            found = [r for text, r in readings if len(text) > 15 and (want in text or text in want)]
            role = min((r.role for r in found), key=rank.index, default="missing")
            counts = agree[half_of(host)]
            counts[0] += role == row["role"]
            counts[1] += 1
    for half, (right, total) in agree.items():
        assert total and right / total >= FLOORS[half]["roles"], (half, right, total)
