import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from steward.core import features
from steward.core.models import CustomFieldDefinition
from steward.core.permissions import Role
from steward.org.models import Person

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_attachment_type_is_sniffed_from_bytes_not_the_claim(org_world):
    person = Person.objects.first()
    upload = SimpleUploadedFile("report.pdf", PNG, content_type="application/pdf")
    att = features.attachment_add(obj=person, upload=upload, user=org_world["users"][Role.ADMIN])
    assert att.media_type == "image/png" and att.size == len(PNG)
    assert att.file.read() == PNG


def test_attachment_over_limit_is_refused(org_world, settings):
    settings.MAX_UPLOAD_BYTES = 10
    upload = SimpleUploadedFile("big.txt", b"x" * 11)
    with pytest.raises(ValidationError):
        features.attachment_add(
            obj=Person.objects.first(), upload=upload, user=org_world["users"][Role.ADMIN]
        )


def test_executable_attachment_is_refused(org_world):
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 100
    with pytest.raises(ValidationError):
        features.attachment_add(
            obj=Person.objects.first(),
            upload=SimpleUploadedFile("x.txt", elf),
            user=org_world["users"][Role.ADMIN],
        )


def test_attachment_name_cannot_escape_the_data_folder(org_world, settings):
    upload = SimpleUploadedFile("../../etc/passwd", b"hello")
    att = features.attachment_add(
        obj=Person.objects.first(), upload=upload, user=org_world["users"][Role.ADMIN]
    )
    assert ".." not in att.file.name and att.file.path.startswith(str(settings.MEDIA_ROOT))


def test_customer_cannot_comment_on_other_tenant_object(org_world):
    other = Person.objects.get(user=org_world["users"]["globex_contact"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        features.comment_add(obj=other, author=org_world["users"]["acme_contact"], body="hi")


def test_empty_comment_is_refused(org_world):
    with pytest.raises(ValidationError):
        features.comment_add(
            obj=Person.objects.first(), author=org_world["users"][Role.ADMIN], body="   "
        )


def test_tags_are_set_and_replaced(org_world):
    person = Person.objects.first()
    admin = org_world["users"][Role.ADMIN]
    features.tag_set(obj=person, names=["VIP", "Remote"], actor=admin)
    features.tag_set(obj=person, names=["VIP"], actor=admin)
    assert [t.name for t in features.tags_of(person)] == ["VIP"]


def test_watch_toggles(org_world):
    person = Person.objects.first()
    admin = org_world["users"][Role.ADMIN]
    assert features.watch_toggle(obj=person, user=admin) is True
    assert [w.user for w in features.watchers_of(person)] == [admin]
    assert features.watch_toggle(obj=person, user=admin) is False


@pytest.fixture
def badge_field(db):
    from django.contrib.contenttypes.models import ContentType

    return CustomFieldDefinition.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        name="badge",
        label="Badge",
        type="integer",
        required=False,
    )


def test_custom_field_values_are_typed_and_unknown_keys_rejected(api, org_world, badge_field):
    client = api(org_world["users"][Role.ADMIN])
    person = Person.objects.get(user=org_world["users"][Role.EMPLOYEE])
    ok = client.patch(f"/api/org/people/{person.pk}/", {"custom_fields": {"badge": "42"}})
    assert ok.status_code == 200 and ok.json()["custom_fields"] == {"badge": 42}
    bad = client.patch(f"/api/org/people/{person.pk}/", {"custom_fields": {"badge": "many"}})
    assert bad.status_code == 400 and "custom_fields" in bad.json()["errors"]
    unknown = client.patch(f"/api/org/people/{person.pk}/", {"custom_fields": {"shoe": 9}})
    assert unknown.status_code == 400


def test_export_neutralises_formula_injection():
    from steward.core.export import neutralise, xlsx_bytes

    assert neutralise('=HYPERLINK("http://evil")').startswith("'")
    assert neutralise("+1") == "'+1" and neutralise("ok") == "ok"
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx_bytes(["Name"], [["=1+1"]])))
    assert wb.active["A2"].value == "'=1+1"


def test_integer_custom_field_refuses_fractions_and_huge_numbers(badge_field):
    from steward.core.customfields import clean_custom_fields

    assert clean_custom_fields(Person, {"badge": 7.0}) == {"badge": 7}
    for bad in (1.5, "1.5", 1e300, True):
        with pytest.raises(ValidationError):
            clean_custom_fields(Person, {"badge": bad})


def test_tags_match_existing_names_in_any_case_and_accept_any_script(org_world):
    from steward.core.models import Tag

    Tag.objects.create(name="VIP", slug="very-important")
    person = Person.objects.first()
    tags = features.tag_set(
        obj=person, names=["vip", "日本", "Remote"], actor=org_world["users"][Role.ADMIN]
    )
    assert sorted(t.name for t in tags) == ["Remote", "VIP", "日本"]
    assert Tag.objects.count() == 3


def test_tags_tab_edits_tags_for_editors_only(org_world):
    from django.contrib.contenttypes.models import ContentType
    from django.test import Client

    from steward.core.testing import PASSWORD

    person = Person.objects.get(user=org_world["users"][Role.EMPLOYEE])
    url = f"/objects/{ContentType.objects.get_for_model(Person).pk}/{person.pk}/tags/"
    admin = Client()
    admin.login(username="admin", password=PASSWORD)
    assert admin.post(url, {"tags": "VIP, Remote"}).status_code == 200
    assert sorted(t.name for t in features.tags_of(person)) == ["Remote", "VIP"]
    employee = Client()
    employee.login(username="employee", password=PASSWORD)
    assert "Save tags" not in employee.get(url).content.decode()
    assert employee.post(url, {"tags": ""}).status_code == 403
    assert len(features.tags_of(person)) == 2


def test_tag_names_differing_only_in_case_are_one_tag(org_world):
    person = Person.objects.first()
    admin = org_world["users"][Role.ADMIN]
    tags = features.tag_set(obj=person, names=["vpn", "VPN", " Vpn "], actor=admin)
    assert len(tags) == 1
    assert [t.name.lower() for t in features.tags_of(person)] == ["vpn"]


def test_the_system_tags_without_a_login_and_a_person_without_rights_cannot(org_world, make_user):
    from django.core.exceptions import PermissionDenied

    person = Person.objects.first()
    assert [t.name for t in features.tag_set(obj=person, names=["Imported"], actor=None)] == [
        "Imported"
    ]
    with pytest.raises(PermissionDenied):
        features.tag_set(obj=person, names=["x"], actor=make_user(Role.EMPLOYEE))
    assert [t.name for t in features.tags_of(person)] == ["Imported"]
