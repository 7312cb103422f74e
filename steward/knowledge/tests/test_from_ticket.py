"""An agent turns a resolved ticket into a draft article, and links articles to tickets."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from steward.core.permissions import Role
from steward.knowledge import selectors, services
from steward.knowledge.models import ArticleTicketLink, Visibility


@pytest.fixture
def resolved(kb):
    from steward.org.selectors import person_for_user
    from steward.servicedesk.services import ticket_create, ticket_reply, ticket_transition

    agent = kb["users"][Role.AGENT]
    employee = person_for_user(kb["users"][Role.EMPLOYEE])
    ticket = ticket_create(
        actor=agent,
        requester=employee,
        title="Outlook keeps asking for my password",
        description="Since this morning Outlook prompts for the password every minute.",
    )
    ticket_reply(ticket=ticket, actor=agent, body="Please remove the cached credentials.")
    ticket_reply(ticket=ticket, actor=agent, body="Internal: user is VIP", kind="note")
    return ticket_transition(
        ticket=ticket,
        actor=agent,
        status="resolved",
        resolution="Removed the stale entry from Credential Manager and rebuilt the profile.",
    )


def test_a_resolved_ticket_becomes_a_linked_internal_draft(kb, resolved):
    article = services.article_draft_from_ticket(
        ticket_id=resolved.pk, actor=kb["users"][Role.AGENT]
    )
    assert article.title == "Outlook keeps asking for my password"
    assert article.status == "draft" and article.visibility == Visibility.INTERNAL
    assert "prompts for the password every minute" in article.body
    assert "Credential Manager" in article.body
    assert "> Please remove the cached credentials." in article.body
    assert article.source_ticket_id == resolved.pk
    assert ArticleTicketLink.objects.filter(article=article, ticket=resolved).exists()
    assert resolved.reference in article.versions.get().note


def test_internal_notes_never_reach_the_draft(kb, resolved):
    article = services.article_draft_from_ticket(
        ticket_id=resolved.pk, actor=kb["users"][Role.AGENT]
    )
    assert "VIP" not in article.body


def test_an_open_ticket_does_not_become_an_article(kb):
    from steward.org.selectors import person_for_user
    from steward.servicedesk.services import ticket_create

    agent = kb["users"][Role.AGENT]
    ticket = ticket_create(
        actor=agent, requester=person_for_user(kb["users"][Role.EMPLOYEE]), title="Open"
    )
    with pytest.raises(ValidationError) as exc:
        services.article_draft_from_ticket(ticket_id=ticket.pk, actor=agent)
    assert "ticket" in exc.value.message_dict


@pytest.mark.parametrize("ticket_id", [0, 999_999, -3])
def test_an_unknown_ticket_is_a_field_error(kb, ticket_id):
    with pytest.raises(ValidationError) as exc:
        services.article_draft_from_ticket(ticket_id=ticket_id, actor=kb["users"][Role.AGENT])
    assert "ticket" in exc.value.message_dict


def test_employees_cannot_draft_from_their_own_ticket(kb, resolved):
    with pytest.raises(PermissionDenied):
        services.article_draft_from_ticket(ticket_id=resolved.pk, actor=kb["users"][Role.EMPLOYEE])


def test_linking_an_article_to_a_ticket_is_idempotent_and_listed_for_the_ticket(kb, resolved):
    agent = kb["users"][Role.AGENT]
    article = kb["article"]("Rebuild an Outlook profile", status="published")
    first = services.article_link_ticket(article=article, ticket_id=resolved.pk, actor=agent)
    again = services.article_link_ticket(article=article, ticket_id=resolved.pk, actor=agent)
    assert first.pk == again.pk and first.linked_by == agent
    assert selectors.articles_for_ticket(agent, resolved.pk) == [article]


def test_the_workspace_button_drafts_and_opens_the_edit_form(kb, resolved, client):
    client.force_login(kb["users"][Role.AGENT])
    response = client.post(f"/knowledge/from-ticket/{resolved.pk}/")
    article = ArticleTicketLink.objects.get(ticket=resolved).article
    assert response.status_code == 302
    assert response["Location"] == f"/knowledge/articles/{article.pk}/edit/"


def test_the_workspace_panel_searches_links_and_offers_a_draft(kb, resolved, client):
    article = kb["article"]("Rebuild an Outlook profile", status="published")
    client.force_login(kb["users"][Role.AGENT])
    url = f"/knowledge/tickets/{resolved.pk}/"
    html = client.get(url).content.decode()
    assert "No article linked" in html and "Turn into an article" in html
    html = client.get(url, {"q": "outlook"}).content.decode()
    assert f'name="article" value="{article.pk}"' in html
    html = client.post(url, {"article": article.pk}).content.decode()
    assert "Rebuild an Outlook profile" in html and "No article linked" not in html
    assert ArticleTicketLink.objects.filter(article=article, ticket=resolved).exists()
    assert client.post(url, {"article": "nope"}).status_code == 400


def test_the_workspace_panel_is_for_writers_and_visible_tickets(kb, resolved, client):
    client.force_login(kb["users"][Role.EMPLOYEE])
    assert client.get(f"/knowledge/tickets/{resolved.pk}/").status_code == 403
    client.force_login(kb["users"][Role.AGENT])
    assert client.get("/knowledge/tickets/987654/").status_code == 404
