"""Site -> Decision: which kind of ketamine provider a site is, with the sentences that show it.

Real clinic sites explain treatments they do not give, compare themselves with other models
and say what they no longer offer, and they describe their own care as procedure ("the
infusion is given over 40 minutes", "you will rest in a recliner", "our nurse will place the
IV") more often than as "we offer". So every clause is read for *what it does*, with the named
cues of ``crawler.extract.cues``: offers in any grammatical form, the provider's own therapy, therapy
with an outside provider, negated offers, explanation, and the voice of publishers. What it is
*about* (ketamine, a route, a condition) is read beside it, from the clause or from the page
it is on. Evidence is pooled over every page of the site, then the decision rules below turn
the pooled weights into one modality, a confidence and the evidence that decided it.

Pure functions only: no I/O, no clocks, no randomness.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, NamedTuple
from urllib.parse import urlsplit

from crawler.extract import cues as V
from crawler.extract.cues import Cue
from crawler.extract.prefilter import prefiltered
from crawler.extract.structured import PROVIDER_TYPES, PUBLISHER_TYPES, type_names, types_of
from crawler.extract.text import split_sentences
from crawler.items import Decision, Evidence, Page

MAX_EVIDENCE = 8

# How much a sentence counts by the kind of page it is on: explainers on blogs and news
# pages are common on clinic sites and rarely describe what the clinic itself does.
KIND_WEIGHT = {
    "home": 1.0,
    "services": 1.0,
    "pricing": 1.0,
    "about": 0.9,
    "team": 0.9,
    "contact": 0.9,
    "locations": 0.8,
    "other": 0.8,
    "faq": 0.8,
    "blog": 0.45,
    "news": 0.2,
}
_POST_KINDS = frozenset({"blog", "news"})  # posts: a writer's voice as often as the practice's
# Menus, footers, cookie banners and sidebars repeat on every page and carry no offers. Page
# headers hold the site name and menu, but some themes put the hero sentence there too: their
# prose (not their menu items) counts, at half weight.
REGION_WEIGHT = {"main": 1.0, "header": 0.5}
# Publishers name themselves in footers ("Contact the newsroom") as much as in their text.
PUBLISHER_REGION_WEIGHT = {"main": 1.0, "header": 0.5, "footer": 0.5, "nav": 0.25, "aside": 0.25}
_MENU_TAGS = ("li", "a", "button", "option", "label")
FOREIGN_PAGE_WEIGHT = 0.2  # a profile or listing of someone else on a directory

# Decision thresholds on pooled weights (one plain offer sentence on a services page is 1.0).
PROVIDER_MIN = 0.9  # below this the site never speaks as a ketamine provider
# A site reads as a publisher when its publisher cues reach this and outweigh its offers, scaled:
# clinics cite research and sign their posts, so a little of that voice does not make one.
PUBLISHER_MIN = 1.5
IDENTITY_MIN = 0.3  # offers that say who is offering (V.IDENTITY_CUES), its name or structured data
PUBLISHER_RATIO = 0.6
KAP_MIN = 0.8
REFERRAL_MIN = 0.6
MEDICAL_MIN = 0.8
MEDICAL_MODEL_MIN = 0.2  # one plain sentence of the medical model decides only between unclear and infusion-only
SERVICE_MIN = 0.5
CONDITION_MIN = 0.15
INTEGRATION_MIN = 0.8
ENDED_MIN = 2  # sentences saying the ketamine care was discontinued, with no route still offered
# In-house therapy told without "we" or "our" gives way when the patient's own therapist is
# spoken of this many times as often.
REFERRAL_DOMINATES = 3.0
SURVEY_ROUTES = 3  # a clause naming this many routes, in no one's voice, surveys them
TOPIC_FROM_PAGE = 0.75  # a clause about "the treatment" on a ketamine page, against one naming ketamine
TOPIC_PAGE_ONLY = 0.4  # any other clause on a ketamine page ("the process is handled by our staff")

ROUTE_SERVICES = ("iv-infusion", "im-injection", "esketamine-nasal", "oral-sublingual", "at-home")

_WEAK_VOICE = V.READINGS["offer.first-person-mention"]
_LEAD_IN = V.READINGS["offer.lead-in-list"]
_TAGLINE = V.READINGS["offer.tagline"]
_BOOKING_BUTTON = prefiltered(
    r"^(?:book|schedule|request|make)(?: (?:now|online|today|an? (?:appointment|consult\w*|visit|session|infusion)|"
    r"your (?:appointment|consult\w*|visit|session|infusion)))?\s*[!.→>»]?$|^(?:call|text) (?:us|now|today)\b",
    re.I,
)
# Procedure readings a negation turns into an instruction or a restriction.
_PROCEDURE_ONLY = frozenset(c.name for c in V.OFFER_CUES if c.name not in V.IDENTITY_CUES) | {
    "offer.listed-under-offer-heading"
}
# Offers in someone's voice: a list under a "Services" heading names care but says nobody's.
_SPEAKS = V.IDENTITY_CUES - {"offer.listed-under-offer-heading"}
# A list written as paragraphs: "- Botox", "• Ketamine therapy".
MENU_LINE_WORDS = 12  # a paragraph this short on a menu page is an item's line, not a description
_BULLETED = re.compile(r"^[-–•·*]\s")
_IS_NOT = prefiltered(r"\b(?:is|are)(?:n['’]t| not) (?:a|an|the)\b", re.I)
_WE = prefiltered(r"\b(?:[Ww]e|[Oo]ur|us)\b")
# The care a page is headed for, named without its name: "this approach", "this kind of care",
# "a truly groundbreaking approach to mental health".
_THIS_CARE = prefiltered(
    r"\b(?:this|that|these|an?) (?:[\w-]+ ){0,3}(?:approach|care|treatment|therapy|work|service|modality)s?\b", re.I
)
_PRACTICES_IN_GENERAL = prefiltered(r"\b(?:clinics|practices|cent(?:er|re)s|programs|providers)\b", re.I)
_WE_SUBJECT = prefiltered(r"(?:[Ww]e|[Oo]ur (?:team|practice|clinic|staff))\b")
_PERSONAL = prefiltered(r"\b(?:[Ww]e|[Oo]urs?|us|[Mm]y|me|[Yy]ou|[Yy]our|[Yy]ou'll|[Yy]ou're)\b|(?<![\w'’])I(?![\w'’])")
# On a page where the provider speaks as "we", its passive procedure text is its own procedure.
_VOICED_WEIGHT = {"offer.passive-procedure": 0.75}
_FAQ_YES = prefiltered(r"^(?:Yes|Yep|Absolutely|Definitely|Of course)\b[.!,]?", re.I)
_FINITE_VERB = prefiltered(
    r"\b(?:is|are|was|were|has|have|had|can|will|may|do|does|did|we|you|I|it)\b|\w+(?:ed|es)\b(?! by)", re.I
)
_MEDICINE_CONTEXT = prefiltered(
    r"\b(?:es)?ketamine\b|\bspravato\b|\bKAP\b|\bKAT\b|\bmedicine\b|\bjourneys?\b|\bdos(?:e|es|ing)\b|\blozenges?\b|"
    r"\bpsychedelic|\binfusions?\b|\binjections?\b|\bintramuscular\b|\bnasal spray\b|\btroches?\b|"
    r"\bexpanded[- ]state\b|\bexperiences?\b",
    re.I,
)
_SESSION_WORD = prefiltered(
    r"\b(?:medicine|ketamine|dosing|journeys?|sessions?|experiences?|preparation|prepar\w+|integrat\w+|KAP|"
    r"in the room|present|lozenges?|infusions?|on screen|insights?|learned|afterwards?|surfaced|comes? up|came up|"
    r"meetings?|ready|holds? (?:the )?(?:room|space)|holding (?:the )?(?:room|space)|sit(?:s|ting)? in)\b",
    re.I,
)
_PARTNER_PRESCRIBER = prefiltered(
    r"\b(?:partner\w*|collaborat\w*|work\w*) (?:with|alongside) (?:a |an |our |my )?(?:prescribing |medical |"
    r"physician |excellent )?"
    r"(?:prescriber|prescribing (?:clinician|physician)|physician|psychiatrist|medical (?:team|provider)|provider|"
    r"[A-Z]\w+ Clinical|Dr\.? [A-Z]\w+)\b|\bphysician partner\b|\bprescribed (?:for you )?by\b|\bin partnership with "
    r"(?:Dr\.? [A-Z]|a (?:prescribing |medical )?(?:physician|prescriber|psychiatrist))",
)
_GROUP = prefiltered(
    r"\bgroup (?:KAP|ketamine|format|sessions?|settings?|therapy|journeys?)\b|\bKAP groups?\b|"
    r"\bgroups?\b.{0,40}\bKAP\b|\bin (?:individual and )?group settings\b|"
    r"\bketamine[- ]assisted (?:psycho)?therapy retreats?\b",
    re.I,
)
_INTEGRATION = prefiltered(r"\bintegrat(?:ion|e|ing)\b", re.I)
_THERAPIST_CREDENTIAL = prefiltered(
    r"\b(?:" + V.THERAPY_LICENCE + r"|PhD|Ph\.D\.)\b|"
    r"\b(?:licensed (?:clinical social worker|professional counsell?or|psychologist|marriage and family therapist)|"
    r"psychologist|psychotherapist)\b"
)
_PRESCRIBER_CREDENTIAL = prefiltered(
    r"\b(?:MD|M\.D\.|DO|PMHNP|NP|APRN|FNP|CRNA)\b|\b(?:psychiatrist|physician|nurse practitioner|anesthesiologist)\b"
)
_KETAMINE_CARE = prefiltered(r"\bketamine (?:treatments?|care|therapy|sessions?|program|service)\b", re.I)
_ORG_WORDS = ("Therapy", "Psychotherapy", "Counseling", "Counselling", "Psychology", "Clinic", "Clinics", "Center",
              "Centre", "Wellness", "Health", "Psychiatry", "Institute", "Infusions", "Medical", "Lounge")
_THERAPY_ORG_WORDS = {"Therapy", "Psychotherapy", "Counseling", "Counselling", "Psychology"}
_ORG = prefiltered(
    r"\b((?:[A-Z][\w'&-]+ ){1,4}(?:" + "|".join(_ORG_WORDS) + r")(?: of [A-Z]\w+)?|(?:The )?(?:"
    + "|".join(_ORG_WORDS) + r") for (?:[A-Z]\w+ ?){1,3})"
)
# Capitalised words that make a heading look like a name without being one.
_GENERIC_CAPS = {
    "ketamine", "ketamine-assisted", "assisted", "psychedelic", "psychedelic-assisted", "infusion", "infusions", "iv",
    "the", "a", "an", "our", "your", "what", "how", "why", "is", "of", "benefits", "traditional", "couples", "eft",
    "group", "individual", "mental", "exploring", "understanding", "intravenous", "esketamine", "spravato",
    "virtual", "integration", "talk", "behavioral", "cognitive", "art", "music", "about", "at-home", "in-person",
    "home", "welcome", "frequently", "faq", "faqs", "psychotherapy", "therapy", "treatment", "treatments", "care",
    "clinic", "services", "and", "for", "in", "with", "to",
}


@dataclass(frozen=True)
class DecisionRule:
    """One of the ordered rules that turn pooled weights into a modality."""

    name: str
    modality: str
    says: str


DECISION_RULES: dict[str, DecisionRule] = {
    r.name: r
    for r in (
        DecisionRule("no-ketamine", "not-a-provider", "the site never names ketamine"),
        DecisionRule("publisher", "not-a-provider", "it reads as a publisher, directory or society more than a provider"),
        DecisionRule("no-offer", "not-a-provider", "it talks about ketamine but never offers it"),
        DecisionRule("own-therapy", "kap", "its own therapists or guides prepare, sit with or integrate the sessions"),
        DecisionRule("kap-practice", "kap", "a practice that itself offers ketamine-assisted psychotherapy"),
        DecisionRule("outside-therapy", "adjunctive-referral", "ketamine is given medically; therapy is expected with an outside provider"),
        DecisionRule("medical-route", "infusion-only", "ketamine is given medically, with no therapy of its own or outside"),
        DecisionRule("therapists-apart", "unclear",
                     "it gives ketamine and offers therapy of its own, but never says whether the two meet"),
        DecisionRule("menu-line", "unclear", "ketamine is only a line on a menu of other services; nothing more is said of it"),
        DecisionRule("offer-without-route", "unclear", "it offers ketamine but does not say enough to tell how"),
        DecisionRule("medical-model", "infusion-only",
                     "it gives ketamine in a medical model (a physician's referral, anesthesiologists) and never speaks "
                     "of therapy, though it names no route"),
        DecisionRule("ketamine-ended", "not-a-provider",
                     "it says it no longer offers ketamine, and no way of giving it is still offered"),
        DecisionRule("offer-to-come", "unclear", "it says it will offer ketamine, not yet that it does"),
        DecisionRule("treats-addiction", "not-a-provider", "it treats addiction to ketamine; it does not give ketamine"),
    )
}


@dataclass
class _Sentence:
    text: str
    url: str
    kind: str
    region: str
    tag: str
    heading: str
    block: str
    weight: float  # by the kind of page and the region it is on
    lead: str = ""  # the sentence ending in ':' that introduces the list this item is in
    tagline: bool = False  # the short line under a page's headline
    topic_page: bool = False  # the page is about ketamine


@dataclass
class _Signals:
    """Weighted evidence per signal ("kap", "adjunctive-referral", "service:iv-infusion", ...)."""

    scores: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    evidence: dict[str, list[Evidence]] = field(default_factory=lambda: defaultdict(list))

    def add(self, name: str, weight: float, sentence: _Sentence, rule: str, role: str) -> None:
        if weight <= 0:
            return
        self.scores[name] += weight
        self.evidence[name].append(Evidence(sentence.text, sentence.url, name, round(weight, 3), rule, role))

    def score(self, name: str) -> float:
        return self.scores.get(name, 0.0)

    def strong(self, name: str, at_least: float = 0.7) -> int:
        """How many distinct sentences back a signal with real weight."""
        return len({e.text for e in self.evidence.get(name, []) if e.weight >= at_least})

    def best(self, name: str) -> list[Evidence]:
        return sorted(self.evidence.get(name, []), key=lambda e: -e.weight)


@dataclass
class _Context:
    """What is known about the site as a whole before its sentences are weighed."""

    brand: set[str]
    therapist_practice: bool  # the site is a therapist's own practice
    ketamine_pages: set[str]  # pages that name ketamine anywhere
    topic_pages: set[str]  # pages about ketamine: their title or a heading names it
    menu_pages: set[str] = field(default_factory=set)  # pages headed "Our services", "Treatments"...
    foreign_pages: set[str] = field(default_factory=set)  # profiles and listings of someone else
    voiced_pages: set[str] = field(default_factory=set)  # pages where the provider speaks as "we"
    ketamine_titled: set[str] = field(default_factory=set)  # pages whose title or a heading names ketamine
    kap_titled: set[str] = field(default_factory=set)  # pages headed for ketamine psychotherapy or a group program
    kap_named: bool = False  # the site's own name names ketamine psychotherapy ("Harbor KAP Collective")
    ketamine_named: bool = False  # the site's own name (or its web address) names ketamine
    host: str = ""  # the site's host without www. and the top-level domain, read as a name
    infusion_is_a_name: bool = False  # "we call our shots infusions": the word alone is not the IV route
    speakers: set[tuple[str, str]] = field(default_factory=set)  # (url, name) of interview/comment turns
    heading_routes: dict[str, list[str]] = field(default_factory=dict)  # routes a heading names, per heading
    page_routes: dict[str, list[str]] = field(default_factory=dict)  # the routes a page is about
    site_routes: list[str] = field(default_factory=list)  # the one or two routes the site's pages are about
    referrer_pages: set[str] = field(default_factory=set)  # pages addressed to referring clinicians
    hosting_pages: set[str] = field(default_factory=set)  # ... whose therapy stays with those clinicians
    addiction_pages: set[str] = field(default_factory=set)  # pages headed for ketamine as a drug of addiction
    therapists: frozenset[str] = frozenset()  # names of the site's own credentialed therapists ("Luis", "Ortega")

    def routes_in_heading(self, heading: str) -> list[str]:
        """Many sentences share a heading: each is read once per site."""
        if heading not in self.heading_routes:
            self.heading_routes[heading] = [r for r, p in V.ROUTES.items() if p.search(heading)]
        return self.heading_routes[heading]


@dataclass
class SentenceReading:
    """How the classifier read one sentence: its role and the cue behind it."""

    text: str
    url: str
    role: str
    rule: str


@dataclass
class _Site:
    signals: _Signals
    publisher: float
    ketamine_mentions: int
    readings: list[SentenceReading]
    addiction_pages: int = 0  # pages headed for ketamine as a drug of addiction ("Ketamine Detox")


def classify_site(pages: list[Page]) -> Decision:
    """Classify one site from all of its pages; evidence is pooled over the whole site."""
    return _decide(_read_site(pages))


@dataclass
class Explanation:
    """Why a site got its modality: the decision, every cue that fired on the site with its
    weight and page, and the decision rule that turned the pooled weights into the modality."""

    decision: Decision
    evidence: list[Evidence]  # every cue that fired, heaviest first within each signal
    scores: dict[str, float]  # the pooled weight of each signal
    says: str  # the decision rule, in words


def explain_site(pages: list[Page]) -> Explanation:
    """classify_site, with everything it weighed: for `ketadir show --why`."""
    site = _read_site(pages)
    decision = _decide(site)
    evidence = [e for name in sorted(site.signals.evidence) for e in site.signals.best(name)]
    scores = {name: round(score, 3) for name, score in sorted(site.signals.scores.items())}
    scores["publisher"] = round(site.publisher, 3)
    return Explanation(decision, evidence, scores, DECISION_RULES[decision.rule].says)


def read_sentences(pages: list[Page]) -> list[SentenceReading]:
    """Every sentence of the site with the role the classifier gave it, once the site is
    decided: on a site that reads as a publisher, everything on it is its reporting."""
    site = _read_site(pages)
    decision = _decide(site)
    if decision.modality != "not-a-provider" or site.publisher < PUBLISHER_MIN:
        return site.readings
    return [SentenceReading(r.text, r.url, "publisher", r.rule or "publisher.site") for r in site.readings]


def _read_site(pages: list[Page]) -> _Site:
    """Every signal the site gives, weighted."""
    sentences = list(_sentences(pages))
    ctx = _context(pages, sentences)
    for s in sentences:
        s.topic_page = s.url in ctx.topic_pages
        if s.url in ctx.foreign_pages:
            s.weight *= FOREIGN_PAGE_WEIGHT
    signals = _Signals()
    readings = []
    for s in sentences:
        role, rule = _read_sentence(s, ctx, signals)
        if s.region == "main":
            readings.append(SentenceReading(s.text, s.url, role, rule))
    _read_team(pages, sentences, signals)
    publisher = _read_publisher(pages, sentences, ctx, signals, readings)
    _read_brand(pages, ctx, signals)
    _read_route_pages(pages, ctx, signals)
    _read_ketamine_page(pages, ctx, signals)
    _read_referrer_pages(pages, ctx, signals)
    ketamine_mentions = sum(1 for s in sentences if _names_ketamine(s.block) and _names_ketamine(s.text)) + sum(
        1 for p in pages if _names_ketamine(p.title)
    ) + ctx.ketamine_named
    return _Site(signals, publisher, ketamine_mentions, readings, len(ctx.addiction_pages))


def _context(pages: list[Page], sentences: list[_Sentence]) -> _Context:
    brand = _brand_names(pages)
    main_text = " ".join(s.text for s in sentences if s.region == "main")
    ctx = _Context(
        brand=brand,
        therapist_practice=bool(V.THERAPIST_SELF.search(main_text) or V.THERAPY_PRACTICE_SELF.search(main_text))
        or any(V.THERAPY_BRAND.search(b) and not V.KETAMINE_BRAND.search(b) for b in brand),
        ketamine_pages=_ketamine_pages(pages),
        topic_pages={p.url for p in pages if _about_ketamine(p)},
    )
    ctx.menu_pages = {
        p.url for p in pages if any(b.tag in ("h1", "h2") and V.MENU_HEADING.search(b.text) for b in p.blocks)
    }
    ctx.foreign_pages = {p.url for p in pages if V.FOREIGN_PAGE.search(_own_title(p, brand))}
    ctx.voiced_pages = {
        s.url for s in sentences if s.region == "main" and _WE.search(s.text) and not V.WRITER_WE.search(s.text)
    }
    ctx.ketamine_titled = {
        p.url for p in pages
        if _names_ketamine(p.title)
        or any(b.tag in V.HEADING_TAGS and b.region == "main" and _names_ketamine(b.text) for b in p.blocks)
    }
    ctx.kap_titled = {
        p.url for p in pages
        if any(V.KAP_SPECIFIC.search(t) or _GROUP.search(t) for t in [p.title] + [b.text for b in p.blocks if b.tag == "h1"])
        and not V.FOR_REFERRERS.search(p.title)  # "Requirements for collaborating KAP therapists": theirs
    }
    heads = {p.url: _heads(p) for p in pages}
    ctx.referrer_pages = {url for url, said in heads.items() if any(V.REFERRER_PAGE.search(head) for head in said)}
    ctx.addiction_pages = {url for url, said in heads.items() if any(V.KETAMINE_ABUSED.search(head) for head in said)}
    ctx.hosting_pages = {
        s.url for s in sentences if s.url in ctx.referrer_pages and V.REFERRER_THERAPY_CUES.first(s.text) is not None
    }
    ctx.kap_named = any(V.KAP_SPECIFIC.search(name) for name in brand)
    ctx.host = _host_name(pages)
    ctx.therapists = _own_therapists(sentences, ctx.foreign_pages, ctx.referrer_pages, brand)
    ctx.ketamine_named = any(V.KETAMINE.search(name) for name in brand) or bool(
        V.KETAMINE_HOST.search(ctx.host) and not V.PUBLISHER_HOST.search(ctx.host)
    )
    if ctx.ketamine_named:
        ctx.topic_pages = {p.url for p in pages}  # every page of a ketamine practice is about its ketamine care
    ctx.infusion_is_a_name = any(
        V.NAMING.search(s.text) and re.search(r"\binfusions?\b", s.text, re.I) for s in sentences if s.region == "main"
    )
    for page in pages:
        turns = [m.group(1) for b in page.blocks if ":" in b.text and (m := V.SPEAKER.match(b.text))]
        ctx.speakers |= {(page.url, name) for name in turns if turns.count(name) >= 2 and name not in _FAQ_TURNS
                         and name.split()[0] not in _FIELD_LABELS}
        ctx.page_routes[page.url] = _page_routes(page, ctx.brand)
    named = sorted({r for routes in ctx.page_routes.values() for r in routes})
    ctx.site_routes = named if len(named) <= 2 else []
    return ctx


def _heads(page: Page) -> list[str]:
    """What a page says it is: its title, headline and section headings of the main text."""
    return [page.title] + [b.text for b in page.blocks if b.region == "main" and b.tag in ("h1", "h2")]


def _own_therapists(
    sentences: list[_Sentence], foreign_pages: set[str], referrer_pages: set[str], brand: set[str]
) -> frozenset[str]:
    """The given and family names of therapists the site introduces with a credential
    ("Luis Ortega, LCSW", "clinical social worker Luis Ortega"): when a later clause says
    "Luis provides therapeutic support", the practice speaks. Profiles of others, therapists
    from elsewhere and words of the site's own name don't count."""
    brand_words = {w for name in brand for w in name.split()}
    names: set[str] = set()
    for s in sentences:
        if s.region != "main" or s.url in foreign_pages or s.url in referrer_pages:
            continue  # a page for referring therapists names theirs
        for m in V.NAMED_THERAPIST.finditer(s.text):
            if V.HOMETOWN.match(s.text, m.end()):
                continue  # "Clare Johnson, MFT of Mill Valley": a therapist from elsewhere
            if _other_practice(s.text, m.end(), brand):
                continue  # "Renee Okafor, LPC (Sagebrush Counseling)": another practice's therapist
            given, family = m.group("given") or m.group("given2"), m.group("family") or m.group("family2")
            names |= {
                n for n in (given, family)
                if n and len(n) >= 3 and n.lower() not in _GENERIC_CAPS and n not in brand_words
            }
    return frozenset(names)


def _other_practice(text: str, end: int, brand: set[str]) -> int:
    """Where a named therapist's practice, in brackets after the name, ends when it is not this
    site's ("Renee Okafor, LPC (Sagebrush Counseling)"); 0 otherwise."""
    practice = V.PRACTICE_IN_BRACKETS.match(text, end)
    if practice is None or any(practice.group(1) in name or name in practice.group(1) for name in brand):
        return 0
    return practice.end()


def _as_outside_therapist(text: str, brand: set[str]) -> str:
    """"We work with Renee Okafor, LPC (Sagebrush Counseling)" reads as "... with an outside
    therapist", which the outside-therapy cues know."""
    if "(" not in text:
        return text  # most clauses name no practice in brackets
    for m in V.NAMED_THERAPIST.finditer(text):
        if end := _other_practice(text, m.end(), brand):
            return f"{text[:m.start()]}an outside therapist{text[end:]}"
    return text


def _as_our_therapist(text: str, therapists: frozenset[str]) -> str:
    """The text with the site's own therapists named by role: "Devon stays in the room" reads
    as "our therapist stays in the room", which the own-therapy cues know."""
    names = [n for n in therapists if n in text]
    if not names:
        return text
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.sub(rf"\b(?:{alternatives})(?: (?:{alternatives}))*\b", "our therapist", text)


def _host_name(pages: list[Page]) -> str:
    """"santafeketamine" for http://www.santafeketamine.com/...; "" for saved files."""
    if not pages:
        return ""
    host = urlsplit(pages[0].url).hostname or ""
    parts = host.removeprefix("www.").split(".")
    return ".".join(parts[:-1]) if len(parts) > 1 else ""


def _host_tld(pages: list[Page]) -> str:
    host = urlsplit(pages[0].url).hostname or "" if pages else ""
    return host.rsplit(".", 1)[-1] if "." in host else ""


def _own_title(page: Page, brand: set[str]) -> str:
    """The page's title without the site's name: "Houston Center | Profile | Listings" -> the rest."""
    parts = [p.strip() for p in re.split(r"\s[|–—-]\s", page.title)]
    return " ".join(p for p in parts if p not in brand)


def _about_ketamine(page: Page) -> bool:
    """A page about ketamine: its title, address or a heading names it, or its text does, often."""
    if V.TOPIC_TITLE.search(page.title) or V.TOPIC_TITLE.search(urlsplit(page.url).path.replace("-", " ")):
        return True
    if any(b.tag in V.HEADING_TAGS and b.region == "main" and V.TOPIC_TITLE.search(b.text) for b in page.blocks):
        return True
    lead = next((b for b in page.blocks if b.region == "main" and b.tag == "p"), None)
    if lead is not None and V.TOPIC_TITLE.search(lead.text):
        return True  # the paragraph under the headline says what the page is about
    return sum(1 for b in page.blocks if b.region == "main" and _names_ketamine(b.text)) >= 3


@lru_cache(maxsize=8192)
def _names_ketamine(text: str) -> bool:
    """Whether a text names ketamine; menus, footers and headings repeat on every page of a site."""
    return bool(V.KETAMINE.search(text))


def _page_routes(page: Page, brand: set[str]) -> list[str]:
    """The one or two routes a page is about, from its title, headline and address
    ("/intramuscular-ketamine-injection-treatment/"); none for a comparison. The practice's own
    name is not what the page is about ("Low-Dose Ketamine by IV | Cobalt Spine & Epidural Clinic")."""
    slug = urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
    # an FAQ's questions name the care its answers are about ("How does IV ketamine help depression?")
    heads = [page.title, slug] + [
        b.text for b in page.blocks
        if b.region == "main" and (b.tag == "h1" or (b.tag in V.HEADING_TAGS and b.text.endswith("?")))
    ]
    text = " ".join(heads)
    for name in sorted(brand, key=len, reverse=True):
        if not _names_ketamine(name):  # a title's "At-Home Ketamine Treatment" part is what it is about
            text = text.replace(name, " ")
    if V.COMPARISON.search(text):
        return []
    routes = [r for r, p in V.ROUTES.items() if p.search(text) and not V.OTHER_DRUG.search(text)]
    return routes if len(routes) <= 2 else []


def _ketamine_pages(pages: list[Page]) -> set[str]:
    """Pages that name ketamine anywhere."""
    return {page.url for page in pages if any(_names_ketamine(block.text) for block in page.blocks)}


# "Q: ... A: ..." is an FAQ's question and answer, not an interview's speakers.
_FAQ_TURNS = frozenset({"Q", "A", "Question", "Answer"})
# "Pros: the dose can be adjusted", "Best for: people who want the fastest relief": a list's
# field labels, not speakers.
_FIELD_LABELS = frozenset({
    "Pros", "Cons", "Use", "Uses", "Best", "Ideal", "Note", "Tip", "Cost", "Price", "Duration", "Onset", "Benefits",
    "Risks", "Downsides", "Summary", "Effects", "Dose", "Dosing", "Route", "Format", "Length", "Frequency", "Who", "What",
    "When", "Where", "Why", "How",
})


def _is_speaker_turn(s: _Sentence, ctx: _Context) -> bool:
    if not ctx.speakers:  # most sites have no interview on them
        return False
    m = V.SPEAKER.match(s.block)
    return bool(m) and (s.url, m.group(1)) in ctx.speakers


# --- reading --------------------------------------------------------------------------------


def _has_prose(page: Page) -> bool:
    """Whether a page says anything in sentences (a stub home page holds only its menu).

    A long list item written as a title ("What Is the Ketamine Treatment Protocol?") is a
    link to a post, not a sentence."""
    return any(
        b.region == "main"
        and (b.tag == "p" and b.text.count(" ") >= 2 or b.tag == "li" and b.text.count(" ") >= 7 and not _titled(b.text))
        for b in page.blocks
    )


def _titled(text: str) -> bool:
    """Whether a line reads as a title: a question, or most of its words capitalised."""
    words = text.split()
    return bool(V.QUESTION_END.search(text)) or sum(w[0].isupper() for w in words) * 3 >= len(words) * 2


def _sentences(pages: list[Page]) -> Iterable[_Sentence]:
    # A blog post weighs less than the services page beside it; a site that is nothing but
    # posts (or a single saved article) has no such page, and its posts are all it says.
    only_posts = not any(p.kind not in ("blog", "news", "other") and _has_prose(p) for p in pages)
    seen: set[tuple[str, str]] = set()
    seen_blocks: set[tuple[str, str]] = set()  # a block met before has nothing new to say
    for page in pages:
        kind_weight = KIND_WEIGHT["other"] if only_posts and page.kind == "blog" else KIND_WEIGHT.get(page.kind, 0.8)
        lead = ""
        after_h1 = False
        for block in page.blocks:
            if block.region == "main":
                if block.tag not in V.LIST_TAGS:
                    lead = block.text if V.LEAD_IN.search(block.text) else ""
                tagline = after_h1 and block.tag in ("p", "h2") and _is_tagline(block.text)
                after_h1 = block.tag == "h1"
            else:
                tagline = False
            if (block.text, block.region) in seen_blocks:
                continue
            seen_blocks.add((block.text, block.region))
            weight = kind_weight * REGION_WEIGHT.get(block.region, 0.0)
            item_lead = lead if block.tag in V.LIST_TAGS else ""
            for text in split_sentences(block.text):
                key = (text, block.region)
                if key in seen:  # boilerplate repeated on every page counts once per site
                    continue
                seen.add(key)
                yield _Sentence(
                    text, page.url, page.kind, block.region, block.tag, block.heading, block.text, weight,
                    item_lead, tagline,
                )


def _is_tagline(text: str) -> bool:
    """A short line without a finite verb: "IV ketamine for depression and chronic pain"."""
    return (
        2 <= text.count(" ") <= 15 and not _FINITE_VERB.search(text) and not text.endswith(":")
        and not V.BYLINE.search(text)
    )


class _Clause(NamedTuple):
    text: str
    lead: str = ""  # the leading subordinate clause it follows, whose topic it shares
    subordinate: bool = False  # it is that leading clause: a condition or concession, no offer
    scope: str = ""  # the paragraph it is part of, read once for all its clauses


def _clauses(text: str) -> list[_Clause]:
    """Clauses a negation or a concession cannot reach beyond ("Before your infusion, we check...")."""
    lead = V.LEADING_SUBCLAUSE.match(text)
    parts = [_Clause(lead.group(1), "", True), _Clause(text[lead.end():], lead.group(1))] if lead else [_Clause(text)]
    return [
        _Clause(c.strip(), part.lead, part.subordinate)
        for part in parts
        for c in V.CLAUSE_SPLIT.split(part.text)
        if c and c.strip()
    ]


# What sets a page title's parts apart: "Ketamine Therapy | Restoration Psychiatry".
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ")


def _title_lead(title: str) -> str:
    """A title's first part, before any separator ("Ketamine Therapy")."""
    for sep in _TITLE_SEPARATORS:
        title = title.split(sep, 1)[0]
    return title.strip()


def _brand_names(pages: list[Page]) -> set[str]:
    """Names the site calls itself (title suffixes, og:site_name, logo alt), for "<Brand> offers..."."""
    names: set[str] = set()
    for page in pages:
        candidates = [page.meta.get("og:site_name", ""), *page.logo_alts]
        for sep in _TITLE_SEPARATORS:
            if sep in page.title:
                candidates.append(page.title.rsplit(sep, 1)[-1])
        if page.kind == "home" and page.title and sep_free(page.title):
            candidates.append(page.title)
        for candidate in candidates:
            candidate = candidate.strip()
            words = candidate.split()
            if all(w.lower().strip(",.") in _GENERIC_CAPS for w in words):
                continue  # "Ketamine-Assisted Psychotherapy" names a treatment, not a practice
            if len(words) > 6 or sum(w[:1].islower() for w in words) > 1 or candidate.endswith("?"):
                continue  # "EHR and practice software for ketamine clinics", "Is Ketamine Covered?": not a name
            if any(c.pattern.search(candidate) for c in _SELLING):
                continue  # "EHR Built for Ketamine Clinics": what is sold, not who sells it
            if 2 < len(candidate) < 60:
                names.add(candidate)
                first = candidate.split()[0]
                if first.lower() not in _GENERIC_CAPS and len(first) > 3 and first[0].isupper():
                    names.add(first)
    return names


def _fullest_first(names: set[str]) -> list[str]:
    """The site's names, the fullest first ("PubMed Central" before "PubMed"), in the same
    order on every run: a set's order changes with the interpreter's hash seed."""
    return sorted(names, key=lambda name: (-len(name), name))


def sep_free(title: str) -> bool:
    return not any(sep in title for sep in (*_TITLE_SEPARATORS, ":"))


def _organisations(text: str) -> list[str]:
    """Proper names of practices in a text ("Riverside Therapy", "The Center for Quiet Minds")."""
    found = []
    for m in _ORG.finditer(text):
        words = m.group(1).split()
        distinctive = [w for w in words if w.lower().strip("'’s") not in _GENERIC_CAPS and w not in _ORG_WORDS]
        if distinctive:
            found.append(m.group(1))
    return found


def _brand_voice(text: str, brand: set[str]) -> Cue | None:
    """'<Clinic> offers ...', 'At <Clinic> we ...', 'visit <Clinic>'s website': a practice speaking.
    The site's own name is the provider speaking; another practice named in the text (a news
    story's, a directory's listing) offers something too, but not as this site."""
    organisations = set(_organisations(text)) - brand
    # A site whose own name is unknown (a saved page, a bare text) speaks through the practice it names.
    own, other = (brand | _staff_of(text, brand), organisations) if brand else (organisations, set())
    for names, cue in ((own, _BRAND), (other, _OTHER_BRAND)):
        for name in names:
            i = text.find(name)
            if i < 0:
                continue
            before, after = text[:i], text[i + len(name):]
            if _DRUG_AFTER_NAME.match(after):
                continue  # "Velora (esketamine) nasal spray is available only ...": a drug's name, not a practice's
            relative = re.match(r"\s*(?:that|which|who)\b", after)  # "a clinic that offers": someone else
            if V.BRAND_VERB.search(after) and not relative and not V.REPORTED.search(after[:40]):
                return cue
            if re.search(r"\b(?:At|like|visit|by|stop by|used at|offices of|coordinated by|with)\s*(?:the\s+)?$", before):
                return cue
            if _AT_NAME_VERB.match(after) and _AT_BEFORE_NAME.search(before):
                return cue  # "All KAP services at Ferncroft are provided by ...": the practice's own
    return None


def _staff_of(text: str, brand: set[str]) -> set[str]:
    """"Sagebrush physicians" for Sagebrush Family Medical: the practice named by its people.
    One fixed pattern read after each place the name starts: a pattern per site's name would be
    compiled anew for every site."""
    found: set[str] = set()
    for name in brand:
        first = name.split()[0] if " " in name else ""
        if len(first) < 4 or not first[0].isupper():
            continue
        start = text.find(first)
        while start >= 0:
            after = _STAFF_AFTER_NAME.match(text, start + len(first))
            if after and not (start and _WORD_CHAR.match(text, start - 1)):
                found.add(text[start:after.end()])
                break
            start = text.find(first, start + 1)
    return found


_DRUG_AFTER_NAME = re.compile(
    r"\s*[®™]?\s*(?:\((?:es)?ketamine(?: hydrochloride| HCl)?\)|(?:\((?:es)?ketamine\)\s*)?nasal spray\b)", re.I
)
_AT_BEFORE_NAME = re.compile(r"\bat\s*(?:the\s+)?$")
_AT_NAME_VERB = re.compile(r"\s+(?:is|are|will|can)\b")
_STAFF_AFTER_NAME = re.compile(
    r"['’]?s? (?:[\w-]+ ){0,3}?(?:physicians?|doctors?|nurses?|clinicians?|providers?|team|staff|therapists?|"
    r"counsell?ors?|psychiatrists?|anesthesiologists?)\b"
)
_WORD_CHAR = re.compile(r"\w")


def _menu_item(s: _Sentence, ctx: _Context) -> bool:
    """A line of a page that is a menu of services: a list item, a paragraph set as one ("- Botox"),
    or a short paragraph in no one's voice that lists what a section holds ("Hydration, NAD+ and
    ketamine drips.")."""
    if s.url not in ctx.menu_pages:
        return False
    if s.tag in ("li", "dd") or _BULLETED.match(s.text):
        return True
    return s.tag == "p" and s.text == s.block and len(s.text.split()) <= MENU_LINE_WORDS and not _PERSONAL.search(s.text)


def _therapy_org(text: str) -> bool:
    """A named psychotherapy practice ("<Name> Therapy", "<Name> Counseling")."""
    return any(
        set(org.split()) & _THERAPY_ORG_WORDS and not V.KETAMINE_BRAND.search(org) for org in _organisations(text)
    )


def _voice(s: _Sentence, clause: str, ctx: _Context, subordinate: bool = False, scope: str = "") -> Cue | None:
    """The cue by which a clause speaks as the provider offering something, if any."""
    if (V.SUBORDINATE if subordinate else V.CONCESSION).match(clause) or V.GENERIC_SUBJECT.match(clause):
        return None  # conceded, conditional, or other practices: "Most clinics recommend six infusions"
    if V.BYLINE.search(clause):
        return None  # "Posted January 8, 2024 by Dr. Alan Pruitt, MD": a post's author, not an offer
    if V.PATIENT_SPEAKS.search(clause):
        return None  # "My first ketamine infusion is scheduled": a patient, not a provider
    if _QUOTED.match(s.block) and not _ATTRIBUTED.search(s.block):
        # a paragraph in quotation marks is someone else's words (a quoted ad, a testimonial);
        # '"We use what works," says our director' is the practice's own
        return None
    if any(c in _publisher_hits(s.block) and c.pattern.search(clause) for c in _SELLING):
        # "the scheduling platform designed for ketamine clinics", "this program trains
        # clinicians to": selling to them or teaching them, not treating
        return None
    kind, tag, heading = s.kind, s.tag, s.heading
    menu_heading = s.url in ctx.menu_pages and tag in V.HEADING_TAGS and tag != "h1" and _names_ketamine(clause)
    if _menu_item(s, ctx) or menu_heading:
        return V.OFFER_CUES.cues[0]  # an item of the menu: "- Ketamine therapy", a "Ketamine" section heading
    # "Our therapists, who are trained in psychedelic therapy, help clients...": the subject and
    # its verb without the aside between them.
    if ", wh" in clause:
        clause, scope = V.APPOSITIVE.sub("", clause), V.APPOSITIVE.sub("", scope)
    for c in V.OFFER_CUES.within(scope or clause):
        if c.fires(clause, kind, tag, heading):
            if c.name == "offer.price" and V.PRICE_RANGE.search(s.text + " " + heading):
                continue
            if c.name == "offer.first-person" and (V.WRITING_OFFERED.search(clause) or V.OFFERS_NONE.search(clause)):
                continue  # "we offer an in-depth guide": writing, not care; "we offer no guarantee": nothing
            if any(m.search(clause) for m in _NOT_CARE_OFFERED):
                return None
            if c.name == "offer.passive-procedure" and V.THIRD_PARTY.search(clause):
                continue  # "infusions are given in person at specialized clinics": elsewhere
            if c.name == "offer.founded-by" and _PRACTICES_IN_GENERAL.search(clause) and not _WE.search(clause):
                continue  # "clinics that offer KAP are usually run by psychiatrists": clinics in general
            if c.name in _PROCEDURE_ONLY and (named := _brand_voice(clause, ctx.brand)) is _BRAND:
                return named  # "At <Clinic>, the first step is a consultation": the practice speaking
            return c
    named = _brand_voice(clause, ctx.brand)
    if named is not None:
        return named
    if s.lead and tag in V.LIST_TAGS and _lead_voice(s.lead):
        return _LEAD_IN
    if s.tagline:
        return _TAGLINE
    if V.FIRST_PERSON.search(clause):
        return _WEAK_VOICE
    return None


# Clauses that sound like an offer but offer no care here: "I write about my own ketamine
# treatment" (a writer), "the program offers small grants toward treatment" (money), "I can refer
# them to reputable clinics for IV ketamine" (given elsewhere).
_NOT_CARE_OFFERED = (V.WRITES_ABOUT, V.FUNDS_OFFERED, V.REFERS_OUT)
_QUOTED = re.compile(r"^[\"“„]")
_ATTRIBUTED = re.compile(r"[\"”],? (?:says|said|explains|explained|notes|noted|adds|added)\b")
_BRAND = V.READINGS["offer.brand-voice"]
_VENDOR = next(c for c in V.PUBLISHER_CUES if c.name == "publisher.vendor")
_SELLING = (_VENDOR, next(c for c in V.PUBLISHER_CUES if c.name == "publisher.training"))  # to clinics, not patients
_COMING = V.READINGS["offer.coming-soon"]
_THERAPY_LISTED = V.READINGS["service.therapy-listed"]
_THERAPY_HEADED = V.READINGS["service.therapy-headed"]
_OTHER_BRAND = V.READINGS["offer.named-practice"]


def _read_sentence(s: _Sentence, ctx: _Context, signals: _Signals) -> tuple[str, str]:
    """Weigh one sentence into the signals; returns its role and the cue that gave it."""
    if s.region not in REGION_WEIGHT or _is_speaker_turn(s, ctx):
        return "other", ""
    if s.region != "main" and s.tag in _MENU_TAGS:
        return "other", ""
    text = s.text
    if _BROWSER_NOTICE.search(text):
        return "other", ""  # "Sorry, you need to turn on JavaScript": the web page speaking, not the practice
    if (V.QUESTION_END.search(text) and not _OUR.search(text)) or V.POST_TEASER.match(text):
        if s.kind not in _POST_KINDS and _PATIENT_WORD.search(text) and s.url not in ctx.foreign_pages:
            # "What may disqualify me for ketamine infusions?": the patient asks of the practice's route
            for r in _clause_routes(s, text, ctx, bool(V.KETAMINE.search(text))):
                signals.add(f"service:{r}", s.weight * _READER_ASKS.weight, s, _READER_ASKS.name, _READER_ASKS.role)
        return "other", ""  # a visitor's question; "Where do our retreats take place?" is the provider's
    if _FAQ_YES.match(text) and V.QUESTION_END.search(s.heading):
        # "Do I keep seeing my therapist? Yes.": the answer means what the question asks, and the
        # question is the patient's voice ("my therapist" is the patient's own).
        text = f"{_as_told_to_patient(s.heading.rstrip('? '))}. {text}"
    best = ("other", "")
    scope = s.block if text is s.text else text
    if V.DISCONTINUED_ACROSS.search(text):
        clauses = [_Clause(text, scope=scope)]  # "we began with injections but later moved on": one statement
    else:
        clauses = [c._replace(scope=scope) for c in _clauses(text)]
    # A clause that names no route of its own is about the sentence's ("an infusion means
    # needles, but the process is handled by our staff").
    sentence_routes = _clause_routes(s, text, ctx, bool(V.KETAMINE.search(text))) if len(clauses) > 1 else []
    for clause in clauses:
        role, rule = _read_clause(s, clause, sentence_routes, ctx, signals)
        if _ROLE_RANK[role] < _ROLE_RANK[best[0]] or (role == best[0] and rule and not best[1]):
            best = (role, rule)
    return best


_OUR = prefiltered(r"\b[Oo]ur\b")
_TRAINING = V.CUES_BY_NAME["publisher.training"]
_BROWSER_NOTICE = prefiltered(
    r"\b(?:enable|turn on|switch on|activate|allow)\b[^.;]{0,30}\b(?:JavaScript|cookies)\b|"
    r"\bJavaScript (?:is )?(?:required|disabled|turned off|needed)\b|\bworks best with JavaScript\b",
    re.I,
)
_READER_ASKS = V.READINGS["service.reader-asks"]
_PATIENT_VOICE = {"I": "you", "my": "your", "My": "Your", "me": "you", "I'm": "you're", "mine": "yours"}
_PATIENT_WORD = prefiltered(r"(?<![\w'’])(?:I'm|I|[Mm]y|me|mine)(?![\w'’])")


def _as_told_to_patient(question: str) -> str:
    """A visitor's question turned to the provider's answer: "Do I keep seeing my therapist" ->
    "Do you keep seeing your therapist"."""
    return _PATIENT_WORD.sub(lambda m: _PATIENT_VOICE[m.group(0)], question)


_ROLE_RANK = {r: i for i, r in enumerate(
    ("outside-therapy", "own-therapy", "negated", "offer", "publisher", "explainer", "provider", "other")
)}


def _clause_routes(
    s: _Sentence, clause: str, ctx: _Context, names_ketamine: bool, with_ruled_out: bool = False
) -> list[str]:
    """The routes a clause speaks of as given; with_ruled_out, also those it rules out ("no IV"),
    which a negation reads."""
    named, offered, other_drug, naming, iv_proper, this_route = _routes_in(clause)
    routes = named if with_ruled_out else offered
    if other_drug and not names_ketamine:
        return []  # "IV vitamin drips" on a clinic's menu is not a ketamine route
    if naming:
        return []  # "we call our treatments infusions": a name, not the route given
    found = list(routes)
    if not names_ketamine and not _ketamine_in_view(s, ctx):
        found = [r for r in found if r not in V.GENERIC_ROUTES]  # "joint injections" on a clinic's list
    if ctx.infusion_is_a_name and "iv-infusion" in found and not iv_proper:
        found.remove("iv-infusion")
    if this_route or (not found and names_ketamine and _menu_item(s, ctx)):
        found += ctx.routes_in_heading(s.heading)  # "... or ketamine" on a menu, under "Drip bar"
    return found


def _ketamine_in_view(s: _Sentence, ctx: _Context) -> bool:
    """Ketamine named on the sentence's page (its title, headings or text) or in the site's own name."""
    return s.url in ctx.ketamine_pages or s.url in ctx.ketamine_titled or ctx.ketamine_named


@lru_cache(maxsize=8192)
def _routes_in(text: str) -> tuple[tuple[str, ...], tuple[str, ...], bool, bool, bool, bool]:
    """The routes a text names, and what qualifies them; a clause is often its whole sentence,
    and is read again as the context of the clauses beside it."""
    if not V.ANY_ROUTE.search(text):
        return (), (), bool(V.OTHER_DRUG.search(text)), False, False, bool(V.THIS_ROUTE.search(text))
    named = tuple(r for r, p in V.ROUTES.items() if p.search(text))
    offered = V.ROUTE_RULED_OUT.sub(" ", text)
    return (
        named,
        tuple(r for r in named if V.ROUTES[r].search(offered)),
        bool(V.OTHER_DRUG.search(text)),
        bool(V.NAMING.search(text)),
        bool(V.IV_PROPER.search(text)),
        bool(V.THIS_ROUTE.search(text)),
    )


def _without_ketamine_therapy(text: str) -> str:
    """The text without the names of ketamine therapy ("ketamine-assisted therapy", "ketamine
    therapy"), which name a treatment, not a therapist: what is left tells of therapy itself."""
    return V.KAP_LOOSE.sub("", V.MEDICAL_THERAPY.sub("", text))


def _read_clause(
    s: _Sentence, part: _Clause, sentence_routes: list[str], ctx: _Context, signals: _Signals
) -> tuple[str, str]:
    page_weight = s.weight
    if V.KAP_AS_PURPOSE.search(part.text):  # "music made for psychedelic therapy": what the music is for
        part = part._replace(text=V.KAP_AS_PURPOSE.sub("", part.text))
    if (resolved := _as_outside_therapist(_the_one(part.text, part.lead), ctx.brand)) != part.text:
        part = part._replace(text=resolved, scope=f"{part.scope} {resolved}")
    clause, lead = part.text, part.lead
    about = f"{lead} {clause}" if lead else clause
    names_ketamine = bool(V.KETAMINE.search(about))
    routes = _clause_routes(s, clause, ctx, names_ketamine)
    borrowed = [] if routes else _clause_routes(s, lead, ctx, names_ketamine) if lead else sentence_routes
    kap_specific = bool(V.KAP_SPECIFIC.search(clause))
    # On a page about ketamine, "your treatment" and "the series" mean the ketamine care.
    if names_ketamine or routes or borrowed or kap_specific:
        topic = 1.0  # "IM ketamine is used widely, but it is available here": the other clause's topic
    elif s.topic_page and V.TREATMENT_NOUN.search(about):
        topic = TOPIC_FROM_PAGE
    elif s.topic_page:
        topic = TOPIC_PAGE_ONLY
    else:
        topic = 0.0
    if topic and not names_ketamine and _menu_item(s, ctx) and not _names_ketamine(s.heading):
        topic = 0.0  # "Immunity boost drip" on a menu that lists ketamine too: another service
    negation = _negation(clause, part.scope)
    outside = None if negation and not _keeps_own_carer(clause) else _outside_therapy(clause, part.scope)
    if outside is None and negation is None and s.url in ctx.referrer_pages:
        outside = V.REFERRER_THERAPY_CUES.first(clause, part.scope)
    if outside is not None:
        optional = bool(V.OPTIONAL_CONTACT.search(clause))
        weight = page_weight * outside.weight * (0.3 if optional else 1.0)
        signals.add("adjunctive-referral", weight, s, outside.name, "outside-therapy")
        if _WE.search(clause):  # "we work alongside your therapist": the provider speaking
            signals.add("identity", weight, s, outside.name, "outside-therapy")
        _read_conditions(s, clause, page_weight * 0.6, signals, outside.name)
        # "I prescribe oral ketamine for clients whose therapist is elsewhere": the medicine is still offered.
        voice = _voice(s, clause, ctx, part.subordinate, part.scope)
        if voice is not None and voice is not _WEAK_VOICE and topic > 0.0 and (routes or names_ketamine):
            _read_offer(s, clause, voice, voice.weight, topic, routes, borrowed, ctx, signals)
        else:  # "an oral ketamine prescription for use with an outside therapist": the route given
            for r in routes:
                signals.add(f"service:{r}", weight * 0.5, s, outside.name, "outside-therapy")
        # "supported inside our sessions and inside your ongoing therapy": both, and ours counts.
        ours = _first_person_therapy(clause, part.scope)
        if ours is not None and _MEDICINE_CONTEXT.search(" ".join((clause, s.block, s.heading))):
            signals.add("kap", page_weight * ours.weight, s, ours.name, "own-therapy")
            return "own-therapy", ours.name
        return "outside-therapy", outside.name
    if V.REPORTED_QUESTION.search(clause):
        return "other", ""
    if negation is not None:
        heading_routes = ctx.routes_in_heading(s.heading)
        voice = _voice(s, clause, ctx, scope=part.scope)
        named = _clause_routes(s, clause, ctx, names_ketamine, with_ruled_out=True)
        denied = _read_negation(s, clause, negation, named, heading_routes,
                                page_weight * max(voice.weight if voice else 0, 0.5), signals)
        excepted = V.EXCEPTIONS.split(clause, 1)
        if not denied and topic > 0.0 and len(excepted) > 1 and V.KETAMINE.search(excepted[1]):
            # "we do not provide any medication other than Spravato or ketamine": what is left is offered
            speaker = voice if voice is not _WEAK_VOICE else _FIRST_PERSON_OFFER if _WE.search(clause) else None
            if speaker is not None:
                rest = excepted[1]
                _read_offer(s, rest, speaker, speaker.weight, topic, _clause_routes(s, rest, ctx, True), [], ctx, signals)
                return "offer", speaker.name
        return ("negated", negation.name) if denied or V.CARE_ENDED.search(clause) else ("other", negation.name)
    voice = _voice(s, clause, ctx, part.subordinate, part.scope)
    # "We hope to begin offering it this fall", "Coming soon: ketamine treatment": not yet an offer
    if V.FUTURE_OFFER.search(about) and (topic > 0.0 or V.KETAMINE.search(s.text)):
        signals.add("future-offer", page_weight, s, _COMING.name, _COMING.role)
        if s.tag == "h1":  # "Ketamine Assisted Therapy in Tacoma - coming spring 2027": the whole page is to come
            signals.add("future-headline", page_weight, s, _COMING.name, _COMING.role)
        return "offer", _COMING.name
    if voice is not None and voice.name in _PROCEDURE_ONLY and _negated_step(clause):
        voice = None  # "you are not allowed to drive", "nobody has to stay": instructions, not offers
    if voice is not None and voice.name in _PROCEDURE_ONLY and len(routes) >= SURVEY_ROUTES:
        voice = None  # "it can be given intravenously, intramuscularly, nasally or orally": a survey
    weight_v = voice.weight if voice else 0.0
    if voice is not None and s.url in ctx.voiced_pages:
        weight_v = max(weight_v, _VOICED_WEIGHT.get(voice.name, 0.0))
    context = 0.4 if V.TREATMENT_CONTEXT.search(clause) else 0.2
    _read_conditions(s, clause, page_weight * (weight_v * max(topic, 0.5) or context), signals,
                     voice.name if voice else "condition.named")
    # "ketamine-assisted therapy" alone names a treatment, not a therapist.
    plain = _without_ketamine_therapy(clause) if V.THERAPY_WORD.search(clause) else ""
    if plain and not V.THERAPY_WORD.search(plain):
        plain = ""
    if plain:
        # Any talk of therapy leaves room for a coordination or in-house model the rules missed.
        signals.add("therapy-talk", page_weight, s, "therapy.mentioned", "other")
    offers = voice is not None and voice is not _WEAK_VOICE and topic > 0.0
    # "Someone must drive you home after your infusion": the practice speaks, of the visit around
    # its care; "you'll be observed, then go home with a driver" still tells the care.
    arrangement = (
        V.LOGISTICS_CUES.first(clause, part.scope)
        if offers and not plain and not names_ketamine and not V.CARE_STEP.search(clause) else None
    )
    if arrangement is not None:
        _read_voice(s, clause, arrangement, s.weight * weight_v * topic * arrangement.weight, ctx, signals)
        return arrangement.role, arrangement.name
    if offers:
        _read_offer(s, clause, voice, weight_v, topic, routes, borrowed, ctx, signals)
        if (model := V.MEDICAL_MODEL_CUES.first(clause, part.scope)) is not None:
            signals.add("medical-model", s.weight * weight_v * topic * model.weight, s, model.name, model.role)
    own = _read_in_house_therapy(s, part, plain, voice, weight_v, kap_specific, ctx, signals)
    if own:
        return "own-therapy", own
    # "We offer several treatments, including: Spravato, ... and talk therapy": the list past the
    # colon is what the lead-in offers.
    listed = plain or (_without_ketamine_therapy(s.text) if offers and not routes and sentence_routes else "")
    if offers and listed and V.THERAPY_LISTED.search(listed):
        signals.add("therapy-apart", page_weight * weight_v, s, _THERAPY_LISTED.name, _THERAPY_LISTED.role)
    elif (
        plain and not names_ketamine and _THERAPY_SERVICE_HEADING.match(s.heading)
        and (s.url in ctx.ketamine_titled or (s.url in ctx.menu_pages and s.url in ctx.ketamine_pages))
        and V.STAFF_THERAPY.search(clause) and not V.GENERIC_CARE.search(clause)
    ):
        # "Psychotherapy: weekly sessions with licensed counselors", beside a "Ketamine infusions" heading
        signals.add("therapy-apart", page_weight * _THERAPY_HEADED.weight, s, _THERAPY_HEADED.name,
                    _THERAPY_HEADED.role)
    if not offers:
        if names_ketamine:
            signals.add("ketamine-talk", page_weight * 0.1, s, "ketamine.mentioned", "explainer")
        return _talk_role(clause, part.scope, topic, voice, part.subordinate)
    return "offer", voice.name


def _the_one(clause: str, lead: str) -> str:
    """"If you have no therapist, we can refer you to one": the one is the mental-health carer
    the sentence names, before or after it."""
    if not V.TO_ONE.search(clause) or not V.CARER_BEFORE_ONE.search(f"{lead} {clause}"):
        return clause
    return V.TO_ONE.sub(r"\1 a mental health professional", clause)


def _negated_step(clause: str) -> bool:
    """A step with a negation of its own; "depression that has not responded" is the condition's."""
    return bool(V.NEGATION_WORD.search(clause)) and bool(V.NEGATION_WORD.search(V.UNRESPONSIVE_CONDITION.sub(" ", clause)))


def _read_offer(
    s: _Sentence, clause: str, voice: Cue, weight_v: float, topic: float, routes: list[str], borrowed: list[str],
    ctx: _Context, signals: _Signals,
) -> None:
    """Signals of a clause that offers care: a provider speaking, and the routes it gives."""
    weight = s.weight * weight_v * topic
    _read_voice(s, clause, voice, weight, ctx, signals)
    # "We give it twice a week" on a page whose site's FAQ asks "Is esketamine nasal spray safe?"
    own_routes = routes or borrowed or ctx.page_routes.get(s.url) or ctx.site_routes
    # "After your injections, our team observes you": the route of the sentence's other clause
    # is the one offered; a list's lead or the page's title says it less plainly.
    route_weight = 1.0 if routes or (borrowed and not s.lead) else 0.5
    for r in own_routes:
        signals.add(f"service:{r}", weight * route_weight, s, voice.name, "offer")
    # "IV and IM ketamine are used by many physicians, but they are available at our practice":
    # the other clause's routes are the medicine offered here.
    if routes or (borrowed and not s.lead) or _KETAMINE_CARE.search(clause):
        signals.add("medical-ketamine", weight if routes else weight * 0.5, s, voice.name, "offer")


def _read_voice(s: _Sentence, clause: str, voice: Cue, weight: float, ctx: _Context, signals: _Signals) -> None:
    """The provider speaking: evidence that the site is a practice, and whose voice it is."""
    signals.add("provider", weight, s, voice.name, voice.role)
    if voice.name in V.IDENTITY_CUES:
        signals.add("identity", weight, s, voice.name, voice.role)
    elif _WE.search(clause):  # "it is given under the supervision of our providers"
        first = V.READINGS["provider.first-person"]
        signals.add("identity", weight * first.weight, s, first.name, first.role)
    elif s.url in ctx.voiced_pages:  # procedure on a page where the provider also says "our patients"
        first = V.READINGS["provider.first-person"]
        signals.add("identity", weight * first.weight / 2, s, first.name, first.role)


def _talk_role(clause: str, scope: str, topic: float, voice: Cue | None, subordinate: bool = False) -> tuple[str, str]:
    """A clause that offers nothing: general explanation when it speaks of the treatment in the
    third person; anything else (the writer's own experience, logistics, what the drug is not:
    "Spravato is not a typical antidepressant") is other."""
    if voice is not None or _PERSONAL.search(clause) or _IS_NOT.search(clause):
        return "other", voice.name if voice else ""
    if subordinate:  # "Because the drug is off-patent": read what follows the conjunction
        clause = clause.split(" ", 1)[-1]
    explained = V.EXPLAINER_CUES.first(clause, scope)
    if explained is not None:
        return "explainer", explained.name
    return ("explainer", "ketamine.mentioned") if topic >= TOPIC_FROM_PAGE else ("other", "")


def _negation(clause: str, scope: str) -> Cue | None:
    """The negation cue that governs an offer in this clause, if one does."""
    for c in V.NEGATION_CUES.within(scope):
        m = c.pattern.search(clause)
        if not m:
            continue
        rest = clause[m.start():]
        # someone else's practice is told up to the end of the negated coordinate: "we no longer
        # treat, and we cannot book you at other clinics" still denies our own care
        reach = clause[: m.start()] + _COORDINATE.split(rest, maxsplit=1)[0]
        if V.RESTRICTION.search(rest) or V.NOT_A_DENIAL.search(rest) or _third_party(reach):
            return None  # a restriction, a comparison or someone else's practice: no denial
        return c
    return None


_COORDINATE = prefiltered(r",\s+(?:and|but|or)\s+")


def _third_party(text: str) -> bool:
    """Whether the text speaks of other practices; capitalised mid-sentence, "Infusion Centers" is
    a name ("all locations of Tallpine Infusion Centers"), not others."""
    return any(m.start() == 0 or not text[m.start()].isupper() for m in V.THIRD_PARTY.finditer(text))


def _keeps_own_carer(clause: str) -> bool:
    """"You do not need to give up your therapist": the negation keeps the outside carer."""
    return bool(V.KEEPS_OWN_CARER.search(clause))


def _outside_therapy(clause: str, scope: str) -> Cue | None:
    """The cue by which therapy is expected with an outside provider, if one fires."""
    if V.GENERIC_SUBJECT.match(clause):
        return None  # "Some require a therapist": other practices
    if V.NOT_REQUIRED.search(clause) and not _keeps_own_carer(clause):
        return None  # "a therapist is not required"
    if V.CRISIS_ADVICE.search(clause):
        return None  # "in a crisis, go to the nearest emergency room or call your therapist": safety advice
    for c in V.OUTSIDE_THERAPY_CUES.within(scope):
        m = c.pattern.search(clause)
        if not m:
            continue
        carer = clause[max(0, m.start() - 20): m.end() + 40]
        if V.PHYSICIAN_ONLY.search(carer) and not V.MENTAL_HEALTH_CARER.search(m.group(0)):
            continue  # the patient's physicians, not a therapist
        named = clause[m.start(): m.end() + 20]  # "your psychiatrist or therapist"
        if V.PRESCRIBER_CARER.search(named) and not V.THERAPY_CARER.search(named) and c.name not in V.PRESCRIBER_ENOUGH:
            continue  # a referral from a psychiatrist, who goes on prescribing: medical care
        if re.search(r"\b(?:our|my)\s+(?:(?!and\b|or\b)[\w-]+\s+)?$", clause[max(0, m.start() - 20): m.start()], re.I):
            continue  # "our referring clinicians' page", "our primary therapist": the provider's own
        if _ASSIGNED_THERAPIST.search(clause[: m.start()]):
            continue  # "with the assigned therapist, who will remain the client's therapist": the practice's
        return c
    return None


_ASSIGNED_THERAPIST = prefiltered(r"\b(?:the|an?) (?:assigned|same|designated) (?:psycho)?therapist\b", re.I)
_FIRST_PERSON_THERAPY = ("own-therapy.our-therapists", "own-therapy.our-sessions", "own-therapy.we-work-on",
                         "own-therapy.we-prepare")
# Cues that say therapy only where therapy is in view ("I sit with you" on a therapist's site;
# "your clinician will help you" is a nurse at an infusion clinic as often).
_NEEDS_THERAPY_CONTEXT = (
    "own-therapy.i-sit-with-you", "own-therapy.therapist-in-session", "own-therapy.therapy-sessions",
    "own-therapy.meets-with-you", "own-therapy.our-clinicians",
)
# Cues read on the whole clause: the therapy they name is in the treatment's own name.
_READ_WHOLE = ("own-therapy.therapy-sessions", "own-therapy.kap-sessions")
# Therapy tied to each dosing session is the practice's own in any voice: "three psychotherapy
# sessions are held before the first infusion" says as much as "we hold three sessions".
_PLAIN_IN_ANY_VOICE = frozenset({"own-therapy.paired-sessions"})
_NEEDS_SESSION = ("own-therapy.therapist-in-session", "own-therapy.our-therapists", "own-therapy.our-clinicians")
_OPTIONAL = prefiltered(r"\boptional(?:ly)?\b|\bif you (?:wish|like|want)\b", re.I)


def _first_person_therapy(clause: str, scope: str) -> Cue | None:
    """An own-therapy cue in the provider's own voice, which an outside carer beside it cannot take over."""
    return next((c for c in V.OWN_THERAPY_CUES.all(clause, scope) if c.name in _FIRST_PERSON_THERAPY), None)


@lru_cache(maxsize=1024)
def _lead_voice(lead: str) -> bool:
    """Whether the sentence introducing a list speaks as the provider ("With me, a round involves:"),
    or sets the practice's own criteria ("Patients need to meet all of the criteria below:")."""
    return any(
        (c.name in V.IDENTITY_CUES and c.weight >= 0.9 or c.name == "offer.eligibility") and c.where is V.ANYWHERE
        for c in V.OFFER_CUES.all(lead)
    )


@lru_cache(maxsize=4096)
def _block_context(block: str) -> tuple[bool, bool, bool]:
    """What every clause of a block asks of the whole block, computed once per block (a long
    block searched again for each of its clauses made large pages quadratic)."""
    return (
        bool(_MEDICINE_CONTEXT.search(block)),
        bool(V.KAP_SPECIFIC.search(block)),
        bool(_MEDICINE_SESSIONS.search(block)),
    )


_MEDICINE_SESSIONS = prefiltered(r"\bmedicine (?:sessions?|meetings?)\b|\bdosing sessions?\b", re.I)


def _read_in_house_therapy(
    s: _Sentence, part: _Clause, plain: str, voice: Cue | None, weight_v: float, kap_specific: bool, ctx: _Context,
    signals: _Signals,
) -> str:
    """Signals that the provider's own therapist prepares, sits with or integrates the sessions;
    returns the cue name when the clause says so.

    plain is the clause without ketamine-therapy names, as _read_clause made it ("" when the
    clause names no therapy); weight_v is how plainly the clause offers (0 when it does not);
    kap_specific whether it names ketamine-assisted psychotherapy, as _read_clause found."""
    if ctx.therapists and (resolved := _as_our_therapist(part.text, ctx.therapists)) != part.text:
        part = part._replace(text=resolved, scope=_as_our_therapist(part.scope, ctx.therapists))
        plain = _without_ketamine_therapy(resolved)
    clause = part.text
    kap_loose = kap_specific or bool(V.KAP_LOOSE.search(clause))
    therapy = bool(plain) or bool(ctx.therapist_practice and V.FIRST_PERSON.search(clause))
    # "Ketamine-assisted therapy" is psychotherapy on a therapist's own site or under a KAP heading;
    # there, "we are proud to offer this approach" offers what the page is headed for.
    page_kap = ctx.therapist_practice and s.url in ctx.kap_titled and bool(_THIS_CARE.search(clause)) and not (
        V.KETAMINE.search(clause) or V.ANY_ROUTE.search(clause)
    )
    if voice is not None and weight_v >= 0.75 and (page_kap or kap_loose and (
        kap_specific or therapy or _GROUP.search(clause) or _therapy_org(clause) or ctx.therapist_practice
        or s.url in ctx.kap_titled
    )):
        signals.add("kap-offer", s.weight * weight_v, s, voice.name, "offer")
    block_medicine, block_kap, block_medicine_sessions = _block_context(s.block)
    # The medicine in view: named around the clause, or the page is about it (an own-therapy cue
    # that speaks of therapy in general also needs a session word, see _NEEDS_SESSION).
    # Under a heading of its own that names therapy and no medicine ("Psychotherapy" on a page of
    # several treatments), the page's ketamine is not in view.
    own_heading = bool(_THERAPY_SERVICE_HEADING.match(s.heading))
    medicine = block_medicine or (s.topic_page and not own_heading) or any(
        _MEDICINE_CONTEXT.search(t) for t in (clause, s.heading, s.lead)
    )
    # A nurse who "stays with you" is not a therapist; on a page headed "Ketamine-assisted
    # psychotherapy", "three preparation sessions" are the therapy's.
    in_view = therapy or block_kap or ctx.therapist_practice or ctx.kap_named or s.url in ctx.kap_titled
    # Therapy told of anyone ("the therapist helps the patient"), or a post's headline naming its
    # topic, is writing about the treatment; a therapist's site speaks for its therapist elsewhere.
    generic = not V.FIRST_PERSON.search(clause) and (
        bool(V.GENERIC_CARE.search(clause)) or (s.kind in _POST_KINDS and s.tag in V.HEADING_TAGS)
    )
    # ... and so does a clause naming the practice ("a Bridgewell counselor meets with you").
    named = any(name in clause for name in ctx.brand)
    practice_voice = (ctx.therapist_practice or named) and not generic
    found = _own_therapy_cue(part, plain, weight_v, in_view, practice_voice, generic) if medicine else None
    if found is not None and s.url in ctx.hosting_pages and found.name not in _OUR_OWN_THERAPISTS:
        found = None  # "the space and staff for each KAP session", said to visiting therapists: their sessions
    if found is None and own_heading and s.topic_page:
        # the practice's own therapists, offered apart from the ketamine
        apart = _own_therapy_cue(part, plain, weight_v, in_view, practice_voice, generic)
        if apart is not None:
            signals.add("therapy-apart", s.weight * apart.weight, s, apart.name, "other")
    # "We move into parts work": the practice speaking of its own therapy is its own voice.
    spoken = found is not None and (
        (found.name in _FIRST_PERSON_THERAPY and bool(_WE.search(clause))) or bool(_WE_SUBJECT.match(clause))
    )
    plain_in_any_voice = found is not None and found.name in _PLAIN_IN_ANY_VOICE and not generic
    weight = s.weight * (1.0 if weight_v >= 0.75 or (named and not generic) or spoken or plain_in_any_voice else 0.75)
    if found is not None:
        optional = 0.5 if _OPTIONAL.search(clause) else 1.0  # "an optional preparation visit"
        believed = 0.5 if V.BELIEF.search(clause) else 1.0  # "we feel ketamine works best with psychotherapy"
        signals.add("kap", weight * found.weight * optional * believed, s, found.name, "own-therapy")
        if found.name in _FIRST_PERSON_THERAPY:
            signals.add("identity", weight, s, found.name, "own-therapy")
    elif medicine and weight_v >= 0.75 and (therapy or block_kap or ctx.therapist_practice) and _PARTNER_PRESCRIBER.search(
        clause
    ):
        signals.add("kap", weight * _PARTNER.weight, s, _PARTNER.name, "own-therapy")
        found = _PARTNER
    elif voice is not None and weight_v >= 0.75 and kap_loose and not kap_specific:
        # "Ketamine-assisted therapy" is also what infusion clinics call infusions: capped when deciding.
        signals.add("kap-loose", s.weight * weight_v * 0.3, s, voice.name, "offer")
    if weight_v > 0 or found is not None:
        rule = found.name if found else voice.name if voice else "service.named"
        if (kap_loose or block_kap or block_medicine_sessions or s.url in ctx.kap_titled) and _GROUPS.search(
            _ORGANISATION_GROUP.sub("", clause)
        ):
            signals.add("service:kap-group", s.weight * max(weight_v, 0.5), s, rule, "own-therapy")
        if medicine and (_INTEGRATION.search(clause) or _INTEGRATION.search(s.heading)):
            # the practice's own integration work, told as plainly as its therapy is
            plainly = s.weight if found is not None and _INTEGRATION.search(clause) else s.weight * max(weight_v, 0.5)
            signals.add("service:integration", plainly, s, rule, "own-therapy")
    return found.name if found else ""


def _own_therapy_cue(
    part: _Clause, plain: str, weight_v: float, therapy_in_view: bool, practice_voice: bool, generic: bool
) -> Cue | None:
    """The own-therapy cue that fires on a clause with the medicine in view, if one does."""
    clause = part.text
    candidates = V.OWN_THERAPY_CUES.all(clause, part.scope)
    if generic:
        candidates = [c for c in candidates if c.name in _FIRST_PERSON_THERAPY]
    if not candidates:
        return None
    if weight_v < 0.5 and not practice_voice and not any(c.name in _FIRST_PERSON_THERAPY for c in candidates) and not (
        weight_v > 0 and _WE_SUBJECT.match(clause)
    ):
        return None  # someone else's therapist, or therapy in general; "We blend ... with a therapist" is ours
    therapy_in_view = therapy_in_view or bool(_GROUP.search(clause))
    for c in candidates:
        if c.name not in _READ_WHOLE and not c.pattern.search(plain or clause):
            continue
        if c.name in _NEEDS_THERAPY_CONTEXT and not therapy_in_view:
            continue
        if c.name in _NEEDS_SESSION and not _SESSION_WORD.search(clause):
            continue  # "our therapists offer couples therapy": therapy, but not with the medicine
        if c.name in _NEEDS_SESSION and V.ASSESSES.search(clause) and not V.THERAPY_ACTS.search(
            _without_ketamine_therapy(clause)
        ):
            continue  # "our psychologist, who carries out the intake": an assessment, not therapy
        return c
    return None


_PARTNER = V.READINGS["own-therapy.partner-prescriber"]
# A business named a group ("Prairie Medical Group") is no group session; "Our Group sessions" is one.
_ORGANISATION_GROUP = prefiltered(
    r"\b(?!(?:Our|The|A|An|Small|Weekly|Monthly|Private|Individual|And|Or|In|Join|Ketamine|KAP)\b)"
    r"[A-Z][\w&.'’-]* Group\b"
)
_GROUPS = prefiltered(
    r"\bgroup (?:KAP|ketamine|format|sessions?|settings?|therapy|journeys?)\b|\bKAP groups?\b|\bgroups?\b|\bcircles?\b",
    re.I,
)


def _read_negation(
    s: _Sentence, clause: str, negation: Cue, routes: list[str], heading_routes: list[str], weight: float,
    signals: _Signals,
) -> bool:
    """A negated offer counts against what it names: "we do not offer KAP", "no longer offers Spravato".

    The negation reaches what follows it ("not approved for home use" negates home use, not the
    Spravato before it), and what precedes it only in the passive ("Spravato is no longer offered")
    or when it reports a change ("we began with injections but later moved on").
    """
    m = negation.pattern.search(clause)
    if not m:
        return False
    scope = V.EXCEPTIONS.split(clause[m.start():])[0]  # "nothing beyond Spravato" does not negate Spravato
    if negation.name == "negated.there-is-no":
        scope = " ".join(scope.split()[:6])  # "there is no office; ..." negates the office only
    if negation.name == "negated.discontinued" or V.PASSIVE_NEGATION.search(clause[max(0, m.start() - 12): m.end()]):
        scope = clause[: m.start()] + " " + scope
    denied = False
    for r in routes:
        if V.ROUTES[r].search(scope) or (r in heading_routes and V.THIS_ROUTE.search(scope)):
            signals.add(f"against:service:{r}", weight, s, negation.name, "negated")
            denied = True
    therapy_scope = V.MEDICAL_THERAPY.sub("", scope)
    if V.KAP_SPECIFIC.search(scope) or V.KAP_LOOSE.search(scope) or V.NOT_A_THERAPY_PRACTICE.search(therapy_scope):
        signals.add("against:kap", weight, s, negation.name, "negated")
        denied = True
    return denied or bool(V.KETAMINE.search(scope)) or bool(V.ROUTES_IN_GENERAL.search(scope))


def _read_conditions(s: _Sentence, clause: str, weight: float, signals: _Signals, rule: str) -> None:
    if not V.ANY_CONDITION.search(clause) or V.NOT_TREATED_HERE.search(clause):
        return
    for c, p in V.CONDITIONS.items():
        if p.search(clause):
            signals.add(f"condition:{c}", weight, s, rule, "offer")
    # Conditions are also named in plain lists under a heading such as "What we treat".
    if s.tag in ("li", "td") and re.search(r"\b(?:treat|conditions?|help|who|disorders)\b", s.heading + " " + s.lead, re.I):
        for c, p in V.CONDITIONS.items():
            if p.search(clause):
                signals.add(f"condition:{c}", s.weight * 0.5, s, "condition.listed", "offer")


def _read_team(pages: list[Page], sentences: list[_Sentence], signals: _Signals) -> None:
    """A team page listing licensed therapists beside the prescriber points to therapy in house.

    It supports a KAP reading only where the site ties therapy to the ketamine (see _decide): a
    psychiatric group with staff therapists that also gives Spravato does not thereby offer
    therapy with the ketamine, nor show that it offers none, so without that tie it is unclear.
    """
    for page in pages:
        if page.kind not in ("team", "about"):
            continue
        text = " ".join(b.text for b in page.blocks if b.region == "main")
        if not (_THERAPIST_CREDENTIAL.search(text) and _PRESCRIBER_CREDENTIAL.search(text)):
            continue
        team = V.READINGS["own-therapy.team-page"]
        own = [s for s in sentences if s.url == page.url and s.region == "main"]
        for i, s in enumerate(own):
            if not _THERAPIST_CREDENTIAL.search(s.text):
                continue
            bio = " ".join(t.text for t in own[i: i + 3])
            if _OFFICE_ROLE.search(bio) and not _THERAPY_WORK.search(bio):
                continue  # "Jenna Holm, LPC. Patient coordinator: she handles intake calls and scheduling"
            signals.add("kap-team", s.weight, s, team.name, team.role)
            break


# A licensed counselor on the team who works the front office, not as a therapist.
_OFFICE_ROLE = prefiltered(
    r"\b(?:patient|intake|care|clinic|office|practice) (?:coordinator|manager|administrator)\b|\boffice manager\b|"
    r"\bfront desk\b|\breceptionist\b|\bbilling\b|\bscheduling\b|\binsurance (?:questions|verification|calls)\b|"
    r"\bintake calls\b",
    re.I,
)
_THERAPY_WORK = prefiltered(
    r"\b(?:psycho)?therapy\b|\bcounsell?ing\b|\bsessions?\b|\bintegration\b|\bpreparation\b|\bsees (?:clients|patients)\b",
    re.I,
)


def _site_sentence(label: str, page: Page, tag: str) -> _Sentence:
    return _Sentence(label, page.url, page.kind, "header", tag, "", label, 0.5)


def _read_brand(pages: list[Page], ctx: _Context, signals: _Signals) -> None:
    """A site that names itself for ketamine ("<Town> Ketamine Clinic") or describes itself as a
    clinic or practice in its structured data is a provider, if it speaks of ketamine at all."""
    home = next((p for p in pages if p.kind == "home"), pages[0] if pages else None)
    if home is None:
        return
    for name in _fullest_first(ctx.brand):
        if V.KETAMINE_BRAND.search(name) and not V.MEDIA_BRAND.search(name):
            s = _site_sentence(name, home, "title")
            named = V.READINGS["provider.ketamine-name"]
            signals.add("provider", named.weight, s, named.name, named.role)
            signals.add("identity", named.weight, s, named.name, named.role)
            # A business named for a route gives it: "<Town> Ketamine Infusions".
            for r, p in V.ROUTES.items():
                if p.search(name) and r != "at-home":
                    signals.add(f"service:{r}", 0.5, s, named.name, named.role)
                    signals.add("medical-ketamine", 0.3, s, named.name, named.role)
            break
    # A web address named like a practice ("blisspsych.com") says who is speaking, a little.
    if ctx.host and V.PROVIDER_HOST.search(ctx.host) and not V.PUBLISHER_HOST.search(ctx.host):
        named = V.READINGS["provider.host-name"]
        signals.add("identity", named.weight, _site_sentence(ctx.host, home, "host"), named.name, named.role)
    elif practice := next((n for n in _fullest_first(ctx.brand) if V.PRACTICE_NAME.search(n) and not V.MEDIA_BRAND.search(n)), ""):
        named = V.READINGS["provider.practice-name"]  # "Southern Lights Mood Clinic" at an address that says less
        signals.add("identity", named.weight, _site_sentence(practice, home, "title"), named.name, named.role)
    # A practice can be phoned or booked: a phone link, or a booking button in its menus.
    for page in pages:
        booking = next((b for b in page.blocks if b.tag in ("a", "button", "li") and _BOOKING_BUTTON.match(b.text)), None)
        if page.tel_links or booking is not None:
            label = booking.text if booking is not None else f"tel:{page.tel_links[0]}"
            contact = V.READINGS["provider.phone-or-booking"]
            signals.add("identity", contact.weight, _site_sentence(label, page, "a"), contact.name, contact.role)
            break
    for page in pages:
        for obj in page.structured:
            if types_of(obj) & PROVIDER_TYPES:
                label = f"{obj.get('name') or page.title} ({', '.join(type_names(obj))})"
                s = _site_sentence(label, page, "json-ld")
                typed = V.READINGS["provider.structured-data"]
                signals.add("provider", typed.weight, s, typed.name, typed.role)
                signals.add("identity", typed.weight, s, typed.name, typed.role)
                return


def _read_route_pages(pages: list[Page], ctx: _Context, signals: _Signals) -> None:
    """A practice's page named for a route ("IV Ketamine Infusions", "Spravato Treatment") is
    that route offered, at half the weight of a sentence that offers it."""
    cue = V.READINGS["service.page-about-route"]
    counted: set[str] = set()  # a route counts once, however many of its pages there are
    for page in pages:
        if page.kind not in ("home", "services", "pricing") or page.url in ctx.foreign_pages:
            continue
        for r in ctx.page_routes.get(page.url, []):
            if r not in counted:
                counted.add(r)
                signals.add(f"service:{r}", cue.weight * KIND_WEIGHT[page.kind], _site_sentence(page.title, page, "title"),
                            cue.name, cue.role)


# Titles of pages about ketamine that are not its care: "Esketamine coverage", "Ketamine facts".
_ABOUT_NOT_CARE = prefiltered(
    r"\b(?:coverage|costs?|prices?|insurance|news|research|stud(?:y|ies)|history|facts|guide|explained|myths?|vs\.?|"
    r"versus|benefits?|risks?|side effects|safety)\b",
    re.I,
)


def _read_ketamine_page(pages: list[Page], ctx: _Context, signals: _Signals) -> None:
    """A practice's page titled for its ketamine care ("Ketamine Therapy | Restoration Psychiatry")
    says a little that it offers it, even when the page itself reads like an article. A question
    ("What Is Ketamine?") or a long headline is an article's title."""
    reading = V.READINGS["provider.ketamine-page"]
    for page in pages:
        if page.kind not in ("home", "services") or page.url in ctx.foreign_pages:
            continue
        name = _title_lead(page.title)
        if (
            len(name.split()) <= 4 and not name.endswith("?") and _names_ketamine(name)
            and not _ABOUT_NOT_CARE.search(name) and page.url in ctx.ketamine_pages
        ):
            signals.add("provider", reading.weight, _site_sentence(page.title, page, "title"), reading.name, reading.role)
            return


def _read_referrer_pages(pages: list[Page], ctx: _Context, signals: _Signals) -> None:
    """A page written for therapists or referring clinicians ("For referring clinicians",
    "To our patients and KAP therapists") means therapists outside the practice take part."""
    for page in pages:
        for head in _heads(page):
            if V.FOR_REFERRERS.search(head):
                cue = V.READINGS["outside-therapy.page-for-referrers"]
                signals.add("adjunctive-referral", cue.weight * KIND_WEIGHT.get(page.kind, 0.8),
                            _site_sentence(head, page, "h1"), cue.name, cue.role)
                return


def _read_publisher(
    pages: list[Page], sentences: list[_Sentence], ctx: _Context, signals: _Signals, readings: list[SentenceReading]
) -> float:
    """How much the site reads as publishing (news, research, listings, societies) rather than
    treating. Each cue counts up to PUBLISHER_CAP on one site."""
    per_cue: dict[str, float] = defaultdict(float)
    roles = {(r.text, r.url): i for i, r in enumerate(readings)}
    # A page on which the practice tells of its own staff's training: the courses are credentials.
    credentials = {s.url for s in sentences if V.OWN_STAFF_TRAINED.search(s.text)}

    def count(name: str, weight: float, s: _Sentence) -> None:
        room = V.PUBLISHER_CAP - per_cue[name]
        if room > 0:
            per_cue[name] += min(weight, room)
            signals.add("not-a-provider", min(weight, room), s, name, "publisher")

    for s in sentences:
        region_weight = PUBLISHER_REGION_WEIGHT.get(s.region, 0.0)
        if not region_weight or (s.region != "main" and s.tag in ("a", "button")):
            continue
        for c in _publisher_cues(s.block, s.text):
            if c is _TRAINING and s.url in credentials:
                continue  # "our therapists completed a training program for clinicians"
            # "Kestrel is the platform built for ketamine clinics", or that line under the headline:
            # the site describing itself as what it sells
            sells = c in _SELLING and (
                s.tagline or any(name in s.text for name in ctx.brand) or bool(V.FIRST_PERSON.search(s.text))
            )
            count(c.name, c.weight * region_weight * (2.0 if sells else 1.0), s)
            if c.name == "publisher.not-a-provider":
                signals.add("denial", s.weight, s, c.name, "publisher")
            i = roles.get((s.text, s.url))
            if i is not None and c.weight >= 1.0 and readings[i].role in ("offer", "explainer", "other"):
                readings[i] = SentenceReading(s.text, s.url, "publisher", c.name)
        if _is_speaker_turn(s, ctx):
            count("publisher.interview-turn", V.READINGS["publisher.interview-turn"].weight, s)
    for title in {p.title: p for p in pages if p.title}.values():
        for c in V.PUBLISHER_CUES.all(title.title):
            count(c.name, c.weight * PUBLISHER_REGION_WEIGHT["header"], _site_sentence(title.title, title, "title"))
    tld = _host_tld(pages)
    own_guide = any(V.OWN_PATIENTS_GUIDE.search(name) for name in ctx.brand)  # its name says whose readers
    if ctx.host and ((V.PUBLISHER_HOST.search(ctx.host) and not own_guide) or tld in ("edu", "gov")):
        count("publisher.host-name", V.READINGS["publisher.host-name"].weight, _site_sentence(ctx.host, pages[0], "host"))
    elif tld == "org":
        count("publisher.host-name", V.READINGS["publisher.host-name"].weight / 2, _site_sentence(ctx.host, pages[0], "host"))
    for name in _fullest_first(ctx.brand):
        if V.MEDIA_BRAND.search(name) and not own_guide:
            home = next((p for p in pages if p.kind == "home"), pages[0])
            count("publisher.media-name", V.READINGS["publisher.media-name"].weight, _site_sentence(name, home, "title"))
            break
    for page in pages:
        if page.url in ctx.foreign_pages:
            count("publisher.listing-page", V.READINGS["publisher.listing-page"].weight,
                  _site_sentence(page.title, page, "title"))
        for obj in page.structured:
            if types_of(obj) & PUBLISHER_TYPES:
                count("publisher.structured-data", V.READINGS["publisher.structured-data"].weight,
                      _site_sentence(page.title, page, "json-ld"))
    return sum(per_cue.values())


@lru_cache(maxsize=4096)
def _publisher_hits(block: str) -> tuple[Cue, ...]:
    """The publisher cues a whole block fires: most blocks fire none, and their sentences need
    no reading of their own."""
    return tuple(V.PUBLISHER_CUES.all(block))


def _publisher_cues(block: str, sentence: str) -> list[Cue]:
    hits = _publisher_hits(block)
    candidates = V.PUBLISHER_CUES.anchored + tuple(c for c in hits if c not in V.PUBLISHER_CUES.anchored)
    return [c for c in candidates if c.pattern.search(sentence)]


# --- deciding -------------------------------------------------------------------------------


def _decide(site: _Site) -> Decision:
    signals = site.signals
    # Staff therapists support a KAP reading only where the site ties therapy to the ketamine
    # somewhere: KAP named, or preparation/integration sessions offered.
    linked = signals.score("kap") + signals.score("kap-offer") + signals.score("service:integration")
    team = signals.score("kap-team") if linked > 0 else 0.0
    against = signals.score("against:kap")
    referral = signals.score("adjunctive-referral")
    # "Your therapist can use these exercises with you" on a site that says plainly the patient's
    # therapist is someone else ("your talk therapist", "an outside therapist") is that therapist.
    # "Sessions with your therapist" alone names a therapist of either kind.
    plainly_outside = sum(
        e.weight for e in signals.evidence.get("adjunctive-referral", []) if e.rule not in _EITHER_THERAPIST
    )
    yours = sum(
        e.weight for e in signals.evidence.get("kap", [])
        if _patients_own_therapist(e.text)
    ) if plainly_outside >= REFERRAL_MIN else 0.0
    own = max(0.0, signals.score("kap") + team - against - yours)
    # Integration sessions of the practice's own are therapy of its own: a little toward a KAP practice.
    kap_offer = max(0.0, signals.score("kap-offer") + min(signals.score("kap-loose"), 0.5)
                    + min(signals.score("service:integration"), 1.0) * 0.25 - against)
    medical = signals.score("medical-ketamine")
    provider = signals.score("provider") + referral + signals.score("kap")
    if site.ketamine_mentions == 0:
        return _decision("no-ketamine", 0.95, signals, [], [])
    denial = 1.5 * min(signals.score("denial"), 2.0)
    # Against a publisher's cues, offers in no one's voice (lists under "During the infusion",
    # procedure in the passive) count half: a guide written for clinics reads like that too.
    # On a page that itself reads as a publisher's (a vendor's checklist, a guide), they count
    # for nothing.
    publisher_pages = {e.url for e in signals.evidence.get("not-a-provider", [])}
    voiceless = sum(
        e.weight if e.url in publisher_pages else e.weight / 2
        for e in signals.evidence.get("provider", []) if e.rule not in _SPEAKS
    )
    claimed = provider - voiceless
    if site.publisher + denial >= PUBLISHER_MIN and site.publisher + denial > claimed * PUBLISHER_RATIO:
        confidence = 0.55 + 0.1 * min(site.publisher - provider, 3.0)
        return _decision("publisher", confidence, signals, [], [])
    if provider < PROVIDER_MIN or signals.score("identity") < IDENTITY_MIN:
        if signals.score("future-offer") > 0 and signals.score("identity") >= IDENTITY_MIN:
            return _decision("offer-to-come", 0.4, signals, [], [])
        confidence = 0.6 - 0.3 * provider
        return _decision("no-offer", confidence, signals, [], [])
    if _all_to_come(signals):
        return _decision("offer-to-come", 0.4, signals, [], [])
    routes_offered = [r for r in ROUTE_SERVICES if signals.score(f"service:{r}") >= SERVICE_MIN]
    if site.addiction_pages and not routes_offered and own < KAP_MIN and kap_offer < KAP_MIN:
        return _decision("treats-addiction", 0.6, signals, [], [])  # a rehab's "Ketamine Detox" page
    # Therapy in house is the more specific claim: a KAP clinic that also welcomes patients' own
    # therapists stays kap unless the outside-therapist model clearly dominates its pages.
    # "Your therapist may sit with you" beside many words of the patient's own therapist is that
    # therapist; the practice saying "our therapists" or "I sit with you" is not overruled.
    in_own_voice = any(
        V.FIRST_PERSON.search(e.text) and not V.BELIEF.search(e.text)
        and not _patients_own_therapist(e.text)
        for e in signals.evidence.get("kap", [])
    )
    # A platform whose member therapists do the therapy says plainly whose the sessions are:
    # its own-therapy wording is theirs unless the platform says "our therapists" or "I".
    network = sum(e.weight for e in signals.evidence.get("adjunctive-referral", []) if e.rule == _NETWORK_MEMBER)
    says_our_therapists = any(_OUR_THERAPIST.search(e.text) for e in signals.evidence.get("kap", []))
    outside_dominates = (network >= REFERRAL_MIN and not says_our_therapists) or (
        not in_own_voice and referral >= REFERRAL_DOMINATES * own
    )
    therapy_practice_offers = kap_offer >= KAP_MIN and (
        referral < REFERRAL_MIN or (site_is_therapy(signals) and not outside_dominates)
    )
    if own >= KAP_MIN and not outside_dominates:
        rule = "own-therapy"
        confidence = 0.5 + 0.1 * min(signals.strong("kap"), 4) - (0.15 if referral >= own / 2 else 0.0)
    elif therapy_practice_offers:
        rule = "kap-practice"
        confidence = 0.5 + 0.08 * min(signals.strong("kap-offer"), 4) - (0.1 if referral >= 0.3 else 0.0)
    elif referral >= REFERRAL_MIN:
        rule = "outside-therapy"
        confidence = 0.55 + 0.12 * min(signals.strong("adjunctive-referral", 0.5), 3) - (0.2 if own >= 0.5 else 0.0)
    elif routes_offered and (signals.score("kap-team") > 0 or signals.score("therapy-apart") > 0):
        # Therapists on staff, or psychotherapy on the menu, beside the ketamine and never said to
        # meet it: kap or infusion-only is the site's to say.
        rule = "therapists-apart"
        confidence = 0.35
    elif routes_offered and signals.score("future-offer") >= 1.0 and not _said_now(signals, routes_offered):
        rule = "offer-to-come"  # "Our Spravato program is opening next spring" under a "Spravato" heading
        confidence = 0.4
    elif routes_offered and _ended(site) >= ENDED_MIN and not _said_now(signals, routes_offered):
        rule = "ketamine-ended"  # "Pinecrest Infusion Centers is shutting down all of its centers"
        confidence = 0.6
    elif routes_offered and _menu_line_only(signals):
        rule = "menu-line"  # "Ketamine infusion: from $425" among facials and vitamin drips
        confidence = 0.35
    elif routes_offered:
        rule = "medical-route"
        doubt = own >= 0.3 or kap_offer >= 0.3 or referral >= 0.3 or medical < MEDICAL_MIN
        confidence = 0.5 + 0.1 * min(signals.strong("medical-ketamine"), 4) - (0.2 if doubt else 0.0)
        confidence -= 0.15 if signals.score("therapy-talk") >= 0.5 else 0.0
    elif _ended(site) >= ENDED_MIN:
        rule = "ketamine-ended"  # "we no longer provide ketamine infusions or esketamine": a former provider
        confidence = 0.6
    elif signals.score("medical-model") >= MEDICAL_MODEL_MIN and signals.score("therapy-talk") == 0:
        rule = "medical-model"  # "You need a referral from your GP to our clinic", "our anesthesiologists"
        confidence = 0.45
    else:
        rule = "offer-without-route"
        confidence = 0.3
    modality = DECISION_RULES[rule].modality
    if modality == "not-a-provider" or rule == "offer-to-come":
        return _decision(rule, confidence, signals, [], [])  # a former provider, or care to come: none given now
    services = _services(signals, modality)
    return _decision(rule, confidence, signals, services, _conditions(signals, services))


_THERAPY_SERVICE_HEADING = prefiltered(
    r"^(?:(?:individual|group|family|couples|talk|outpatient)\s+)?(?:psycho)?(?:therapy|counseling|counselling)"
    r"(?:\s+services)?$", re.I
)
_EITHER_THERAPIST = frozenset({"outside-therapy.their-clients"})
_NETWORK_MEMBER = "outside-therapy.network-member"
_FIRST_PERSON_OFFER = V.CUES_BY_NAME["offer.first-person"]
_OUR_OWN_THERAPISTS = frozenset({*_FIRST_PERSON_THERAPY, "own-therapy.i-sit-with-you"})
_OUR_THERAPIST = prefiltered(r"\b(?:[Oo]ur|[Mm]y)\s+(?:[\w-]+\s+)?(?:psycho)?therapists?\b|(?<![\w'’])I(?![\w'’])")
_PATIENTS_THERAPIST = prefiltered(r"\byour (?:own |talk |current |usual )?(?:psycho)?therapist\b", re.I)


def _patients_own_therapist(text: str) -> bool:
    """"Your therapist works with you" with no "our therapists" or "I" beside it: the patient's own."""
    return bool(_PATIENTS_THERAPIST.search(text)) and not _OUR_THERAPIST.search(text)


_DISCONTINUED = next(c for c in V.NEGATION_CUES if c.name == "negated.discontinued")


def _ended(site: _Site) -> int:
    """How many of the site's sentences say its ketamine care has ended ("stopped offering
    ketamine infusions", "we no longer provide ketamine in any form", "we have closed all of our
    clinics", "we are no longer able to see patients"): counted, not weighed, as such a
    notice is often a news item or a note, pages that weigh little."""
    return len({
        r.text for r in site.readings
        if (r.role == "negated" or r.rule == _DISCONTINUED.name) and _DISCONTINUED.pattern.search(r.text)
        and (V.KETAMINE.search(r.text) or V.PRACTICE_CLOSED.search(r.text) or V.CARE_ENDED.search(r.text))
    })


# Readings that name a route without saying it is given: a page's title, a heading, the practice's name.
_NAMES_ONLY = frozenset({"offer.heading-route", "service.page-about-route", "provider.ketamine-name"})


def _all_to_come(signals: _Signals) -> bool:
    """Whether every page that offers ketamine care is headed as care still to come."""
    to_come = {e.url for e in signals.evidence.get("future-headline", [])}
    offering = {
        e.url for name in ("provider", "kap") for e in signals.evidence.get(name, [])
        if not e.rule.startswith("provider.") and e.rule != _TAGLINE.name  # the site's name and taglines say no "when"
    }
    return bool(to_come) and offering <= to_come


def _said_now(signals: _Signals, routes: list[str]) -> bool:
    """Whether a sentence of its own gives one of these routes as an offer now, at full weight
    ("for nine years our nurses gave ketamine infusions" tells of care given before)."""
    return any(
        e.weight >= SERVICE_MIN and e.rule not in _NAMES_ONLY and not V.CARE_GIVEN_BEFORE.search(e.text)
        for r in routes for e in signals.evidence.get(f"service:{r}", [])
    )


_MENU_LINE_ONLY = frozenset({"offer.listed-under-offer-heading", "provider.structured-data"})


def _menu_line_only(signals: _Signals) -> bool:
    """Whether all the site says of its ketamine care is a menu's line, in no one's voice: a line
    that speaks ("given by our CRNA after a screening") says more."""
    return all(
        e.rule in _MENU_LINE_ONLY and not V.FIRST_PERSON.search(e.text) for e in signals.evidence.get("provider", [])
    )


def site_is_therapy(signals: _Signals) -> bool:
    """Whether the offers of KAP come from a therapy practice speaking for itself."""
    return signals.score("kap") > 0 or signals.score("kap-team") > 0


def _services(signals: _Signals, modality: str) -> list[str]:
    found = [
        r
        for r in ROUTE_SERVICES
        if signals.score(f"service:{r}") >= SERVICE_MIN
        # "We will no longer offer Spravato" outweighs mentions of it, unless offers are plain.
        and signals.score(f"service:{r}") > 2 * signals.score(f"against:service:{r}")
    ]
    if modality == "kap":
        found += ["kap-individual", "psychotherapy"]
        if signals.score("service:kap-group") >= SERVICE_MIN:
            found.append("kap-group")
        if signals.score("service:integration") >= INTEGRATION_MIN:
            found.append("integration")
    return found


def _conditions(signals: _Signals, services: list[str]) -> list[str]:
    found = [c for c in V.CONDITIONS if signals.score(f"condition:{c}") >= CONDITION_MIN]
    # Esketamine (Spravato) is approved for depression only: offering it is treating depression.
    if "esketamine-nasal" in services and "depression" not in found:
        found.insert(0, "depression")
    return found


_DECIDING = {
    "kap": ["kap", "kap-offer", "kap-team"],
    "adjunctive-referral": ["adjunctive-referral"],
    "infusion-only": ["medical-ketamine"],
    "unclear": ["provider", "medical-ketamine"],
    "not-a-provider": ["not-a-provider", "ketamine-talk"],
}


def _decision(
    rule: str, confidence: float, signals: _Signals, services: list[str], conditions: list[str]
) -> Decision:
    """Order evidence: the deciding sentence first, then counter-evidence, services, conditions."""
    modality = DECISION_RULES[rule].modality
    deciding = _DECIDING[modality]
    ordered: list[Evidence] = []
    for name in deciding:
        ordered += signals.best(name)[:3]
    if ordered:
        first = ordered[0]
        ordered[0] = Evidence(first.text, first.url, modality, first.weight, first.rule, first.role)
    if modality != "not-a-provider":
        for name in ("against:kap", "adjunctive-referral", "kap"):
            if name not in deciding:
                ordered += signals.best(name)[:1]
        for s in services:
            ordered += signals.best(f"service:{s}")[:1]
        for r in ROUTE_SERVICES:
            ordered += signals.best(f"against:service:{r}")[:1]
        for c in conditions:
            ordered += signals.best(f"condition:{c}")[:1]
    unique: list[Evidence] = []
    seen: set[str] = set()
    for e in ordered:
        if e.text not in seen:
            seen.add(e.text)
            unique.append(e)
    confidence = round(min(0.95, max(0.05, confidence)), 2)
    return Decision(modality, confidence, services, conditions, unique[:MAX_EVIDENCE], rule)
