from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from steward.core.testing import PASSWORD
from steward.integrations.models import ImportBatch
from steward.integrations.tests.conftest import run_jobs
from steward.org.models import Person


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_import_page_uploads_previews_and_confirms(org_world, client):
    login(client, org_world["users"]["admin"])
    assert client.get("/integrations/imports/").status_code == 200
    file = SimpleUploadedFile(
        "p.csv", b"email,first_name,last_name,organisation\nui@example.org,Ui,User,Internal IT\n"
    )
    response = client.post("/integrations/imports/", {"resource": "org.person", "file": file})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == f"/integrations/imports/{batch.pk}/"

    page = client.get(response.url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page

    run_jobs(batch)
    page = client.get(response.url).content.decode()
    assert "every 1s" not in page and "Confirm and import" in page

    client.post(f"/integrations/imports/{batch.pk}/apply/")
    run_jobs(batch)
    assert Person.objects.filter(email="ui@example.org").exists()


def test_import_page_shows_file_errors_without_a_500(org_world, client):
    login(client, org_world["users"]["admin"])
    file = SimpleUploadedFile("p.xlsx", b"PK\x03\x04 broken")
    response = client.post("/integrations/imports/", {"resource": "org.person", "file": file})
    assert response.status_code == 400
    assert "damaged" in response.content.decode()


def test_import_template_download(org_world, client):
    login(client, org_world["users"]["agent"])
    response = client.get("/integrations/imports/template/org.person.csv")
    assert response.status_code == 200
    assert b"email,first_name" in response.content
    assert client.get("/integrations/imports/template/org.nothing.csv").status_code == 404


def test_webhook_pages_show_the_secret_once_and_the_log(org_world, client):
    login(client, org_world["users"]["admin"])
    response = client.post(
        "/integrations/webhooks/add/",
        {
            "name": "Chat",
            "url": "https://chat.example/hook",
            "events": "org.*, approvals.*",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    first = client.get(response.url).content.decode()
    assert "Signing secret" in first
    client.post(response.url + "ping/")
    again = client.get(response.url).content.decode()
    assert "Signing secret" not in again and "ping" in again
    assert client.get("/integrations/webhooks/").status_code == 200


def test_webhook_pages_are_closed_to_agents(org_world, client):
    login(client, org_world["users"]["agent"])
    assert client.get("/integrations/webhooks/").status_code == 403
    assert client.get("/integrations/webhooks/add/").status_code == 403


def test_exported_people_neutralise_formulas(org_world, client):
    from openpyxl import load_workbook

    Person.objects.create(
        first_name='=HYPERLINK("http://evil.example","x")',
        last_name="Evil",
        organisation=org_world["internal"],
        email="evil@example.org",
    )
    login(client, org_world["users"]["admin"])
    csv_body = b"".join(client.get("/org/people/?export=csv").streaming_content).decode()
    assert "'=HYPERLINK(" in csv_body
    assert "\n=HYPERLINK" not in csv_body and ",=HYPERLINK" not in csv_body
    xlsx = client.get("/org/people/?export=xlsx").content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    evil = [v for v in values if isinstance(v, str) and "HYPERLINK" in v]
    assert evil and all(v.startswith("'") for v in evil)


def test_bad_rows_offer_only_the_valid_rows_button_and_list_errors(org_world, client):
    login(client, org_world["users"]["admin"])
    file = SimpleUploadedFile(
        "p.csv",
        b"email,first_name,last_name,organisation\nok@example.org,A,B,Acme\nbad,C,D,Acme\n",
    )
    response = client.post("/integrations/imports/", {"resource": "org.person", "file": file})
    batch = run_jobs(ImportBatch.objects.get())
    page = client.get(response.url).content.decode()
    assert "Apply the valid rows only" in page and "Confirm and import" not in page
    assert "<td>3</td><td>email</td>" in page

    client.post(f"/integrations/imports/{batch.pk}/apply/", {"valid_rows_only": "1"})
    run_jobs(batch)
    assert list(
        Person.objects.filter(
            organisation=org_world["acme"], first_name__in=["A", "C"]
        ).values_list("email", flat=True)
    ) == ["ok@example.org"]


def test_webhook_edit_page_changes_patterns(org_world, client):
    from steward.integrations import webhooks

    admin = org_world["users"]["admin"]
    sub, _ = webhooks.webhook_create(
        data={"name": "E", "url": "https://e.example/", "events": ["*"]}, actor=admin
    )
    login(client, admin)
    url = f"/integrations/webhooks/{sub.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "E", "url": "https://e.example/", "events": "org.team_*"})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.events == ["org.team_*"]
    bad = client.post(url, {"name": "E", "url": "gopher://e.example/", "events": "x y"})
    assert bad.status_code == 400
