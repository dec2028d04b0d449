"""The schema.org types of structured data (JSON-LD, microdata): one reader, and the sets of
types that say what an object stands for.

A type may be written as a bare name ("MedicalClinic") or as a URL in the vocabulary
("https://schema.org/MedicalClinic", "http://schema.org/MedicalClinic/"): both are the same
type, and every extractor reads it the same way.
"""

from __future__ import annotations

from typing import Any


def type_names(obj: dict[str, Any]) -> list[str]:
    """The object's types as written, without a vocabulary URL, in order."""
    value = obj.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return [str(v).rstrip("/").rsplit("/", 1)[-1] for v in values]


def types_of(obj: dict[str, Any]) -> set[str]:
    """The object's types in lower case, to compare with the sets below."""
    return {name.lower() for name in type_names(obj)}


# Types a practice gives itself: a site describing itself so is a provider (news sites
# describe themselves as publishers).
PROVIDER_TYPES = frozenset({
    "medicalclinic", "medicalbusiness", "medicalorganization", "physician", "hospital", "localbusiness",
    "professionalservice", "psychologist", "psychiatric", "healthandbeautybusiness", "individualphysician",
})  # fmt: skip

# Types that stand for the practice as an organisation, besides any *Clinic, *Business and
# *Organization (ORGANISATION_SUFFIXES); a Person is left out, since on most sites that is an
# article's author.
ORGANISATION_TYPES = frozenset({
    "physician", "hospital", "psychologist", "psychiatrist", "professionalservice",
    "healthandbeautybusiness", "dayspa", "healthclub", "corporation", "ngo", "store",
})  # fmt: skip
ORGANISATION_SUFFIXES = ("clinic", "business", "organization")

# A page that is one of these is a post or a news story, not a page about the practice.
NEWS_TYPES = frozenset({"newsarticle", "reportage"})
ARTICLE_TYPES = NEWS_TYPES | {"article", "blogposting", "socialmediaposting"}

# Types publishers, researchers and listings give their pages and themselves (a clinic's blog
# post is an Article too, so plain articles are not among them).
PUBLISHER_TYPES = NEWS_TYPES | {
    "scholarlyarticle", "medicalscholarlyarticle", "newsmediaorganization", "researchproject", "medicaltrial",
    "medicalstudy", "dataset", "collectionpage", "itemlist", "periodical", "publicationissue",
    "course", "courseinstance", "educationalorganization", "collegeoruniversity", "educationalevent",
}  # fmt: skip

# Top-level objects that describe someone or something other than the practice: their
# addresses, phones and places are not the practice's.
FOREIGN_TYPES = ARTICLE_TYPES | {
    "event", "review", "jobposting", "person", "product", "course", "book", "videoobject", "imageobject",
    "recipe", "breadcrumblist", "faqpage", "question", "howto",
}  # fmt: skip


def is_organisation(obj: dict[str, Any]) -> bool:
    """Whether the object stands for an organisation such as the practice itself."""
    return any(t in ORGANISATION_TYPES or t.endswith(ORGANISATION_SUFFIXES) for t in types_of(obj))
