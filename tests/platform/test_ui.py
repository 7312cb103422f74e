import pytest
from django.test import Client

from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.core.testing import PASSWORD, query_budget
from steward.org.models import Organisation, Person

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_anonymous_is_sent_to_login():
    response = Client().get("/org/people/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (Role.EMPLOYEE, "/audit/", 403),
        (Role.AGENT, "/audit/", 403),
        (Role.IT_MANAGER, "/audit/", 200),
        ("acme_contact", "/org/teams/", 403),
        ("acme_contact", "/org/people/", 200),
        (Role.EMPLOYEE, "/org/people/add/", 403),
        (Role.AGENT, "/org/people/add/", 200),
        (Role.ADMIN, "/org/organisations/add/", 200),
    ],
)
def test_pages_follow_the_role(org_world, role, path, status):
    assert login(org_world["users"][role]).get(path).status_code == status


def test_customer_cannot_open_another_tenants_person(org_world):
    other = Person.objects.get(user=org_world["users"]["globex_contact"])
    client = login(org_world["users"]["acme_contact"])
    assert client.get(f"/org/people/{other.pk}/").status_code == 404
    ct_tab = client.get(f"/org/people/{other.pk}/")
    assert ct_tab.status_code == 404


def test_customer_list_shows_only_own_people(org_world):
    response = login(org_world["users"]["acme_contact"]).get("/org/people/")
    names = [obj.pk for obj, _values in response.context["rows"]]
    assert set(names) == set(
        Person.objects.filter(organisation=org_world["acme"]).values_list("pk", flat=True)
    )


def test_people_list_page_has_a_query_budget(org_world):
    Person.objects.bulk_create(
        [
            Person(first_name=f"P{i}", last_name="L", organisation=org_world["internal"])
            for i in range(60)
        ]
    )
    client = login(org_world["users"][Role.ADMIN])
    with query_budget(14):
        response = client.get("/org/people/")
    assert response.status_code == 200 and len(response.context["rows"]) == 50


def test_htmx_request_gets_only_the_table(org_world):
    client = login(org_world["users"][Role.ADMIN])
    response = client.get(
        "/org/people/?q=acme", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-table"
    )
    assert b"<html" not in response.content and b"<table" in response.content


def test_form_create_is_audited_as_web_with_actor(org_world):
    admin = org_world["users"][Role.ADMIN]
    response = login(admin).post(
        "/org/organisations/add/", {"name": "Umbrella", "kind": "customer"}
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Umbrella")
    entry = AuditEntry.objects.get(object_id=str(org.pk), content_type__model="organisation")
    assert (entry.origin, entry.actor) == ("web", admin)


def test_invalid_form_shows_errors_and_saves_nothing(org_world):
    response = login(org_world["users"][Role.ADMIN]).post(
        "/org/locations/add/",
        {
            "organisation": org_world["internal"].pk,
            "name": "Moon base",
            "time_zone": "Mars/Olympus",
        },
    )
    assert response.status_code == 400
    assert b"not a known time zone" in response.content


def test_history_tab_shows_changes_to_viewers(org_world):
    admin = org_world["users"][Role.ADMIN]
    client = login(admin)
    org = org_world["acme"]
    client.post(
        f"/org/organisations/{org.pk}/edit/",
        {"name": "Acme", "kind": "customer", "notes": "renewed", "is_active": "on"},
    )
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Organisation)
    response = client.get(f"/objects/{ct.pk}/{org.pk}/history/")
    assert response.status_code == 200 and b"notes" in response.content


def test_export_csv_of_a_list(org_world):
    Person.objects.create(
        first_name="=cmd|' /C calc'!A0", last_name="Evil", organisation=org_world["internal"]
    )
    response = login(org_world["users"][Role.ADMIN]).get("/org/people/?export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Name,E-mail")
    assert "'=cmd" in body


def test_global_search_finds_people_within_permissions(org_world):
    Person.objects.create(
        first_name="Zebedee", last_name="Quill", organisation=org_world["globex"], kind="contact"
    )
    admin = login(org_world["users"][Role.ADMIN]).get("/search/?q=zebedee")
    assert [h.label for h in admin.context["hits"]] == ["Zebedee Quill"]
    contact = login(org_world["users"]["acme_contact"]).get("/search/?q=zebedee")
    assert contact.context["hits"] == []


def test_search_api_rejects_empty_query(api, org_world):
    response = api(org_world["users"][Role.ADMIN]).get("/api/search/?q=")
    assert response.status_code == 400


def test_home_dashboard_per_role(org_world):
    admin = login(org_world["users"][Role.ADMIN]).get("/")
    assert admin.status_code == 200 and admin.context["recent"] is not None
    employee = login(org_world["users"][Role.EMPLOYEE]).get("/")
    assert employee.context["recent"] == []


def test_times_show_in_the_viewers_zone(org_world):
    import datetime

    user = org_world["users"][Role.ADMIN]
    user.time_zone = "Asia/Singapore"
    user.save()
    entry = AuditEntry.objects.latest("id")
    AuditEntry.objects.filter(pk=entry.pk).update(
        timestamp=datetime.datetime(2026, 1, 5, 23, 30, tzinfo=datetime.UTC)
    )
    response = login(user).get(f"/audit/{entry.pk}/")
    assert "Jan. 6, 2026, 7:30 a.m." in response.content.decode()


def test_team_list_and_detail_show_members(org_world):
    from steward.org.models import Team

    team = Team.objects.create(name="Desk", organisation=org_world["internal"])
    team.members.set(Person.objects.filter(organisation=org_world["internal"]))
    client = login(org_world["users"][Role.EMPLOYEE])
    with query_budget(14):
        listing = client.get("/org/teams/")
    assert listing.status_code == 200
    assert [values[2] for _obj, values in listing.context["rows"]] == [5]
    detail = client.get(f"/org/teams/{team.pk}/")
    assert detail.status_code == 200 and "admin Internal" in detail.content.decode()


def test_feature_rows_are_not_objects_with_tabs_of_their_own(org_world):
    """An internal note is reachable only through the object it belongs to."""
    from django.contrib.contenttypes.models import ContentType

    from steward.core import features
    from steward.core.models import Comment

    contact = Person.objects.get(user=org_world["users"]["globex_contact"])
    note = features.comment_add(
        obj=contact,
        author=org_world["users"][Role.ADMIN],
        body="secret internal note",
        internal=True,
    )
    ct = ContentType.objects.get_for_model(Comment)
    client = login(org_world["users"][Role.EMPLOYEE])
    for tab in ("history", "comments", "attachments", "watchers"):
        assert client.get(f"/objects/{ct.pk}/{note.pk}/{tab}/").status_code == 404


def test_customers_see_who_changed_their_data_but_not_values_or_addresses(org_world):
    from django.contrib.contenttypes.models import ContentType

    admin = login(org_world["users"][Role.ADMIN])
    org = org_world["acme"]
    admin.post(
        f"/org/organisations/{org.pk}/edit/",
        {"name": "Acme", "kind": "customer", "notes": "renewal at risk"},
        REMOTE_ADDR="10.9.9.9",
    )
    ct = ContentType.objects.get_for_model(Organisation)
    url = f"/objects/{ct.pk}/{org.pk}/history/"
    staff_view = admin.get(url).content.decode()
    assert "renewal at risk" in staff_view and "10.9.9.9" in staff_view
    customer_view = login(org_world["users"]["acme_contact"]).get(url).content.decode()
    assert "Updated" in customer_view
    assert "renewal at risk" not in customer_view and "10.9.9.9" not in customer_view


def test_filter_choices_list_only_what_the_user_may_see(org_world, api):
    client = login(org_world["users"]["acme_contact"])
    page = client.get("/org/people/").content.decode()
    assert "Acme" in page and "Globex" not in page
    other = Person.objects.get(user=org_world["users"]["globex_contact"])
    # Filtering by a row one may not see is refused the same way as a row that does not exist.
    rest = api(org_world["users"]["acme_contact"])
    hidden = rest.get(f"/api/org/people/?manager={other.pk}")
    missing = rest.get("/api/org/people/?manager=99999999")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == missing.json()
