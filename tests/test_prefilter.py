"""crawler.extract.prefilter: a pattern behind its needles answers exactly as the pattern alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.demo import SAMPLE_WEB

from crawler.extract import classify, cues
from crawler.extract.cues import Cue
from crawler.extract.parse import parse_page
from crawler.extract.prefilter import Prefiltered, any_of, prefiltered, required_literals


def test_every_branch_of_an_alternation_must_give_a_needle():
    assert required_literals(re.compile(r"\bketamine\b|\bspravato\b|KAP", re.I)) == ("kap", "ketamine", "spravato")
    assert required_literals(re.compile(r"ketamine|\d+ mg")) == (" mg", "ketamine")
    assert required_literals(re.compile(r"ketamine|\d+")) is None  # a branch any number matches


def test_optional_parts_give_no_needle_and_required_repeats_do():
    assert required_literals(re.compile(r"(?:our )?therapists?")) == ("therapist",)
    assert required_literals(re.compile(r"(?:ab)+cd?")) == ("ab",)


def test_a_case_switch_inside_the_pattern_gives_no_needle():
    assert required_literals(re.compile(r"(?i:KAP)")) is None
    assert required_literals(re.compile(r"x(?i:kap)y")) is None


def test_case_sensitive_needles_keep_their_case():
    assert required_literals(re.compile(r"[Oo]ur team|\bIM\b")) == ("IM", "ur team")


def test_a_pattern_with_no_needle_stays_a_plain_pattern():
    assert isinstance(prefiltered(r"\d{3}-\d{4}"), re.Pattern)
    assert isinstance(prefiltered(r"ketamine", re.I), Prefiltered)


def test_a_pattern_anchored_at_the_start_is_not_prefiltered():
    # It fails at the first character where it cannot match; a needle scan would cost more.
    assert isinstance(prefiltered(r"^(?:now )?offering\b", re.I), re.Pattern)
    assert isinstance(prefiltered(r"^offering\b", re.I | re.M), Prefiltered)  # any line may start it


def test_any_of_finds_a_match_where_one_of_its_patterns_would_each_with_its_own_flags():
    parts = [re.compile(r"\bIM\b"), re.compile(r"infusions?", re.I), prefiltered(r"\b[Oo]ur team\b")]
    combined = any_of(parts)
    assert isinstance(combined, Prefiltered) and combined.folded
    texts = ["IM shots", "im shots", "INFUSION", "İnfusion", "Our team", "OUR TEAM", "our teams", "nothing here"]
    assert [bool(combined.search(t)) for t in texts] == [any(p.search(t) for p in parts) for t in texts]
    assert sum(bool(combined.search(t)) for t in texts) == 4


def test_any_of_refuses_a_back_reference_whose_number_would_change():
    with pytest.raises(ValueError, match="back-reference"):
        any_of([re.compile(r"x"), re.compile(r"(a)b\1")])


def test_characters_the_regex_engine_folds_to_ascii_letters_still_reach_the_regex():
    pattern = prefiltered(r"\bkap\b|infusion|class", re.I)
    assert isinstance(pattern, Prefiltered)
    for text in ("INFUSıON", "İnfusion", "\u212aap", "claſs", "KAP"):  # each one a match for re.I
        assert pattern.search(text) is not None
        assert pattern.search(text).span() == pattern.pattern.search(text).span()


def _classifier_patterns() -> list[Prefiltered]:
    found: list[Prefiltered] = []
    for module in (classify, cues):
        for value in vars(module).values():
            values = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
            values = [v.pattern if isinstance(v, Cue) else v for v in values]
            found += [v for v in values if isinstance(v, Prefiltered)]
    return found


def _fixture_texts() -> list[str]:
    texts = []
    for path in sorted(SAMPLE_WEB.rglob("*.html")):
        page = parse_page(path.read_bytes(), f"https://{path.parent.name}/")
        texts += [b.text for b in page.blocks] + [b.heading for b in page.blocks]
    return texts


def _same(pattern: Prefiltered, text: str) -> bool:
    mine, theirs = pattern.search(text), pattern.pattern.search(text)
    return (mine and mine.span()) == (theirs and theirs.span()) and (
        pattern.sub("", text) == pattern.pattern.sub("", text)
        and pattern.split(text) == pattern.pattern.split(text)
        and [m.span() for m in pattern.finditer(text)] == [m.span() for m in pattern.pattern.finditer(text)]
    )


def test_the_classifier_patterns_answer_as_their_regexes_on_the_sample_web():
    patterns = _classifier_patterns()
    assert len(patterns) > 60
    texts = _fixture_texts()
    assert len(texts) > 1000
    for pattern in patterns:
        mismatched = [t for t in texts if not _same(pattern, t)]
        assert not mismatched, (pattern.pattern.pattern, mismatched[:3])
    # Not a comparison of two Nones: most patterns do find something on the sample web.
    assert sum(any(pattern.search(t) for t in texts) for pattern in patterns) > len(patterns) * 2 // 3


_NEEDLES = sorted({n for p in _classifier_patterns() for n in p.needles})


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from(_NEEDLES) | st.sampled_from([" ", ".", ",", "ı", "İ", "K", "'", "’", "-"]) | st.text(max_size=4),
        max_size=12,
    ),
    upper=st.booleans(),
)
def test_the_classifier_patterns_answer_as_their_regexes_on_arbitrary_text(pieces: list[str], upper: bool):
    text = "".join(pieces)
    text = text.upper() if upper else text
    for pattern in _classifier_patterns():
        assert _same(pattern, text), pattern.pattern.pattern


_COMBINED = [
    (cues.ANY_ROUTE, list(cues.ROUTES.values())),
    (cues.ANY_CONDITION, list(cues.CONDITIONS.values())),
]


def test_the_classifier_combined_patterns_answer_as_any_of_their_parts_on_the_sample_web():
    texts = _fixture_texts()
    for combined, parts in _COMBINED:
        answers = [bool(combined.search(t)) for t in texts]
        assert answers == [any(p.search(t) for p in parts) for t in texts]
        assert any(answers)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(_NEEDLES) | st.sampled_from([" ", "ı", "İ", "K"]) | st.text(max_size=4), max_size=12))
def test_the_classifier_combined_patterns_answer_as_any_of_their_parts_on_arbitrary_text(pieces: list[str]):
    text = "".join(pieces)
    for combined, parts in _COMBINED:
        assert bool(combined.search(text)) == any(p.search(text) for p in parts)
