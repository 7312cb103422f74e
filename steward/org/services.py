"""State changes of the directory beyond plain CRUD: logins and roles of people."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from steward.core import permissions
from steward.core.models import User
from steward.core.permissions import Role
from steward.org.models import OrganisationKind, Person, PersonKind


@transaction.atomic
def person_grant_login(
    *, person: Person, username: str, roles: list[str], actor: Any, password: str | None = None
) -> User:
    """Give a person a login with roles. Customer contacts may only hold the customer role,
    and only people of a customer organisation may hold it."""
    permissions.ensure(actor, "change", User)
    person = Person.objects.select_for_update().select_related("organisation").get(pk=person.pk)
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError(
            {"roles": _("Unknown roles: %(r)s") % {"r": ", ".join(sorted(unknown))}}
        )
    external = person.organisation.kind != OrganisationKind.INTERNAL
    if external and set(roles) - {Role.CUSTOMER}:
        raise ValidationError(
            {"roles": _("People of an external organisation can only be customer contacts.")}
        )
    if not external and Role.CUSTOMER in roles:
        raise ValidationError(
            {"roles": _("Only people of a customer organisation can be customer contacts.")}
        )
    user = person.user or User(username=username)
    user.first_name, user.last_name, user.email = person.first_name, person.last_name, person.email
    user.time_zone = person.effective_time_zone
    user.language = person.language
    if password:
        user.set_password(password)
    elif not user.pk:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([Group.objects.get_or_create(name=r)[0] for r in sorted(set(roles))])
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    return user


def person_send_password_link(*, person: Person, request: Any) -> bool:
    """Mails the person a one-time link to choose their password (also for a new login, whose
    password is still unusable and which Django's reset form would skip)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = person.user
    # The login's own address, not the directory's: agents may edit a person's e-mail.
    if user is None or not user.email or not user.is_active:
        return False
    body = render_to_string(
        "registration/password_reset_email.html",
        {
            "email": user.email,
            "protocol": "https" if request.is_secure() else "http",
            "domain": request.get_host(),
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_mail(_("Choose your Steward password"), body, None, [user.email])
    return True


@transaction.atomic
def person_register(
    *,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Any,
    actor: Any,
) -> Person:
    """Add someone to the directory, e.g. the unknown sender of a service-desk mail
    (``actor=None``: the system). Employees of the internal organisation, contacts of any
    other; raises ValidationError (duplicate address, bad values) or PermissionDenied."""
    if actor is not None:
        permissions.ensure(actor, "add", Person)
    internal = organisation.kind == OrganisationKind.INTERNAL
    person = Person(
        email=email.strip(),
        first_name=first_name.strip()[:100],
        last_name=last_name.strip()[:100],
        organisation=organisation,
        kind=PersonKind.EMPLOYEE if internal else PersonKind.CONTACT,
    )
    person.full_clean()
    person.save()
    return person
