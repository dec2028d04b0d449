"""Site -> Decision: which kind of ketamine provider a site is, with the sentences that show it.

Real clinic sites explain treatments they do not give, compare themselves with other models
and say what they no longer offer, so words alone decide nothing. Every sentence is read for
*who is speaking* (the provider offering something, a visitor's procedure, or a general
explainer), *whether it is negated*, and *what it is about* (ketamine routes, in-house
therapy, an outside therapist, conditions). Only offers move the decision; negated offers
count against; explainers, blogs and news weigh little or nothing. Evidence is pooled over
every page of the site, then a few ordered rules turn the pooled scores into one modality.

Pure functions only: no I/O, no clocks, no randomness.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

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
    "faq": 0.7,
    "blog": 0.4,
    "news": 0.2,
}
# Menus, footers, cookie banners and sidebars repeat on every page and carry no offers.
OFFER_REGIONS = {"main"}

# --- vocabulary -----------------------------------------------------------------------------

_KETAMINE = re.compile(r"\b(?:es)?ketamine\b|\bspravato\b|\bKAP\b|\bKAT\b", re.I)
_KAP = re.compile(
    r"ketamine[- ]assisted[- ](?:psycho)?therapy|ketamine[- ]assisted\b|\bKAP\b|\bKAT\b|"
    r"psychedelic[- ](?:assisted[- ])?(?:psycho)?therapy|ketamine psychotherapy",
    re.I,
)
_ROUTES: dict[str, re.Pattern[str]] = {
    "iv-infusion": re.compile(r"\bIV\b|\bintravenous(?:ly)?\b|\binfusions?\b|\bdrip\b", re.I),
    "im-injection": re.compile(
        r"\bintramuscular(?:ly)?\b|(?<![\w'’])IM(?![\w'’])|\binjections?\b|\bshots?\b|\binto the muscle\b",
    ),
    "esketamine-nasal": re.compile(r"\bspravato\b|\besketamine\b|\bnasal spray\b|\bintranasal(?:ly)?\b|\bnasal dosing\b", re.I),
    "oral-sublingual": re.compile(
        r"\blozenges?\b|\bsublingual(?:ly)?\b|\btroches?\b|\bRDTs?\b|\brapid[- ]dissolv\w+ tablets?\b|"
        r"\boral ketamine\b|\bby mouth\b|\bunder the tongue\b",
        re.I,
    ),
    "at-home": re.compile(
        r"\bat[- ]home\b(?! (?:in|with) )|\bhome (?:use|sessions?|dosing|treatment)\b|\bfor use at home\b|"
        r"\b(?:in|from) (?:your|their) own home\b|\bon your own at home\b|\btaken at home\b",
        re.I,
    ),
}
# Lower-case route words reused by the case-sensitive IM pattern need their own flagless twin.
_ROUTE_NOUNS = re.compile(
    r"\b(?:infusions?|injections?|lozenges?|troches?|spravato|esketamine|nasal spray|shots?)\b", re.I
)
_CONDITIONS: dict[str, re.Pattern[str]] = {
    "depression": re.compile(
        r"\bdepress(?:ion|ive)\b|\bTRD\b|\bMDD\b|\bmood (?:disorders?|symptoms|conditions)\b|\bpain and mood\b", re.I
    ),
    "anxiety": re.compile(r"\banxiety\b|\bGAD\b", re.I),
    "ptsd": re.compile(r"\bPTSD\b|\bpost[- ]?traumatic\b|\btrauma\b", re.I),
    "ocd": re.compile(r"\bOCD\b|\bobsessive[- ]compulsive\b", re.I),
    "bipolar": re.compile(r"\bbipolar\b", re.I),
    "chronic-pain": re.compile(
        r"\bchronic (?:\w+ )?pain\b|\bCRPS\b|\bRSD\b|\bcomplex regional pain\b|\bneuropath(?:ic|y)\b|"
        r"\bnerve pain\b|\bneuralgia\b|\bpain (?:conditions?|syndromes?|management|relief)\b|\bphysical pain\b",
        re.I,
    ),
    "suicidal-ideation": re.compile(r"\bsuicid\w*|\bself[- ]harm\b", re.I),
    "migraine": re.compile(r"\bmigraines?\b", re.I),
    "fibromyalgia": re.compile(r"\bfibromyalgia\b", re.I),
    "substance-use": re.compile(
        r"\bsubstance (?:use|dependence|abuse|misuse)\b|\baddictions?\b|\balcohol(?:ism| use disorder)\b|\bopioid use\b",
        re.I,
    ),
    "eating-disorder": re.compile(r"\beating disorders?\b|\banorexia\b|\bbulimia\b|\bbinge[- ]eating\b", re.I),
}

_FIRST_PERSON = re.compile(r"\b(?:we|we're|we've|we'll|our|ours|us|my|me)\b|(?<![\w'’])I(?:'m|'ve|’m|’ve)?(?![\w'’])", re.I)
_FIRST_PERSON_CS = re.compile(r"\b(?:[Ww]e|[Ww]e're|[Ww]e've|[Ww]e'll|[Oo]ur|[Oo]urs|us|[Mm]y|me)\b|(?<![\w'’])I(?:'m|'ve|’m|’ve)?(?![\w'’])")
_OFFER_VERB = re.compile(
    r"\b(?:offer(?:s|ed|ing)?|provid(?:e|es|ed|ing)|give|gives|given|administer(?:s|ed)?|deliver(?:s|ed)?|"
    r"use|uses|using|specializ(?:e|es|ing)|run|runs|lead|leads|facilitat(?:e|es|ing)|hold|holds|held|"
    r"include[sd]?|focus(?:es)?|treat|treats|perform(?:s)?|prescrib(?:e|es|ed)|bring|brings|brought|"
    r"work|works|sit|sits|stay|stays|remain|remains|guide|guides|support|supports|accompany|accompanies|"
    r"schedule|book|available|choose|opt|designed|built|dosing|journeys?|sessions?|our route|"
    r"prepare|prepares|integrate|sticks? with|partner(?:s|ed)? with|add|added|help|helps)\b",
    re.I,
)
# Headings that introduce a list of what the provider does.
_OFFER_HEADING = re.compile(
    r"\b(?:what (?:we|i) (?:offer|provide|do|treat)|our (?:services|treatments?|options|program|approach)|"
    r"services|treatments?|(?:your|treatment) options|paths|fees|pricing|prices|steps|what to expect|"
    r"how (?:it|the medicine|treatment) (?:is given|works)|conditions we|what the program includes)\b",
    re.I,
)
_PRICE = re.compile(r"\$\s?\d")
_BOOKING = re.compile(
    r"\b(?:book|schedule|request|arrange)\s+(?:your|a|an|the)?\s*(?:free\s+|first\s+|initial\s+|complimentary\s+)?"
    r"(?:infusion|session|consultation|consult|appointment|evaluation|treatment|discovery call|screening|call)s?\b|"
    r"\b(?:start|begin) with a (?:free|complimentary|no-cost) (?:\w+ )?(?:consultation|consult|call)\b",
    re.I,
)
# "our infusions", "our IV ketamine": the provider's own service named as such.
_OWN_SERVICE = re.compile(
    r"\bour (?:\w+ )?(?:infusions?|injections?|treatments?|services?|clinics?|office|program|sessions?|"
    r"ketamine|IV|route|protocol)\b",
    re.I,
)
# "A focused clinic that provides ...": a site describing itself without naming itself.
_SELF_DESCRIPTION = re.compile(
    r"^(?:an?|the) (?:\w+ ){0,3}(?:clinic|practice|center|centre|service|team|provider)s? (?:that|which) "
    r"(?:provides|offers|specializes|delivers|gives)\b",
    re.I,
)
# A visitor's own procedure at the provider: "your first infusion", "your therapist will sit with you".
_PROCEDURAL = re.compile(
    r"\byour (?:first |next |initial |own )?(?:infusions?|sessions?|journeys?|treatments?|appointments?|visits?|"
    r"doses?|medicine sessions?|ketamine sessions?)\b|\byour (?:psycho)?therapist (?:will|prepares|stays|sits|guides)\b|"
    r"\byou (?:will|'ll) (?:receive|get|have|meet|be given)\b",
    re.I,
)

# A negation that governs an offer ("we do not offer", "no longer offers", "is not approved",
# "we are not a psychotherapy practice"), not any "not" in the sentence ("have not responded").
_NEGATED_OFFER = re.compile(
    r"\b(?:not|no longer|never|neither|cannot|n['’]t)\b(?:\s+[\w-]+){0,3}?\s+(?:offer\w*|provid\w*|use|using|give|giving|"
    r"administer\w*|prescrib\w*|run|accept\w*|includ\w*|perform\w*|available|approved|an?\b|part of|do\b|"
    r"replace\w*|carry|sell\w*)",
    re.I,
)
_EXCEPTIONS = re.compile(r"\b(?:beyond|other than|except|apart from|besides|outside of)\b", re.I)
_NOT_A_THERAPY_PRACTICE = re.compile(
    r"\b(?:psychotherapy|psychology|psychological|psychiatric|therapy|counseling) practice\b|\bpsychologists?\b|"
    r"\bpsychotherapists?\b|\btherapists?\b|\bpsychotherapy\b|\btherapy\b",
    re.I,
)
_INTERVIEW_LINE = re.compile(r"^[A-Z][\w.]*(?: [A-Z][\w.]*)?\s?:\s")

# An outside therapist carries the psychotherapy; the provider gives the medicine.
_REFERRAL = [
    re.compile(p, re.I)
    for p in (
        r"\b(?:return|go back|come back|back) to (?:the|your) (?:own )?(?:referring )?(?:mental health )?"
        r"(?:provider|therapist|psychiatrist|clinician|professional)",
        r"\b(?:mental health )?(?:provider|professional|clinician|therapist) who referred you\b",
        r"\breferring (?:mental health )?(?:provider|clinician|therapist|professional)\b.{0,60}\b(?:therapy|continue|resume)",
        r"\b(?:work|works|working|do it|collaborat\w*|partner\w*|coordinat\w*) (?:closely )?(?:alongside|with|together with|"
        r"in partnership with|in collaboration with) (?:your|the patient's|their) (?:own |existing |current |outside )?"
        r"(?:primary care provider (?:and|or) (?:your )?)?(?:psycho)?(?:therapist|mental health provider|care team|counselor)",
        r"\balongside (?:your|the patient's) (?:primary care provider|pcp|psychiatrist) (?:and|or) (?:your )?(?:psycho)?therapist",
        r"\b(?:keep|stay) in (?:close )?(?:touch|contact) with (?:the|your) mental health provider",
        r"\bunder the care of a (?:\w+ )?(?:psycho)?therapist\b",
        r"\b(?:require|requires|required|must|mandatory)\b.{0,60}\b(?:therapist|mental health provider|psychotherapy)\b",
        r"\b(?:therapist|mental health provider)\b.{0,80}\b(?:is|are) (?:required|mandatory)\b",
        r"\byour (?:own |outside |existing )?therapist(?:'s|’s)? role\b",
        r"\bwe prescribe\b.{0,60}\byour (?:own )?therapist\b",
        r"\btalk(?:ing)? (?:things )?(?:over )?with your (?:own )?therapist\b",
        r"\b(?:outside|external) (?:care team|therapist|therapy|mental health (?:provider|professional))\b",
        r"\btherapy externally\b|\bexternally with (?:your|their) (?:mental health )?providers?\b",
        r"\bhelp you find (?:a|an) (?:\w+ )?therapist\b",
        r"\bthe patient's (?:\w+ )?(?:therapy |CBT )?(?:provider|therapist)\b",
        r"\bexisting therapeutic relationship\b",
        r"\bbring (?:your|their) own therapist\b|\binvit\w+ (?:your|their) (?:own )?therapist\b",
    )
]
# A therapist of the provider's own prepares, sits with or integrates the medicine sessions.
_THERAPY_WORD = re.compile(
    r"\b(?:psycho)?therap(?:y|ies|ist|ists|eutic)\b|\bfacilitators?\b|\b(?:as|your) (?:a )?guide\b|\bsitters?\b", re.I
)
_OWN_THERAPIST = re.compile(
    r"\bour (?:own )?(?:\w+ )?(?:therapists?|psychotherapists?|clinicians?|facilitators?|psychologists?|counselors?)\b|"
    r"\b(?:therapist|psychotherapist|clinician)s? (?:or clinician )?from our team\b|"
    r"(?<![\w'’])I (?:act as|stay|remain|am|will be|sit|guide|accompany|facilitate|lead|offer|provide|see|work)\b|"
    r"\b(?:with|and) me\b|\bmy (?:office|practice|role|sessions|work)\b|\bme as (?:facilitator|guide)\b",
    re.I,
)
_SESSION_WORD = re.compile(
    r"\b(?:medicine|ketamine|dosing|journeys?|sessions?|experiences?|preparation|prepar\w+|integrat\w+|KAP|"
    r"in the room|present|the medicine|lozenges?|infusions?|on screen|insights?|learned|afterwards?|surfaced|"
    r"comes? up|came up)\b",
    re.I,
)
_THERAPIST_IN_SESSION = re.compile(
    r"\b(?:therapist|psychotherapist|clinician|facilitator|guide)s?\b.{0,40}\b(?:guid\w*|present|in the room|with you|"
    r"stays?|sits?|joins?|accompan\w+|support\w*|prepares?|help\w*)|"
    r"\b(?:guided|supported|facilitated|accompanied|led) by (?:a|an|your|our) (?:trained |licensed )?(?:psycho)?therapist",
    re.I,
)
# Preparation and integration sessions listed among what the provider gives.
_THERAPY_SESSIONS = re.compile(
    r"\b(?:preparation|prep|integration|psychotherapeutic|therapy) (?:sessions?|meetings?|therapy|work)\b", re.I
)
_GROUP = re.compile(r"\bgroup (?:KAP|ketamine|format|sessions?|settings?|therapy)\b|\bKAP groups?\b|\bgroups?\b.{0,40}\bKAP\b|\bin (?:individual and )?group settings\b", re.I)
# "infusion therapy" is a medical treatment, not psychotherapy.
_MEDICAL_THERAPY = re.compile(r"\b(?:infusion|ketamine|IV|drip|nitrous|medical|ECT|TMS|esketamine|spravato)\s+therapy\b", re.I)
_TREATMENT_CONTEXT = re.compile(
    r"\b(?:ketamine|treat\w*|infusions?|help\w*|relief|effective|respond\w*|for\b|symptoms|KAP|therapy)\b", re.I
)
_INTEGRATION = re.compile(r"\bintegrat(?:ion|e|ing)\b", re.I)
_THERAPIST_CREDENTIAL = re.compile(r"\b(?:LCSW|LICSW|LPC|LPCC|LMFT|MFT|LMHC|PsyD|Psy\.D\.|PhD|Ph\.D\.|LCPC|LISW)\b")
_PRESCRIBER_CREDENTIAL = re.compile(r"\b(?:MD|M\.D\.|DO|PMHNP|NP|APRN|FNP|CRNA|psychiatrist)\b")

# An explainer or a news item rather than a provider speaking.
_ARTICLE = re.compile(
    r"\b(?:researchers?|research team|study participants|the study|published (?:today|in)|according to|"
    r"interview(?:s|ed)?|transcrib\w+|podcast|journalists?|our writers|this article|this piece|in this blog|"
    r"broadcast|listen live|not medical advice|for educational purposes|does not endorse|health information)\b",
    re.I,
)
_BYLINE = re.compile(r"^(?:By [A-Z][\w.]+(?: [A-Z][\w.'-]+)+|Updated:? [A-Z][a-z]{2,8} \d|[A-Z][a-z]+ \d{1,2}, \d{4}$)")
# Sentences that name a condition without saying the provider treats it: who may not be
# treated, crisis lines, ketamine's history in surgery, what a condition leads to, media lists.
_NOT_TREATED_HERE = re.compile(
    r"\bnot (?:be )?(?:a )?(?:good |suitable )?(?:candidates?|suitable|appropriate|eligible)\b|\bmay not be\b|"
    r"\bhistory of\b|\bconsidered off-label\b|\bin the news\b|\bcrisis\b|\blifeline\b|\b988\b|\b911\b|"
    r"\bemergenc(?:y|ies)\b|\bused safely\b|\bits (?:safety )?record\b|\bin surgery\b|\bemergency rooms?\b|"
    r"\bdevelop(?:s|ed|ing)?\b|\bcaus(?:e|es|ed|ing)\b|\blead(?:s)? to\b",
    re.I,
)
_ORG_WORD = r"(?:Therapy|Psychotherapy|Counseling|Counselling|Clinic|Clinics|Center|Centre|Wellness|Health|Psychiatry|Institute|Infusions|Medical)"
_ORG = re.compile(
    r"\b((?:[A-Z][\w'&-]+ ){1,4}" + _ORG_WORD + r"(?: of [A-Z]\w+)?|(?:The )?" + _ORG_WORD + r" for (?:[A-Z]\w+ ?){1,3})"
)
_GENERIC_CAPS = {
    "ketamine", "ketamine-assisted", "assisted", "psychedelic", "psychedelic-assisted", "infusion", "iv", "the",
    "a", "an", "our", "your", "what", "how", "why", "is", "of", "benefits", "traditional", "couples", "eft",
    "group", "individual", "mental", "exploring", "understanding", "intravenous", "esketamine", "spravato",
    "virtual", "integration", "talk", "behavioral", "cognitive", "art", "music", "assisted",
}
_BRAND_VERB = re.compile(
    r"\b(?:offers|provides|prioritizes|prioritize|specializes|runs|delivers|brings|uses|focuses|treats)\b"
)
_QUESTION_END = re.compile(r"\?\s*$")
_ABBREV = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|St|Jr|Sr|vs|etc|e\.g|i\.e|approx|Inc|Ltd|No|U\.S)\.)$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")
_LEADING_SUBCLAUSE = re.compile(r"^((?:Although|Though|While|Whereas|Unlike)\b[^,]{3,120}),\s+")
_CLAUSE_SPLIT = re.compile(r";|\s+but\s+|,\s+(?:while|whereas|although|though)\s+|\.\s+", re.I)


@dataclass
class _Sentence:
    text: str
    url: str
    kind: str
    region: str
    tag: str
    heading: str
    block: str


@dataclass
class _Signals:
    """Weighted evidence per signal name ("kap", "adjunctive-referral", "service:iv-infusion"...)."""

    scores: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    evidence: dict[str, list[Evidence]] = field(default_factory=lambda: defaultdict(list))

    def add(self, name: str, weight: float, sentence: _Sentence) -> None:
        if weight <= 0:
            return
        self.scores[name] += weight
        self.evidence[name].append(Evidence(sentence.text, sentence.url, name, round(weight, 3)))

    def score(self, name: str) -> float:
        return self.scores.get(name, 0.0)

    def best(self, name: str) -> list[Evidence]:
        return sorted(self.evidence.get(name, []), key=lambda e: -e.weight)


def classify_site(pages: list[Page]) -> Decision:
    """Classify one site from all of its pages; evidence is pooled over the whole site."""
    sentences = list(_sentences(pages))
    brand = _brand_names(pages)
    signals = _Signals()
    article_score = _article_score(pages, sentences)
    ketamine_mentions = 0
    for s in sentences:
        if _KETAMINE.search(s.text):
            ketamine_mentions += 1
        _read_sentence(s, brand, signals)
    _read_team(pages, sentences, signals)
    return _decide(signals, article_score, ketamine_mentions)


# --- reading --------------------------------------------------------------------------------


def _sentences(pages: Iterable[Page]) -> Iterable[_Sentence]:
    seen: set[tuple[str, str]] = set()
    for page in pages:
        for block in page.blocks:
            for text in split_sentences(block.text):
                key = (text, block.region)
                if key in seen:  # repeated boilerplate counts once per site
                    continue
                seen.add(key)
                yield _Sentence(text, page.url, page.kind, block.region, block.tag, block.heading, block.text)


def split_sentences(text: str) -> list[str]:
    """Split a block of text into sentences, keeping abbreviations such as "Dr." intact."""
    parts: list[str] = []
    for piece in _SENTENCE_SPLIT.split(text):
        if parts and _ABBREV.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return [p.strip() for p in parts if p.strip()]


def _brand_names(pages: list[Page]) -> set[str]:
    """Names the site calls itself (title suffixes, og:site_name, logo alt), for "<Brand> offers..."."""
    names: set[str] = set()
    for page in pages:
        candidates = [page.meta.get("og:site_name", ""), *page.logo_alts]
        for sep in (" | ", " - ", " – ", " — "):
            if sep in page.title:
                candidates.append(page.title.rsplit(sep, 1)[-1])
        for c in candidates:
            c = c.strip()
            if 2 < len(c) < 60:
                names.add(c)
                first = c.split()[0]
                if first.lower() not in _GENERIC_CAPS and len(first) > 3:
                    names.add(first)
    return names


def _voice(s: _Sentence, clause: str, brand: set[str]) -> float:
    """How much a clause speaks as the provider offering something: 1 offer, 0.5 procedure, 0 talk."""
    if s.region not in OFFER_REGIONS or _QUESTION_END.search(s.text) or _INTERVIEW_LINE.match(s.block):
        return 0.0
    if s.tag in ("li", "td", "dd", "option") and _OFFER_HEADING.search(s.heading):
        return 1.0
    if _PRICE.search(clause) and _ROUTE_NOUNS.search(clause):
        return 1.0
    if _BOOKING.search(clause):
        return 1.0
    first_person = _FIRST_PERSON_CS.search(clause) or _FIRST_PERSON_CS.search(s.text)
    if first_person and (_OFFER_VERB.search(clause) or _OWN_SERVICE.search(clause)):
        return 1.0
    if _SELF_DESCRIPTION.match(clause):
        return 1.0
    if _brand_voice(clause, brand):
        return 1.0
    if _PROCEDURAL.search(clause):
        return 0.5
    if s.tag in ("h1", "h2", "h3") and s.kind in ("home", "services") and _ROUTE_NOUNS.search(clause):
        return 0.5
    if first_person:
        return 0.3
    return 0.0


def _brand_voice(text: str, brand: set[str]) -> bool:
    """'<Clinic> offers ...', 'At <Clinic> we ...': the site's own name speaking in the present tense."""
    for name in brand:
        i = text.find(name)
        if i >= 0 and (_BRAND_VERB.search(text, i + len(name), i + len(name) + 60) or text[max(0, i - 3):i] == "At "):
            return True
    for m in _ORG.finditer(text):
        words = [w for w in m.group(1).split() if w[0].isupper()]
        if not any(w.lower().strip("'’s") not in _GENERIC_CAPS and w not in _ORG_WORD for w in words[:-1] or words):
            continue
        tail = text[m.end(): m.end() + 60]
        if _BRAND_VERB.search(tail) and not re.match(r"\s*(?:that|which|who)\b", tail):
            return True
        if re.search(r"\b(?:like|at|visit)\s*$", text[: m.start()], re.I):
            return True
    return False


def _read_sentence(s: _Sentence, brand: set[str], signals: _Signals) -> None:
    if s.region not in OFFER_REGIONS or _QUESTION_END.search(s.text) or _INTERVIEW_LINE.match(s.block):
        return
    page_weight = KIND_WEIGHT.get(s.kind, 0.8)
    heading_routes = [r for r, p in _ROUTES.items() if p.search(s.heading)]
    for clause in _clauses(s.text):
        voice = _voice(s, clause, brand)
        negated = _negated_offer(clause)
        if re.search(r"\bcall(?:ed)? it\b", clause, re.I):
            continue  # "although we call it an infusion": a name, not the route given
        # Telling the patient what their own therapist does is the provider speaking, whoever the subject.
        if not negated and any(p.search(clause) for p in _REFERRAL):
            signals.add("adjunctive-referral", page_weight * max(voice, 0.6), s)
            _read_conditions(s, clause, page_weight * max(voice, 0.4), signals)
            continue
        routes = [r for r, p in _ROUTES.items() if p.search(clause)]
        if re.search(r"\bthis (?:route|method|option)\b", clause, re.I):
            routes += heading_routes
        kap = bool(_KAP.search(clause))
        if negated:
            weight = page_weight * max(voice, 0.5)
            scope = _EXCEPTIONS.split(clause)[0]  # "nothing beyond Spravato" does not negate Spravato
            for r in routes:
                if _ROUTES[r].search(scope) or r in heading_routes:
                    signals.add(f"against:service:{r}", weight, s)
            if _KAP.search(scope) or _NOT_A_THERAPY_PRACTICE.search(scope):
                signals.add("against:kap", weight, s)
            continue
        _read_conditions(s, clause, page_weight * (voice or (0.4 if _TREATMENT_CONTEXT.search(clause) else 0.2)), signals)
        if voice <= 0:
            continue
        weight = page_weight * voice
        for r in routes:
            signals.add(f"service:{r}", weight, s)
        if routes or re.search(r"\bketamine (?:treatments?|care|therapy|sessions?)\b", clause, re.I):
            signals.add("medical-ketamine", weight if routes else weight * 0.5, s)
        therapy = _THERAPY_WORD.search(_MEDICAL_THERAPY.sub("", clause))
        if kap and voice >= 1.0:
            signals.add("kap", weight, s)
        elif therapy and _SESSION_WORD.search(clause) and (
            (voice >= 0.5 and _OWN_THERAPIST.search(clause)) or (voice >= 1.0 and _THERAPIST_IN_SESSION.search(clause))
        ):
            signals.add("kap", weight, s)
        elif voice >= 1.0 and _THERAPY_SESSIONS.search(clause):
            signals.add("kap", weight * 0.5, s)
        if _GROUP.search(clause) and (kap or _KAP.search(s.block)):
            signals.add("service:kap-group", weight, s)
        if _INTEGRATION.search(clause) or re.search(r"\bintegration\b", s.heading, re.I):
            signals.add("service:integration", weight, s)
    # Conditions are also named in plain lists under a heading such as "What we treat".
    if s.tag in ("li", "td") and re.search(r"\b(?:treat|conditions?|help|who)\b", s.heading, re.I):
        _read_conditions(s, s.text, page_weight, signals)


def _read_conditions(s: _Sentence, clause: str, weight: float, signals: _Signals) -> None:
    if _NOT_TREATED_HERE.search(clause):
        return
    for c, p in _CONDITIONS.items():
        if p.search(clause):
            signals.add(f"condition:{c}", weight, s)


def _negated_offer(clause: str) -> bool:
    return bool(_NEGATED_OFFER.search(clause))


def _clauses(text: str) -> list[str]:
    """Clauses a negation or a "we call it" cannot reach beyond."""
    lead = _LEADING_SUBCLAUSE.match(text)
    parts = [lead.group(1), text[lead.end():]] if lead else [text]
    return [c.strip() for part in parts for c in _CLAUSE_SPLIT.split(part) if c and c.strip()]


def _read_team(pages: list[Page], sentences: list[_Sentence], signals: _Signals) -> None:
    """A team listing licensed therapists beside the prescriber points to therapy in house."""
    for page in pages:
        if page.kind not in ("team", "about"):
            continue
        text = " ".join(b.text for b in page.blocks if b.region == "main")
        therapists = _THERAPIST_CREDENTIAL.findall(text)
        prescribers = _PRESCRIBER_CREDENTIAL.findall(text)
        if therapists and prescribers:
            for s in sentences:
                if s.url == page.url and _THERAPIST_CREDENTIAL.search(s.text):
                    signals.add("kap", 0.6, s)
                    break


def _article_score(pages: list[Page], sentences: list[_Sentence]) -> float:
    """How much the site reads as publishing (news, research, interviews) rather than treating."""
    score = 0.0
    for s in sentences:
        if s.region != "main":
            continue
        if _ARTICLE.search(s.text):
            score += 1.0
        if _BYLINE.match(s.text):
            score += 1.5
        if _INTERVIEW_LINE.match(s.text):
            score += 0.5
    score += sum(1.0 for p in pages if p.kind in ("news", "blog"))
    return score


# --- deciding -------------------------------------------------------------------------------

_ROUTE_SERVICES = ("iv-infusion", "im-injection", "esketamine-nasal", "oral-sublingual", "at-home")


def _decide(signals: _Signals, article_score: float, ketamine_mentions: int) -> Decision:
    kap = signals.score("kap")
    against_kap = signals.score("against:kap")
    referral = signals.score("adjunctive-referral")
    medical = signals.score("medical-ketamine")
    provider = kap + referral + medical
    if ketamine_mentions == 0 or provider < 0.6:
        confidence = 0.9 if article_score >= 2 or ketamine_mentions == 0 else 0.7
        return _decision("not-a-provider", confidence, signals, [], [], _article_evidence(signals))
    net_kap = kap - against_kap
    if net_kap >= 0.8 and net_kap >= referral:
        modality = "kap"
        confidence = min(0.95, 0.55 + 0.1 * net_kap) - (0.15 if referral >= net_kap / 2 else 0.0)
    elif referral >= 0.6:
        modality = "adjunctive-referral"
        confidence = min(0.95, 0.6 + 0.15 * referral) - (0.2 if net_kap >= 0.5 else 0.0)
    elif medical >= 0.8 and any(signals.score(f"service:{r}") >= 0.5 for r in _ROUTE_SERVICES):
        modality = "infusion-only"
        confidence = min(0.92, 0.55 + 0.08 * medical) - (0.2 if net_kap > 0.3 or referral > 0.3 else 0.0)
    else:
        modality = "unclear"
        confidence = 0.3
    services = _services(signals, modality)
    conditions = _conditions(signals, services)
    return _decision(modality, round(max(0.05, confidence), 2), signals, services, conditions, [])


def _services(signals: _Signals, modality: str) -> list[str]:
    found = []
    for r in _ROUTE_SERVICES:
        if signals.score(f"service:{r}") >= 0.5 and signals.score(f"service:{r}") > signals.score(f"against:service:{r}"):
            found.append(r)
    if modality == "kap":
        found += ["kap-individual", "psychotherapy"]
        if signals.score("service:kap-group") >= 0.5:
            found.append("kap-group")
        if signals.score("service:integration") >= 0.8:
            found.append("integration")
    return found


def _conditions(signals: _Signals, services: list[str]) -> list[str]:
    found = [c for c in _CONDITIONS if signals.score(f"condition:{c}") >= 0.15]
    # Esketamine (Spravato) is approved for depression only: offering it is treating depression.
    if "esketamine-nasal" in services and "depression" not in found:
        found.insert(0, "depression")
    return found


def _article_evidence(signals: _Signals) -> list[Evidence]:
    return []


def _decision(
    modality: str,
    confidence: float,
    signals: _Signals,
    services: list[str],
    conditions: list[str],
    lead: list[Evidence],
) -> Decision:
    """Order evidence: the deciding sentence first, then counter-evidence, services, conditions."""
    deciding = {
        "kap": ["kap"],
        "adjunctive-referral": ["adjunctive-referral"],
        "infusion-only": ["medical-ketamine"],
        "unclear": ["medical-ketamine", "kap"],
        "not-a-provider": [],
    }[modality]
    ordered: list[Evidence] = list(lead)
    for name in deciding:
        ordered += signals.best(name)[:3]
    if ordered and modality != "not-a-provider":
        first = ordered[0]
        ordered[0] = Evidence(first.text, first.url, modality, first.weight)
    for name in ("against:kap", "adjunctive-referral", "kap"):
        if name not in deciding:
            ordered += signals.best(name)[:1]
    for s in services:
        ordered += signals.best(f"service:{s}")[:1]
    for c in conditions:
        ordered += signals.best(f"condition:{c}")[:1]
    unique: list[Evidence] = []
    seen: set[str] = set()
    for e in ordered:
        if e.text in seen:
            continue
        seen.add(e.text)
        unique.append(e)
    return Decision(modality, confidence, services, conditions, unique[:MAX_EVIDENCE])
