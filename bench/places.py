"""Real US places for synthetic clinics, from the zipcodes gazetteer ketadir already uses.

Real ZIPs matter: ketadir checks addresses against the gazetteer and indexes city aliases and
centroids, so made-up places would skip work a real crawl does. Nashville is over-weighted
so the benchmark queries ("--city Nashville") have something to find at every size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

import zipcodes

POOL_SIZE = 400
FOCUS = ("Nashville", "TN", "37203")
FOCUS_SHARE = 0.03


@dataclass(frozen=True)
class Place:
    city: str
    state: str
    zip: str


@cache
def place_pool() -> tuple[Place, ...]:
    """A fixed sample of standard ZIPs (same on every run), focus city first."""
    territories = ("PR", "VI", "GU", "AS", "MP")
    rows = sorted(
        (
            z for z in zipcodes.list_all()
            if z["zip_code_type"] == "STANDARD" and z["active"] and z["state"] not in territories
        ),
        key=lambda z: z["zip_code"],
    )
    picked = random.Random("places").sample(rows, POOL_SIZE)
    return (Place(*FOCUS),) + tuple(Place(z["city"].title(), z["state"], z["zip_code"]) for z in picked)


def pick_place(rng: random.Random) -> Place:
    pool = place_pool()
    return pool[0] if rng.random() < FOCUS_SHARE else rng.choice(pool[1:])
