"""Validation of a request's answers against its item's form, per field type.

Answers are JSON: text, long text, e-mail and date (``YYYY-MM-DD``) as strings, a number as a
JSON number (or a numeric string from a web form), a choice as one of the offered texts,
several choices as a list of them, a checkbox as true/false, a person as their id. The web
form and the API both end here, so the rules (and the messages) are the same everywhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from steward.catalogue.models import FieldType, ItemField
from steward.core.validation import is_id

MAX_TEXT = 5000


def _fmt(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _empty(value: Any) -> bool:
    return (
        value is None
        or value == ""
        or value == []
        or (isinstance(value, str) and not value.strip())
    )


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _text(field: ItemField, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("Enter text."))
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ValidationError(_("At most %(n)s characters.") % {"n": MAX_TEXT})
    if field.min_value is not None and len(value) < field.min_value:
        raise ValidationError(_("At least %(n)s characters.") % {"n": int(field.min_value)})
    if field.max_value is not None and len(value) > field.max_value:
        raise ValidationError(_("At most %(n)s characters.") % {"n": int(field.max_value)})
    return value


def _number(field: ItemField, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValidationError(_("Enter a number."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(_("Enter a number.")) from None
    if not number.is_finite() or abs(number) > Decimal("1e12"):
        raise ValidationError(_("Enter a number."))
    if field.min_value is not None and number < field.min_value:
        raise ValidationError(_("At least %(n)s.") % {"n": _fmt(field.min_value)})
    if field.max_value is not None and number > field.max_value:
        raise ValidationError(_("At most %(n)s.") % {"n": _fmt(field.max_value)})
    return int(number) if number == number.to_integral_value() else float(number)


def _date(field: ItemField, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("Enter a date as YYYY-MM-DD."))
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from None


def _choice(field: ItemField, value: Any) -> str:
    if not isinstance(value, str) or value not in field.choices:
        raise ValidationError(
            _("Choose one of: %(c)s.") % {"c": ", ".join(str(c) for c in field.choices)}
        )
    return value


def _multichoice(field: ItemField, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Give a list of choices."))
    wrong = [v for v in value if v not in field.choices]
    if wrong:
        raise ValidationError(
            _("Not offered: %(w)s. Choose from: %(c)s.")
            % {"w": ", ".join(wrong), "c": ", ".join(field.choices)}
        )
    return [c for c in field.choices if c in value]


def _checkbox(field: ItemField, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(_("Give true or false."))
    if field.required and not value:
        raise ValidationError(_("Tick this box to continue."))
    return value


def _email(field: ItemField, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("Enter an e-mail address."))
    value = value.strip()
    validate_email(value)
    return value


CLEANERS: dict[str, Callable[[ItemField, Any], Any]] = {
    FieldType.TEXT: _text,
    FieldType.TEXTAREA: _text,
    FieldType.NUMBER: _number,
    FieldType.DATE: _date,
    FieldType.CHOICE: _choice,
    FieldType.MULTICHOICE: _multichoice,
    FieldType.CHECKBOX: _checkbox,
    FieldType.EMAIL: _email,
}


def clean_answers(
    fields: Iterable[ItemField],
    answers: Any,
    *,
    person_visible: Callable[[int], bool],
) -> dict[str, Any]:
    """The answers in their stored form. Raises ValidationError keyed by field name: missing
    required answers, wrong types, choices not offered, numbers or lengths out of range,
    people the requester cannot see, and names the form does not have."""
    if not isinstance(answers, Mapping):
        raise ValidationError({"answers": [_("Expected an object of answers.")]})
    fields = list(fields)
    known = {f.name for f in fields}
    errors: dict[str, list[str]] = {
        str(name)[:50]: [_("This form has no such field.")] for name in answers if name not in known
    }
    cleaned: dict[str, Any] = {}
    for field in fields:
        value = answers.get(field.name)
        if field.type == FieldType.CHECKBOX and value is None:
            value = False
        if _empty(value) and field.type != FieldType.CHECKBOX:
            if field.required:
                errors[field.name] = [_("This field is required.")]
            continue
        try:
            if _has_nul(value):
                # PostgreSQL cannot store NUL in text or JSON: refuse it as any bad input.
                raise ValidationError(_("Null characters are not allowed."))
            if field.type == FieldType.PERSON:
                if isinstance(value, bool) or not isinstance(value, (int, str)):
                    raise ValidationError(_("Choose a person."))
                if isinstance(value, str) and not is_id(value.strip()):
                    raise ValidationError(_("Choose a person."))  # "²" is a digit, no int
                pk = int(value)
                if not 0 < pk < 2**63 or not person_visible(pk):
                    raise ValidationError(_("No such person."))
                cleaned[field.name] = pk
            else:
                cleaned[field.name] = CLEANERS[field.type](field, value)
        except ValidationError as exc:
            errors[field.name] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def render_answers(
    fields: Iterable[ItemField], answers: Mapping[str, Any], people: Mapping[int, str]
) -> str:
    """The answers as readable lines for the ticket's description."""
    lines = []
    for field in fields:
        if field.name not in answers:
            continue
        value = answers[field.name]
        if field.type == FieldType.PERSON:
            shown = people.get(value, f"#{value}")
        elif field.type == FieldType.CHECKBOX:
            shown = _("yes") if value else _("no")
        elif isinstance(value, list):
            shown = ", ".join(value)
        else:
            shown = str(value)
        lines.append(f"{field.label}: {shown}")
    return "\n".join(lines)
