"""Checking and creating the rows of an import a chunk at a time.

The row-by-row path asks the database several questions per row (is the key taken, may the
user see the match, is each unique value free) and writes each new row with its own INSERT
and audit entry: about 40 ms a row, hours for a large file. Here the same questions are asked
once per chunk (one query per key and per unique constraint) and new rows are written with one
INSERT per few hundred rows, their audit entries likewise. The answers are the same, row by
row and with the same messages; a row that the set-based path cannot judge (a constraint it
cannot evaluate in Python) is checked by the model itself, and a chunk that the database
still refuses (another user took a key meanwhile) is written again row by row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from steward.core import audit, configcache, events, permissions
from steward.core.customfields import clean_custom_fields
from steward.integrations.importing import (
    Importer,
    RowInvalid,
    RowOutcome,
    model_field,
    validation_messages,
)

CHUNK = 1000
"""Rows checked and written together: large enough that per-query costs fade, small enough
that the IN lists stay far below SQLite's limit on bound parameters."""

TEXT = (models.CharField, models.TextField)


@dataclass
class Checked:
    """One row after checking: the object it would write, unless it is invalid."""

    outcome: RowOutcome
    obj: models.Model | None = None
    existing: models.Model | None = None
    data: dict[str, Any] = field(default_factory=dict)


def supported(importer: Importer) -> bool:
    """Whether this file can be checked and written set-wise: no many-to-many columns, no
    column pointing at rows of the same file, no model that saves with its own code and no
    date-bound uniqueness (``unique_for_date``), which only the model can check."""
    model = importer.model
    for name in importer.header:
        f = model_field(importer.resource, name)
        if f.many_to_many or (f.is_relation and f.related_model is model):
            return False
    for klass in model.__mro__:
        own = klass.__module__.startswith("steward.") and not klass.__module__.startswith(
            "steward.core."
        )
        if own and "save" in vars(klass):
            return False
    _unique, dates = model()._get_unique_checks(include_meta_constraints=True)
    return not dates


# Checking ------------------------------------------------------------------------------


def check(importer: Importer, rows: Sequence[tuple[int, list[str]]]) -> list[Checked]:
    """The outcome of each row, as ``Importer.preview`` would give it, plus the object."""
    with configcache.scope():
        return _check(importer, rows)


def _check(importer: Importer, rows: Sequence[tuple[int, list[str]]]) -> list[Checked]:
    checked: list[Checked] = []
    early = []
    for number, cells in rows:
        try:
            out, data, values = importer._parse_early(number, cells)
        except RowInvalid as exc:
            exc.outcome.action = "invalid"
            checked.append(Checked(exc.outcome))
            continue
        item = Checked(out)
        checked.append(item)
        early.append((item, data, values))
    _prefetch(importer, [data for _item, data, _values in early])
    built: list[tuple[Checked, list[str]]] = []
    known: dict[Any, list[str]] = {}
    try:
        for item, data, values in early:
            try:
                existing = importer._parse_rest(item.outcome, data, values)
            except RowInvalid:
                item.outcome.action = "invalid"
                continue
            obj, excluded = importer.build(item.outcome, data, existing)
            _clean(obj, excluded, item.outcome, known)
            item.obj, item.existing = obj, existing
            item.data = data
            built.append((item, excluded))
    finally:
        importer.prefetched = importer.visible = None
    _check_unique(importer.model, [(i.outcome, i.obj, excluded) for i, excluded in built])
    for item in checked:
        if item.outcome.errors:
            item.outcome.action, item.obj = "invalid", None
    return checked


def _clean(
    obj: models.Model, excluded: list[str], out: RowOutcome, known: dict[Any, list[str]]
) -> None:
    """``full_clean`` without its per-row database questions: uniqueness is asked per chunk,
    and each distinct foreign key value is validated once (``known`` remembers the answer)."""
    relations = [f for f in obj._meta.concrete_fields if f.is_relation and f.name not in excluded]
    try:
        if hasattr(obj, "custom_fields"):
            obj.custom_fields = clean_custom_fields(type(obj), obj.custom_fields or {})
        obj.full_clean(
            exclude=[*excluded, *(f.name for f in relations)],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for column, message in validation_messages(exc):
            out.error(column, message)
    for f in relations:
        value = getattr(obj, f.attname)
        if value in f.empty_values:
            if not f.blank:
                out.error(f.name, str(f.error_messages["blank" if value == "" else "null"]))
            continue
        key = (f.name, value)
        if key not in known:
            try:
                f.clean(value, obj)
                known[key] = []
            except ValidationError as exc:
                known[key] = [message for _column, message in validation_messages(exc)]
        for message in known[key]:
            out.error(f.name, message)


def _key_part(f: Any, value: Any) -> Any:
    """A key value as ``Importer._find_existing`` compares it."""
    if f.is_relation:
        return value.pk if isinstance(value, models.Model) else value
    return str(value).lower()


def _prefetch(importer: Importer, rows: list[dict[str, Any]]) -> None:
    """The existing objects of these rows' keys, in one query, and which of them the user
    may see, in another (none when the user sees them all)."""
    resource, model = importer.resource, importer.model
    fields = [model_field(resource, name) for name in resource.key]
    wanted = [
        [data[name] for name in resource.key]
        for data in rows
        if all(data.get(name) not in (None, "") for name in resource.key)
    ]
    index: dict[tuple[Any, ...], list[models.Model]] = {}
    if wanted:
        query = model._base_manager.all()
        for position, f in enumerate(fields):
            values = {_key_part(f, row[position]) for row in wanted}
            if f.is_relation:
                query = query.filter(**{f"{f.attname}__in": values})
            elif isinstance(f, TEXT):
                alias = f"import_key_{position}"
                query = query.alias(**{alias: Lower(f.name)}).filter(**{f"{alias}__in": values})
            else:
                query = query.filter(**{f"{f.name}__in": {row[position] for row in wanted}})
        for obj in query:
            key = tuple(
                _key_part(f, getattr(obj, f.attname if f.is_relation else f.name)) for f in fields
            )
            index.setdefault(key, []).append(obj)
    importer.prefetched = index
    found = model._base_manager.filter(pk__in=[o.pk for objs in index.values() for o in objs])
    allowed = permissions.restrict(found, importer.user, "view")
    if allowed is found:
        importer.visible = {o.pk for objs in index.values() for o in objs}
    else:
        importer.visible = set(allowed.values_list("pk", flat=True)) if index else set()


def _holds(condition: Q, obj: models.Model) -> bool | None:
    """Whether ``obj`` meets a constraint's condition, for conditions made of plain equality,
    ``in`` and ``isnull`` on its own fields; None for anything else."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            result = _holds(child, obj)
        else:
            name, expected = child
            column, _sep, lookup = name.partition("__")
            if lookup not in ("", "exact", "in", "isnull") or hasattr(
                expected, "resolve_expression"
            ):
                return None
            try:
                f = obj._meta.get_field(column)
            except FieldDoesNotExist:
                return None
            actual = getattr(obj, f.attname)
            if isinstance(expected, models.Model):
                expected = expected.pk
            if lookup == "isnull":
                result = (actual is None) == bool(expected)
            elif lookup == "in":
                result = actual in expected
            else:
                result = actual == expected
        if result is None:
            return None
        results.append(result)
    if condition.connector == Q.AND:
        met = all(results)
    elif condition.connector == Q.OR:
        met = any(results)
    else:
        return None
    return not met if condition.negated else met


@dataclass
class _Rule:
    """One uniqueness rule checked over a chunk: its fields, the condition a row must meet
    for the rule to apply (None: always) and how a clash is reported."""

    fields: tuple[str, ...]
    condition: Q | None
    column: str
    message: ValidationError
    constraint: models.BaseConstraint | None = None


def _rules(
    model: type[models.Model], sample: models.Model
) -> tuple[list[_Rule], list[models.BaseConstraint]]:
    rules = []
    unique, _dates = sample._get_unique_checks(include_meta_constraints=True)
    for model_class, names in unique:
        message = sample.unique_error_message(model_class, names)
        rules.append(_Rule(tuple(names), None, names[0] if len(names) == 1 else "", message))
    others = []
    for constraint in model._meta.constraints:
        plain_unique = isinstance(constraint, models.UniqueConstraint) and constraint.fields
        if plain_unique and not constraint.contains_expressions and constraint.condition is None:
            continue  # among the unique checks above
        if plain_unique and not constraint.contains_expressions:
            message = ValidationError(constraint.get_violation_error_message())
            rules.append(
                _Rule(tuple(constraint.fields), constraint.condition, "", message, constraint)
            )
        else:
            others.append(constraint)
    return rules, others


def _check_unique(
    model: type[models.Model],
    rows: list[tuple[RowOutcome, Any, list[str]]],
) -> None:
    """Uniqueness against the database (one query per rule) and within the file; other
    constraints (checks, expressions, conditions too rich to evaluate here) per row."""
    rows = [r for r in rows if not r[0].errors]
    if not rows:
        return
    rules, others = _rules(model, rows[0][1])
    for rule in rules:
        applies = []
        for out, obj, excluded in rows:
            if any(name in excluded for name in rule.fields):
                continue
            values = tuple(getattr(obj, model._meta.get_field(n).attname) for n in rule.fields)
            if any(v is None for v in values):
                continue
            met = True if rule.condition is None else _holds(rule.condition, obj)
            if met is None and rule.constraint is not None:
                _validate_each(model, [rule.constraint], [(out, obj, excluded)])
                continue
            if met:
                applies.append((out, obj, values))
        if applies:
            _clashes(model, rule, applies)
    if others:
        _validate_each(model, others, rows)


def _clashes(
    model: type[models.Model], rule: _Rule, rows: list[tuple[RowOutcome, Any, tuple[Any, ...]]]
) -> None:
    attnames = [model._meta.get_field(n).attname for n in rule.fields]
    query = model._base_manager.all()
    if rule.condition is not None:
        query = query.filter(rule.condition)
    for position, attname in enumerate(attnames):
        query = query.filter(**{f"{attname}__in": {values[position] for _o, _x, values in rows}})
    taken: dict[tuple[Any, ...], set[Any]] = {}
    for found in query.values_list("pk", *attnames):
        taken.setdefault(tuple(found[1:]), set()).add(found[0])
    first: dict[tuple[Any, ...], int] = {}
    messages = [message for _column, message in validation_messages(rule.message)]
    for out, obj, values in rows:
        if taken.get(values, set()) - {obj.pk}:
            for message in messages:
                out.error(rule.column, message)
        elif values in first:
            for message in messages:
                out.error(
                    rule.column,
                    _("%(m)s (row %(n)s of this file)") % {"m": message, "n": first[values]},
                )
        else:
            first[values] = out.row


def _validate_each(
    model: type[models.Model],
    constraints: Iterable[models.BaseConstraint],
    rows: list[tuple[RowOutcome, Any, list[str]]],
) -> None:
    using = router.db_for_write(model)
    constraints = list(constraints)
    for out, obj, excluded in rows:
        for constraint in constraints:
            try:
                constraint.validate(model, obj, exclude=set(excluded), using=using)
            except ValidationError as exc:
                for column, message in validation_messages(exc):
                    out.error(column, message)


# Writing -------------------------------------------------------------------------------


class OutOfScope(Exception):
    """Rows whose new objects the user could not see once written."""

    def __init__(self, rows: list[int]) -> None:
        super().__init__(rows)
        self.rows = rows


def create(importer: Importer, rows: list[Checked]) -> None:
    """Writes the new objects of checked rows: one INSERT per few hundred rows, their audit
    entries likewise, then one event each. Raises IntegrityError when the database refuses
    (a key taken meanwhile) and OutOfScope when the user could not see what was written;
    both inside the caller's transaction, which the caller rolls back."""
    if not rows:
        return
    model = importer.model
    objs = [r.obj for r in rows if r.obj is not None]
    with transaction.atomic():
        model._base_manager.bulk_create(objs, batch_size=500)
        written = model._base_manager.filter(pk__in=[o.pk for o in objs])
        visible = permissions.restrict(written, importer.user, "view")
        if visible is not written:
            seen = set(visible.values_list("pk", flat=True))
            hidden = [r.outcome.row for r in rows if r.obj is not None and r.obj.pk not in seen]
            if hidden:
                raise OutOfScope(hidden)
        audit.record_bulk_create(model, objs)
        configcache.model_changed(model)
    label, name = model._meta.label, f"{model._meta.app_label}.{model._meta.model_name}_created"
    for obj in objs:
        events.publish(name, model=label, pk=obj.pk)


def out_of_scope(outcome: RowOutcome) -> None:
    message = _("The result would be outside what you may %(action)s.") % {"action": "view"}
    outcome.error("", message)
    outcome.action = "invalid"
