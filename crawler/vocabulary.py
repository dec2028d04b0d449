"""The directory's words for modalities, services and conditions, as people type them.

"KAP", "Spravato", "IV" and "chronic pain" all name a label of the vocabulary in
crawler.items; this module maps them there, once, for the CLI's options, the query layer and
the labels of `ketadir evaluate`. Light on purpose: `ketadir search` imports it.
"""

from __future__ import annotations

import re

from crawler.items import CONDITIONS, MODALITIES, SERVICES

VOCABULARY: dict[str, tuple[str, ...]] = {"modality": MODALITIES, "service": SERVICES, "condition": CONDITIONS}

# Other names for a label (compared after casefolding, with spaces and underscores as hyphens).
ALIASES: dict[str, dict[str, str]] = {
    "modality": {
        "ketamine-assisted-psychotherapy": "kap",
        "infusion": "infusion-only",
        "infusions": "infusion-only",
        "medical": "infusion-only",
        "referral": "adjunctive-referral",
        "adjunctive": "adjunctive-referral",
        "not-provider": "not-a-provider",
        "non-provider": "not-a-provider",
        "none": "not-a-provider",
    },
    "service": {
        "spravato": "esketamine-nasal",
        "esketamine": "esketamine-nasal",
        "nasal": "esketamine-nasal",
        "nasal-spray": "esketamine-nasal",
        "iv": "iv-infusion",
        "infusion": "iv-infusion",
        "infusions": "iv-infusion",
        "intravenous": "iv-infusion",
        "im": "im-injection",
        "injection": "im-injection",
        "injections": "im-injection",
        "intramuscular": "im-injection",
        "oral": "oral-sublingual",
        "sublingual": "oral-sublingual",
        "lozenge": "oral-sublingual",
        "lozenges": "oral-sublingual",
        "troche": "oral-sublingual",
        "troches": "oral-sublingual",
        "home": "at-home",
        "kap": "kap-individual",
        "individual": "kap-individual",
        "group": "kap-group",
        "therapy": "psychotherapy",
    },
    "condition": {
        "pain": "chronic-pain",
        "post-traumatic-stress": "ptsd",
        "suicidal": "suicidal-ideation",
        "suicidality": "suicidal-ideation",
        "addiction": "substance-use",
        "substance-abuse": "substance-use",
        "eating-disorders": "eating-disorder",
        "bipolar-disorder": "bipolar",
        "migraines": "migraine",
    },
}


def closest(word: str, candidates: list[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates spelled most like word, best first: only those nearly as close as the
    best, so "did you mean" offers the likely and not every distant cousin."""
    import difflib  # only on the way to an error message

    ratios = {c: difflib.SequenceMatcher(None, word, c).ratio() for c in dict.fromkeys(candidates)}
    best = max(ratios.values(), default=0.0)
    return sorted((c for c, r in ratios.items() if r >= max(cutoff, best - 0.05)), key=lambda c: -ratios[c])[:n]


class UnknownTerm(ValueError):
    """A word that names no label of the vocabulary; the message lists the labels."""


def _folded(text: str) -> str:
    return re.sub(r"[\s_]+", "-", text.strip().casefold()).strip("-")


def canonical(kind: str, text: str) -> list[str]:
    """The labels of `kind` ("modality", "service", "condition") that text names: any case,
    aliases ("spravato" -> esketamine-nasal), spaces for hyphens, several joined by commas
    ("kap,infusion-only"). Raises UnknownTerm naming the closest labels."""
    allowed = VOCABULARY[kind]
    labels = []
    for part in text.split(","):
        word = _folded(part)
        if not word:
            continue
        label = word if word in allowed else ALIASES[kind].get(word)
        if label is None:
            close = closest(word, [*allowed, *ALIASES[kind]], n=1)
            hint = f"did you mean {ALIASES[kind].get(close[0], close[0])}? " if close else ""
            raise UnknownTerm(f"unknown {kind} {part.strip()!r}; {hint}choose from {', '.join(allowed)}")
        labels.append(label)
    return list(dict.fromkeys(labels))
