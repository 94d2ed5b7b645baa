"""Topics another council handles: in a two-tier county, the district councils run council tax,
bin collections, planning, housing and more. A resident who searches for one is told plainly who
does it and where to go, instead of being offered the county's nearest-sounding form.

The list is configuration, not code: SIGNPOSTS_FILE names a JSON file with the same shape as
DEFAULT_SIGNPOSTS (a council sets its own district names and links there).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

FIND_LOCAL_COUNCIL = "https://www.gov.uk/find-local-council"
DISTRICT = "your district, borough or city council"

DEFAULT_SIGNPOSTS: list[dict[str, Any]] = [
    {
        "topic": "Council Tax",
        "phrases": [
            "council tax",
            "ctax",
            "single person discount",
            "council tax band",
            "council tax reduction",
            "council tax bill",
        ],
        "who": DISTRICT,
        "url": FIND_LOCAL_COUNCIL,
        "detail": "They send Council Tax bills, collect payments and give discounts.",
    },
    {
        "topic": "Business rates",
        "phrases": ["business rates", "non domestic rates", "rateable value"],
        "who": DISTRICT,
        "url": FIND_LOCAL_COUNCIL,
        "detail": "They bill and collect business rates and give rate relief.",
    },
    {
        "topic": "Bin collections",
        "phrases": [
            "bin collection",
            "bin day",
            "bins collected",
            "new bin",
            "replacement bin",
            "wheelie bin",
            "garden waste collection",
            "recycling collection",
            "missed bin",
            "bin not emptied",
            "bin wasn't emptied",
            "bin was not emptied",
        ],
        "who": DISTRICT,
        "url": FIND_LOCAL_COUNCIL,
        "detail": "They empty household bins, deliver new or replacement bins and run garden "
        "waste collections. The county council runs the recycling centres (tips).",
    },
    {
        "topic": "Planning and building control",
        "phrases": [
            "planning application",
            "planning permission",
            "planning objection",
            "building control",
            "building regulations",
            "extension plans",
            "planning enforcement",
        ],
        "who": DISTRICT,
        "url": FIND_LOCAL_COUNCIL,
        "detail": "They decide most planning applications and handle building control. The county "
        "council decides minerals, waste and its own schools' and roads' planning.",
    },
    {
        "topic": "Housing and homelessness",
        "phrases": [
            "council house",
            "council housing",
            "housing register",
            "homeless",
            "homelessness",
            "housing benefit",
            "housing list",
            "social housing",
        ],
        "who": DISTRICT,
        "url": FIND_LOCAL_COUNCIL,
        "detail": "They run the housing register, help people who are homeless or at risk of it, "
        "and pay Housing Benefit.",
    },
    {
        "topic": "Noise, pests and food hygiene",
        "phrases": [
            "noise complaint",
            "noisy neighbour",
            "noisy neighbours",
            "pest control",
            "rats",
            "mice",
            "wasps",
            "food hygiene",
            "food poisoning",
            "dog fouling",
            "dog mess",
            "stray dog",
            "street cleaning",
            "litter bin",
            "abandoned vehicle",
            "abandoned car",
        ],
        "who": DISTRICT,
        "url": FIND_LOCAL_COUNCIL,
        "detail": "Their environmental health and street cleaning teams deal with noise, pests, "
        "food hygiene, dog fouling, litter and abandoned vehicles.",
    },
    {
        "topic": "Voting and elections",
        "phrases": [
            "register to vote",
            "electoral register",
            "electoral roll",
            "postal vote",
            "polling station",
            "poll card",
        ],
        "who": DISTRICT,
        "url": FIND_LOCAL_COUNCIL,
        "detail": "Their electoral services team keeps the electoral register and runs elections.",
    },
    {
        "topic": "Licences",
        "phrases": [
            "taxi licence",
            "alcohol licence",
            "premises licence",
            "licensing",
            "street trading licence",
        ],
        "who": DISTRICT,
        "url": FIND_LOCAL_COUNCIL,
        "detail": "They license taxis, pubs, shops selling alcohol and street traders.",
    },
]


@dataclass(frozen=True)
class Signpost:
    topic: str
    who: str
    url: str
    detail: str
    phrases: tuple[str, ...]


def _normal(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")))


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[Signpost, ...]:
    raw = json.loads(Path(path).read_text()) if path else DEFAULT_SIGNPOSTS
    return tuple(
        Signpost(
            topic=item["topic"],
            who=item.get("who", DISTRICT),
            url=item.get("url", FIND_LOCAL_COUNCIL),
            detail=item.get("detail", ""),
            phrases=tuple(_normal(p) for p in item["phrases"]),
        )
        for item in raw
    )


def signposts() -> tuple[Signpost, ...]:
    return _load(settings.SIGNPOSTS_FILE)


def signposts_for(query: str) -> list[Signpost]:
    """Signposts whose phrase appears, as whole words, in what the resident typed."""
    text = f" {_normal(query)} "
    return [s for s in signposts() if any(f" {phrase} " in text for phrase in s.phrases)]
