"""Pure metrics for `ketadir evaluate`: predicted clinics against hand-made labels.

Labels are a CSV with one row per site (``host`` or ``website``, ``modality`` and optionally
``services``, ``conditions`` (``;``-separated), ``city``, ``state``, ``zip``, ``phone``).
Predictions map a site to a Clinic-like dict (keys as in ``items.Clinic``). Nothing here
reads the store or the network, so the same numbers come out in tests and in the CLI.

Conventions, stated once so the figures can be read without the code:
- Sites are matched by host, ignoring scheme, ``www.``, port, path and letter case.
- A labelled site without a prediction is listed under ``missing`` and left out of the
  modality, service, condition and location figures.
- Macro-F1 averages F1 over the modalities that occur among labels or predictions; a
  modality predicted but never labelled scores 0 and pulls the average down.
- Services and conditions are micro-averaged over sites whose label lists any.
- Location figures count a site right when any predicted location (or phone) matches.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

from crawler.items import MODALITIES
from crawler.sites import site_key
from crawler.terminal import plural
from crawler.vocabulary import UnknownTerm, canonical

CONFIDENT = 0.8


@dataclass(frozen=True)
class Label:
    """What a person decided about one site."""

    host: str
    modality: str
    services: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    zip: str = ""
    phone: str = ""  # ten digits


@dataclass
class Rate:
    """A count of decisions and how many were right."""

    count: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.count if self.count else 0.0

    def add(self, right: bool) -> None:
        self.count += 1
        self.correct += int(right)


@dataclass
class PRF:
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    support: int = 0


@dataclass
class Miss:
    host: str
    expected: str
    predicted: str
    confidence: float
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Decided:
    """One labelled site and what the directory decided about it."""

    host: str
    expected: str
    predicted: str
    confidence: float


@dataclass
class SiteDiff:
    """Services or conditions a site's prediction missed or added."""

    host: str
    missing_services: list[str] = field(default_factory=list)
    extra_services: list[str] = field(default_factory=list)
    missing_conditions: list[str] = field(default_factory=list)
    extra_conditions: list[str] = field(default_factory=list)


@dataclass
class Report:
    sites: int = 0  # labelled sites that have a prediction
    missing: list[str] = field(default_factory=list)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)  # expected -> predicted -> n
    per_class: dict[str, PRF] = field(default_factory=dict)
    macro_f1: float = 0.0
    accuracy: float = 0.0
    services: PRF = field(default_factory=PRF)
    conditions: PRF = field(default_factory=PRF)
    calibration: Rate = field(default_factory=Rate)  # decisions with confidence >= CONFIDENT
    city_state: Rate = field(default_factory=Rate)
    zip: Rate = field(default_factory=Rate)
    phone: Rate = field(default_factory=Rate)
    sites_without_place: int = 0  # labels with neither city nor state
    invented_locations: int = 0  # ... of which the prediction still names a city or state
    misses: list[Miss] = field(default_factory=list)
    diffs: list[SiteDiff] = field(default_factory=list)
    decisions: list[Decided] = field(default_factory=list)  # every labelled site with a prediction

    def to_dict(self) -> dict[str, Any]:
        """The report for JSON; a rate with nothing to count (a column the labels lack) has
        accuracy null."""
        data = asdict(self)
        for key in ("calibration", "city_state", "zip", "phone"):
            rate = getattr(self, key)
            data[key]["accuracy"] = round(rate.accuracy, 4) if rate.count else None
        return data


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({v.strip() for v in re.split(r"[;,|]", value or "") if v.strip()}))


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def _labelled(kind: str, value: str, line: int) -> tuple[str, ...]:
    """The vocabulary's labels for a cell, in any case and by any alias; ValueError naming the line."""
    try:
        return tuple(sorted({label for part in _split(value) for label in canonical(kind, part)}))
    except UnknownTerm as error:
        raise ValueError(f"line {line}: {error}") from None


def load_labels(path: str | Path) -> dict[str, Label]:
    """Read a labels CSV keyed by normalised host; rows without a host or modality are skipped.
    Labels are read as the search options are (any case, aliases such as "Spravato").

    Raises ValueError when the header has no host/website column or no modality column, naming
    the line of a label the vocabulary does not have or of a line that cannot be read as CSV. A
    byte-order mark (Excel's "CSV UTF-8") is not part of the header.
    """
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        try:
            return _read_labels(reader)
        except csv.Error as exc:
            raise ValueError(f"line {reader.reader.line_num}: {_csv_problem(exc)}") from None


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"a cell is longer than {csv.field_size_limit():,} characters (is this a labels CSV?)"
    return str(exc)


def _read_labels(reader: csv.DictReader[str]) -> dict[str, Label]:
    """The labels of an open CSV, keyed by normalised host."""
    labels: dict[str, Label] = {}
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    if not columns & {"host", "website", "site"} or "modality" not in columns:
        raise ValueError("labels need a host (or website) column and a modality column")
    for row in reader:
        line = reader.line_num
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        host = site_key(row.get("host") or row.get("website") or row.get("site") or "")
        modality = row.get("modality", "")
        if not host or not modality:
            continue
        modalities = _labelled("modality", modality, line)
        if len(modalities) != 1:
            raise ValueError(f"line {line}: give one modality, not {modality!r}")
        labels[host] = Label(
            host=host,
            modality=modalities[0],
            services=_labelled("service", row.get("services", ""), line),
            conditions=_labelled("condition", row.get("conditions", ""), line),
            city=row.get("city", ""),
            state=row.get("state", "").upper(),
            zip=row.get("zip", ""),
            phone=_digits(row.get("phone", "")),
        )
    return labels


def _as_dict(prediction: Any) -> dict[str, Any]:
    return prediction.to_dict() if hasattr(prediction, "to_dict") else dict(prediction)


def _prf(tp: int, fp: int, fn: int) -> PRF:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(round(precision, 4), round(recall, 4), round(f1, 4), tp + fn)


def _same_text(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def evaluate(labels: Mapping[str, Label], predictions: Mapping[str, Any]) -> Report:
    """Compare predictions (site -> Clinic-like dict) with labels (host -> Label)."""
    predicted = {site_key(k): _as_dict(v) for k, v in predictions.items()}
    report = Report(missing=[host for host in sorted(labels) if host not in predicted])
    pairs = [(labels[host], predicted[host]) for host in sorted(labels) if host in predicted]
    report.sites = len(pairs)
    _score_modalities(report, [(label.modality, str(pred.get("modality", ""))) for label, pred in pairs])
    counts = {"services": [0, 0, 0], "conditions": [0, 0, 0]}  # tp, fp, fn
    for label, pred in pairs:
        modality = str(pred.get("modality", ""))
        confidence = float(pred.get("confidence") or 0.0)
        report.decisions.append(Decided(label.host, label.modality, modality, confidence))
        if confidence >= CONFIDENT:
            report.calibration.add(modality == label.modality)
        if modality != label.modality:
            evidence = [_as_dict(e) for e in pred.get("evidence") or []]
            report.misses.append(Miss(label.host, label.modality, modality, confidence, evidence))
        diff = SiteDiff(label.host)
        for key, truth in (("services", set(label.services)), ("conditions", set(label.conditions))):
            if not truth:
                continue
            got = set(pred.get(key) or [])
            for i, n in enumerate((len(got & truth), len(got - truth), len(truth - got))):
                counts[key][i] += n
            setattr(diff, f"missing_{key}", sorted(truth - got))
            setattr(diff, f"extra_{key}", sorted(got - truth))
        if diff.missing_services or diff.extra_services or diff.missing_conditions or diff.extra_conditions:
            report.diffs.append(diff)
        _score_location(report, label, pred)
    report.services = _prf(*counts["services"])
    report.conditions = _prf(*counts["conditions"])
    return report


def _score_modalities(report: Report, pairs: list[tuple[str, str]]) -> None:
    """Confusion matrix, per-class P/R/F1, macro-F1 and accuracy from (expected, predicted) pairs."""
    report.confusion = {m: {n: 0 for n in MODALITIES} for m in MODALITIES}
    for expected, got in pairs:
        row = report.confusion.setdefault(expected, {n: 0 for n in MODALITIES})
        row[got] = row.get(got, 0) + 1
    for m in MODALITIES:
        tp = sum(1 for e, g in pairs if e == m and g == m)
        fp = sum(1 for e, g in pairs if e != m and g == m)
        fn = sum(1 for e, g in pairs if e == m and g != m)
        report.per_class[m] = _prf(tp, fp, fn)
    present = [m for m in MODALITIES if any(m in pair for pair in pairs)]
    if present:
        report.macro_f1 = round(sum(report.per_class[m].f1 for m in present) / len(present), 4)
    if pairs:
        report.accuracy = round(sum(1 for e, g in pairs if e == g) / len(pairs), 4)


def _score_location(report: Report, label: Label, pred: dict[str, Any]) -> None:
    locations = [_as_dict(loc) for loc in pred.get("locations") or []]
    if label.city or label.state:
        report.city_state.add(
            any(
                (not label.city or _same_text(label.city, str(loc.get("city", ""))))
                and (not label.state or _same_text(label.state, str(loc.get("state", ""))))
                for loc in locations
            )
        )
    else:
        report.sites_without_place += 1
        report.invented_locations += any(loc.get("city") or loc.get("state") for loc in locations)
    if label.zip:
        report.zip.add(any(str(loc.get("zip", ""))[:5] == label.zip for loc in locations))
    if label.phone:
        phones = [*(pred.get("phones") or []), *(str(loc.get("phone", "")) for loc in locations)]
        report.phone.add(any(_digits(p) == label.phone for p in phones))


SHORT = dict(zip(MODALITIES, ("kap", "ref", "inf", "unc", "nap")))
CSV_COLUMNS = ["host", "expected", "predicted", "confidence", "right"]


def csv_rows(report: Report) -> list[dict[str, Any]]:
    """`ketadir evaluate --format csv`: one row per labelled site the directory decided."""
    return [
        {"host": d.host, "expected": d.expected, "predicted": d.predicted,
         "confidence": round(d.confidence, 2), "right": "yes" if d.expected == d.predicted else ""}
        for d in report.decisions
    ]


def _rate(rate: Rate) -> str:
    return f"{rate.correct}/{rate.count} right ({rate.accuracy:.1%})" if rate.count else "n/a (no labels)"


def _scores(s: PRF, predicted: int) -> str:
    if not s.support and not predicted:
        return f"{'n/a':>7}{'n/a':>7}{'n/a':>7}{0:>5}"
    return f"{s.precision:>7.2f}{s.recall:>7.2f}{s.f1:>7.2f}{s.support:>5}"


def format_text(report: Report) -> str:
    """A plain-text report for the terminal; what the labels do not say reads n/a."""
    total = sum(sum(row.values()) for row in report.confusion.values())
    lines = [f"Sites evaluated: {total}" + (f"   missing: {len(report.missing)}" if report.missing else "")]
    lines.append("")
    lines.append("Confusion (rows expected, columns predicted):")
    lines.append(" " * 22 + "".join(f"{SHORT[m]:>6}" for m in MODALITIES))
    for m in MODALITIES:
        row = report.confusion.get(m, {})
        lines.append(f"  {m:<20}" + "".join(f"{row.get(n, 0):>6}" for n in MODALITIES))
    lines.append("  columns: " + ", ".join(f"{SHORT[m]} = {m}" for m in MODALITIES))
    lines.append("")
    lines.append(f"  {'modality':<20}{'prec':>7}{'rec':>7}{'F1':>7}{'n':>5}")
    for m in MODALITIES:
        predicted = sum(row.get(m, 0) for row in report.confusion.values())
        lines.append(f"  {m:<20}" + _scores(report.per_class[m], predicted))
    lines.append(f"Macro-F1 {report.macro_f1:.3f}   accuracy {report.accuracy:.3f}" if total else "Macro-F1 n/a   accuracy n/a")
    for name, s in (("Services", report.services), ("Conditions", report.conditions)):
        figures = f"P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}" if s.support else "n/a (no labels)"
        lines.append(f"{name} micro: {figures}")
    c = report.calibration
    confident = f"{plural(c.count, 'decision')}, {c.correct} right ({c.accuracy:.1%})" if c.count else "n/a (none)"
    lines.append(f"Confidence >= {CONFIDENT}: {confident}")
    for name, r in (("City+state", report.city_state), ("ZIP", report.zip), ("Phone", report.phone)):
        lines.append(f"{name}: {_rate(r)}")
    if report.city_state.count:
        lines.append(f"Invented locations: {report.invented_locations} of {report.sites_without_place} unplaced sites")
    else:
        lines.append("Invented locations: n/a (no labels)")
    if report.missing:
        lines.append("Missing: " + ", ".join(report.missing))
    if report.misses:
        lines.append("")
        lines.append("Misses:")
        for miss in report.misses:
            lines.append(f"  {miss.host}: expected {miss.expected}, got {miss.predicted} ({miss.confidence:.2f})")
            for e in miss.evidence[:4]:
                e = _as_dict(e)
                lines.append(f"    [{e.get('supports', '')}] {str(e.get('text', ''))[:140]}  <{e.get('url', '')}>")
    if report.diffs:
        lines.append("")
        lines.append("Service / condition differences (-missing +extra):")
        for d in report.diffs:
            parts = [f"-{x}" for x in d.missing_services] + [f"+{x}" for x in d.extra_services]
            parts += [f"-{x}" for x in d.missing_conditions] + [f"+{x}" for x in d.extra_conditions]
            lines.append(f"  {d.host}: " + " ".join(parts))
    return "\n".join(lines)
