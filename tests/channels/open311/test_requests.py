"""Open311 GeoReport v2 over real HTTP: the georeport client from PyPI reads what we serve."""

from datetime import UTC, datetime

import requests
import xmltodict

from enquiries.choices import Channel, Status
from enquiries.models import Case, Contact, OutboxTask
from tests.channels.open311.conftest import report
from tests.factories import CaseFactory, ServiceFactory


def post(base, partner, fmt="json", headers=None, **overrides):
    form = {"api_key": partner.token, "jurisdiction_id": "northmoor.gov.uk", **report(**overrides)}
    return requests.post(f"{base}/requests.{fmt}", data=form, headers=headers, timeout=30)


def test_the_client_lists_services_and_reads_their_attributes(client311, potholes):
    services = client311.get_service_list()
    assert {
        "service_code": "potholes",
        "service_name": "Report a pothole",
        "metadata": True,
        "type": "realtime",
    }.items() <= next(s for s in services if s["service_code"] == "potholes").items()
    definition = client311.get_service_definition("potholes")
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert attributes["depth"]["datatype"] == "singlevaluelist"
    assert attributes["depth"]["required"] is True
    assert [v["key"] for v in attributes["depth"]["values"]] == ["Shallow", "Deep"]
    assert [v["key"] for v in attributes["injured"]["values"]] == ["true", "false"]
    assert attributes["noticed"]["datatype"] == "datetime"
    assert attributes["landmark"]["datatype"] == "string"
    assert attributes["details"]["datatype"] == "text"
    assert attributes["landmark"]["required"] is False


def test_the_same_catalogue_reads_as_xml(client311_xml, potholes):
    services = client311_xml.get_service_list()
    services = services if isinstance(services, list) else [services]
    assert "potholes" in [s["service_code"] for s in services]
    definition = client311_xml.get_service_definition("potholes")
    codes = [a["code"] for a in definition["attributes"]["attribute"]]
    assert codes == ["depth", "injured", "noticed", "landmark", "details"]


def test_discovery_names_the_endpoint_and_its_formats(base):
    body = requests.get(f"{base}/discovery.json", timeout=30).json()
    endpoint = body["endpoints"][0]
    assert endpoint["url"] == base
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    xml = xmltodict.parse(requests.get(f"{base}/discovery.xml", timeout=30).content)
    assert xml["discovery"]["endpoints"]["endpoint"]["url"] == base


def test_a_partner_posts_a_request_into_the_one_case_model(base, partner, potholes, client311):
    response = post(base, partner)
    assert response.status_code == 201, response.text
    [created] = response.json()
    case = Case.objects.get(reference=created["service_request_id"])
    assert case.channel == Channel.API and case.partner == partner
    assert case.service == potholes
    assert case.answers == {"depth": "Deep", "injured": False, "noticed": "2026-11-20"}
    assert case.summary == "Deep pothole by the bus stop"
    assert str(case.latitude) == "53.763201" and case.address == "4 Moor Road, Preston"
    assert case.resident.full_name == "Aoife Ní Bhriain"
    assert case.resident.email == "aoife@example.com"
    assert OutboxTask.objects.filter(task_name="enquiries.tasks.route_case").count() == 1
    # the independent client reads it back, with ISO 8601 times that carry their zone
    read = client311.get_service_request(created["service_request_id"])
    assert read["status"] == "open"
    assert read["service_code"] == "potholes"
    assert read["requested_datetime"].endswith("+00:00")
    assert read["lat"] == 53.763201 and read["long"] == -2.70309
    # a queued-request token resolves to the same request
    token = requests.get(f"{base}/tokens/{created['token']}.json", timeout=30).json()
    assert token[0]["service_request_id"] == created["service_request_id"]


def test_a_retried_post_files_once(base, partner, potholes):
    first = post(base, partner)
    again = post(base, partner)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert Case.objects.count() == 1
    keyed = post(base, partner, headers={"Idempotency-Key": "fms-42"})
    assert keyed.status_code == 201
    assert Case.objects.count() == 2


def test_a_post_answers_in_xml_too(base, partner, potholes):
    response = post(base, partner, fmt="xml")
    assert response.status_code == 201
    assert response.headers["Content-Type"].startswith("text/xml")
    body = xmltodict.parse(response.content)
    reference = body["service_requests"]["request"]["service_request_id"]
    assert Case.objects.filter(reference=reference).exists()


def test_errors_come_in_the_spec_format_with_the_right_status(base, partner, potholes):
    missing = post(base, partner, **{"attribute[depth]": ""})
    assert missing.status_code == 400
    assert missing.json() == [
        {"code": 400, "description": "depth: Answer the question: How deep is it?"}
    ]
    no_key = requests.post(f"{base}/requests.xml", data=report(), timeout=30)
    assert no_key.status_code == 403
    error = xmltodict.parse(no_key.content)["errors"]["error"]
    assert error["code"] == "403" and "api_key" in error["description"]
    bad_key = post(base, partner, api_key="ncc_wrong")
    assert bad_key.status_code == 403
    unknown = post(base, partner, service_code="nope")
    assert unknown.status_code == 404 and "nope" in unknown.json()[0]["description"]
    nowhere = post(base, partner, lat="", long="", address_string="")
    assert nowhere.status_code == 400 and "location" in nowhere.json()[0]["description"]
    wrong_place = requests.get(f"{base}/services.json?jurisdiction_id=elsewhere", timeout=30)
    assert wrong_place.status_code == 404
    bad_choice = post(base, partner, **{"attribute[depth]": "Bottomless"})
    assert bad_choice.status_code == 400 and "Shallow, Deep" in bad_choice.text
    assert Case.objects.count() == 0


def test_a_partner_sees_only_the_services_allowed_to_it(base, partner, potholes, client311):
    partner.allowed_services.add(ServiceFactory(slug="fly-tipping"))
    listed = requests.get(f"{base}/services.json?api_key={partner.token}", timeout=30).json()
    assert [s["service_code"] for s in listed] == ["fly-tipping"]
    refused = post(base, partner)
    assert refused.status_code == 404
    assert "potholes" in [s["service_code"] for s in client311.get_service_list()]


def test_the_public_list_shows_reports_about_places_without_personal_data(
    base, partner, potholes, client311
):
    mine = post(base, partner).json()[0]["service_request_id"]
    council_tax = CaseFactory(service=ServiceFactory(slug="council-tax"))
    public = client311.get_service_requests()
    assert [r["service_request_id"] for r in public] == [mine]
    [entry] = public
    assert entry["description"] == "" and entry["status_notes"] == ""
    assert "aoife" not in str(public).lower()
    assert entry["address"] == "4 Moor Road, Preston"  # a street report: where, not who
    own = requests.get(f"{base}/requests/{mine}.json?api_key={partner.token}", timeout=30)
    assert own.json()[0]["description"].startswith("Deep pothole by the bus stop")
    assert (
        requests.get(f"{base}/requests/{council_tax.reference}.json", timeout=30).status_code == 404
    )


def test_requests_filter_by_status_service_and_dates(base, potholes, client311):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    open_case = CaseFactory(service=potholes)
    closed = CaseFactory(service=potholes, status=Status.CLOSED)
    old = CaseFactory(service=potholes)
    Case.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=120))
    other = CaseFactory(service=ServiceFactory(slug="streetlights", is_location_based=True))

    def ids(**params):
        return {r["service_request_id"] for r in client311.get_service_requests(**params)}

    assert ids() == {open_case.reference, closed.reference, other.reference}  # last 90 days
    assert ids(status="closed") == {closed.reference}
    assert ids(status="open", service_code="potholes") == {open_case.reference}
    start = (now - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=start, end_date=end) == {old.reference}
    assert ids(service_request_id=f"{old.reference},{closed.reference}") == {
        old.reference,
        closed.reference,
    }
    assert client311.get_service_request(closed.reference)["status"] == "closed"
    too_long = requests.get(
        f"{base}/requests.json",
        params={"start_date": start, "end_date": now.isoformat()},
        timeout=30,
    )
    assert too_long.status_code == 400 and "90 days" in too_long.json()[0]["description"]


def test_the_request_shows_the_sla_and_the_team(base, partner, potholes):
    reference = post(base, partner).json()[0]["service_request_id"]
    case = Case.objects.get(reference=reference)
    due = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    Case.objects.filter(pk=case.pk).update(
        sla_due_at=due, status=Status.OPEN, department=potholes.department
    )
    [entry] = requests.get(f"{base}/requests/{reference}.json", timeout=30).json()
    assert entry["agency_responsible"] == potholes.department.name
    assert entry["expected_datetime"] == "2026-12-04T17:00:00+00:00"
    assert Contact.objects.filter(case=case).count() == 1


def test_each_partner_has_its_own_rate_limit_in_the_spec_format(base, partner, potholes):
    partner.requests_per_minute = 2
    partner.save(update_fields=["requests_per_minute"])
    url = f"{base}/services.json"
    answers = [requests.get(url, params={"api_key": partner.token}, timeout=30) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert answers[-1].json()[0]["code"] == 429
    assert requests.get(url, timeout=30).status_code == 200  # the public's allowance is apart


def test_number_and_choose_any_questions_are_number_and_multivaluelist(base, partner, client311):
    ServiceFactory(
        slug="fly-tipping",
        is_location_based=True,
        questions=[
            {"name": "bags", "label": "How many bags?", "type": "number", "required": True},
            {
                "name": "contents",
                "label": "What was in them?",
                "type": "multi_choice",
                "choices": ["Rubbish", "Glass"],
            },
        ],
    )
    attributes = {
        a["code"]: a for a in client311.get_service_definition("fly-tipping")["attributes"]
    }
    assert attributes["bags"]["datatype"] == "number"
    assert attributes["contents"]["datatype"] == "multivaluelist"
    assert [v["key"] for v in attributes["contents"]["values"]] == ["Rubbish", "Glass"]
    form = [
        ("api_key", partner.token),
        ("service_code", "fly-tipping"),
        ("address_string", "Lay-by, A59"),
        ("description", "Bags dumped"),
        ("attribute[bags]", "5"),
        ("attribute[contents][]", "Glass"),
        ("attribute[contents][]", "Rubbish"),
    ]
    response = requests.post(f"{base}/requests.json", data=form, timeout=30)
    assert response.status_code == 201, response.text
    case = Case.objects.get(reference=response.json()[0]["service_request_id"])
    assert case.answers == {"bags": 5, "contents": ["Rubbish", "Glass"]}
