"""The routing rule editor's form: answer conditions are checked against the chosen services."""

from __future__ import annotations

from typing import Any

from django import forms

from enquiries.models import RoutingRule


def clean_answer_conditions(value: Any) -> dict[str, list[str]]:
    """{question_key: value or [values]} in the stored shape, or ValidationError saying why."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise forms.ValidationError(
            'Answer conditions must be an object, e.g. {"depth": ["Deeper than 10cm"]}.'
        )
    cleaned: dict[str, list[str]] = {}
    for key, wanted in value.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        if not values or not all(isinstance(v, str | bool) and str(v).strip() for v in values):
            raise forms.ValidationError(
                f'The answer condition on "{key}" needs an answer, or a list of answers, as text.'
            )
        cleaned[key] = [
            ("Yes" if v else "No") if isinstance(v, bool) else v.strip() for v in values
        ]
    return cleaned


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = [
            "name",
            "order",
            "enabled",
            "services",
            "keywords_any",
            "keywords_none",
            "answer_conditions",
            "postcode_districts",
            "channels",
            "resident_flags",
            "department",
            "priority",
            "ack_template",
            "auto_resolve",
            "standard_answer",
        ]

    def clean_answer_conditions(self) -> dict[str, list[str]]:
        return clean_answer_conditions(self.cleaned_data.get("answer_conditions"))

    def clean(self) -> dict[str, Any]:
        from enquiries.routing import RuleSpec, answer_condition_problems
        from enquiries.routing_facts import questions_of

        cleaned = super().clean() or {}
        conditions = cleaned.get("answer_conditions")
        services = cleaned.get("services")
        if conditions and services:
            spec = RuleSpec(
                id=self.instance.pk or 0,
                name=cleaned.get("name") or "",
                order=cleaned.get("order") or 0,
                services=frozenset(s.slug for s in services),
                answer_conditions=conditions,
            )
            for problem in answer_condition_problems(spec, questions_of(services)):
                if not problem.startswith("Warning: "):
                    self.add_error("answer_conditions", problem)
        return cleaned
