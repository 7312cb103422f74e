import pytest
from django.test import Client

from steward.core import mail
from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.core.testing import PASSWORD
from steward.notifications import services
from steward.notifications.models import InboundMessage, InboundStatus
from steward.notifications.tests.conftest import eml
from steward.org.models import Organisation

pytestmark = pytest.mark.django_db


def test_message_no_handler_takes_is_quarantined_with_raw_bytes_and_reason():
    raw = eml()
    outcome = mail.dispatch(raw, envelope_from="alice@example.test", envelope_to=["x@y.test"])
    assert (outcome.handled, outcome.reason) == (False, "no-handler")
    stored = InboundMessage.objects.get()
    assert bytes(stored.raw) == raw
    assert (stored.reason, stored.status) == ("no-handler", InboundStatus.QUARANTINED)
    assert (stored.sender, stored.subject) == ("alice@example.test", "Printer on floor 2")
    assert stored.envelope_to == ["x@y.test"]


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"this is not a message at all"])
def test_message_that_fails_to_parse_is_quarantined(raw):
    assert mail.dispatch(raw).reason == "parse-error"
    assert InboundMessage.objects.get().reason == "parse-error"


def test_handler_runs_in_a_mail_change_context_and_its_writes_are_audited(mail_handler):
    def handle(msg):
        Organisation.objects.create(name=str(msg["Subject"]))

    mail_handler("test.org", lambda msg: True, handle)
    outcome = mail.dispatch(eml())
    assert outcome.handled and outcome.handler == "test.org"
    entry = AuditEntry.objects.get(object_repr="Printer on floor 2", action="create")
    assert entry.origin == "mail"
    assert not InboundMessage.objects.exists()


def test_handler_that_raises_is_quarantined_and_its_writes_roll_back(mail_handler):
    def handle(msg):
        Organisation.objects.create(name="half done")
        raise RuntimeError("boom")

    mail_handler("test.boom", lambda msg: True, handle)
    outcome = mail.dispatch(eml())
    assert outcome.reason == "handler-error" and "boom" in outcome.detail
    assert not Organisation.objects.filter(name="half done").exists()
    stored = InboundMessage.objects.get()
    assert (stored.reason, stored.handler) == ("handler-error", "test.boom")


def test_first_matching_handler_wins_and_others_are_skipped(mail_handler):
    seen = []
    mail_handler("test.no", lambda msg: False, lambda msg: seen.append("no"))
    mail_handler("test.yes", lambda msg: True, lambda msg: seen.append("yes"))
    mail_handler("test.late", lambda msg: True, lambda msg: seen.append("late"))
    assert mail.dispatch(eml()).handler == "test.yes"
    assert seen == ["yes"]


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "From: MAILER-DAEMON@mx.example.test",
        "From: Mail Delivery System <postmaster@mx.example.test>",
        "X-Autoreply: yes",
    ],
)
def test_auto_reply_is_never_acted_on(mail_handler, header):
    acted = []
    mail_handler("test.all", lambda msg: True, lambda msg: acted.append(msg))
    outcome = mail.dispatch(eml(header))
    assert acted == []
    assert outcome.reason == "auto-reply"
    assert InboundMessage.objects.get().reason == "auto-reply"


def test_bounce_with_null_envelope_sender_is_never_acted_on(mail_handler):
    acted = []
    mail_handler("test.all", lambda msg: True, lambda msg: acted.append(msg))
    outcome = mail.dispatch(eml(), envelope_from="", envelope_to=["helpdesk@x.test"])
    assert (acted, outcome.reason) == ([], "auto-reply")


def test_auto_submitted_no_is_a_person_and_is_acted_on(mail_handler):
    acted = []
    mail_handler("test.all", lambda msg: True, lambda msg: acted.append(msg))
    assert mail.dispatch(eml("Auto-Submitted: no")).handled
    assert len(acted) == 1


def test_our_own_notification_coming_back_is_never_acted_on(mail_handler, settings):
    acted = []
    mail_handler("test.all", lambda msg: True, lambda msg: acted.append(msg))
    outcome = mail.dispatch(eml(f"From: {settings.DEFAULT_FROM_EMAIL}"))
    assert (acted, outcome.reason) == ([], "auto-reply")


def test_quarantined_message_is_reprocessed_once_a_handler_takes_it(org_world, mail_handler):
    admin = org_world["users"][Role.ADMIN]
    mail.dispatch(eml())
    stored = InboundMessage.objects.get()
    mail_handler("test.org", lambda msg: True, lambda msg: Organisation.objects.create(name="ok"))
    outcome = services.inbound_message_reprocess(message=stored, actor=admin)
    assert outcome.handled
    stored.refresh_from_db()
    assert (stored.status, stored.resolved_by, stored.attempts) == ("processed", admin, 2)
    assert Organisation.objects.filter(name="ok").exists()


def test_reprocessing_an_auto_reply_keeps_it_quarantined(org_world, mail_handler):
    mail_handler("test.all", lambda msg: True, lambda msg: None)
    mail.dispatch(eml("Precedence: bulk"))
    stored = InboundMessage.objects.get()
    outcome = services.inbound_message_reprocess(
        message=stored, actor=org_world["users"][Role.ADMIN]
    )
    assert outcome.reason == "auto-reply"
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == ("quarantined", 2)


def _login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_quarantine_is_visible_to_administrators_only(org_world, api):
    mail.dispatch(eml())
    stored = InboundMessage.objects.get()
    admin, manager = org_world["users"][Role.ADMIN], org_world["users"][Role.IT_MANAGER]
    assert "Printer on floor 2" in _login(admin).get("/inbox/quarantine/").content.decode()
    page = _login(admin).get(f"/inbox/quarantine/{stored.pk}/")
    assert page.status_code == 200 and "no-handler" in page.content.decode()
    assert _login(manager).get("/inbox/quarantine/").status_code == 403
    assert _login(manager).get(f"/inbox/quarantine/{stored.pk}/").status_code == 404
    assert api(manager).get("/api/notifications/inbound-messages/").status_code == 403
    listed = api(admin).get("/api/notifications/inbound-messages/").json()["results"]
    assert [row["reason"] for row in listed] == ["no-handler"]


def test_admin_reprocesses_and_discards_through_ui_and_api(org_world, api, mail_handler):
    admin = org_world["users"][Role.ADMIN]
    mail.dispatch(eml())
    mail.dispatch(eml("Subject: second"))
    first, second = InboundMessage.objects.order_by("pk")
    raw = _login(admin).get(f"/inbox/quarantine/{first.pk}/raw/")
    assert raw["Content-Type"] == "message/rfc822" and raw.content == bytes(first.raw)
    response = api(admin).post(f"/api/notifications/inbound-messages/{first.pk}/reprocess/")
    assert response.json()["reason"] == "no-handler"
    assert _login(admin).post(f"/inbox/quarantine/{second.pk}/discard/").status_code == 302
    second.refresh_from_db()
    assert second.status == "discarded"
    again = api(admin).post(f"/api/notifications/inbound-messages/{second.pk}/discard/")
    assert again.status_code == 400


def test_html_with_thousands_of_unclosed_script_tags_is_read_in_linear_time():
    import time

    from steward.core.mail import html_text

    started = time.monotonic()
    text = html_text("<p>approve</p>" + "<script" * 200_000)
    assert time.monotonic() - started < 2
    assert text == "approve"
