"""Training on the council's finished cases: time-ordered split, report, activate or reject,
roll back."""

import pytest
from django.core.management import call_command

from router.models import RouterModel
from router.training import active_classifier, rollback, train_router
from tests.router.helpers import finished_cases, topic_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def services(db):
    return topic_services()


def test_a_cold_start_learns_from_the_service_catalogue(services):
    model = train_router()
    assert model.state == RouterModel.State.ACTIVE
    assert model.held_out == 0
    assert "No model was active" in model.decision
    _row, classifier = active_classifier()
    assert classifier.top("the streetlight outside is broken", 1)[0][0] == (
        "report-a-street-light-fault"
    )


def test_history_is_split_by_time_evaluated_and_the_better_model_activated(services):
    cold = train_router()
    finished_cases(services, 400, seed=3)
    model = train_router()
    assert model.held_out == 80  # the newest fifth
    report = model.report
    assert report["top1"] > 0.85 and report["top3"] >= report["top1"]
    assert set(report["per_service"]) >= {"report-a-pothole", "missed-bin-collection"}
    assert {"precision", "recall", "f1"} <= set(report["per_service"]["report-a-pothole"])
    assert "coverage" in report and "most_confused" in report
    assert report["active_model"]["version"] == cold.version
    assert model.state == RouterModel.State.ACTIVE
    assert "at least as good" in model.decision
    assert set(model.thresholds) == set(services)
    cold.refresh_from_db()
    assert cold.state == RouterModel.State.RETIRED
    assert "Top-1 accuracy" in model.report_text


def test_a_worse_model_is_kept_out_on_the_same_held_out_cases(services):
    finished_cases(services, 400, seed=3)
    good = train_router()
    # Older history whose labels are all wrong (every case filed under another service):
    slugs = sorted(services)
    wrong = finished_cases(services, 2000, seed=4, start=good.created_at.replace(year=2020))
    shifted = {s: services[slugs[(i + 1) % len(slugs)]] for i, s in enumerate(slugs)}
    for case in wrong:
        case.service = shifted[case.service.slug]
    type(wrong[0]).objects.bulk_update(wrong, ["service"])
    worse = train_router(history_limit=500)

    assert worse.state == RouterModel.State.REJECTED
    assert "not activated" in worse.decision
    good.refresh_from_db()
    assert good.state == RouterModel.State.ACTIVE


def test_the_active_model_can_be_rolled_back(services):
    first = train_router()
    second = train_router(force=True)
    assert second.state == RouterModel.State.ACTIVE
    assert rollback() == first
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("active", "retired")
    with pytest.raises(ValueError, match="nothing to go back to"):
        rollback()


def test_the_command_prints_the_report_and_evaluates_any_labelled_csv(services, tmp_path, capsys):
    finished_cases(services, 300, seed=5)
    call_command("train_router", report=tmp_path / "report.txt")
    out = capsys.readouterr().out
    assert "Router model v1: Active" in out and "Top-1 accuracy" in out
    labelled_csv = tmp_path / "labelled.csv"
    labelled_csv.write_text(
        "text,service\nthe bin was not emptied,missed-bin-collection\n"
        "lamp post dark all night,report-a-street-light-fault\n"
    )
    call_command("train_router", evaluate=labelled_csv)
    assert "Held-out cases: 2" in capsys.readouterr().out
