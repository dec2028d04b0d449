"""Site -> Decision: which kind of ketamine provider a site is, with the sentences that show it.

Real clinic sites explain treatments they do not give, compare themselves with other models
and say what they no longer offer, so words alone decide nothing. Every clause is read for
*who is speaking* (the provider offering something, a visitor's own procedure, or a general
explainer), *whether an offer is negated*, and *what it is about* (ketamine routes, the
provider's own therapists, an outside therapist, conditions). Only offers move the decision;
negated offers count against; explainers weigh nothing, blogs and news little, menus and
footers not at all. Evidence is pooled over every page of the site, then a few ordered rules
turn the pooled scores into one modality, a confidence and the evidence that decided it.

Pure functions only: no I/O, no clocks, no randomness.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from crawler.items import Decision, Evidence, Page
from crawler.extract.prefilter import Matcher, any_of, prefiltered
from crawler.extract.structured import PROVIDER_TYPES, type_names
from crawler.extract.text import split_sentences

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
# Menus, footers, cookie banners and sidebars repeat on every page and carry no offers. Page
# headers hold the site name and menu, but some themes put the hero sentence there too: their
# prose (not their menu items) counts, at half weight.
REGION_WEIGHT = {"main": 1.0, "header": 0.5}
_MENU_TAGS = ("li", "a", "button", "option", "label")

# Decision thresholds on pooled weights (one plain offer sentence on a services page is 1.0).
PROVIDER_MIN = 0.5  # below this the site never speaks as a ketamine provider
KAP_MIN = 0.8
REFERRAL_MIN = 0.4
MEDICAL_MIN = 0.8
SERVICE_MIN = 0.5
CONDITION_MIN = 0.15
INTEGRATION_MIN = 0.8

ROUTE_SERVICES = ("iv-infusion", "im-injection", "esketamine-nasal", "oral-sublingual", "at-home")

# --- vocabulary: topics -------------------------------------------------------------------

_KETAMINE = prefiltered(r"\b(?:es)?ketamine\b|\bspravato\b|\bKAP\b|\bKAT\b", re.I)
# Names that can only mean psychotherapy with ketamine.
_KAP_SPECIFIC = prefiltered(
    r"ketamine[- ]assisted[- ]psychotherapy|\bKAP\b|psychedelic[- ]assisted[- ]psychotherapy|"
    r"ketamine psychotherapy|psychedelic psychotherapy|psychedelic therapy",
    re.I,
)
# Names clinics also use for plain infusions ("ketamine-assisted therapy").
_KAP_LOOSE = prefiltered(r"ketamine[- ]assisted(?:[- ]therapy)?\b|\bKAT\b", re.I)
_ROUTES: dict[str, Matcher] = {
    "iv-infusion": prefiltered(r"\bIV\b|\bintravenous(?:ly)?\b|\binfusions?\b|\bdrip\b|\binto a vein\b", re.I),
    "im-injection": prefiltered(
        r"\b[Ii]ntramuscular(?:ly)?\b|(?<![\w'’])IM(?![\w'’])|\b[Ii]njections?\b|\b[Ss]hots?\b|\binto (?:the|"
        r"a) muscle\b"
    ),
    "esketamine-nasal": prefiltered(
        r"\bspravato\b|\besketamine\b|\bnasal spray\b|\bintranasal(?:ly)?\b|\bnasal dos(?:e|es|ing)\b", re.I
    ),
    "oral-sublingual": prefiltered(
        r"\blozenges?\b|\bsublingual(?:ly)?\b|\btroches?\b|\bRDTs?\b|\brapid[- ]dissolv\w+ tablets?\b|"
        r"\boral ketamine\b|\bby mouth\b|\bunder the tongue\b",
        re.I,
    ),
    "at-home": prefiltered(
        r"\bat[- ]home (?:ketamine|sessions?|treatment|use|dosing|program|KAP)\b|\bhome (?:use|sessions?|dosing)\b|"
        r"\b(?:use|sessions?|dosing|taken|done|take [\w ]{0,20}) at home\b|\b(?:in|from) (?:your|their) own home\b|"
        r"\bon your own at home\b|\btake-home\b|\b(?:virtual|telehealth|online|remote) (?:ketamine|KAP)\b",
        re.I,
    ),
}
# Most clauses name no route: one search says so before each route is tried.
_ANY_ROUTE = any_of(_ROUTES.values())
_OTHER_DRUG = prefiltered(
    r"\b(?:vitamins?|NAD\+?|hydration|nutrients?|myers|iron|b12|botox|nitrous|TMS|ECT|antibiotics?|chemo\w*|"
    r"IVIG|immunoglobulin|saline|fluids|semaglutide|weight loss|peptides?)\b",
    re.I,
)
_ROUTE_NOUNS = prefiltered(
    r"\b(?:infusions?|injections?|lozenges?|troches?|spravato|esketamine|nasal spray|intravenous|intramuscular)\b", re.I
)
_CONDITIONS: dict[str, Matcher] = {
    "depression": prefiltered(
        r"\bdepress(?:ion|ive)\b|\bTRD\b|\bMDD\b|\bmood (?:disorders?|symptoms|conditions)\b|"
        r"\b(?:for|treat\w*) (?:\w+ (?:and|&) )?mood\b",
        re.I,
    ),
    "anxiety": prefiltered(r"\banxiety\b|\bGAD\b", re.I),
    "ptsd": prefiltered(r"\bPTSD\b|\bpost[- ]?traumatic\b|\btrauma\b", re.I),
    "ocd": prefiltered(r"\bOCD\b|\bobsessive[- ]compulsive\b", re.I),
    "bipolar": prefiltered(r"\bbipolar\b", re.I),
    "chronic-pain": prefiltered(
        r"\bchronic (?:\w+ )?pain\b|\bCRPS\b|\bRSD\b|\bcomplex regional pain\b|\bneuropath(?:ic|y)\b|"
        r"\bnerve pain\b|\bneuralgia\b|\bpain (?:conditions?|syndromes?|management|relief)\b|\bphysical pain\b",
        re.I,
    ),
    "suicidal-ideation": prefiltered(r"\bsuicid\w*|\bself[- ]harm\b", re.I),
    "migraine": prefiltered(r"\bmigraines?\b", re.I),
    "fibromyalgia": prefiltered(r"\bfibromyalgia\b", re.I),
    "substance-use": prefiltered(
        r"\bsubstance (?:use|dependence|abuse|misuse)\b|\baddictions?\b|\balcohol(?:ism| use disorder)\b|"
        r"\bopioid use\b",
        re.I,
    ),
    "eating-disorder": prefiltered(r"\beating disorders?\b|\banorexia\b|\bbulimia\b|\bbinge[- ]eating\b", re.I),
}
# Most clauses name no condition: one search says so before each is tried.
_ANY_CONDITION = any_of(_CONDITIONS.values())
# Sentences that name a condition without saying the provider treats it: who may not be
# treated, crisis lines, ketamine's history in surgery, what a condition leads to, media lists.
_NOT_TREATED_HERE = prefiltered(
    r"\bnot (?:be )?(?:a )?(?:good |suitable )?(?:candidates?|suitable|appropriate|eligible)\b|\bmay not be\b|"
    r"\bhistory of\b|\bconsidered off-label\b|\bin the news\b|\bmedia (?:stories|coverage)\b|\breport(?:ing|ed|"
    r"s) on\b|\bcrisis\b|\blifeline\b|\b988\b|\b911\b|"
    r"\bemergenc(?:y|ies)\b|\bused safely\b|\bits (?:safety )?record\b|\bin surgery\b|"
    r"\bdevelop(?:s|ed|ing)?\b|\bcaus(?:e|es|ed|ing)\b|\blead(?:s)? to\b",
    re.I,
)
_TREATMENT_CONTEXT = prefiltered(
    r"\b(?:ketamine|treat\w*|infusions?|help\w*|relief|effective|respond\w*|for|symptoms|KAP|therapy)\b", re.I
)

# --- vocabulary: who is speaking ----------------------------------------------------------

_OFFER_VERBS = (
    r"(?:offer(?:s|ed|ing)?|provid(?:e|es|ed|ing)|giv(?:e|es|en|ing)|administer(?:s|ed|ing)?|deliver(?:s|ed|ing)?|"
    r"use|uses|using|specializ(?:e|es|ing)|run|runs|lead|leads|leading|facilitat(?:e|es|ing)|"
    r"hold|holds|held|include[sd]?|including|focus(?:es|ing)?|treat|treats|treating|perform(?:s|ed)?|"
    r"prescrib(?:e|es|ed|ing)|bring|brings|brought|work|works|sit|sits|stay|stays|remain|remains|"
    r"guide|guides|guiding|support|supports|accompan(?:y|ies)|schedule|book|see clients|added|add|partner(?:s|ed)?|"
    r"stick|sticks|prepare|prepares|integrate|welcome|accept|begin|start)"
)
# A first-person subject followed closely by an offer verb: "we offer", "I have included",
# "our therapists provide".
# "Dr. Ruiz's team", "Renée's clinic": a named person's practice, as good as "our".
_POSSESSIVE_NAME = r"(?:Dr\. )?[A-Z][\w.-]*(?: [A-Z][\w.-]*){0,2}['’]s"
_SUBJECT_OFFER = prefiltered(
    r"(?:\b[Ww]e\b|(?<![\w'’])I(?![\w'’])|\b(?:[Oo]ur|[Mm]y|" + _POSSESSIVE_NAME + r") (?:\w+ ){0,2}(?:team|clinic|practice|center|centre|"
    r"therapists?|clinicians?|providers?|staff|nurses?|physicians?|doctors?|psychiatrists?|specialists?|program|"
    r"anesthesiologists?|approach|work))(?:\s+[\w,'’-]+){0,4}?\s+" + _OFFER_VERBS + r"\b"
)
# "our infusions", "my office": the provider's own service or place named as such.
_OWN_SERVICE = prefiltered(
    r"\b(?:[Oo]ur|[Mm]y) (?:\w+ ){0,2}(?:infusions?|injections?|treatments?|services?|clinics?|office|offices|"
    r"program|sessions?|route|protocols?|lozenges?)\b"
)
# The provider's own therapists, or the therapist writing, taking part in the work.
_OWN_THERAPIST = prefiltered(
    r"\b[Oo]ur (?:own )?(?:\w+ )?(?:therapists?|psychotherapists?|clinicians?|facilitators?|psychologists?|"
    r"counselors?|guides|sitters)\b|\b[Oo]ur team of [^.;]{0,40}\b(?:therapists|psychotherapists|psychologists)\b|"
    r"\b(?:therapist|psychotherapist|clinician)s? (?:or clinician )?from our team\b|"
    r"(?<![\w'’])I (?:act as|stay|remain|am with|will be with|sit|guide|accompany|facilitate|lead|work|use|see|offer|"
    r"provide)\b|"
    r"\b(?:with|and) me\b|\bme as (?:facilitator|guide)\b|\b[Mm]y (?:role|office|sessions)\b"
)
# "... is delivered by our team": the provider named as the one who does it.
_BY_US = prefiltered(
    r"\bby (?:our|my) (?:\w+ ){0,2}(?:team|clinicians?|therapists?|psychotherapists?|staff|providers?|physicians?|"
    r"nurses?|doctors?|psychiatrists?|guides|facilitators)\b|\bby me\b"
)
# "A small practice that offers ...": a site describing itself without naming itself.
_SELF_DESCRIPTION = prefiltered(
    r"^(?:an?|the) (?:\w+ ){0,3}(?:clinic|practice|center|centre|service|team|provider)s? (?:that|which) "
    r"(?:provides|offers|specializes|delivers|gives)\b",
    re.I,
)
# "Now offering ketamine", "Introducing Spravato": an announcement without a subject.
_ANNOUNCEMENT = prefiltered(r"^(?:now |also |newly )?(?:offering|introducing|available now|now available)\b", re.I)
# Headings that introduce a list of what the provider does.
_OFFER_HEADING = prefiltered(
    r"\b(?:what (?:we|i) (?:offer|provide|do|treat)|our (?:services|treatments?|options|program|approach)|"
    r"services|treatments?|(?:your|treatment) options|paths|fees|pricing|prices|steps|what to expect|"
    r"how (?:it|the medicine|treatment) (?:is given|works)|conditions we|what the program includes|"
    r"what you get|what(?:'s| is) included|the (?:course|program|process))\b|^\d{1,2}[.)]\s",
    re.I,
)
# Headings of a page that is a menu of what the provider sells ("Our services", "Treatments").
_MENU_HEADING = prefiltered(r"^(?:our |all )?(?:services|treatments|treatment menu|menu|what we offer)\b", re.I)
_PRICE = prefiltered(r"\$\s?\d")
# "$400-$800 per infusion", "typically costs": what the market charges, not this provider.
_PRICE_RANGE = prefiltered(r"\$\s?[\d,]+\s*(?:[-–—]|to)\s*\$?\s?\d|\b(?:typical\w*|average|usually|range)\b", re.I)
_BOOKING = prefiltered(
    r"\b(?:book|schedule|request|arrange)\s+(?:your|a|an|the)?\s*(?:free\s+|first\s+|initial\s+|complimentary\s+)?"
    r"(?:infusion|session|consultation|consult|appointment|evaluation|treatment|discovery call|screening|call)s?\b|"
    r"\b(?:start|begin) with a (?:free|complimentary|no-cost) (?:\w+ )?(?:consultation|consult|call)\b|"
    r"\b(?:call|contact|email|text|message) (?:us|me)\b",
    re.I,
)
# A visitor's own procedure at the provider: "your first infusion", "your therapist will sit with you".
_PROCEDURAL = prefiltered(
    r"\byour (?:first |next |initial |own )?(?:infusions?|sessions?|journeys?|treatments?|appointments?|visits?|"
    r"doses?|medicine sessions?|ketamine sessions?)\b|\byou (?:will|'ll) (?:receive|get|have|meet|be given)\b",
    re.I,
)
# "Your therapist will sit with you": the provider describing its own therapist's part (an outside
# therapist is caught first, by the referral phrasings).
_YOUR_THERAPIST_ACTS = prefiltered(
    r"\byour (?:psycho)?therapist (?:will |also |then )?(?:prepar|stay|sit|guid|be with|be present|join|meet|lead)\w*",
    re.I,
)
# "The dose is delivered over forty minutes": how the provider does it, in the passive.
_PASSIVE_PROCEDURE = prefiltered(
    r"\b(?:is|are) (?:actually |always |then )?(?:given|administered|delivered|done|"
    r"held|dosed|taken) (?:as|by|in|at|through|via|over|under)\b",
    re.I,
)
_QUESTION_END = prefiltered(r"\?\s*$")
# "Jo: I started out ..." - a speaker's turn in an interview or a comment thread.
_SPEAKER = prefiltered(r"^([A-Z][\w.]*(?: [A-Z][\w.]*)?)\s?:\s")
_AT_BRAND = prefiltered(r"^At [A-Z][\w&'’ -]{1,40}, (?:we|our)\b")
# The writer is a therapist: "I am a licensed psychologist", "Jane Doe Psychotherapy".
_THERAPIST_SELF = prefiltered(
    r"(?<![\w'’])I(?:'m| am) a (?:\w+ ){0,3}(?:psychologist|psychotherapist|therapist|counselor|counsellor|"
    r"social worker|LCSW|LPC|LMFT|MFT)\b"
)
_THERAPY_BRAND = prefiltered(r"\b(?:Psychotherapy|Therapy|Counseling|Counselling|Psychologist|LCSW|LMFT|LPC)\b")
# A site named for ketamine or infusions is a clinic; one named as news or research is not.
_KETAMINE_BRAND = prefiltered(r"\b(?:Ketamine|Infusions?|Spravato|KAP)\b", re.I)
_MEDIA_BRAND = prefiltered(
    r"\b(?:News|Today|Magazine|Journal|Blog|Radio|Podcast|Research|Foundation|Association|Society)\b", re.I
)
_FIRST_PERSON = prefiltered(r"\b(?:[Ww]e|[Oo]ur|[Mm]y|me|us)\b|(?<![\w'’])I(?![\w'’])")
_NAMING = prefiltered(r"\bcall(?:s|ed)? (?:it|them|this|these|our \w+)\b|\bso[- ]called\b", re.I)
_IV_PROPER = prefiltered(r"\bIV\b|\bintravenous(?:ly)?\b|\bdrip\b|\binto a vein\b", re.I)
_THIS_ROUTE = prefiltered(r"\bthis (?:route|method|option)\b", re.I)  # refers back to the heading's route

# A negation that governs an offer ("we do not offer", "no longer offers", "is not approved",
# "we are not a psychotherapy practice"), not any "not" in a sentence ("symptoms that have not eased").
_NEGATED_OFFER = prefiltered(
    r"\b(?:not|no longer|never|neither|cannot|n['’]t)\b(?:\s+[\w-]+){0,3}?\s+(?:offer\w*|provid\w*|use|using|give|"
    r"giving|administer\w*|prescrib\w*|run|accept\w*|includ\w*|perform\w*|available|approved|part of|do\b|"
    r"replace\w*|carry|sell\w*)|\bthere (?:is|are) no\b|"
    # what the provider is not: "we are not a psychotherapy practice", "neither of us is a psychologist"
    r"\b(?:(?:is|are|am|'re|’re)\s+not|neither of us is|none of us (?:is|are))\s+(?:an?\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:practice|clinic|provider|therapists?|psychotherapists?|psychiatrists?|psychologists?|substitute|"
    r"replacement)\b",
    re.I,
)
_PASSIVE_NEGATION = prefiltered(
    r"\b(?:is|are|was|were)\b.{0,14}\b(?:offered|provided|available|given|administered|used|carried)\b", re.I
)
_EXCEPTIONS = prefiltered(r"\b(?:beyond|other than|except|apart from|besides|outside of)\b", re.I)
_NOT_A_THERAPY_PRACTICE = prefiltered(
    r"\b(?:psychotherapy|psychology|psychological|psychiatric|therapy|counseling) practice\b|\bpsychologists?\b|"
    r"\bpsychotherapists?\b|\btherapists?\b|\bpsychotherapy\b|\btherapy\b",
    re.I,
)
# "Though clinics use IV, IM or nasal routes, we give troches": the subordinate clause ends at the
# comma where the main clause's subject begins, not at the first comma of a list.
_LEADING_SUBCLAUSE = prefiltered(
    r"^((?:Although|Though|While|Whereas|Unlike|If|When|Once|Before|After|Until|Unless)\b.{3,160}?),\s+"
    r"(?=(?:we|I|our|my|you|your|it|they|this|these|the|there|ketamine|KAP|patients|clients|most|many|some)\b)",
    re.I,
)
_CONCESSION = prefiltered(r"^(?:Although|Though|Whereas|Unlike|Compared (?:to|with))\b", re.I)
_CLAUSE_SPLIT = prefiltered(r";|\s+but\s+|,\s+(?:while|whereas|although|though)\s+", re.I)

# --- vocabulary: therapy in house, therapy elsewhere --------------------------------------

# Other words for whoever carries the therapy, for judging how sure an infusion-only call is.
_OTHER_CARER = prefiltered(
    r"\bcounsel(?:or|ors|ing|lor)\b|\bmental health (?:provider|professional|team|clinician)s?\b", re.I
)
# "A therapist is not required": the opposite of a referral model.
_NOT_REQUIRED = prefiltered(
    r"\b(?:not|n['’]t|never|no)\s+(?:\w+\s+){0,2}(?:require\w*|need\w*|necessary|mandatory)\b", re.I
)
# An outside therapist carries the psychotherapy; the provider gives the medicine.
_OUTSIDE_CARER = (
    r"(?:(?:psycho)?therapist|counselor|mental health (?:provider|professional|team|clinician)s?|care team|"
    r"treatment team)"
)
_REFERRAL_PHRASINGS = [
    re.compile(p, re.I)
    for p in (
        r"\b(?:return|go back|come back|back) to (?:the|your) (?:own )?(?:referring )?(?:mental health )?"
        r"(?:provider|therapist|psychiatrist|clinician|professional)",
        r"\b(?:mental health )?(?:provider|professional|clinician|therapist) who referred you\b",
        r"\breferring (?:mental health )?(?:provider|clinician|therapist|professional)\b.{0,60}\b(?:therapy|continue|"
        r"resume)",
        r"\b(?:work|works|working|do it|collaborat\w*|partner\w*|coordinat\w*|"
        r"communicat\w*) (?:closely )?(?:alongside|with|"
        r"together with|in partnership with|in collaboration with) (?:your|the patient's|their) (?:own |existing |"
        r"current |"
        r"outside )?(?:primary care provider (?:and|or) (?:your )?)?" + _OUTSIDE_CARER,
        r"\balongside (?:your|the patient's) (?:primary care provider|pcp|psychiatrist) (?:and|"
        r"or) (?:your )?(?:psycho)?therapist",
        r"\b(?:keep|stay) in (?:close )?(?:touch|contact) with (?:the|your) (?:mental health provider|therapist)",
        r"\bunder the care of a (?:\w+ )?(?:psycho)?therapist\b",
        r"\b(?:we|you|patients|clients)\b[^.;]{0,20}\b(?:require|requires|required|must|mandatory)\b.{0,60}"
        r"\b(?:therapist|mental health provider|psychotherapy)\b",
        r"\b(?:therapist|mental health provider)\b.{0,80}\b(?:is|are) (?:required|mandatory)\b",
        r"\byour (?:own |outside |existing )?therapist(?:'s|’s)? role\b",
        r"\byour (?:own |outside )?(?:psycho)?therapist (?:provides|handles|does|carries|leads|is responsible for) "
        r"(?:the |your )?(?:psycho)?therapy",
        r"\bwe prescribe\b.{0,60}\byour (?:own )?therapist\b",
        r"\btalk(?:ing)? (?:\w+ ){0,2}with your (?:own )?therapist\b",
        r"\b(?:your|their) (?:own|outside|existing|current) (?:psycho)?therapists?\b",
        r"\b(?:outside|external) (?:care team|therapist|therapy|mental health (?:provider|professional))\b",
        r"\btherapy externally\b|\bexternally with (?:your|their) (?:mental health )?providers?\b",
        r"\bhelp you find (?:a|an) (?:\w+ )?therapist\b",
        r"\bthe patient's (?:\w+ )?(?:therapy |CBT )?(?:provider|therapist)\b",
        r"\bexisting therapeutic relationship\b",
        r"\bbring (?:your|their) own therapist\b|\binvit\w+ (?:your|their) (?:own )?therapist\b",
        r"\b(?:partner|work|collaborat|refer)\w* (?:closely )?(?:with|to) (?:local|outside|independent|community|area|"
        r"trusted) (?:\w+ )?(?:therapists|psychotherapists|counselors|mental health providers)\b",
        r"\b(?:refer|connect|match) (?:you|patients|clients) (?:to|with) (?:a |an |"
        r"one of )?[^.;]{0,30}\b(?:psycho)?therapists?\b",
        r"\bcontinu\w* (?:to see |seeing |working with |with |care with |(?:psycho)?therapy with )?(?:your|their) "
        r"(?:own |current |existing )?"
        r"(?:psycho)?(?:therapist|counselor|mental health (?:provider|professional|team))",
        r"\b(?:recommend|encourage|advise|suggest|urge)\w*\b[^.;]{0,50}\b(?:see|work with|have|continue|find|keep|"
        r"stay with|be in|engage in|pursue)\b[^.;]{0,30}\b(?:(?:psycho)?therapists?|counselors?|psychotherapy|"
        r"therapy)\b",
    )
]
_REFERRAL = any_of(_REFERRAL_PHRASINGS)
# "infusion therapy" is a medical treatment, not psychotherapy.
_MEDICAL_THERAPY = prefiltered(
    r"\b(?:infusion|ketamine|IV|drip|nitrous|medical|ECT|TMS|esketamine|spravato)\s+therapy\b", re.I
)
_THERAPY_WORD = prefiltered(
    r"\b(?:psycho)?therap(?:y|ies|ist|ists|eutic)\b|\bfacilitators?\b|\b(?:as|your|our|a trained) (?:a )?guides?\b|"
    r"\bsitters?\b",
    re.I,
)
_SESSION_WORD = prefiltered(
    r"\b(?:medicine|ketamine|dosing|journeys?|sessions?|experiences?|preparation|prepar\w+|integrat\w+|KAP|"
    r"in the room|present|lozenges?|infusions?|on screen|insights?|learned|afterwards?|surfaced|comes? up|came up)\b",
    re.I,
)
_THERAPIST_IN_SESSION = prefiltered(
    r"\b(?:therapist|psychotherapist|clinician|facilitator|guide)s?\b.{0,40}\b(?:guid\w*|present|in the room|with you|"
    r"stays?|sits?|joins?|accompan\w+|support\w*|prepares?|help\w*)|"
    r"\b(?:guided|supported|facilitated|accompanied|led) by (?:a|an|your|our) (?:trained |"
    r"licensed )?(?:psycho)?therapist",
    re.I,
)
# Preparation and integration sessions listed among what the provider gives.
_THERAPY_SESSIONS = prefiltered(
    r"\b(?:preparation|prep|integration|psychotherapeutic|therapy) (?:sessions?|meetings?|therapy|work)\b", re.I
)
# A therapist working with an outside prescriber is still delivering KAP.
_PARTNER_PRESCRIBER = prefiltered(
    r"\b(?:partner\w*|collaborat\w*|work\w*) (?:with|alongside) (?:a |an |our |my )?(?:prescribing |medical |"
    r"physician )?"
    r"(?:prescriber|prescribing (?:clinician|physician)|physician|psychiatrist|medical (?:team|provider)|"
    r"[A-Z]\w+ Clinical)\b|\bphysician partner\b|\bprescribed by\b",
)
_GROUP = prefiltered(
    r"\bgroup (?:KAP|ketamine|format|sessions?|settings?|therapy|journeys?)\b|\bKAP groups?\b|"
    r"\bgroups?\b.{0,40}\bKAP\b|"
    r"\bin (?:individual and )?group settings\b",
    re.I,
)
_MEDICINE_CONTEXT = prefiltered(
    r"\b(?:es)?ketamine\b|\bspravato\b|\bKAP\b|\bKAT\b|\bmedicine\b|\bjourneys?\b|\bdos(?:e|es|ing)\b|\blozenges?\b|"
    r"\bpsychedelic|\binfusions?\b",
    re.I,
)
_INTEGRATION = prefiltered(r"\bintegrat(?:ion|e|ing)\b", re.I)
_THERAPIST_CREDENTIAL = prefiltered(
    r"\b(?:LCSW|LICSW|LISW|LPC|LPCC|LMFT|MFT|LMHC|LCPC|PsyD|Psy\.D\.|PhD|Ph\.D\.)\b|"
    r"\b(?:licensed (?:clinical social worker|professional counselor|psychologist|marriage and family therapist)|"
    r"psychologist|psychotherapist)\b"
)
_PRESCRIBER_CREDENTIAL = prefiltered(
    r"\b(?:MD|M\.D\.|DO|PMHNP|NP|APRN|FNP|CRNA)\b|\b(?:psychiatrist|physician|nurse practitioner|anesthesiologist)\b"
)

# --- vocabulary: publishing rather than treating -----------------------------------------

_ARTICLE = prefiltered(
    r"\b(?:researchers?|research team|study participants|the study|published (?:today|in)|according to|said|told|"
    r"interview(?:s|ed)?|transcrib\w+|podcast|journalists?|our writers|this article|this piece|in this blog|"
    r"broadcast|listen live|not medical advice|for educational purposes|does not endorse|"
    r"health information resource|official website of)\b",
    re.I,
)
# The site saying what it is not: "we are not a clinic", "we do not sell anything".
_NOT_A_PROVIDER_SELF = prefiltered(
    r"\b(?:we|I)(?:'re|’re| are| am|'m|’m) not an? (?:\w+ ){0,2}"
    r"(?:clinic|medical practice|treatment (?:center|provider)|(?:health ?care |medical )?provider)\b|\bnot a clinic\b|"
    r"\b(?:we|I) (?:do not|don't|don’t|cannot|can't|can’t) (?:sell|treat patients|see patients|endorse|"
    r"provide (?:any )?(?:medical )?(?:care|treatment|services))\b|\bdoes not endorse\b|"
    r"(?<![\w'’])I (?:do not|don't|don’t) (?:provide|offer)\b[^.;]{0,40}\b(?:ketamine|KAP)\b",
    re.I,
)
_BYLINE = prefiltered(r"^(?:By [A-Z][\w.]+(?: [A-Z][\w.'-]+)+|Updated:? [A-Z][a-z]{2,8} \d|[A-Z][a-z]+ \d{1,2}, \d{4}$)")

# --- vocabulary: organisations --------------------------------------------------------------

_ORG_WORDS = ("Therapy", "Psychotherapy", "Counseling", "Counselling", "Psychology", "Clinic", "Clinics", "Center",
              "Centre", "Wellness", "Health", "Psychiatry", "Institute", "Infusions", "Medical")
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
}
_BRAND_VERB = prefiltered(
    r"^[^.;]{0,40}?\b(?:offers|provides|prioriti[sz]es?|specializes|runs|delivers|brings|uses|focuses|treats)\b"
)

_REPORTED = prefiltered(r"\b(?:said|says|told|according)\b")


@dataclass
class _Sentence:
    text: str
    url: str
    kind: str
    region: str
    tag: str
    heading: str
    block: str
    weight: float  # by the kind of page it is on


@dataclass
class _Signals:
    """Weighted evidence per signal ("kap", "adjunctive-referral", "service:iv-infusion", ...)."""

    scores: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    evidence: dict[str, list[Evidence]] = field(default_factory=lambda: defaultdict(list))

    def add(self, name: str, weight: float, sentence: _Sentence) -> None:
        if weight <= 0:
            return
        self.scores[name] += weight
        self.evidence[name].append(Evidence(sentence.text, sentence.url, name, round(weight, 3)))

    def score(self, name: str) -> float:
        return self.scores.get(name, 0.0)

    def strong(self, name: str, at_least: float = 0.7) -> int:
        """How many distinct sentences back a signal with real weight."""
        return len({e.text for e in self.evidence.get(name, []) if e.weight >= at_least})

    def best(self, name: str) -> list[Evidence]:
        return sorted(self.evidence.get(name, []), key=lambda e: -e.weight)


@dataclass
class _Site:
    signals: _Signals
    article: float  # how much the site reads as publishing rather than treating
    article_share: float  # the same per sentence of main text, so a clinic's large blog does not swamp it
    ketamine_mentions: int


@dataclass
class _Context:
    """What is known about the site as a whole before its sentences are weighed."""

    brand: set[str]
    therapist_practice: bool  # the site is a therapist's own practice
    ketamine_pages: set[str]
    menu_pages: set[str] = field(default_factory=set)  # pages headed "Our services", "Treatments"...
    infusion_is_a_name: bool = False  # "we call our shots infusions": the word alone is not the IV route
    voiced_pages: set[str] = field(default_factory=set)  # pages where the provider speaks in first person
    speakers: set[tuple[str, str]] = field(default_factory=set)  # (url, name) of interview/comment turns
    heading_routes: dict[str, list[str]] = field(default_factory=dict)  # routes a heading names, per heading

    def routes_in_heading(self, heading: str) -> list[str]:
        """Many sentences share a heading: each is read once per site."""
        if heading not in self.heading_routes:
            self.heading_routes[heading] = [r for r, p in _ROUTES.items() if p.search(heading)]
        return self.heading_routes[heading]


def classify_site(pages: list[Page]) -> Decision:
    """Classify one site from all of its pages; evidence is pooled over the whole site."""
    return _decide(_read_site(pages))


def _read_site(pages: list[Page]) -> _Site:
    """Every signal the site gives, weighted."""
    sentences = list(_sentences(pages))
    ctx = _context(pages, sentences)
    signals = _Signals()
    for s in sentences:
        _read_sentence(s, ctx, signals)
    _read_team(pages, sentences, signals)
    _read_brand(pages, ctx, signals)
    ketamine_mentions = sum(1 for s in sentences if _KETAMINE.search(s.text))
    article = _read_article(sentences, ctx, signals)
    main_sentences = sum(1 for s in sentences if s.region == "main") or 1
    return _Site(signals, article, article / main_sentences, ketamine_mentions)


def _context(pages: list[Page], sentences: list[_Sentence]) -> _Context:
    brand = _brand_names(pages)
    main_text = " ".join(s.text for s in sentences if s.region == "main")
    ctx = _Context(
        brand=brand,
        therapist_practice=bool(_THERAPIST_SELF.search(main_text))
        or any(_THERAPY_BRAND.search(b) and not _KETAMINE_BRAND.search(b) for b in brand),
        ketamine_pages=_ketamine_pages(pages),
    )
    ctx.menu_pages = {
        p.url for p in pages if any(b.tag in ("h1", "h2") and _MENU_HEADING.search(b.text) for b in p.blocks)
    }
    ctx.infusion_is_a_name = any(
        _NAMING.search(s.text) and re.search(r"\binfusions?\b", s.text, re.I) for s in sentences if s.region == "main"
    )
    for page in pages:
        turns = [m.group(1) for b in page.blocks if ":" in b.text and (m := _SPEAKER.match(b.text))]
        ctx.speakers |= {(page.url, name) for name in turns if turns.count(name) >= 2}
    for s in sentences:
        if s.region == "main" and s.url not in ctx.voiced_pages and not _is_speaker_turn(s, ctx):
            if any(_voice(s, c, ctx) >= 1.0 for c in _clauses(s.text)):
                ctx.voiced_pages.add(s.url)
    return ctx


def _ketamine_pages(pages: list[Page]) -> set[str]:
    """Pages that name ketamine anywhere; menus and footers repeat on every page, so each
    distinct block is searched once."""
    named: dict[str, bool] = {}
    found = set()
    for page in pages:
        for block in page.blocks:
            if block.text not in named:
                named[block.text] = bool(_KETAMINE.search(block.text))
            if named[block.text]:
                found.add(page.url)
                break
    return found


def _is_speaker_turn(s: _Sentence, ctx: _Context) -> bool:
    if not ctx.speakers:  # most sites have no interview on them
        return False
    m = _SPEAKER.match(s.block)
    return bool(m) and (s.url, m.group(1)) in ctx.speakers


# --- reading --------------------------------------------------------------------------------


def _sentences(pages: list[Page]) -> Iterable[_Sentence]:
    # A blog post weighs less than the services page beside it; a site that is nothing but
    # posts (or a single saved article) has no such page, and its posts are all it says.
    only_posts = not any(p.kind not in ("blog", "news", "other") for p in pages)
    seen: set[tuple[str, str]] = set()
    seen_blocks: set[tuple[str, str]] = set()  # a block met before has nothing new to say
    for page in pages:
        kind_weight = KIND_WEIGHT["other"] if only_posts and page.kind == "blog" else KIND_WEIGHT.get(page.kind, 0.8)
        for block in page.blocks:
            if (block.text, block.region) in seen_blocks:
                continue
            seen_blocks.add((block.text, block.region))
            weight = kind_weight * REGION_WEIGHT.get(block.region, 0.0)
            for text in split_sentences(block.text):
                key = (text, block.region)
                if key in seen:  # boilerplate repeated on every page counts once per site
                    continue
                seen.add(key)
                yield _Sentence(text, page.url, page.kind, block.region, block.tag, block.heading, block.text, weight)


def _clauses(text: str) -> list[str]:
    """Clauses a negation or a concession cannot reach beyond."""
    lead = _LEADING_SUBCLAUSE.match(text)
    parts = [lead.group(1), text[lead.end():]] if lead else [text]
    return [c.strip() for part in parts for c in _CLAUSE_SPLIT.split(part) if c and c.strip()]


def _brand_names(pages: list[Page]) -> set[str]:
    """Names the site calls itself (title suffixes, og:site_name, logo alt), for "<Brand> offers..."."""
    names: set[str] = set()
    for page in pages:
        candidates = [page.meta.get("og:site_name", ""), *page.logo_alts]
        for sep in (" | ", " - ", " – ", " — "):
            if sep in page.title:
                candidates.append(page.title.rsplit(sep, 1)[-1])
        for candidate in candidates:
            candidate = candidate.strip()
            if 2 < len(candidate) < 60:
                names.add(candidate)
                first = candidate.split()[0]
                if first.lower() not in _GENERIC_CAPS and len(first) > 3 and first[0].isupper():
                    names.add(first)
    return names


def _organisations(text: str) -> list[str]:
    """Proper names of practices in a text ("Riverside Therapy", "The Center for Quiet Minds")."""
    found = []
    for m in _ORG.finditer(text):
        words = m.group(1).split()
        distinctive = [w for w in words if w.lower().strip("'’s") not in _GENERIC_CAPS and w not in _ORG_WORDS]
        if distinctive:
            found.append(m.group(1))
    return found


def _brand_voice(text: str, brand: set[str]) -> bool:
    """'<Clinic> offers ...', 'At <Clinic> we ...', 'visit <Clinic>'s website': the practice speaking."""
    for name in brand | set(_organisations(text)):
        i = text.find(name)
        if i < 0:
            continue
        before, after = text[:i], text[i + len(name):]
        relative = re.match(r"\s*(?:that|which|who)\b", after)  # "a clinic that offers": someone else
        if _BRAND_VERB.search(after) and not relative and not _REPORTED.search(after[:40]):
            return True
        if re.search(r"\b(?:At|like|visit)\s*$", before):
            return True
    return False


def _therapy_org(text: str) -> bool:
    """A named psychotherapy practice ("<Name> Therapy", "<Name> Counseling")."""
    return any(
        set(org.split()) & _THERAPY_ORG_WORDS and not _KETAMINE_BRAND.search(org) for org in _organisations(text)
    )


def _voice(s: _Sentence, clause: str, ctx: _Context) -> float:
    """How much a clause speaks as the provider offering something: 1 offer, 0.5 procedure, 0 talk."""
    if _CONCESSION.match(clause):
        return 0.0  # "Although it can be given by IV, ...": conceded, not offered
    if s.tag in ("li", "td", "dd", "option") and _OFFER_HEADING.search(s.heading):
        return 1.0
    if _PRICE.search(clause) and _ROUTE_NOUNS.search(clause) and not _PRICE_RANGE.search(s.text + " " + s.heading):
        return 1.0
    if s.tag in ("li", "dd") and s.url in ctx.menu_pages:
        return 1.0
    if s.tag in ("li", "dd") and s.kind in ("services", "pricing"):
        return 0.75  # a list on a services page usually itemises the service
    if (
        _BOOKING.search(clause)
        or _SUBJECT_OFFER.search(clause)
        or _OWN_SERVICE.search(clause)
        or _OWN_THERAPIST.search(clause)
        or _BY_US.search(clause)
        or _SELF_DESCRIPTION.match(clause)
        or _ANNOUNCEMENT.match(clause)
        or _YOUR_THERAPIST_ACTS.search(clause)
        or _AT_BRAND.match(clause)
        or _brand_voice(clause, ctx.brand)
    ):
        return 1.0
    if s.kind not in ("blog", "news") and _PASSIVE_PROCEDURE.search(clause):
        # On a page where the provider speaks, "the dose is held in our office" is its own procedure.
        return 0.75 if s.url in ctx.voiced_pages else 0.5
    if _PROCEDURAL.search(clause):
        return 0.5
    if s.tag in ("h1", "h2", "h3") and s.kind in ("home", "services") and _ROUTE_NOUNS.search(clause):
        return 0.5
    if s.tag == "p" and s.kind in ("home", "services", "pricing") and _OFFER_HEADING.search(s.heading):
        return 0.5
    if _FIRST_PERSON.search(s.text):
        return 0.3
    return 0.0


def _read_sentence(s: _Sentence, ctx: _Context, signals: _Signals) -> None:
    if s.region not in REGION_WEIGHT or _QUESTION_END.search(s.text) or _is_speaker_turn(s, ctx):
        return
    if s.region != "main" and s.tag in _MENU_TAGS:
        return
    page_weight = s.weight
    heading_routes = ctx.routes_in_heading(s.heading)
    for clause in _clauses(s.text):
        voice = _voice(s, clause, ctx)
        negated = bool(_NEGATED_OFFER.search(clause))
        # Telling patients what their own therapist does is the provider speaking, whatever the grammar.
        if not negated and not _NOT_REQUIRED.search(clause) and _REFERRAL.search(clause):
            signals.add("adjunctive-referral", page_weight * max(voice, 0.6), s)
            _read_conditions(s, clause, page_weight * max(voice, 0.4), signals)
            continue
        routes = [r for r, p in _ROUTES.items() if p.search(clause)] if _ANY_ROUTE.search(clause) else []
        names_ketamine = bool(_KETAMINE.search(clause))
        if _OTHER_DRUG.search(clause) and not names_ketamine:
            routes = []  # "IV vitamin drips" on a clinic's menu is not a ketamine route
        if _NAMING.search(clause):
            routes = []  # "we call our treatments infusions": a name, not the route given
        elif ctx.infusion_is_a_name and "iv-infusion" in routes and not _IV_PROPER.search(clause):
            routes.remove("iv-infusion")
        if _THIS_ROUTE.search(clause):
            routes += heading_routes
        if negated:
            _read_negation(s, clause, routes, heading_routes, page_weight * max(voice, 0.5), signals)
            continue
        context = 0.4 if _TREATMENT_CONTEXT.search(clause) else 0.2
        _read_conditions(s, clause, page_weight * (voice or context), signals)
        # "ketamine-assisted therapy" alone names a treatment, not a therapist.
        plain = _KAP_LOOSE.sub("", _MEDICAL_THERAPY.sub("", clause))
        if _THERAPY_WORD.search(plain) or _OTHER_CARER.search(plain):
            # Any talk of therapy leaves room for a coordination or in-house model the rules missed.
            signals.add("therapy-talk", page_weight, s)
        if voice < 1.0 and names_ketamine:
            signals.add("ketamine-talk", page_weight * 0.1, s)  # shown when nothing else explains a decision
        if voice <= 0:
            continue
        weight = page_weight * voice
        if voice >= 1.0 and (routes or _KAP_LOOSE.search(clause) or names_ketamine):
            signals.add("provider", weight, s)
        elif voice >= 1.0 and s.url in ctx.ketamine_pages and _BOOKING.search(clause):
            signals.add("provider", weight * 0.5, s)
        for r in routes:
            signals.add(f"service:{r}", weight, s)
        if routes or re.search(r"\bketamine (?:treatments?|care|therapy|sessions?|program)\b", clause, re.I):
            signals.add("medical-ketamine", weight if routes else weight * 0.5, s)
        _read_in_house_therapy(s, clause, plain, voice, weight, ctx, signals)


@lru_cache(maxsize=4096)
def _block_context(block: str) -> tuple[bool, bool, bool]:
    """What every clause of a block asks of the whole block, computed once per block (a long
    block searched again for each of its clauses made large pages quadratic)."""
    return (
        bool(_MEDICINE_CONTEXT.search(block)),
        bool(_KAP_SPECIFIC.search(block)),
        bool(_MEDICINE_SESSIONS.search(block)),
    )


_MEDICINE_SESSIONS = prefiltered(r"\bmedicine sessions?\b", re.I)


def _read_in_house_therapy(
    s: _Sentence, clause: str, plain: str, voice: float, weight: float, ctx: _Context, signals: _Signals
) -> None:
    """Signals that the provider's own therapist prepares, sits with or integrates the sessions.

    plain is the clause without ketamine-therapy names, as _read_sentence made it."""
    kap_specific = bool(_KAP_SPECIFIC.search(clause))
    kap_loose = kap_specific or bool(_KAP_LOOSE.search(clause))
    # A therapist writing "I sit beside you while the medicine works" is the therapist in the room.
    therapy = _THERAPY_WORD.search(plain) or (
        ctx.therapist_practice and _FIRST_PERSON.search(clause)
    )
    therapy_context = therapy or _GROUP.search(clause) or _therapy_org(clause)
    # Therapy sessions count only where the medicine is in view: "individual therapy sessions
    # with me" on a therapist's site is ordinary psychotherapy.
    block_medicine, block_kap, block_medicine_sessions = _block_context(s.block)
    medicine = block_medicine or any(_MEDICINE_CONTEXT.search(t) for t in (clause, s.heading))
    if voice >= 1.0 and (kap_specific or (kap_loose and therapy_context)):
        signals.add("kap", weight, s)
    elif voice >= 0.5 and medicine and therapy and _SESSION_WORD.search(clause) and (
        _OWN_THERAPIST.search(clause) or _THERAPIST_IN_SESSION.search(clause)
    ):
        # "Our therapists prepare you", "your therapist will sit with you during the session".
        signals.add("kap", weight, s)
        if _OWN_THERAPIST.search(clause):
            signals.add("provider", weight, s)  # the practice's own people at work: a provider speaking
    elif medicine and voice >= 1.0 and _THERAPY_SESSIONS.search(clause):
        signals.add("kap", weight * 0.5, s)
    elif medicine and voice >= 1.0 and _PARTNER_PRESCRIBER.search(clause):
        if therapy or block_kap:
            signals.add("kap", weight * 0.5, s)
    elif voice >= 1.0 and kap_loose:
        # "Ketamine-assisted therapy" is also what infusion clinics call infusions: capped when deciding.
        signals.add("kap-loose", weight * 0.3, s)
    in_kap_context = kap_loose or block_kap or block_medicine_sessions
    if (_GROUP.search(clause) or re.search(r"\bgroups?\b|\bcircles?\b", clause, re.I)) and in_kap_context:
        signals.add("service:kap-group", weight, s)
    if _INTEGRATION.search(clause) or re.search(r"\bintegration\b", s.heading, re.I):
        signals.add("service:integration", weight, s)


def _read_negation(
    s: _Sentence, clause: str, routes: list[str], heading_routes: list[str], weight: float, signals: _Signals
) -> None:
    """A negated offer counts against what it names: "we do not offer KAP", "no longer offers Spravato".

    The negation reaches what follows it ("not approved for home use" negates home use, not the
    Spravato before it), and what precedes it only in the passive ("Spravato is no longer offered").
    """
    m = _NEGATED_OFFER.search(clause)
    if not m:
        return
    scope = _EXCEPTIONS.split(clause[m.start():])[0]  # "nothing beyond Spravato" does not negate Spravato
    if _PASSIVE_NEGATION.search(clause[max(0, m.start() - 12): m.end()]):
        scope = clause[: m.start()] + " " + scope
    for r in routes:
        if _ROUTES[r].search(scope) or (r in heading_routes and _THIS_ROUTE.search(scope)):
            signals.add(f"against:service:{r}", weight, s)
    therapy_scope = _MEDICAL_THERAPY.sub("", scope)
    if _KAP_SPECIFIC.search(scope) or _KAP_LOOSE.search(scope) or _NOT_A_THERAPY_PRACTICE.search(therapy_scope):
        signals.add("against:kap", weight, s)


def _read_conditions(s: _Sentence, clause: str, weight: float, signals: _Signals) -> None:
    if not _ANY_CONDITION.search(clause) or _NOT_TREATED_HERE.search(clause):
        return
    for c, p in _CONDITIONS.items():
        if p.search(clause):
            signals.add(f"condition:{c}", weight, s)
    # Conditions are also named in plain lists under a heading such as "What we treat".
    if s.tag in ("li", "td") and re.search(r"\b(?:treat|conditions?|help|who)\b", s.heading, re.I):
        for c, p in _CONDITIONS.items():
            if p.search(clause):
                signals.add(f"condition:{c}", s.weight * 0.5, s)


def _read_team(pages: list[Page], sentences: list[_Sentence], signals: _Signals) -> None:
    """A team page listing licensed therapists beside the prescriber points to therapy in house.

    It only supports a KAP reading (see _decide): a psychiatric group with staff therapists
    that also gives Spravato does not thereby offer therapy with the ketamine.
    """
    for page in pages:
        if page.kind not in ("team", "about"):
            continue
        text = " ".join(b.text for b in page.blocks if b.region == "main")
        if not (_THERAPIST_CREDENTIAL.search(text) and _PRESCRIBER_CREDENTIAL.search(text)):
            continue
        for s in sentences:
            if s.url == page.url and s.region == "main" and _THERAPIST_CREDENTIAL.search(s.text):
                signals.add("kap-team", KIND_WEIGHT[page.kind], s)
                break


def _read_brand(pages: list[Page], ctx: _Context, signals: _Signals) -> None:
    """A site that names itself for ketamine ("<Town> Ketamine Clinic") or describes itself as a
    clinic or practice in its structured data is a provider, if it speaks of ketamine at all."""
    home = next((p for p in pages if p.kind == "home"), pages[0] if pages else None)
    if home is None:
        return
    for name in sorted(ctx.brand, key=len, reverse=True):
        if _KETAMINE_BRAND.search(name) and not _MEDIA_BRAND.search(name):
            signals.add("provider", 0.5, _Sentence(name, home.url, home.kind, "header", "title", "", name, 0.5))
            break
    for page in pages:
        for obj in page.structured:
            types = type_names(obj)
            if {t.lower() for t in types} & PROVIDER_TYPES:
                label = f"{obj.get('name') or page.title} ({', '.join(types)})"
                signals.add("provider", 0.5, _Sentence(label, page.url, page.kind, "header", "json-ld", "", label, 0.5))
                return


def _read_article(sentences: list[_Sentence], ctx: _Context, signals: _Signals) -> float:
    """How much the site reads as publishing (news, research, interviews) rather than treating."""
    score = 0.0
    for s in sentences:
        if s.region != "main":
            continue
        cue = 0.0
        if _ARTICLE.search(s.text):
            cue += 1.0
        if _BYLINE.match(s.text):
            cue += 1.5
        if _is_speaker_turn(s, ctx):
            cue += 0.5
        if _NOT_A_PROVIDER_SELF.search(s.text):
            signals.add("denial", s.weight, s)
            cue += 1.0
        if cue:
            score += cue
            signals.add("not-a-provider", cue, s)
    return score


# --- deciding -------------------------------------------------------------------------------


def _decide(site: _Site) -> Decision:
    signals = site.signals
    # Staff therapists support a KAP reading only where the site ties therapy to the ketamine
    # somewhere: KAP named, or preparation/integration sessions offered.
    linked = signals.score("kap") + signals.score("kap-loose") + signals.score("service:integration")
    team = signals.score("kap-team") if linked > 0 else 0.0
    kap = max(0.0, signals.score("kap") + team + min(signals.score("kap-loose"), 0.5) - signals.score("against:kap"))
    referral = signals.score("adjunctive-referral")
    medical = signals.score("medical-ketamine")
    provider = signals.score("provider") + referral
    if site.ketamine_mentions == 0:
        return _decision("not-a-provider", 0.95, signals, [], [])
    # A site that reads as publishing must speak as a provider more clearly than one that does not.
    # ... and one that says it is no clinic must be contradicted by plenty of offers.
    denial = 1.5 * min(signals.score("denial"), 2.0)
    if provider < PROVIDER_MIN + min(2.0 * site.article_share, 1.0) + denial:
        confidence = 0.6 + 0.1 * min(site.article, 3.0) - 0.3 * provider
        return _decision("not-a-provider", confidence, signals, [], [])
    routes_offered = [r for r in ROUTE_SERVICES if signals.score(f"service:{r}") >= SERVICE_MIN]
    # Therapy in house is the more specific claim: a KAP clinic that also welcomes patients' own
    # therapists stays kap unless the outside-therapist model clearly dominates its pages.
    if kap >= KAP_MIN and kap >= referral / 2:
        modality = "kap"
        confidence = 0.5 + 0.1 * min(signals.strong("kap"), 4) - (0.15 if referral >= kap / 2 else 0.0)
    elif referral >= REFERRAL_MIN:
        modality = "adjunctive-referral"
        confidence = 0.55 + 0.12 * min(signals.strong("adjunctive-referral", 0.5), 3) - (0.2 if kap >= 0.5 else 0.0)
    elif routes_offered:
        modality = "infusion-only"
        doubt = kap >= 0.3 or referral >= 0.3 or medical < MEDICAL_MIN
        confidence = 0.5 + 0.1 * min(signals.strong("medical-ketamine"), 4) - (0.2 if doubt else 0.0)
        confidence -= 0.15 if signals.score("therapy-talk") >= 0.5 else 0.0
    else:
        modality = "unclear"
        confidence = 0.3
    services = _services(signals, modality)
    return _decision(modality, confidence, signals, services, _conditions(signals, services))


def _services(signals: _Signals, modality: str) -> list[str]:
    found = [
        r
        for r in ROUTE_SERVICES
        if signals.score(f"service:{r}") >= SERVICE_MIN
        and signals.score(f"service:{r}") > signals.score(f"against:service:{r}")
    ]
    if modality == "kap":
        found += ["kap-individual", "psychotherapy"]
        if signals.score("service:kap-group") >= SERVICE_MIN:
            found.append("kap-group")
        if signals.score("service:integration") >= INTEGRATION_MIN:
            found.append("integration")
    return found


def _conditions(signals: _Signals, services: list[str]) -> list[str]:
    found = [c for c in _CONDITIONS if signals.score(f"condition:{c}") >= CONDITION_MIN]
    # Esketamine (Spravato) is approved for depression only: offering it is treating depression.
    if "esketamine-nasal" in services and "depression" not in found:
        found.insert(0, "depression")
    return found


def _decision(
    modality: str, confidence: float, signals: _Signals, services: list[str], conditions: list[str]
) -> Decision:
    """Order evidence: the deciding sentence first, then counter-evidence, services, conditions."""
    deciding = {
        "kap": ["kap", "kap-team"],
        "adjunctive-referral": ["adjunctive-referral"],
        "infusion-only": ["medical-ketamine"],
        "unclear": ["provider", "medical-ketamine"],
        "not-a-provider": ["not-a-provider", "ketamine-talk"],
    }[modality]
    ordered: list[Evidence] = []
    for name in deciding:
        ordered += signals.best(name)[:3]
    if ordered:
        first = ordered[0]
        ordered[0] = Evidence(first.text, first.url, modality, first.weight)
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
    return Decision(modality, confidence, services, conditions, unique[:MAX_EVIDENCE])
