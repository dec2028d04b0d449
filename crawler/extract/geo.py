"""Places: ZIP and city centroids, distances, forgiving city and state names.

Pure functions over the ``zipcodes`` gazetteer (about 42,000 US ZIP codes with centroids and
the city names USPS accepts for each). The gazetteer is read on the first lookup that needs
it, never at import, so the search command starts fast when no place is involved.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Callable

STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico", "VI": "U.S. Virgin Islands",
}  # fmt: skip

# The fifty states and DC: where a provider in scope has its offices and licences. The
# territories are left out of text reading, since their codes (AS, GU, PR) are everyday words
# and abbreviations in English text.
STATES: dict[str, str] = {code: name for code, name in STATE_NAMES.items() if code not in ("AS", "GU", "MP", "PR", "VI")}

EARTH_RADIUS_MILES = 3958.8

# Names, lower case, as written in text (with full stops) and as state_code cleans them (without).
_STATE_BY_NAME: dict[str, str] = {
    **{name.lower().replace(".", ""): code for code, name in STATE_NAMES.items()},
    "washington dc": "DC",
    "washington d.c.": "DC",
    "d.c.": "DC",
    "virgin islands": "VI",
    "commonwealth of puerto rico": "PR",
    "mariana islands": "MP",
}
_ZIP = re.compile(r"(\d{5})(?:-\d{4})?")
_NON_WORD = re.compile(r"[\W_]+")
# Abbreviations written in front of a city-name word; USPS spells them out.
_CITY_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}


def city_key(city: str) -> str:
    """The form city names are compared in, so "St. Louis" finds "SAINT  LOUIS".

    Lowercase, accents and punctuation dropped ("Coeur d'Alene" -> "coeur d alene", as USPS
    writes it), spaces collapsed, and st/ste/ft/mt expanded when they are a whole word.
    """
    plain = city
    if not city.isascii():
        decomposed = unicodedata.normalize("NFKD", city)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = _NON_WORD.sub(" ", plain.casefold()).split()
    return " ".join(_CITY_ABBREVIATIONS.get(word, word) for word in words)


def state_code(text: str) -> str | None:
    """Two-letter USPS code for a state written any usual way ("New Mexico", "nm", "N.M.")."""
    cleaned = " ".join(_NON_WORD.sub(" ", text.replace(".", "")).split()).lower()
    if cleaned.upper() in STATE_NAMES:
        return cleaned.upper()
    return _STATE_BY_NAME.get(cleaned)


def state_of_name(name: str) -> str | None:
    """The code of one of STATES written out by name ("new mexico", "Washington D.C."), else None.

    Unlike state_code, a two-letter code is not a name: in a footer or a list, "IN" or "ME"
    is as likely a word as a state.
    """
    code = _STATE_BY_NAME.get(name.strip().lower())
    return code if code in STATES else None


def haversine_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in miles."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def normalize_zip(text: str) -> str | None:
    """The five-digit ZIP in "87501" or "87501-1234"; None if it is not shaped like one."""
    match = _ZIP.fullmatch(text.strip())
    return match.group(1) if match else None


@dataclass(frozen=True)
class _ZipEntry:
    state: str
    city: str  # city_key of the USPS primary city
    acceptable: tuple[str, ...]  # city_keys USPS accepts as the mailing city
    other_names: tuple[str, ...]  # city_keys USPS knows for the area but does not mail to
    point: tuple[float, float]
    standard: bool  # a street-delivery ZIP, not a PO-box or single-building one


@dataclass(frozen=True)
class _Gazetteer:
    """One state's ZIPs by city."""

    by_city: dict[str, list[_ZipEntry]]  # city_key -> primary-city ZIPs
    by_acceptable: dict[str, list[_ZipEntry]]  # same, for acceptable names


def _zipcodes():  # noqa: ANN202 - the zipcodes module
    """The gazetteer package, imported on first use so importing geo costs nothing."""
    import zipcodes  # noqa: PLC0415

    return zipcodes


def _entry(row: dict, key_of: Callable[[str], str] = city_key) -> _ZipEntry | None:
    try:
        point = (float(row["lat"]), float(row["long"]))
    except (KeyError, TypeError, ValueError):
        return None
    return _ZipEntry(
        state=row["state"],
        city=key_of(row["city"]),
        acceptable=tuple(map(key_of, row.get("acceptable_cities") or ())),
        other_names=tuple(map(key_of, row.get("unacceptable_cities") or ())),
        point=point,
        standard=row.get("zip_code_type") == "STANDARD",
    )


@cache
def _gazetteer(state: str) -> _Gazetteer:
    """One state's ZIPs keyed by city, built on first use: a `--near "City, ST"` search reads
    one state (0.3 s, most of it the package loading its data) rather than the whole
    country (about 1 s)."""
    gazetteer = _Gazetteer({}, {})
    for row in _zipcodes().filter_by(state=state):
        entry = _entry(row, _city_key_of_gazetteer_name)
        if entry is None:
            continue
        gazetteer.by_city.setdefault(entry.city, []).append(entry)
        for name in entry.acceptable:
            gazetteer.by_acceptable.setdefault(name, []).append(entry)
    return gazetteer


@cache
def _city_key_of_gazetteer_name(name: str) -> str:
    """city_key, remembered: the same city names recur across many ZIPs and states."""
    return city_key(name)


@cache
def _zip_entry(zip5: str) -> _ZipEntry | None:
    """One ZIP straight from the package (about 0.3 s for the first, then instant)."""
    normalized = normalize_zip(zip5) if zip5 else None
    if normalized is None:
        return None
    rows = _zipcodes().matching(normalized)
    return _entry(rows[0]) if rows else None


def zip_centroid(zip5: str) -> tuple[float, float] | None:
    """(lat, lon) of a ZIP code, or None if it is malformed or unknown."""
    entry = _zip_entry(zip5)
    return entry.point if entry else None


def valid_zip(zip5: str, state: str | None = None) -> bool:
    """True if the ZIP exists and, when a state is given, lies in that state."""
    entry = _zip_entry(zip5)
    if entry is None:
        return False
    return state is None or state_code(state) == entry.state


def _mean_point(entries: list[_ZipEntry]) -> tuple[float, float]:
    # PO-box and single-building ZIPs sit on one building; street ZIPs describe the city better.
    chosen = [e for e in entries if e.standard] or entries
    return (
        sum(e.point[0] for e in chosen) / len(chosen),
        sum(e.point[1] for e in chosen) / len(chosen),
    )


@cache
def city_centroid(city: str, state: str) -> tuple[float, float] | None:
    """Mean (lat, lon) of the city's ZIP centroids, or None if the gazetteer has no such city.

    A name USPS only lists as an acceptable alternate (a neighbourhood) falls back to the
    ZIPs it is acceptable for.
    """
    code = state_code(state)
    key = city_key(city)
    if not code or not key:
        return None
    gazetteer = _gazetteer(code)
    entries = gazetteer.by_city.get(key) or gazetteer.by_acceptable.get(key)
    return _mean_point(entries) if entries else None


def place_centroid(city: str, state: str, zip5: str) -> tuple[float, float] | None:
    """Best point for one office: its ZIP centroid, else its city's centroid."""
    return zip_centroid(zip5) or (city_centroid(city, state) if city and state else None)


def city_aliases(city: str, state: str, zip5: str) -> list[str]:
    """City keys an office should be found under: its own city plus gazetteer alternates.

    The ZIP's primary city and its acceptable names are added only when the gazetteer ties
    the written city to that ZIP (or no city was written), so a wrong ZIP adds nothing. With
    no ZIP, a neighbourhood name that USPS accepts for ZIPs of a single primary city adds
    that city.
    """
    own = city_key(city)
    keys = [own] if own else []
    code = state_code(state) if state else None
    entry = _zip_entry(zip5)
    if entry is not None and code in (None, entry.state):
        gazetteer_names = (entry.city, *entry.acceptable)
        if not own or own in gazetteer_names or own in entry.other_names:
            keys.extend(gazetteer_names)
    elif entry is None and own and code:
        gazetteer = _gazetteer(code)
        if own not in gazetteer.by_city:
            primaries = {e.city for e in gazetteer.by_acceptable.get(own, ())}
            if len(primaries) == 1:
                keys.extend(primaries)
    return list(dict.fromkeys(keys))


def split_place(text: str) -> tuple[str, str | None]:
    """("Santa Fe", "NM") from "Santa Fe, NM", "Santa Fe NM" or "Santa Fe, New Mexico";
    (text, None) when it names no state."""
    return _split_city_state(" ".join(text.split()))


def _split_city_state(text: str) -> tuple[str, str | None]:
    """("Santa Fe", "NM") from "Santa Fe, NM", "Santa Fe NM" or "Santa Fe, New Mexico"."""
    if "," in text:
        city, _, state = text.rpartition(",")
        return city.strip(), state_code(state) or None
    words = text.split()
    for size in (3, 2, 1):
        if len(words) > size:
            code = state_code(" ".join(words[-size:]))
            if code:
                return " ".join(words[:-size]), code
    return text.strip(), None


def resolve_place(text: str) -> tuple[float, float]:
    """(lat, lon) for "87501", "Santa Fe, NM" or "Santa Fe, New Mexico".

    Raises ValueError saying what to type instead when the place is unknown or ambiguous.
    """
    return locate(text)[0]


def locate(text: str) -> tuple[tuple[float, float], str]:
    """((lat, lon), state code) of a place as resolve_place reads it: a near search lists the
    telehealth providers serving that state after the offices."""
    place = " ".join(text.split())
    example = "a 5-digit ZIP code like 87501 or 'City, ST' like 'Santa Fe, NM'"
    if not place:
        raise ValueError(f"no place given; use {example}")
    if re.fullmatch(r"[\d\s-]+", place):
        zip5 = normalize_zip(place)
        if zip5 is None:
            raise ValueError(f"{text!r} is not a ZIP code; use {example}")
        entry = _zip_entry(zip5)
        if entry is None:
            raise ValueError(f"unknown ZIP code {zip5}; use {example}")
        return entry.point, entry.state
    trailing_zip = re.search(r"\s(\d{5}(?:-\d{4})?)$", place)
    if trailing_zip and (entry := _zip_entry(trailing_zip.group(1))):
        return entry.point, entry.state
    if trailing_zip:
        place = place[: trailing_zip.start()].rstrip(" ,")
    city, code = _split_city_state(place)
    if code is None:
        if "," in place:
            state = place.rpartition(",")[2].strip()
            raise ValueError(f"unknown state {state!r} in {text!r}; use {example}")
        key = city_key(city)
        states = sorted(s for s in STATE_NAMES if key in _gazetteer(s).by_city)
        if len(states) == 1:
            return city_centroid(city, states[0]), states[0]  # type: ignore[return-value]
        if states:
            listed = ", ".join(f"'{city}, {s}'" for s in states[:8])
            more = " ..." if len(states) > 8 else ""
            raise ValueError(f"{city!r} is in several states; say which: {listed}{more}")
        raise ValueError(f"unknown place {text!r}; use {example}")
    point = city_centroid(city, code)
    if point is None:
        raise ValueError(f"unknown place {city!r} in {code}; use {example}")
    return point, code
