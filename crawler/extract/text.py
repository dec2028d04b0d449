"""Running text as the extractors read it: one sentence splitter for all of them."""

from __future__ import annotations

from crawler.extract.prefilter import prefiltered

# A full stop after one of these ends an abbreviation, not a sentence ("Dr. Lee"); "etc." before a
# capital ends a list and its sentence ("..., therapist, etc. It does not...").
_ABBREV = prefiltered(r"(?:\b(?:Dr|Mr|Mrs|Ms|St|Jr|Sr|vs|e\.g|i\.e|approx|Inc|Ltd|No|U\.S)\.)$")
_SENTENCE_SPLIT = prefiltered(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split a block of text into sentences, keeping abbreviations such as "Dr." intact."""
    parts: list[str] = []
    for piece in _SENTENCE_SPLIT.split(text):
        if parts and _ABBREV.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return [p.strip() for p in parts if p.strip()]
