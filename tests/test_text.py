"""One sentence splitter: classification and the served-states reading cut text the same way."""

from __future__ import annotations

from crawler.extract.contacts import extract_contacts
from crawler.extract.parse import parse_page
from crawler.extract.text import split_sentences


def test_sentences_end_at_stops_but_not_after_abbreviations() -> None:
    assert split_sentences("We begin at nine. Then Dr. Lee, of St. Mary's, sees you. 3 doses!") == [
        "We begin at nine.", "Then Dr. Lee, of St. Mary's, sees you.", "3 doses!",
    ]
    assert split_sentences("  ") == []


def test_etc_before_a_capital_ends_its_sentence() -> None:
    # Glued on, "No prescription is needed" would read as a denial of the referral before it.
    assert split_sentences("We need a referral from a counselor, psychologist, etc. No prescription is needed.") == [
        "We need a referral from a counselor, psychologist, etc.", "No prescription is needed.",
    ]


def test_served_states_are_read_in_whole_sentences_across_abbreviations() -> None:
    # Cut at "St." the state would stand in a sentence of its own, away from "telehealth".
    html = "<p>We see patients by telehealth across the St. Louis area and all of Missouri.</p>"
    contacts = extract_contacts([parse_page(f"<html><body>{html}</body></html>", "http://a.test/")], "a.test")
    assert contacts.serves_states == ["MO"]
