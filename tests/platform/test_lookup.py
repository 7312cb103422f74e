import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from steward.core.permissions import Role
from steward.core.testing import PASSWORD, query_budget
from steward.org.models import Person, Team

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def person_lookup_url():
    return f"/lookup/{ContentType.objects.get_for_model(Person).pk}/"


def test_lookup_finds_people_by_name_within_permissions(org_world):
    Person.objects.create(
        first_name="Margaret",
        last_name="Hamilton",
        organisation=org_world["globex"],
        kind="contact",
    )
    admin = login(org_world["users"][Role.ADMIN]).get(person_lookup_url(), {"lookup": "hamil"})
    assert "Margaret Hamilton" in admin.content.decode()
    customer = login(org_world["users"]["acme_contact"]).get(
        person_lookup_url(), {"lookup": "hamil"}
    )
    assert "Margaret Hamilton" not in customer.content.decode()


def test_lookup_escapes_names(org_world):
    Person.objects.create(
        first_name="<script>x</script>", last_name="Evil", organisation=org_world["internal"]
    )
    body = (
        login(org_world["users"][Role.ADMIN]).get(person_lookup_url(), {"lookup": "evil"}).content
    )
    assert b"<script>x" not in body and b"&lt;script&gt;" in body


def test_person_form_does_not_ship_every_person(org_world):
    Person.objects.bulk_create(
        [
            Person(first_name=f"P{i}", last_name="Many", organisation=org_world["internal"])
            for i in range(300)
        ]
    )
    person = Person.objects.filter(last_name="Many").first()
    client = login(org_world["users"][Role.ADMIN])
    with query_budget(25):
        response = client.get(f"/org/people/{person.pk}/edit/")
    assert response.status_code == 200
    assert response.content.decode().count("Many</option>") <= 1


def test_team_members_are_saved_from_the_lookup_multiple_select(org_world):
    people = list(Person.objects.filter(organisation=org_world["internal"])[:2])
    client = login(org_world["users"][Role.ADMIN])
    response = client.post(
        "/org/teams/add/",
        {
            "organisation": org_world["internal"].pk,
            "name": "Network",
            "lead": people[0].pk,
            "members": [p.pk for p in people],
        },
    )
    assert response.status_code == 302, response.content
    team = Team.objects.get(name="Network")
    assert set(team.members.all()) == set(people) and team.lead == people[0]


def test_lookup_of_unknown_or_unsearchable_kind_is_404(org_world):
    client = login(org_world["users"][Role.ADMIN])
    assert client.get("/lookup/999999/", {"lookup": "x"}).status_code == 404
    session_ct = ContentType.objects.get(app_label="sessions")
    assert client.get(f"/lookup/{session_ct.pk}/", {"lookup": "x"}).status_code == 404


def test_object_tab_of_unknown_kind_or_object_is_404(org_world):
    client = login(org_world["users"][Role.ADMIN])
    assert client.get("/objects/999999/1/history/").status_code == 404
    ct = ContentType.objects.get_for_model(Person)
    assert client.get(f"/objects/{ct.pk}/999999/history/").status_code == 404
    assert client.get(f"/objects/{ct.pk}/abc/history/").status_code == 404
    assert client.get(f"/objects/{ct.pk}/1/nonsense/").status_code == 404
    session_ct = ContentType.objects.get(app_label="sessions")
    assert client.get(f"/objects/{session_ct.pk}/x/history/").status_code == 404
