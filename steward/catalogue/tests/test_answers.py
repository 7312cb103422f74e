"""Answers are checked per field type, with a message on the field that is wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from steward.catalogue.answers import clean_answers, render_answers
from steward.catalogue.models import ItemField


def field(name, type, **kw):
    return ItemField(name=name, label=name.title(), type=type, **kw)


def errors_of(fields, answers, visible=lambda pk: pk == 7):
    with pytest.raises(ValidationError) as exc:
        clean_answers(fields, answers, person_visible=visible)
    return exc.value.message_dict


def ok(fields, answers, visible=lambda pk: pk == 7):
    return clean_answers(fields, answers, person_visible=visible)


def test_a_missing_required_answer_is_reported_on_its_field():
    assert errors_of([field("reason", "text", required=True)], {}) == {
        "reason": ["This field is required."]
    }
    assert errors_of([field("reason", "text", required=True)], {"reason": "   "})["reason"]


def test_optional_empty_answers_are_left_out():
    assert ok([field("reason", "text"), field("n", "number")], {"reason": "", "n": None}) == {}


def test_unknown_answers_are_rejected():
    assert errors_of([field("reason", "text")], {"colour": "red"}) == {
        "colour": ["This form has no such field."]
    }


def test_answers_must_be_an_object():
    assert "answers" in errors_of([], ["not", "a", "dict"])


def test_text_must_be_a_string_within_its_length_limits():
    f = field("code", "text", min_value=Decimal(3), max_value=Decimal(5))
    assert errors_of([f], {"code": 12345}) == {"code": ["Enter text."]}
    assert errors_of([f], {"code": "ab"}) == {"code": ["At least 3 characters."]}
    assert errors_of([f], {"code": "abcdef"}) == {"code": ["At most 5 characters."]}
    assert ok([f], {"code": " abcd "}) == {"code": "abcd"}


def test_numbers_are_parsed_and_checked_against_their_range():
    f = field("seats", "number", min_value=Decimal(1), max_value=Decimal(50))
    assert ok([f], {"seats": 3}) == {"seats": 3}
    assert ok([f], {"seats": "2.5"}) == {"seats": 2.5}
    assert errors_of([f], {"seats": "three"}) == {"seats": ["Enter a number."]}
    assert errors_of([f], {"seats": True}) == {"seats": ["Enter a number."]}
    assert errors_of([f], {"seats": "NaN"}) == {"seats": ["Enter a number."]}
    assert errors_of([f], {"seats": 0}) == {"seats": ["At least 1."]}
    assert errors_of([f], {"seats": 51}) == {"seats": ["At most 50."]}


def test_dates_must_be_iso_dates():
    f = field("start", "date")
    assert ok([f], {"start": "2027-01-04"}) == {"start": "2027-01-04"}
    assert errors_of([f], {"start": "04/01/2027"}) == {"start": ["Enter a date as YYYY-MM-DD."]}
    assert errors_of([f], {"start": 20270104}) == {"start": ["Enter a date as YYYY-MM-DD."]}


def test_a_choice_must_be_one_offered():
    f = field("model", "choice", choices=["14-inch", "16-inch"])
    assert ok([f], {"model": "16-inch"}) == {"model": "16-inch"}
    assert errors_of([f], {"model": "17-inch"}) == {"model": ["Choose one of: 14-inch, 16-inch."]}
    assert errors_of([f], {"model": ["14-inch"]})["model"]


def test_several_choices_must_all_be_offered_and_keep_the_forms_order():
    f = field("apps", "multichoice", choices=["Word", "Excel", "Visio"])
    assert ok([f], {"apps": ["Visio", "Word"]}) == {"apps": ["Word", "Visio"]}
    assert errors_of([f], {"apps": ["Word", "Photoshop"]}) == {
        "apps": ["Not offered: Photoshop. Choose from: Word, Excel, Visio."]
    }
    assert errors_of([f], {"apps": [1, 2]}) == {"apps": ["Give a list of choices."]}
    assert errors_of([field("apps", "multichoice", choices=["A"], required=True)], {"apps": []})


def test_a_checkbox_is_a_boolean_and_a_required_one_must_be_ticked():
    f = field("agree", "checkbox", required=True)
    assert ok([f], {"agree": True}) == {"agree": True}
    assert errors_of([f], {}) == {"agree": ["Tick this box to continue."]}
    assert errors_of([f], {"agree": "yes"}) == {"agree": ["Give true or false."]}
    assert ok([field("news", "checkbox")], {}) == {"news": False}


def test_a_person_must_be_someone_the_requester_may_see():
    f = field("manager", "person")
    assert ok([f], {"manager": 7}) == {"manager": 7}
    assert ok([f], {"manager": "7"}) == {"manager": 7}
    assert errors_of([f], {"manager": 8}) == {"manager": ["No such person."]}
    assert errors_of([f], {"manager": "x"}) == {"manager": ["Choose a person."]}
    assert errors_of([f], {"manager": 10**30}) == {"manager": ["No such person."]}


def test_an_email_must_be_valid():
    f = field("guest", "email")
    assert ok([f], {"guest": "visitor@example.org"}) == {"guest": "visitor@example.org"}
    assert errors_of([f], {"guest": "not-an-address"})["guest"]


def test_every_wrong_answer_is_reported_at_once():
    fields = [field("a", "number"), field("b", "date"), field("c", "text", required=True)]
    assert set(errors_of(fields, {"a": "x", "b": "y"})) == {"a", "b", "c"}


def test_rendered_answers_are_readable_lines():
    fields = [
        field("model", "choice", choices=["14-inch"]),
        field("who", "person"),
        field("agree", "checkbox"),
        field("apps", "multichoice", choices=["A", "B"]),
    ]
    text = render_answers(
        fields, {"model": "14-inch", "who": 7, "agree": True, "apps": ["A", "B"]}, {7: "Ann Lee"}
    )
    assert text == "Model: 14-inch\nWho: Ann Lee\nAgree: yes\nApps: A, B"
