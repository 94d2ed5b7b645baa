"""manage.py import_cases: a legacy CRM export, columns by option, categories by mapping file;
rows with no mapping are reported, never guessed."""

import pytest
from django.core.management import CommandError, call_command

from router.models import ImportedCase
from router.training import train_router
from tests.router.helpers import topic_services

pytestmark = pytest.mark.django_db

EXPORT = """Ref,Details,Type,Logged,Source,Postcode
1,The street light outside number 4 is out,LIGHTING - FAULT,03/02/2025,Telephone,pr1 8xj
2,Big pothole on Mill Road,HIGHWAYS-POTHOLE,2025-02-04,e-mail,PR2 3AB
3,Bin not emptied again,WASTE MISSED,05/02/2025 09:30,Online,
4,Question about my council tax bill,REVENUES,06/02/2025,Telephone,PR1 1AA
5,Another council tax question,REVENUES,07/02/2025,Telephone,PR1 1AA
6,,LIGHTING - FAULT,07/02/2025,Telephone,PR1 1AA
"""
MAPPING = """category,service
LIGHTING - FAULT,report-a-street-light-fault
HIGHWAYS-POTHOLE,report-a-pothole
waste missed,missed-bin-collection
"""


@pytest.fixture
def files(tmp_path, db):
    topic_services()
    export = tmp_path / "crm-export.csv"
    export.write_text(EXPORT)
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(MAPPING)
    return export, mapping


def run(export, mapping, capsys):
    call_command(
        "import_cases",
        str(export),
        mapping=str(mapping),
        text_column="Details",
        category_column="Type",
        date_column="Logged",
        channel_column="Source",
        postcode_column="Postcode",
    )
    return capsys.readouterr()


def test_mapped_rows_are_imported_and_unmapped_ones_reported(files, capsys):
    out = run(*files, capsys)
    assert "Imported 3 rows." in out.out
    assert "2 rows not imported: their category has no mapping" in out.out
    assert "REVENUES: 2" in out.out
    assert "row 7: no text" in out.err
    rows = {r.row_number: r for r in ImportedCase.objects.select_related("service")}
    assert sorted(rows) == [2, 3, 4]
    assert rows[2].service.slug == "report-a-street-light-fault"
    assert (rows[2].channel, rows[2].postcode_district) == ("phone", "PR1")
    assert rows[3].channel == "email" and rows[4].channel == "web"  # mapping is case-blind
    assert rows[2].received_at.date().isoformat() == "2025-02-03"


def test_importing_the_same_file_twice_adds_nothing(files, capsys):
    run(*files, capsys)
    out = run(*files, capsys)
    assert "Imported 0 rows (3 already imported)." in out.out
    assert ImportedCase.objects.count() == 3


def test_a_mapping_to_an_unknown_service_or_a_missing_column_imports_nothing(files, tmp_path):
    export, _mapping = files
    bad = tmp_path / "bad.csv"
    bad.write_text("LIGHTING - FAULT,no-such-service\n")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_cases", str(export), mapping=str(bad), text_column="Details")
    assert not ImportedCase.objects.exists()


def test_imported_history_is_used_for_training(files, capsys):
    run(*files, capsys)
    model = train_router()
    assert model.history_cases == 3
