"""Generated labelled enquiries for tests, the benchmark and the demo: varied wording, shared
filler, typos and some mixed-up messages, so a classifier has real work to do."""

from __future__ import annotations

import random
from collections.abc import Iterator

#: slug -> (name, synonyms for the catalogue, phrases residents use)
TOPICS: dict[str, tuple[str, str, list[str]]] = {
    "report-a-street-light-fault": (
        "Report a street light fault",
        "street light, lamp post, streetlight",
        [
            "the street light is out",
            "lamp post flickering all night",
            "streetlight not working",
            "the light on the corner stays on all day",
            "lamppost is dark",
            "bulb gone in the lamp",
        ],
    ),
    "report-a-pothole": (
        "Report a pothole",
        "pothole, road surface, hole in road",
        [
            "there is a deep pothole",
            "big hole in the road",
            "road surface is breaking up",
            "crater in the carriageway",
            "pot hole damaged my tyre",
            "the tarmac has sunk",
        ],
    ),
    "missed-bin-collection": (
        "Report a missed bin collection",
        "bin, rubbish, collection, wheelie bin",
        [
            "my bin was not emptied",
            "the bin men missed our street",
            "recycling not collected",
            "wheelie bin left full",
            "rubbish collection missed again",
            "brown bin not taken",
        ],
    ),
    "report-fly-tipping": (
        "Report fly-tipping",
        "fly tipping, dumped rubbish, dumping",
        [
            "someone dumped a mattress",
            "fly tipping in the lane",
            "rubbish dumped by the gate",
            "a pile of builders waste left",
            "old fridge dumped on the verge",
            "bags dumped overnight",
        ],
    ),
    "winter-gritting-question": (
        "Ask about winter gritting",
        "gritting, grit bin, ice, snow",
        [
            "when will you grit our road",
            "the grit bin is empty",
            "roads are icy is it gritted",
            "is our street on the gritting route",
            "snow on the hill not treated",
            "salt the road",
        ],
    ),
    "library-membership": (
        "Join the library",
        "library card, membership, books",
        [
            "how do I join the library",
            "lost my library card",
            "can my child get a library card",
            "renew my membership",
            "library card for a new resident",
            "borrow books online",
        ],
    ),
    "blue-badge": (
        "Apply for a blue badge",
        "blue badge, disabled parking",
        [
            "apply for a blue badge",
            "my blue badge expires",
            "disabled parking permit",
            "renew the badge for my mother",
            "blue badge application status",
            "badge was stolen",
        ],
    ),
    "school-admissions": (
        "School admissions",
        "school place, admissions, transfer",
        [
            "apply for a school place",
            "secondary school application",
            "in year transfer",
            "appeal a school place",
            "reception place for my son",
            "which school catchment",
        ],
    ),
    "noise-complaint": (
        "Report noise",
        "noise, loud music, barking",
        [
            "loud music every night",
            "neighbours party until 3am",
            "dog barking all day",
            "noise from the pub",
            "alarm going off for hours",
            "constant drilling next door",
        ],
    ),
    "overgrown-hedge": (
        "Report an overgrown hedge or tree",
        "hedge, tree, branches, vegetation",
        [
            "hedge blocking the pavement",
            "overhanging branches",
            "tree about to fall",
            "bushes covering the road sign",
            "vegetation blocking the footpath",
            "ivy over the path",
        ],
    ),
    "blocked-drain": (
        "Report a blocked drain or flooding",
        "drain, gully, flooding, flood",
        [
            "the drain is blocked",
            "road flooded after rain",
            "gully full of leaves",
            "water pouring across the road",
            "flooding outside my house",
            "sewer smell from drain",
        ],
    ),
    "parking-enforcement": (
        "Report a parking problem",
        "parking, parked cars, double yellow",
        [
            "cars parked on double yellow lines",
            "van blocking my drive",
            "parking on the pavement",
            "abandoned car for weeks",
            "people park across my dropped kerb",
            "bus stop blocked",
        ],
    ),
}

OPENERS = ["Hi,", "Hello,", "Dear council,", "Good morning,", "To whom it may concern,", "", ""]
PLACES = [
    "on Ribble Lane",
    "outside number 12",
    "near the school",
    "by the church",
    "on the High Street",
    "at the junction with Mill Road",
    "",
    "in our close",
]
CLOSERS = [
    "Please can someone look at it.",
    "Thanks.",
    "This has been going on for weeks.",
    "Can you help?",
    "It is dangerous.",
    "Regards",
    "",
    "Please sort it out.",
]
FILLER = ["also", "again", "really", "please", "urgent", "still", "today", "yesterday"]


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 6 or rng.random() > 0.3:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1 :]  # a dropped letter


def message(rng: random.Random, slug: str, *, confusion: float = 0.1) -> str:
    """One resident's words about ``slug`` (sometimes mentioning another topic too)."""
    phrases = TOPICS[slug][2]
    parts = [rng.choice(OPENERS), _typo(rng, rng.choice(phrases)), rng.choice(PLACES)]
    if rng.random() < 0.4:
        parts.append(rng.choice(FILLER))
    if rng.random() < confusion:
        other = rng.choice([s for s in TOPICS if s != slug])
        parts.append("and " + rng.choice(TOPICS[other][2]))
    parts.append(rng.choice(CLOSERS))
    return " ".join(p for p in parts if p)


def labelled(n: int, *, seed: int = 0, confusion: float = 0.1) -> Iterator[tuple[str, str]]:
    """n (text, service slug) pairs, topics equally likely."""
    rng = random.Random(seed)
    slugs = sorted(TOPICS)
    for _ in range(n):
        slug = rng.choice(slugs)
        yield message(rng, slug, confusion=confusion), slug
