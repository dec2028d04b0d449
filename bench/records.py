"""Synthetic Clinic records for the index and CLI benchmarks, seeded and built without crawling.

Each record looks like what refresh produces: real places (so city aliases and centroids are
computed as for real clinics), services and conditions fitting the modality, and a handful
of evidence sentences that the index folds into its free text.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

from bench import phrases
from bench.places import pick_place
from crawler.items import Clinic, Evidence, Location

_SERVICES = {
    "kap": ("kap-individual", "kap-group", "oral-sublingual", "psychotherapy", "integration", "im-injection"),
    "adjunctive-referral": ("iv-infusion", "im-injection", "esketamine-nasal"),
    "infusion-only": ("iv-infusion", "im-injection", "esketamine-nasal", "oral-sublingual"),
    "unclear": ("iv-infusion",),
    "not-a-provider": (),
}


def _evidence(
    rng: random.Random, modality: str, city: str, conditions: list[str], site: str, count: int
) -> list[Evidence]:
    words = [phrases.CONDITION_WORDS[c] for c in conditions] + ["depression", "anxiety", "pain"]
    out = []
    for template in rng.sample(phrases.OFFERS[modality], min(count, len(phrases.OFFERS[modality]))):
        text = template.format(city=city, condition=words[0], condition2=words[1], condition3=words[2],
                               weekday=rng.choice(phrases.WEEKDAYS), price=450, series=2500, consult=150)
        weight = round(rng.uniform(0.5, 1.0), 2)
        out.append(Evidence(text=text, url=f"http://{site}/services/", supports=modality, weight=weight))
    return out


def clinic(index: int, seed: int = 7) -> Clinic:
    """The index-th synthetic clinic; independent of how many others are made."""
    rng = random.Random(f"{seed}:clinic:{index}")
    modality = rng.choices(list(phrases.MODALITY_WEIGHTS), weights=list(phrases.MODALITY_WEIGHTS.values()))[0]
    name = f"{rng.choice(phrases.NAME_FIRST)} {rng.choice(phrases.NAME_SECOND[modality])}"
    site = f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}-{index:06d}.test"
    locations = []
    for _ in range(1 if rng.random() < 0.8 else rng.randint(2, 3)):
        place = pick_place(rng)
        locations.append(Location(
            street=f"{rng.randint(10, 9899)} {rng.choice(phrases.STREETS)}", city=place.city, state=place.state,
            zip=place.zip, phone=f"({rng.randint(201, 989)}) 555-01{rng.randint(0, 99):02d}", source="text",
            url=f"http://{site}/contact/",
        ))
    conditions = rng.sample(list(phrases.CONDITION_WORDS), rng.randint(2, 5)) if modality != "not-a-provider" else []
    offered = _SERVICES[modality]
    services = rng.sample(offered, rng.randint(1, len(offered))) if offered else []
    serves = [locations[0].state] + rng.sample(["CA", "NY", "TX", "FL", "CO", "WA"], 2) if rng.random() < 0.1 else []
    return Clinic(
        site=site,
        website=f"http://{site}/",
        name=name,
        modality=modality,
        confidence=round(rng.uniform(0.5, 0.98), 2),
        services=services,
        conditions=conditions,
        locations=locations,
        phones=[loc.phone for loc in locations],
        emails=[f"info@{site}"],
        serves_states=serves,
        evidence=_evidence(
            rng, modality, locations[0].city, conditions or ["depression", "anxiety", "ptsd"], site, rng.randint(3, 7)
        ),
        last_crawled="2026-01-15T12:00:00+00:00",
        pages=rng.randint(4, 25),
    )


def clinics(count: int, seed: int = 7) -> list[Clinic]:
    return [clinic(i, seed) for i in range(count)]


def changed(original: Clinic, seed: int = 7) -> Clinic:
    """The same site after a recrawl that changed its evidence, services and date."""
    rng = random.Random(f"{seed}:changed:{original.site}")
    conditions = original.conditions or ["ptsd", "ocd", "migraine"]
    evidence = _evidence(rng, original.modality, original.locations[0].city, conditions, original.site, 4)
    services = sorted(original.services, reverse=True)
    return replace(original, evidence=evidence, services=services, last_crawled="2026-02-01T12:00:00+00:00")
