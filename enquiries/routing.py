"""Rule-based routing of new cases: ordered rules, first match wins.

Pure on purpose: the caller converts database rows into :class:`RuleSpec` and the case into
:class:`CaseFacts`, so the decision (and its human-readable reason, shown to staff and kept
on the case's history) can be tested and previewed without a database.

Matching, in short:

* rules run in ``(order, id)`` order; disabled rules are skipped; the first match wins;
* all of a rule's conditions must hold (AND); within one condition any listed value will do
  (OR); an empty condition places no constraint;
* keywords match whole words or phrases after Unicode normalisation (NFKC + casefold), so
  "tree" does not match "street"; punctuation and runs of spaces between words are ignored
  ("fly-tipping" matches "fly tipping"); a trailing ``*`` matches any word ending
  ("flood*" matches "flooding", "floods");
* keywords are looked for only in what the resident wrote (their description and free-text
  answers): never in question labels or the options they picked, so the label "How deep is it?"
  cannot make every pothole "deep";
* answer conditions test one question's answer by its key: ``{"depth": ["Deeper than 10cm"]}``
  holds when the resident picked that option (any listed value will do; yes/no answers compare as
  "Yes"/"No"; for a "choose any" question, any picked option will do);
* postcode conditions take districts ("PR1") or, given as letters only, whole areas: "PR"
  matches PR1..PR26, and "L" matches "L1" but not "LA1".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = [
    "CHANNELS",
    "PRIORITIES",
    "answer_condition_problems",
    "answer_values",
    "CaseFacts",
    "Decision",
    "RuleSpec",
    "decide",
    "keyword_matches",
    "normalise_text",
    "validate_rule",
]

#: Mirrors ``enquiries.choices.Priority`` / ``Channel`` values (kept here so this stays pure).
PRIORITIES = ("low", "normal", "high", "urgent")
CHANNELS = ("web", "email", "phone", "face_to_face", "api")

_DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
_AREA_RE = re.compile(r"^[A-Z]{1,2}$")
_WORD_RE = re.compile(r"\w+")
#: Wildcard stems shorter than this match too much ("a*"); flagged by validate_rule.
_MIN_WILDCARD_STEM = 3


Answers = tuple[tuple[str, tuple[str, ...]], ...]


def answer_values(value: Any) -> tuple[str, ...]:
    """An answer (or a condition's wanted value) as comparable strings: yes/no as "yes"/"no",
    a "choose any" list as each picked option, everything normalised like keywords."""
    if value is None or value == "":
        return ()
    if isinstance(value, bool):
        return ("yes" if value else "no",)
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(v for item in value for v in answer_values(item))
    return (normalise_text(str(value).strip()),)


def _freeze_answers(answers: Any) -> Answers:
    items = answers.items() if isinstance(answers, Mapping) else answers or ()
    return tuple(sorted((str(key), answer_values(value)) for key, value in items))


@dataclass(frozen=True)
class CaseFacts:
    """What the rules can see about a new case.

    ``text`` is only what the resident wrote (description, free-text answers; see
    ``routing_facts.facts_for_case``); ``answers`` are their structured answers by question key.
    """

    service_slug: str | None = None
    text: str = ""
    postcode_district: str | None = None  # e.g. "PR1"
    channel: str = "web"
    resident_flags: frozenset[str] = field(default_factory=frozenset)
    answers: Any = ()  # {question_key: value}; stored frozen as ((key, (values...)), ...)

    def __post_init__(self) -> None:
        # Callers often hold sets, lists or dicts; freeze them so facts stay hashable.
        object.__setattr__(self, "resident_flags", frozenset(self.resident_flags))
        object.__setattr__(self, "answers", _freeze_answers(self.answers))

    def answer(self, key: str) -> tuple[str, ...]:
        """The normalised values the resident gave for question ``key`` (empty if none)."""
        found: tuple[str, ...] = dict(self.answers).get(key, ())
        return found


@dataclass(frozen=True)
class RuleSpec:
    """One configured routing rule (a database row is converted into this elsewhere)."""

    id: int
    name: str
    order: int
    enabled: bool = True
    # conditions (empty = any)
    services: frozenset[str] = frozenset()
    keywords_any: tuple[str, ...] = ()
    keywords_none: tuple[str, ...] = ()
    postcode_districts: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    resident_flags_all: frozenset[str] = frozenset()
    #: {question_key: value or [values]}: the resident's answer must be one of the values
    answer_conditions: Any = ()
    # actions
    department_slug: str | None = None
    priority: str | None = None
    ack_template: str | None = None
    auto_resolve: bool = False
    standard_answer: str = ""

    def __post_init__(self) -> None:
        # JSON/array columns arrive as lists; a bare string would be iterated per character.
        for name, kind in (
            ("services", frozenset),
            ("keywords_any", tuple),
            ("keywords_none", tuple),
            ("postcode_districts", frozenset),
            ("channels", frozenset),
            ("resident_flags_all", frozenset),
        ):
            value = getattr(self, name)
            if isinstance(value, str):
                value = [value]
            object.__setattr__(self, name, kind(value))
        object.__setattr__(self, "answer_conditions", _freeze_answers(self.answer_conditions))

    @property
    def has_conditions(self) -> bool:
        return bool(
            self.services
            or self.keywords_any
            or self.keywords_none
            or self.postcode_districts
            or self.channels
            or self.resident_flags_all
            or self.answer_conditions
        )


@dataclass(frozen=True)
class Decision:
    """Where a case goes and why; ``reason`` is written for staff, not developers."""

    rule_id: int | None
    rule_name: str | None
    department_slug: str | None
    priority: str | None
    ack_template: str | None
    auto_resolve: bool
    standard_answer: str
    reason: str
    matched_on: tuple[str, ...]


# --- text matching ------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """NFKC + casefold (and NFKC again, as casefolding can denormalise) for fair comparison."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORD_RE.findall(normalise_text(text)))


@lru_cache(maxsize=4096)
def _parse_keyword(keyword: str) -> tuple[tuple[str, ...], bool]:
    """Split a configured keyword into words; note a trailing ``*`` wildcard."""
    stripped = keyword.strip()
    wildcard = stripped.endswith("*")
    words = _tokens(stripped.rstrip("*"))
    return words, wildcard and bool(words)


def _find_keyword(tokens: Sequence[str], keyword: str) -> str | None:
    """Return the words of ``tokens`` that matched ``keyword``, or None."""
    words, wildcard = _parse_keyword(keyword)
    if not words:
        return None
    n = len(words)
    head, last = words[:-1], words[-1]
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i : i + n - 1]) != head:
            continue
        candidate = tokens[i + n - 1]
        if candidate == last or (wildcard and candidate.startswith(last)):
            return " ".join(tokens[i : i + n])
    return None


def keyword_matches(text: str, keyword: str) -> bool:
    """Whole-word/phrase, case-insensitive match with optional trailing ``*`` (for previews)."""
    return _find_keyword(_tokens(text), keyword) is not None


# --- postcodes ----------------------------------------------------------------------------


def _normalise_district(value: str | None) -> str:
    """Upper-case, and keep only the outward code if a whole postcode slipped through."""
    if not value:
        return ""
    parts = value.strip().upper().split()
    return parts[0] if parts else ""


def _postcode_match(district: str, wanted: Iterable[str]) -> str | None:
    if not district:
        return None
    area_match = re.match(r"[A-Z]+", district)
    area = area_match.group(0) if area_match else ""
    for entry in sorted(wanted):
        entry_n = _normalise_district(entry)
        if entry_n == district:
            return f"postcode district {district}"
        if _AREA_RE.match(entry_n) and entry_n == area:
            return f"postcode district {district} (area {entry_n})"
    return None


# --- deciding -----------------------------------------------------------------------------


def _quote_list(items: Iterable[str]) -> str:
    return ", ".join(f'"{item}"' for item in items)


def _match(rule: RuleSpec, facts: CaseFacts, tokens: Sequence[str]) -> tuple[str, ...] | None:  # noqa: C901  one guard per rule condition, in the order reasons are shown
    """The conditions that held (for the reason), or None if any failed."""
    matched: list[str] = []
    if rule.services:
        if facts.service_slug not in rule.services:
            return None
        matched.append(f"service is {facts.service_slug}")
    if rule.keywords_any:
        for keyword in rule.keywords_any:
            found = _find_keyword(tokens, keyword)
            if found is not None:
                clean = keyword.strip()
                words, wildcard = _parse_keyword(clean)
                if not wildcard and found == " ".join(words):
                    matched.append(f'text mentions "{clean}"')
                else:
                    matched.append(f'text mentions "{found}" ({clean})')
                break
        else:
            return None
    if rule.keywords_none:
        if any(_find_keyword(tokens, keyword) is not None for keyword in rule.keywords_none):
            return None
        excluded = _quote_list(k.strip() for k in rule.keywords_none)
        matched.append(f"text does not mention {excluded}")
    if rule.postcode_districts:
        found = _postcode_match(
            _normalise_district(facts.postcode_district), rule.postcode_districts
        )
        if found is None:
            return None
        matched.append(found)
    if rule.channels:
        channel = (facts.channel or "").strip().lower()
        if channel not in {c.strip().lower() for c in rule.channels}:
            return None
        matched.append(f"channel is {channel}")
    if rule.resident_flags_all:
        if not rule.resident_flags_all <= facts.resident_flags:
            return None
        matched.append("resident is flagged " + ", ".join(sorted(rule.resident_flags_all)))
    for key, wanted in rule.answer_conditions:
        given = [value for value in facts.answer(key) if value in wanted]
        if not given:
            return None
        matched.append(f'answer to "{key}" is "{given[0]}"')
    return tuple(matched)


def _department_label(slug: str, names: Mapping[str, str] | None) -> str:
    return (names or {}).get(slug, slug)


def decide(
    facts: CaseFacts,
    rules: Sequence[RuleSpec],
    *,
    service_department_slug: str | None,
    triage_department_slug: str = "triage",
    department_names: Mapping[str, str] | None = None,
) -> Decision:
    """Pick the department, priority and acknowledgement for a new case.

    ``department_names`` (slug -> display name) only makes the reason friendlier.
    """
    tokens = _tokens(facts.text or "")
    for rule in sorted(rules, key=lambda r: (r.order, r.id)):
        if not rule.enabled:
            continue
        matched_on = _match(rule, facts, tokens)
        if matched_on is None:
            continue
        return _decision_for(
            rule,
            matched_on,
            service_department_slug=service_department_slug,
            triage_department_slug=triage_department_slug,
            department_names=department_names,
        )

    if service_department_slug:
        label = _department_label(service_department_slug, department_names)
        reason = f"No rule matched: sent to the service's department ({label})"
        department = service_department_slug
    elif facts.service_slug:
        reason = (
            f"No rule matched and service {facts.service_slug} has no department: "
            "sent to the triage queue"
        )
        department = triage_department_slug
    else:
        reason = "No rule matched and no service: sent to the triage queue"
        department = triage_department_slug
    return Decision(
        rule_id=None,
        rule_name=None,
        department_slug=department,
        priority=None,
        ack_template=None,
        auto_resolve=False,
        standard_answer="",
        reason=reason,
        matched_on=(),
    )


def _decision_for(
    rule: RuleSpec,
    matched_on: tuple[str, ...],
    *,
    service_department_slug: str | None,
    triage_department_slug: str,
    department_names: Mapping[str, str] | None,
) -> Decision:
    head = f'Rule "{rule.name}" (#{rule.id}) matched: '
    if matched_on:
        parts = ["; ".join(matched_on)]
    else:
        parts = ["it has no conditions, so it matches every case"]

    department = rule.department_slug or None
    if department is None:
        if service_department_slug:
            department = service_department_slug
            label = _department_label(department, department_names)
            parts.append(f"the rule names no department, so sent to the service's ({label})")
        else:
            department = triage_department_slug
            parts.append(
                "the rule names no department and there is no service department, "
                "so sent to the triage queue"
            )

    priority = (rule.priority or "").strip().lower() or None
    if priority is not None and priority not in PRIORITIES:
        parts.append(f'unknown priority "{rule.priority}" ignored')
        priority = None

    answer = (rule.standard_answer or "").strip()
    auto_resolve = rule.auto_resolve
    if auto_resolve and not answer:
        auto_resolve = False
        parts.append("auto-resolve is on but the rule has no standard answer, so not auto-resolved")

    return Decision(
        rule_id=rule.id,
        rule_name=rule.name,
        department_slug=department,
        priority=priority,
        ack_template=rule.ack_template or None,
        auto_resolve=auto_resolve,
        standard_answer=rule.standard_answer if auto_resolve else "",
        reason=head + "; ".join(parts),
        matched_on=matched_on,
    )


# --- validation ---------------------------------------------------------------------------


def validate_rule(  # noqa: C901  a flat list of independent checks
    spec: RuleSpec, questions: Mapping[str, Sequence[str] | None] | None = None
) -> list[str]:
    """Problems an editor should see before saving a rule.

    ``questions`` (question key -> the answers it allows, or None for free text), from the rule's
    services, lets answer conditions be checked against what those services actually ask.
    Blocking problems are plain sentences; advisory ones start with ``"Warning: "`` so a form
    can show them without refusing the save.
    """
    problems: list[str] = []
    problems.extend(answer_condition_problems(spec, questions))
    if not (spec.name or "").strip():
        problems.append("The rule needs a name.")
    if spec.auto_resolve and not (spec.standard_answer or "").strip():
        problems.append("Auto-resolve needs a standard answer to send to the resident.")
    if spec.priority is not None and spec.priority.strip().lower() not in PRIORITIES:
        problems.append(f'Unknown priority "{spec.priority}": use one of {", ".join(PRIORITIES)}.')
    for entry in sorted(spec.postcode_districts):
        norm = (entry or "").strip().upper()
        if not (_DISTRICT_RE.match(norm) or _AREA_RE.match(norm)):
            problems.append(
                f'Postcode district "{entry}" is not valid: use a district like "PR1" '
                'or an area like "PR".'
            )
    for entry in sorted(spec.channels):
        if entry.strip().lower() not in CHANNELS:
            problems.append(f'Unknown channel "{entry}": use one of {", ".join(CHANNELS)}.')
    for label, keywords in (("keyword", spec.keywords_any), ("excluded word", spec.keywords_none)):
        for keyword in keywords:
            problems.extend(_keyword_problems(label, keyword))
    overlap = {normalise_text(k.strip()) for k in spec.keywords_any} & {
        normalise_text(k.strip()) for k in spec.keywords_none
    }
    if overlap:
        problems.append(
            f"{_quote_list(sorted(overlap))} is both a keyword and an excluded word, "
            "so the rule can never match on it."
        )
    if not spec.has_conditions:
        problems.append(
            "Warning: this rule has no conditions, so it matches every case and no rule "
            "after it will ever run."
        )
    if not (spec.department_slug or spec.priority or spec.ack_template or spec.auto_resolve):
        problems.append(
            "Warning: this rule sets no department, priority, acknowledgement or "
            "auto-resolve, so matching it changes nothing but stops later rules."
        )
    return problems


def _keyword_problems(label: str, keyword: str) -> list[str]:
    stripped = (keyword or "").strip()
    if not stripped:
        return [f"An empty {label} was given."]
    words, _ = _parse_keyword(stripped)
    if not words:
        return [f'The {label} "{stripped}" has no letters or digits, so it can never match.']
    problems = []
    if "*" in stripped.rstrip("*") or stripped.endswith("**"):
        problems.append(f'The {label} "{stripped}": "*" is only allowed once, at the end.')
    if stripped.endswith("*") and len(words[-1]) < _MIN_WILDCARD_STEM:
        problems.append(
            f'Warning: the {label} "{stripped}" has a very short stem and will match '
            "many unrelated words."
        )
    return problems


def answer_condition_problems(
    spec: RuleSpec, questions: Mapping[str, Sequence[str] | None] | None
) -> list[str]:
    problems: list[str] = []
    for key, wanted in spec.answer_conditions:
        if not key.strip():
            problems.append("An answer condition has no question name.")
            continue
        if not wanted:
            problems.append(f'The answer condition on "{key}" lists no answer to look for.')
            continue
        if questions is None:
            continue
        if key not in questions:
            known = ", ".join(sorted(questions)) or "none"
            problems.append(
                f'No service of this rule asks a question called "{key}" (its questions: {known}).'
            )
            continue
        allowed = questions[key]
        if allowed is None:
            continue
        allowed_norm = {v for a in allowed for v in answer_values(a)}
        for value in wanted:
            if value not in allowed_norm:
                problems.append(
                    f'"{value}" is not an answer to "{key}": use one of {_quote_list(allowed)}.'
                )
    if spec.answer_conditions and not spec.services:
        problems.append(
            "Warning: answer conditions name a service's question; choose the service too, "
            "or the rule may match another service's question of the same name."
        )
    return problems
