"""Finding a service from what a resident types: simple, ranked, the same on SQLite and PostgreSQL.

The catalogue is small (tens of services), so the database narrows by words and Python ranks:
a word in the name counts most, then the search keywords, the topic, then the summary.
"""

import re
from functools import reduce
from operator import or_

from django.db.models import Q

from enquiries.models import Service

MAX_QUERY = 100
STOP_WORDS = {"a", "an", "and", "the", "to", "of", "in", "on", "for", "my", "is", "it", "i"}
WEIGHTS = (("name", 5), ("keywords", 3), ("topic", 2), ("summary", 1))


def search_words(query: str) -> list[str]:
    """Lower-case words without stop words, with a plural s dropped ("potholes" finds "pothole")."""
    words = []
    for word in re.findall(r"\w+", (query or "")[:MAX_QUERY].lower()):
        if word in STOP_WORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if word not in words:
            words.append(word)
    return words[:10]


def search_services(query: str, limit: int = 20) -> list[Service]:
    words = search_words(query)
    if not words:
        return []
    match = reduce(
        or_,
        (
            Q(name__icontains=w)
            | Q(keywords__icontains=w)
            | Q(topic__name__icontains=w)
            | Q(summary__icontains=w)
            for w in words
        ),
    )
    candidates = Service.objects.filter(match, is_active=True).select_related("topic")
    scored = []
    for service in candidates:
        fields = {
            "name": service.name.lower(),
            "keywords": service.keywords.lower(),
            "topic": service.topic.name.lower(),
            "summary": service.summary.lower(),
        }
        score = sum(weight for w in words for field, weight in WEIGHTS if w in fields[field])
        scored.append((-score, service.name, service))
    scored.sort(key=lambda item: item[:2])
    return [service for _score, _name, service in scored[:limit]]
