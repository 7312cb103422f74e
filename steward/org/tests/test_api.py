import pytest

from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.org.models import Organisation, Person, PersonKind

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_customer_contact_sees_only_own_organisation_people(api, org_world):
    acme, globex = org_world["acme"], org_world["globex"]
    client = api(org_world["users"]["acme_contact"])
    seen = _ids(client.get("/api/org/people/"))
    assert seen == set(Person.objects.filter(organisation=acme).values_list("id", flat=True))
    other = Person.objects.filter(organisation=globex).first()
    assert client.get(f"/api/org/people/{other.pk}/").status_code == 404
    assert _ids(client.get("/api/org/organisations/")) == {acme.pk}


def test_customer_contact_cannot_create_people(api, org_world):
    client = api(org_world["users"]["acme_contact"])
    response = client.post(
        "/api/org/people/",
        {"first_name": "X", "last_name": "Y", "organisation": org_world["acme"].pk},
    )
    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"


def test_employee_sees_internal_people_not_customer_contacts(api, org_world):
    seen = _ids(api(org_world["users"][Role.EMPLOYEE]).get("/api/org/people/"))
    kinds = set(Person.objects.filter(pk__in=seen).values_list("kind", flat=True))
    assert kinds == {PersonKind.EMPLOYEE}
    assert seen


def test_agent_creates_person_and_the_write_is_audited_with_origin_and_actor(api, org_world):
    agent = org_world["users"][Role.AGENT]
    response = api(agent).post(
        "/api/org/people/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@acme.example",
            "organisation": org_world["acme"].pk,
            "kind": "contact",
        },
        HTTP_X_REQUEST_ID="req-42",
    )
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(
        object_id=str(response.json()["id"]), action="create", content_type__model="person"
    )
    assert (entry.actor, entry.origin, entry.request_id) == (agent, "api", "req-42")
    assert entry.after["email"] == "ada@acme.example"
    assert entry.remote_addr == "127.0.0.1"


def test_update_records_before_and_after(api, org_world):
    admin = org_world["users"][Role.ADMIN]
    person = Person.objects.get(user=org_world["users"][Role.EMPLOYEE])
    response = api(admin).patch(f"/api/org/people/{person.pk}/", {"job_title": "Analyst"})
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.filter(object_id=str(person.pk), action="update").latest("id")
    assert entry.changed_fields == ["job_title"]
    assert (entry.before["job_title"], entry.after["job_title"]) == ("", "Analyst")


def test_unknown_field_and_wrong_type_answer_400_with_field_errors(api, org_world):
    client = api(org_world["users"][Role.ADMIN])
    response = client.post("/api/org/organisations/", {"name": "N", "colour": "red"})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error" and "colour" in body["errors"]
    response = client.post("/api/org/organisations/", {"name": ["not", "a", "string"]})
    assert response.status_code == 400 and "name" in response.json()["errors"]


def test_malformed_json_answers_400(api, org_world):
    client = api(org_world["users"][Role.ADMIN])
    response = client.generic(
        "POST", "/api/org/organisations/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["type"] == "parse_error"


def test_bad_filter_value_answers_400(api, org_world):
    response = api(org_world["users"][Role.ADMIN]).get("/api/org/people/?organisation=abc")
    assert response.status_code == 400
    assert "organisation" in response.json()["errors"]


def test_oversized_body_answers_413(api, org_world, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    client = api(org_world["users"][Role.ADMIN])
    response = client.post("/api/org/organisations/", {"name": "x" * 2000})
    assert response.status_code == 413


def test_customer_contact_cannot_move_person_to_another_organisation(api, org_world, make_user):
    """The saved row is re-checked inside the transaction, which rolls back."""
    from steward.core import permissions
    from steward.core.permissions import Policy

    contact = org_world["users"]["acme_contact"]
    me = Person.objects.get(user=contact)
    original = permissions.policy_for(Person)
    permissions.register(
        Person,
        Policy(
            view=original.view,
            add=original.add,
            change=original.change | {Role.CUSTOMER},
            tenant_field="organisation_id",
        ),
    )
    try:
        response = api(contact).patch(
            f"/api/org/people/{me.pk}/", {"organisation": org_world["globex"].pk}
        )
    finally:
        permissions.register(Person, original)
    assert response.status_code == 403
    me.refresh_from_db()
    assert me.organisation == org_world["acme"]


def test_bulk_create_is_all_or_nothing_with_errors_by_index(api, org_world):
    client = api(org_world["users"][Role.ADMIN])
    before = Organisation.objects.count()
    response = client.post(
        "/api/org/organisations/bulk/",
        [{"name": "Bulk One"}, {"name": ""}, {"name": "Bulk Three"}],
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["1"]
    assert Organisation.objects.count() == before
    response = client.post(
        "/api/org/organisations/bulk/", [{"name": "Bulk One"}, {"name": "Bulk Two"}], format="json"
    )
    assert response.status_code == 200 and len(response.json()) == 2


def test_bulk_update_by_id(api, org_world):
    client = api(org_world["users"][Role.ADMIN])
    acme = org_world["acme"]
    response = client.post(
        "/api/org/organisations/bulk/", [{"id": acme.pk, "notes": "key account"}], format="json"
    )
    assert response.status_code == 200, response.content
    acme.refresh_from_db()
    assert acme.notes == "key account"


def test_people_list_query_count_does_not_grow_with_rows(
    api, org_world, django_assert_max_num_queries
):
    internal = org_world["internal"]
    Person.objects.bulk_create(
        [Person(first_name=f"P{i}", last_name="L", organisation=internal) for i in range(60)]
    )
    client = api(org_world["users"][Role.ADMIN])
    with query_budget(8):
        response = client.get("/api/org/people/?page_size=100")
    assert len(response.json()["results"]) == 67


def test_cursor_pagination_walks_every_row_once(api, org_world):
    internal = org_world["internal"]
    Person.objects.bulk_create(
        [Person(first_name=f"P{i}", last_name="L", organisation=internal) for i in range(25)]
    )
    client = api(org_world["users"][Role.ADMIN])
    url, seen = "/api/org/people/?page_size=10", []
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == Person.objects.count()


def test_anonymous_request_is_refused(api, org_world):
    response = api().get("/api/org/people/")
    assert response.status_code == 401
    assert response.json()["type"] == "not_authenticated"


def test_user_creates_and_revokes_own_token(api, org_world):
    employee = org_world["users"][Role.EMPLOYEE]
    client = api(employee)
    token = client.post("/api/core/token/").json()["token"]
    from rest_framework.test import APIClient

    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert fresh.get("/api/org/people/").status_code == 200
    assert fresh.delete("/api/core/token/").status_code == 204
    assert fresh.get("/api/org/people/").status_code == 401


def test_serializer_fields_are_built_once_but_never_shared():
    from steward.org.api.serializers import PersonSerializer

    first, second = PersonSerializer().fields, PersonSerializer().fields
    assert list(first) == list(second)
    assert first["email"] is not second["email"]
    assert first["email"].parent is not second["email"].parent


def test_list_filters_do_not_apply_to_detail(api, org_world):
    """A bad list filter on a detail URL is ignored, not a 400: detail reads by id."""
    person = Person.objects.first()
    response = api(org_world["users"][Role.ADMIN]).get(f"/api/org/people/{person.pk}/?kind=zzz")
    assert response.status_code == 200


def test_internal_notes_on_an_organisation_are_hidden_from_its_contacts(api, org_world):
    acme = org_world["acme"]
    acme.notes = "renewal at risk"
    acme.save()
    staff = api(org_world["users"][Role.AGENT]).get(f"/api/org/organisations/{acme.pk}/").json()
    assert staff["notes"] == "renewal at risk"
    body = api(org_world["users"]["acme_contact"]).get(f"/api/org/organisations/{acme.pk}/")
    assert body.status_code == 200 and "notes" not in body.json()
    from django.test import Client

    from steward.core.testing import PASSWORD

    client = Client()
    client.login(username="acme_contact", password=PASSWORD)
    assert "renewal at risk" not in client.get(f"/org/organisations/{acme.pk}/").content.decode()


def test_email_is_unique_whatever_its_case(api, org_world):
    client = api(org_world["users"][Role.ADMIN])
    response = client.post(
        "/api/org/people/",
        {
            "first_name": "A",
            "last_name": "B",
            "email": "EMPLOYEE@internal.example",
            "organisation": org_world["internal"].pk,
        },
    )
    assert response.status_code == 400
