"""evaluate: metrics on small hand-made inputs whose answers are worked out by hand."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import assert_one_line_error, ketadir, run_cli
from crawler.evaluate import Label, evaluate, format_text, load_labels
from crawler.sites import site_key
from crawler.items import Clinic, Evidence, Location


def _pred(modality: str, confidence: float = 0.9, **extra) -> dict:
    return {"modality": modality, "confidence": confidence, **extra}


def test_labels_read_host_or_website_column_and_split_lists(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(
        "website,modality,services,conditions,city,state,zip,phone\n"
        "https://www.Alpha.test/,kap,kap-individual;psychotherapy,depression,Austin,tx,78701,(512) 555-0100\n"
        "beta.test,infusion-only,,,,,,\n"
        ",kap,,,,,,\n",
        encoding="utf-8",
    )
    labels = load_labels(path)
    assert set(labels) == {"alpha.test", "beta.test"}
    alpha = labels["alpha.test"]
    assert alpha.services == ("kap-individual", "psychotherapy")
    assert alpha.conditions == ("depression",)
    assert (alpha.city, alpha.state, alpha.zip, alpha.phone) == ("Austin", "TX", "78701", "5125550100")
    assert labels["beta.test"].services == ()


def test_labels_without_host_or_modality_column_are_refused(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("name,kind\nAlpha,kap\n", encoding="utf-8")
    with pytest.raises(ValueError, match="host"):
        load_labels(path)


@pytest.mark.parametrize("raw", ["alpha.test", "www.alpha.test", "http://alpha.test/", "https://WWW.Alpha.test/about"])
def test_hosts_match_without_scheme_www_or_path(raw):
    assert site_key(raw) == "alpha.test"


def test_confusion_matrix_per_class_scores_and_macro_f1():
    labels = {
        "a.test": Label("a.test", "kap"),
        "b.test": Label("b.test", "kap"),
        "c.test": Label("c.test", "infusion-only"),
        "d.test": Label("d.test", "not-a-provider"),
    }
    predictions = {
        "http://www.a.test/": _pred("kap"),
        "b.test": _pred("infusion-only"),
        "c.test": _pred("infusion-only"),
        "d.test": _pred("not-a-provider"),
    }
    report = evaluate(labels, predictions)
    assert report.confusion["kap"]["kap"] == 1 and report.confusion["kap"]["infusion-only"] == 1
    assert report.per_class["kap"].precision == 1.0 and report.per_class["kap"].recall == 0.5
    assert report.per_class["infusion-only"].precision == 0.5 and report.per_class["infusion-only"].recall == 1.0
    # kap F1 2/3, infusion-only F1 2/3, not-a-provider F1 1: averaged over the three that occur.
    assert report.macro_f1 == pytest.approx((2 / 3 + 2 / 3 + 1) / 3, abs=1e-4)
    assert report.accuracy == 0.75


def test_predicting_a_never_labelled_modality_pulls_macro_f1_down():
    labels = {"a.test": Label("a.test", "kap"), "b.test": Label("b.test", "kap")}
    report = evaluate(labels, {"a.test": _pred("kap"), "b.test": _pred("unclear", 0.3)})
    # kap: P 1, R 0.5 -> F1 2/3; unclear: predicted once, never labelled -> F1 0.
    assert report.macro_f1 == pytest.approx((2 / 3 + 0) / 2, abs=1e-4)


def test_services_and_conditions_micro_f1_only_over_sites_labelled_with_any():
    labels = {
        "a.test": Label("a.test", "kap", services=("kap-individual", "psychotherapy"), conditions=("ptsd",)),
        "b.test": Label("b.test", "infusion-only", services=("iv-infusion",)),
        "c.test": Label("c.test", "infusion-only"),  # says nothing: its predictions are not counted
    }
    predictions = {
        "a.test": _pred("kap", services=["kap-individual"], conditions=["ptsd", "anxiety"]),
        "b.test": _pred("infusion-only", services=["iv-infusion", "im-injection"], conditions=["depression"]),
        "c.test": _pred("infusion-only", services=["esketamine-nasal"], conditions=["ocd"]),
    }
    report = evaluate(labels, predictions)
    # services: tp 2, fp 1 (im-injection), fn 1 (psychotherapy) -> P 2/3, R 2/3.
    assert report.services.precision == pytest.approx(2 / 3, abs=1e-4)
    assert report.services.recall == pytest.approx(2 / 3, abs=1e-4)
    # conditions: only a.test counts: tp 1, fp 1 -> P 0.5, R 1, F1 2/3.
    assert report.conditions.f1 == pytest.approx(2 / 3, abs=1e-4)
    diffs = {d.host: d for d in report.diffs}
    assert diffs["a.test"].missing_services == ["psychotherapy"]
    assert diffs["b.test"].extra_services == ["im-injection"]


def test_calibration_counts_only_confident_decisions():
    labels = {h: Label(h, "kap") for h in ("a.test", "b.test", "c.test", "d.test")}
    predictions = {
        "a.test": _pred("kap", 0.95),
        "b.test": _pred("infusion-only", 0.85),
        "c.test": _pred("kap", 0.8),
        "d.test": _pred("unclear", 0.3),
    }
    report = evaluate(labels, predictions)
    assert (report.calibration.count, report.calibration.correct) == (3, 2)
    assert report.calibration.accuracy == pytest.approx(2 / 3)


def test_location_figures_city_state_zip_phone_and_invented():
    labels = {
        "a.test": Label("a.test", "kap", city="Richmond", state="VA", zip="23220", phone="8045550100"),
        "b.test": Label("b.test", "kap", state="MN"),
        "c.test": Label("c.test", "kap"),
        "d.test": Label("d.test", "kap"),
    }
    predictions = {
        "a.test": _pred(
            "kap",
            locations=[{"city": "Arlington", "state": "VA"}, {"city": "richmond", "state": "VA", "zip": "23220-1234"}],
            phones=["+1 804-555-0100"],
        ),
        "b.test": _pred("kap", locations=[{"city": "Duluth", "state": "WI"}]),
        "c.test": _pred("kap", locations=[{"city": "Austin", "state": "TX"}]),
        "d.test": _pred("kap", locations=[]),
    }
    report = evaluate(labels, predictions)
    assert (report.city_state.correct, report.city_state.count) == (1, 2)
    assert (report.zip.correct, report.zip.count) == (1, 1)
    assert (report.phone.correct, report.phone.count) == (1, 1)
    assert (report.invented_locations, report.sites_without_place) == (1, 2)


def test_missing_sites_are_listed_and_left_out():
    labels = {"a.test": Label("a.test", "kap"), "b.test": Label("b.test", "kap")}
    report = evaluate(labels, {"a.test": _pred("kap")})
    assert report.missing == ["b.test"]
    assert report.sites == 1 and report.accuracy == 1.0


def test_every_miss_is_reported_with_its_evidence():
    labels = {"a.test": Label("a.test", "adjunctive-referral")}
    clinic = Clinic(
        site="a.test",
        website="http://a.test/",
        name="A",
        modality="infusion-only",
        confidence=0.6,
        locations=[Location(city="Reno", state="NV")],
        evidence=[Evidence("We offer IV ketamine.", "http://a.test/", "infusion-only", 1.0)],
    )
    report = evaluate(labels, {"a.test": clinic})
    assert len(report.misses) == 1
    miss = report.misses[0]
    assert (miss.expected, miss.predicted) == ("adjunctive-referral", "infusion-only")
    assert miss.evidence[0]["text"] == "We offer IV ketamine."


def test_report_round_trips_to_json_and_reads_as_text():
    labels = {"a.test": Label("a.test", "kap"), "b.test": Label("b.test", "kap")}
    report = evaluate(labels, {"a.test": _pred("kap"), "b.test": _pred("not-a-provider", evidence=[])})
    data = json.loads(json.dumps(report.to_dict()))
    assert data["macro_f1"] == report.macro_f1
    assert data["calibration"]["accuracy"] == 0.5
    text = format_text(report)
    assert "Macro-F1" in text and "b.test: expected kap, got not-a-provider" in text


# Through the CLI, against the real crawl of the sample web.


def _evaluate(crawl, labels_text: str, tmp_path, *args: str):  # noqa: ANN001, ANN202
    labels = tmp_path / "labels.csv"
    labels.write_text(labels_text, encoding="utf-8")
    return run_cli("evaluate", str(labels), *args, data_dir=crawl.data_dir)


def test_evaluate_reads_labels_in_any_case_and_by_alias(crawled, tmp_path) -> None:  # noqa: ANN001
    result = _evaluate(crawled, "host,modality,services\nbartonketamine.test,Infusion-Only,IV\n"
                                "harpeth-infusion.test,KAP,KAP-Individual;Psychotherapy\n", tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["accuracy"] == 1.0 and report["confusion"]["kap"]["kap"] == 1
    assert report["services"]["recall"] == 1.0


def test_evaluate_names_the_line_of_an_unknown_label(crawled, tmp_path) -> None:  # noqa: ANN001
    labels = tmp_path / "labels.csv"
    labels.write_text("host,modality\nbartonketamine.test,infusion-only\nharpeth-infusion.test,kapp\n", encoding="utf-8")
    assert_one_line_error(ketadir("evaluate", str(labels), data_dir=crawled.data_dir),
                          "line 3: unknown modality 'kapp'", "did you mean kap?")


def test_evaluate_counts_the_sites_of_its_confusion_matrix_and_says_na_for_what_labels_lack(crawled, tmp_path) -> None:  # noqa: ANN001
    text = _evaluate(crawled, "host,modality\nbartonketamine.test,infusion-only\nharpeth-infusion.test,kap\n"
                              "saguaroinfusion.test,KAP\nnowhere.test,kap\n", tmp_path).stdout
    lines = text.splitlines()
    assert lines[0] == "Sites evaluated: 3   missing: 1"
    matrix = lines[lines.index("Confusion (rows expected, columns predicted):") + 2:][:5]
    assert sum(int(n) for row in matrix for n in row.split()[1:]) == 3
    assert "ref = adjunctive-referral" in text and "nap = not-a-provider" in text
    for field in ("Services micro", "Conditions micro", "City+state", "ZIP", "Phone"):
        assert f"{field}: n/a" in text, field
    assert "0/0" not in text and "(0.0%)" not in text
    rows = list(csv.DictReader(io.StringIO(_evaluate(crawled, "host,modality\nsaguaroinfusion.test,kap\n", tmp_path,
                                                     "--format", "csv").stdout)))
    assert rows == [{"host": "saguaroinfusion.test", "expected": "kap", "predicted": "adjunctive-referral",
                     "confidence": rows[0]["confidence"], "right": ""}]
