"""Contact extraction on small fixture sites (tests/fixtures/pages/<site>/)."""

from __future__ import annotations

import csv
import re
from pathlib import Path


import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.contacts import _names_a_state, extract_contacts, format_phone
from crawler.extract.geo import STATES
from crawler.items import Page
from crawler.extract.parse import parse_page, parse_text

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def load_site(name: str) -> list[Page]:
    root = PAGES / name
    return [
        parse_page(path.read_bytes(), f"https://{name}.example/{path.relative_to(root).as_posix()}")
        for path in sorted(root.rglob("*.html"))
    ]


def contacts_of(name: str):
    return extract_contacts(load_site(name), f"{name}.example")


def page(html: str, url: str = "https://clinic.example/") -> Page:
    return parse_page(html, url)


# ----------------------------------------------------------------------------- name


def test_name_prefers_structured_name_over_page_title_home():
    contacts = contacts_of("mesa-verde")
    assert contacts.name == "Mesa Verde Ketamine Center"


def test_name_never_home_or_whole_page_title_when_only_titles_logo_and_copyright_exist():
    contacts = contacts_of("juniper")
    assert contacts.name == "Juniper Mind Care"


def test_name_is_the_title_part_shared_across_pages():
    pages = [
        page("<title>Services | Aspen Ketamine</title>", "https://aspen.example/services"),
        page("<title>FAQ | Aspen Ketamine</title>", "https://aspen.example/faq"),
        page("<title>Contact | Aspen Ketamine</title>", "https://aspen.example/contact"),
    ]
    assert extract_contacts(pages, "aspen.example").name == "Aspen Ketamine"


def test_name_rejects_sentences_and_generic_words_then_falls_back_to_host():
    pages = [page("<title>Home</title><footer><p>© 2024 We help people feel better every day. All rights reserved.</p></footer>")]
    assert extract_contacts(pages, "blue-river-ketamine.example").name == "Blue River Ketamine"


def test_name_from_copyright_line():
    pages = [page("<title>Welcome</title><footer><p>© 2022 Quiet Harbor Wellness. All rights reserved.</p></footer>")]
    assert extract_contacts(pages, "qh.example").name == "Quiet Harbor Wellness"


# ----------------------------------------------------------------------------- locations


def test_json_ld_address_with_state_name_becomes_main_location():
    contacts = contacts_of("mesa-verde")
    main = contacts.locations[0]
    assert (main.street, main.city, main.state, main.zip) == ("1020 Main Avenue, Suite 3", "Durango", "CO", "81301")
    assert main.source == "json-ld"
    assert main.phone == "(970) 555-0142"
    assert len(contacts.locations) == 1  # the footer repeats the same office


def test_footer_only_address_with_suite_on_its_own_line_and_state_spelled_out():
    contacts = contacts_of("juniper")
    assert len(contacts.locations) == 1
    office = contacts.locations[0]
    assert (office.street, office.city, office.state, office.zip) == (
        "412 Canyon Road, Suite 200",
        "Santa Fe",
        "NM",
        "87501",
    )
    assert office.phone == "(505) 555-0134"


def test_several_locations_each_with_its_own_phone_main_first():
    contacts = contacts_of("riverbend")
    cities = [(loc.city, loc.state, loc.zip, loc.phone) for loc in contacts.locations]
    assert cities == [
        ("Portland", "OR", "97205", "(503) 555-0110"),
        ("Eugene", "OR", "97401", "(541) 555-0177"),
        ("Bend", "OR", "97703", "(541) 555-0160"),
    ]
    assert contacts.phones[0] == "(503) 555-0110"


def test_po_box_is_not_an_office_when_a_street_address_exists():
    contacts = contacts_of("taos-mail")
    assert [loc.street for loc in contacts.locations] == ["215 Paseo del Pueblo Sur"]


def test_po_box_is_kept_when_it_is_the_only_address():
    contacts = contacts_of("taos-po-only")
    assert [(loc.street, loc.city, loc.zip) for loc in contacts.locations] == [("P.O. Box 2210", "Taos", "87571")]


def test_city_and_state_in_an_office_sentence_but_not_in_travel_sentences():
    contacts = contacts_of("arlington-prose")
    assert [(loc.city, loc.state, loc.street) for loc in contacts.locations] == [("Arlington", "VA", "")]


def test_a_city_named_as_the_practice_own_in_prose_or_a_heading_is_its_location():
    heading = page('<body><main><h1>Our Boise clinic</h1><p>IV ketamine, weekdays.</p></main></body>')
    prose = page('<body><main><p>The practice is located in Missoula and sees adults.</p></main></body>')
    assert [(loc.city, loc.state) for loc in extract_contacts([heading], "clinic.example").locations] == [("Boise", "ID")]
    assert [(loc.city, loc.state) for loc in extract_contacts([prose], "clinic.example").locations] == [
        ("Missoula", "MT")
    ]


def test_a_city_after_the_service_or_the_venue_it_is_given_in_is_the_location():
    heading = page("<body><main><h1>Ketamine Therapy in Sioux Falls</h1><p>Weekday appointments.</p></main></body>")
    venue = page("<body><main><p>Visit the Pinewood infusion studio in Tuscaloosa to ask questions.</p></main></body>")
    abroad = page("<body><main><p>Ketamine therapy in Europe is regulated differently.</p></main></body>")
    assert [(loc.city, loc.state) for loc in extract_contacts([heading], "c.example").locations] == [("Sioux Falls", "SD")]
    assert [(loc.city, loc.state) for loc in extract_contacts([venue], "c.example").locations] == [("Tuscaloosa", "AL")]
    assert extract_contacts([abroad], "c.example").locations == []


@pytest.mark.parametrize(
    "html, expected",
    [
        ("<p>Based in downtown Eugene, Oregon, the practice treats adults with IV ketamine.</p>", [("Eugene", "OR")]),
        ("<p>Psychiatry and Ketamine Clinic in Bozeman, MT</p>", [("Bozeman", "MT")]),
        ("<h2>What To Expect At Our Infusion Center In Greenville, SC</h2><p>Calm rooms.</p>", [("Greenville", "SC")]),
        ("<p>Many of our patients drive in from Salem, OR for their series.</p>", []),
    ],
)
def test_a_city_and_state_after_the_practice_base_or_venue_word_is_its_location(
    html: str, expected: list[tuple[str, str]]
) -> None:
    found = extract_contacts([page(f"<body><main>{html}</main></body>")], "c.example").locations
    assert [(loc.city, loc.state) for loc in found] == expected


def test_a_city_name_in_several_states_is_placed_by_the_phone_area_code():
    # Santa Fe is a city in New Mexico and in Texas; a 505 number is New Mexico's.
    with_phone = page('<body><main><h2>Our Santa Fe office</h2><p>Call <a href="tel:+15055550134">(505) 555-0134</a>'
                      '</p></main></body>')
    without = page("<body><main><h2>Our Santa Fe office</h2><p>Call us to book.</p></main></body>")
    assert [(loc.city, loc.state) for loc in extract_contacts([with_phone], "clinic.example").locations] == [
        ("Santa Fe", "NM")
    ]
    assert extract_contacts([without], "clinic.example").locations == []


def test_testimonial_hometowns_and_where_patients_come_from_are_not_locations():
    html = (
        "<body><main><p>Patients travel from Spokane and Missoula for care.</p>"
        "<blockquote>I felt better in a week. Dana, from our Tacoma support group</blockquote>"
        "<p>Dana, from Tacoma: kind and careful staff.</p></main></body>"
    )
    assert extract_contacts([page(html)], "clinic.example").locations == []


def test_no_invented_address_from_news_mentions():
    contacts = contacts_of("ketamine-news")
    assert contacts.locations == []
    assert contacts.phones == []  # the article quotes someone else's number


def test_zip_that_does_not_belong_to_the_state_is_dropped():
    html = "<footer><p>9 Elm St, Springfield, IL 90210</p></footer>"
    contacts = extract_contacts([page(html)], "clinic.example")
    assert [(loc.city, loc.state, loc.zip) for loc in contacts.locations] == [("Springfield", "IL", "")]


def test_footer_city_state_after_the_name():
    pages = [page("<footer><p>Prairie Light Ketamine — Sioux Falls, SD</p></footer>")]
    contacts = extract_contacts(pages, "prairie.example")
    assert [(loc.city, loc.state) for loc in contacts.locations] == [("Sioux Falls", "SD")]


# ----------------------------------------------------------------------------- phones


def test_fax_numbers_are_not_phones():
    for site in ("mesa-verde", "juniper"):
        contacts = contacts_of(site)
        assert len(contacts.phones) == 1, contacts.phones
    assert contacts_of("mesa-verde").phones == ["(970) 555-0142"]
    assert contacts_of("juniper").phones == ["(505) 555-0134"]


def test_crisis_lines_and_short_numbers_are_not_the_clinic_phone():
    html = "<main><p>In a crisis call 988 or 1-800-273-8255. Our front desk: 303.555.0177.</p></main>"
    assert extract_contacts([page(html)], "c.example").phones == ["(303) 555-0177"]


def test_format_phone():
    assert format_phone("505.555.0134") == "(505) 555-0134"
    assert format_phone("+1 (505) 555-0134") == "(505) 555-0134"
    assert format_phone("tel:1-505-555-0134") == "(505) 555-0134"
    assert format_phone("555-0134") is None
    assert format_phone("+44 20 7946 0958") is None
    assert format_phone("") is None


# ----------------------------------------------------------------------------- emails


def test_obfuscated_emails_are_decoded_and_placeholders_ignored():
    assert contacts_of("juniper").emails == ["hello@junipermindcare.com", "intake@junipermindcare.com"]


def test_mailto_first_lower_cased_and_deduplicated():
    html = '<a href="mailto:Front.Desk@Clinic.org?subject=Hi">write</a><p>front.desk@clinic.org or billing@clinic.org</p>'
    assert extract_contacts([page(html)], "clinic.org").emails == ["front.desk@clinic.org", "billing@clinic.org"]


# ----------------------------------------------------------------------------- served states


def test_serves_states_from_telehealth_and_licensure_sentences_only():
    contacts = contacts_of("clearsky")
    assert contacts.serves_states == ["CO", "UT", "CA", "OR", "WA"]
    assert contacts.locations == []


def test_mere_mentions_of_states_are_not_coverage():
    for site in ("juniper", "ketamine-news", "arlington-prose"):
        assert contacts_of(site).serves_states == [], site


# ----------------------------------------------------------------------------- corpus


def test_dev_corpus_main_location_and_phone_without_inventing(corpus: Path):
    labels = {row["host"]: row for row in csv.DictReader((corpus / "dev" / "labels.csv").open())}
    places_right = places = phones_right = phones = invented = 0
    for host, row in labels.items():
        root = corpus / "dev" / "sites" / host
        pages = [parse_page(p.read_bytes(), f"http://{host}/{p.relative_to(root).as_posix()}") for p in root.rglob("*.html")]
        contacts = extract_contacts(pages, host)
        main = contacts.locations[0] if contacts.locations else None
        if row["city"] or row["state"]:
            places += 1
            places_right += bool(main) and (row["city"] in ("", main.city)) and (row["state"] in ("", main.state))
        elif contacts.locations:
            invented += 1
        if row["phone"]:
            phones += 1
            phones_right += bool(contacts.phones) and re.sub(r"\D", "", contacts.phones[0]) == row["phone"]
    assert invented == 0
    assert places_right >= 0.9 * places
    assert phones_right >= 0.9 * phones


def test_seed_documents_without_a_place_get_no_location(corpus: Path):
    labels = list(csv.DictReader((corpus / "seeds" / "labels.csv").open()))
    placeless = [row["file"] for row in labels if not row["city"] and not row["state"]]
    assert placeless
    for name in placeless:
        text = (corpus / "seeds" / name).read_text()
        contacts = extract_contacts([parse_text(text, f"https://seed.example/{name}")], "seed.example")
        assert contacts.locations == [], name


def test_street_and_city_separated_by_pipes_in_one_footer_line():
    html = "<footer><p>88 Aspen Way | Flagstaff, AZ 86001 | (928) 555-0150</p></footer>"
    (office,) = extract_contacts([page(html)], "c.example").locations
    assert (office.street, office.city, office.state, office.zip, office.phone) == (
        "88 Aspen Way", "Flagstaff", "AZ", "86001", "(928) 555-0150"
    )


def test_city_in_a_heading_names_the_clinic_city_but_not_on_article_pages():
    html = "<main><h1>Ketamine Infusions in Boise, Idaho</h1><p>Gentle care.</p></main>"
    assert [(loc.city, loc.state) for loc in extract_contacts([page(html)], "c.example").locations] == [("Boise", "ID")]
    article = page(html, "https://c.example/blog/2024/01/boise-opening")
    assert extract_contacts([article], "c.example").locations == []


def test_legal_suffix_is_dropped_from_the_name():
    pages = [page("<title>Welcome</title><footer><p>Copyright 2024 Wildflower Ketamine LLC</p></footer>")]
    assert extract_contacts(pages, "wf.example").name == "Wildflower Ketamine"


def test_testimonial_attributions_are_not_offices():
    html = """<main><p>"I finally sleep through the night." — Dana R., Austin, TX</p>
    <blockquote>Kind staff. Mark T., Dallas, TX</blockquote></main>
    <footer><p>4 Larimer Sq, Denver, CO 80202</p></footer>"""
    assert [loc.city for loc in extract_contacts([page(html)], "c.example").locations] == ["Denver"]


def test_beside_a_street_address_a_bare_city_is_kept_only_with_its_own_phone():
    html = """<main><p>Our second office in Boulder, Colorado opens in spring.</p>
    <p>Golden, CO</p><p>Phone: (303) 555-0120</p></main>
    <footer><p>4 Larimer Sq, Denver, CO 80202</p></footer>"""
    locations = extract_contacts([page(html)], "c.example").locations
    assert [(loc.city, loc.zip, loc.phone) for loc in locations] == [
        ("Denver", "80202", ""),
        ("Golden", "", "(303) 555-0120"),
    ]


def test_a_list_of_towns_served_is_not_a_list_of_offices():
    html = """<main><p>Ketamine care for Marin County.</p></main>
    <footer><h4>Communities we serve</h4><p>Novato, CA</p><p>San Rafael, CA</p>
    <p>Proudly serving Sausalito, CA · Mill Valley, CA</p></footer>"""
    assert extract_contacts([page(html)], "c.example").locations == []


def test_a_previous_workplace_in_a_biography_is_not_an_office():
    html = "<main><p>Before joining, she worked at a clinic in Denver, CO for ten years.</p></main>"
    assert extract_contacts([page(html, "https://c.example/our-team")], "c.example").locations == []


def test_city_abbreviation_is_written_out_and_a_single_office_gets_the_main_phone():
    html = """<footer><p>Clinic: 3 Main St, Ft. Worth, TX 76102</p>
    <p>Mailing address: PO Box 40, Ft. Worth, TX 76101</p><p>Phone: (817) 555-0101</p></footer>"""
    (office,) = extract_contacts([page(html)], "c.example").locations
    assert (office.street, office.city, office.zip, office.phone) == ("3 Main St", "Fort Worth", "76102", "(817) 555-0101")


def test_structured_data_about_someone_else_is_not_the_sites_office():
    article = """<script type="application/ld+json">{"@type": "NewsArticle", "headline": "A new clinic",
      "publisher": {"@type": "Organization", "name": "Valley News", "telephone": "(801) 555-0190",
        "address": {"@type": "PostalAddress", "addressLocality": "Provo", "addressRegion": "UT"}}}</script>"""
    event = """<script type="application/ld+json">{"@type": "Event", "name": "Open house",
      "location": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Ogden", "addressRegion": "UT"}}}</script>"""
    contacts = extract_contacts([page(article), page(event, "https://c.example/events")], "c.example")
    assert contacts.locations == [] and contacts.phones == []


def test_the_pages_main_entity_is_the_practice():
    html = """<script type="application/ld+json">{"@type": "WebPage", "mainEntity": {"@type": "MedicalClinic",
      "name": "Wasatch Ketamine", "telephone": "801-555-0111",
      "address": {"@type": "PostalAddress", "streetAddress": "60 E South Temple", "addressLocality": "Salt Lake City",
                  "addressRegion": "UT", "postalCode": "84111"}}}</script>"""
    contacts = extract_contacts([page(html)], "wasatch.example")
    assert [(loc.city, loc.zip, loc.phone, loc.name) for loc in contacts.locations] == [
        ("Salt Lake City", "84111", "(801) 555-0111", "Wasatch Ketamine")
    ]
    assert contacts.phones == ["(801) 555-0111"]


_STATE_WORDS = re.compile(r"\b(?:" + "|".join(map(re.escape, [*STATES.values(), *STATES])) + r")\b")


@given(st.lists(st.sampled_from([*STATES.values(), *STATES, "X", "_", "9", " ", ", ", "é", "West ", "new"]), max_size=8))
def test_state_prefilter_agrees_with_a_plain_word_boundary_search(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _names_a_state(text) == bool(_STATE_WORDS.search(text))
