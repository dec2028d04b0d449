"""A site's parsed pages -> its name, offices, phones, emails and served states.

Structured data (JSON-LD, microdata) is trusted first, then the contact and locations
pages, then the footer that repeats on every page. Free text is only read where a cheap
pre-filter finds an address anchor (a state followed by a ZIP, or "City, ST"); those
candidates go to ``usaddress`` and are checked against the ZIP gazetteer, so a
sentence that merely mentions a place does not become an office. Pure: no I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

import phonenumbers
import usaddress

from crawler.extract import geo
from crawler.extract.structured import FOREIGN_TYPES, is_organisation, types_of
from crawler.extract.text import split_sentences
from crawler.items import Contacts, Location, Page, TextBlock

# Longest names first so "West Virginia" wins over "Virginia".
_NAMES_ALT = "|".join(re.escape(n) for n in sorted(geo.STATES.values(), key=len, reverse=True))
_CODES_ALT = "|".join(geo.STATES)
_STATE = rf"(?:{_NAMES_ALT}|(?:{_CODES_ALT})(?![a-z]))"
# "NM 87501", "New Mexico, 87501": the anchor of a full postal address.
_STATE_ZIP_RE = re.compile(
    rf"\b(?P<state>{_STATE})(?:\.?,?\s+|\s*[·•|]\s*)(?P<zip>\d{{5}})(?:-\d{{4}})?\b"
)
# "Santa Fe, NM" / "Eureka, California": a city and state without a ZIP.
_CITY_STATE_RE = re.compile(
    rf"(?P<city>[A-Z][A-Za-z.'\-]*(?:[ \t]+(?:[A-Z][A-Za-z.'\-]*|de|del|la|du|of|d'[A-Z]\w+)){{0,4}}),"
    rf"\s*(?P<state>{_STATE})\b(?!\s*\d)"
)
_STATE_WORD_RE = re.compile(rf"\b(?:Washington,?\s+D\.?\s?C\.?|{_NAMES_ALT}|(?:{_CODES_ALT})(?![a-z]))\b")
# Pre-filter: does a block hold anything place-like at all? The word boundary before the
# name is checked by _names_a_state: a leading \b keeps the regex engine from skipping ahead
# to letters a name can start with, and made this one search half the cost of contacts.
_PLACE_HINT_RE = re.compile(rf"(?:{_NAMES_ALT}|{_CODES_ALT})\b")
# Where a city and state in running prose is an office rather than a mention.
# "Our office in", "we are located in": the site's own place, not a biography's or a news item's.
_OFFICE_PHRASE_RE = re.compile(
    r"(?:\b(?:our|we|we're|us)\b[^.;:!?]{0,30}?\b(?:office|offices|clinic|clinics|practice|center|centre|"
    r"locations?|located|based)|\b(?:located|headquartered|find us|visit us))\b[^.;:!?]{0,40}?\b(?:in|at|on)\s*$|"
    # "based in downtown Eugene, OR", "located in the heart of Boise, ID"
    r"\b(?:located|based|situated|headquartered) in (?:beautiful |sunny |historic |downtown |uptown |"
    r"the heart of (?:downtown )?)\s*$",
    re.I,
)
# "Ketamine Clinic in Johnson City, TN", "at the Center in Provo, UT": the practice's venue;
# "she worked at a clinic in Denver, CO" is somebody's venue.
_VENUE = r"(?:clinic|center|centre|office|practice|lounge|studio|suite) (?:in|of)\s*$"
_VENUE_PHRASE_RE = re.compile(rf"\b{_VENUE}", re.I)
_SOMEONES_VENUE_RE = re.compile(rf"\b(?:a|an|another|one)\s+(?:[\w&'-]+\s+){{0,3}}{_VENUE}", re.I)
# A list of nearby towns is a service area, not a set of offices.
_SERVICE_AREA_RE = re.compile(
    r"\b(?:serving|we serve|areas? served|service areas?|nearby|surrounding|communities)\b", re.I
)
# Small words that may sit inside a proper name ("Center for New Growth").
_NAME_LINKS = {"of", "for", "and", "the", "at", "de", "del", "la", "le", "du", "on", "in", "&"}
_SEGMENT_BREAK_RE = re.compile(r"[.!?;:]\s+(?=[A-Z0-9])|\s[|·•—–]\s|\s-\s|\b(?:at|is)\s+(?=\d)")
_ABBREVIATION_END_RE = re.compile(r"\b(?:St|Ste|Rd|Ave|Dr|Blvd|Ln|Ct|Pl|Hwy|Pkwy|Mt|Ft|[A-Z])$")
# "Ketamine Infusions in Austin, TX" as a heading or title part names the clinic's city.
_HEADLINE_TAGS = {"h1", "h2", "h3", "title"}
_HEADLINE_PLACE_RE = re.compile(r"\b(?:in|near)\s+$", re.I)
# A title-case "In" inside what reads as the city: "Our Center In Gainesville, FL".
_PLACE_WORD_IN_NAME_RE = re.compile(r".*\b(?:In|Near)\s+(?=[A-Z])")
# Abbreviations written in front of a city name; "St." stays, as in "St. Louis".
_CITY_PREFIXES = {"ft": "Fort", "mt": "Mount"}
_CITY_PREFIX_RE = re.compile(r"^(Ft|Mt)\.?\s+", re.I)
_SEPARATORS_RE = re.compile(r"\s*[·•|]\s*|\s+[—–]\s+")
_SEGMENT_SPLIT_RE = re.compile(r"\s+[|·•—–]\s+|\s+-\s+|\s*\|\s*")

_STREET_LABELS = (
    "AddressNumberPrefix", "AddressNumber", "AddressNumberSuffix", "StreetNamePreDirectional",
    "StreetNamePreModifier", "StreetNamePreType", "StreetName", "StreetNamePostType",
    "StreetNamePostDirectional", "StreetNamePostModifier", "OccupancyType", "OccupancyIdentifier",
    "SubaddressType", "SubaddressIdentifier",
)
_BOX_LABELS = ("USPSBoxType", "USPSBoxID", "USPSBoxGroupType", "USPSBoxGroupID")
_SUITE_LINE_RE = re.compile(r"^(?:suite|ste\.?|unit|floor|fl\.?|building|bldg\.?|room|#)\s*\w+", re.I)
_STREET_LINE_RE = re.compile(r"^\d+[A-Za-z]?\s+\w|^(?:p\.?\s*o\.?\s*box|post office box)\b", re.I)

_GENERIC_NAMES = {
    "home", "homepage", "home page", "welcome", "services", "our services", "contact", "contact us",
    "about", "about us", "blog", "faq", "faqs", "menu", "index", "untitled", "page not found",
    "locations", "location", "our team", "team", "news", "resources", "book now", "logo", "site logo",
    "main", "search", "privacy", "privacy policy", "terms", "skip to content", "default",
    # Site builders' defaults, not the practice.
    "wordpress", "squarespace", "wix", "weebly", "godaddy", "webflow", "shopify", "jimdo",
    "my site", "my wordpress blog", "just another wordpress site", "site title", "your site title",
}
_LOGO_WORD_RE = re.compile(r"\s*\b(?:logo|logotype|icon)\b\s*", re.I)
_LEGAL_SUFFIX_RE = re.compile(r",?\s+(?:LLC|L\.L\.C\.?|Inc\.?|PLLC|P\.L\.L\.C\.?|P\.?C\.?|P\.?A\.?|LLP|Ltd\.?)$")
# "Jane Doe, PhD, LMFT" / "Dr. Lauren Rubenstein, Psychologist": the person is the name.
_CREDENTIALS_RE = re.compile(
    r"(?:,\s*(?:M\.?D|D\.?O|Ph\.?D|Psy\.?D|Ed\.?D|DNP|LCSW|LICSW|LMSW|MSW|LMFT|LPCC?|LMHC|LCPC|LP|NP|"
    r"PMHNP(?:-BC)?|APRN|RN|CRNA|MA|MS|M\.?Ed|(?:licensed |clinical )?(?:psychologist|psychiatrist|"
    r"psychotherapist|therapist|counselor|counsellor|social worker)|nurse practitioner)\.?)+$",
    re.I,
)
_NAME_ABBREVIATIONS_RE = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Jr|Sr|St|Inc|Co|Corp|Ltd|L\.L\.C|P\.C|P\.A|[A-Z])\.", re.I)
_TITLE_SPLIT_RE = re.compile(r"\s+[|–—\-:·•»]\s+|\s*\|\s*|\s*::\s*|:\s+")
_COPYRIGHT_RE = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\s*,?\s*)?"
    r"(?:by\s+)?(?P<name>[^.|·•©]{2,80}?)"
    r"(?=\s*(?:[.|·•]|all rights|$|,\s*(?:inc|llc|pllc|pc|pa)\b))",
    re.I,
)

_PHONE_HINT_RE = re.compile(r"\d{3}\D{0,3}\d{3}\D{0,3}\d{4}")
_FAX_BEFORE_RE = re.compile(r"(?:\bfax\b|\bfacsimile\b|\bF\b\s*[:.])[^0-9]{0,25}$", re.I)
_FAX_AFTER_RE = re.compile(r"^\s*\(?\s*(?:fax|facsimile)\b", re.I)
# National crisis and help lines are quoted on many clinic pages but reach someone else.
_HOTLINES = {"8002738255", "8006624357", "8007997233", "8006564673", "8009854357", "8779778727"}

_EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9][\w-]*(?:\.[A-Za-z0-9][\w-]*)+")
_AT_RE = re.compile(
    r"\s*(?:\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\}|<\s*at\s*>|\s+at\s+(?=[\w-]+\s*(?:\[|\(|\{|<)?\s*dot\b))\s*",
    re.I,
)
_DOT_RE = re.compile(r"\s*(?:\[\s*dot\s*\]|\(\s*dot\s*\)|\{\s*dot\s*\}|<\s*dot\s*>|\s+dot\s+)\s*", re.I)
_OBFUSCATION_HINT_RE = re.compile(r"[\[({<\s]at[\])}>\s]", re.I)
_FILE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".ico", ".avif", ".tif", ".tiff")
_PLACEHOLDER_DOMAINS = {
    "example.com", "example.org", "example.net", "domain.com", "email.com", "yourdomain.com",
    "yoursite.com", "website.com", "company.com", "sentry.io", "wixpress.com", "sentry-next.wixpress.com",
}

_SERVE_RE = re.compile(
    r"\b(?:serv(?:e|es|ing|ed)|licen[sc]ed|licensure|telehealth|tele-health|telemedicine|virtual(?:ly)?|"
    r"online|video|remote(?:ly)?|see (?:clients|patients)|work with (?:clients|patients)|residents of|"
    r"available (?:to|in|throughout|across))\b",
    re.I,
)
_REMOTE_RE = re.compile(
    r"\b(?:licen[sc]ed|licensure|telehealth|tele-health|telemedicine|virtual(?:ly)?|online|video|remote(?:ly)?|"
    r"at[- ]home|from (?:the comfort of )?(?:your|their) (?:own )?home)\b",
    re.I,
)
_REGION_QUALIFIER_RE = re.compile(
    r"\b(?:north|south|east|west|central|upstate|downstate|rural)(?:ern|east|west|eastern|western)?\s+$", re.I
)
_NEGATED_SERVE_RE = re.compile(
    r"\b(?:not|no longer|cannot|can't|unable to)\b[^.]{0,30}\b(?:licensed|serve|see)\b", re.I
)


# ----------------------------------------------------------------------------- public API


def extract_contacts(pages: list[Page], site: str) -> Contacts:
    """Who the site is and how to reach it, from all its parsed pages."""
    pages = sorted(pages, key=_page_rank)
    structured_locs, ld_phones, fax_numbers = _structured_contacts(pages)
    text_locs = _text_locations(pages)
    locations = _merge_locations(structured_locs + text_locs)
    phones = _phones(pages, ld_phones, fax_numbers, locations)
    if not any(loc.city for loc in locations):
        own = _own_city(pages, phones)
        if own is not None:
            locations = [loc for loc in locations if loc.state != own.state] + [own]
    if len(locations) == 1 and phones and not locations[0].phone:
        locations[0].phone = phones[0]  # a one-office site's number is that office's number
    return Contacts(
        name=_site_name(pages, site),
        locations=locations,
        phones=phones,
        emails=_emails(pages),
        serves_states=_serves_states(pages, has_office=any(loc.city for loc in locations)),
    )


# The practice naming its own city in prose: "our Santa Fe clinic", "we are located in Boise",
# "the IV lounge in Palm Beach Gardens", "ketamine therapy in Tulsa". Testimonials ("Dana, from
# Spokane") and "patients travel from X" say nothing of the kind.
_OWN_CITY_RE = re.compile(
    r"\b[Oo]ur ((?:[A-Z][a-z]+\.? ){1,3})(?:clinic|office|location|center|centre|practice|suite|treatment center)s?\b|"
    r"\b(?:[Ll]ocated|[Bb]ased|[Ss]ituated) in (?:beautiful |downtown |the heart of )?((?:[A-Z][a-z]+\.?(?: |$)){1,3})"
    r"(?![A-Z]|, ?[A-Z])|"
    r"\b(?:[Kk]etamine|IV|[Ii]nfusions?|[Ii]njections?|Spravato|KAP|[Tt]herapy|[Tt]reatments?|[Ll]ounge|[Cc]linic|"
    r"[Oo]ffice|[Ss]tudio) in ((?:[A-Z][a-z]+\.? ){0,2}[A-Z][a-z]+)\b(?! ?[A-Z&]|,? ?(?:[A-Z]{2}\b|[A-Z][a-z]))"
)


def _own_city(pages: list[Page], phones: list[str]) -> Location | None:
    """The city a practice names as its own in prose or a heading, when it gives no address.

    A city name in several states ("Santa Fe") is placed by the state of the site's phone
    numbers; one known in a single state needs no help."""
    for page in pages:
        if page.kind in ("blog", "news"):
            continue
        for block in page.blocks:
            if block.region not in ("main", "header") or block.tag == "blockquote":
                continue
            for m in _OWN_CITY_RE.finditer(block.text):
                city = (m.group(1) or m.group(2) or m.group(3) or "").strip(" .")
                if city.lower() in _GENERIC_NAMES or city in geo.STATES.values():
                    continue
                state = _state_of_city(city, tuple(phones))
                if state:
                    return Location(city=city, state=state, source="text", url=page.url)
    return None


def _state_of_city(city: str, phones: tuple[str, ...]) -> str:
    phone_states = _phone_states(phones)
    among = [code for code in phone_states if geo.city_centroid(city, code)]
    if len(among) == 1:
        return among[0]
    return "" if among else _only_state_of(city)


def _phone_states(phones: tuple[str, ...]) -> list[str]:
    """The states of the site's phone numbers' area codes."""
    from phonenumbers import geocoder  # only sites without an address need it

    states: list[str] = []
    for phone in phones:
        try:
            name = geocoder.description_for_number(phonenumbers.parse(phone, "US"), "en")
        except phonenumbers.NumberParseException:
            continue
        code = geo.state_of_name(name) or ""
        if code and code not in states:
            states.append(code)
    return states


def format_phone(raw: str) -> str | None:
    """'(505) 555-0134' for a valid US number written any usual way, else None."""
    digits = _phone_digits(raw)
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if digits else None


# ----------------------------------------------------------------------------- phones


@lru_cache(maxsize=1024)  # the same tel: link sits in the header or footer of every page
def _phone_digits(raw: str) -> str | None:
    """The ten national digits of a valid US number, else None."""
    if not raw or len(raw) > 40:
        return None
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        return None
    return _us_digits(number)


def _us_digits(number: phonenumbers.PhoneNumber) -> str | None:
    if number.country_code != 1 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.region_code_for_number(number) != "US":
        return None
    digits = str(number.national_number)
    return digits if len(digits) == 10 and digits not in _HOTLINES else None


@lru_cache(maxsize=4096)
def _phones_in_text(text: str) -> tuple[tuple[str, bool, int, int], ...]:
    """(digits, is_fax, start, end) for every US number in a block of text."""
    if not _PHONE_HINT_RE.search(text):
        return ()
    found = []
    try:
        matches = list(phonenumbers.PhoneNumberMatcher(text, "US"))
    except Exception:  # noqa: BLE001 - the matcher must never sink a crawl
        return ()
    for match in matches:
        digits = _us_digits(match.number)
        if not digits:
            continue
        before = text[max(0, match.start - 30) : match.start]
        after = text[match.end : match.end + 12]
        is_fax = bool(_FAX_BEFORE_RE.search(before) or _FAX_AFTER_RE.match(after))
        found.append((digits, is_fax, match.start, match.end))
    return tuple(found)


def _phones(
    pages: list[Page], ld_phones: list[str], fax_numbers: set[str], locations: list[Location]
) -> list[str]:
    """Main number first: JSON-LD telephone, then tel: links, then text by how many pages show it."""
    ordered: list[str] = list(ld_phones)
    link_counts: Counter[str] = Counter()
    text_counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for page in pages:
        for href in page.tel_links:
            if href.endswith(" fax"):
                fax_numbers.add(_phone_digits(href[:-4]) or "")
                continue
            digits = _phone_digits(href)
            if digits:
                link_counts[digits] += 1
                first_seen.setdefault(digits, len(first_seen))
        page_numbers: set[str] = set()
        article = page.kind in ("blog", "news")
        for block in page.blocks:
            if article and block.region == "main":
                continue  # an article quotes other people's numbers
            for digits, is_fax, _, _ in _phones_in_text(block.text):
                if is_fax:
                    fax_numbers.add(digits)
                else:
                    page_numbers.add(digits)
                    first_seen.setdefault(digits, len(first_seen))
        text_counts.update(page_numbers)
    ordered += sorted(link_counts, key=lambda d: (-link_counts[d], first_seen[d]))
    ordered += sorted(text_counts, key=lambda d: (-text_counts[d], first_seen[d]))
    ordered += [_phone_digits(loc.phone) or "" for loc in locations if loc.phone]
    result: list[str] = []
    for digits in ordered:
        if digits and digits not in fax_numbers:
            formatted = format_phone(digits)
            if formatted and formatted not in result:
                result.append(formatted)
    return result


# ----------------------------------------------------------------------------- emails


def _emails(pages: list[Page]) -> list[str]:
    """mailto: addresses first, then addresses (also obfuscated ones) in the text."""
    found: list[str] = []
    for page in pages:
        found += page.mailto_links
    counts: Counter[str] = Counter()
    for page in pages:
        for text in {b.text for b in page.blocks}:
            counts.update(_emails_in_text(text))
    found += sorted(counts, key=lambda e: -counts[e])
    result: list[str] = []
    for raw in found:
        email = _clean_email(raw)
        if email and email not in result:
            result.append(email)
    return result


@lru_cache(maxsize=4096)
def _emails_in_text(text: str) -> tuple[str, ...]:
    if _OBFUSCATION_HINT_RE.search(text):
        text = _DOT_RE.sub(".", _AT_RE.sub("@", text))  # "info [at] clinic [dot] com"
    return tuple(_EMAIL_RE.findall(text)) if "@" in text else ()


def _clean_email(raw: str) -> str | None:
    email = raw.strip().strip(".,;:<>()[]\"'").lower()
    if email.startswith("mailto:"):
        email = email[7:]
    match = _EMAIL_RE.fullmatch(email)
    if not match or len(email) > 100:
        return None
    domain = email.rsplit("@", 1)[1]
    if email.endswith(_FILE_SUFFIXES) or domain in _PLACEHOLDER_DOMAINS or domain.endswith(".wixpress.com"):
        return None
    if not re.search(r"\.[a-z]{2,}$", domain):
        return None
    return email


# ----------------------------------------------------------------------------- name


# Links from an organisation to its own offices.
_OWN_PLACE_KEYS = ("mainEntity", "department", "subOrganization", "location", "hasPOS", "provider")

# How far each source is trusted for the site's name; agreeing sources add up.
_NAME_SOURCE_WEIGHTS = {
    "json-ld": 5.0, "og:site_name": 4.0, "logo": 3.0, "copyright": 3.0, "title": 3.0,
    "website": 2.5, "application-name": 2.5, "header": 2.0,
}
_HOST_BONUS = 1.5  # the domain is usually chosen to match the name


def _site_name(pages: list[Page], site: str) -> str:
    """The most trusted name: sources that agree with each other win over a lone guess.

    Each source counts once per site, a little more when it says the same on every page;
    a title part counts only when it recurs across titles (the brand, not the page name).
    """
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)  # (source, key) -> pages
    shown: dict[str, str] = {}

    def note(source: str, raw: str, page_index: int) -> None:
        name = _tidy_name(raw)
        if name:
            key = _name_key(name)
            seen[(source, key)].add(page_index)
            shown.setdefault(key, name)

    for index, page in enumerate(pages):
        for obj in page.structured:
            name = obj.get("name")
            if isinstance(name, str):
                if is_organisation(obj):
                    note("json-ld", name, index)
                elif "website" in types_of(obj):
                    note("website", name, index)
        for key in ("og:site_name", "application-name"):
            if page.meta.get(key):
                note(key, page.meta[key], index)
        for alt in page.logo_alts:
            note("logo", _LOGO_WORD_RE.sub(" ", alt), index)
        for part in _title_parts(page.title):
            note("title", part, index)
        for block in page.blocks:
            if block.region in ("footer", "header") and ("©" in block.text or "copyright" in block.text.lower()):
                match = _COPYRIGHT_RE.search(block.text)
                if match:
                    note("copyright", match.group("name"), index)
        first_header = next((b for b in page.blocks if b.region == "header" and b.tag not in ("li", "a")), None)
        if first_header is not None:
            note("header", first_header.text, index)
    n_pages = max(1, len(pages))
    votes: dict[str, float] = defaultdict(float)
    for (source, key), on_pages in seen.items():
        if source in ("title", "header") and n_pages > 1 and len(on_pages) < 2:
            continue
        votes[key] += _NAME_SOURCE_WEIGHTS[source] * (0.6 + 0.4 * len(on_pages) / n_pages)
    if not votes:
        return _name_from_host(site)
    host = _host_stem(site)
    for key in votes:
        if _resembles_host(key, host):
            votes[key] += _HOST_BONUS
    return shown[max(votes, key=votes.__getitem__)]


def _title_parts(title: str) -> list[str]:
    return [p.strip() for p in _TITLE_SPLIT_RE.split(title or "") if p.strip()]


def _tidy_name(raw: Any) -> str:
    """A candidate name cleaned up, or "" when it is no name (a sentence, a URL, "Home")."""
    return _tidy_name_text(str(raw))


@lru_cache(maxsize=2048)  # titles and site names repeat on every page of a site
def _tidy_name_text(raw: str) -> str:
    name = " ".join(raw.split()).strip(" \t-–—|·•:,.;")
    name = _CREDENTIALS_RE.sub("", _LEGAL_SUFFIX_RE.sub("", name))
    low = name.lower()
    if not name or len(name) < 2 or len(name) > 70 or low in _GENERIC_NAMES:
        return ""
    if low.startswith(("welcome to ", "welcome")) and len(name.split()) <= 2:
        return ""
    words = name.split()
    unabbreviated = _NAME_ABBREVIATIONS_RE.sub("", name)
    if len(words) > 9 or re.search(r"[.!?]\s", unabbreviated) or name.endswith(("!", "?")):
        return ""
    if re.fullmatch(r"[\W\d_]+", name) or re.search(r"https?://", low):
        return ""
    # A name is title-like; a run of lower-case words is a sentence or a tagline.
    lower = [w for w in words if w[:1].islower() and w.lower() not in _NAME_LINKS]
    if len(words) > 1 and len(lower) > max(1, len(words) // 3) or low.split()[0] in ("we", "our", "i", "you", "your"):
        return ""
    return name


def _name_key(name: str) -> str:
    key = re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()
    return re.sub(r"^the ", "", key)


def _host_stem(site: str) -> str:
    host = (site or "").lower().removeprefix("www.")
    return host.split(".")[0] if "." in host else host


def _resembles_host(key: str, host: str) -> bool:
    """Whether a name and the domain share most of their letters ("Lumin Health" ~ lumin)."""
    squashed, stem = key.replace(" ", ""), re.sub(r"[^a-z0-9]", "", host)
    if len(squashed) < 3 or len(stem) < 3:
        return False
    return squashed in stem or (stem in squashed and len(stem) >= 0.4 * len(squashed))


def _name_from_host(site: str) -> str:
    stem = _host_stem(site)
    words = [w for w in re.split(r"[-_]+", stem) if w]
    return " ".join(w.capitalize() for w in words) or stem


# ----------------------------------------------------------------------------- structured data


def _structured_contacts(pages: list[Page]) -> tuple[list[_Candidate], list[str], set[str]]:
    """Locations, telephones (main first) and fax numbers from JSON-LD and microdata."""
    locations: list[_Candidate] = []
    phones: list[str] = []
    faxes: set[str] = set()
    for page_index, page in enumerate(pages):
        for obj in page.structured:
            for owner, depth in _walk(obj):
                fax = owner.get("faxNumber")
                for raw in fax if isinstance(fax, list) else [fax]:
                    if isinstance(raw, str) and _phone_digits(raw):
                        faxes.add(_phone_digits(raw) or "")
                phone = _first_phone(owner.get("telephone"))
                if phone and (depth == 0 or is_organisation(owner)):
                    phones.append(phone)
                for address in _addresses_of(owner, depth):
                    loc = _location_from_postal(address)
                    if loc is None:
                        continue
                    loc.phone = format_phone(phone) or "" if phone else ""
                    name = owner.get("name")
                    loc.name = name.strip() if isinstance(name, str) and is_organisation(owner) else ""
                    loc.source = "microdata" if owner.get("@source") == "microdata" else "json-ld"
                    loc.url = page.url
                    locations.append(_Candidate(loc, (_TIER_STRUCTURED, page_index, len(locations))))
            if types_of(obj) & FOREIGN_TYPES:
                continue
            for text in _strings(obj.get("areaServed")):
                match = _CITY_STATE_RE.fullmatch(text.strip())
                if match:
                    loc = _city_state_location(match.group("city"), match.group("state"))
                    if loc:
                        loc.source, loc.url = "json-ld", page.url
                        locations.append(_Candidate(loc, (_TIER_AREA_SERVED, page_index, len(locations))))
    return locations, phones, faxes


def _walk(obj: dict[str, Any]) -> Iterator[tuple[dict[str, Any], int]]:
    """The site's own organisation and its branches in one JSON-LD object, with their depth.

    Only links that lead to the practice's own places are followed (departments,
    locations, the page's main entity); an article's publisher, an event's venue or an
    author's address are someone else's. Iterative, so deep data cannot overflow.
    """
    if types_of(obj) & FOREIGN_TYPES:
        return
    stack: list[tuple[Any, int]] = [(obj, 0)]
    seen = 0
    while stack and seen < 2000:
        item, level = stack.pop()
        seen += 1
        if isinstance(item, list):
            stack.extend((x, level) for x in reversed(item[:200]))
        elif isinstance(item, dict):
            yield item, level
            for key in reversed(_OWN_PLACE_KEYS):
                value = item.get(key)
                if isinstance(value, (dict, list)):
                    stack.append((value, level + 1))


def _addresses_of(owner: dict[str, Any], depth: int) -> list[Any]:
    """The addresses an object gives; a top-level PostalAddress is its own address."""
    if depth == 0 and "postaladdress" in types_of(owner):
        return [owner]
    value = owner.get("address")
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, (dict, str))]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [v for k in ("name", "address") for v in _strings(value.get(k))]
    if isinstance(value, list):
        return [s for v in value[:60] for s in _strings(v)]
    return []


def _first_phone(value: Any) -> str | None:
    for raw in value if isinstance(value, list) else [value]:
        if isinstance(raw, (str, int)) and not isinstance(raw, bool):
            digits = _phone_digits(str(raw))
            if digits:
                return digits
    return None


def _location_from_postal(address: Any) -> Location | None:
    """A schema.org PostalAddress (or an address string) as a Location, validated."""
    if isinstance(address, str):
        if _STATE_ZIP_RE.search(address) or _CITY_STATE_RE.search(address):
            return _parse_address_text(address.strip(), need_zip=False)
        return None
    street = _text_value(address.get("streetAddress"))
    city = _text_value(address.get("addressLocality"))
    region = _text_value(address.get("addressRegion"))
    postal = _text_value(address.get("postalCode"))
    country = _text_value(address.get("addressCountry")).lower()
    if country and country not in ("us", "usa", "united states", "united states of america", "u.s.", "u.s.a."):
        return None
    state = _state_code(region)
    zip_code = postal[:5] if re.match(r"^\d{5}(?:-?\d{4})?$", postal) else ""
    street = "" if re.fullmatch(r"[\W\d]*", street) else _tidy_street(street)
    loc = Location(street=street, city=_tidy_city(city), state=state, zip=zip_code)
    _validate_zip(loc)
    if not (loc.city or loc.state or loc.zip):
        return None
    return loc


def _text_value(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return re.sub(r"\s+", " ", str(value or "")).strip()


# ----------------------------------------------------------------------------- zip data
# The gazetteer lives in crawler.extract.geo (loaded once per process, on first use).


def _validate_zip(loc: Location) -> None:
    """Keep a ZIP only if it exists and lies in the stated state; fill a missing state from it."""
    if not loc.zip:
        return
    if not loc.state:
        loc.state = next((code for code in geo.STATES if geo.valid_zip(loc.zip, code)), "")
    if not loc.state or not geo.valid_zip(loc.zip, loc.state):
        loc.zip = ""


def _known_city(words: list[str], state: str, zip_code: str = "") -> str:
    """The longest tail of ``words`` that is a city of that state (or a name of that ZIP)."""
    zip_names = geo.city_aliases("", state, zip_code) if zip_code else []
    for start in range(max(0, len(words) - 5), len(words)):
        candidate = " ".join(words[start:]).strip(" ,.")
        if candidate and (geo.city_key(candidate) in zip_names or geo.city_centroid(candidate, state)):
            return candidate
    return ""


def _only_state_of(city: str) -> str:
    """The state of a city name that the gazetteer knows in exactly one state."""
    states = [code for code in geo.STATES if geo.city_centroid(city, code)]
    return states[0] if len(states) == 1 else ""


def _state_code(text: str) -> str:
    """Two-letter code of one of geo.STATES written as a code or a name, else ""."""
    code = geo.state_code(text or "") or ""
    return code if code in geo.STATES else ""


def _city_state_location(city_text: str, state_text: str) -> Location | None:
    """A Location from a "City, ST" pair whose city the ZIP data knows in that state."""
    state = _state_code(state_text)
    if not state:
        return None
    city = _known_city(city_text.split(), state)
    return Location(city=city, state=state) if city else None


# ----------------------------------------------------------------------------- text addresses


# Which location comes first (the main office): lower tiers first, then page order.
_TIER_STRUCTURED = 0
_TIER_TEXT_ADDRESS = 1  # + 0 contact/locations page, 1 body text, 2 header/footer
_TIER_TEXT_CITY = 4  # same three places, "City, ST" without a street or ZIP
_TIER_AREA_SERVED = 7
_TIER_BARE_PLACE = 8


@dataclass
class _Candidate:
    location: Location
    rank: tuple[int, int, int]  # (tier, page order, order found): lower comes first


def _page_rank(page: Page) -> int:
    return {"home": 0, "contact": 1, "locations": 1}.get(page.kind, 2)


def _text_locations(pages: list[Page]) -> list[_Candidate]:
    """Offices written in the text: contact/locations pages first, then body text, then footers."""
    found: list[_Candidate] = []
    seen_footer: set[str] = set()
    for page_index, page in enumerate(pages):
        prose_ok = page.kind not in ("blog", "news")
        # "Ketamine Therapy in Austin, TX | Brand": a title part is read like a heading.
        title_parts = [TextBlock(part, "header", "title") for part in _title_parts(page.title)] if prose_ok else []
        for blocks in (page.blocks, title_parts):
            for i, block in enumerate(blocks):
                text = block.text
                if not _names_a_state(text):
                    continue
                chrome = block.region in ("footer", "header")
                if chrome:
                    if text in seen_footer:
                        continue
                    seen_footer.add(text)
                elif not prose_ok or block.region in ("nav", "aside") or block.tag == "blockquote":
                    continue  # articles, menus, sidebars and testimonials name other people's places
                where = 2 if chrome else (0 if page.kind in ("contact", "locations") else 1)
                for loc, end in _locations_in_block(blocks, i):
                    loc.phone = loc.phone or _nearby_phone(blocks, i, end)
                    loc.source, loc.url = "text", page.url
                    # A street address outranks a bare "City, ST" wherever each was found.
                    tier = (_TIER_TEXT_ADDRESS if loc.street or loc.zip else _TIER_TEXT_CITY) + where
                    found.append(_Candidate(loc, (tier, page_index, len(found))))
    if not any(c.location.city for c in found):
        found += _bare_places(pages, len(found))
    return found


def _names_a_state(text: str) -> bool:
    """Whether the text holds a state name or code as a word of its own."""
    pos = 0
    while m := _PLACE_HINT_RE.search(text, pos):
        before = text[m.start() - 1] if m.start() else " "
        if not (before.isalnum() or before == "_"):  # a word boundary, as \b would have it
            return True
        pos = m.start() + 1
    return False


def _locations_in_block(blocks: list[TextBlock], i: int) -> list[tuple[Location, int]]:
    """Addresses anchored in block i; earlier short blocks may hold the street lines."""
    text = blocks[i].text
    results: list[tuple[Location, int]] = []
    taken_until = 0
    for match in _STATE_ZIP_RE.finditer(text):
        start = _segment_start(text, match.start(), taken_until)
        head = text[start : match.end()]
        if start == 0 and len(text[: match.start()].strip()) < 40:
            head = _with_previous_lines(blocks, i, head)
        loc = _parse_address_text(head)
        if loc is not None:
            results.append((loc, match.end()))
        taken_until = match.end()
    if _SERVICE_AREA_RE.search(text) or _SERVICE_AREA_RE.search(blocks[i].heading):
        return results  # towns served, not offices
    taken_until = max([taken_until, *(end for _, end in results)])
    for match in _CITY_STATE_RE.finditer(text):
        if match.start() < taken_until:
            continue
        # What is read around "City, ST" is near it: slicing the whole block at every match
        # made a long single-line page quadratic.
        before = text[max(0, match.start() - _AROUND) : match.start()]
        if inside := _PLACE_WORD_IN_NAME_RE.search(match.group("city")):
            before += match.group("city")[: inside.end()]
        after = text[match.end() : match.end() + _AROUND]
        rest_is_blank = not after.strip(" .!") and match.end() + _AROUND >= len(text)
        headline = blocks[i].tag in _HEADLINE_TAGS and _HEADLINE_PLACE_RE.search(before) and rest_is_blank
        if not (_stands_alone(before, after) or _office_phrase(before[-60:]) or headline):
            continue
        start = _segment_start(text, match.start(), 0)
        head = text[start : match.end()]
        if start == 0 and not before.strip():
            head = _with_previous_lines(blocks, i, head)
        loc = _parse_address_text(head, need_zip=False)
        if loc is not None:
            results.append((loc, match.end()))
            taken_until = match.end()
    return results


def _office_phrase(before: str) -> bool:
    """Whether the words before a "City, ST" say it is where the practice is."""
    if _OFFICE_PHRASE_RE.search(before):
        return True
    return bool(_VENUE_PHRASE_RE.search(before)) and not _SOMEONES_VENUE_RE.search(before)


# Characters read on either side of a "City, ST" to tell an office line from a mention.
_AROUND = 200


def _stands_alone(before: str, after: str) -> bool:
    """Whether "City, ST" is a line of its own ("Name — Boston, MA"), not part of a sentence.

    What precedes may only be a name or a label; what follows only punctuation or a phone.
    """
    after = after.strip()
    if after and not re.match(r"^(?:[.,;|·•—–(]|-\s|\d|phone|tel|call)", after, re.I):
        return False
    head = re.sub(r"[\s,:|·•—–-]+$", "", before)
    if not head:
        return True
    if re.match(r"^\s*[—–~-]", before):
        return False  # "— Sarah M., Austin, TX": who said a testimonial, not where the office is
    if len(head) > 80 or not re.search(r"[,:|·•—–]\s*$|\s-\s*$", before):
        return False
    words = re.findall(r"[A-Za-z][\w'&.-]*", head)
    return all(w[0].isupper() or w.lower() in _NAME_LINKS for w in words)


def _segment_start(text: str, anchor: int, floor: int) -> int:
    """Where the address that ends at ``anchor`` begins.

    Walks back over separators ("·", "|", sentence ends) only while the part before is a
    street, suite or PO box line, or the city when the state stands alone after a separator.
    """
    window_start = max(floor, anchor - 160)
    window = text[window_start:anchor]
    breaks = [
        m
        for m in _SEGMENT_BREAK_RE.finditer(window)
        # "N. Main St. Suite 4": an abbreviation, not a sentence end
        if not (m.group(0)[0] == "." and _ABBREVIATION_END_RE.search(window[: m.start()]))
    ]
    if not breaks:
        return window_start
    start = breaks[-1].end()
    needs_city = not window[start:].strip(" ,·•|")
    for k in range(len(breaks) - 1, -1, -1):
        segment_start = breaks[k - 1].end() if k else 0
        segment = window[segment_start : breaks[k].start()].strip()
        if needs_city and 0 < len(segment.split()) <= 4:
            needs_city = False
        elif not (_STREET_LINE_RE.search(segment) or _SUITE_LINE_RE.search(segment)):
            break
        start = segment_start
    return window_start + start


def _with_previous_lines(blocks: list[TextBlock], i: int, head: str) -> str:
    """Prepend the street/suite lines that a site put in their own elements above the city line."""
    lines: list[str] = []
    region = blocks[i].region
    for j in range(i - 1, max(-1, i - 4), -1):
        prev = blocks[j]
        text = prev.text
        if prev.region != region or len(text) > 80 or _STATE_ZIP_RE.search(text) or _PHONE_HINT_RE.search(text):
            break
        if _STREET_LINE_RE.search(text) or _SUITE_LINE_RE.search(text):
            lines.insert(0, text)
            continue
        break
    return ", ".join(lines + [head]) if lines else head


@lru_cache(maxsize=4096)
def _parse_address_cached(text: str, need_zip: bool) -> Location | None:
    """Street, city, state and ZIP of the address that ends ``text``.

    State and ZIP come from the anchor the pre-filter found; usaddress splits the street
    from the rest; the city is the longest run of words before the state that the
    gazetteer knows there, since the tagger sometimes folds a suite or building into it.
    """
    state_match = None
    for state_match in _STATE_ZIP_RE.finditer(text):
        pass
    zip_code = ""
    if state_match is not None:
        zip_code = state_match.group("zip")
        state = _state_code(state_match.group("state"))
        before = text[: state_match.start()]
    else:
        if need_zip:
            return None
        city_match = None
        for city_match in _CITY_STATE_RE.finditer(text):
            pass
        if city_match is None:
            return None
        state = _state_code(city_match.group("state"))
        before = text[: city_match.start("state")]
    if not state:
        return None
    before = _SEPARATORS_RE.sub(", ", before).rstrip(" ,")
    try:
        tokens = usaddress.parse(", ".join(filter(None, (before, f"{geo.STATES[state]} {zip_code}".strip()))))
    except Exception:  # noqa: BLE001 - a trained tagger may fail on odd input; then no address
        tokens = []
    # Street first, then suite/floor, whichever order the site wrote them in.
    unit_labels = ("Occupancy", "Subaddress")
    street_parts = [tok for tok, label in tokens if label in _STREET_LABELS and not label.startswith(unit_labels)]
    street_parts += [tok for tok, label in tokens if label.startswith(unit_labels)]
    box_parts = [tok for tok, label in tokens if label in _BOX_LABELS]
    tail_words = re.split(r"[\s,]+", before.split(",")[-1].strip()) if before else []
    tail_words = [w for w in tail_words if w]
    city = _known_city(tail_words, state, zip_code)
    if not city and "," in before:
        city = _known_city([w for w in re.split(r"[\s,]+", before) if w][-5:], state, zip_code)
    if not city:
        place = [tok.strip(",") for tok, label in tokens if label == "PlaceName"]
        if zip_code and 0 < len(place) <= 3 and all(w[:1].isupper() for w in place):
            city = " ".join(place)
    if not city and not zip_code:
        return None
    street = _tidy_street(" ".join(street_parts)) if any(l == "AddressNumber" for _, l in tokens) else ""
    if street and city and city.lower() in street.lower():
        street = re.sub(re.escape(city) + r"\s*$", "", street, flags=re.I).strip(" ,")
    box = _tidy_street(" ".join(box_parts))
    loc = Location(street=street or box, city=_tidy_city(city), state=state, zip=zip_code)
    _validate_zip(loc)
    return loc


def _parse_address_text(text: str, need_zip: bool = True) -> Location | None:
    """A postal address from free text, or None; results are cached per text."""
    loc = _parse_address_cached(re.sub(r"\s+", " ", text).strip()[-300:], need_zip)
    return None if loc is None else Location(**loc.to_dict())


def _tidy_city(city: str) -> str:
    """The usual full form of a city name: "Ft. Worth" -> "Fort Worth", "BOISE" -> "Boise"."""
    city = re.sub(r"\s+", " ", city).strip(" ,.")
    if city.isupper() or city.islower():
        city = city.title()
    return _CITY_PREFIX_RE.sub(lambda m: _CITY_PREFIXES[m.group(1).lower()] + " ", city)


def _tidy_street(street: str) -> str:
    street = re.sub(r"\s+", " ", street).strip(" ,;")
    return re.sub(r"#\s+(?=\w)", "#", re.sub(r"\s+,", ",", street))


def _is_po_box(street: str) -> bool:
    return bool(re.match(r"^(?:p\.?\s*o\.?\s*box|post office box)\b", street, re.I))


def _nearby_phone(blocks: list[TextBlock], i: int, end: int) -> str:
    """The phone that sits with an address: later in its block or in the next two blocks."""
    candidates = [(blocks[i].text, end)] + [(blocks[j].text, 0) for j in range(i + 1, min(len(blocks), i + 3))]
    for n, (text, offset) in enumerate(candidates):
        if n and (_STATE_ZIP_RE.search(text) or (_CITY_STATE_RE.search(text) and len(text) < 60)):
            break
        digits = _first_phone_from(text, offset)
        if digits:
            return format_phone(digits) or ""
    return ""


def _first_phone_from(text: str, offset: int) -> str:
    """The digits of the first phone (not fax) that starts at or after offset in text.

    A block with thousands of addresses asks this for each of them: the block's phones are
    indexed once, so each answer is a binary search, not a walk over every phone."""
    starts, next_phone = _phone_index(text)
    position = bisect_left(starts, offset)
    found = next_phone[position] if position < len(next_phone) else -1
    return _phones_in_text(text)[found][0] if found >= 0 else ""


@lru_cache(maxsize=256)
def _phone_index(text: str) -> tuple[list[int], list[int]]:
    """(start of each phone in text, index of the first non-fax phone at or after each)."""
    phones = _phones_in_text(text)
    next_phone = [-1] * len(phones)
    following = -1
    for index in range(len(phones) - 1, -1, -1):
        if not phones[index][1]:
            following = index
        next_phone[index] = following
    return [start for _, _, start, _ in phones], next_phone


def _bare_places(pages: list[Page], counter: int) -> list[_Candidate]:
    """A footer/header segment that is only a state ("· Minnesota") or only a city.

    Small practices often sign their footer with just the place; used only when no
    address or "City, ST" was found anywhere. A bare city must be a known city of exactly
    one state, so a tagline word that happens to be a town name does not qualify.
    """
    found: list[_Candidate] = []
    for page_index, page in enumerate(pages):
        for block in page.blocks:
            if block.region not in ("footer", "header") or len(block.text) > 120:
                continue
            segments = [s.strip(" .,") for s in _SEGMENT_SPLIT_RE.split(block.text)]
            if len(segments) < 2:
                continue
            for segment in segments[1:]:
                state = geo.state_of_name(segment) or ""
                if state and segment[:1].isupper():
                    loc = Location(state=state, source="text", url=page.url)
                    found.append(_Candidate(loc, (_TIER_BARE_PLACE, page_index, counter + len(found))))
            place = segments[-1]
            if len(segments) != 2 or not re.fullmatch(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3}", place):
                continue
            state = _only_state_of(place)
            if state and place.lower() not in _GENERIC_NAMES:
                loc = Location(city=place, state=state, source="text", url=page.url)
                found.append(_Candidate(loc, (_TIER_BARE_PLACE, page_index, counter + len(found))))
    return found


def _merge_locations(candidates: list[_Candidate]) -> list[Location]:
    """Main location first; the same office seen twice becomes one, keeping the fuller fields."""
    merged: list[Location] = []
    for cand in sorted(candidates, key=lambda c: c.rank):
        loc = cand.location
        if not (loc.city or loc.state):
            continue
        twin = next((m for m in merged if _same_place(m, loc)), None)
        if twin is None:
            merged.append(loc)
            continue
        for name in ("street", "city", "state", "zip", "phone", "name"):
            if not getattr(twin, name) and getattr(loc, name):
                setattr(twin, name, getattr(loc, name))
    has_street = any(m.street and not _is_po_box(m.street) for m in merged)
    has_city = any(m.city for m in merged)
    result = []
    for m in merged:
        if has_street and _is_po_box(m.street):
            continue  # a mailing address, not an office
        if has_street and m.source == "text" and not (m.street or m.zip or m.phone):
            continue  # beside real addresses, a bare "City, ST" in the text is a mention
        if not m.city and has_city:
            continue  # a bare state adds nothing once a city is known
        result.append(m)
    return result


def _street_key(street: str) -> str:
    number = re.match(r"\s*(\d+)", street)
    return number.group(1) if number else re.sub(r"\W+", "", street.lower())


def _same_place(a: Location, b: Location) -> bool:
    if a.street and b.street:
        if _street_key(a.street) != _street_key(b.street):
            return False
        return (a.zip and a.zip == b.zip) or (a.city.lower() == b.city.lower() and a.state == b.state)
    if a.city and b.city:
        return a.city.lower() == b.city.lower() and a.state == b.state
    if not a.city and not b.city:
        return a.state == b.state
    return False


# ----------------------------------------------------------------------------- served states


def _serves_states(pages: list[Page], has_office: bool) -> list[str]:
    """States named in sentences about serving, licensure or telehealth, in order of appearance.

    A site with an office of its own "serves" its neighbourhood; for it only remote care and
    licensure sentences count, since those are what reach beyond the office.
    """
    states: list[str] = []
    for page in pages:
        for obj in page.structured:
            for text in _strings(obj.get("areaServed")):
                code = geo.state_of_name(text)
                if code and code not in states:
                    states.append(code)
        if page.kind in ("blog", "news"):
            continue
        for text in {b.text: None for b in page.blocks if b.region not in ("nav",)}:
            for code in _serve_states_in_text(text, has_office):
                if code not in states:
                    states.append(code)
    return states


@lru_cache(maxsize=4096)
def _serve_states_in_text(text: str, has_office: bool) -> tuple[str, ...]:
    if not _STATE_WORD_RE.search(text) or not _SERVE_RE.search(text):
        return ()
    found: list[str] = []
    wanted = _REMOTE_RE if has_office else _SERVE_RE
    for sentence in split_sentences(text):
        if not wanted.search(sentence) or _NEGATED_SERVE_RE.search(sentence):
            continue
        # "City, ST" is a place, not coverage of a whole state.
        cities = {
            m.start("state")
            for m in _CITY_STATE_RE.finditer(sentence)
            if not _state_code(m.group("city").split()[-1])
        }
        for match in _STATE_WORD_RE.finditer(sentence):
            qualifier = sentence[max(0, match.start() - 16) : match.start()]
            if match.start() in cities or _REGION_QUALIFIER_RE.search(qualifier):
                continue  # a city's state, or "northern Virginia": not a whole state
            word = match.group(0)
            code = "DC" if word.lower().startswith("washington") and "c" in word.lower()[10:] else _state_code(word)
            if len(word) == 2 and not _looks_like_code_list(sentence, match):
                continue
            if code and code not in found:
                found.append(code)
    return tuple(found)


def _looks_like_code_list(sentence: str, match: re.Match[str]) -> bool:
    """A bare two-letter code counts only in a list of codes ("CA, OR and WA") or "in CO"."""
    before = sentence[max(0, match.start() - 8) : match.start()]
    after = sentence[match.end() : match.end() + 8]
    near_code = re.search(rf"(?:{_CODES_ALT})\s*(?:,|and|&|or)?\s*$", before) or re.match(
        rf"^\s*(?:,|and|&|or)\s*(?:and\s+)?(?:{_CODES_ALT})\b", after
    )
    return bool(near_code or re.search(r"\b(?:in|across|throughout)\s+$", before))
