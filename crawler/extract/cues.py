"""The classifier's vocabulary: what words mean, and the named cues that read a clause.

Everything the classifier knows about language is here, as data. Topic patterns say what a
clause is about (ketamine, a route, a condition, therapy). Cues say what a clause *does*:
each is a named entry with a role, a pattern, a weight and where it applies, in the manner of
Presidio's ``Pattern(name, regex, score)``. ``crawler.extract.classify`` runs the tables and records,
for every piece of evidence, the cue that produced it, so any decision can be traced back to
the entries below in one step.

Roles, as a reader of a clinic's site would put them:
- ``offer``: the provider says it gives a ketamine service, in any grammatical form: "we
  offer", "our nurse will place the IV", "the infusion is given over 40 minutes", "you will
  rest in a recliner", a price, a step list, a tagline under the headline;
- ``own-therapy``: its own therapists or guides prepare, sit with or integrate the sessions;
- ``outside-therapy``: therapy is expected, required or continued with an outside provider;
- ``negated``: an offer denied or discontinued ("we do not offer KAP", "no longer offers");
- ``explainer``: general education about ketamine;
- ``publisher``: the voice of news, journals, research, directories, societies or vendors;
- ``provider``: the site presenting itself as a practice (its name, its structured data).

Weights are relative to one plain offer sentence on a services page, which counts 1.0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crawler.extract.prefilter import Matcher, anchored, any_of, prefiltered

ROLES = ("offer", "own-therapy", "outside-therapy", "negated", "explainer", "publisher", "provider", "other")

# In words a reader understands, for `ketadir show`.
ROLE_WORDS = {
    "offer": "offer",
    "own-therapy": "therapy of its own",
    "outside-therapy": "therapy with an outside provider",
    "negated": "denied or discontinued",
    "explainer": "general explanation",
    "publisher": "publisher's voice",
    "provider": "presents itself as a practice",
    "other": "other",
}


@dataclass(frozen=True)
class Where:
    """Where a cue applies: page kinds, HTML tags of the block, and the nearest heading."""

    kinds: frozenset[str] | None = None
    tags: frozenset[str] | None = None
    heading: Matcher | None = None

    def admits(self, kind: str, tag: str, heading: str) -> bool:
        return (
            (self.kinds is None or kind in self.kinds)
            and (self.tags is None or tag in self.tags)
            and (self.heading is None or bool(self.heading.search(heading)))
        )


ANYWHERE = Where()


@dataclass(frozen=True, eq=False)  # cues are compared by identity: each entry is one cue
class Cue:
    """One named reading of a clause: what it matches, what it means and how much it counts."""

    name: str
    role: str
    pattern: Matcher
    weight: float = 1.0
    where: Where = ANYWHERE
    says: str = ""  # the cue in a reader's words, for `ketadir show`

    def fires(self, clause: str, kind: str, tag: str, heading: str) -> bool:
        return self.where.admits(kind, tag, heading) and bool(self.pattern.search(clause))


def cue(name: str, role: str, pattern: str, weight: float = 1.0, where: Where = ANYWHERE, says: str = "",
        flags: int = re.I) -> Cue:
    return Cue(name, role, prefiltered(pattern, flags), weight, where, says)


class CueTable:
    """Cues read in order; the first that fires decides, or all that fire are collected."""

    def __init__(self, *cues: Cue) -> None:
        self.cues = cues
        # Cues tied to where a text starts or ends: a search of the whole paragraph cannot stand
        # for them, so they are always tried.
        self.anchored = tuple(c for c in cues if anchored(c.pattern))
        self.within = lru_cache(maxsize=4096)(self._within)

    def __iter__(self):  # noqa: ANN204 - an iterator of cues
        return iter(self.cues)

    def _within(self, scope: str) -> tuple[Cue, ...]:
        """The cues worth trying on any part of a paragraph: those that fire somewhere in it.
        A paragraph is read once per table, however many clauses it holds."""
        return tuple(c for c in self.cues if c in self.anchored or c.pattern.search(scope))

    def first(self, clause: str, scope: str = "", kind: str = "", tag: str = "", heading: str = "") -> Cue | None:
        """The first cue, in table order, that fires on the clause (part of the paragraph scope)."""
        return next((c for c in self.within(scope or clause) if c.fires(clause, kind, tag, heading)), None)

    def all(self, clause: str, scope: str = "") -> list[Cue]:
        """Every cue that fires on the clause (part of the paragraph scope)."""
        return [c for c in self.within(scope or clause) if c.pattern.search(clause)]


def _set(*names: str) -> frozenset[str]:
    return frozenset(names)


LIST_TAGS = _set("li", "td", "dd", "option")
HEADING_TAGS = _set("h1", "h2", "h3", "h4")
SERVICE_KINDS = _set("home", "services", "pricing", "about", "faq", "other", "contact", "locations", "team")

# --- topics: what a clause is about ----------------------------------------------------------

# Ketamine as the drug a rehab treats addiction to is no ketamine care: "ketamine detox",
# "addiction to ketamine".
_ABUSED = r"(?:addiction|abuse|misuse|dependence|dependency|detox\w*|rehab\w*|withdrawal|use disorder)"
KETAMINE_ABUSED = prefiltered(
    r"\b(?:es)?ketamine['’]?s? " + _ABUSED + r"\b|\b(?:addiction|addicted|dependence|dependent|abuse) (?:to|on|of) "
    r"ketamine\b",
    re.I,
)
KETAMINE = prefiltered(
    r"(?<!addiction to )(?<!addicted to )(?<!dependence on )(?<!dependent on )(?<!abuse of )(?<!hooked on )"
    r"\b(?:es)?ketamine\b(?!['’]?s? " + _ABUSED + r"\b)(?! and (?:other )?(?:drug|substance) " + _ABUSED + r"\b)|"
    r"\bspravato\b|\bKAP\b|\bKAT\b",
    re.I,
)
# Names that can only mean psychotherapy with ketamine.
_KAP_SPECIFIC = (
    r"ketamine[- ]assisted[- ]psychotherapy|\bKAP\b|psychedelic[- ]assisted[- ](?:psycho)?therapy|"
    # therapy for a couple, a family or a group is talk therapy, not an infusion's name
    r"ketamine[- ]assisted[- ](?:couples?|group|family|relational|relationship)[- ](?:psycho)?therapy|"
    r"ketamine psychotherapy|psychedelic psychotherapy|psychedelic therapy|\bPAT\b"
)
KAP_SPECIFIC = prefiltered(_KAP_SPECIFIC, re.I)
# A thing made for such therapy names its purpose, not a therapy given: "music made for psychedelic therapy".
KAP_AS_PURPOSE = prefiltered(
    r"\b(?:made|designed|created|written|composed|curated|produced|meant|intended) (?:especially |specifically )?"
    r"(?:for|to accompany) (?:use in )?(?:\w+ )?(?:" + _KAP_SPECIFIC + r")",
    re.I,
)
# Names clinics also use for plain infusions ("ketamine-assisted therapy").
KAP_LOOSE = prefiltered(r"ketamine[- ]assisted(?:[- ]therapy)?\b|\bKAT\b", re.I)
ROUTES: dict[str, Matcher] = {
    "iv-infusion": prefiltered(r"\bIV\b|\bintravenous(?:ly)?\b|\binfusions?\b|\bdrip\b|\bin(?:to)? (?:a|the|your) vein\b", re.I),
    "im-injection": prefiltered(
        r"\b[Ii]ntramuscular(?:ly)?\b|(?<![\w'’])IM(?![\w'’])|\b[Ii]njections?\b|\b[Ss]hots?\b|\binto (?:the|"
        r"a|your|one of (?:the|your)) (?:(?:upper |large )?[\w-]+ )?muscles?\b"
    ),
    "esketamine-nasal": prefiltered(
        r"\bspravato\b|\besketamine\b|\bnasal spray\b|\bintranasal(?:ly)?\b|\bnasal dos(?:e|es|ing)\b", re.I
    ),
    "oral-sublingual": prefiltered(
        r"\blozenges?\b|\bsublingual(?:ly)?\b|\btroches?\b|\bRDTs?\b|\brapid[- ]dissolv\w+ tablets?\b|"
        r"\boral ketamine\b|\bketamine tablets?\b|\bby mouth\b|\bunder the tongue\b|\bbuccal(?:ly)?\b|"
        r"\bdissolv\w* tablets?\b|\btablets? (?:that )?(?:dissolve|melt)",
        re.I,
    ),
    "at-home": prefiltered(
        r"\bat[- ]home (?:ketamine|sessions?|treatment|therapy|use|dosing|program|KAP)\b|\bhome (?:use|sessions?|dosing)\b|"
        r"\bat[- ]home (?:or [\w-]+ )?(?:journeys?|(?:journey |dosing )?services)\b|"
        r"\b(?:use|sessions?|dosing|taken|done|take [\w ]{0,20}) at home\b|\b(?:in|from) (?:your|their) own home\b|"
        r"\bon your own at home\b|\btake-home\b|\b(?:virtual|telehealth|online|remote) (?:ketamine|KAP)\b|"
        r"\b(?:mailed|shipped|delivered) (?:straight |directly )?to (?:you|your (?:door|home))\b",
        re.I,
    ),
}
ANY_ROUTE = any_of(ROUTES.values())
# Routes named only to be ruled out: "no needle left in your vein", "lozenges instead of an IV".
ROUTE_RULED_OUT = prefiltered(
    r"\b(?:no|without|not an?|instead of|rather than|in place of)\b[^.;,—–-]{0,50}", re.I
)
# Route words that name other treatments as often ("joint injections", "IV fluids") count for
# ketamine only where ketamine is in view: the clause, its heading, or the page's title.
GENERIC_ROUTES = frozenset({"iv-infusion", "im-injection"})
# Infusions of other things on a wellness menu are not a ketamine route.
OTHER_DRUG = prefiltered(
    r"\b(?:vitamins?|NAD\+?|hydration|nutrients?|myers|iron|b12|botox|nitrous|TMS|ECT|antibiotics?|chemo\w*|"
    r"IVIG|immunoglobulin|saline|fluids|semaglutide|weight loss|peptides?|joint|steroids?|cortisone|trigger[- ]point|"
    r"epidurals?|nerve blocks?|flu|vaccin\w*|allergy|testosterone|fillers?|PRP|biops\w*|insulin|iron)\b",
    re.I,
)
ROUTE_NOUNS = prefiltered(
    r"\b(?:infusions?|injections?|lozenges?|troches?|spravato|esketamine|nasal spray|intravenous|intramuscular)\b", re.I
)
# On a page about ketamine, "your treatment", "the series", "each dose" mean the ketamine care.
TREATMENT_NOUN = prefiltered(
    r"\b(?:treatments?(?![- ]resistant)|sessions?|infusions?|doses?|dosing|medicine|medication|series|boosters?|"
    r"appointments?|consultations?|consults?|visits?|procedure|programs?|protocols?|IV|injections?|spray|lozenges?|"
    r"troches?|tablets?|evaluations?|intake|screening|recliner|monitor\w*|therapy|care|prescriptions?|Rx|approach)\b",
    re.I,
)
# "infusion therapy" is a medical treatment, not psychotherapy.
MEDICAL_THERAPY = prefiltered(
    r"\b(?:infusion|ketamine|IV|intravenous|drip|nitrous|medical|ECT|TMS|esketamine|spravato|vitamin|hydration|"
    r"interventional|electroconvulsive)\s+therap(?:y|ies)\b",
    re.I,
)
THERAPY_WORD = prefiltered(
    r"\b(?:psycho)?therap(?:y|ies|ist|ists|eutic)\b|\bcounsel(?:ing|ling|or|ors)\b|\bfacilitators?\b|"
    r"\b(?:as|your|our|a trained) (?:a )?guides?\b|\bsitters?\b|"
    # a guide named as a person at the session: "the guide remains in the room", "Your Trail Guide
    # stays beside you", "the client and guide go over the dose" (not "the guide to ketamine")
    r"\b(?:the|your|our) (?:[\w-]+ )?guides? (?:stays?|sits?|remains?|is (?:present|there|with you|by your side)|"
    r"will (?:stay|sit|remain|be (?:with|present|there|by your side)))\b|\b(?:clients?|patients?|participants?|guests?) "
    r"and (?:the |their |your )?guides?\b",
    re.I,
)
# Whatever a page is about, a heading or title naming ketamine makes its prose ketamine prose.
TOPIC_TITLE = prefiltered(
    r"\b(?:es)?ketamine\b|\bspravato\b|\bKAP\b|\binfusions?\b|\bpsychedelic|\b(?:medicine|dosing) (?:sessions?|"
    r"meetings?|days?)\b|\bexpanded[- ]state\b",
    re.I,
)
CONDITIONS: dict[str, Matcher] = {
    "depression": prefiltered(
        r"\bdepress(?:ion|ive)\b|\bTRD\b|\bMDD\b|\bmood (?:disorders?|symptoms|conditions|dysregulation)\b|"
        r"\b(?:for|treat\w*) (?:\w+ (?:and|&) )?mood\b",
        re.I,
    ),
    "anxiety": prefiltered(r"\banxiety\b|\bGAD\b", re.I),
    "ptsd": prefiltered(r"\bPTSD\b|\bpost[- ]?traumatic\b|\btrauma\b", re.I),
    "ocd": prefiltered(r"\bOCD\b|\bobsessive[- ]compulsive\b", re.I),
    "bipolar": prefiltered(r"\bbipolar\b", re.I),
    "chronic-pain": prefiltered(
        r"\bchronic (?:\w+ )?pain\b|\bCRPS\b|\bRSD\b|\bcomplex regional pain\b|\bneuropath(?:ic|y)\b|"
        r"\bnerve pain\b|\bneuralgia\b|\bpain (?:conditions?|syndromes?|management|relief|disorders?)\b|\bphysical pain\b",
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
ANY_CONDITION = any_of(CONDITIONS.values())
# Where to turn in a crisis: a crisis line, 988, 911.
_CRISIS_LINES = r"\bcrisis\b|\blifeline\b|\b988\b|\b911\b"
# Sentences that name a condition without saying the provider treats it: who may not be
# treated, crisis lines, ketamine's history in surgery, what a condition leads to, media lists.
NOT_TREATED_HERE = prefiltered(
    r"\bnot (?:be )?(?:a )?(?:good |suitable )?(?:candidates?|suitable|appropriate|eligible)\b|\bmay not be\b|"
    r"\bhistory of\b|\bconsidered off-label\b|\bin the news\b|\bmedia (?:stories|coverage)\b|\breport(?:ing|ed|"
    r"s) on\b|" + _CRISIS_LINES + r"|\brule (?:a patient |you )?out\b|\bcontraindicat\w+|"
    r"\bemergenc(?:y|ies)\b|\bused safely\b|\bits (?:safety )?record\b|\bin surgery\b|"
    r"\bdevelop(?:s|ed|ing)?\b|\bcaus(?:e|es|ed|ing)\b|\blead(?:s)? to\b",
    re.I,
)
# Safety advice for a crisis: "in an emergency, go to the emergency department or call your psychiatrist"
CRISIS_ADVICE = prefiltered(
    _CRISIS_LINES + r"|\bemergency (?:room|department)\b|\bnearest (?:ER|hospital)\b|"
    r"\b(?:harm|hurt|kill) yourself\b|\b(?:feel|are) unsafe\b|\bin an emergency\b",
    re.I,
)
TREATMENT_CONTEXT = prefiltered(
    r"\b(?:ketamine|treat\w*|infusions?|help\w*|relief|effective|respond\w*|for|symptoms|KAP|therapy)\b", re.I
)

# --- who is speaking ---------------------------------------------------------------------------

# People and groups who carry out a provider's care.
STAFF = (
    r"(?:nurses?|RNs?|CRNAs?|nurse (?:practitioners?|anesthetists?)|NPs?|MDs?|APRNs?|PMHNPs?|physicians?|doctors?|"
    r"providers?|clinicians?|counsel(?:l)?ors?|LPCs?|psychologists?|"
    r"anesthesiologists?|psychiatrists?|prescribers?|medical (?:team|staff|director|providers?)|clinical (?:team|staff)|"
    r"care team|treatment team|team|staff(?: members?)?|specialists?|therapists?|psychotherapists?|guides?|"
    r"facilitators?|coordinators?)"
)
OFFER_VERBS = (
    r"(?:offer(?:s|ed|ing)?|provid(?:e|es|ed|ing)|giv(?:e|es|en|ing)|administer(?:s|ed|ing)?|deliver(?:s|ed|ing)?|"
    r"work(?:s|ing)? with (?:an? |the |our |my )?(?:[\w-]+ ){0,3}(?:method|protocol|approach|model|format)|"
    r"use|uses|using|specializ(?:e|es|ing)|run|runs|lead|leads|leading|facilitat(?:e|es|ing)|"
    r"hold|holds|include[sd]?|including|focus(?:es|ing)?|treat|treats|treating|perform(?:s|ed)?|"
    r"prescrib(?:e|es|ed|ing)|bring|brings|brought|sit|sits|stay|stays|remain|remains|guide|guiding|"
    r"accompan(?:y|ies)|schedule|book|see clients|added|add|hired|hire|partner(?:s|ed)?|stick|sticks|prepare|prepares|"
    r"integrate|welcome|accept|begin|start|recommend|recommends|suggest|suggests|place|places|insert|inserts|monitor|monitors|"
    r"watch|watches|check|checks|review|reviews|evaluat(?:e|es)|assess(?:es)?|screen|screens|clear|clears|"
    r"ship|ships|mail|mails|sign|signs|handle|handles|care for|caring for|infuse|infuses|dose|doses|"
    # "we keep patients under observation for two hours", "we keep you in the recovery room"
    r"keeps? (?:you|patients|clients|them|everyone) (?:under|in|at|on site|for|until|comfortable|resting|lying)|"
    r"walk you|help you|help patients|help clients|work with (?:you|patients|clients)|ask|asks|require|requires|"
    r"(?:am|are|is) (?:dedicated|committed|proud|excited|honored|pleased) to|"
    r"track|tracks|adjust|adjusts|tailor|tailors|oversee|oversees|manage|manages|"
    # planning the care: "we design a course of six sessions", "we draw up a treatment plan of injections"
    r"(?:build|builds|design|designs|create|creates|draw up|draws up|put together|puts together|map out|maps out|"
    r"lay out|lays out) (?:an? |your |the )?(?:[\w-]+ ){0,2}(?:plan|protocol|course|series|schedule|program)|"
    # "we plan four dosing sessions", "we arrange six infusions" (not "we plan to open")
    r"(?:plan|plans|arrange|arranges|set up|sets up) (?:your |the |\d+ |two |three |four |five |six |seven |eight |several )"
    r"(?:[\w-]+ ){0,2}(?:sessions?|infusions?|treatments?|doses?|injections?|journeys?))"
)
# What a writer does with a subject, not what a provider does with a patient.
_WRITING_VERBS = (
    r"explore|discuss|look at|cover|dive|examine|delve|share|explain|unpack|break down|consider|answer|outline|"
    r"highlight|summari[sz]e|describe|compare|go over the|walk through the|review the|learn|see (?:how|what|why)"
)
# What a writer came to know, not what a provider does: "I first heard about ketamine in high school".
_WRITER_LEARNING = r"(?:heard|learned|learnt|read about|came across|noticed|realized|realised|wondered|discovered|encountered)\b"
# What a writer offers is writing: "in this article we offer an in-depth guide to opening a clinic".
WRITING_OFFERED = prefiltered(
    r"\b(?:offer|offers|provide|provides|give|gives|present|presents|share|shares)\s+(?:you\s+)?(?:an?|the|this|some)?\s*"
    r"(?:[\w-]+\s+){0,4}?(?:guide|article|overview|explainer|summary|primer|introduction|rundown|tips|information)\b",
    re.I,
)
# Sending patients elsewhere for the treatment: "I can refer them to reputable clinics for Spravato".
REFERS_OUT = prefiltered(
    r"\brefer(?:s|red|ring)? (?:them |you |patients |clients |people )?(?:out )?to (?:an? |one of |the |other |reputable |"
    r"trusted |local |outside |nearby |qualified )*(?:(?!our |my )[\w-]+ ){0,2}(?:clinics?|providers?|cent(?:er|re)s?|practices?|"
    r"specialists?|anesthesiologists?|physicians)\b(?![^.;]{0,40}\b(?:therap|counsel|integration))",
    re.I,
)
# A patient speaking of their own treatment: "My first ketamine infusion is scheduled", "I've had
# 15 IV infusions", "I'm worried I'll have a bad trip". It offers nothing.
PATIENT_SPEAKS = prefiltered(
    r"(?<![\w'’])I(?:'ve|’ve| have) (?:now )?had (?:\d+|a few|several|many|two|three|four|five|six|seven|eight|nine|ten|"
    r"a dozen) (?:[\w-]+ ){0,2}(?:infusions|sessions|treatments|rounds|doses|shots)\b|"
    r"\b[Mm]y (?:very )?(?:first|next|last|second|third|fourth|fifth|sixth|upcoming|\d+(?:st|nd|rd|th)) (?:[\w-]+ ){0,2}"
    r"(?:infusion|session|treatment|dose|appointment|shot|journey)s?\b|"
    r"(?<![\w'’])I(?:'m|’m| am) (?:so |really |very |a bit |a little |still |kind of )?(?:anxious|worried|nervous|scared|"
    r"terrified) (?:about|that|of|I)\b|"
    r"(?<![\w'’])I(?:'ll|’ll| will) have (?:a|my) (?:counsell?or|nurse|therapist|doctor|guide|sitter)\b|"
    # the writer receiving the treatment: "I took the first dose that evening", "my first month of lozenges arrived"
    r"(?<![\w'’])I (?:took|received|got|tried|underwent) (?:my |the |a |an |another )?(?:very )?(?:first |second |third |"
    r"next |last )?(?:[\w-]+ )?(?:dose|infusion|lozenge|troche|spray|shot|injection)s?\b|"
    r"\b[Mm]y (?:first |second |next )?(?:month|box|supply|strip|shipment|bottle|package)s? of (?:[\w-]+ )?(?:ketamine|"
    r"lozenges|troches|tablets)\b|"
    r"(?<![\w'’])I (?:went|go|came|come) (?:in )?for my (?:[\w-]+ ){0,2}(?:infusion|session|treatment|dose|appointment)s?\b|"
    r"\bmy (?:own )?(?:experience|life|story) as a (?:[\w-]+ )?patient\b|"
    r"\b(?:bring|wear|pack) my (?:own )?(?:eye ?mask|headphones|blanket|playlist|journal)"
)
# Money offered is not care: "the program offers small grants", "introducing our grants program".
FUNDS_OFFERED = prefiltered(
    r"\b(?:offer|offers|provide|provides|give|gives|award|awards|introducing)\b[^.;]{0,30}\b(?:grants?|scholarships?|"
    r"funding|financial assistance|stipends?)\b",
    re.I,
)
# "We offer no guarantee", "we provide no therapy": nothing offered.
_OFFERS_NONE = r"\b(?:offer|offers|provide|provides|give|gives) no\b"
OFFERS_NONE = prefiltered(_OFFERS_NONE, re.I)
# A writer saying what they write about: "I write about my own ketamine treatment".
WRITES_ABOUT = prefiltered(r"\b(?:I|we) (?:write|blog|post) (?:about|on)\b", re.I)
# A pointer to a post ("From the blog: inside a KAP session"): the post's title, not an offer.
POST_TEASER = prefiltered(
    r"^(?:(?:latest |new |more )?(?:from|on) (?:the|our) (?:blog|journal|newsletter)|read (?:more|the (?:full )?(?:post|"
    r"article))|continue reading)\b",
    re.I,
)
# Ketamine care announced for later: "coming soon", "we hope to begin offering it this fall".
FUTURE_OFFER = prefiltered(
    r"\bcoming soon\b|\b(?:is|are) coming to\b|\blaunch(?:es|ing)? (?:later|soon|this|next|in)\b|"
    # "Coming this spring: ketamine infusions", "launching spring 2025", "opening in the fall"
    r"\b(?:coming|launching|opening|starting|arriving) (?:(?:this|next|in|in the|later this|early|late) )?(?:spring|summer|"
    r"fall|autumn|winter)\b|"
    r"\b(?:hope|plan|expect|intend)s? to (?:begin|start) (?:offering|providing)\b|\bwill (?:soon )?(?:begin|start) "
    r"(?:offering|providing)\b|"
    r"\b(?:we(?:'re|’re| are)?|our (?:[\w-]+ )?(?:clinic|practice|team|office)(?: is)?) (?:now |currently |busy )?"
    r"(?:preparing|getting ready|planning|working|hoping|aiming) (?:to|toward) (?:add|adding|launch|launching|"
    r"introduce|introducing|begin|start|bring|bringing)\b|"
    r"\bwill be (?:added|available|introduced|launched|offered)\b[^.;]{0,40}\b(?:later|next|soon|in (?:the )?(?:spring|"
    r"summer|fall|autumn|winter|coming))\b",
    re.I,
)
# Care told of anyone: "the therapist helps the patient", "a client may feel".
GENERIC_CARE = prefiltered(
    r"\b(?:the|a|an) (?:(?:psycho)?therapist|guide|facilitator|counsell?or|clinician|provider)s?\b.*\b(?:the|a|an) (?:patient|"
    r"client|person|individual|participant)\b|"
    # what others claim of the treatment: "Others suggest that pairing it with therapy helps"
    r"^(?:others|some|many|studies|researchers|experts|advocates|critics|proponents|trials)\b[^.;]{0,30}"
    r"\b(?:suggest|argue|believe|say|find|found|show|claim|report)\w*\b",
    re.I,
)
# Someone's question retold ("Readers sometimes ask if I offer ketamine sessions"): it offers nothing.
REPORTED_QUESTION = prefiltered(
    r"\b(?:readers|people|patients|clients|families|folks|friends|colleagues|many|some|they|(?:I|we)(?:'m|’m| am|'re|’re| are))"
    r"\b[^.;]{0,20}\b(?:ask|asks|asked|wonder|wonders|want to know|wants to know)\b(?: \w+)?? (?:if|whether)\b",
    re.I,
)
# The writer's "we" of an article ("in this post we'll explore..."), not a provider's.
WRITER_WE = prefiltered(
    r"\b(?:we|I)(?:'ll|’ll| will| (?:want|are going|'re going|’re going) to)? (?:" + _WRITING_VERBS + r")\b|"
    r"\bin this (?:blog|post|article|guide|piece)\b|\blet['’]s (?:" + _WRITING_VERBS + r"|take a look)\b",
    re.I,
)
# "Dr. Ruiz's team", "Renée's clinic": a named person's practice, as good as "our".
POSSESSIVE_NAME = r"(?:Dr\. )?[A-Z][\w.-]*(?: [A-Z][\w.-]*){0,2}['’]s"
# A named clinician: "Dr. Fleming", "Ana Ruiz, LMFT".
CREDENTIALS = r"(?:MD|M\.D\.|DO|D\.O\.|NP|PMHNP(?:-BC)?|APRN|FNP(?:-C)?|CRNA|RN|PA-C|LCSW|LICSW|LMFT|MFT|LPC|LPCC|LMHC|PhD|Ph\.D\.|PsyD)"
NAMED_CLINICIAN = r"(?:\bDr\.? [A-Z][\w'’-]+|\b[A-Z][a-z]+(?: [A-Z]\.)? [A-Z][\w'’-]+,? " + CREDENTIALS + r"\b)"
# A therapist introduced with a licence: "Luis Ortega, LCSW", "clinical social worker Luis Ortega".
THERAPY_LICENCE = r"(?:LCSW|LICSW|LISW|LPC|LPCC|LMFT|MFT|LMHC|LCPC|PsyD|Psy\.D\.)"
_THERAPY_TITLE = (r"(?:(?:licensed |clinical |staff )*(?:psycho)?therapist|(?:licensed )?(?:clinical )?social worker|"
                  r"(?:licensed )?(?:professional )?counsell?or|(?:licensed )?(?:clinical )?psychologist)")
NAMED_THERAPIST = prefiltered(
    r"\b(?P<given>[A-Z][a-z]+)(?: [A-Z]\.)? (?P<family>[A-Z][\w'’-]+),? (?:[A-Z][\w-]*, )?" + THERAPY_LICENCE + r"\b|"
    r"(?<!your )(?<!their )\b" + _THERAPY_TITLE + r",? (?P<given2>[A-Z][a-z]+)(?: [A-Z]\.)? (?P<family2>[A-Z][\w'’-]+)\b"
)
# After a name: where the person is from ("Clare Johnson, MFT of Mill Valley, CA").
HOMETOWN = re.compile(r",? (?:of|from|in) [A-Z][a-z]+")
# "Renee Okafor, LPC (Sagebrush Counseling)": the practice a therapist belongs to, in brackets.
PRACTICE_IN_BRACKETS = re.compile(r"\s?\(([A-Z][a-z][\w&'’.-]*(?: (?:[A-Z&][\w&'’.-]*|of|and|for))+)\)")
FIRST_PERSON = prefiltered(r"\b(?:[Ww]e|[Oo]ur|[Mm]y|me|us)\b|(?<![\w'’])I(?![\w'’])")
QUESTION_END = prefiltered(r"\?\s*$")
# "Jo: I started out ..." - a speaker's turn in an interview or a comment thread.
SPEAKER = prefiltered(r"^([A-Z][\w.]*(?: [A-Z][\w.]*)?)\s?:\s")
# The writer is a therapist: "I am a licensed psychologist", "Jane Doe Psychotherapy".
THERAPIST_SELF = prefiltered(
    r"(?<![\w'’])I(?:'m| am) a (?:\w+ ){0,3}(?:psychologist|psychotherapist|therapist|counsell?or|"
    r"social worker|LCSW|LPC|LMFT|MFT)\b"
)
# The site calls itself a therapy practice, or its own writers sign as therapists.
THERAPY_PRACTICE_SELF = prefiltered(
    r"\b(?:is|are|we're|we’re|we are) an? (?:[\w-]+ ){0,3}(?:therapy|psychotherapy|counseling|counselling|psychology|"
    r"mental health) (?:practice|group|collective|center|centre|clinic)\b|"
    r"\b[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)+, (?:LMHC|LCSW|LICSW|LPC|LPCC|LMFT|MFT|PsyD|Psy\.D\.|"
    r"PhD, licensed psychologist)\b|"
    # "Tobias Wren, PhD - Psychology", "Marguerite Osei, PhD. Clinical psychology in Ann Arbor"
    r"\b[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)+, (?:PhD|Ph\.D\.)\W{1,4}(?:[\w-]+ )?(?:[Pp]sychology|[Pp]sychologist|"
    r"[Pp]sychotherapy|[Pp]sychotherapist)\b"
)
THERAPY_BRAND = prefiltered(
    r"\b(?:Psychotherapy|Therapy|Counseling|Counselling|Psychologist|Psychology|LCSW|LMFT|MFT|LPC|DBT|Mindfulness)\b"
)
# A site's host read as its name ("santafeketamine.com", "blisspsych.com"): words run together,
# so they are looked for as parts of it.
PROVIDER_HOST = prefiltered(
    r"ketamine|infus|kap|spravato|clinic|cent(?:er|re)|health|wellness|psych|therap|counsel|lcsw|lmft|lpc|"
    r"anesthesi|medical|medicine|care|integrative|pain|mind|brain|healing|recovery|behaviou?ral|md\b",
    re.I,
)
# Short words that also sit inside practices' names ("tovanihealth", "expressketamine",
# "immediacare") count only at the start of a part of the host; "costamesa" and "guidedhealing"
# are a city and a practice.
# The practice's own staff and their training: "our KAP therapists completed a seven-week training",
# "our clinical director holds a certificate". A course they took is a credential, not one sold.
OWN_STAFF_TRAINED = prefiltered(
    r"\b(?:[Oo]ur|[Mm]y) (?:[\w-]+ ){0,2}(?:therapists?|counsell?ors?|providers?|prescribers?|clinicians?|staff|team|"
    r"director|psychiatrists?|psychologists?|nurses?|guides?|facilitators?)\b[^.;]{0,60}\b(?:trained|certified|"
    r"completed|finished|holds?|earned)\b"
)
# A practice's guide for its own patients: "Headway Health Patient Guide", "Lakeside Clinic Patient Resources".
OWN_PATIENTS_GUIDE = prefiltered(
    r"\b(?:Health|Healthcare|Clinic|Clinics|Cent(?:er|re)|Psychiatry|Medical|Medicine|Wellness)\b.{0,20}\b"
    r"(?:Patient|Member|Client)s?['’]? (?:Guide|Resources|Hub|Info|Library)\b"
)
PUBLISHER_HOST = prefiltered(
    r"news|journal|times|tribune|magazine|network|advocacy|association|society|foundation|research|directory|"
    r"finder|guide(?!d)|review|wiki|library|academy|college|universit|daily|weekly|radio|podcast|insider|"
    r"gazette|courier|chronicle|observer|dispatch|sentinel|examiner|ledger|inquirer|bulletin|telegraph|courant|"
    r"ncbi|pubmed|medium|substack|blogspot|wordpress|wikipedia|trial|price|cost(?!a)|compare|forum|"
    r"(?<![a-z])(?:nih|press|media)",
    re.I,
)
# The site's own name, named like a medical practice: "Southern Lights Mood Clinic", "Harbor
# Psychiatry" (a counseling practice's name says less: therapists also write about ketamine).
PRACTICE_NAME = prefiltered(
    r"\b(?:Clinic|Cent(?:er|re)|Psychiatry|Psychiatric|Medical|Medicine|Health Care|Healthcare|Anesthesia)\b|"
    + NAMED_CLINICIAN  # a clinician's own site: "Marguerite Osei, PhD"
)
KETAMINE_HOST = prefiltered(r"ketamine|infus|kap|spravato", re.I)
KETAMINE_BRAND = prefiltered(r"\b(?:Ketamine|Infusions?|Spravato|KAP|Esketamine)\b", re.I)
# Site names of publishers, research and listings; "Blog" alone is a clinic's blog as often.
MEDIA_BRAND = prefiltered(
    r"\b(?:News|Today|Magazine|Journal|Times|Post|Gazette|Tribune|Herald|Courier|Chronicle|Observer|Dispatch|"
    r"Sentinel|Examiner|Ledger|Inquirer|Bulletin|Telegraph|Courant|Insider|Radio|Podcast|Research|"
    r"Foundation|Association|Society|College|Academy|PubMed|Library|Clinical Data|Trials?|Directory|Finder|"
    r"Medicine Society|Medical Society|Press|Media|Review|Weekly|Daily|Explained|Guide|Facts|Info|Insights|Hub|"
    r"Resources|Learn|Wiki|Reviews|Network|Alliance|Coalition|Council|Guild|Federation|Consortium|Pharmacy|"
    r"Apothecary|Compounding|Forums?|Grants?|Fund|Scholarships?|Training|Trainings|REMS|Registry|HCPs?|"
    # consumer price and comparison sites: "Ketamine Price Compass", "Infusion Cost Advisor"
    r"Prices?|Pricing|Costs?|Compare|Comparisons?|Advisor|Navigator)\b"
)
BRAND_VERB = prefiltered(
    r"^[^.;]{0,60}?\b(?:offers|provides|prioriti[sz]es?|specializes|runs|delivers|uses|focuses|treats|"
    r"(?:began|begun|started|have been|has been) (?:offering|providing|giving|using|treating)|"
    r"is (?:an? |the )?(?:[\w-]+,? ){0,3}(?:clinic|practice|center|centre|provider|program|platform|service|"
    r"company)|is (?:now )?(?:offered|"
    r"available)|gives|administers|prescribes|has (?:been )?(?:treat|offer|provid)\w*|"
    # "<Clinic> is grateful and excited to offer", "is proud to provide", "is now able to offer"
    r"is (?:(?:now |very |so |also )?(?:proud|pleased|happy|excited|thrilled|honou?red|grateful|delighted|able)"
    r"(?:,? and |, )?){1,3} to (?:offer|provide|deliver|bring|give))\b"
)
REPORTED = prefiltered(r"\b(?:said|says|told|according)\b")
NAMING = prefiltered(r"\bcall(?:s|ed)? (?:it|them|this|these|our \w+)\b|\bso[- ]called\b", re.I)
IV_PROPER = prefiltered(r"\bIV\b|\bintravenous(?:ly)?\b|\bdrip\b|\binto a vein\b", re.I)
THIS_ROUTE = prefiltered(r"\bthis (?:route|method|option)\b", re.I)  # refers back to the heading's route

# Headings that introduce a list of what the provider does.
OFFER_HEADING = prefiltered(
    r"\b(?:what (?:we|i) (?:offer|provide|do|treat)|our (?:services|treatments?|options|program|approach)|"
    r"services|(?:your|treatment) options|paths|fees|pricing|"
    r"prices|steps|what to expect|what happens|during the|before the|after the|how (?:it|the medicine|treatment|"
    r"\w+ \w+) (?:is given|works)|conditions (?:we|treated)|what the program includes|what you get|"
    r"what(?:'s| is) included|the (?:course|program|process)|at a glance)\b|^(?:our |all )?treatments?\b|"
    # a numbered step ("2. Your first infusion"); an article's numbered section heading runs longer
    r"^\d{1,2}[.)]\s(?!(?:\S+\s+){6}\S)",
    re.I,
)
# Headings of a page that is a menu of what the provider sells ("Our services", "Treatments").
MENU_HEADING = prefiltered(
    r"^(?:our |all )?(?:services|treatments|treatment menu|menu|offerings|what we offer)\b|^(?:[\w-]+ ){0,2}(?:menu|price list)$",
    re.I,
)
# A clause about other practices in general: "Some require a therapist", "Most clinics recommend".
GENERIC_SUBJECT = prefiltered(
    r"^(?:some|many|most|other|certain|few|several|more and more|a growing number of|an increasing number of|"
    r"a number of)(?: of (?:the|these|those))?\s+(?:(?:[\w-]+\s+){0,2}?(?:clinics|"
    r"providers|practices|centers|centres|programs|doctors|physicians|places|practitioners|offices|companies|"
    r"services)\b|(?:require|offer|provide|use|give|include|recommend|add|charge|accept|ask|do|don['’]t|will|may|"
    r"can|also|even)\b)|"
    # clinics in general: "Ketamine clinics are usually run by anesthesiologists"
    r"^(?:[\w-]+ ){0,2}(?:clinics|practices|centers|centres) (?:are|were|tend|usually|often|typically|generally)\b|"
    # the drug in general: "Ketamine is usually given by IV infusion or nasal spray"
    r"^(?:[\w ]{1,20}:\s*)?(?:es)?ketamine (?:is|can be) (?:usually|typically|generally|commonly|most often) "
    r"(?:given|administered|delivered)\b|"
    # a fact reported from elsewhere: "According to the Mayo Clinic, 21% of drugs are prescribed off-label"
    r"^according to\b",
    re.I,
)
# A page comparing routes or models is education, not a list of its own options.
COMPARISON = prefiltered(r"\bvs\.?\b|\bversus\b|\bdifferen(?:ce|t|ces)\b|\bcompar\w+|\bor\b.*\?$", re.I)
PRICE = prefiltered(r"[$£€]\s?\d")
# "$400-$800 per infusion", "typically costs": what the market charges, not this provider.
PRICE_RANGE = prefiltered(
    r"[$£€]\s?[\d,]+\s*(?:[-–—]|to)\s*[$£€]?\s?\d|\bbetween [$£€]\s?[\d,]+(?:\.\d\d)? and [$£€]?\s?\d|"
    r"\b(?:typical\w*|average\w*|usually|range|roughly|approximately|around|"
    r"upwards of|as much as|anywhere from|cost of|(?:can|may|often) cost)\b",
    re.I,
)
_BOOKING = (
    r"\b(?:book|schedule|request|arrange)\s+(?:your|a|an|the)?\s*(?:free\s+|first\s+|initial\s+|complimentary\s+)?"
    r"(?:\d+-minute\s+)?(?:infusion|session|consultation|consult|appointment|evaluation|treatment|discovery call|"
    r"screening|call|visit)s?\b|"
    r"\b(?:start|begin) with a (?:free|complimentary|no-cost) (?:\w+ )?(?:consultation|consult|call)\b|"
    r"\b(?:call|contact|email|text|message) (?:us|me)\b"
)
BOOKING = prefiltered(_BOOKING, re.I)
# A list introduced by a sentence ending in a colon takes that sentence's voice.
LEAD_IN = prefiltered(r":\s*$")

# Clauses a negation or a concession cannot reach beyond: "Though clinics use IV, IM or nasal
# routes, we give troches" ends its subordinate clause at the comma where the main clause's
# subject begins, not at the first comma of a list.
LEADING_SUBCLAUSE = prefiltered(
    # "As facilitators, we ...", "As a team, we ...": a role, not a clause
    r"^(?!As (?:an? |the |your |our |my )?(?:[\w-]+ ){0,2}[\w-]+,)"
    r"((?:Although|Though|While|Whereas|Unlike|If|When|Once|Before|After|Until|Unless|Since|Because|As)\b.{3,160}?),\s+"
    r"(?=(?:we|I|our|my|you|your|it|they|this|these|the|there|ketamine|esketamine|spravato|KAP|patients|clients|most|"
    r"many|some|each|every|a|an|treatment|sessions?|infusions?|doses?|no|any|its|their|both|all|one)\b|"
    r"(?-i:[A-Z][a-z]))",
    re.I,
)
# A post's byline or dateline: who wrote it and when, not who offers what.
BYLINE = prefiltered(
    r"^(?:Posted|Published|Updated|Written|Reviewed|Medically reviewed|By)\b|\b(?:January|February|March|April|May|June|"
    r"July|August|September|October|November|December) \d{1,2}, \d{4}\b"
)
# A leading subordinate clause concedes or sets a condition; it offers nothing by itself.
SUBORDINATE = prefiltered(
    r"^(?:Although|Though|Whereas|Unlike|Compared (?:to|with)|If|When|Once|Until|Unless|Since|Because|While)\b", re.I
)
CONCESSION = prefiltered(r"^(?:Although|Though|Whereas|Unlike|Compared (?:to|with))\b", re.I)
NEGATION_WORD = prefiltered(r"\b(?:not|no|never|none|nothing|nobody|neither|nor|lacks?|without|cannot)\b|n['’]t\b", re.I)
# The condition treated, told with a negation of its own: "depression that has not responded to
# medication", "whose pain did not ease". It denies nothing the provider offers.
UNRESPONSIVE_CONDITION = prefiltered(
    r"\b(?:that|which|who|whose(?: \w+)?)\b[^.;]{0,40}?\b(?:has|have|had|did|does|do)(?:n['’]t| not)(?: yet)? "
    r"(?:respond|improv|eas|lift|help|work|get better|go away|budge)\w*",
    re.I,
)
# An aside between a subject and its verb: ", who are trained in psychedelic therapy,".
APPOSITIVE = prefiltered(r",\s+(?:who|which|whose)\b[^,;.]{1,80},", re.I)
# Therapy listed as a service of its own beside others: "TMS, Spravato, psychotherapy and medication
# management", "ketamine, TMS, psychotherapy or medication management".
THERAPY_LISTED = prefiltered(
    r"(?:^|[,·|]\s*|\b(?:and|or)\s+)(?:(?:individual|group|family|couples|talk)\s+)?"
    r"(?:psychotherapy|counseling|counselling|therapy)\s*(?:[,·|]|\b(?:and|or)\b|\.?$)",
    re.I,
)
# A clinician on staff who only assesses: "our psychologist, who will carry out a thorough intake",
# "our therapist screens every new patient for eligibility". An intake is not therapy.
ASSESSES = prefiltered(
    r"\b(?:intakes?|evaluat\w+|assess\w+|screen(?:s|ed|ing)?|eligib\w+|candidacy|work-?ups?|clearance)\b", re.I
)
# What a therapist does in the care itself, which an assessment does not cancel.
THERAPY_ACTS = prefiltered(
    r"\b(?:sessions?|prepar\w+|integrat\w+|sits? (?:with|in)|sitting|present|guid\w+|support\w*|(?:psycho)?therapy|"
    r"counsell?ing|talk\w* (?:through|with)|process\w*|accompan\w+)\b",
    re.I,
)
# Therapy given by the practice's staff: "our counselors see teens", "sessions with licensed psychologists".
STAFF_THERAPY = prefiltered(
    r"\b(?:[Oo]ur|[Ww]e)\b|\b[Ww]ith (?:an? |our )?(?:licensed |staff |certified )?(?:(?:psycho)?therapists?|counsell?ors?|"
    r"psychologists?|social workers?)\b|"
    # "with Dana Reyes, LMHC": a named clinician licensed for therapy
    r"\bwith [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)+,? " + THERAPY_LICENCE + r"\b"
)
# A change told across two clauses: "we began with injections but later moved on".
DISCONTINUED_ACROSS = prefiltered(
    r"\b(?:began|started|begun)\b[^.;]{0,60}\bbut\b[^.;]{0,30}\b(?:moved on|stopped|switched|discontinued|moved away)\b",
    re.I,
)
# The whole practice closed: all of its care ended, ketamine with it ("we have closed all of our clinics").
_PRACTICE_CLOSED = (
    r"\b(?:clos(?:e|ed|ing)|shut(?:ting)? down|shutter(?:ed)?) (?:all (?:of )?(?:our |its |their |the )?(?:[\w-]+ )?(?:clinics|locations|"
    r"offices|centers|centres)|(?:our|its|their) doors)\b|\b(?:has|have) (?:now )?(?:closed|shut down) (?:permanently|for good)\b"
)
PRACTICE_CLOSED = prefiltered(_PRACTICE_CLOSED, re.I)
# A stance rather than a practice: "we feel that ketamine works best together with psychotherapy"
BELIEF = prefiltered(r"\b(?:we|I) (?:firmly |strongly )?(?:believe|feel|think)\b|\bin (?:our|my) (?:view|opinion)\b", re.I)
# Care told in the past: "for nine years our nurses gave infusions", "since 2015 we have given"
CARE_GIVEN_BEFORE = prefiltered(
    r"\b(?:for (?:over |more than |nearly |almost )?(?:\w+ ){0,2}years|since (?:19|20)\d\d|over the (?:past|last) "
    r"(?:\w+ )?(?:years|decade))\b[^.;]{0,80}\b(?:gave|given|provided|offered|administered|treated|delivered)\b", re.I
)
# All of the practice's care ended, named in general: "we are no longer able to see patients"
CARE_ENDED = prefiltered(
    r"\b(?:no longer|ceased|stopped) (?:able to |in a position to )?(?:provid|offer|giv|see|treat)\w*"
    r"(?: (?:any|our|new or existing|existing) )?(?: ?(?:treatments?|care|services|patients|infusions))\b", re.I
)
# ", so we expect...": what follows is a clause of its own, out of reach of a negation before it.
CLAUSE_SPLIT = prefiltered(
    r";|\s+but\s+|,\s+(?:while|whereas|although|though)\s+|:\s+(?=[A-Z])|"
    r",\s+(?:and )?so\s+(?=(?:we|you|I|patients?|clients?|every|each|all|our|your)\b)",
    re.I,
)
# Third parties a clause may speak of: their practice is not this provider's.
THIRD_PARTY = prefiltered(
    r"(?<!our )(?<!its )(?<!my )\b(?:other|many|most|some|specialized|certified|dedicated|typical|traditional|underground|IV|"
    r"infusion|ketamine) "
    r"(?:[\w-]+ )?(?:clinics|providers|practitioners|physicians|practices|centers|offices)\b|"
    # one of a kind that others run: "given at an in-network center", "only at a certified treatment center"
    r"\bat (?:an?|any) (?:in-network|certified|participating|approved|contracted) (?:[\w-]+ )?(?:clinic|provider|practice|"
    r"cent(?:er|re)|office|facility)\b|\bnon-\w+ (?:physicians|providers|clinicians)\b|"
    r"\bin (?:a few|several|many|a number of) (?:very )?(?:different )?ways\b|"
    r"\b(?:is|are) not always the case\b|\bunlike (?:other|many|most|some)\b|\bproviders? who\b|"
    r"\bwhen (?:\w+ ){0,3}(?:are|is) (?:delivered|given|provided|administered) by\b",
    re.I,
)

# --- cue tables ---------------------------------------------------------------------------------

# A member of staff named in an aside: "our nurse, Ana Cole, will..."
_NAMED_ASIDE = (
    r"(?:,\s*(?:Dr\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2},|"
    r"\s*\((?:Dr\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}\))?"  # ", Ana Cole," or " (Dr. Hale)"
)
_CALENDAR = (r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|"
             r"August|September|October|November|December|Spring|Summer|Fall|Autumn|Winter")

_SUBJECT = (
    r"(?:\b[Ww]e\b|(?<![\w'’])I(?![\w'’])|\b(?:[Oo]ur|[Mm]y|" + POSSESSIVE_NAME + r") (?:[\w-]+ ){0,2}(?:team|clinic|"
    r"practice|center|centre|office|therapists?|clinicians?|providers?|staff|nurses?|physicians?|doctors?|"
    r"psychiatrists?|specialists?|program|anesthesiologists?|approach|work|CRNAs?|prescribers?|facilitators?|"
    r"guides|mission|vision|goal|aim|purpose))"
)

# A therapist naming their own KAP work: "As a trained ketamine-assisted psychotherapist, I ...",
# "I am a certified KAP therapist", "As a counselor trained in ketamine-assisted psychotherapy, I ..."
_KAP_PRACTITIONER = (
    r"(?:[\w-]+ ){0,5}?(?:ketamine[- ]assisted (?:psycho)?therapist|(?:KAP|KAT|ketamine)[- ](?:trained |certified )?"
    r"(?:psycho)?(?:therapist|provider|practitioner|clinician|facilitator|counsell?or|psychologist)|"
    r"(?:trained|certified) (?:in|as an?) (?:ketamine[- ]assisted (?:psycho)?therap(?:y|ist)|KAP|KAT))"
)
# "six", "3-5", "three to five": how many treatments, or how many weeks.
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
_COUNT = _NUMBER + r"(?:\s?(?:-|–|to|or)\s?" + _NUMBER + r")?"

# How a clause speaks as the provider offering something. The first cue that fires decides
# the clause's voice; the weight says how plainly it offers.
OFFER_CUES = CueTable(*sorted((
    cue("offer.listed-under-offer-heading", "offer", r".", 1.0, Where(tags=LIST_TAGS, heading=OFFER_HEADING),
        "listed under a heading such as 'Services' or 'What to expect'"),
    cue("offer.kap-practitioner", "offer",
        r"\b[Aa]s an? " + _KAP_PRACTITIONER + r"\b(?=\s*(?:,|$)|[^.;,]{0,60}\b(?:I|we|my|our)\b)|"
        r"\b(?:I am|I'm|I’m) an? " + _KAP_PRACTITIONER + r"\b", 1.0,
        says="the therapist naming themselves a ketamine-assisted psychotherapist", flags=0),
    cue("offer.first-person", "offer", _SUBJECT + r"(?:\s+[\w,'’-]+){0,4}?\s+" + OFFER_VERBS + r"\b", 1.0,
        says="the provider says it does this ('we offer', 'our nurse gives')", flags=0),
    cue("offer.lets-us", "offer",
        r"\b(?:let|allow|enable|help|permit)s? us(?: to)? (?:offer|provide|give|deliver|administer)\b", 1.0,
        says="what lets the provider give the care ('lets us offer the safest experience')"),
    cue("offer.we-will", "offer",
        r"\b(?:we|I)(?:'ll|’ll| will| can| also| then| usually| typically| often| first| now| may| would)+"
        r" (?!not\b|never\b|" + _WRITING_VERBS + r"|" + _WRITER_LEARNING + r")\w+", 1.0,
        says="the provider says what it will do ('we will review your history')"),
    cue("offer.our-staff-acts", "offer",
        r"\b(?:our|one of our)\s+(?:[\w-]+\s+){0,2}" + STAFF + r"(?:\s+or\s+\w+)?" + _NAMED_ASIDE + r"\s+(?:will|'ll|has|have|"
        r"(?:is|are) (?:with|beside|by your side|there|present|available|on hand|on site|trained|certified|licensed)|"
        r"then|also|can|may|stays?|sits?|watch\w*|monitor\w*|place\w*|start\w*|give\w*|check\w*|review\w*|help\w*|"
        r"guid\w*|walk\w*|explain\w*|go(?:es)? over|take\w*|handle\w*|carr\w*|lead\w*|meet\w*|prepar\w*|"
        r"decide\w*|evaluat\w*|talk\w*|work\w*|answer\w*|build\w*|track\w*|adjust\w*|tailor\w*|oversee\w*|"
        r"manage\w*|observe\w*|see\w*)\b", 1.0,
        says="the provider's own staff at work ('our nurse will place the IV')"),
    cue("offer.named-practice-staff", "offer",
        # "Brightway's nurse, Ana Cole, will stay with you": the practice's staff, by the practice's name
        POSSESSIVE_NAME + r"\s+(?:[\w-]+\s+){0,2}" + STAFF + _NAMED_ASIDE + r"\s+(?:will|stays?|sits?|checks?|watch\w*|monitor\w*|places?|gives?|reviews?|guides?|meets?|prepares?|"
        r"(?:is|are) (?:with you|there|present|on hand))\b", 1.0, flags=0,
        says="the practice's own staff at work, by the practice's name ('Brightway's nurse will stay with you')"),
    cue("offer.staff-acts", "offer",
        # "A nurse will stay close by" is this practice's procedure; "a therapist guides the
        # session" in the present, with no one in particular, is how such care works anywhere.
        r"\b(?:an?)\s+(?:[\w-]+\s+){0,2}" + STAFF + r"(?:\s+or\s+\w+)?" + _NAMED_ASIDE
        + r"\s+(?:will|'ll|stays?|remains?|is (?:with|beside|"
        r"by your side|there|present|on hand))\b|"
        r"\b(?:the|your)\s+(?:[\w-]+\s+){0,2}" + STAFF + r"(?:\s+or\s+\w+)?" + _NAMED_ASIDE + r"\s+(?:will|'ll|"
        r"(?:is|are) (?:with|beside|by your side|there|present|available|on hand|on site|trained|certified|licensed)|"
        r"then|also|can|may|stays?|sits?|remains?|watch\w*|monitor\w*|place\w*|start\w*|give\w*|check\w*|review\w*|help\w*|"
        r"guid\w*|walk\w*|explain\w*|go(?:es)? over|take\w*|handle\w*|carr\w*|lead\w*|meet\w*|prepar\w*|"
        r"decide\w*|evaluat\w*|talk\w*|work\w*|answer\w*)\b", 0.9,
        says="a member of staff at work ('a nurse will stay close by')"),
    cue("offer.named-clinician", "offer",
        NAMED_CLINICIAN + r"(?:['’]s)?,?\s+(?:\w+\s+){0,2}(?:sets?|provides?|offers?|gives?|leads?|sees|will|"
        r"prefers? to (?:use|give|prescribe)|uses|applies|tailors|adjusts|individuali[sz]es|customi[sz]es|"
        r"treats?|prescribes?|works?|coordinates?|monitors?|oversees?|supervises?|administers?|performs?|"
        r"reviews?|runs?|is (?:board|certified|trained|a|there|on hand|present|with you))\b|\b(?:by|with|from)\s+" + NAMED_CLINICIAN,
        0.8, says="a named clinician at work ('Dr. Lee provides...', 'offered by Ana Ruiz, LMFT')", flags=0),
    cue("offer.staff-pronoun", "offer",
        r"^(?:She|He|They|[A-Z][a-z]{2,}) (?:goes|checks|reviews|verifies|confirms|explains|places|starts|walks|"
        r"monitors|stays|sits|asks|takes|will|runs|sets|adjusts|watches|greets|prepares|meets)\b[^.;]*\byou|"
        # staff named with their role in brackets: "Nora (our RN) and Joan (staff therapist) will sit in"
        r"^[A-Z][a-z]{2,} \((?:our|staff|the|a) [^)]{1,30}\)(?:,? (?:and )?[A-Z][a-z]{2,} \([^)]{1,30}\))* "
        r"(?:will|can|is|are|also)\b|"
        # two of the staff by name: "Rosa and Mateo will watch over the group", "Dr. Hale and Nurse Ortiz will check"
        r"^(?!(?:" + _CALENDAR + r")\b)(?:Dr\.? |Nurse )?[A-Z][a-z]{2,} and (?!(?:" + _CALENDAR + r")\b)(?:Dr\.? |Nurse )?"
        r"[A-Z][a-z]{2,} (?:will|also|stay|sit|watch|monitor|check|guide|lead|greet|prepare)\b", 0.6,
        says="a member of staff named at work with the patient ('Marla goes over your chart')", flags=0),
    cue("offer.founded-by", "offer",
        r"\b(?:founded|started|opened|established|led|run|owned|directed)\b[^.;]{0,40}\bby\b[^.;]{0,50}"
        r"(?:\bDr\.? [A-Z]|\b(?:MD|DO|NP|CRNA|PMHNP)\b|\b(?:physicians?|nurse practitioners?|anesthesiologists?|"
        r"psychiatrists?)\b)", 0.8, says="the practice and the clinicians who run it", flags=0),
    cue("offer.certified-to", "offer",
        # "We are Esketamine Safety Program (ESP)-approved to dispense Spravato", "approved by the state program to supervise"
        r"\b(?:we|I)(?:'re|’re|'ve been|’ve been| are| am| have been| were)\b[^.;]{0,80}?(?:\b|–|-)(?:certified|approved|"
        r"licensed|authori[sz]ed|credentialed|enrolled|registered)(?: and (?:ready|able|equipped))?(?: by [^.;]{0,40}?)? to (?:provide|offer|"
        r"give|administer|dispense|treat|prescribe|deliver|supervise)\b", 1.0,
        says="the provider certified to give the treatment ('we are approved to dispense Spravato')"),
    cue("offer.here", "offer", r"^Here(?:,| at [A-Z])", 0.75, says="'here': at the practice itself", flags=0),
    cue("offer.own-service", "offer",
        # "My" after a lowercase word and before a capital one is a name: "startups like My Ketamine Home"
        r"\b(?:our|(?-i:my|(?<![a-z] )My(?! [A-Z])))\s+(?:[\w–-]+\s+){0,3}(?:infusions?|injections?|treatments?|services?|clinics?|office|"
        r"offices|programs?|protocols?|sessions?|lozenges?|setting|care|lounge|suite|rooms?|center|practice|studio|ketamine|"
        r"retreats?|journeys?|circles?|"
        r"KAP|Spravato|psychotherapy|therapy|approach)\b", 1.0,
        says="the provider's own service or place ('our infusions', 'my office')"),
    cue("offer.our-patients-on-it", "offer",
        # "most of our clients who have had Spravato treatments": the practice's patients take it there
        r"\b(?:our|my) (?:own )?(?:patients|clients) (?:who|that|on|receiving|starting)\b[^.;]{0,30}?\b(?:respond\w*|receiv\w*|"
        r"get|gets|start\w*|tr(?:y|ied)|tak\w*|us(?:e|ing)|had|have had|on)\b[^.;]{0,20}?\b(?:ketamine|spravato|esketamine|"
        r"infusions?|KAP)\b", 0.75,
        says="the practice's own patients on the treatment ('our patients who respond to ketamine')"),
    cue("offer.by-us", "offer",
        r"\bby (?:our|my|one of our) (?:[\w-]+ ){0,3}(?:team|clinicians?|therapists?|psychotherapists?|staff(?: members?)?|"
        r"providers?|physicians?|nurses?|doctors?|psychiatrists?|guides|facilitators|(?:medical )?directors?)\b|\bby me\b|"
        r"\bunder the (?:care|supervision|direction|guidance|watch) of (?:our|my) ", 1.0,
        says="done by the provider's own people ('handled by our staff')"),
    cue("offer.self-description", "offer",
        r"^(?:an?|the) (?:\w+ ){0,3}(?:clinic|practice|center|centre|service|team|provider)s? (?:that|which) "
        r"(?:provides|offers|specializes|delivers|gives)\b(?![^.;]*\b(?:is|are|was|were|can|will|should|must)\b)", 1.0,
        says="a practice describing itself"),
    cue("offer.self-identification", "offer",
        r"\b(?:clinics?|practices?|centers?|providers?|offices?) (?:such as|like) (?:ours|us)\b|"
        r"\b(?:is|are|we(?:'re|’re| are)) proud to be (?:one of )?(?:the )?(?:few |first |only )?(?:[\w-]+ )?(?:places?|"
        r"clinics?|practices?|centers?|providers?|offices?)\b|"
        r"\bwe(?:'re|’re| are) (?:an?|the|your) (?:[\w-]+ ){0,3}(?:clinic|practice|center|provider|team|office)\b|"
        r"\b(?:as|being) an? (?:[\w-]+ ){0,3}(?:clinic|practice|provider)\b[^.;]{0,30}\b(?:we|our)\b",
        1.0, says="the provider naming what it is ('clinics such as ours')"),
    cue("offer.announcement", "offer", r"^(?:now |also |newly )?(?:offering|introducing|available now|now available)\b"
        r"(?![^.;]*\b(?:is|are|was|were)\b)",
        1.0, says="an announcement ('Now offering Spravato')"),
    cue("offer.at-brand", "offer", r"^At [A-Z][\w&'’. -]{1,50}(?:,| our\b| we\b)\s*(?:we|our (?:[\w-]+ ){0,2}" + STAFF +
        r"|patients|clients|you)\b",
        1.0, says="'At <practice>, we...'", flags=0),
    cue("offer.price", "offer", r"[$£€]\s?\d[\d,]*(?:\.\d\d)?\s*(?:/|per|a|an|for|each)?\s*(?:\w+\s+){0,2}"
        r"(?:infusions?|injections?|shots?|sessions?|treatments?|series|doses?|lozenges?|visits?|consult\w*|program|month)\b|"
        r"\b(?:costs?|is priced at|runs|fee is)\s+[$£€]\s?\d[\d,]*|"
        # a price list's line: "IM session: $299", "Six-infusion series - $2,400"
        r"\b(?:infusions?|injections?|shots?|sessions?|treatments?|series|doses?|visits?|consult\w*|program|membership)"
        r"\b[^.;$£€]{0,30}?(?::|\s[-–—]|\))\s*[$£€]\s?\d|"
        # the price straight after the item: "Each intravenous ketamine infusion £240"
        r"\b(?:infusions?|injections?|shots?|sessions?|treatments?|series|doses?|lozenges?|administrations?|"
        r"prescriptions?)\b(?:\s+[\w-]+){0,3}\s+[$£€]\s?\d",
        1.0, says="a price for a treatment"),
    cue("offer.invitation", "offer",
        r"\b(?:you(?:'re| are) (?:always )?welcome to|(?:stop|come) by|visit us|come (?:see|visit) us)\b|"
        # "come join us for a KAP retreat"; a webinar or a training is teaching, not care
        r"\bjoin us (?:for|at|on) (?!(?:an? |the |our |this )?(?:[\w-]+ ){0,2}(?:webinars?|conferences?|summits?|"
        r"meetings?|talks?|lectures?|events?|panels?|podcasts?|livestreams?|workshops?|trainings?|courses?|classes)\b)|"
        r"\b(?:ask|talk (?:to|with)|speak (?:to|with)) (?:us|our (?:[\w-]+ )?(?:team|staff|providers?|clinicians?|"
        r"prescribers?|nurses?|doctors?)) (?:about|whether|if)\b", 0.75,
        says="an invitation to come in"),
    cue("offer.step", "offer", r"^(?:step\s*(?:\d+|one|two|three|four|five|six)\b|\d{1,2}[.)]\s|first,|next,|then,)"
        r"|\b(?:the )?(?:first|next|final|last|second|third) step is\b|\bstep (?:one|two|three|\d) is\b", 0.9,
        says="a step of the provider's process"),
    cue("offer.available-here", "offer",
        r"\b(?:is|are) (?:now |also |currently )?available (?:(?:for|to) (?:(?:our|all|qualifying|eligible|new|"
        r"established|current|existing|adult|select|interested) )+(?:patients|clients)|(?:at|in|through) (?:our|all of our|"
        r"both of our|each of our)\b|"
        # the practice's hours: "is currently available on Tuesday mornings", "by appointment"
        r"(?:on|every) (?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?|weekdays|weekends|mornings|afternoons|evenings)\b|"
        r"by appointment\b)", 0.75,
        says="the treatment available to the practice's patients, at its offices or in its hours"),
    cue("offer.every-patient", "offer",
        r"\b(?:every|each|all) (?:new |returning |[\w-]+ )?(?:patients?|clients?|treatments?|sessions?|infusions?|"
        r"visits?|plans?|courses?|series|programs?|packages?|cohorts?)\b\s+(?:\w+\s+){0,2}(?:starts?|begins?|receives?|gets?|is|are|includes?|lasts?|calls? for|"
        r"takes?|has|have|must|will|comes?|meets?|involves?|requires?|needs?)\b", 0.75,
        says="what every patient goes through"),
    cue("offer.package-includes", "offer",
        r"^(?:the |our |each |every |this |your )?(?:[\w-]+ ){0,2}(?:retreats?|programs?|packages?|add-ons|extras|upgrades|"
        r"series|bundles?|memberships?|stays?|experiences?|journeys?|weekends?|cohorts?|sessions?) (?:also |each |always |will )?"
        r"(?:includes?|comes? with|covers|brings together|combines|pairs)\b", 0.6,
        says="what a package or retreat includes ('Add-ons include a 1:1 integration session')"),
    cue("offer.patients-get", "offer",
        # one patient, told in the third person: "the patient returns twice a week", "each client rests"
        r"\b(?:the|each|every) (?:patient|client)\s+(?:\w+\s+)?(?:gets|receives|returns|comes back|rests|sits|lies|"
        r"stays|remains|arrives|relaxes|reclines|goes home)\b|"
        r"\b(?:patients|clients|you)\s+(?:\w+\s+)?(?:get|receive|enjoy|have access to|can (?:get|receive|choose|"
        r"expect|begin|start|book)|go on (?:\w+ )?(?:to|with)|then go|move on to|continue (?:on )?to|continue (?:\w+ )?with|"
        r"sit|lie|rest|"
        r"relax|recline|stay|remain|arrive|return|come back|go home|are (?:monitored|observed|seated|given|asked|"
        r"encouraged|welcome|checked|screened|evaluated|required)|are (?:expected|instructed|advised|told) (?:not )?to "
        r"(?:bring|arrange|have|plan|avoid|refrain|fast|stop|arrive|wear|eat|drink|stay|rest|drive|take|come))\b", 0.75,
        says="what patients receive"),
    cue("offer.you-will", "offer",
        r"\byou(?:'ll|’ll| will)(?: \w+)? (?:sit|lie|recline|rest|relax|receive|get|have|meet|arrive|start|begin|"
        r"be (?:given|monitored|asked|seen|observed|able|sent|enrolled|connected|matched|paired)|stay|spend|"
        r"check in|fill|complete|book|need|feel|notice|remain|return|come|go home|choose|pick|schedule|work|"
        r"talk|undergo|go through|attend|experience|continue|join|take|use|learn|set)\b", 0.75,
        says="second-person procedure ('you will rest in a recliner')"),
    cue("offer.your-treatment", "offer",
        r"\byour (?:first |next |initial |own |individuali[sz]ed |personali[sz]ed )?(?:\w+ )?(?:infusions?|sessions?|"
        r"journeys?|treatments?|appointments?|visits?|doses?|treatment plan|program|series)\b|"
        r"\b(?:the|your) (?:first|initial|next) (?:appointment|visit|session|consultation|infusion|treatment)\b", 0.5,
        says="the patient's own treatment at the practice ('your first infusion')"),
    cue("offer.you-do", "offer",
        # "any medications you take" is the patient's own, not a step of the care
        r"(?<!medications )(?<!medicines )(?<!drugs )(?<!supplements )"
        r"\byou (?:schedule|book|choose|pick|meet|start|begin|receive|get|take|use|sit|rest|relax|arrive|check in|"
        r"complete|fill out|recline|lie)\b", 0.5, says="the patient's steps, in the present ('you schedule them')"),
    cue("offer.eligibility", "offer",
        r"\b(?:anyone|everyone|patients?|clients?|you|candidates?)\b[^.;]{0,40}\b(?:must|need to|needs to|have to|has to|"
        r"first need|will need|are required to|to qualify|qualify first|is required)\b", 0.6,
        says="who may be treated, and how to qualify"),
    cue("offer.heading-route", "offer", r"^(?!(?:\S+\s+){7}\S).*?\b(?:infusions?|injections?|lozenges?|troches?|spravato|esketamine|"
        r"nasal spray|intravenous|intramuscular)\b", 0.5, Where(kinds=_set("home", "services"), tags=HEADING_TAGS),
        says="a headline naming a route on a home or services page"),
    cue("offer.duration", "offer",
        r"\b(?:takes?|lasts?|runs?)\s+(?:for\s+)?(?:about|around|roughly|approximately|up to|between|only|just)?\s*"
        r"(?:\d+|an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|forty|forty-five|fifty|sixty|ninety)"
        r"(?:\s*(?:-|to|–|and)\s*\d+)?\s*(?:hours?|minutes?|mins?)\b", 0.5,
        says="how long the treatment takes"),
    cue("offer.passive-procedure", "offer",
        r"\b(?:is|are|will(?: then| also| now)? be|gets|get|being|(?:has|have|needs?) to be|must be)\s+(?:\w+ly\s+|then\s+|"
        r"also\s+|only\s+|"
        r"now\s+|sometimes\s+|"
        r"often\s+|always\s+|still\s+|first\s+)?"
        r"(?:given|administered|"
        r"delivered|done|held|dosed|taken|placed|inserted|started|monitored|watched|observed|supervised|infused|injected|"
        r"performed|carried out|handled|mailed|shipped|sent|emailed|provided|offered|tailored|adjusted|"
        r"reviewed|completed|filled out|handed|prescribed|scheduled|booked|checked|measured|evaluated|assessed|screened|led|guided|"
        r"recorded|followed(?= by\b)|included(?! in (?:the |this |a |an |our )?(?:[\w-]+ )?(?:study|studies|trials?|analys[ie]s|reviews?|"
        r"meta-analys[ie]s|samples?|cohorts?)\b))\b(?! to (?!you\b|your\b|the\b|an?\b|our\b|patients\b|clients\b|each\b|adults\b|people\b|"
        r"individuals\b|veterans\b|teens\b|adolescents\b|those\b|anyone\b|everyone\b|them\b)[a-z]+\b)|\b(?:treatments?|infusions?|doses?|spray|medication|medicine|ketamine|sessions?),?\s+"
        r"(?:given|administered|delivered|done|held|performed|supervised|monitored)\s+(?:in|at|under|by|over|through|"
        r"via|with|during|as)\b|,\s+(?:given|administered|delivered|supervised|monitored) (?:by|under)\b|"
        r"\btakes? place\b|\b(?:are|is) then followed\b|"
        # "lozenges are also used in the office"
        r"\b(?:is|are) (?:also |sometimes |often )?used (?:in|at) (?:the|our|this) (?:office|clinic|cent(?:er|re)|practice)\b|"
        r"\b(?:is|are) (?:also |sometimes |often )?used in-(?:office|clinic)\b|"
        r"\b(?:is|are) required (?:before|prior to) (?:your|the|each|any|every) (?:first |initial |next )?(?:shot|infusion|"
        r"injection|session|dose|treatment|visit|appointment)s?\b", 0.5, says="procedure text in the passive ('the infusion is given over 40 minutes')"),
    cue("offer.schedule", "offer",
        # the plan of treatments: "a series of four injections across ten days", "three to five infusions over
        # three to five weeks", "boosters every 5-7 weeks", "a maintenance program"
        r"\b(?:series|course|round|set) of " + _COUNT + r" (?:[\w-]+ )?(?:infusions|treatments|sessions|injections|doses|"
        r"visits)\b|\b" + _COUNT + r" (?:[\w-]+ ){0,2}?(?:infusions|treatments|sessions|injections|doses)\b[^.;]{0,25}\b(?:over|"
        r"across|within|in) (?:a |the )?(?:span of )?" + _COUNT + r"[- ](?:days?|weeks?|months?)(?:[- ]span)?\b|"
        r"\b" + _COUNT + r" (?:[\w-]+ )?(?:infusions|treatments|sessions|injections|doses) initially\b|"
        r"\binitial(?:ly)? (?:series|course|round|phase|treatment|therapy)\b[^.;]{0,30}\b(?:" + _COUNT + r"|one or more) "
        r"(?:[\w-]+ )?(?:infusions|treatments|sessions|injections|doses)\b|"
        r"\bboosters?\b[^.;]{0,60}\bevery\b[^.;]{0,15}\b(?:weeks?|months?)\b|"
        r"\b(?:booster|maintenance) (?:infusions?|treatments?|sessions?|doses?)\b[^.;]{0,40}\b(?:every|as needed|once a)\b|"
        r"\bmaintenance (?:program|plan|schedule|phase)\b", 0.5,
        says="the practice's schedule of treatments ('six infusions over two weeks')"),
    cue("offer.the-medicine-is", "offer",
        r"\b(?:the|your) (?:ketamine|medicine|medication|doses?) (?:is|are|comes?) (?:either |usually |typically |then )?"
        r"(?:given )?(?:as |in the form of )?(?:an? |the )?[^.;]{0,30}?\b(?:troches?|lozenges?|tablets?|injections?|shots?|"
        r"infusions?|nasal spray|drip)\b", 0.6,
        says="the form the practice's ketamine takes ('the ketamine is either a troche or a shot')"),
    cue("offer.participle-item", "offer",
        r"^(?:Given(?! (?:how|that|the fact|its|their|this|these)\b)|Delivered|Administered|Monitored|Watched|Supervised|"
        r"Performed|Provided|Offered|Available|Covered|Done|Held|Led|Guided|Dosed|Prescribed|Infused|"
        r"(?:Supported|Accompanied|Facilitated) by (?:an?|our|your)(?= ))\b", 0.75, Where(tags=LIST_TAGS | _set("p")),
        says="a list item in procedure form ('Given under supervision')", flags=0),
    cue("offer.imperative-step", "offer",
        r"^(?:Please )?(?:Plan|Arrange|Bring|Dress|Avoid|Eat|Drink|Wear|Arrive|Fill out|Complete|Go over|Tell|"
        r"Expect|Stop|Call|Book|Schedule|Do not|Don't|Don’t|Nothing to eat|Keep(?! in mind)|Make sure|Remember)\b", 0.5,
        Where(tags=LIST_TAGS | _set("p")), says="instructions to the patient", flags=0),
    cue("offer.booking", "offer", _BOOKING, 0.6, says="a way to book"),
    cue("offer.book-with-clinician", "offer",
        # "Book with Odile", "Schedule a session with Dr. Reyes": the clinician the visitor books
        r"\b(?:[Bb]ook|[Ss]chedule)(?: (?:a|an|your) (?:session|appointment|consultation|visit))? with (?:Dr\.? )?"
        r"[A-Z][a-z]+\b", 1.0, says="booking with a named clinician", flags=0),
    cue("offer.call-to-action", "offer",
        r"^(?:Get|Book|Schedule|Start|Request|Order)\b (?:your |an? )?(?:(?:at-home|in-home|mobile|IV|IM|same-day|"
        r"safe|fast|affordable|professional|first|ketamine)\s+)*(?:ketamine|spravato|esketamine|infusions?|IV|KAP)\b",
        0.75, says="a call to get the treatment here ('Get At-Home Ketamine IV Therapy')"),
), key=lambda c: -c.weight))  # the strongest reading wins

# Offers that say who is offering: the provider in the first person, by name, by its staff,
# price or booking. Procedure text alone ("you will rest", "the dose is given") is written by
# explainers too, so a site must show itself as a provider by one of these, or by its name or
# structured data, before its procedure text counts.
IDENTITY_CUES = frozenset({
    "offer.listed-under-offer-heading", "offer.kap-practitioner", "offer.first-person", "offer.lets-us", "offer.we-will",
    "offer.our-staff-acts", "offer.named-clinician", "offer.named-practice-staff", "offer.our-patients-on-it",
    "offer.own-service", "offer.by-us",
    "offer.self-description", "offer.self-identification", "offer.announcement", "offer.at-brand", "offer.price", "offer.invitation",
    "offer.booking", "offer.book-with-clinician", "offer.brand-voice", "offer.lead-in-list", "offer.staff-pronoun",
    "offer.founded-by", "offer.here",
})

# The visit's arrangements in the provider's voice: getting home, what to bring, when to eat,
# how to pay. The practice speaks, but of the visit around its care rather than the care.
# A step of the care itself, which a sentence about the visit's arrangements may also tell.
CARE_STEP = prefiltered(
    r"\b(?:observed|monitored|watched|supervised|administered|given|dosed|infused|checked|prescribed)\b|"
    r"\b(?:we|nurses?|staff|providers?|doctors?) (?:will )?(?:observe|monitor|watch|check|give|administer)\b",
    re.I,
)
LOGISTICS_CUES = CueTable(
    cue("logistics.ride-home", "provider",
        r"\bdrive (?:you |yourself |them )?home\b|\bride home\b|\b(?:a|your|designated) driver\b|"
        r"\btransportation (?:home|to and from)\b|\bsomeone (?:to |must |will |should |can )?(?:drive|take|bring) you\b",
        1.0, says="getting home after the visit ('someone must drive you home')"),
    cue("logistics.comfort", "provider",
        r"\b(?:bring|wear|provide|have|keep|suggest|recommend|offer|use)\b[^.;]{0,60}\b(?:eye ?(?:masks?|shades?)|"
        r"blankets?|headphones|earbuds|pillows?|comfortable cloth\w*|loose[- ]fitting|favou?rite music|calming music|"
        r"snacks?)\b",
        1.0, says="what to bring or what the room has ('eye masks and blankets')"),
    cue("logistics.eating", "provider",
        r"\brefrain from eating\b|\bempty stomach\b|\b(?:stop|avoid) eating\b|\blight meal\b|"
        r"\b(?:eat|food|meal|drink)\w*\b[^.;]{0,40}\b\d+ hours? (?:before|prior)\b|"
        r"\b\d+ hours? (?:before|prior)\b[^.;]{0,40}\b(?:eat|food|meal)\w*",
        1.0, says="when to eat before the visit"),
    cue("logistics.payment", "provider",
        r"\baccepts? (?:most |all |many )?(?:major )?(?:insurance|credit cards|HSA|FSA|cash|checks)\b|"
        r"\bwelcome (?:Medicaid|Medicare)\b|\bsuperbills?\b|\bpayment (?:is due|plans?)\b|\bfinancing\b",
        1.0, says="how the visit is paid for ('we accept most major insurance plans')"),
    cue("logistics.rest-of-day", "provider",
        r"\b(?:go back|return|returning|going back) to work\b|\brest of the day\b|\boperate (?:heavy )?machinery\b",
        1.0, says="the rest of the day after the visit"),
)

# The practice's medical model told in its own voice, with no route named: a physician's referral,
# an anesthesiologist-led consultation. With no word of therapy, the care is medical.
MEDICAL_MODEL_CUES = CueTable(
    cue("medical.physician-referral", "offer",
        r"\breferr?(?:al|ed|s)?\b[^.;]{0,40}\b(?:GP|family doctor|family physician|physician|doctor|primary care|PCP|"
        r"psychiatrist|specialist)s?\b|\b(?:GP|family doctor|physician|doctor|psychiatrist|primary care provider|PCP)s?\b"
        r"[^.;]{0,30}\brefer\b", 1.0, says="a physician's referral to the practice"),
    cue("medical.anesthesia-led", "offer",
        r"\banesthesiologists?\b|\bmedical consultation model\b|\bCRNAs?\b|\bnurse anesthetists?\b", 1.0,
        says="care led by anesthesiologists or nurse anesthetists"),
)

# Therapy by the provider's own people, with the medicine in view.
OWN_THERAPY_CUES = CueTable(
    cue("own-therapy.our-therapists", "own-therapy",
        r"\b(?:[Oo]ur (?:own )?|\bstaff )(?:[\w-]+ )?(?:therapists?|psychotherapists?|facilitators?|psychologists?|"
        r"counsell?ors?|guides|sitters|integrators?|integration (?:specialists?|coach(?:es)?))\b|"
        r"\b[Oo]ur team of [^.;]{0,40}\b(?:therapists|psychotherapists|psychologists)\b|"
        r"\b(?:therapist|psychotherapist|clinician|facilitator|guide|counsell?or)s? (?:or clinician )?(?:from|on) our "
        r"(?:own )?(?:team|staff)\b|"
        r"\b[Aa]s (?:your |the |group |an? )?(?:[\w-]+ )?(?:therapists?|psychotherapists?|facilitators?|guides?|"
        r"clinicians?|coach(?:es)?|integrators?),? (?:we|I|our|my)\b|"
        r"\b(?:[Oo]ur|[Mm]y) role as (?:your |the |an? )?(?:[\w-]+ )?(?:therapists?|facilitators?|guides?|sitters?|"
        r"coach(?:es)?|integrators?)\b", 1.0,
        flags=0, says="the provider's own therapists"),
    cue("own-therapy.our-clinicians", "own-therapy", r"\b[Oo]ur (?:own )?(?:[\w-]+ )?clinicians?\b", 0.8, flags=0,
        says="the provider's own clinicians, where the page speaks of therapy"),
    cue("own-therapy.i-sit-with-you", "own-therapy",
        # "the clients I see myself" names whose clients they are, not therapy given
        r"(?<![\w'’])(?<!clients )(?<!patients )(?<!people )(?<!those )(?<!therapists )(?<!clinicians )(?<!colleagues )"
        r"(?<!providers )I (?:act as|stay|remain|am with|will be with|sit|"
        r"guide|accompany|facilitate|lead|work|use|see|"
        r"offer|provide|take|bring|partner)\b|\b(?:with|and) me\b|\bme as (?:facilitator|guide)\b|"
        r"\b[Mm]y (?:role|job|sessions|approach)\b|\b(?:in|at) my office\b", 1.0, flags=0,
        says="the therapist writing, at work in the sessions"),
    cue("own-therapy.therapist-in-session", "own-therapy",
        r"\b(?:therapist|psychotherapist|psychologist|counsell?or|clinician|facilitator|guide|integrator|integration "
        r"(?:specialist|coach)|(?:KAP|KAT) (?:provider|practitioner))s?\b.{0,60}\b(?:guid\w*|present|at your side|by your side|"
        r"in the room|"
        r"hold (?:the )?(?:room|space)|holds (?:the )?(?:room|space)|"
        r"with you|stays?|sits?|joins?|accompan\w+|support\w*|prepar\w*|help\w*|get(?:ting)? (?:you )?ready|"
        r"integrat\w*)|\b(?:guided|supported|facilitated|accompanied|led)\b(?: [\w-]+){0,4}? by (?:a|an|your|our|the) "
        r"(?:trained |licensed |treating |assigned |designated |same |skilled |experienced |qualified |certified )?"
        r"(?:psycho)?therapist", 1.0,
        says="a therapist or guide in the sessions"),
    cue("own-therapy.your-therapist-acts", "own-therapy",
        r"\byour (?:psycho)?therapist (?:will |also |then )?(?:prepar|stay|sit|guid|be with|be present|join|meet|lead)\w*",
        1.0, says="'your therapist will sit with you'"),
    cue("own-therapy.paired-sessions", "own-therapy",
        # "each dosing session is matched with an integration visit", "counseling sessions before and after each
        # session are offered", "you will meet briefly with the integrator, who will help you process"
        r"\b(?:each|every)(?: (?:[\w-]+ ){0,2}?(?:sessions?|infusions?|treatments?|doses?|journeys?)|,? one)?,? (?:is |are )?"
        r"(?:matched|paired|followed|coupled|combined) (?:up )?(?:with|by) (?:an? |its own |their own )?(?:[\w-]+ )?"
        r"(?:integration|therapy|psychotherapy|counseling|counselling|preparation) (?:sessions?|visits?|calls?|"
        r"appointments?|meetings?)\b|"
        r"\b(?:counseling|counselling|therapy|psychotherapy|integration|preparation) (?:sessions?|visits?|calls?|"
        r"appointments?) (?:before and after|before|after) (?:each|every|the|your) (?:[\w-]+ )?(?:sessions?|infusions?|"
        r"treatments?|doses?|journeys?)\b[^.;]{0,20}? (?:are|is) (?:also )?(?:offered|provided|included|held|scheduled|"
        r"booked)\b|"
        # "three psychotherapy sessions are held before the first ketamine infusion"
        r"\b(?:counseling|counselling|therapy|psychotherapy|integration|preparation) (?:sessions?|visits?|appointments?) "
        r"(?:will be|are|is) (?:also )?(?:offered|provided|included|held|scheduled|booked) (?:before and after|before|after|"
        r"between) (?:each|every|the|your) (?:[\w-]+ ){0,2}?(?:sessions?|infusions?|treatments?|doses?|journeys?)\b|"
        r"\b(?:an?|the|your) (?:integration (?:specialist|coach|guide|facilitator)|integrator)s? (?:will |also |then )*"
        r"(?:help|talk|meet|sit|stay|guide|support|work|check)s?\b|"
        r"\bmeet (?:briefly |again )?with (?:the|an?|your) (?:integrator|integration (?:specialist|coach|guide))\b", 1.0,
        says="the practice's therapy or integration paired with each dosing session"),
    cue("own-therapy.therapy-sessions", "own-therapy",
        r"\b(?:preparation|preparatory|prep|integration|psychotherapeutic)(?:/\w+)? (?:(?:psycho)?therapy |counsell?ing )?"
        r"(?:(?:group|individual|one-on-one|1:1) )?(?:sessions?|meetings?|therapy|psychotherapy|work|support|"
        r"follow-ups?|visits?|appointments?|hours?|calls?|circles?|groups)\b|(?:an|one|the) integration group\b|"
        # "meetings that will prepare you for each medicine session"
        r"\b(?:visits?|sessions?|meetings?|appointments?) (?:that|which) (?:will )?(?:help )?prepare you for (?:your|the|each) "
        r"(?:ketamine|medicine|dosing|journey)|\b(?:preparation|integration) and (?:integration|preparation)\b|"
        r"\b(?:our|in-house|on-site)\s+(?:[\w-]+\s+)?(?:therapy|psychotherapy|counseling|counselling) (?:sessions?|"
        r"meetings?|appointments?)\b|\b(?:psycho)?therapy sessions? (?:with us|with our|here)\b|"
        r"\b(?:pre|post)[- ]?(?:and (?:pre|post)[- ]?)?(?:session|dosing|treatment|infusion) (?:counseling|counselling|"
        r"therapy|psychotherapy|support|integration|coaching)\b|"
        r"\b(?:counseling|counselling|therapy|psychotherapy|integration) sessions? (?:are|is) (?:also )?(?:offered|"
        r"provided|included|held|scheduled|booked|planned)\b|"
        # therapy sessions set around the dosing: "after each dosing session there is a psychotherapy session"
        r"\b(?:psycho)?therapy sessions?\b[^.;]{0,40}\b(?:before|after|following|between) (?:each|every|any|the|your) "
        r"(?:dosing|medicine|ketamine|journey)\b|\b(?:before|after|following) (?:each|every|any) (?:dosing|medicine|"
        r"ketamine) (?:sessions?|journeys?|doses?)\b[^.;]{0,50}\b(?:psycho)?therapy sessions?\b", 1.0,
        says="preparation or integration sessions"),
    cue("own-therapy.kap-sessions", "own-therapy",
        r"\b(?:ketamine[- ]assisted[- ]psychotherapy|KAP|psychedelic[- ]assisted[- ](?:psycho)?therapy|ketamine "
        r"psychotherapy) (?:dosing )?(?:sessions?|meetings?|journeys?)\b", 1.0,
        says="sessions of ketamine-assisted psychotherapy the practice holds"),
    cue("own-therapy.meets-with-you", "own-therapy",
        r"\b(?:meets?|sits?|stays?|works?|checks? in) with (?:you|them|each client|each patient|clients|patients|the client|"
        r"the patient)\b[^.;]{0,80}"
        r"\b(?:prepar\w*|dosing|medicine|sessions?|integrat\w*|afterward)", 1.0,
        says="the therapist meets the client before, during and after the sessions"),
    cue("own-therapy.paired-with-therapy", "own-therapy",
        r"\b(?:pair|combin|integrat(?!ive)|coupl|together)\w*\b[^.;]{0,40}?\bwith\b[^.;]{0,60}\b(?:psycho)?therap(?:y|ies)\b|"
        r"\b(?:psycho)?therapy\b[^.;]{0,30}\b(?:paired|combined|integrated) with\b|"
        # "psychotherapy is supportive and is provided while the patient is monitored during administration"
        r"\b(?:psycho)?therapy\b[^.;]{0,40}\b(?:provided|given|offered|done|delivered)\b[^.;]{0,10}\b(?:while|during|"
        r"throughout)\b[^.;]{0,50}\b(?:administration|dosing|doses?|sessions?|infusions?|treatments?|monitored)\b|"
        # "care that brings together Spravato treatment, medication management, therapy and ..."
        r"\b(?:brings? together|bringing together|combin\w+|unit(?:es|ing)|blend\w*)\b[^.;]{0,40}?\b(?:ketamine|spravato|"
        r"esketamine|infusions?|lozenges?)\b[^.;]{0,60}?(?:,|\band)\s+(?:[\w-]+ ){0,2}(?:psycho)?therap(?:y|ies)\b|"
        # "At Northstar, careful psychotherapy is the most important part of the process"
        r"^At [A-Z][\w&'’. -]{1,50}, (?:[\w,-]+ ){0,4}(?:psycho)?therapy is (?:an? |the )?(?:[\w-]+ ){0,3}"
        r"(?:part|core|heart|cent(?:er|re)|foundation) of (?:the|our|every|each)\b", 1.0,
        says="the ketamine paired with the provider's therapy"),
    cue("own-therapy.our-sessions", "own-therapy",
        r"\b(?:inside|in|within|during|through|at) our (?:own )?(?:sessions|meetings|integration|preparation)\b|"
        r"\b(?:inside|within|during|through) our (?:own )?program\b|"
        # "everyone enrolled must be seen in psychotherapy at our office"
        r"\b(?:psycho)?therapy (?:at|in|with|from) (?:our|this) (?:own )?(?:office|practice|clinic|team)\b|"
        r"\bour (?:preparation|integration|prep) (?:sessions?|support|work)\b", 1.0,
        says="the provider's own sessions"),
    cue("own-therapy.we-prepare", "own-therapy",
        r"\b(?:we|I)\b(?: \w+){0,6}? (?:handle|provide|offer|do|run|lead|guide|supply|facilitate|add|include)\w*\b"
        r"[^.;]{0,40}\b(?:preparation|preparing|integration|integrating|prep)\b|"
        # the provider's plan of doses, "each paired with an integration session"
        r"\b(?:[Ww]e|I|[Oo]ur [\w-]+)\b[^.;]{0,120}\b(?:each|every one|all)(?: of them)?,? (?:followed by|paired with|"
        r"preceded by|with|ending with|including) (?:an? |its own |their own )?(?:[\w-]+ )?(?:preparation|integration|prep)"
        r"(?: and (?:preparation|integration))? (?:sessions?|visits?|calls?|meetings?)\b", 1.0,
        says="the provider's own preparation or integration"),
    cue("own-therapy.we-work-on", "own-therapy",
        r"\b(?:in which|where|during which) we (?:will |can |then )?(?:help (?:you |them )?)?(?:work on|explore|process|talk|"
        r"prepare|integrate|set)\b|"
        # a method of therapy begun in the session: "(once the lozenge dissolves,) we begin EMDR"
        r"\b(?:we|I) (?:then |now |gently )?(?:enter|begin|start|move into|turn to)\b[^.;]{0,30}\b(?:EMDR|IFS|"
        r"internal family systems|somatic (?:work|experiencing|therapy)|parts work|(?<!assisted )(?<!assisted-)psychotherapy|"
        r"talk therapy|therapeutic work)\b|"
        r"\bwe (?:will |then |can )?(?:spend|use|take|set aside)\b[^.;]{0,30}\b(?:hours?|minutes|part|half|time|rest|remainder)\b"
        r"[^.;]{0,50}"
        r"\b(?:on |in )?(?:integrat\w*|prepar\w*|grounding|process\w*|talk\w*|reflect\w*|intentions?)\b|"
        r"\bintegrat\w* (?:the|your|this) (?:experience|journey|session) together\b|"
        # "after you take ketamine in each session, we will support you if difficult experiences come up"
        r"\b(?:sessions?|journeys?|dosing|ketamine)\b[^.;]{0,60}\b(?:we|I) (?:will |can |then |also )?(?:support|accompany|"
        r"stay with|sit with) you\b|\b(?:we|I) (?:will |can |then |also )?(?:support|accompany|stay with|sit with) you\b"
        r"[^.;]{0,40}\b(?:through|during|in) (?:the |each |every |your )?(?:sessions?|journeys?|dosing|experience)\b|"
        r"\b(?:we|I) (?:will |can )?(?:support|help) you (?:if|when|as) (?:any )?(?:difficult|hard|challenging|painful) "
        r"(?:experiences|feelings|emotions|material|memories) (?:come up|arise|surface)\b|"
        # "after the dosing, we continue meeting with you to process what came up"
        r"\b(?:we|I) (?:will |then |also )?(?:keep|continue|go on) (?:working|meeting) with you\b[^.;]{0,40}\b(?:integrat\w*|"
        r"process\w*|prepar\w*)|\b(?:we|I) (?:will |then |also )?help you (?:to )?integrate\b|"
        # a conversation about the inner experience: "we shift into quiet conversation about what you saw"
        r"\b(?:we|I)\b[^.;]{0,40}\b(?:conversations?|dialogue|discussions?)\b[^.;]{0,15}\b(?:about|around|on|exploring) "
        r"(?:your |their |one['’]s |the )?(?:hopes|fears|worries|intentions|expectations|desires|anxieties|inner|"
        r"experiences?|insights|journey|what (?:you|came|happened|arose|emerged|surfaced))", 1.0,
        says="'in which we work on...': the provider's therapy in the session"),
    cue("own-therapy.with-therapist", "own-therapy",
        r"\b(?i:consultation|consult|meeting|session|intake|check-in)s? (?:(?:is|are|will be) )?(?:held |scheduled |booked )?with "
        r"(?:an? |our |the |your )?"
        r"(?:assigned |in-house |staff |dedicated )?(?:[A-Z]{2,6} |"
        r"[A-Z]\w+ )?(?:provider and |prescriber and |physician and )?(?:(?:psycho)?therapist|[Gg]uide|facilitator)\b",
        0.8, flags=0,
        says="a meeting with the practice's therapist"),
    cue("own-therapy.trained-therapist", "own-therapy",
        # "a series of sessions with a KAP-trained therapist": a therapist trained for the medicine
        r"\b(?:(?:sessions?|meetings?|visits?|appointments?) with|meet(?:s|ing)?(?: with)?|work(?:s|ing)? with) (?:an?|our) "
        r"(?:ketamine|KAP|KAT|psychedelic)[- ](?:trained|certified) (?:(?:psycho)?therapist|counsell?or|guide|facilitator)s?\b",
        1.0, says="sessions with a therapist trained for ketamine work"),
)

# A negation that keeps the outside carer: "you do not need to give up your therapist",
# "we do not take over a patient's psychotherapy".
_KEEPS_OWN_CARER = (
    r"\bnot (?:need|have) to (?:give up|stop|leave|change|replace)\b|"
    # "does not provide counseling, and I agree to keep seeing my therapist": the referral model
    r"(?:\bnot|n['’]t) (?:provide|offer|do)\w* (?:any )?(?:counsel\w*|(?:psycho)?therapy|talk therapy)\b[^.;]{0,60}"
    r"\b(?:keep|continue|stay|remain)\w* (?:seeing|working with|in (?:care|therapy|treatment) with|with) (?:my|your|their|"
    r"a|an) (?:own |current |outside )?(?:(?:psycho)?therapist|counsell?or|mental health (?:provider|professional))|"
    # a refusal that requires the outside carer: "we will not begin a series for anyone without a therapist"
    r"\b(?:will not|won['’]t|do not|don['’]t|cannot|can['’]t|does not|doesn['’]t) (?:begin|start|schedule|treat|accept|"
    r"see|book)\b[^.;]{0,50}\b(?:without|who (?:has|have) no|unless)\b[^.;]{0,30}\b(?:(?:psycho)?therapists?|"
    r"counsell?ors?|psychiatrists?|mental health (?:providers?|professionals?))\b|"
    r"\b(?:(?:do|does|will) not|don['’]t|doesn['’]t|won['’]t) (?:take over|replace|stand in for) (?:a patient['’]s|a client['’]s|your|their|the "
    r"patient['’]s) (?:own |ongoing |current )?(?:psycho)?(?:therapy|therapist|counsell?ing|mental health care)\b"
)
KEEPS_OWN_CARER = prefiltered(_KEEPS_OWN_CARER, re.I)

# Therapy expected with an outside provider; the provider gives the medicine.
_OUTSIDE_CARER = (
    r"(?:(?:psycho)?therapists?|counsell?ors?|clinicians?|psychiatrists?|psychologists?|mental[- ]health (?:providers?|"
    r"professionals?|team|clinicians?|care)|psychiatric providers?|care team|treatment team|therapy team|"
    r"psychiatry and therapy team|LCSW|LPC|LMFT)"
)
# The outside carer named by what they do: "whoever manages your care".
_WHOEVER = (
    r"(?:(?:whoever|the (?:person|people|clinician|professional|provider|team)s? who) (?:manages?|treats?|oversees?|"
    r"provides?|handles?) your (?:[\w-]+ ){0,2}(?:care|treatment|therapy)|the (?:person|people|clinician|professional|"
    r"provider|therapist|team)s? who knows? you (?:best|well))"
)
_QUALIFIER = r"(?:own|current|existing|present|outside|primary|regular|usual|established|ongoing|licensed|talk|treating|referring|local)"
OUTSIDE_THERAPY_CUES = CueTable(
    cue("outside-therapy.return-to-referring", "outside-therapy",
        r"\b(?:return|go back|come back|back|hand-?off) to (?:the|your) (?:own )?(?:referring |primary )?(?:mental health )?"
        r"(?:provider|therapist|psychiatrist|clinician|professional)", 1.0,
        says="patients go back to the provider who referred them"),
    cue("outside-therapy.who-referred-you", "outside-therapy",
        r"\b(?:mental health (?:provider|professional|clinician)|(?:psycho)?therapist|counsell?or) who referred you\b|"
        r"\breferring (?:mental health )?(?:provider|clinician|therapist|professional)\b.{0,60}\b(?:therapy|continue|"
        r"resume)", 1.0, says="the referring provider continues the therapy"),
    cue("outside-therapy.work-with-yours", "outside-therapy",
        r"(?<![Yy]ou )\b(?:work|works|working|do it|collaborat\w*|partner\w*|coordinat\w*|communicat\w*|hand in hand|"
        r"review\w*|consult\w*|confer\w*|check\w* in|speak\w*|talk\w*)\b[^.;]{0,40}?\b(?:alongside|with|together with|in "
        r"partnership with|in collaboration with) (?:your|the patient's|the client's|their) (?!(?:in-house|assigned|staff|on-site) )"
        r"(?:[\w-]+ ){0,6}?"
        + _OUTSIDE_CARER + r"|\b(?:work|coordinat\w*|communicat\w*|speak|talk)\w* with " + _WHOEVER, 1.0,
        says="the provider works with the patient's own therapist"),
    cue("outside-therapy.carer-of-their-own", "outside-therapy",
        r"\b(?:an?|one) (?:[\w-]+ )?" + _OUTSIDE_CARER + r"(?: or (?:an? )?(?:[\w-]+ )?" + _OUTSIDE_CARER + r")? of "
        r"(?:your|their|his or her|her|his) own\b", 1.0,
        says="'a counselor of their own': the patient's own therapist"),
    cue("outside-therapy.keeps-yours-informed", "outside-therapy",
        r"\b(?:update|inform|notify|brief|call|contact|write to|send)\w* (?:your|the patient's|the client's|their) "
        r"(?:[\w-]+ ){0,4}?" + _OUTSIDE_CARER + r"\b|\b(?:update|inform|notify)\w* " + _WHOEVER, 1.0,
        says="the patient's own therapist is kept informed"),
    cue("outside-therapy.qualified-carer", "outside-therapy",
        # "licensed" alone says what the carer is, not whose: "your licensed therapist stays with you
        # for the whole session" is the practice's own ("your own licensed therapist" is not)
        r"\b(?:your|the patient's|the client's|their|a client's|the client’s|the patient’s)\s+(?!licensed (?:[\w-]+\s+)?"
        + _OUTSIDE_CARER + r"\b)(?:" + _QUALIFIER + r"\s+){1,3}(?:[\w-]+\s+)?" + _OUTSIDE_CARER + r"\b", 1.0,
        says="the patient's own therapist ('your own licensed therapist')"),
    cue("outside-therapy.in-care-of", "outside-therapy",
        r"\b(?:in|under) the (?:ongoing |active |regular )?care of (?:an? |your )?(?:licensed |established )?"
        r"(?:\w+ )?(?:therapist|psychotherapist|counsell?or|mental health (?:professional|provider|clinician)|"
        r"psychiatrist|psychiatric provider)", 1.0, says="patients must be in a therapist's care"),
    cue("outside-therapy.connected-to", "outside-therapy",
        r"\b(?:connected|established|engaged) (?:to|with|in care with) (?:an?|another) (?:established |ongoing |current |"
        r"licensed |outside )?(?:psychiatric (?:provider|clinician)|psychiatrist|therapist|mental[- ]health (?:provider|"
        r"professional|resource)|counsell?or)|"
        # "in a therapeutic alliance with a trained, licensed mental health professional"
        r"\b(?:therapeutic|treatment) (?:alliance|relationship) with an? (?:[\w-]+,? ){0,3}(?:(?:psycho)?therapist|counsell?or|"
        r"psychologist|mental[- ]health (?:provider|professional|clinician))|"
        # "open only to patients engaged in ongoing psychotherapy"
        r"\b(?:engaged|enrolled|participating) in (?:ongoing |active |regular |current |weekly )?(?:psycho)?therapy\b|"
        # "an established relationship with a licensed mental-health professional"
        r"\b(?:established|ongoing|existing|current) (?:relationship|care) with an? (?:licensed |current )?(?:(?:psycho)?therapist|"
        r"counsell?or|psychologist|mental[- ]health (?:provider|professional|clinician))|"
        # "a current connection with at least one therapist", "proof of ongoing treatment from a mental health clinician"
        r"\b(?:established|ongoing|existing|current) (?:connection|relationship|care|treatment) (?:with|by|from) (?:at least one |an? )"
        r"(?:licensed |current )?(?:(?:psycho)?therapist|counsell?or|psychologist|mental[- ]health (?:provider|professional|"
        r"clinician))|"
        # a prescriber the patient keeps seeing ("care with a psychiatrist" may be the practice's own)
        r"\b(?:established|ongoing|existing|current) relationship with an? (?:psychiatrist|psychiatric (?:provider|clinician))",
        1.0,
        says="patients must be connected to a mental-health provider"),
    cue("outside-therapy.required", "outside-therapy",
        r"\b(?:we|you|patients|clients|every patient|each patient|all patients|every client|each client|an? (?:person|"
        r"candidate|applicant)|candidates|applicants)\b[^.;]{0,20}"
        r"\b(?:require|requires|required|must|mandatory|need to|needs to|has to|have to)\b.{0,60}\b(?:(?:psycho)?therapist|"
        r"mental health "
        r"(?:provider|professional)|psychotherapy|counsell?or|psychiatric provider|(?<!infusion )(?<!ketamine )(?<!IV )"
        r"therapy)\b|\b(?:be|stay|remain|are|is) in (?:ongoing |active |regular |weekly )?(?:psycho)?therapy\b|"
        r"\b(?:ask|require|need)\w* (?:you |patients |clients |(?:every|each|all) (?:new )?(?:patients?|clients?) )?to "
        r"(?:find|see|have|get|start) (?:one|an? (?:[\w-]+ )?"
        r"(?:therapist|counsell?or))\b|"
        # the practice's expectation: "we expect every patient to be seeing a counselor"
        r"\b(?:(?:we|I) expect (?:you|patients|clients|(?:every|each|all) (?:new )?(?:patients?|clients?)) to|"
        r"(?:our|the) expectation is that)\b(?:(?!\b(?:our|my)\b)[^.;]){0,50}\b(?:(?:psycho)?therapists?|counsell?ors?|"
        r"(?:psycho)?therapy|counsell?ing)\b|"
        r"\b(?:therapist|mental health provider)\b.{0,80}\b(?:is|are) (?:required|mandatory)\b|"
        # "What is required is a current therapist"
        r"\b(?:what(?: is| we)? require\w*|the (?:one )?requirement) (?:is|are)\b[^.;]{0,20}\b(?:an? )?(?:[\w-]+ )?"
        r"(?:(?:psycho)?therapist|counsell?or|psychotherapy|(?<!infusion )therapy)\b", 1.0,
        says="therapy with someone else is required"),
    cue("outside-therapy.referral-required", "outside-therapy",
        r"\b(?:need|needs|require|requires|required|must (?:have|obtain|provide))\b[^.;]{0,30}\b(?:referral|letter|"
        r"note|records?|clearance)\b[^.;]{0,40}\b(?:therapist|psychotherapist|counsell?or|mental health|psychologist)|"
        # "your therapist completes a short form confirming that you're in treatment"
        r"\byour (?:own |current )?(?:(?:psycho)?therapist|counsell?or) (?:completes|fills (?:out|in)|signs|sends|returns)\b"
        r"[^.;]{0,30}\b(?:form|letter|note|questionnaire)",
        1.0, says="a referral or records from a therapist are required"),
    cue("outside-therapy.already-have", "outside-therapy",
        r"\b(?:therap\w+|team|treatment|care|provider|counsel\w+|psychiatr\w+)\b[^.;]{0,30}\b(?:you|I|they) "
        r"(?:already|are already) (?:have|see|work with|doing|know|trust)\b|"
        r"\bnot (?:need|have) to (?:give up|stop|leave|change|replace)\b[^.;]{0,40}\b(?:therap\w+|psychiatr\w+|"
        r"counsel\w+|mental health)|" + _KEEPS_OWN_CARER, 1.0, says="the therapy the patient already has continues"),
    cue("outside-therapy.current-carer", "outside-therapy",
        # "if you currently see other mental health providers, tell them": a carer the
        # patient may have, kept informed, not therapy the care asks for
        r"\b(?:you|they) (?:already|currently) (?:see|work with|have)\b[^.;]{0,20}\b(?:other |outside )?(?:mental[- ]health "
        r"(?:providers?|professionals?)|(?:psycho)?therapists?|counsell?ors?)\b", 0.3,
        says="a therapist the patient may already have"),
    cue("outside-therapy.primary-therapist", "outside-therapy",
        r"\bprimary (?:therapist|clinician|psychotherapist|mental health provider)\b|\bKAP therapists\b|"
        r"\bcollaborating (?:\w+ )?therapists?\b|\bfor use with an? (?:outside |separate )?therapist\b", 1.0,
        says="the patient's primary therapist is someone else"),
    cue("outside-therapy.their-clients", "outside-therapy",
        r"\b(?:your|their) (?:own )?clients?(?:['’]s?)?\b[^.;]{0,60}\b(?:therap\w*|sessions?|ketamine|infusions?|"
        r"integration|stays? with you|care)|\binvit\w* (?:your |their |the |)(?:referring|outside|patients['’]|clients['’]) "
        r"(?:\w+ )?(?:therapists|psychotherapists|counsell?ors|clinicians)\b|"
        r"\b(?:sessions?|meetings?|appointments?) with (?:their|your) (?:own )?(?:therapist|counsell?or|psychotherapist)\b|"
        r"\b(?:clients?|patients?|people|adults) whose (?:own )?(?:(?:psycho)?therapists?|counsell?ors?)\b|"
        r"\b(?:your|their|the client['’]s|the patient['’]s) (?:own )?(?:(?:psycho)?therapist|counsell?or)['’]s (?:office|practice)\b|"
        r"\bthe (?:medical|prescribing|medication) (?:half|part|side|component) of\b|"
        # outside therapists in the room: "therapists may guide their own patients during the infusion"
        r"\b(?:(?:psycho)?therapists|counsell?ors|clinicians)\b(?: [\w-]+){0,6}? (?:guide|accompany|sit with|join|support|"
        r"be with|stay with|bring) (?:their|your) (?:own )?(?:patients|clients)\b",
        1.0, says="the page speaks to outside therapists about their clients"),
    cue("outside-therapy.outside", "outside-therapy",
        r"\b(?:outside|external|separate) (?:care team|(?:psycho)?therapists?|therapy|mental health (?:providers?|professionals?))\b|"
        r"\btherapy externally\b|\bexternally with (?:your|their) (?:mental health )?providers?\b|"
        r"\bexisting therapeutic relationship\b|\bongoing therapeutic relationship\b|"
        r"\b(?:(?:psycho)?therap(?:y|ist)|counsell?or|counsell?ing)\b[^.;]{0,30}\b(?:outside|away from|beyond) (?:of )?(?:my|our|"
        r"this|the) (?:office|practice|clinic)\b", 1.0,
        says="therapy outside the practice"),
    cue("outside-therapy.refer-out", "outside-therapy",
        r"\b(?:partner|work|collaborat|refer)\w* (?:closely )?(?:with|to) (?:local|outside|independent|community|area|"
        r"trusted) (?:\w+ )?(?:therapists|psychotherapists|counsell?ors|mental health providers)\b|"
        r"\b(?:refer|connect|match|point|direct|introduce) (?:you|patients|clients) (?:to|with) (?:a |an |one of )?[^.;]{0,30}\b"
        r"(?:(?:psycho)?therapists?|counsell?ors?|mental[- ]health (?:care )?(?:providers?|professionals?|clinicians?))\b|"
        r"\bhelp you find (?:a|an) (?:\w+ )?(?:therapist|counsell?or|mental health professional)\b|"
        # "we keep a list of local counselors who accept new clients"
        r"\b(?:list|directory|names) of (?:local|outside|area|community|trusted|independent) (?:\w+ )?(?:therapists|"
        r"psychotherapists|counsel(?:l)?ors|mental health (?:providers|professionals))\b", 1.0,
        says="patients are referred to therapists elsewhere"),
    cue("outside-therapy.network-member", "outside-therapy",
        # A platform's "member therapists" are independent clinicians who join its network: "your network
        # therapist leads the sessions", "the therapists in our network", "members (independent, licensed psychotherapists)"
        r"\b(?:member|network)\s+(?:[\w-]+\s+)?(?:(?:psycho)?therapists?|clinicians?|counsell?ors?|practitioners?)\b|"
        r"\b(?:(?:psycho)?therapists?|clinicians?|counsell?ors?)\b[^.;]{0,20}\b(?:in|from|of|within) (?:our|its|the|their) "
        r"(?:[\w-]+ )?(?:member )?network\b|\bmembers \((?:[\w-]+,? ){0,3}(?:(?:psycho)?therapists|clinicians)\)", 1.0,
        says="therapy with independent therapists who are members of the platform's network"),
    cue("outside-therapy.keep-in-touch", "outside-therapy",
        r"\b(?:keep|stay) in (?:close )?(?:touch|contact) with (?:the|your) (?:mental health provider|therapist)|"
        r"\btalk(?:ing)? (?:\w+ ){0,2}with your (?:own )?therapist\b|\bbring (?:your|their) own therapist\b|"
        r"\binvit\w+ (?:your|their) (?:own )?therapist\b|\byour (?:own |outside |existing )?therapist(?:'s|’s)? role\b|"
        r"\byour (?:own |outside )?(?:psycho)?therapist (?:provides|handles|does|carries|leads|is responsible for)",
        1.0, says="the patient's own therapist stays involved"),
    cue("outside-therapy.continue-with", "outside-therapy",
        r"\b(?:continu\w*|keep|keeps|keeping) (?:to see |seeing |working with |with |care with |(?:psycho)?therapy with |"
        r"up with )?(?:your|their) "
        r"(?:own |current |existing )?(?:psycho)?(?:therapist|counsell?or|mental health (?:provider|professional|team))|"
        r"\b(?:continu\w*|keep\w*|stay\w*|remain\w*) (?:\w+ ){0,2}(?:with|in) (?:your|their) (?:own |current |existing |"
        r"ongoing |regular )(?:psycho)?therapy\b|"
        r"\b(?:psycho)?therapy (?:continues|stays|remains) with\b|"
        r"\b(?:psycho)?therapy (?:\w+ ){0,3}with (?:your|their) (?:own|current|existing|usual|regular|outside) "
        r"(?:providers?|clinicians?|professionals?|team)\b|"
        r"\b(?:(?:psycho)?therapist|counsell?or)\b[^.;]{0,30}\b(?:continue|keep) (?:to see|seeing|working with)\b|" + _WHOEVER + r"\b[^.;]{0,30}\b(?:keeps?|continues?|goes on|carries on|"
        r"stays?|remains?)\b|"
        r"\breferring (?:therapist|clinician|provider|psychiatrist|counsell?or)s? (?:remains?|stays?|continues?|keeps?)\b|"
        r"\bremains? (?:the|your|their) (?:patient['’]s |client['’]s )?(?:primary )?(?:therapist|clinician)\b|"
        r"\b(?:recommend|encourage|advise|suggest|urge)\w*\b[^.;]{0,50}\b(?:see|work with|have|continue|find|keep|"
        r"stay with|be in|engage in|pursue)\b[^.;]{0,30}\b(?:(?:psycho)?therapists?|counsell?ors?|psychotherapy|"
        r"(?<!infusion )therapy)\b|\bwe prescribe\b.{0,60}\byour (?:own )?therapist\b", 1.0,
        says="patients are told to continue or find therapy"),
    cue("outside-therapy.carer-at-intake", "outside-therapy",
        r"\bask\w* (?:you )?for (?:the name (?:and [\w ]{1,20} )?of |your |their |the name of your )(?:own |current )?"
        r"(?:(?:psycho)?therapist|counsell?or|psychologist|mental[- ]health (?:provider|professional|clinician))|"
        r"\bask\w* (?:you )?for the name (?:and [\w ]{1,20} )?of " + _WHOEVER, 1.0,
        says="intake asks for the patient's own therapist"),
    cue("outside-therapy.updates", "outside-therapy",
        r"\b(?:send|share|pass(?:es)? along|forward|provide)\w*\b[^.;]{0,40}\b(?:updates?|notes|summar(?:y|ies)|"
        r"reports?)\b[^.;]{0,60}\b(?:therapist|clinician|provider|care team|primary|sessions?|everyone)\b", 0.8,
        says="updates sent to the patient's own clinician"),
)
# "If you have no therapist, we can refer you to one": the one is the carer the sentence names.
TO_ONE = prefiltered(r"\b(refer (?:you|them|patients|clients) to|connect (?:you|them) with|help you find) one\b", re.I)
CARER_BEFORE_ONE = prefiltered(
    r"\b(?:(?:psycho)?therapists?|counsel(?:or|lor)s?|psychologists?|mental[- ]health (?:care )?(?:providers?|"
    r"professionals?|clinicians?)|(?:professional|clinician|provider) (?:managing|overseeing) your (?:mental health |"
    r"emotional )?care)\b",
    re.I,
)
# "We do not offer other routes of administration": the ketamine care denied, with no route named.
ROUTES_IN_GENERAL = prefiltered(r"\b(?:routes?|forms?|methods?) of (?:ketamine )?(?:administration|delivery|dosing)\b", re.I)
# Prescribers: a referral from them, or their managing the rest of a patient's care, is medical
# care; only a requirement to stay in their care during the treatment asks for outside care.
PRESCRIBER_CARER = prefiltered(r"\bpsychiatr\w+|\bpsychiatric providers?\b|\bprescribers?\b", re.I)
THERAPY_CARER = prefiltered(
    r"\b(?:psycho)?therap(?:ists?|y)\b|\bcounsel\w+|\bpsychologists?\b|\bmental[- ]health\b|\bLCSW\b|\bLPC\b|"
    r"\bLMFT\b|\bclinicians?\b|\bcare team\b|\btreatment team\b",
    re.I,
)
PRESCRIBER_ENOUGH = frozenset({"outside-therapy.in-care-of", "outside-therapy.connected-to", "outside-therapy.required"})
# Care teams that are physicians only: a referral from them, or contact with them, is not
# therapy with an outside provider.
PHYSICIAN_ONLY = prefiltered(
    r"\b(?:primary care|PCP|physicians?|doctors?|GP|family doctor|neurologist|pain specialist|other doctors|"
    r"medical care team)\b",
    re.I,
)
MENTAL_HEALTH_CARER = prefiltered(
    r"\b(?:psycho)?therapists?\b|\bcounsel\w+|\bpsychiatr\w+|\bpsychologists?\b|\bmental[- ]health\b|\bLCSW\b|"
    r"\bLPC\b|\bLMFT\b|\bclinicians?\b|\bcare team\b|\btherapy team\b",
    re.I,
)
# Contact that is optional or one-way ("may wish to talk with your doctors", "patients come to
# us on referral from") is not a referral model.
OPTIONAL_CONTACT = prefiltered(
    r"\bmay (?:\w+ )?(?:wish|want|choose|like) to\b|\bif you (?:wish|like|want|prefer)\b|\bon referral from\b|"
    r"\b(?:can|may) (?:also )?request\b|\b(?:up)?on request\b|"
    r"^if you (?:already )?(?:have|see|work with) an? (?:\w+ )?(?:therapist|counsell?or|psychotherapist)\b|"
    r"\b(?:we(?:'d|’d| would)?|I(?:'d|’d| would)?) (?:gently |also )?(?:encourage|invite|suggest)\b|"
    r"\b(?:patients|people) (?:often |may )?(?:come|are referred) to us\b|\bmay refer themselves\b|\bself-refer|"
    r"\b(?:are|is|remain|feel) (?:always |also |still )?(?:welcome|free) to\b|"
    r"\b(?:patients|clients|people|those|anyone|adults)\s+who\s+(?:would like|wish|want|prefer|choose|are interested in)\b",
    re.I,
)
# "A therapist is not required": the opposite of a referral model.
NOT_REQUIRED = prefiltered(
    r"(?:\bnot|n['’]t|\bnever|\bno)\s+(?:\w+\s+){0,2}(?:require\w*|need\w*|necessary|mandatory|prerequisite|"
    r"(?:a )?condition (?:of|for)|have to|has to|must)\b|"
    # "No referral from a mental health provider is required"
    r"^No\b[^.;]{0,80}\b(?:is|are) (?:required|needed|necessary|mandatory)\b", re.I
)
# A page addressed to the clinicians who refer ("For referring providers", "Refer a patient"):
# on it, "you" is the referring clinician.
REFERRER_PAGE = prefiltered(
    r"\bfor (?:referring |collaborating |non-medical |outside |licensed )?(?:providers|clinicians|physicians|doctors|"
    r"professionals|therapists|psychotherapists|counsell?ors)\b|\brefer(?:ring)? (?:a |your )?(?:patients?|clients?)\b|\breferring (?:providers|clinicians)\b|"
    r"\b(?:every|why|what) (?:\w+ )?(?:therapists?|clinicians?|counsell?ors?) (?:should|need|must)\b",
    re.I,
)
# Said to a referring clinician: the therapy stays with them.
REFERRER_THERAPY_CUES = CueTable(
    cue("outside-therapy.referrer-does-therapy", "outside-therapy",
        r"\byou (?:\w+ ){0,2}?(?:provide|continue|keep|do|handle|lead|offer|remain)\w* (?:(?:the|their|your|ongoing|"
        r"psycho|talk) )*(?:psycho)?(?:therapy|counseling|counselling|integration|sessions?)\b|"
        r"\b(?:sessions?|appointments?|visits?|integration) with you\b|"
        r"\byour (?:client|patient)s? (?:\w+ ){0,3}?(?:remains?|stays?|continues?)\b[^.;]{0,40}\b(?:your|you)\b|"
        # a clinic that hosts the therapist's own KAP: "bring your patients to one of our clinics"
        r"\b(?:provide|offer|deliver|do)\w* (?:KAP|ketamine[- ]assisted (?:psycho)?therapy) (?:to|for|with) (?:your|their) "
        r"(?:own )?(?:patients|clients)\b|\bbring (?:your|their) (?:own )?(?:patients|clients)\b|"
        r"\b(?:complement|support|fit (?:with|into)|add to|integrate with) your (?:own )?(?:work|practice|therapy|sessions)\b|"
        r"\b(?:with|into) (?:the client['’]s |the patient['’]s |their |your )?ongoing (?:psycho)?therapy\b|"
        r"\balongside (?:the client['’]s|the patient['’]s|their|your) ongoing (?:psycho)?therapy\b", 1.0,
        says="said to the referring clinician: the therapy stays with them"),
)
# A page written for therapists or referring clinicians (its title or headline says so).
FOR_REFERRERS = prefiltered(
    r"\b(?:clinician|therapist)s?['’]? referral guide\b|\brefer(?:ring)? a client\b|"
    r"\bfor (?:referring |collaborating )?(?:therapists|psychotherapists|counsell?ors|mental health (?:professionals|"
    r"providers|clinicians))\b|\breferring (?:clinicians|therapists|psychotherapists)\b|"
    r"\b(?:KAP|collaborating) therapists?\b|\btherapist requirements\b",
    re.I,
)

# A negation that governs an offer ("we do not offer", "no longer offers", "is not approved",
# "we are not a psychotherapy practice"), not any "not" in a sentence ("symptoms that have not eased").
NEGATION_CUES = CueTable(
    cue("negated.do-not-offer", "negated",
        # "we don't simply offer KAT as an add-on": a hedge, not a denial
        r"(?:\b(?:not|no longer|never|neither|cannot)|n['’]t)\b(?!\s+(?:simply|just|merely|only)\b)(?:\s+[\w-]+){0,3}?\s+"
        r"(?:offer\w*|provid\w*|use|using|"
        r"give|giving|administer\w*|prescrib\w*|run|accept\w*|includ\w*|perform\w*|available|approved|part of|"
        r"carry|sell\w*)\b|" + _OFFERS_NONE, 1.0,
        says="an offer denied ('we do not offer KAP', 'we offer no guarantee')"),
    cue("negated.not-something-we-do", "negated",
        r"\b(?:is|are) not (?:something|a service|an option|a treatment|a route) (?:that )?(?:we|I)\b", 1.0,
        says="'is not something we provide'"),
    cue("negated.not-a-practice", "negated",
        r"\b(?:(?:is|are|am|'re|’re)\s+not|neither of us is|none of us (?:is|are))\s+(?:an?\s+)?(?:[\w-]+\s+){0,3}?"
        r"(?:practice|clinic|provider|therapists?|psychotherapists?|psychiatrists?|psychologists?)\b", 1.0,
        says="what the provider is not ('we are not a psychotherapy practice')"),
    cue("negated.discontinued", "negated",
        r"\b(?:discontinued|stopped (?:offering|providing|giving)|phased out|ceased|no longer)\b|" + _PRACTICE_CLOSED + "|"
        r"\b(?:program|service|clinic|track|offering)s? (?:has|have|was|were|is|are) (?:now )?(?:closed|ended|paused|"
        r"suspended|shut down|wound down|been (?:closed|ended|paused|suspended|shut down))\b|"
        r"\b(?:closed|ended|paused|suspended|shut down|wound down) (?:our|its|the|their) (?:[\w-]+ ){0,3}"
        r"(?:program|service|track|clinic)s?\b|"
        r"\b(?:began|started|begun)\b[^.;,]{0,25}?\b(?:with|offering|by offering)\b[^.;]{0,60}\b(?:moved on|stopped|switched|"
        r"discontinued|moved away)\b", 1.0, says="a service discontinued ('no longer offers Spravato')"),
    cue("negated.there-is-no", "negated", r"\bthere (?:is|are) no\b", 1.0, says="'there is no ...'"),
    cue("negated.no-coordination", "negated",
        r"(?:\b(?:not|never)|n['’]t)\b(?:\s+[\w-]+){0,2}?\s+(?:arrang\w*|coordinat\w*|communicat\w*|collaborat\w*|"
        r"require\w*)\b[^.;]{0,50}\b(?:(?:psycho)?therap\w*|counsel\w*|mental health)", 1.0,
        says="therapy neither arranged nor coordinated ('we do not coordinate with therapists')"),
)
# "not offered to couples", "never given on its own": a restriction on an offer, not a denial.
RESTRICTION = prefiltered(
    r"\b(?:to|for) (?:couples|minors|children|anyone|patients who|people who|those who|everyone|teens|adolescents|"
    r"pregnant)\b|\b(?:on its own|by itself|alone|in isolation|without (?:a|an|the|your|medical|monitoring))\b|"
    r"\b(?:not|never) (?:\w+ ){0,2}(?:every|all) (?:patients?|clients?)\b",
    re.I,
)
# Comparisons between two of the provider's own offers, and claims that are not offers at all.
NOT_A_DENIAL = prefiltered(
    r"\b(?:replace\w*|substitute\w*|instead of|cure|guarantee\w*|promise\w*|sales decision|addictive|habit-forming|"
    r"a medication you take home|a typical|an ordinary)\b",
    re.I,
)
EXCEPTIONS = prefiltered(r"\b(?:beyond|other than|except|apart from|besides|outside of)\b", re.I)
PASSIVE_NEGATION = prefiltered(
    r"\b(?:is|are|was|were)\b.{0,14}\b(?:offered|provided|available|given|administered|used|carried)\b", re.I
)
NOT_A_THERAPY_PRACTICE = prefiltered(
    r"\b(?:psychotherapy|psychology|psychological|psychiatric|therapy|counsell?ing) practice\b|\bpsychologists?\b|"
    r"\bpsychotherapists?\b|\btherapists?\b|\bpsychotherapy\b|\btherapy\b",
    re.I,
)

# The voice of publishing, research, listings, societies and vendors. Each counts once per
# site per cue, up to PUBLISHER_CAP, so a long article does not outweigh itself.
# Another practice's own words, as a writer cites them: "their website", "the center's brochure".
_ANOTHERS_PAGE = (
    r"(?:their|its|his|her|the(?: [\w'’-]+){0,3}?['’]s?) (?:web ?site|web page|home ?page|brochure|ad|advert|"
    r"advertisement)s?"
)
PUBLISHER_CUES = CueTable(
    cue("publisher.byline", "publisher", r"^(?:By|Written by|Writer:|Author:|Story by)\s+[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)+",
        0.5, says="an author's byline", flags=0),
    cue("publisher.journal-heading", "publisher", r"^(?:Abstract|Keywords?)\b:?", 1.0,
        says="journal apparatus (an abstract, keywords)"),
    cue("publisher.journal", "publisher",
        r"\bPMID\b|\bPMC\d|\bdoi:|\bISSN\b|\bpeer[- ]reviewed\b|\bcorresponding author\b|"
        r"\bthis (?:study|review|paper|article|report) (?:examines|describes|reports|reviews|explores)\b|"
        r"\b(?:we|the authors) (?:review|report|describe|present|examined|analy[sz]ed) (?:the (?:literature|progress|"
        r"case|cases|data|findings|results|outcomes)|our (?:experience|findings|results|data)|\d+|a (?:case|series|"
        r"retrospective)|(?:two|three|four|five|six|seven|eight|nine|ten|\d+) (?:\w+ )?(?:patients|adults|cases|"
        r"participants|subjects))|\b(?:case (?:series|reports?)|these cases (?:illustrate|show|suggest|demonstrate|highlight)|"
        r"poster (?:session|\d+)|abstract book|"
        r"annual meeting|proceedings of|symposium)\b", 1.0,
        says="journal apparatus (abstract, references, 'et al.')"),
    cue("publisher.citations", "publisher", r"\bet al\b", 0.3, says="cited studies (clinics cite research too)"),
    cue("publisher.references", "publisher", r"^(?:References?|Citations?|Sources?)\b:?", 0.3,
        says="a list of references (clinics cite research too)"),
    cue("publisher.research", "publisher",
        r"\b(?:study drugs?|study medications?|eligibility (?:criteria|module)|inclusion criteria|"
        r"exclusion criteria|study participants|(?:enroll(?:ing)?|recruiting) (?:participants|volunteers|patients)|"
        r"NCT\d{8}|now recruiting|principal investigator|placebo[- ]controlled|healthy volunteers|"
        r"the study population|study (?:staff|team|visits?|doctors?|procedures|coordinators?)|compensation for (?:your )?time|"
        r"(?:take part|participate|enroll) in (?:a |our |this |the )?(?:paid )?(?:[\w-]+ )?(?:research )?(?:study|trial)|"
        r"join (?:a |our |this |the )?(?:paid )?(?:[\w-]+ )?(?:research )?(?:study|trial)|paid (?:research )?(?:study|trial))\b", 1.0,
        says="research or trial listing"),
    cue("publisher.payer-policy", "publisher",
        # an insurer's coverage policy: "is considered medically necessary when every item below is met"
        r"\b(?:may be|is|are|will be) considered (?:medically necessary|investigational|experimental)\b|"
        r"\b(?:the )?member['’]s (?:benefit|health|medical) (?:plan|coverage|contract)\b|"
        r"\bmembers (?:should|must|can|may) (?:check|call|contact|confirm) (?:with )?their\b|"
        r"\b(?:this|the) (?:medical|coverage|clinical|pharmacy) (?:policy|bulletin)\b", 1.0,
        says="an insurer's coverage policy"),
    cue("publisher.news", "publisher",
        r"\bas-told-to\b|\btold (?:\w+ ){0,2}(?:Insider|reporters?|(?-i:The [A-Z]\w+))|\bsaid in (?:a|an) (?:statement|"
        r"interview)\b|\binterview(?:ed|s)? (?:with|by)\b|\btranscribed\b|\bedited for (?:length|clarity)\b|"
        r"\bnewsroom\b|\breporters?\b|\bjournalists?\b|\beditor['’]?s? note\b|~ ed\.|"
        r"\beditorial (?:process|standards|policy|guidelines|team|contact|independence)\b|\bfact[- ]check(?:ing|ed|ers?)?\b|"
        r"\bwe wrote this (?:post|article|piece)\b|\b(?:written|published|produced|brought to you) in partnership "
        r"with\b|\bsponsored (?:content|post)\b|\b(?:post|article|story|piece|content) (?:is|was) sponsored by\b|"
        r"\badvertorial\b|\{Partner\}|"
        r"\bmore stories\b|\bshare this (?:article|story)\b|\brelated (?:stories|articles|coverage)\b|"
        r"\bstaff (?:writer|reporter)\b|\bcontributing (?:writer|editor)\b", 1.0, says="news or magazine voice"),
    cue("publisher.advertisement", "publisher", r"^Advertisement$", 1.0, says="a news page's advertisement slot"),
    cue("publisher.quoted", "publisher",
        # "Having said that", "That said": a turn of phrase, no one quoted
        r"\b(?!(?:Having|That|This|It|Needless|As|Which|What|Who)\b)(?:Dr\.? )?[A-Z][a-z]+(?: [A-Z][a-z]+)?,? "
        r"(?:said|says|told|recalled|wrote)\b|\b(?:said|says|told|recalled) "
        r"(?:Dr\.? )?[A-Z][a-z]+ [A-Z][a-z]+", 0.5, says="people quoted by a reporter", flags=0),
    cue("publisher.vetting-guide", "publisher",
        # the reader told how to choose among clinics: "questions to ask any ketamine provider",
        # "vet any ketamine clinic", "walk away from any provider that promises a cure"
        r"\b(?:vet|vetting|interview|interviewing|evaluate|evaluating) (?:any|a|an|the|your|potential|prospective) "
        r"(?:[\w-]+ ){0,2}(?:clinics?|providers?|practices?|prescribers?|therapists?)\b|"
        r"\bquestions (?:to|you should) ask (?:any|a|an|the|your|each|potential|prospective) (?:[\w-]+ ){0,2}(?:clinics?|"
        r"providers?|practices?|prescribers?|therapists?)\b|"
        r"\b(?:before you book|walk away from|steer clear of) (?:any|a) (?:[\w-]+ ){0,2}(?:clinic|provider|practice)\b|"
        r"\b(?:good|reputable|worrying|careful) clinics (?:have|will|should|take|do|offer)\b", 0.8,
        says="advice on choosing among clinics, written for the patient choosing"),
    cue("publisher.patient-account", "publisher",
        # a patient writing of their own care: "my psychiatrist suggested", "my first infusion",
        # "I've now had six treatments"; a practice says "our" of its clinicians, not "my"
        # (a visitor's question, "Will you talk to my therapist?", is an FAQ's, not an account)
        r"(?:\b(?-i:[Mm]y) (?:own )?(?:doctor|psychiatrist|therapist|psychotherapist|prescriber|GP|counsell?or)\b|"
        r"\b(?-i:[Mm]y) (?:first|second|third|fourth|fifth|sixth|last|latest|next) (?:ketamine )?(?:infusion|treatment|"
        r"session|dose|lozenge|journey)s?\b|"
        r"(?<![\w'’])(?-i:I)(?:'ve|’ve| have)? (?:now )?(?:had|started|began|received|tried) (?:my |a |\w+ )?(?:ketamine|"
        r"infusions?|treatments?|lozenges?|sessions?|Spravato)\b)(?![^.!?]*\?)", 0.5,
        says="a patient's own account of their care"),
    cue("publisher.reports-a-clinic", "publisher",
        # a reporter's third person about a practice: "clinic founders believe", "practice owners say",
        # "the Harwick Clinic in Duluth has become the first provider in the region to ..."
        r"\b(?:clinic|practice|centre|center|hospital|company)(?:['’]s)? (?:directors?|founders?|owners?|bosses|officials?|"
        r"spokes(?:man|woman|person)|leaders?) (?:hope|hopes|say|says|said|believe|believes|claim|claims|expect|expects|"
        r"warn|warns|warned|told)\b|"
        r"\b(?-i:[Tt]he (?:[A-Z][\w'’&-]* ){1,4}(?:Clinic|Centre|Center|Practice|Hospital) in "
        r"[A-Z][\w-]+(?: [A-Z][\w-]+)?) "
        r"(?:has|have) (?:become|opened|begun|started|launched)\b", 1.0,
        says="a reporter telling of a practice in the third person"),
    cue("publisher.reports-a-website", "publisher",
        # "Their website says the journey lasts 30-50 minutes", "according to the center's website"
        r"\b" + _ANOTHERS_PAGE + r" (?:says|said|states|stated|claims|claimed|describes|described|lists|listed|promises|"
        r"promised|notes|noted|explains|explained)\b|\baccording to " + _ANOTHERS_PAGE + r"\b", 1.0,
        says="a writer reporting what another practice's website says"),
    cue("publisher.directory", "publisher",
        r"\b(?:director(?:y|ies)|listings|(?:a|your|our|the|free) listing\b|practitioner profiles?|provider profiles?|profile page|"
        # a guide to choosing among the providers it lists: "a shortlist of candidate clinics", "the Clinics by State page"
        r"short[- ]?list(?: of)?(?: candidate)? (?:providers|clinics)|(?:providers|clinics) by (?:state|city|region)|"
        r"candidate (?:providers|clinics)|"
        r"(?:find|locate) (?:a|an|the right|your) (?:(?:certified|treatment|nearby|local) )?(?:provider|clinic|therapist|"
        r"practitioner|ketamine|cent(?:er|re))|near (?:you|where you live)|browse (?:by|all)|"
        r"browse (?:\w+ )?(?:clinics|providers|cent(?:er|re)s|practitioners|therapists)|"
        # a guide to choosing among clinics: "How to find the best ketamine therapy clinics"
        r"(?:find|choos\w*|pick\w*|compar\w*) (?:the )?(?:best|right|top|safest) (?:[\w-]+ ){0,3}(?:clinics|providers|"
        r"cent(?:er|re)s)|"
        # the reader choosing a clinic elsewhere: "Find the ketamine telehealth clinic that suits you!",
        # "your telehealth clinic will ship a treatment kit"
        r"(?:find|locate|choose|pick) (?:a|an|the|your) (?:[\w-]+ ){0,3}(?:provider|clinic|program|cent(?:er|re))\b[^.;]{0,20}"
        r"\b(?:that|which|who) (?:suits|fits|is right for|works (?:best )?for|meets) (?:you|your)|"
        r"your (?:(?:chosen|new|local|telehealth|online|virtual|ketamine) ){1,2}(?:clinic|provider) (?:will|should|may|can)\b|"
        r"(?:collects|lists|brings together|gathers|unites|connects (?:you|individuals|people) with)\b[^.;]{0,50}"
        r"\b(?:providers|clinics|practitioners|therapists|clinicians|cent(?:er|re)s)|providers (?:across|throughout)|"
        r"network of (?:[\w-]+ ){0,3}(?:providers|clinics|practitioners|therapists)|vetted (?:providers|clinics|"
        r"practitioners)|(?:join|joining|into|come to) (?:our|its|the) (?:provider )?network\b|providers? agrees?\b|"
        r"claim (?:your|this) "
        r"(?:listing|profile)|list your practice|get listed)\b", 1.0, says="a directory or listing"),
    cue("publisher.society", "publisher",
        r"\b(?:position statement|our members|members of (?:the|our)|member(?:ship)? (?:benefits|directory)|"
        r"(?:professional )?(?:association|society|college|academy) (?:of|for)\b|scope of practice|"
        r"standards of practice|professional standards)\b", 1.0, says="a professional society"),
    cue("publisher.training", "publisher",
        r"\b(?:certificate|certification) (?:programs?|courses?)|\bCE (?:hours|credits)|\bCME credits?|"
        r"continuing education|\btuition\b|\btrainings? (?:for|of) (?:[\w-]+ )?(?:clinicians|therapists|psychotherapists|"
        r"practitioners|providers)\b|\btraining (?:programs?|courses?|cent(?:er|re)s?)\b|"
        r"\benroll in (?:our|the) (?:training|course)|\b(?:our|the) trainees\b|"
        r"\b(?:graduates|trainees|students) (?:\w+ ){0,3}(?:offer|provide|practice|use|bring)\b|"
        r"\b(?:the|our|a|this) (?:[\w-]+ ){0,2}?(?:course|curriculum|training|certificate)\b[^.;]{0,30}\b(?:teaches|covers|"
        r"prepares|invites|trains)\b|"
        # "this program prepares licensed counselors", "our program shows physicians and therapists how to"
        r"\b(?:the|our|a|this) (?:[\w-]+ ){0,2}?program (?:trains|prepares|teaches|shows|equips) (?:[\w-]+ ){0,2}?"
        r"(?:clinicians|counsel(?:l)?ors|therapists|psychotherapists|psychologists|physicians|practitioners|nurses|"
        r"providers|professionals)\b|"
        r"\bbecome an? (?:certified|trained|qualified) (?:[\w-]+ ){0,3}(?:therapists?|practitioners?|facilitators?|"
        r"providers?|clinicians?|guides?)\b", 0.8,
        says="a training course for clinicians"),
    cue("publisher.vendor", "publisher",
        r"\b(?:for (?:clinics|practices) like yours|grow your practice|practice management|"
        # written to clinic owners: "how does your clinic measure up", "strengthen your practice"
        r"(?:how does|does) your (?:clinic|practice)\b|(?:strengthen|improve|benchmark) your (?:clinic|practice)\b|"
        r"(?:guide|checklist|toolkit) for (?:ketamine )?(?:clinicians|clinics|providers)\b|"
        r"for (?:[\w-]+ )?(?:ketamine|infusion|IV|"
        r"KAP|psychedelic) (?:clinics|practices|providers)|(?:software|platform|EHR|EMR|electronic (?:health|medical) records?|"
        r"charting|billing|app)\b[^.;]{0,40}"
        r"\b(?:for|built for|designed for|made for) (?:[\w-]+ ){0,5}(?:clinics|practices|providers|clinicians)|"
        r"(?:request|book|schedule|get) a (?:free )?demo(?:nstration)?\b|(?:medical|clinic|practice) software\b|"
        r"contact sales|free trial|per (?:seat|user|provider|location)|"
        r"HIPAA[- ]compliant (?:platform|software|EHR|app)|"
        r"for licensed (?:therapists|clinicians|providers)|"
        r"(?:our|the) (?:software|platform|EHR) (?:for|helps)|wholesale|distributors?|"
        # the reader owns the clinic: "everything you need to open or grow a ketamine clinic", "market your clinic"
        r"\byou\b[^.;]{0,30}\b(?:to )?(?:open|start|launch|grow|run|scale)(?:ing)?(?: (?:or|and) \w+)? (?:a|an|your) (?:own )?"
        r"(?:[\w-]+ ){0,2}(?:clinic|practice)\b|\b(?:own|owns|owning) and operat\w+ (?:a|an) (?:[\w-]+ ){0,2}clinic\b|"
        r"\b(?:strategy|discovery) call\b|"
        # "How to Become a Certified Esketamine Treatment Center", "practices that want to become treatment centers"
        r"\bhow to become an? (?:[\w-]+ ){0,3}(?:cent(?:er|re)|clinic|provider|practice)\b|"
        # a guide to founding one: "How to Launch an IV Ketamine Clinic", "starting a new esketamine practice"
        r"\b(?:how to (?:start|launch|open)|starting|launching) an? (?:successful |new )?(?:[\w-]+ ){0,2}(?:clinic|practice)\b|"
        r"\b(?:our|the) (?:[\w-]+ ){0,2}courses\b|\bcourse advisors?\b|"
        r"\b(?:practices|clinics|providers) (?:that|who) (?:want|wish|plan|hope) to become\b|"
        r"\b(?:market|grow|scale|run|launch|open|start|staff|equip) your (?:own )?(?:[\w-]+ ){0,2}(?:clinic|practice)\b|"
        r"for your (?:clinic|practice)|(?:dosage forms|what) we (?:can )?compound|"
        # the reader runs the treatment center: "referred patients at your certified treatment center"
        r"\byour (?:[\w-]+ ){0,2}treatment cent(?:er|re)s?\b|"
        # a pharmacy's terms: made "on a prescriber's written order", "when a licensed prescriber sends us an order"
        r"\bon (?:the |an? )?(?:written |signed )?orders? of (?:a |an |the )?(?:licensed )?(?:prescriber|physician|clinician)|"
        r"\bon (?:a|the|your) (?:licensed )?prescriber['’]s (?:written |signed )?(?:order|prescription)|"
        r"\bwhen (?:a|your) (?:licensed )?prescriber (?:sends|faxes|orders)\b|"
        r"\b(?:we|I)\b[^.;]{0,20}\b(?:compound|dispense|fill) (?:(?!out\b)\w+ )?(?:prescriptions|ketamine)|"
        r"\b(?:fills|dispenses|compounds) (?:(?!out\b)\w+ )?(?:prescriptions|ketamine)\b|your (?:EHR|EMR|charting (?:system|software)|practice management|"
        r"(?:clinic|practice)(?:['’]s)? (?:workflow|revenue|software|staff))|"
        r"(?:the|a) (?:\w+ )?(?:EHR|EMR)\b[^.;]{0,40}\b(?:should|must|needs to)\b)\b", 0.8,
        says="selling to clinics rather than treating patients"),
    cue("publisher.not-a-provider", "publisher",
        r"\b(?:we|I)(?:'re|’re| are| am|'m|’m) not an? (?:\w+ ){0,2}"
        r"(?:clinic|medical practice|treatment (?:center|provider)|(?:health ?care |medical )?provider)\b|\bnot a clinic\b|"
        r"\b(?:we|I) (?:do not|don't|don’t|cannot|can't|can’t) (?:sell|treat patients|see patients|endorse|"
        r"provide (?:any )?(?:medical |clinical )?(?:care|treatment|services))\b"
        r"(?! (?:under|younger|over|older|who|with|for|in|at|on)\b)|\bdoes not endorse\b|"
        # "Ridgeline does not prescribe ketamine or see patients": one who neither prescribes nor treats
        r"\b(?:does|do) not (?:(?:prescribe|evaluate|examine|diagnose|see|treat|dispense)(?: ketamine| medications?)?"
        r"(?:,| or| and|, or) )+(?:evaluate|examine|diagnose|see|treat) (?:patients|anyone)\b"
        r"(?! (?:under|younger|over|older|who|with|in|at|on)\b)|"
        # "The program does not treat patients": an agency, a registry, a maker
        r"\b(?:does|do) not (?:treat|see|examine) (?:patients|anyone)\b"
        r"(?! (?:under|younger|over|older|who|whose|with|for|in|at|on|from|until|before|after)\b)|"
        r"\b(?:does|do) not (?:provide|offer) (?:any )?(?:medical |clinical )?(?:care|treatment|services) to (?:the public|"
        r"patients)\b|\bdoes not (?:provide|offer|deliver|give) (?:any )?(?:medical |clinical )?(?:care|treatment)"
        r"(?:,| or| nor|\.|$)|"
        r"(?<![\w'’])I (?:do not|don't|don’t) (?:provide|offer)\b[^.;]{0,40}\b(?:ketamine|KAP)\b|"
        r"\b(?:ketamine|KAP)\b[^.]{0,80}\b(?:I|we) (?:do not|don't|don’t) (?:provide|offer|prescribe|administer) "
        r"(?:it|this|them|that)\b|(?<![\w'’])I(?:'m|’m| am) not (?:trained|certified|licensed) (?:in|to (?:provide|offer)) "
        r"(?:ketamine|KAP)|"
        r"\bnot medical advice\b|"
        # a disclaimer ("this page is for informational purposes only"), not "happy to talk, just for educational purposes"
        r"\bfor (?:general )?(?:educational|informational)(?: and (?:educational|informational))? purposes(?: only\b| and "
        r"(?:is |are |does |do )?not\b)|\b(?:is|are|been) (?:\w+ ){0,2}?for (?:general )?(?:educational|informational) "
        r"purposes\b|\bhealth information resource\b|"
        r"\bofficial website of\b|\bfor education(?:al purposes)? only\b|\b(?:an )?independent (?:guide|resource|"
        r"review|comparison)\b|\bwritten by (?:\w+ )?(?:writers|journalists|editors)\b|\b(?:we|I) (?:do not|don't|"
        r"don’t) accept (?:payment|money|advertising) from\b|\bnot affiliated with any\b", 1.5,
        says="the site says it gives no care"),
    cue("publisher.affiliate-review", "publisher",
        r"\b(?:earn|receive|get|make) (?:a )?(?:small )?(?:commissions?|referral fees?)\b|\baffiliate (?:links?|partners?|"
        r"commissions?|disclosure|relationships?)\b|\breader[- ]supported\b|\bmay be compensated\b|"
        r"\bhow we (?:review|rate|rank|test|score|chose|choose|pick|picked|evaluate|compare)d?\b|"
        r"\b(?:scoring|rating|ranking|review) (?:criteria|methodology|rubric)\b|"
        r"\b(?:the )?best (?:(?:at-home|online|telehealth|virtual|IV|ketamine) )+(?:programs|clinics|companies|providers|"
        r"services|options) (?:of|in|for) (?:20\d\d|the year)\b|\bour (?:top )?picks?\b", 1.0,
        says="a review or affiliate site ranking programs"),
    cue("publisher.funds-care", "publisher",
        r"\b(?:treatment|care|therapy) grants?\b|\bgrants? (?:of|cover|covers|toward|towards|for|to)\b[^.;]{0,40}"
        r"\b(?:treatment|ketamine|therapy|infusions?|sessions?|psychotherapy)\b|\b(?:subsidi[sz]\w*|pays? for|funds?|"
        r"funding)\b[^.;]{0,40}\b(?:treatment|ketamine|sessions|therapy|infusions|care)\b[^.;]{0,40}\b(?:at|by|with|from|"
        r"delivered by|given by) (?:one of )?(?:our |its |the )?(?:partner|participating|independent|other|member) "
        r"(?:clinics|practices|practitioners|providers)\b|\bpaid directly to the (?:clinic|practice|provider)\b|"
        r"\bsubsidi[sz]\w* (?:\w+ )?(?:treatment|therapy|KAP|ketamine) sessions\b|"
        r"\bthe (?:fund|foundation|grant)(?:'s)? (?:pays|covers|will pay|will cover|reimburses)\b", 1.0,
        says="paying for care that others give (a fund or grant program)"),
    cue("publisher.research-voice", "publisher",
        r"\b(?:researchers?|research team|study participants|the study|published (?:today|in)|this (?:[\w-]+ )?article|this piece|"
        r"in this blog|podcast|broadcast|listen live)\b", 0.5, says="reporting on research"),
)
PUBLISHER_CAP = 3.0  # most one cue can count on one site
# A page that is a listing or profile of someone else: its offers are not the site's.
FOREIGN_PAGE = prefiltered(
    r"^(?:\S+ ){0,10}?(?:[\w'’-]+ )?(?:profile|listing|directory|find a \w+|near me|reviews? of)\b(?:\S+ ?){0,6}$", re.I
)

# Generic explanation of ketamine: the drug as the subject, research, history and statistics.
EXPLAINER_CUES = CueTable(
    cue("explainer.drug-as-subject", "explainer",
        r"^(?:an? |the )?(?:(?:low[- ]dose |racemic |ordinary |oral |IV |intravenous )?(?:es)?ketamine|spravato|KAP|it|"
        r"(?:this|the) (?:medication|treatment|drug|medicine|therapy)|(?:ketamine|IV|infusion) (?:therapy|infusions?|"
        r"treatment))"
        r"(?:[®™]|,[^,]{0,60},)?\s+(?:is|was|has|had|works|acts|can|may|might|helps|appears|carries|binds|sets|calls|"
        r"requires|needs|takes|lasts|costs|comes|"
        r"stands|differs|makes|holds|causes|opens|brings|rewrites|outperforms|marks|encourages|targets|relies|"
        r"consists|means|combines|lets|affects|blocks|increases|reduces|eases|sends|attaches|first|spent|stayed|"
        r"started|became|gained|entered|does|did|offers|delivers|improves)\b",
        1.0, says="the drug as the subject"),
    cue("explainer.research", "explainer",
        r"\b(?:stud(?:y|ies)|research|trials?|evidence|literature|scientists|experts|data)\b[^.;]{0,40}\b(?:show\w*|"
        r"suggest\w*|found|find|indicat\w*|demonstrat\w*|support\w*|report\w*|say)\b|\baccording to\b|"
        r"\b\d{1,3}(?:\.\d)?\s?%|\bFDA\b|\bin (?:19|20)\d\d\b|\bapproved\b|"
        r"\b(?:evidence|data) (?:that|of|for)\b|\b(?:has|have) been (?:shown|found|proven|reported) to\b", 1.0,
        says="research, history or statistics"),
    cue("explainer.effects", "explainer",
        r"\bside effects? (?:include|may include|can include|are|of)\b|\bneuroplasticity\b|"
        r"\b(?:the )?(?:effects?|benefits?) of (?:ketamine|esketamine|the (?:medicine|medication|drug))\b|"
        r"\beffects? on (?:mood|the brain)\b", 1.0,
        says="what the drug does (its effects, side effects, neuroplasticity)"),
    cue("explainer.generic-people", "explainer",
        r"\b(?:many|some|most) (?:people|patients|providers|clinics|physicians|doctors)\b|\b(?:people|anyone) "
        r"(?:with|who)\b|\bmental health professionals\b", 0.5, says="people in general"),
)


# Readings the classifier makes from more than one clause's wording (where a sentence sits,
# the site's name, its structured data, a page's title) or when no cue fired: named here too,
# so every piece of evidence traces back to an entry of this module.
def _reading(name: str, role: str, weight: float, says: str) -> Cue:
    return Cue(name, role, prefiltered(r"."), weight, ANYWHERE, says)


READINGS: dict[str, Cue] = {
    c.name: c
    for c in (
        _reading("offer.brand-voice", "offer", 1.0, "the practice named as the one who does it ('<Clinic> offers...')"),
        _reading("offer.named-practice", "offer", 0.5, "a practice named in the text, not the site's own name"),
        _reading("offer.lead-in-list", "offer", 0.9, "a list introduced by the provider ('A round involves:')"),
        _reading("offer.tagline", "offer", 0.75, "the tagline under the headline, naming what is treated"),
        _reading("offer.coming-soon", "offer", 1.0, "ketamine care the provider says is still to come ('coming soon')"),
        _reading("offer.first-person-mention", "offer", 0.3, "the provider speaking in the first person"),
        _reading("own-therapy.partner-prescriber", "own-therapy", 0.5, "a therapist working with a partner prescriber"),
        _reading("own-therapy.team-page", "own-therapy", 0.9, "licensed therapists on the team page beside the prescriber"),
        _reading("outside-therapy.page-for-referrers", "outside-therapy", 0.8, "a page written for referring therapists"),
        _reading("provider.ketamine-name", "provider", 0.9, "a practice named for ketamine or infusions"),
        _reading("provider.ketamine-page", "provider", 0.3, "a page of the practice named for its ketamine care"),
        _reading("provider.structured-data", "provider", 0.5, "structured data describing a clinic or practice"),
        _reading("provider.phone-or-booking", "provider", 0.3, "a phone link or a booking button"),
        _reading("provider.host-name", "provider", 0.4, "a web address named like a practice"),
        _reading("provider.practice-name", "provider", 0.4, "a site named like a medical practice ('... Mood Clinic')"),
        _reading("provider.first-person", "provider", 1.0, "the provider speaking as 'we' of its own care"),
        _reading("service.page-about-route", "offer", 0.5, "a page of the practice named for the route"),
        _reading("service.reader-asks", "offer", 0.75,
                 "a patient's question on the practice's page about the route it gives ('disqualify me for infusions?')"),
        _reading("publisher.media-name", "publisher", 1.5, "a site named as news, a journal, a society, a guide or a pharmacy"),
        _reading("publisher.host-name", "publisher", 1.0, "a web address named like a publisher, a school or a listing"),
        _reading("publisher.listing-page", "publisher", 1.5, "a profile or listing page of someone else"),
        _reading("publisher.structured-data", "publisher", 1.0, "structured data describing an article or a study"),
        _reading("publisher.interview-turn", "publisher", 0.5, "turns of an interview or a comment thread"),
        _reading("publisher.site", "publisher", 0.0, "part of a site that reads as a publisher"),
        _reading("condition.listed", "offer", 0.5, "a condition listed under a heading such as 'What we treat'"),
        _reading("condition.named", "other", 0.4, "a condition named near the treatment"),
        _reading("service.named", "offer", 0.5, "a service named beside an offer"),
        _reading("service.therapy-listed", "offer", 1.0, "psychotherapy listed as a service of its own"),
        _reading("service.therapy-headed", "offer", 0.5,
                 "the practice's own psychotherapy under a heading of its own, on a page that also heads the ketamine"),
        _reading("ketamine.mentioned", "explainer", 0.1, "ketamine mentioned without an offer"),
        _reading("therapy.mentioned", "other", 1.0, "therapy mentioned"),
    )
}
TABLES = (
    OFFER_CUES, LOGISTICS_CUES, MEDICAL_MODEL_CUES, OWN_THERAPY_CUES, OUTSIDE_THERAPY_CUES, NEGATION_CUES, PUBLISHER_CUES,
    EXPLAINER_CUES,
)
CUES_BY_NAME: dict[str, Cue] = {c.name: c for table in TABLES for c in table} | READINGS


def describe(rule: str) -> str:
    """A cue in a reader's words: "offer: procedure text in the passive"."""
    found = CUES_BY_NAME.get(rule)
    return f"{ROLE_WORDS.get(found.role, found.role)}: {found.says}" if found else rule


# How a piece of evidence bears on the decision it is shown with: for it, against it, or
# context (the services, conditions and everything else weighed). "against:..." signals are
# always against; these are the signals that argue for each modality, and those that argue
# for another one.
FOR_MODALITY: dict[str, frozenset[str]] = {
    "kap": frozenset({"kap", "kap-offer", "kap-team", "kap-loose"}),
    "adjunctive-referral": frozenset({"adjunctive-referral"}),
    "infusion-only": frozenset({"medical-ketamine"}),
    "unclear": frozenset({"provider", "identity"}),
    "not-a-provider": frozenset({"not-a-provider", "denial", "ketamine-talk"}),
}
AGAINST_MODALITY: dict[str, frozenset[str]] = {
    "kap": frozenset({"adjunctive-referral", "not-a-provider"}),
    "adjunctive-referral": frozenset({"kap", "kap-offer", "kap-team", "not-a-provider"}),
    "infusion-only": frozenset({"kap", "kap-offer", "kap-team", "adjunctive-referral", "not-a-provider"}),
    "unclear": frozenset({"not-a-provider"}),
    "not-a-provider": frozenset({"provider", "identity", "kap", "kap-offer", "adjunctive-referral", "medical-ketamine"}),
}


def stance(modality: str, supports: str) -> str:
    """'for', 'against' or 'context': what a piece of evidence says of the modality."""
    if supports == modality or supports in FOR_MODALITY.get(modality, ()):
        return "for"
    if supports.startswith("against:") or supports in AGAINST_MODALITY.get(modality, ()):
        return "against"
    return "context"
