"""Places: where a case is, from the ONS Postcode Directory, and what else is open near it.

One module for every place rule so intake (every channel), the web journey, staff screens and
the API agree: a postcode becomes coordinates, ward, LSOA and deprivation decile; a place outside
the council's area gets a clear answer naming the council that owns it; "tell us once" finds open
reports of a service within a radius. No PostGIS: a bounding box on indexed latitude/longitude,
then the exact distance in Python, so the embedded SQLite default works the same.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, overload

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from enquiries import fixed_queries
from enquiries.choices import OPEN_STATUSES, Channel
from enquiries.models import AreaName, Case, PostcodeUnit, Service

EARTH_RADIUS_M = 6_371_008.8
# Neighbourhoods ranked by each nation's index of multiple deprivation (ONSPD `imd` is the rank
# within the nation): England's IMD 2019 has 32,844 LSOAs, Wales 1,909, Scotland 6,976 data
# zones, Northern Ireland 890 SOAs.
IMD_AREAS = {"E": 32_844, "W": 1_909, "S": 6_976, "9": 890}
# ONSPD's pseudo-codes for "no county" (unitary areas) and similar gaps.
NO_AREA_SUFFIX = "99999999"
# Channels where a person is there to be told "not here" before anything is written. Email and
# anything else is never refused for its place: it is kept and flagged for staff.
ANSWERING_CHANNELS = frozenset({Channel.WEB, Channel.API, Channel.PHONE, Channel.FACE_TO_FACE})


@dataclass(frozen=True)
class Place:
    """A postcode as the directory knows it."""

    postcode: str
    latitude: float | None
    longitude: float | None
    county_code: str
    district_code: str
    ward_code: str
    lsoa_code: str
    imd_rank: int | None
    terminated: str

    @property
    def imd_decile(self) -> int | None:
        return imd_decile(self.imd_rank, self.lsoa_code)

    @property
    def codes(self) -> set[str]:
        return {c for c in (self.county_code, self.district_code) if c}


def imd_decile(rank: int | None, lsoa_code: str) -> int | None:
    """1 = the most deprived tenth of the nation's neighbourhoods, 10 = the least."""
    total = IMD_AREAS.get(lsoa_code[:1]) if lsoa_code else None
    if not rank or not total or rank > total:
        return None
    return min(10, math.ceil(rank * 10 / total))


def lookup(postcode: str) -> Place | None:
    """The directory's row for a normalised postcode ("PR1 8XJ"), terminated ones included."""
    if not postcode:
        return None
    # Compiled once per process (enquiries.fixed_queries): the journey's "where" page and every
    # new case look a postcode up, and building the query cost more than running it.
    rows = fixed_queries.rows("postcode-place", _lookup_query, postcode)
    return Place(*rows[0]) if rows else None


def _lookup_query(postcode: str) -> QuerySet[Any]:
    """The postcode is unique: no ORDER BY to compile or sort."""
    return (
        PostcodeUnit.objects.filter(postcode=postcode)
        .order_by()
        .values_list(*(f.name for f in fields(Place)))[:1]
    )


def _place(row: PostcodeUnit) -> Place:
    return Place(
        postcode=row.postcode,
        latitude=row.latitude,
        longitude=row.longitude,
        county_code=row.county_code,
        district_code=row.district_code,
        ward_code=row.ward_code,
        lsoa_code=row.lsoa_code,
        imd_rank=row.imd_rank,
        terminated=row.terminated,
    )


NEAREST_WITHIN_M = 500


def nearest_place(latitude: float, longitude: float) -> Place | None:
    """The live postcode nearest a map pin (within 500 m), for its ward, LSOA and council."""
    south, north, west, east = bounding_box(latitude, longitude, NEAREST_WITHIN_M)
    rows = PostcodeUnit.objects.filter(
        terminated="",
        latitude__gte=float(south),
        latitude__lte=float(north),
        longitude__gte=float(west),
        longitude__lte=float(east),
    )[:2000]
    best = min(
        rows,
        # every row has coordinates: the bounding box filters on them
        key=lambda r: distance_metres(latitude, longitude, r.latitude or 0.0, r.longitude or 0.0),
        default=None,
    )
    return _place(best) if best is not None else None


def directory_loaded() -> bool:
    # asked of every case whose postcode the directory lacks: compiled once (fixed_queries)
    return bool(fixed_queries.rows("directory-loaded", _any_postcode, None))


def _any_postcode(_: None) -> QuerySet[Any]:
    return PostcodeUnit.objects.order_by().values_list("pk")[:1]


def area_name(code: str) -> str:
    if not code:
        return ""
    return AreaName.objects.filter(code=code).values_list("name", flat=True).first() or ""


def in_council_area(place: Place) -> bool:
    codes = set(settings.COUNCIL_AREA_CODES)
    return not codes or bool(place.codes & codes)


def owning_council(place: Place) -> str:
    """The name of the area that owns a place outside ours: its county, else its district."""
    for code in (place.county_code, place.district_code):
        if code and not code.endswith(NO_AREA_SUFFIX):
            name = area_name(code)
            if name:
                return name
    return ""


def outside_message(place: Place) -> str:
    """ "SW1A 1AA is not in Northmoor: contact Westminster City Council"."""
    owner = owning_council(place)
    where = f"{place.postcode} is not in {settings.COUNCIL_AREA_NAME}"
    return f"{where}: contact {owner}" if owner else f"{where}: contact the council for that area"


# --- Boundary polygon (optional, for pins) -------------------------------------------------------


@lru_cache(maxsize=4)
def _polygons(path: str) -> tuple[tuple[tuple[tuple[float, float], ...], ...], ...]:
    """Each polygon as rings of (lon, lat): the outer ring first, then holes."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"PLACES_BOUNDARY_GEOJSON {path!r} is not a readable GeoJSON file."
        ) from exc
    geometries: list[dict[str, Any]] = []
    features = data.get("features") if data.get("type") == "FeatureCollection" else [data]
    for item in features or []:
        geometries.append(item.get("geometry", item) if item.get("type") == "Feature" else item)
    polygons = []
    for geometry in geometries:
        if geometry.get("type") == "Polygon":
            shapes = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            shapes = geometry["coordinates"]
        else:
            continue
        for rings in shapes:
            polygons.append(tuple(tuple((float(x), float(y)) for x, y, *_ in r) for r in rings))
    if not polygons:
        raise ImproperlyConfigured(f"PLACES_BOUNDARY_GEOJSON {path!r} holds no polygon.")
    return tuple(polygons)


def _in_ring(lon: float, lat: float, ring: tuple[tuple[float, float], ...]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_boundary(latitude: float, longitude: float) -> bool | None:
    """Whether a point is inside the boundary polygon; None when no polygon is configured."""
    path = settings.PLACES_BOUNDARY_GEOJSON
    if not path:
        return None
    for outer, *holes in _polygons(path):
        if _in_ring(longitude, latitude, outer) and not any(
            _in_ring(longitude, latitude, h) for h in holes
        ):
            return True
    return False


# --- The checks intake and the forms share -------------------------------------------------------


#: check_place/placing look the postcode up themselves unless given the looked-up place.
LOOK_UP: Any = object()


def check_place(
    *,
    service: Service | None,
    postcode: str,
    latitude: Decimal | float | None,
    longitude: Decimal | float | None,
    channel: str = Channel.WEB,
    place: Place | None = LOOK_UP,
) -> dict[str, list[str]]:
    """Errors keyed by field for a place the council cannot act on; empty when it can.

    Only channels with someone to answer refuse (see ANSWERING_CHANNELS), and a service that
    accepts outside addresses never does. Unknown postcodes are never refused: they are kept
    as typed and flagged for staff (``placing``).
    """
    errors: dict[str, list[str]] = {}
    if (latitude is None) != (longitude is None):
        errors["latitude"] = ["Give both a latitude and a longitude, or neither."]
        return errors
    if latitude is not None and not (-90 <= float(latitude) <= 90):
        errors["latitude"] = ["The latitude must be between -90 and 90."]
    if longitude is not None and not (-180 <= float(longitude) <= 180):
        errors["longitude"] = ["The longitude must be between -180 and 180."]
    if errors or channel not in ANSWERING_CHANNELS:
        return errors
    if service is not None and service.accepts_outside_area:
        return errors
    if place is LOOK_UP:
        place = lookup(postcode)
    if place is not None and not in_council_area(place):
        errors["postcode"] = [outside_message(place)]
    if latitude is not None and longitude is not None and place is None:  # a pin alone: inside?
        outside = _pin_outside(float(latitude), float(longitude))
        if outside:
            errors["latitude"] = [outside]
    return errors


def _pin_outside(latitude: float, longitude: float) -> str:
    """Why a pin is outside the area ("" when it is inside or cannot be told): the boundary
    polygon when there is one, else the council of the nearest postcode."""
    inside = point_in_boundary(latitude, longitude)
    if inside is None:
        near = nearest_place(latitude, longitude)
        if near is None or in_council_area(near):
            return ""
        owner = owning_council(near)
    elif inside:
        return ""
    else:
        owner = ""
    where = f"The place marked on the map is not in {settings.COUNCIL_AREA_NAME}"
    if owner:
        return f"{where}: contact {owner}"
    return f"{where}: move the pin, or contact the council for that area"


def placing(
    *,
    postcode: str,
    latitude: Decimal | float | None,
    longitude: Decimal | float | None,
    place: Place | None = LOOK_UP,
) -> dict[str, Any]:
    """The place fields stored on a case: coordinates (a pin wins over the postcode's
    centre), ward, LSOA, deprivation decile, and a note for staff when something is odd."""
    fields: dict[str, Any] = {
        "latitude": _decimal(latitude),
        "longitude": _decimal(longitude),
        "ward_code": "",
        "ward_name": "",
        "lsoa_code": "",
        "imd_decile": None,
        "place_note": "",
    }
    if not postcode and fields["latitude"] is None:
        return fields
    if not postcode:
        place = nearest_place(float(fields["latitude"]), float(fields["longitude"]))
    elif place is LOOK_UP:
        place = lookup(postcode)
    if place is None and not postcode:
        return fields
    if place is None:
        if directory_loaded():
            fields["place_note"] = (
                f"Postcode {postcode} is not in the postcode directory: check the place."
            )
        return fields
    if fields["latitude"] is None and place.latitude is not None:
        fields["latitude"] = _decimal(place.latitude)
        fields["longitude"] = _decimal(place.longitude)
    fields.update(
        ward_code=place.ward_code,
        ward_name=area_name(place.ward_code),
        lsoa_code=place.lsoa_code,
        imd_decile=place.imd_decile,
    )
    notes = []
    if place.terminated:
        notes.append(
            f"Postcode {postcode} was terminated in {place.terminated[:4]}-{place.terminated[4:]}; "
            "placed where it was."
        )
    if not in_council_area(place):
        notes.append(outside_message(place) + ".")
    fields["place_note"] = " ".join(notes)[:200]
    return fields


@overload
def _decimal(value: Decimal | float) -> Decimal: ...
@overload
def _decimal(value: None) -> None: ...
def _decimal(value: Decimal | float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(float(value), 6)))


# --- Nearby: "tell us once" by distance ----------------------------------------------------------


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bounding_box(latitude: float, longitude: float, radius_m: float) -> tuple[Decimal, ...]:
    """(south, north, west, east) enclosing the circle, widened slightly for rounding."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.01
    dlon = dlat / max(math.cos(math.radians(latitude)), 0.01)
    return tuple(
        Decimal(str(round(v, 6)))
        for v in (latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon)
    )


def radius_for(service: Service) -> int:
    return service.nearby_radius_metres or settings.NEARBY_RADIUS_METRES


@dataclass(frozen=True)
class NearbyCase:
    case: Case
    distance_m: float


def open_cases_near(
    *,
    service: Service,
    latitude: Decimal | float,
    longitude: Decimal | float,
    radius_m: float | None = None,
    limit: int = 20,
    cases: QuerySet[Case] | None = None,
) -> list[NearbyCase]:
    """Open reports of this service within the radius, nearest first.

    The bounding box reads the partial index case_open_place_idx; the exact circle is cut in
    Python (a few rows at most).
    """
    lat, lon = float(latitude), float(longitude)
    radius = float(radius_m if radius_m is not None else radius_for(service))
    south, north, west, east = bounding_box(lat, lon, radius)
    rows = (
        (Case.objects.all() if cases is None else cases)
        .filter(
            service=service,
            status__in=OPEN_STATUSES,
            merged_into__isnull=True,
            latitude__isnull=False,
            latitude__gte=south,
            latitude__lte=north,
            longitude__gte=west,
            longitude__lte=east,
        )
        .only(
            "id",
            "reference",
            "address",
            "postcode",
            "status",
            "created_at",
            "service_id",
            "description",
            "latitude",
            "longitude",
            "summary",
            "resident_id",
        )
    )
    found = []
    for case in rows.order_by()[:500]:  # no ORDER BY: the index answers, Python sorts
        if case.latitude is None or case.longitude is None:  # filtered out above
            continue
        d = distance_metres(lat, lon, float(case.latitude), float(case.longitude))
        if d <= radius:
            found.append(NearbyCase(case=case, distance_m=d))
    found.sort(key=lambda n: (n.distance_m, -n.case.created_at.timestamp()))
    return found[:limit]


def centre_of(postcode: str) -> tuple[Decimal, Decimal] | None:
    """A postcode's coordinates, for searching the map by postcode."""
    place = lookup(postcode)
    if place is None or place.latitude is None or place.longitude is None:
        return None
    return _decimal(place.latitude), _decimal(place.longitude)


def point_for(
    postcode: str, latitude: Decimal | float | str | None, longitude: Decimal | float | str | None
) -> tuple[float, float] | None:
    """Where to look: the pin when there is one, else the postcode's centre."""
    if latitude not in (None, "") and longitude not in (None, ""):
        return float(latitude), float(longitude)
    place = lookup(postcode)
    if place is not None and place.latitude is not None and place.longitude is not None:
        return place.latitude, place.longitude
    return None


def open_reports_near(
    *,
    service: Service,
    postcode: str,
    latitude: Decimal | float | str | None = None,
    longitude: Decimal | float | str | None = None,
    limit: int = 5,
    cases: QuerySet[Case] | None = None,
) -> list[Case]:
    """ "Tell us once": open reports of the service within its radius of the pin or postcode.

    With no postcode directory loaded at all (a fresh install), reports in the same postcode
    district are offered instead, as before places existed.
    """
    point = point_for(postcode, latitude, longitude)
    if point is not None:
        found = open_cases_near(
            service=service, latitude=point[0], longitude=point[1], limit=limit, cases=cases
        )
        return [n.case for n in found]
    if not postcode or directory_loaded():
        return []
    return list(
        (Case.objects.all() if cases is None else cases)
        .filter(
            service=service,
            postcode_district=postcode.split(" ")[0],
            status__in=OPEN_STATUSES,
            merged_into__isnull=True,
        )
        .order_by("-created_at")[:limit]
    )


def public_snippet(case: Case, service: Service | None = None) -> str:
    """What other residents may read about a report: the answers it gave to the service's
    fixed-choice questions (depth, on a bus route…), which cannot carry personal data.

    The free-text description is not part of it: residents wrote it to the council, and it often
    names people or homes. Only with the resident's consent does a masked snippet show, through
    enquiries.public_reports.
    """
    source = service or case.service
    questions = source.questions if source else []
    parts = []
    for question in questions:
        value = (case.answers or {}).get(question["name"])
        if question["type"] == "choice" and isinstance(value, str) and value:
            parts.append(f"{question['label'].rstrip('?')}: {value}")
        elif question["type"] == "yes_no" and isinstance(value, bool):
            parts.append(f"{question['label'].rstrip('?')}: {'yes' if value else 'no'}")
    return "; ".join(parts)[:200]


# Past this many pins the staff worklist map clusters them (Leaflet.markercluster).
CLUSTER_OVER = 300
MAP_PIN_LIMIT = 5000


def map_config(
    *, centre: tuple[float, float] | None, reports: list[dict[str, Any]], zoomed: bool = False
) -> dict[str, Any]:
    """The settings the map script (static/js/place-map.js) reads, for any page with a map."""
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "centre": list(centre) if centre else list(settings.MAP_DEFAULT_CENTRE),
        "zoomed": zoomed,
        "pin": False,
        "fit": len(reports) > 1,
        "cluster": len(reports) > CLUSTER_OVER,
        "postcode_url": "",
        "reports": reports,
    }


def first_photos(case_ids: list[int]) -> dict[int, int]:
    """The first kept image of each case, for thumbnails on staff screens (one query)."""
    from enquiries.models import Attachment

    found: dict[int, int] = {}
    rows = (
        Attachment.objects.filter(
            contact__case_id__in=case_ids, content_type__startswith="image/", skipped_reason=""
        )
        .exclude(file="")
        .order_by("created_at", "id")
        .values_list("contact__case_id", "id")
    )
    for case_id, attachment_id in rows:
        found.setdefault(case_id, attachment_id)
    return found
