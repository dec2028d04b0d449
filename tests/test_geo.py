"""Geography over the zipcodes gazetteer: centroids, places, city and state names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract import geo

REPO = Path(__file__).resolve().parents[1]


def close(a: tuple[float, float] | None, b: tuple[float, float], miles: float) -> bool:
    return a is not None and geo.haversine_miles(a, b) <= miles


def test_zip_centroid_is_the_gazetteer_point() -> None:
    assert close(geo.zip_centroid("87501"), (35.70, -105.98), 2)
    assert geo.zip_centroid("87501-1234") == geo.zip_centroid("87501")


@pytest.mark.parametrize("zip5", ["99999", "8750", "abcde", ""])
def test_zip_centroid_is_none_for_unknown_or_malformed_zips(zip5: str) -> None:
    assert geo.zip_centroid(zip5) is None


def test_city_centroid_averages_the_citys_zips() -> None:
    assert close(geo.city_centroid("Albuquerque", "NM"), (35.08, -106.65), 10)
    assert geo.city_centroid("St. Louis", "MO") == geo.city_centroid("SAINT LOUIS", "missouri")


def test_city_centroid_of_a_neighbourhood_name_uses_its_zips() -> None:
    assert close(geo.city_centroid("Brooklyn Heights", "NY"), geo.zip_centroid("11201"), 1)


def test_city_centroid_is_none_for_unknown_places() -> None:
    assert geo.city_centroid("Nowhereville", "NM") is None
    assert geo.city_centroid("Santa Fe", "Atlantis") is None


@pytest.mark.parametrize(
    "text", ["Santa Fe, NM", "Santa Fe, New Mexico", "santa fe nm", "SANTA FE,N.M."]
)
def test_resolve_place_reads_city_and_state_spellings(text: str) -> None:
    assert geo.resolve_place(text) == geo.city_centroid("Santa Fe", "NM")


def test_resolve_place_reads_zip_codes() -> None:
    assert geo.resolve_place(" 87501 ") == geo.zip_centroid("87501")
    assert geo.resolve_place("Santa Fe, NM 87501") == geo.zip_centroid("87501")


def test_resolve_place_accepts_a_city_found_in_one_state_only() -> None:
    assert geo.resolve_place("Albuquerque") == geo.city_centroid("Albuquerque", "NM")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("8750", "not a ZIP code"),
        ("99999", "unknown ZIP code 99999"),
        ("Nowhereville, NM", "unknown place"),
        ("Santa Fe, Atlantis", "unknown state"),
        ("", "no place given"),
        ("Springfield", "several states"),
    ],
)
def test_resolve_place_explains_what_it_cannot_read(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        geo.resolve_place(text)
    assert "Santa Fe, NM" in str(raised.value) or "Springfield, IL" in str(raised.value)


def test_haversine_miles_matches_known_distances() -> None:
    new_york, los_angeles = (40.7128, -74.0060), (34.0522, -118.2437)
    assert 2440 < geo.haversine_miles(new_york, los_angeles) < 2450
    assert geo.haversine_miles(new_york, new_york) == 0
    assert geo.haversine_miles(los_angeles, new_york) == geo.haversine_miles(new_york, los_angeles)


@pytest.mark.parametrize(
    ("city", "key"),
    [
        ("St. Louis", "saint louis"),
        ("SAINT  LOUIS", "saint louis"),
        ("st louis", "saint louis"),
        ("Ft. Worth", "fort worth"),
        ("Mt. Pleasant", "mount pleasant"),
        ("Port St. Lucie", "port saint lucie"),
        ("Ste. Genevieve", "sainte genevieve"),
        ("Coeur d'Alene", "coeur d alene"),
        ("Winston-Salem", "winston salem"),
        ("Cañon City", "canon city"),
        ("Stanton", "stanton"),
        ("Fort Worth", "fort worth"),
    ],
)
def test_city_key_normalizes_spelling(city: str, key: str) -> None:
    assert geo.city_key(city) == key


@given(st.text())
def test_city_key_is_stable_under_reapplication(city: str) -> None:
    assert geo.city_key(geo.city_key(city)) == geo.city_key(city)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("New Mexico", "NM"),
        ("nm", "NM"),
        ("N.M.", "NM"),
        ("  new   york ", "NY"),
        ("District of Columbia", "DC"),
        ("Washington, D.C.", "DC"),
        ("Puerto Rico", "PR"),
        ("Atlantis", None),
        ("XX", None),
    ],
)
def test_state_code_reads_names_codes_and_dotted_abbreviations(text: str, code: str | None) -> None:
    assert geo.state_code(text) == code


def test_city_aliases_add_the_zips_primary_and_acceptable_names() -> None:
    aliases = geo.city_aliases("Brooklyn Heights", "NY", "11201")
    assert aliases[0] == "brooklyn heights"
    assert "brooklyn" in aliases
    assert "brooklyn heights" in geo.city_aliases("Brooklyn", "NY", "11201")


def test_city_aliases_add_nothing_the_gazetteer_does_not_tie_to_the_zip() -> None:
    assert geo.city_aliases("Manhattan", "NY", "11201") == ["manhattan"]  # ZIP is Brooklyn
    assert geo.city_aliases("Brooklyn Heights", "NM", "11201") == ["brooklyn heights"]
    assert geo.city_aliases("Albuquerque", "NM", "") == ["albuquerque"]


def test_city_aliases_without_a_zip_map_a_neighbourhood_to_its_city() -> None:
    assert geo.city_aliases("Brooklyn Heights", "NY", "") == ["brooklyn heights", "brooklyn"]


def test_city_aliases_of_a_zip_without_a_city_name_the_zips_city() -> None:
    assert geo.city_aliases("", "NM", "87501")[0] == "santa fe"


def test_valid_zip_checks_existence_and_state() -> None:
    assert geo.valid_zip("87501")
    assert geo.valid_zip("87501", "New Mexico")
    assert not geo.valid_zip("87501", "TX")
    assert not geo.valid_zip("99999")
    assert not geo.valid_zip("875")


def test_importing_geo_and_normalizing_names_does_not_load_the_gazetteer() -> None:
    probe = (
        "import sys, json; from crawler.extract import geo; "
        "geo.city_key('St. Louis'); geo.state_code('New Mexico'); "
        "print(json.dumps('zipcodes' in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) is False


def test_a_city_and_state_reads_the_gazetteer_of_that_state_only() -> None:
    # An interactive `--near "City, ST"` search should not wait for the whole country.
    probe = (
        "import json; from crawler.extract import geo; point = geo.resolve_place('Santa Fe, NM'); "
        "print(json.dumps([geo._gazetteer.cache_info().currsize, round(point[0]), round(point[1])]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [1, 36, -106]


def test_state_names_are_read_in_one_table_and_codes_are_not_names() -> None:
    assert geo.state_of_name("New Mexico") == "NM" and geo.state_of_name(" washington d.c. ") == "DC"
    assert geo.state_of_name("NM") is None  # a code in a footer may be a word ("IN", "ME")
    assert geo.state_of_name("Puerto Rico") is None and geo.state_code("Puerto Rico") == "PR"
    assert len(geo.STATES) == 51 and set(geo.STATES) < set(geo.STATE_NAMES)
