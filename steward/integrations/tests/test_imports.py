from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from steward.core.models import AuditEntry
from steward.integrations import services
from steward.integrations.models import ImportStatus
from steward.integrations.tests.conftest import csv_file, run_jobs, xlsx_file
from steward.org.models import Department, Organisation, Person, Team

HEADER = "email,first_name,last_name,organisation,department,manager\n"


def check(text, actor, resource="org.person", **kw):
    batch = services.import_batch_create(
        resource=resource, upload=csv_file(text), actor=actor, **kw
    )
    return run_jobs(batch)


def apply(batch, actor, valid_rows_only=False):
    services.import_batch_apply(batch=batch, actor=actor, valid_rows_only=valid_rows_only)
    return run_jobs(batch)


def test_preview_writes_nothing_and_apply_creates_people_with_lookups(org_world, admin):
    Department.objects.create(organisation=org_world["internal"], name="Finance")
    text = HEADER + (
        "ann@example.org,Ann,Lee,Internal IT,Finance,admin@internal.example\n"
        "bob@example.org,Bob,Ray,Internal IT,,ann@example.org\n"
    )
    batch = check(text, admin)
    assert batch.status == ImportStatus.CHECKED
    assert (batch.summary["created"], batch.summary["invalid"]) == (2, 0)
    assert not Person.objects.filter(email__endswith="@example.org").exists()

    batch = apply(batch, admin)

    assert batch.status == ImportStatus.APPLIED
    ann = Person.objects.get(email="ann@example.org")
    assert ann.department.name == "Finance"
    assert ann.manager.email == "admin@internal.example"
    assert Person.objects.get(email="bob@example.org").manager == ann
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(ann.pk)
    )
    assert (entry.action, entry.origin, entry.actor) == ("create", "task", admin)


def test_duplicate_email_in_file_is_reported_per_row(org_world, admin):
    text = HEADER + (
        "dup@example.org,A,One,Internal IT,,\n"
        "other@example.org,B,Two,Internal IT,,\n"
        "DUP@example.org,C,Three,Internal IT,,\n"
    )
    batch = check(text, admin)
    assert batch.summary["invalid"] == 1
    [error] = batch.summary["errors"]
    assert error["row"] == 4 and error["column"] == "email"
    assert "row 2" in error["message"]


def test_unknown_organisation_is_reported_with_row_and_column(org_world, admin):
    batch = check(HEADER + "x@example.org,X,Y,Nowhere Ltd,,\n", admin)
    [error] = batch.summary["errors"]
    assert (error["row"], error["column"]) == (2, "organisation")
    assert "Nowhere Ltd" in error["message"]


def test_invalid_row_rolls_back_whole_import(org_world, admin):
    text = HEADER + (
        "good1@example.org,Good,One,Internal IT,,\n"
        "good2@example.org,Good,Two,Internal IT,,\n"
        "not-an-email,Bad,Row,Internal IT,,\n"
    )
    batch = check(text, admin, dry_run=False)

    assert batch.status == ImportStatus.FAILED
    assert not Person.objects.filter(first_name="Good").exists()
    assert [(e["row"], e["column"]) for e in batch.summary["errors"]] == [(4, "email")]
    assert batch.summary["applied"] is False


def test_apply_after_failed_check_needs_valid_rows_only(org_world, admin):
    text = HEADER + "ok@example.org,Ok,Row,Internal IT,,\nbad,Bad,Row,Internal IT,,\n"
    batch = check(text, admin)
    with pytest.raises(ValidationError):
        services.import_batch_apply(batch=batch, actor=admin, valid_rows_only=False)

    batch = apply(batch, admin, valid_rows_only=True)

    assert batch.status == ImportStatus.APPLIED
    assert Person.objects.filter(email="ok@example.org").exists()
    assert not Person.objects.filter(first_name="Bad").exists()
    assert (batch.summary["created"], batch.summary["invalid"]) == (1, 1)
    assert batch.summary["errors"][0]["row"] == 3


def test_existing_person_is_updated_by_email_and_unchanged_rows_are_left_alone(org_world, admin):
    text = "email,first_name,last_name,organisation\n" + (
        "agent@internal.example,Agnes,Internal,Internal IT\n"
        "employee@internal.example,employee,Internal,Internal IT\n"
    )
    batch = apply(check(text, admin), admin)
    assert (batch.summary["updated"], batch.summary["unchanged"]) == (1, 1)
    assert batch.summary["rows"][0]["changes"] == ["first_name"]
    assert Person.objects.get(email="agent@internal.example").first_name == "Agnes"


def test_department_is_found_within_the_rows_organisation(org_world, admin):
    Department.objects.create(organisation=org_world["internal"], name="Sales")
    acme_sales = Department.objects.create(organisation=org_world["acme"], name="Sales")
    text = "email,first_name,last_name,organisation,department,kind\n"
    text += "c@acme.example,C,D,Acme,sales,Customer contact\n"
    apply(check(text, admin), admin)
    person = Person.objects.get(email="c@acme.example")
    assert (person.department, person.kind) == (acme_sales, "contact")


def test_formula_looking_cell_is_kept_as_text(org_world, admin):
    text = HEADER + '"=HYPERLINK(""http://evil.example"")",x,=1+2,Internal IT,,\n'
    text = text.replace(
        '"=HYPERLINK(""http://evil.example"")",x', "f@example.org,=cmd|' /C calc'!A0"
    )
    apply(check(text, admin), admin)
    person = Person.objects.get(email="f@example.org")
    assert (person.first_name, person.last_name) == ("=cmd|' /C calc'!A0", "=1+2")


def test_team_members_are_found_by_email(org_world, admin):
    text = "name,organisation,lead,members\n"
    text += (
        "Desk,Internal IT,agent@internal.example,agent@internal.example; admin@internal.example\n"
    )
    apply(check(text, admin, resource="org.team"), admin)
    team = Team.objects.get(name="Desk")
    assert team.lead.email == "agent@internal.example"
    assert {p.email for p in team.members.all()} == {
        "agent@internal.example",
        "admin@internal.example",
    }


def test_xlsx_with_dates_numbers_and_formulas_is_read_as_values(org_world, admin):
    import datetime

    rows = [
        ["email", "first_name", "last_name", "organisation", "employee_number", "away_until"],
        ["x@example.org", "=1+2", "Xl", "Internal IT", 1234, datetime.datetime(2027, 1, 5)],
    ]
    batch = services.import_batch_create(resource="org.person", upload=xlsx_file(rows), actor=admin)
    apply(run_jobs(batch), admin)
    person = Person.objects.get(email="x@example.org")
    assert person.first_name == "=1+2"
    assert person.employee_number == "1234"
    assert person.away_until == datetime.date(2027, 1, 5)


def test_utf8_bom_and_cp1252_files_are_decoded(org_world, admin):
    text = "email,first_name,last_name,organisation\nz@example.org,Zoë,Müller,Internal IT\n"
    apply(check("\ufeff" + text, admin), admin)
    assert Person.objects.get(email="z@example.org").first_name == "Zoë"
    upload = csv_file(text.replace("z@", "w@"), encoding="cp1252")
    batch = run_jobs(
        services.import_batch_create(resource="org.person", upload=upload, actor=admin)
    )
    apply(batch, admin)
    assert Person.objects.get(email="w@example.org").last_name == "Müller"


def test_semicolon_separated_csv_is_read(org_world, admin):
    text = "email;first_name;last_name;organisation\ns@example.org;S;T;Internal IT\n"
    assert check(text, admin).summary["created"] == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "people.csv", "empty"),
        (b"email,first_name\n\x81\x8d,\x90\n", "people.csv", "encoding"),
        (b"PK\x03\x04 not really a zip", "people.xlsx", "damaged"),
        (b"email,first_name,last_name\n", "people.csv", "Missing required columns: organisation"),
        (b"email,first_name,last_name,organisation,shoe_size\n", "people.csv", "shoe_size"),
        (b"email,first_name,email\n", "people.csv", "twice"),
        (b"\x00\x01binary", "people.csv", "binary"),
        (b"hello", "people.pdf", ".csv or .xlsx"),
    ],
)
def test_unreadable_file_is_refused_with_a_clear_error(org_world, admin, content, name, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as caught:
        services.import_batch_create(
            resource="org.person", upload=SimpleUploadedFile(name, content), actor=admin
        )
    assert message in " ".join(caught.value.messages)


def test_over_size_file_is_refused(org_world, admin, settings):
    settings.IMPORT_MAX_BYTES = 50
    with pytest.raises(ValidationError, match="larger than"):
        services.import_batch_create(
            resource="org.person", upload=csv_file(HEADER + "a" * 100), actor=admin
        )


def test_more_rows_than_allowed_fails_the_check(org_world, admin, settings):
    settings.IMPORT_MAX_ROWS = 2
    text = HEADER + "".join(f"p{i}@example.org,P,{i},Internal IT,,\n" for i in range(3))
    batch = check(text, admin)
    assert batch.status == ImportStatus.FAILED
    assert "more than 2 rows" in batch.error


def test_employee_may_not_import_people(org_world):
    with pytest.raises(PermissionDenied):
        check(HEADER, org_world["users"]["employee"])


def test_agent_may_import_people_but_not_organisations(org_world):
    agent = org_world["users"]["agent"]
    names = [r.name for r in services.import_resources_for(agent)]
    assert "org.person" in names and "org.organisation" not in names
    with pytest.raises(PermissionDenied):
        check("name\nNew Co\n", agent, resource="org.organisation")


def test_organisations_are_upserted_by_name(org_world, admin):
    text = "name,kind,mail_domain\nacme,Customer,acme.test\nInitech,supplier,\n"
    batch = apply(check(text, admin, resource="org.organisation"), admin)
    assert (batch.summary["created"], batch.summary["updated"]) == (1, 1)
    acme = Organisation.objects.get(pk=org_world["acme"].pk)
    assert (acme.name, acme.mail_domain) == ("acme", "acme.test")
    assert Organisation.objects.get(name="Initech").kind == "supplier"


def test_templates_have_a_header_row(org_world, admin):
    import io

    from openpyxl import load_workbook

    resource = services.import_resource_get(name="org.person", user=admin)
    first = services.import_template(resource=resource, fmt="csv").decode("utf-8-sig")
    assert first.splitlines()[0].startswith("email,first_name,last_name,organisation")
    book = load_workbook(io.BytesIO(services.import_template(resource=resource, fmt="xlsx")))
    assert book.active["A1"].value == "email"


def test_crash_inside_the_job_marks_the_import_failed(org_world, admin, monkeypatch):
    from steward.integrations import importing

    def explode(self, number, cells):
        raise RuntimeError("boom")

    monkeypatch.setattr(importing.Importer, "preview", explode)
    batch = check(HEADER + "a@example.org,A,B,Internal IT,,\n", admin)
    assert batch.status == ImportStatus.FAILED
    assert batch.preview_job.status == "failed"
    assert "internal error" in batch.error


def test_row_failing_while_writing_rolls_back_rows_already_written(org_world, admin, monkeypatch):
    """The data can change between check and write; a late failure still writes nothing."""
    from steward.core import services as core_services

    real_create = core_services.object_create

    def create(*, model, data, actor):
        if data.get("first_name") == "Late":
            raise ValidationError({"last_name": ["Changed meanwhile."]})
        return real_create(model=model, data=data, actor=actor)

    text = (
        HEADER + "w1@example.org,Early,One,Internal IT,,\nw2@example.org,Late,Two,Internal IT,,\n"
    )
    batch = check(text, admin)
    monkeypatch.setattr(core_services, "object_create", create)
    batch = apply(batch, admin)

    assert batch.status == ImportStatus.FAILED
    assert not Person.objects.filter(email__in=["w1@example.org", "w2@example.org"]).exists()
    assert batch.summary["errors"] == [
        {"row": 3, "column": "last_name", "message": "Changed meanwhile."}
    ]
