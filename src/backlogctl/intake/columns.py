"""Which column fills which field: --map, then header names in English or German, then Jira's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backlogctl.errors import InputError
from backlogctl.model import known_fields

IGNORE = "-"
"""``--map COLUMN=-`` leaves a column out."""

# Header names of a typical lab spreadsheet, English and German, normalised
# (case, spacing, _ - . / folded). Each field also answers to its own dotted
# name and, when unambiguous, to its last part ("effort", "business value").
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("titel", "name", "modell", "model", "vorhaben", "summary"),
    "kind": ("art", "typ", "type", "kategorie"),
    "status": ("stand", "zustand"),
    "owner": ("verantwortlich", "verantwortliche", "verantwortlicher", "besitzer", "assignee", "zuständig"),
    "team": ("abteilung",),
    "stakeholders": ("beteiligte", "stakeholder", "auftraggeber"),
    "created": ("erstellt", "angelegt", "erstellt am", "created at", "datum"),
    "last_reviewed": ("zuletzt geprüft", "letzte prüfung", "letztes review", "reviewed", "geprüft am"),
    "decision": ("entscheidung",),
    "description": ("beschreibung",),
    "expected_benefit.summary": ("nutzen beschreibung", "erwarteter nutzen", "benefit", "expected benefit"),
    "expected_benefit.metric": ("metrik", "kennzahl", "kpi"),
    "expected_benefit.baseline": ("ausgangswert", "istwert", "ist wert"),
    "expected_benefit.target": ("zielwert", "ziel", "soll wert", "sollwert"),
    "resources.effort_weeks": ("personenwochen", "aufwand wochen", "aufwand in wochen", "weeks", "pw"),
    "resources.roles": ("rollen",),
    "resources.compute": ("rechenbedarf", "rechenleistung", "gpu"),
    "resources.data": ("daten", "datenbedarf", "datenquellen"),
    "scores.business_value": ("nutzen", "geschäftswert", "value", "wert", "bv"),
    "scores.time_criticality": ("dringlichkeit", "zeitkritikalität", "zeitkritisch", "urgency", "tc"),
    "scores.risk_reduction": ("risikoreduktion", "risikominderung", "rr oe"),
    "scores.feasibility": ("machbarkeit", "umsetzbarkeit"),
    "scores.effort": ("aufwand", "größe", "size", "story points", "job size"),
    "scores.confidence": ("konfidenz", "sicherheit", "zuversicht"),
    "scores.reach": ("reichweite",),
    "scores.impact": ("wirkung", "auswirkung"),
    "risk_class": ("risikoklasse", "ai act", "eu ai act", "risiko", "risk"),
    "depends_on": ("abhängig von", "abhängigkeiten", "hängt ab von", "dependencies", "depends"),
    "tags": ("schlagworte", "schlagwörter", "labels", "label", "stichworte"),
    "links": ("link", "verweise", "url"),
    "notes": ("notizen", "bemerkungen", "anmerkungen", "kommentar", "kommentare", "comments"),
}

# Jira's CSV export: its column names and what they fill by default.
JIRA: dict[str, str] = {
    "summary": "title",
    "assignee": "owner",
    "status": "status",
    "priority": "scores.business_value",
    "custom field (story points)": "scores.effort",
    "story points": "scores.effort",
    "custom field (story point estimate)": "scores.effort",
    "labels": "tags",
    "description": "description",
    "created": "created",
}
JIRA_KEY = "Issue key"
NOT_IMPORTED = ("import_key", "id")


def norm(header: str) -> str:
    """``"Business_Value "`` -> ``"business value"``: how headers are compared."""
    return " ".join(re.sub(r"[_\-./()]+", " ", header.casefold()).split())


@dataclass(slots=True)
class Mapping:
    """Field of each mapped column (by position) and the columns left out."""

    fields: dict[int, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)

    def columns_of(self, name: str) -> list[int]:
        return [index for index, mapped in self.fields.items() if mapped == name]


def fields() -> list[str]:
    """Every field a column may fill, as dotted paths."""
    known = known_fields()
    names = [name for name in known[""] if name not in known and name not in NOT_IMPORTED]
    names += [f"{parent}.{child}" for parent in known if parent for child in known[parent]]
    return names


def _defaults() -> dict[str, str]:
    table: dict[str, str] = {}
    leaves: dict[str, list[str]] = {}
    for dotted in fields():
        table[norm(dotted)] = dotted
        leaves.setdefault(norm(dotted.rsplit(".", 1)[-1]), []).append(dotted)
    for leaf, owners in leaves.items():
        if len(owners) == 1:
            table.setdefault(leaf, owners[0])
    for dotted, names in ALIASES.items():
        for name in names:
            table.setdefault(norm(name), dotted)
    return table


def parse_maps(pairs: list[str]) -> dict[str, str]:
    """``["Modell=title", "Spalte X=-"]`` -> ``{"modell": "title", "spalte x": "-"}``."""
    allowed = set(fields())
    result: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column:
            raise InputError(f"--map {pair!r}: expected COLUMN=FIELD, e.g. --map Modell=title")
        if target != IGNORE and target not in allowed:
            raise InputError(
                f"--map {pair!r}: {target!r} is not a field; use one of {', '.join(sorted(allowed))} "
                f"or {IGNORE} to leave the column out"
            )
        result[norm(column)] = target
    return result


def map_columns(columns: list[str], maps: dict[str, str], *, jira: bool) -> Mapping:
    """Decide the field of every column; an asked-for column that is missing is an error."""
    present = {norm(c) for c in columns}
    missing = [name for name in maps if name not in present]
    if missing:
        raise InputError(
            f"--map names a column the file does not have: {missing[0]!r}; its columns are "
            + ", ".join(repr(c) for c in columns if c)
        )
    defaults = _defaults()
    jira_fields = {norm(name): target for name, target in JIRA.items()}
    mapping = Mapping()
    for index, column in enumerate(columns):
        name = norm(column)
        target = maps.get(name) or (jira_fields.get(name) if jira else None) or defaults.get(name)
        if jira and name not in maps and name not in jira_fields:
            target = None  # Jira exports dozens of columns; only the documented ones are taken
        if target is None or target == IGNORE:
            if column and target != IGNORE:
                mapping.unmapped.append(column)
            continue
        mapping.fields[index] = target
    if not mapping.columns_of("title"):
        raise InputError(
            "no column for the title; name one with --map COLUMN=title (columns: "
            + ", ".join(repr(c) for c in columns if c)
            + ")"
        )
    return mapping
