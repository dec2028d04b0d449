"""HTML -> Page: regions, structured data, contact links, page kinds, robustness."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract.contacts import extract_contacts
from crawler.extract.geo import STATES
from crawler.items import PAGE_KINDS, REGIONS
from crawler.extract.parse import page_kind, page_links, parse_page, parse_text

LAYOUT = """<!doctype html><html lang="en"><head><title>Services | Cedar Ketamine</title>
<meta property="og:site_name" content="Cedar Ketamine"></head><body>
<div class="cookie-notice"><p>We use cookies.</p></div>
<header><a href="/"><img src="/cedar-logo.svg" alt="Cedar Ketamine logo"></a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/services">Services</a></li></ul></nav></header>
<main><h1>IV ketamine</h1><p>Infusions last about forty minutes.</p>
<aside><p>Related reading</p></aside></main>
<div class="site-footer"><address>40 Pine St<br>Suite 5<br>Missoula, MT 59802</address>
<p>Call <a href="tel:+14065550123">(406) 555-0123</a>, fax <a href="tel:4065550124">(406) 555-0124</a></p>
<p>Fax: <a href="tel:4065550125">(406) 555-0125</a></p>
<p><a href="mailto:hello@cedar.example?subject=Hi">Email us</a></p></div>
</body></html>"""


def blocks_by_text(html: str, url: str = "https://cedar.example/services"):
    return {b.text: b for b in parse_page(html, url).blocks}


def test_blocks_keep_their_region_and_heading():
    blocks = blocks_by_text(LAYOUT)
    assert blocks["We use cookies."].region == "aside"
    assert blocks["Home"].region == "header"  # a nav inside the header is header
    assert blocks["Infusions last about forty minutes."].region == "main"
    assert blocks["Infusions last about forty minutes."].heading == "IV ketamine"
    assert blocks["Related reading"].region == "aside"
    assert blocks["Missoula, MT 59802"].region == "footer"


def test_line_breaks_split_a_block_into_lines():
    blocks = [b.text for b in parse_page(LAYOUT, "https://cedar.example/").blocks if b.tag == "address"]
    assert blocks == ["40 Pine St", "Suite 5", "Missoula, MT 59802"]


def test_header_and_footer_before_a_missing_body_tag_are_still_read():
    page = parse_page("<title>X</title><header><p>Top</p></header><footer><p>Bottom</p></footer>", "https://x.example/")
    assert [(b.text, b.region) for b in page.blocks] == [("Top", "header"), ("Bottom", "footer")]


def test_classes_on_html_and_body_do_not_make_the_whole_page_a_region():
    # Themes describe the page on <body> ("ast-no-sidebar", "menu-open"); that is not a sidebar.
    html = '<html class="nav-open"><body class="page ast-no-sidebar menu-open"><p>We offer IV ketamine.</p></body></html>'
    assert [(b.text, b.region) for b in parse_page(html, "https://x.example/").blocks] == [("We offer IV ketamine.", "main")]


def test_a_theme_class_that_negates_a_region_word_is_not_that_region():
    # Page builders mark the main wrapper "elementor-location-not-footer"; its text is the page.
    html = (
        '<body><div class="elementor-location-not-footer site-main"><p>We give IV ketamine in Boise.</p></div>'
        '<div class="no-sidebar"><p>Our nurses stay with you.</p></div>'
        '<div class="site-footer"><p>Copyright Cedar Ketamine</p></div></body>'
    )
    regions = [(b.text, b.region) for b in parse_page(html, "https://x.example/").blocks]
    assert regions == [
        ("We give IV ketamine in Boise.", "main"),
        ("Our nurses stay with you.", "main"),
        ("Copyright Cedar Ketamine", "footer"),
    ]


def test_a_list_classed_menu_inside_main_content_is_content_not_navigation():
    # A spa's or clinic's price list is often <ul class="menu">; the site menu is outside <main>.
    html = (
        '<body><ul class="menu"><li>Home</li></ul>'
        '<main><h2>Wellness</h2><ul class="menu"><li>Ketamine by consultation</li></ul>'
        '<nav class="menu"><a href="/">Back</a></nav></main></body>'
    )
    regions = [(b.text, b.region) for b in parse_page(html, "https://x.example/").blocks]
    assert regions == [("Home", "nav"), ("Wellness", "main"), ("Ketamine by consultation", "main"), ("Back", "nav")]


def test_an_element_with_role_main_holds_content_as_main_does():
    html = (
        '<body><ul class="menu"><li>Home</li></ul>'
        '<div role="main"><h2>Prices</h2><ul class="menu"><li>IV ketamine, $450 an infusion</li></ul></div>'
        '<ul class="menu"><li>Contact</li></ul></body>'
    )
    regions = [(b.text, b.region) for b in parse_page(html, "https://x.example/").blocks]
    assert regions == [("Home", "nav"), ("Prices", "main"), ("IV ketamine, $450 an infusion", "main"), ("Contact", "nav")]


def test_title_meta_and_logo_alt():
    page = parse_page(LAYOUT, "https://cedar.example/services")
    assert page.title == "Services | Cedar Ketamine"
    assert page.meta["og:site_name"] == "Cedar Ketamine"
    assert page.logo_alts == ["Cedar Ketamine logo"]
    assert page.lang == "en"


def test_tel_links_marked_fax_by_link_text_or_the_label_before_them():
    page = parse_page(LAYOUT, "https://cedar.example/")
    assert page.tel_links == ["+14065550123", "4065550124 fax", "4065550125 fax"]
    assert page.mailto_links == ["hello@cedar.example"]


def test_json_ld_graph_is_flattened_and_broken_json_ld_is_counted():
    html = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Cedar"},
        {"@type": "MedicalClinic", "name": "Cedar Ketamine", "address": {"@type": "PostalAddress", "addressLocality": "Missoula"}}]}
    </script>
    <script type="application/ld+json">{"@type": "Organization", "name": "Trailing",}</script>
    <script type="application/ld+json">{"@type": "Organization", "name": </script>"""
    page = parse_page(html, "https://cedar.example/")
    types = [obj["@type"] for obj in page.structured]
    assert types == ["WebSite", "MedicalClinic", "Organization"]
    assert page.structured[1]["address"]["addressLocality"] == "Missoula"
    assert page.problems == ["broken-json-ld"]


def test_microdata_items_nest_and_are_marked():
    html = """<div itemscope itemtype="https://schema.org/MedicalClinic">
      <h2 itemprop="name">Cedar Ketamine</h2>
      <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
        <span itemprop="streetAddress">40 Pine St</span>
        <span itemprop="addressLocality">Missoula</span>, <span itemprop="addressRegion">MT</span>
        <span itemprop="postalCode">59802</span></div>
      <a itemprop="telephone" href="tel:4065550123">(406) 555-0123</a></div>"""
    (item,) = parse_page(html, "https://cedar.example/").structured
    assert item["@type"] == "MedicalClinic" and item["@source"] == "microdata"
    assert item["name"] == "Cedar Ketamine"
    assert item["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "40 Pine St",
        "addressLocality": "Missoula",
        "addressRegion": "MT",
        "postalCode": "59802",
    }
    assert item["telephone"] == "tel:4065550123"


def test_microdata_address_becomes_a_location():
    html = """<div itemscope itemtype="https://schema.org/MedicalClinic"><span itemprop="name">Cedar</span>
      <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
      <span itemprop="streetAddress">40 Pine St</span> <span itemprop="addressLocality">Missoula</span>
      <span itemprop="addressRegion">Montana</span> <span itemprop="postalCode">59802</span></div></div>"""
    (location,) = extract_contacts([parse_page(html, "https://cedar.example/")], "cedar.example").locations
    assert (location.street, location.city, location.state, location.zip, location.source) == (
        "40 Pine St", "Missoula", "MT", "59802", "microdata"
    )


def test_page_kind_from_url_and_article_type():
    assert page_kind("https://x.example/") == "home"
    assert page_kind("https://x.example/contact-us/") == "contact"
    assert page_kind("https://x.example/our-team") == "team"
    assert page_kind("https://x.example/locations/denver") == "locations"
    assert page_kind("https://x.example/2023/04/why-ketamine") == "blog"
    assert page_kind("https://x.example/anything", [{"@type": "NewsArticle"}]) == "news"
    assert page_kind("https://x.example/zzz") == "other"


def test_parse_text_blocks_and_headings():
    page = parse_text("Our Approach\n\nWe offer ketamine sessions.\nEach lasts two hours.\n", "https://x.example/a")
    assert [(b.text, b.tag, b.heading) for b in page.blocks] == [
        ("Our Approach", "h2", "Our Approach"),
        ("We offer ketamine sessions.", "p", "Our Approach"),
        ("Each lasts two hours.", "p", "Our Approach"),
    ]


# ----------------------------------------------------------------------------- properties

_FRAGMENTS = st.sampled_from(
    [
        "<p>", "</p>", "<br>", "<div class='footer'>", "</div>", "<footer>", "<nav>", "<li>", "<h2>",
        "<script type='application/ld+json'>", "</script>", '{"@type": "MedicalClinic", "address": ',
        '{"addressLocality": "Taos", "addressRegion": "NM", "postalCode": "87571"}', "[", "]", "}", ",",
        "<div itemscope itemtype='https://schema.org/PostalAddress'>", "<span itemprop='addressRegion'>",
        "<a href='tel:", "<a href='mailto:", "'>", "</a>", "Santa Fe, New Mexico 87501", "Suite 200",
        "PO Box 12", "12 Main St", ", NM", " 87501", "(505) 555-0134", "Fax: ", "info [at] x [dot] com",
        "licensed in CA, OR and WA", "via telehealth", "© 2024 ", "All rights reserved.", "<!--", "-->",
        "<title>", "</title>", "&amp;", "&#0;", "\x00", "\ufffd", "<", ">", "'", '"', "<img alt='logo' src='logo.png'>",
    ]
)
_HTML = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=30)), max_size=40).map("".join)
_PHONE = re.compile(r"^\(\d{3}\) \d{3}-\d{4}$")


def _check_invariants(contacts) -> None:
    for loc in contacts.locations:
        assert loc.state == "" or loc.state in STATES
        assert loc.zip == "" or re.fullmatch(r"\d{5}", loc.zip)
        assert loc.phone == "" or _PHONE.match(loc.phone)
        assert loc.city or loc.state
    assert all(_PHONE.match(p) for p in contacts.phones)
    assert len(set(contacts.phones)) == len(contacts.phones)
    assert all(s in STATES for s in contacts.serves_states)
    assert all(e == e.lower() and "@" in e for e in contacts.emails)
    assert contacts.name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=_HTML, url_path=st.text(max_size=20))
def test_parse_page_and_extract_contacts_never_raise_on_arbitrary_html(html: str, url_path: str):
    page = parse_page(html, "https://p.example/" + url_path)
    assert page.kind in PAGE_KINDS
    assert all(b.region in REGIONS and b.text == b.text.strip() and b.text for b in page.blocks)
    _check_invariants(extract_contacts([page, page], "p.example"))


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=400))
def test_parse_text_and_extract_contacts_never_raise_on_arbitrary_text(text: str):
    _check_invariants(extract_contacts([parse_text(text, "https://t.example/")], "t.example"))


def test_bytes_and_deep_nesting_do_not_raise():
    deep = "<div>" * 5000 + "<p>Taos, NM 87571</p>" + "</div>" * 5000
    page = parse_page(deep.encode("utf-8"), "https://deep.example/")
    assert page.url == "https://deep.example/"
    nested_json = '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>"
    assert parse_page(nested_json, "https://deep.example/").problems == ["broken-json-ld"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20)
    | st.sampled_from(["PostalAddress", "MedicalClinic", "NM", "87501", "Taos", "(505) 555-0134", "Colorado"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["@type", "name", "address", "telephone", "faxNumber", "streetAddress", "addressLocality",
                         "addressRegion", "postalCode", "addressCountry", "department", "location", "areaServed", "@graph"]),
        children,
        max_size=6,
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(structured=st.lists(st.dictionaries(st.just("@type"), st.text(max_size=10)) | _JSON.filter(lambda v: isinstance(v, dict)), max_size=4))
def test_extract_contacts_never_raises_on_arbitrary_structured_data(structured):
    page = parse_page("<p>x</p>", "https://s.example/")
    page.structured = structured
    _check_invariants(extract_contacts([page], "s.example"))


def test_page_links_reads_every_way_an_href_is_written_and_skips_commented_ones():
    html = """<A HREF="/about">About</A> <a class="x" href='/team?a=1&amp;b=2'>Team</a>
    <a href=/faq>FAQ</a> <a data-href="/not-a-link">no</a> <link href="/style.css">
    <!-- <a href="/old-page">gone</a> --> <a
      href = "/contact" >Contact</a> <a href="/about">About again</a>"""
    assert page_links(html) == ["/about", "/team?a=1&b=2", "/faq", "/contact"]


def test_a_page_over_the_size_budget_is_read_up_to_it_and_the_cut_counted() -> None:
    from crawler.extract import parse

    body = b"<html><body><p>We offer IV ketamine infusions.</p>" + b"<p>more of the same page</p>" * 100_000
    assert len(body) > parse.PARSE_BUDGET_BYTES
    page = parse.parse_fetched(body, "utf-8", "http://big.test/")
    assert page.problems == ["cut-to-size-budget"]
    assert page.blocks[0].text == "We offer IV ketamine infusions."


def test_a_page_over_the_time_budget_is_read_from_its_start_or_not_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.extract import parse

    monkeypatch.setattr(parse, "PARSE_BUDGET_SECONDS", 0.0005)  # a budget no page of this size fits in
    body = b"<html><body>" + b"<p>We offer IV ketamine infusions in Austin, TX 78701.</p>" * 20_000
    page = parse.parse_fetched(body, "utf-8", "http://slow.test/")
    assert "cut-to-time-budget" in page.problems
    assert page.url == "http://slow.test/"
    monkeypatch.setattr(parse, "PARSE_BUDGET_SECONDS", 60.0)
    assert parse.parse_fetched(body, "utf-8", "http://slow.test/").problems == []


def test_a_time_budget_is_never_raised_inside_code_that_is_not_ketadirs() -> None:
    """A tick that lands in a gc callback, an import or a library would be swallowed there;
    the budget waits for ketadir's own code, and other code runs on."""
    import time

    from crawler.extract import parse

    def foreign_work() -> str:
        end = time.process_time() + 0.1
        while time.process_time() < end:
            pass
        return "ran to its end"

    assert parse._within_seconds(0.005, foreign_work) == "ran to its end"
    with pytest.raises(parse._OverBudget):
        parse._within_seconds(0.005, parse.parse_page, "<p>We offer IV ketamine.</p>" * 50_000, "http://slow.test/")
