"""Finding a service from what a resident types: simple, ranked, the same on SQLite and PostgreSQL.

The catalogue is small (tens of services), so the database narrows by words and Python ranks by
relevance (relevance()): whole words only ("tax" is not "taxi"); a word in the name counts most,
then the search keywords, the topic, the summary; services that match every word, that the words
describe most closely, or that contain the whole phrase come first. Words every page of a
council's site carries ("council", its name) carry no meaning here.
"""

import re
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q

from enquiries.models import Service

MAX_QUERY = 100
STOP_WORDS = frozenset(
    re.findall(
        r"\w+",
        "a an and the to of in on for my is it i me our about with how do can what council county",
    )
)
# the verbs and joining words of service names: they say nothing about what a service is for
NAME_FILLER = frozenset(re.findall(r"\w+", "report apply ask tell book find get make or an"))
WEIGHTS = (("name", 5), ("keywords", 3), ("topic", 2), ("summary", 1))


def _stem(word: str) -> str:
    """A plural s dropped ("potholes" finds "pothole"); enough for a catalogue's plain English."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def search_words(query: str) -> list[str]:
    """Lower-case words without stop words, stemmed."""
    words = []
    ignored = STOP_WORDS | set(re.findall(r"\w+", settings.COUNCIL_NAME.lower()))
    for word in re.findall(r"\w+", (query or "")[:MAX_QUERY].lower()):
        if word in ignored:
            continue
        word = _stem(word)
        if word not in words:
            words.append(word)
    return words[:10]


def _field_words(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"\w+", text.lower())}


def relevance(words: list[str], phrase: str, fields: dict[str, str]) -> int:
    """Each word scores by the best field it is in; services matching every word, covering more
    of their own name (the specific "Report a pothole" before "Report a dangerous pothole or road
    defect" for "pothole") or containing the whole phrase rank higher."""
    found = {field: _field_words(text) for field, text in fields.items()}
    best = [
        max((weight for field, weight in WEIGHTS if w in found[field]), default=0) for w in words
    ]
    score = sum(best)
    if not score:
        return 0
    if all(best):
        score += 4 * len(words)
    name_words = found["name"] - STOP_WORDS - NAME_FILLER
    if name_words:
        score += round(10 * len(name_words & set(words)) / len(name_words))
    if len(words) > 1 and any(phrase in fields[f].lower() for f in ("name", "keywords")):
        score += 10
    return score


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
    phrase = " ".join(re.findall(r"\w+", query.lower()))
    scored = []
    for service in candidates:
        fields = {
            "name": service.name,
            "keywords": service.keywords,
            "topic": service.topic.name,
            "summary": service.summary,
        }
        score = relevance(words, phrase, fields)
        if score:
            scored.append((-score, service.name, service))
    scored.sort(key=lambda item: item[:2])
    return [service for _score, _name, service in scored[:limit]]
