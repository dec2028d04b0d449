"""Years a site states for its own offers: "In 2023 we added a KAP program", "We stopped
providing it in 2024", "Harpeth Ketamine Center opened in 2019".

`ketadir show` lists them beside when the crawl first saw each offer, as dated facts with the
sentence and page they come from. A year counts when the sentence says the practice itself
(first person, or its name) started or stopped something in a year that has come: study
dates, bylines, copyright lines and the years of other people's doings are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from crawler.extract.text import split_sentences
from crawler.items import Page, Record

_YEAR_PHRASE = re.compile(
    r"\b(?:since|in|from|as of|back in|starting in|beginning in|until|through|"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)|"
    r"(?:early|late|mid|the (?:spring|summer|fall|autumn|winter) of))[ -]+(?:of )?(?P<year>19[5-9]\d|20\d\d)\b",
    re.I,
)
_STARTED = re.compile(
    r"\b(?:added|began|begun|start(?:ed)?|opened|founded|launched|introduced|established|expanded|"
    r"(?:have|has|'ve|’ve) (?:been )?(?:offer|provid|giv|serv|treat)\w*|serv(?:ed|ing)|offer(?:ed|ing)|provid(?:ed|ing))\b",
    re.I,
)
_STOPPED = re.compile(r"\b(?:stopped|closed|ended|discontinued|no longer|retired|paused|suspended)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:we|our|us|I|we've|we’ve)\b", re.I)
_NOT_OURS = re.compile(r"©|\bcopyright\b|\ball rights reserved\b|\bstud(?:y|ies)\b|\btrial\b|\bpublished\b|\bFDA\b", re.I)


@dataclass
class DatedFact(Record):
    """A year the site gives for starting or stopping something, with its evidence."""

    year: int
    event: str  # "started" or "stopped"
    text: str
    url: str
    labels: list[str] = field(default_factory=list)  # services (and kap) the sentence names


def stated_years(pages: list[Page], name: str = "", today: date | None = None) -> list[DatedFact]:
    """Each dated start or stop the pages state about the practice (name: the clinic's own),
    once per sentence, oldest first."""
    this_year = (today or date.today()).year
    found: dict[str, DatedFact] = {}
    for page in pages:
        for block in page.blocks:
            for sentence in split_sentences(block.text):
                fact = _fact(sentence, page.url, name, this_year)
                if fact is not None:
                    found.setdefault(sentence, fact)
    return sorted(found.values(), key=lambda f: (f.year, f.text))


def _fact(sentence: str, url: str, name: str, this_year: int) -> DatedFact | None:
    when = _YEAR_PHRASE.search(sentence)
    if when is None or int(when.group("year")) > this_year or _NOT_OURS.search(sentence):
        return None
    ours = _FIRST_PERSON.search(sentence) or (name and name.casefold() in sentence.casefold())
    if not ours:
        return None
    event = "stopped" if _STOPPED.search(sentence) else "started" if _STARTED.search(sentence) else ""
    if not event:
        return None
    return DatedFact(int(when.group("year")), event, sentence, url, _labels(sentence))


def _labels(sentence: str) -> list[str]:
    from crawler.extract.cues import KAP_SPECIFIC, ROUTES

    labels = ["kap"] if KAP_SPECIFIC.search(sentence) else []
    return labels + [route for route, words in ROUTES.items() if words.search(sentence)]
