from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from steward.integrations.models import ImportBatch, WebhookDelivery
from steward.integrations.tests.conftest import run_jobs, xlsx_file
from steward.org.models import Person

URL = "/api/integrations/imports/"
CSV = b"email,first_name,last_name,organisation\napi@example.org,Api,User,Internal IT\n"


def upload(client, content=CSV, name="people.csv", **extra):
    data = {"resource": "org.person", "file": SimpleUploadedFile(name, content), **extra}
    return client.post(URL, data, format="multipart")


def test_upload_check_and_apply_through_the_api(org_world, api):
    client = api(org_world["users"]["admin"])
    response = upload(client)
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "checking"
    batch = run_jobs(ImportBatch.objects.get(pk=response.json()["id"]))

    body = client.get(f"{URL}{batch.pk}/").json()
    assert body["status"] == "checked" and body["summary"]["created"] == 1
    assert body["job"]["percent"] == 100

    assert client.post(f"{URL}{batch.pk}/apply/", {}).status_code == 202
    run_jobs(batch)
    assert client.get(f"{URL}{batch.pk}/").json()["status"] == "applied"
    assert Person.objects.filter(email="api@example.org").exists()


def test_bad_files_get_a_400_in_the_error_format(org_world, api):
    client = api(org_world["users"]["admin"])
    for content, name in (
        (b"", "a.csv"),
        (b"PK\x03\x04junk", "a.xlsx"),
        (b"\x81\x8d\x90", "a.csv"),
    ):
        response = upload(client, content, name)
        assert response.status_code == 400, (name, response.content)
        assert response.json()["type"] == "validation_error"
    assert upload(client, resource="nope.nothing").status_code == 400
    assert ImportBatch.objects.count() == 0


def test_apply_before_check_finished_is_a_400(org_world, api):
    client = api(org_world["users"]["admin"])
    pk = upload(client).json()["id"]
    response = client.post(f"{URL}{pk}/apply/", {})
    assert response.status_code == 400


def test_employee_may_not_import(org_world, api):
    assert upload(api(org_world["users"]["employee"])).status_code == 403


def test_imports_of_others_are_hidden(org_world, api):
    pk = upload(api(org_world["users"]["agent"])).json()["id"]
    assert api(org_world["users"]["it_manager"]).get(f"{URL}{pk}/").status_code == 404
    assert api(org_world["users"]["admin"]).get(f"{URL}{pk}/").status_code == 200


def test_resources_and_templates(org_world, api):
    client = api(org_world["users"]["agent"])
    names = [r["name"] for r in client.get(f"{URL}resources/").json()]
    assert "org.person" in names and "org.organisation" not in names
    response = client.get(f"{URL}template/", {"resource": "org.person", "file_format": "xlsx"})
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert client.get(f"{URL}template/", {"resource": "org.organisation"}).status_code == 403


def test_xlsx_upload_through_the_api(org_world, api):
    client = api(org_world["users"]["admin"])
    file = xlsx_file(
        [["email", "first_name", "last_name", "organisation"], ["x@y.org", "X", "Y", "Acme"]]
    )
    response = client.post(URL, {"resource": "org.person", "file": file}, format="multipart")
    assert response.status_code == 202


# Webhooks ------------------------------------------------------------------------------

HOOKS = "/api/integrations/webhooks/"


def test_webhook_secret_is_shown_once(org_world, api):
    client = api(org_world["users"]["admin"])
    response = client.post(
        HOOKS, {"name": "CI", "url": "https://ci.example/hook", "events": ["org.*"]}
    )
    assert response.status_code == 201
    assert len(response.json()["secret"]) == 64
    assert "secret" not in client.get(f"{HOOKS}{response.json()['id']}/").json()


def test_webhook_with_file_url_or_bad_patterns_is_a_400(org_world, api):
    client = api(org_world["users"]["admin"])
    assert (
        client.post(HOOKS, {"name": "A", "url": "file:///etc/passwd", "events": ["*"]}).status_code
        == 400
    )
    assert (
        client.post(HOOKS, {"name": "B", "url": "http://x.example/", "events": []}).status_code
        == 400
    )
    assert (
        client.post(HOOKS, {"name": "C", "url": "http://x.example/", "events": "*"}).status_code
        == 400
    )
    assert (
        client.post(
            HOOKS, {"name": "D", "url": "http://x.example/", "secret": "mine", "events": ["*"]}
        ).status_code
        == 400
    )


def test_it_manager_reads_the_delivery_log_but_only_admin_acts(org_world, api):
    admin = api(org_world["users"]["admin"])
    manager = api(org_world["users"]["it_manager"])
    pk = admin.post(HOOKS, {"name": "CI", "url": "http://127.0.0.1:9/", "events": ["*"]}).json()[
        "id"
    ]

    ping = admin.post(f"{HOOKS}{pk}/ping/")
    assert ping.status_code == 202 and ping.json()["event"] == "ping"
    deliveries = "/api/integrations/webhook-deliveries/"
    assert manager.get(deliveries).json()["results"][0]["id"] == ping.json()["id"]
    assert manager.post(f"{HOOKS}{pk}/ping/").status_code == 403
    assert manager.post(f"{deliveries}{ping.json()['id']}/redeliver/").status_code == 403
    assert api(org_world["users"]["agent"]).get(deliveries).status_code == 403

    again = admin.post(f"{deliveries}{ping.json()['id']}/redeliver/")
    assert again.status_code == 202
    assert again.json()["id"] != ping.json()["id"]
    assert again.json()["payload"] == ping.json()["payload"]
    assert WebhookDelivery.objects.count() == 2


def test_list_endpoints_keep_to_a_query_budget(org_world, api):
    from steward.core.testing import query_budget
    from steward.integrations import webhooks

    admin = org_world["users"]["admin"]
    client = api(admin)
    for n in range(5):
        upload(client)
        sub, _ = webhooks.webhook_create(
            data={"name": f"H{n}", "url": "http://127.0.0.1:9/", "events": ["*"]}, actor=admin
        )
        webhooks.webhook_ping(subscription=sub, actor=admin)
    for url in (URL, HOOKS, "/api/integrations/webhook-deliveries/"):
        with query_budget(8):
            response = client.get(url)
        assert response.status_code == 200 and len(response.json()["results"]) == 5


def test_checking_many_rows_looks_up_each_organisation_once(org_world):
    from steward.core.testing import query_budget
    from steward.integrations.importing import Importer
    from steward.integrations.services import import_resource_get

    admin = org_world["users"]["admin"]
    resource = import_resource_get(name="org.person", user=admin)
    importer = Importer(resource, admin, ["email", "first_name", "last_name", "organisation"])
    importer.preview(2, ["p0@example.org", "P", "0", "Acme"])
    with query_budget(5 * 50) as ctx:
        outcomes = [
            importer.preview(n, [f"p{n}@example.org", "P", str(n), "Acme"]) for n in range(3, 53)
        ]
    assert all(o.action == "created" for o in outcomes)
    where = [q["sql"].split("WHERE", 1)[-1] for q in ctx.captured_queries]
    assert not [w for w in where if '"org_organisation"."name"' in w]
