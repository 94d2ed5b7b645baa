"""Finding a service from what a resident types: simple, ranked, the same on SQLite and PostgreSQL.

The catalogue is small (tens of services), so it is read once, with each field's words, and
shared for CATALOGUE_SECONDS (a new or withdrawn service is found within that time, as on the
start page); Python ranks every service by relevance (relevance()): whole words only ("tax" is
not "taxi"); a word in the name counts most, then the search keywords, the topic, the summary;
services that match every word, that the words describe most closely, or that contain the whole
phrase come first. Words every page of a council's site carries ("council", its name) carry no
meaning here. (Asking the database to narrow by words first cost more than ranking them all.)
"""

import re
from typing import Any

from django.conf import settings
from django.core.cache import cache

from enquiries.models import Service, Topic

MAX_QUERY = 100
#: How long the catalogue (the start page's list, and search's words) is shared, like the staff
#: pages' reference lists (ADR 0017): a new or withdrawn service shows within this time, and
#: its own page and form check it as it is.
CATALOGUE_SECONDS = 20
CATALOGUE_KEY = "web:search-catalogue"
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


def _field_words(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in re.findall(r"\w+", text.lower()))


def relevance(words: list[str], phrase: str, fields: dict[str, str]) -> int:
    """Each word scores by the best field it is in; services matching every word, covering more
    of their own name (the specific "Report a pothole" before "Report a dangerous pothole or road
    defect" for "pothole") or containing the whole phrase rank higher."""
    return _score(words, phrase, fields, {field: _field_words(t) for field, t in fields.items()})


def _score(
    words: list[str], phrase: str, fields: dict[str, str], found: dict[str, frozenset[str]]
) -> int:
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
    wanted = set(words)
    phrase = " ".join(re.findall(r"\w+", query.lower()))
    scored = []
    for pk, fields, found in _catalogue():
        if not any(wanted & field_words for field_words in found.values()):
            continue  # no word of the query in any field: nothing to score
        score = _score(words, phrase, fields, found)
        if score:
            scored.append((-score, fields["name"], pk, fields))
    scored.sort(key=lambda item: item[:2])
    return [_listed(pk, fields) for _score_, _name, pk, fields in scored[:limit]]


def _catalogue() -> list[tuple[int, dict[str, str], dict[str, frozenset[str]]]]:
    """Every active service: its id, the fields ranked, and their words; shared."""
    shared: list[Any] | None = cache.get(CATALOGUE_KEY)
    if shared is None:
        shared = []
        for pk, name, slug, summary, keywords, topic in Service.objects.filter(
            is_active=True
        ).values_list("pk", "name", "slug", "summary", "keywords", "topic__name"):
            fields = {"name": name, "keywords": keywords, "topic": topic, "summary": summary}
            found = {field: _field_words(text) for field, text in fields.items()}
            shared.append((pk, {**fields, "slug": slug}, found))
        cache.set(CATALOGUE_KEY, shared, CATALOGUE_SECONDS)
    return shared


def _listed(pk: int, fields: dict[str, str]) -> Service:
    """A result as the page shows it: name, slug, summary and the topic's name."""
    service = Service(
        pk=pk,
        name=fields["name"],
        slug=fields["slug"],
        summary=fields["summary"],
        keywords=fields["keywords"],
    )
    service.topic = Topic(name=fields["topic"])
    return service
