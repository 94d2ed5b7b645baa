"""The words the router reads: a case's own text, and the service catalogue's for a cold start."""

from __future__ import annotations

from enquiries.choices import Channel
from enquiries.models import Case, Service


def case_text(case: Case) -> str:
    """What the resident wrote. A web summary starts with the service's name (the form knew
    it), which an email never has, so web cases give only their description."""
    if case.channel == Channel.WEB:
        return case.description or ""
    return f"{case.summary}\n{case.description}".strip()


def catalogue_texts(service: Service) -> list[str]:
    """Several short texts per service: name, summary, description, synonyms, questions."""
    texts = [service.name, f"{service.name}. {service.summary}", service.description]
    if service.keywords:
        texts.append(f"{service.name} {service.keywords}")
        texts.extend(word.strip() for word in service.keywords.split(",") if word.strip())
    for question in service.questions or []:
        label = question.get("label", "")
        choices = " ".join(str(c) for c in question.get("choices", []))
        texts.append(f"{service.name}: {label} {choices}".strip())
    return [t for t in texts if t and t.strip()]
