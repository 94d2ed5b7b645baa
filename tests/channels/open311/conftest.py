import pytest
from georeport import GeoReport

from enquiries.api.partners import issue_token
from tests.factories import ServiceFactory

QUESTIONS = [
    {
        "name": "depth",
        "label": "How deep is it?",
        "type": "choice",
        "required": True,
        "choices": ["Shallow", "Deep"],
    },
    {"name": "injured", "label": "Was anyone hurt?", "type": "yes_no"},
    {"name": "noticed", "label": "When did you first notice it?", "type": "date"},
    {"name": "landmark", "label": "Nearest landmark", "type": "text", "max_length": 100},
    {"name": "details", "label": "Anything else", "type": "text", "max_length": 2000},
]


@pytest.fixture
def potholes(transactional_db):
    return ServiceFactory(
        slug="potholes", name="Report a pothole", questions=QUESTIONS, is_location_based=True
    )


@pytest.fixture
def partner(transactional_db):
    partner, token = issue_token(name="FixMyStreet Northmoor", contact_email="fms@example.org")
    partner.token = token
    return partner


@pytest.fixture
def base(live_server) -> str:
    return f"{live_server.url}/open311/v2"


@pytest.fixture
def client311(base) -> GeoReport:
    """An independent Open311 client from PyPI, speaking to the live server over HTTP."""
    return GeoReport(base, jurisdiction="northmoor.gov.uk")


@pytest.fixture
def client311_xml(base) -> GeoReport:
    return GeoReport(base, jurisdiction="northmoor.gov.uk", output_format="xml")


def report(**overrides) -> dict:
    form = {
        "service_code": "potholes",
        "lat": "53.763201",
        "long": "-2.703090",
        "address_string": "4 Moor Road, Preston",
        "description": "Deep pothole by the bus stop\nIt has been there a week.",
        "email": "aoife@example.com",
        "first_name": "Aoife",
        "last_name": "Ní Bhriain",
        "attribute[depth]": "Deep",
        "attribute[injured]": "false",
        "attribute[noticed]": "2026-11-20T08:00:00Z",
    }
    form.update(overrides)
    return form
