"""One reader of schema.org types serves parse, contacts and classify alike."""

from __future__ import annotations

import pytest

from crawler.extract.classify import classify_site
from crawler.extract.contacts import extract_contacts
from crawler.extract.parse import page_kind, parse_page
from crawler.extract.structured import ARTICLE_TYPES, FOREIGN_TYPES, is_organisation, type_names, types_of

SCHEMA_URLS = ["MedicalClinic", "https://schema.org/MedicalClinic", "http://schema.org/MedicalClinic/"]


@pytest.mark.parametrize("written", SCHEMA_URLS)
def test_a_type_written_as_a_vocabulary_url_reads_as_its_bare_name(written: str) -> None:
    assert type_names({"@type": [written, "Thing"]}) == ["MedicalClinic", "Thing"]
    assert types_of({"@type": written}) == {"medicalclinic"}
    assert is_organisation({"@type": written})


def test_objects_without_a_type_have_none() -> None:
    assert type_names({}) == [] and types_of({"name": "x"}) == set()


def test_every_article_type_is_foreign_to_the_practice() -> None:
    assert ARTICLE_TYPES <= FOREIGN_TYPES


def _clinic_page(written_type: str) -> str:
    return (
        '<html><head><title>Mesa Clinic</title><script type="application/ld+json">'
        f'{{"@type": "{written_type}", "name": "Mesa Clinic", "telephone": "505-555-0134",'
        ' "address": {"streetAddress": "12 Canyon Rd", "addressLocality": "Santa Fe",'
        ' "addressRegion": "NM", "postalCode": "87501"}}'
        "</script></head><body><p>Our nurses give ketamine for depression.</p></body></html>"
    )


def test_classify_and_contacts_read_a_url_type_as_its_bare_name() -> None:
    # A site calling itself https://schema.org/MedicalClinic is as much a clinic as one that
    # writes MedicalClinic: it once scored nothing in classify and counted fully in contacts.
    pages = {t: [parse_page(_clinic_page(t), "http://mesa.test/")] for t in SCHEMA_URLS}
    decisions = {t: classify_site(p) for t, p in pages.items()}
    contacts = {t: extract_contacts(p, "mesa.test") for t, p in pages.items()}
    assert decisions["MedicalClinic"].modality == "unclear"
    assert any(
        e.text == "Mesa Clinic (MedicalClinic)" and e.rule == "provider.structured-data"
        for e in _all_evidence(pages["MedicalClinic"])
    )
    assert all(d == decisions["MedicalClinic"] for d in decisions.values())
    assert all(c == contacts["MedicalClinic"] for c in contacts.values())
    assert contacts["MedicalClinic"].locations[0].city == "Santa Fe"


def _all_evidence(pages):
    from crawler.extract.classify import explain_site

    return explain_site(pages).evidence


def test_a_news_article_typed_by_url_is_a_news_page() -> None:
    assert page_kind("http://a.test/story", [{"@type": "https://schema.org/NewsArticle"}]) == "news"
    assert page_kind("http://a.test/story", [{"@type": "BlogPosting"}]) == "blog"
