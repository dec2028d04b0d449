"""Records passed between the stages: crawl -> store -> parse/classify -> index -> CLI.

They are plain dataclasses so every stage can be tested without the others, and so a
record survives a round trip through JSON in the SQLite store (``to_dict``/``from_dict``).
Field order of ``ExportRow`` is the CSV column order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

MODALITIES = ("kap", "adjunctive-referral", "infusion-only", "unclear", "not-a-provider")
SERVICES = (
    "iv-infusion",
    "im-injection",
    "esketamine-nasal",
    "oral-sublingual",
    "at-home",
    "kap-individual",
    "kap-group",
    "psychotherapy",
    "integration",
)
CONDITIONS = (
    "depression",
    "anxiety",
    "ptsd",
    "ocd",
    "bipolar",
    "chronic-pain",
    "suicidal-ideation",
    "migraine",
    "fibromyalgia",
    "substance-use",
    "eating-disorder",
)

# Where on a page a block of text sat. Navigation and footers repeat on every page and
# carry menus and addresses, not offers, so classification weighs them differently.
REGIONS = ("main", "header", "nav", "footer", "aside")

# What kind of page a URL is; a blog post or news article weighs less than a services page.
PAGE_KINDS = (
    "home",
    "services",
    "about",
    "team",
    "contact",
    "locations",
    "faq",
    "pricing",
    "blog",
    "news",
    "other",
)


class Record:
    """JSON round trip shared by the records below.

    Performance layer: every parsed page and every decision passes through here, so it is
    timed in the bench row "parse+classify: ketadir / lxml floor, pages per CPU-s"
    (bench/RESULTS.md, **Record.to_dict without deep copies**). It uses only public
    dataclasses APIs; a new field holding nested records needs its entry in _NESTED, or
    from_dict leaves it as dicts (the store round-trip tests catch that).
    """

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for JSON. Unlike dataclasses.asdict it does not deep-copy every value;
        lists and dicts are copied one level."""
        out: dict[str, Any] = {}
        for name in _field_names(type(self)):
            value = getattr(self, name)
            if isinstance(value, list):
                value = [v.to_dict() if isinstance(v, Record) else v for v in value]
            elif isinstance(value, dict):
                value = dict(value)
            elif isinstance(value, Record):
                value = value.to_dict()
            out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]):  # noqa: ANN206 - returns cls
        """Unknown keys (from a newer or older version) are ignored. Called for every block of
        every stored page, so the field lists are worked out once per class."""
        known, nested = _decoding_plan(cls)
        kwargs = {k: v for k, v in data.items() if k in known} if nested or not data.keys() <= known else data
        for name, record in nested:
            if name in kwargs:
                kwargs[name] = [record.from_dict(x) for x in kwargs[name]]
        return cls(**kwargs)


@dataclass
class TextBlock(Record):
    """One paragraph, list item, heading or table cell of visible text."""

    text: str
    region: str = "main"  # one of REGIONS
    tag: str = "p"  # the HTML element it came from: p, li, h1..h6, td, div, ...
    heading: str = ""  # the nearest heading above it, for context


@dataclass
class Page(Record):
    """Everything later stages need from one fetched page; produced by crawler.extract.parse.

    The DOM is read once; nothing downstream touches HTML again.
    """

    url: str
    kind: str = "other"  # one of PAGE_KINDS
    title: str = ""
    lang: str = ""
    blocks: list[TextBlock] = field(default_factory=list)
    structured: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD / microdata objects
    meta: dict[str, str] = field(default_factory=dict)  # og:site_name, og:title, description...
    logo_alts: list[str] = field(default_factory=list)
    tel_links: list[str] = field(default_factory=list)  # href of tel: links, as written
    mailto_links: list[str] = field(default_factory=list)  # address part of mailto: links
    problems: list[str] = field(default_factory=list)  # e.g. "broken-json-ld": counted in stats


@dataclass
class Location(Record):
    """One office. Empty strings where the site does not say."""

    street: str = ""
    city: str = ""
    state: str = ""  # two-letter USPS code
    zip: str = ""  # five digits
    phone: str = ""  # formatted "(505) 555-0134"
    name: str = ""  # the office's own name when the site gives one
    source: str = ""  # "json-ld", "microdata", "text"
    url: str = ""  # page it was read from


@dataclass
class Contacts(Record):
    """Who the site is and how to reach it; produced by crawler.extract.contacts."""

    name: str = ""
    locations: list[Location] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)  # formatted, main number first
    emails: list[str] = field(default_factory=list)
    serves_states: list[str] = field(default_factory=list)  # telehealth / at-home coverage


@dataclass
class Evidence(Record):
    """A sentence that moved a decision, the page it is on, and what it said."""

    text: str
    url: str
    supports: str  # e.g. "kap", "adjunctive-referral", "medical-ketamine", "against:kap", "service:iv-infusion"
    weight: float = 0.0
    rule: str = ""  # the cue that read the sentence (crawler.extract.cues), e.g. "offer.passive-procedure"
    role: str = ""  # what the sentence does: offer, own-therapy, outside-therapy, negated, publisher...


@dataclass
class Decision(Record):
    """The classification of one site; produced by crawler.extract.classify."""

    modality: str
    confidence: float
    services: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    rule: str = ""  # the decision rule that turned the pooled evidence into the modality


@dataclass
class Clinic(Record):
    """One site as the directory lists it: what the index holds and search returns."""

    site: str  # host without www., the clinic's unique id
    website: str  # scheme://host/
    name: str
    modality: str
    confidence: float
    services: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    serves_states: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    rule: str = ""  # the decision rule behind the modality (crawler.extract.classify.DECISION_RULES)
    last_crawled: str = ""  # ISO 8601 UTC
    pages: int = 0


@dataclass
class ExportRow(Record):
    """One CSV row: a clinic at one location. Field order is the column order."""

    name: str
    modality: str
    services: str
    conditions: str
    street: str
    city: str
    state: str
    zip: str
    phone: str
    email: str
    website: str
    confidence: float
    evidence: str
    evidence_url: str
    last_crawled: str
    serves_states: str = ""
    distance_miles: str = ""
    stale: str = ""  # "yes" or empty, as every yes/no cell
    site: str = ""  # the key `ketadir show` takes
    status: str = ""  # active | gone
    telehealth: str = ""  # "yes": listed for the states it serves, with no office that matched


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@lru_cache(maxsize=None)
def _decoding_plan(cls: type) -> tuple[frozenset[str], tuple[tuple[str, type[Record]], ...]]:
    """(field names, (field, record type) for each list of nested records)."""
    names = _field_names(cls)
    return frozenset(names), tuple((n, _NESTED[cls.__name__, n]) for n in names if (cls.__name__, n) in _NESTED)


_NESTED: dict[tuple[str, str], type[Record]] = {
    ("Page", "blocks"): TextBlock,
    ("Contacts", "locations"): Location,
    ("Decision", "evidence"): Evidence,
    ("Clinic", "locations"): Location,
    ("Clinic", "evidence"): Evidence,
}


@dataclass
class FetchedPage:
    """What the spider yields for one HTML response; the pipelines parse and store it."""

    url: str
    site: str
    status: int
    # Left out of repr: Scrapy logs an item that fails in a pipeline, and a whole page in
    # every such line once filled a full disk's last room.
    body: bytes = field(repr=False)
    encoding: str
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""  # sha1 of body, set by the parse pipeline
    packed: PackedPage | None = field(default=None, repr=False)  # filled by the parse pipeline
    unchanged: bool = False  # same content as last time: not parsed again


@dataclass
class PackedPage:
    """A parsed page in the form the store keeps it, made in a parse worker beside the parse
    (compressing and encoding cost the crawl process as much as fetching did)."""

    body_z: bytes  # the raw body, compressed (store.compress_body)
    parsed: str  # the Page as JSON
    problems: list[str]


@dataclass
class FetchError:
    """A request that produced no page: kept so the run can report every bad site by reason."""

    url: str
    site: str
    reason: str
    # The site answered, with something that is not a page to read (a PDF or an image): it is
    # alive, so this does not count toward gone.
    answered: bool = False
    status: int = 0  # the HTTP status of the answer, when one came (404: the page is gone)
