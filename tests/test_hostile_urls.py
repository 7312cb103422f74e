"""Every page answers bad ids and empty posts with a 4xx (or a form error), never a 500."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from steward.core.permissions import Role
from steward.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("api/", "static/", "logout/", "metrics")
VALUES = {
    "int": "999999",
    "str": "not-an-id",
    "slug": "nonsense",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}


def routes(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def concrete(route):
    def fill(match):
        converter = match.group(1) or "str"
        return VALUES.get(converter, "x")

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route).lstrip("^").rstrip("$")


def test_no_page_answers_a_server_error_to_bad_ids_or_empty_posts(org_world):
    client = Client(raise_request_exception=False)
    assert client.login(username=org_world["users"][Role.ADMIN].username, password=PASSWORD)
    checked = 0
    for route in routes():
        if route.startswith(SKIP_PREFIXES) or "(?P" in route:
            continue
        url = concrete(route)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code < 500, f"{method.upper()} {url} -> {response.status_code}"
            checked += 1
    assert checked > 60


def test_unicode_digits_are_not_ids(org_world, api):
    from steward.core.validation import is_id

    assert not is_id("²") and not is_id("٣") and not is_id("9" * 30) and is_id("42")
    client = api(org_world["users"][Role.ADMIN])
    response = client.post("/api/org/organisations/bulk/", [{"id": "²"}], format="json")
    assert response.status_code == 400
    page = Client()
    page.login(username=org_world["users"][Role.ADMIN].username, password=PASSWORD)
    assert (
        page.post("/org/organisations/", {"selected": "²", "bulk_action": "delete"}).status_code
        == 302
    )


DESK_PREFIXES = ("servicedesk/", "knowledge/", "catalogue/", "portal/", "status")
VERBS = ("nonsense", "publish", "submit", "retire", "complete", "skip", "start")
HOSTILE_POST = {"body": "a\x00b", "title": "\x00", "status": "resolved", "rating": "9" * 30,
                "answers": "x", "pk": "²", "article": "-1", "ticket": "9" * 30}  # fmt: skip


def _desk_world(org_world):
    """One row of each kind the service-desk pages open: a resolved ticket with a reply and
    a survey, an article, a catalogue item and a request of it."""
    from steward.catalogue import services as catalogue
    from steward.catalogue.models import CatalogueCategory, CatalogueItem
    from steward.knowledge import services as knowledge
    from steward.org.models import Person
    from steward.servicedesk import services as desk
    from steward.servicedesk.models import SurveyResponse

    users = org_world["users"]
    employee = Person.objects.get(user=users[Role.EMPLOYEE])
    ticket = desk.ticket_create(actor=None, requester=employee, title="Printer jams")
    desk.ticket_reply(ticket=ticket, actor=users[Role.AGENT], body="On it")
    desk.ticket_transition(
        ticket=ticket, actor=users[Role.AGENT], status="resolved", resolution="Fixed"
    )
    survey = SurveyResponse.objects.filter(ticket=ticket).first() or SurveyResponse.objects.create(
        ticket=ticket, token="t" * 43
    )
    article = knowledge.article_create(
        actor=users[Role.AGENT], data={"title": "Connect to the VPN", "body": "Sign in."}
    )
    access = CatalogueCategory.objects.create(name="Access")
    item = CatalogueItem.objects.create(
        name="VPN access", slug="vpn", category=access, audience="both"
    )
    catalogue.item_request(item=item, requester=employee, answers={}, actor=users[Role.EMPLOYEE])
    return {"slug": [article.slug, item.slug], "token": [survey.token, "x"]}


def _filled(route, world, ids):
    urls = [route]
    for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", route):
        pattern = f"<{conv + ':' if conv else ''}{name}>"
        if conv == "int":
            values = ids
        elif conv == "slug" and name in ("verb", "action"):
            values = VERBS
        else:
            values = world.get(conv or name, ["x"])
        urls = [u.replace(pattern, v, 1) for u in urls for v in values]
    return ["/" + u for u in urls]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EMPLOYEE, "acme_contact"])
def test_no_service_desk_page_answers_a_server_error_on_real_rows_and_hostile_posts(
    org_world, role
):
    """The crawl above reaches the service-desk routes only with ids that do not exist; this
    one opens real rows (the first ids of each table), real slugs and a real survey token,
    as staff, an employee and a customer contact, and posts nothing and hostile forms."""
    world = _desk_world(org_world)
    client = Client(raise_request_exception=False)
    client.force_login(org_world["users"][role])
    checked = 0
    for route in routes():
        if not route.startswith(DESK_PREFIXES) or "(?P" in route:
            continue
        for url in _filled(route, world, ["1"]):
            for method, data in (("get", None), ("post", {}), ("post", HOSTILE_POST)):
                response = getattr(client, method)(url, data)
                assert response.status_code < 500, (
                    f"{method.upper()} {url} -> {response.status_code}"
                )
                checked += 1
    assert checked > 200
