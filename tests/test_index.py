"""The index stage against a real Whoosh index built from hand-made clinics."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import STORED, Schema

from crawler.extract import geo
from crawler.items import Clinic, Evidence, Location
from index import IndexBusy, IndexUnavailable
from index.schema import SCHEMA
from index.search import QueryError, SearchQuery, count_by, place, query_from, search
from index.writer import index_writer

REPO = Path(__file__).resolve().parents[1]


def clinic(
    site: str,
    name: str,
    modality: str = "infusion-only",
    places: tuple[tuple[str, str, str], ...] = (),
    services: tuple[str, ...] = ("iv-infusion",),
    conditions: tuple[str, ...] = ("depression",),
    serves: tuple[str, ...] = (),
    evidence: str = "",
) -> Clinic:
    """A clinic with offices at (city, state, zip) places."""
    return Clinic(
        site=site,
        website=f"https://{site}/",
        name=name,
        modality=modality,
        confidence=0.8,
        services=list(services),
        conditions=list(conditions),
        locations=[Location(city=c, state=s, zip=z) for c, s, z in places],
        serves_states=list(serves),
        evidence=[Evidence(text=evidence, url=f"https://{site}/", supports=modality)]
        if evidence
        else [],
        last_crawled="2026-01-05T10:00:00Z",
    )


def all_records(index_dir: Path, include_gone: bool = True) -> list[dict]:
    """Every clinic the index holds (gone ones too, unless told), as search returns them."""
    return search(index_dir, SearchQuery(limit=None, include_gone=include_gone))


def get_record(index_dir: Path, site: str) -> dict | None:
    return next((r for r in all_records(index_dir) if r["site"] == site), None)


SANTA_FE = ("Santa Fe", "NM", "87501")
ALBUQUERQUE = ("Albuquerque", "NM", "87102")

# fmt: off
CLINICS = [
    clinic("adobe-kap.test", "Adobe Ketamine Therapy", "kap", (SANTA_FE,),
           ("kap-individual", "integration"), ("ptsd", "depression"),
           evidence="Our therapists sit with you through each ketamine session."),
    clinic("mesa-infusions.test", "Mesa Infusions", "infusion-only", (ALBUQUERQUE,),
           ("iv-infusion",), ("depression", "chronic-pain"),
           evidence="We provide IV ketamine infusions for treatment-resistant depression."),
    clinic("organ-mountain.test", "Organ Mountain Wellness", "adjunctive-referral",
           (("Las Cruces", "NM", "88001"),), ("iv-infusion", "esketamine-nasal"), ("depression",)),
    clinic("gateway-infusion.test", "Gateway Infusion Center", "infusion-only",
           (("St. Louis", "MO", "63101"),), ("iv-infusion",), ("depression", "anxiety")),
    clinic("arch-kap.test", "Arch Psychedelic Therapy", "kap", (("Saint Louis", "MO", ""),),
           ("kap-group",), ("ptsd",)),
    clinic("cowtown-ketamine.test", "Cowtown Ketamine", "infusion-only",
           (("Ft. Worth", "TX", "76102"),), ("iv-infusion", "im-injection"), ("migraine",)),
    clinic("trinity-mind.test", "Trinity Mind Clinic", "unclear", (("Fort Worth", "TX", ""),),
           (), ()),
    clinic("bigd-spravato.test", "Big D Spravato", "infusion-only", (("Dallas", "TX", "75201"),),
           ("esketamine-nasal",), ("depression", "suicidal-ideation")),
    clinic("capitol-kap.test", "Capitol KAP Collective", "kap", (("Austin", "TX", "78701"),),
           ("kap-individual", "kap-group", "psychotherapy"), ("ptsd", "anxiety", "ocd")),
    clinic("music-row.test", "Music Row Infusions", "adjunctive-referral",
           (("Nashville", "TN", "37203"),), ("iv-infusion",), ("ptsd", "depression"),
           evidence="Patients continue therapy with their referring provider."),
    clinic("heights-kap.test", "Heights Healing", "kap", (("Brooklyn Heights", "NY", "11201"),),
           ("kap-individual",), ("anxiety",)),
    clinic("kings-infusion.test", "Kings Infusion", "infusion-only",
           (("Brooklyn", "NY", "11201"),)),
    clinic("mile-high.test", "Mile High Ketamine", "infusion-only", (("Denver", "CO", "80202"),)),
    clinic("sound-mind.test", "Sound Mind Seattle", "kap", (("Seattle", "WA", "98101"),),
           ("kap-individual",), ("depression",)),
    clinic("harbor-kap.test", "Harbor Ketamine Group", "kap", (("Boston", "MA", "02108"),),
           ("kap-group",), ("bipolar",)),
    clinic("lowcountry.test", "Lowcountry Infusions", "infusion-only",
           (("Mt. Pleasant", "SC", "29464"),)),
    # Two offices: Albuquerque and Denver.
    clinic("rockies-chain.test", "Rockies Ketamine Network", "infusion-only",
           (ALBUQUERQUE, ("Denver", "CO", "80202"))),
    # Telehealth only: no office, serves three states.
    clinic("mesa-at-home.test", "Desert At-Home Ketamine", "kap", (), ("at-home", "kap-individual"),
           ("depression",), serves=("NM", "TX", "CO")),
    clinic("ketamine-news.test", "Ketamine Research Digest", "not-a-provider", (), (), ()),
    clinic("taos-infusion.test", "Taos Infusion Lounge", "infusion-only",
           (("Taos", "NM", "87571"),)),
    clinic("nowhere-office.test", "Placeless Ketamine", "infusion-only", (("", "NM", ""),)),
    clinic("phoenix-kap.test", "Sonoran KAP", "kap", (("Phoenix", "AZ", "85004"),),
           ("kap-individual",), ("eating-disorder",)),
    clinic("tucson-iv.test", "Saguaro IV Ketamine", "infusion-only", (("Tucson", "AZ", "85701"),),
           ("iv-infusion",), ("fibromyalgia", "chronic-pain")),
    clinic("memphis-mind.test", "Bluff City Ketamine", "unclear", (("Memphis", "TN", "38103"),)),
]
# fmt: on
GONE = clinic("closed-clinic.test", "Shuttered Ketamine", "infusion-only", (SANTA_FE,))


def build(index_dir: Path) -> Path:
    with index_writer(index_dir) as writer:
        for each in CLINICS:
            writer.upsert(each)
        writer.upsert(GONE, status="gone")
    return index_dir


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Read-only index for filter and search tests."""
    return build(tmp_path_factory.mktemp("shared") / "index")


@pytest.fixture
def fresh_index(tmp_path: Path) -> Path:
    """An index a test may change."""
    return build(tmp_path / "index")


def sites(results: list[dict]) -> set[str]:
    return {r["site"] for r in results}


def find(index_dir: Path, **query) -> set[str]:
    return sites(search(index_dir, SearchQuery(limit=None, **query)))


# Writing


def test_upsert_replaces_the_sites_document_without_duplicating(fresh_index: Path) -> None:
    renamed = clinic("mesa-infusions.test", "Mesa Infusion Suites", "kap", (ALBUQUERQUE,))
    with index_writer(fresh_index) as writer:
        writer.upsert(renamed)
    records = [r for r in all_records(fresh_index) if r["site"] == "mesa-infusions.test"]
    assert [r["name"] for r in records] == ["Mesa Infusion Suites"]
    assert records[0]["modality"] == "kap"


def test_last_upsert_of_a_site_in_one_session_wins(tmp_path: Path) -> None:
    with index_writer(tmp_path / "index") as writer:
        writer.upsert(clinic("twice.test", "First Name"))
        writer.upsert(clinic("twice.test", "Second Name"))
    assert [r["name"] for r in all_records(tmp_path / "index")] == ["Second Name"]


def test_delete_removes_the_site(fresh_index: Path) -> None:
    with index_writer(fresh_index) as writer:
        writer.delete("adobe-kap.test")
    assert get_record(fresh_index, "adobe-kap.test") is None
    assert len(all_records(fresh_index)) == len(CLINICS)  # the others plus the gone one


def test_writer_cancels_everything_when_the_block_raises(fresh_index: Path) -> None:
    before = all_records(fresh_index)
    with pytest.raises(RuntimeError), index_writer(fresh_index) as writer:
        writer.upsert(clinic("new-site.test", "Never Committed"))
        writer.delete("adobe-kap.test")
        raise RuntimeError("crawl failed")
    assert all_records(fresh_index) == before


def test_clear_leaves_only_the_sessions_documents(fresh_index: Path) -> None:
    with index_writer(fresh_index) as writer:
        writer.clear()
        writer.upsert(clinic("only-one.test", "The Only Clinic"))
    assert sites(all_records(fresh_index)) == {"only-one.test"}


def test_upsert_rejects_an_unknown_status(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="status"), index_writer(tmp_path / "index") as writer:
        writer.upsert(clinic("x.test", "X"), status="closed")


def test_stored_record_round_trips_the_clinic(shared_index: Path) -> None:
    record = get_record(shared_index, "rockies-chain.test")
    assert record is not None
    rebuilt = Clinic.from_dict(record)
    assert rebuilt == next(c for c in CLINICS if c.site == "rockies-chain.test")
    assert record["status"] == "active"


# Filters


def test_several_modalities_are_ored(shared_index: Path) -> None:
    found = search(shared_index, SearchQuery(modalities=["kap", "unclear"], limit=None))
    assert {r["modality"] for r in found} == {"kap", "unclear"}
    assert len(found) == sum(c.modality in ("kap", "unclear") for c in CLINICS)


def test_service_and_condition_filters_each_narrow(shared_index: Path) -> None:
    assert find(shared_index, services=["esketamine-nasal"]) == {
        "organ-mountain.test",
        "bigd-spravato.test",
    }
    assert find(shared_index, services=["kap-group"], conditions=["ptsd"]) == {
        "arch-kap.test",
        "capitol-kap.test",
    }
    assert find(shared_index, services=["kap-group", "psychotherapy"]) == {"capitol-kap.test"}


@pytest.mark.parametrize("city", ["st. louis", "Saint Louis", "SAINT  LOUIS", "St Louis, MO"])
def test_city_filter_forgives_saint_spelling_case_and_spaces(shared_index: Path, city: str) -> None:
    assert find(shared_index, city=city) == {"gateway-infusion.test", "arch-kap.test"}


@pytest.mark.parametrize("city", ["Ft. Worth", "Fort Worth", "fort worth, texas"])
def test_city_filter_forgives_fort_spelling(shared_index: Path, city: str) -> None:
    assert find(shared_index, city=city) == {"cowtown-ketamine.test", "trinity-mind.test"}


def test_city_filter_expands_mount(shared_index: Path) -> None:
    assert find(shared_index, city="Mount Pleasant") == {"lowcountry.test"}


def test_city_filter_uses_gazetteer_alternate_names_both_ways(shared_index: Path) -> None:
    both = {"heights-kap.test", "kings-infusion.test"}
    assert find(shared_index, city="Brooklyn") == both
    assert find(shared_index, city="Brooklyn Heights") == both


def test_city_with_a_state_in_another_state_finds_nothing(shared_index: Path) -> None:
    assert find(shared_index, city="St. Louis, TX") == set()


def test_state_filter_includes_telehealth_serving_the_state(shared_index: Path) -> None:
    found = find(shared_index, state="New Mexico")
    assert "mesa-at-home.test" in found
    assert {"adobe-kap.test", "mesa-infusions.test", "rockies-chain.test"} <= found
    assert "mile-high.test" not in found
    assert "mesa-at-home.test" not in find(shared_index, state="az")


def test_gone_clinics_are_hidden_unless_asked_for(shared_index: Path) -> None:
    assert "closed-clinic.test" not in find(shared_index, city="Santa Fe")
    found = search(shared_index, SearchQuery(city="Santa Fe", include_gone=True))
    assert {r["site"]: r["status"] for r in found}["closed-clinic.test"] == "gone"


def test_non_providers_can_be_left_out(shared_index: Path) -> None:
    assert "ketamine-news.test" in find(shared_index)
    assert "ketamine-news.test" not in find(shared_index, include_non_providers=False)


@pytest.mark.parametrize(
    ("fields", "option"),
    [
        ({"modalities": ["ketamine"]}, "modality"),
        ({"services": ["massage"]}, "service"),
        ({"conditions": ["flu"]}, "condition"),
        ({"state": "Atlantis"}, "state"),
        ({"radius_miles": 10}, "radius"),
        ({"near": (35.7, -105.9), "radius_miles": 0}, "radius"),
        ({"limit": 0}, "limit"),
    ],
)
def test_impossible_queries_are_refused_when_made_naming_what_to_change(fields: dict, option: str) -> None:
    with pytest.raises(QueryError) as refused:
        SearchQuery(**fields)
    assert refused.value.option == option


def test_an_unknown_place_is_a_query_error_for_near() -> None:
    with pytest.raises(QueryError) as refused:
        place("Atlantis, ZZ")
    assert refused.value.option == "near" and "unknown state" in str(refused.value)


# Free text


def test_free_text_matches_word_forms_through_stemming(shared_index: Path) -> None:
    assert "adobe-kap.test" in find(shared_index, text="therapist sessions")
    assert "mesa-infusions.test" in find(shared_index, text="infusion treatments")


def test_free_text_requires_every_word_when_some_clinic_has_them(shared_index: Path) -> None:
    found = search(shared_index, SearchQuery(text="ptsd nashville"))
    assert sites(found) == {"music-row.test"}
    assert not found[0]["partial_match"]


def test_free_text_falls_back_to_any_word_and_says_so(shared_index: Path) -> None:
    found = search(shared_index, SearchQuery(text="ptsd honolulu", limit=None))
    assert sites(found) == {c.site for c in CLINICS if "ptsd" in c.conditions}
    assert all(r["partial_match"] for r in found)


def test_free_text_finds_cities_by_spelled_out_and_gazetteer_names(shared_index: Path) -> None:
    assert find(shared_index, text="saint louis") == {"gateway-infusion.test", "arch-kap.test"}
    assert "kings-infusion.test" in find(shared_index, text="brooklyn heights")


def test_free_text_finds_service_words_people_type(shared_index: Path) -> None:
    assert find(shared_index, text="spravato") == {"organ-mountain.test", "bigd-spravato.test"}


def test_free_text_ranks_and_respects_filters(shared_index: Path) -> None:
    found = search(shared_index, SearchQuery(text="ketamine", state="TX"))
    assert found and all(r["score"] > 0 for r in found)
    # Capitol's KAP service is indexed as "ketamine-assisted psychotherapy".
    assert sites(found) == {"cowtown-ketamine.test", "mesa-at-home.test", "capitol-kap.test"}


def test_no_text_and_no_filters_lists_everything_by_name(shared_index: Path) -> None:
    found = search(shared_index, SearchQuery(limit=None))
    names = [r["name"] for r in found]
    assert len(found) == len(CLINICS)
    assert names == sorted(names, key=str.casefold)


def test_limit_caps_the_results(shared_index: Path) -> None:
    assert len(search(shared_index, SearchQuery(limit=3))) == 3
    assert len(search(shared_index, SearchQuery(text="ketamine", limit=2))) == 2


# Near


def test_near_search_is_sorted_by_distance_within_the_radius(shared_index: Path) -> None:
    santa_fe = geo.resolve_place("Santa Fe, NM")
    found = search(shared_index, SearchQuery(near=santa_fe, radius_miles=100, limit=None))
    assert [r["site"] for r in found][:1] == ["adobe-kap.test"]
    assert sites(found) == {
        "adobe-kap.test",
        "taos-infusion.test",
        "mesa-infusions.test",
        "rockies-chain.test",
    }
    distances = [r["distance_miles"] for r in found]
    assert distances == sorted(distances) and distances[-1] <= 100


def test_near_search_measures_to_the_nearest_office(shared_index: Path) -> None:
    denver = geo.resolve_place("80202")
    found = search(shared_index, SearchQuery(near=denver, radius_miles=5))
    chain = {r["site"]: r for r in found}["rockies-chain.test"]
    assert chain["matched_offices"] == [1]  # Albuquerque is not within 5 miles of Denver
    assert chain["locations"][1]["city"] == "Denver"
    assert chain["distance_miles"] == 0.0 and chain["office_miles"][0] > 300


def test_near_search_leaves_out_clinics_without_a_locatable_office(shared_index: Path) -> None:
    found = find(shared_index, near=geo.resolve_place("Albuquerque, NM"))
    assert "nowhere-office.test" not in found
    assert "mesa-at-home.test" not in found  # no state asked: no telehealth
    assert "memphis-mind.test" in found


def test_a_telehealth_provider_with_an_office_far_away_is_listed_as_telehealth_near_the_state(fresh_index: Path) -> None:
    far = clinic("front-range-remote.test", "Front Range Remote Ketamine", "infusion-only", (("Denver", "CO", "80202"),),
                 ("at-home",), ("depression",), serves=("NM",))
    with index_writer(fresh_index) as writer:
        writer.upsert(far)
    point, state = geo.locate("Albuquerque, NM")
    found = search(fresh_index, SearchQuery(near=point, near_state=state, radius_miles=50, limit=None))
    remote = [r for r in found if r["site"] == "front-range-remote.test"]
    assert remote and remote[0]["telehealth"] and remote[0]["matched_offices"] == [], remote


def test_near_search_lists_telehealth_serving_the_state_after_the_offices(shared_index: Path) -> None:
    point, state = geo.locate("Albuquerque, NM")
    found = search(shared_index, SearchQuery(near=point, near_state=state, limit=None))
    assert found[-1]["site"] == "mesa-at-home.test" and found[-1]["telehealth"]
    assert found[-1]["distance_miles"] is None and found[-1]["matched_offices"] == []
    assert all(r["distance_miles"] is not None and not r["telehealth"] for r in found[:-1])
    assert "nowhere-office.test" not in sites(found)


def test_near_search_applies_limit_after_sorting(shared_index: Path) -> None:
    found = search(shared_index, SearchQuery(near=geo.resolve_place("87501"), limit=2))
    assert [r["site"] for r in found] == ["adobe-kap.test", "taos-infusion.test"]


# Stats and listing


def test_asking_for_non_providers_by_another_name_lists_them(shared_index: Path) -> None:
    for name in ("not-a-provider", "none", "Non-Provider"):
        assert sites(search(shared_index, query_from(modality=(name,), limit=None))) == {"ketamine-news.test"}, name


def test_count_by_counts_active_clinics_per_value(shared_index: Path) -> None:
    modalities = count_by(shared_index, "modality")
    assert modalities["kap"] == sum(c.modality == "kap" for c in CLINICS)
    assert sum(modalities.values()) == len(CLINICS)
    states = count_by(shared_index, "state")
    assert states["NM"] == 7  # five offices in NM, the telehealth provider, the placeless one
    services = count_by(shared_index, "service")
    assert services["esketamine-nasal"] == 2
    assert list(services.values()) == sorted(services.values(), reverse=True)


def test_count_by_rejects_unknown_fields(shared_index: Path) -> None:
    with pytest.raises(ValueError):
        count_by(shared_index, "record")


def test_include_gone_lists_gone_clinics_with_their_status(shared_index: Path) -> None:
    statuses = {r["site"]: r["status"] for r in all_records(shared_index)}
    assert statuses["closed-clinic.test"] == "gone"
    assert len(statuses) == len(CLINICS) + 1
    assert "closed-clinic.test" not in sites(all_records(shared_index, include_gone=False))


# Concurrency and damage


def test_readers_see_the_last_commit_while_a_writer_is_open(fresh_index: Path) -> None:
    with index_writer(fresh_index) as writer:
        writer.upsert(clinic("pending.test", "Pending Clinic"))
        writer.delete("adobe-kap.test")
        assert "pending.test" not in find(fresh_index)
        assert "adobe-kap.test" in find(fresh_index)
    assert "pending.test" in find(fresh_index)
    assert "adobe-kap.test" not in find(fresh_index)


def test_a_second_writer_gets_index_busy(fresh_index: Path) -> None:
    with index_writer(fresh_index):
        with pytest.raises(IndexBusy), index_writer(fresh_index, lock_timeout=0):
            pass


def _delete_toc(index_dir: Path) -> None:
    for toc in index_dir.glob("*.toc"):
        toc.unlink()


def _garble_toc(index_dir: Path) -> None:
    for toc in index_dir.glob("*.toc"):
        toc.write_bytes(b"\x17not an index\x00" * 20)


def _delete_segments(index_dir: Path) -> None:
    for segment in index_dir.glob("*.seg"):
        segment.unlink()


def _truncate_segments(index_dir: Path) -> None:
    for segment in index_dir.glob("*.seg"):
        segment.write_bytes(segment.read_bytes()[:100])


@pytest.mark.parametrize("damage", [_delete_toc, _garble_toc, _delete_segments, _truncate_segments])
def test_damaged_index_raises_index_unavailable_naming_reindex(fresh_index: Path, damage) -> None:
    damage(fresh_index)
    with pytest.raises(IndexUnavailable, match="ketadir reindex"):
        search(fresh_index, SearchQuery())
    with pytest.raises(IndexUnavailable, match="ketadir reindex"):
        count_by(fresh_index, "modality")


def test_missing_index_raises_index_unavailable(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="ketadir reindex"):
        search(tmp_path / "never-built", SearchQuery())


def test_writer_refuses_a_damaged_index_unless_rebuilding(fresh_index: Path) -> None:
    _garble_toc(fresh_index)
    with pytest.raises(IndexUnavailable), index_writer(fresh_index):
        pass
    with index_writer(fresh_index, rebuild=True) as writer:
        writer.upsert(clinic("rebuilt.test", "Rebuilt Clinic"))
    assert sites(all_records(fresh_index)) == {"rebuilt.test"}


def test_index_built_with_another_schema_asks_for_reindex(tmp_path: Path) -> None:
    older = Schema(**{name: STORED for name in SCHEMA.names()})  # same names, other types
    whoosh_index.create_in(str(tmp_path), older)
    with pytest.raises(IndexUnavailable, match="another ketadir version.*ketadir reindex"):
        search(tmp_path, SearchQuery())
    with index_writer(tmp_path, rebuild=True) as writer:
        writer.upsert(clinic("rebuilt.test", "Rebuilt Clinic", places=(SANTA_FE,)))
    assert sites(search(tmp_path, SearchQuery(city="santa fe"))) == {"rebuilt.test"}


def test_importing_search_does_not_load_the_crawler_stack() -> None:
    heavy = ["scrapy", "twisted", "bs4", "usaddress", "phonenumbers", "zipcodes"]
    probe = (
        "import sys, json, index.search; "
        f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []
