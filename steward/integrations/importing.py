"""Turning rows of text into objects of a registered import resource.

A row is parsed into field values (relations found by natural key, within what the user may
view), matched to an existing object by the resource's key, then either previewed (permission
and ``full_clean`` checked, nothing written) or applied through the generic services.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.utils.translation import gettext as _

from steward.core import permissions, services
from steward.core.registry import ImportColumn, ImportResource
from steward.integrations.readers import ImportFileError

TRUE = {"1", "true", "yes", "y", "x", "on", "ja", "oui"}
FALSE = {"0", "false", "no", "n", "off", "nein", "non"}


class Pending:
    """A relation to an earlier row of the same file that the preview has not created."""

    def __init__(self, row: int) -> None:
        self.row = row


@dataclass
class RowOutcome:
    row: int
    action: str = ""
    """created, updated, unchanged or invalid."""
    key: str = ""
    changes: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append({"row": self.row, "column": column, "message": str(message)})


class RowInvalid(Exception):
    def __init__(self, outcome: RowOutcome) -> None:
        super().__init__(outcome.row)
        self.outcome = outcome


def model_field(resource: ImportResource, name: str) -> Any:
    return resource.model._meta.get_field(name)


def required_columns(resource: ImportResource) -> list[str]:
    required = []
    for column in resource.columns:
        f = model_field(resource, column.field)
        needed = not f.many_to_many and not f.blank and not f.has_default()
        if column.field in resource.key or needed:
            required.append(column.field)
    return required


def check_header(resource: ImportResource, header: Sequence[str]) -> None:
    known = [c.field for c in resource.columns]
    unknown = [h for h in header if h not in known]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(c)s. Known columns: %(k)s.")
            % {"c": ", ".join(unknown), "k": ", ".join(known)}
        )
    missing = [c for c in required_columns(resource) if c not in header]
    if missing:
        raise ImportFileError(_("Missing required columns: %(c)s.") % {"c": ", ".join(missing)})


def validation_messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            ("" if name == NON_FIELD_ERRORS else name, str(m))
            for name, messages in exc.message_dict.items()
            for m in messages
        ]
    return [("", str(m)) for m in exc.messages]


class Importer:
    """Parses, previews and applies the rows of one file for one user."""

    def __init__(self, resource: ImportResource, user: Any, header: Sequence[str]) -> None:
        self.resource, self.user, self.header = resource, user, list(header)
        self.model = resource.model
        self.seen: dict[tuple[Any, ...], int] = {}
        self.pending: list[tuple[int, dict[str, Any]]] = []
        self.found: dict[tuple[str, str, Any], models.Model] = {}
        """Related objects already looked up (other models only: this file may add rows)."""
        plain, related, within = [], [], []
        for name in self.header:
            column = resource.column(name)
            assert column is not None  # check_header ran
            if column.lookup is None:
                plain.append(column)
            elif column.within is None:
                related.append(column)
            else:
                within.append(column)
        self.early, self.late = plain + related, within
        self.prefetched: dict[tuple[Any, ...], list[models.Model]] | None = None
        self.visible: set[Any] | None = None
        """Set-based checking: the existing rows of a chunk by key, and those the user sees."""

    # Parsing ---------------------------------------------------------------------------
    def _convert(self, column: ImportColumn, raw: str, data: dict[str, Any], outcome: Any) -> Any:
        f = model_field(self.resource, column.field)
        if column.lookup is not None:
            if f.many_to_many:
                values = [v.strip() for v in raw.split(";") if v.strip()]
                return [self._lookup(column, f, v, data) for v in values]
            return self._lookup(column, f, raw, data) if raw else None
        if isinstance(f, models.BooleanField):
            if not raw:
                return f.get_default()
            if raw.lower() in TRUE:
                return True
            if raw.lower() in FALSE:
                return False
            raise ValidationError(_("Write yes or no."))
        if f.choices:
            if not raw:
                return f.get_default() if f.has_default() else ""
            for value, label in f.flatchoices:
                if raw.lower() in {str(value).lower(), str(label).lower()}:
                    return value
            raise ValidationError(
                _("Choose one of: %(c)s.") % {"c": ", ".join(str(v) for v, _l in f.flatchoices)}
            )
        if isinstance(f, (models.CharField, models.TextField)):
            return raw
        if not raw:
            return None if f.null else f.get_default()
        return f.to_python(raw)

    def _lookup(self, column: ImportColumn, f: Any, raw: str, data: dict[str, Any]) -> Any:
        related = f.related_model
        conditions: dict[str, Any] = {f"{column.lookup}__iexact": raw}
        anchor = None
        if column.within:
            anchor = data.get(column.within)
            if anchor is None or isinstance(anchor, Pending):
                raise ValidationError(
                    _("Cannot find %(v)s without a valid %(w)s.") % {"v": raw, "w": column.within}
                )
            conditions[column.within] = anchor
        cache_key = (column.field, raw.lower(), getattr(anchor, "pk", None))
        if related is not self.model and cache_key in self.found:
            return self.found[cache_key]
        visible = permissions.restrict(related._default_manager.all(), self.user, "view")
        found = list(visible.filter(**conditions)[:2])
        if related is not self.model and len(found) == 1:
            self.found[cache_key] = found[0]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValidationError(
                _("Several %(model)s match %(value)s.")
                % {"model": related._meta.verbose_name_plural, "value": raw}
            )
        if related is self.model:
            for number, pending in reversed(self.pending):
                same = str(pending.get(column.lookup or "", "")).lower() == raw.lower()
                if same and (anchor is None or pending.get(column.within or "") == anchor):
                    return Pending(number)
        raise ValidationError(
            _("No %(model)s with %(field)s %(value)s.")
            % {"model": related._meta.verbose_name, "field": column.lookup, "value": raw}
        )

    def _parse_columns(
        self, columns: list[ImportColumn], cells: dict[str, str], data: dict[str, Any], out: Any
    ) -> None:
        for column in columns:
            try:
                data[column.field] = self._convert(column, cells[column.field], data, out)
            except ValidationError as exc:
                for _name, message in validation_messages(exc):
                    out.error(column.field, message)

    def _find_existing(self, data: dict[str, Any], out: RowOutcome) -> models.Model | None:
        conditions: dict[str, Any] = {}
        parts: list[Any] = []
        for name in self.resource.key:
            value = data.get(name)
            if value in (None, "") or isinstance(value, Pending):
                out.error(name, _("The key column %(c)s is empty.") % {"c": name})
                raise RowInvalid(out)
            if isinstance(value, models.Model):
                conditions[name] = value
                parts.append(value.pk)
            else:
                conditions[f"{name}__iexact"] = value
                parts.append(str(value).lower())
        key = tuple(parts)
        out.key = " / ".join(str(data[name]) for name in self.resource.key)
        if key in self.seen:
            out.error(
                ",".join(self.resource.key),
                _("Duplicate of row %(n)s: the same %(k)s appears twice in the file.")
                % {"n": self.seen[key], "k": ", ".join(self.resource.key)},
            )
            raise RowInvalid(out)
        self.seen[key] = out.row
        if self.prefetched is not None:
            found = self.prefetched.get(key, [])[:2]
        else:
            found = list(self.model._base_manager.filter(**conditions)[:2])
        if len(found) > 1:
            out.error("", _("Several existing objects match this row's key."))
            raise RowInvalid(out)
        if not found:
            return None
        if self.visible is not None:
            hidden = found[0].pk not in self.visible
        else:
            visible = self.model._base_manager.filter(pk=found[0].pk)
            hidden = not permissions.restrict(visible, self.user, "view").exists()
        if hidden:
            # Say no more than a create would: the key is taken. Its values stay hidden.
            out.error(",".join(self.resource.key), _("This key is already taken."))
            raise RowInvalid(out)
        return found[0]

    def _parse_early(
        self, number: int, cells: list[str]
    ) -> tuple[RowOutcome, dict[str, Any], dict[str, str]]:
        """The row's own and related columns, before its key is matched (RowInvalid if bad)."""
        out = RowOutcome(row=number)
        if len(cells) > len(self.header) and any(c.strip() for c in cells[len(self.header) :]):
            out.error("", _("The row has more cells than there are columns."))
        values = {
            name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(self.header)
        }
        for name in self.resource.key:
            if not values.get(name):
                out.error(name, _("The key column %(c)s is empty.") % {"c": name})
        data: dict[str, Any] = {}
        self._parse_columns(self.early, values, data, out)
        if out.errors:
            raise RowInvalid(out)
        return out, data, values

    def _parse_rest(self, out: RowOutcome, data: dict[str, Any], values: dict[str, str]) -> Any:
        existing = self._find_existing(data, out)
        for column in self.late:
            if column.within and column.within not in data and existing is not None:
                data[column.within] = getattr(existing, column.within)
        self._parse_columns(self.late, values, data, out)
        for column in self.late:
            if column.within and column.within not in self.header:
                data.pop(column.within, None)
        if out.errors:
            raise RowInvalid(out)
        return existing

    def parse(self, number: int, cells: list[str]) -> tuple[RowOutcome, dict[str, Any], Any]:
        """Raises RowInvalid (with errors on the outcome) when the row cannot be used."""
        out, data, values = self._parse_early(number, cells)
        return out, data, self._parse_rest(out, data, values)

    # Comparing -------------------------------------------------------------------------
    def changes(self, obj: models.Model | None, data: dict[str, Any]) -> list[str]:
        changed = []
        for name, value in data.items():
            f = model_field(self.resource, name)
            if isinstance(value, Pending):
                changed.append(name)
            elif f.many_to_many:
                current = set(getattr(obj, name).values_list("pk", flat=True)) if obj else set()
                if current != {v.pk for v in value}:
                    changed.append(name)
            elif obj is None:
                if value not in (None, "") and value != f.get_default():
                    changed.append(name)
            elif f.is_relation:
                if getattr(obj, f.attname) != (value.pk if value is not None else None):
                    changed.append(name)
            elif getattr(obj, name) != value:
                changed.append(name)
        return changed

    # Preview and apply -----------------------------------------------------------------
    def preview(self, number: int, cells: list[str]) -> RowOutcome:
        try:
            out, data, existing = self.parse(number, cells)
        except RowInvalid as exc:
            exc.outcome.action = "invalid"
            return exc.outcome
        _obj, excluded = self.build(out, data, existing)
        try:
            _obj.full_clean(exclude=excluded)
        except ValidationError as exc:
            for column, message in validation_messages(exc):
                out.error(column, message)
        if out.errors:
            out.action = "invalid"
        elif existing is None:
            self.pending.append((number, data))
        return out

    def build(
        self, out: RowOutcome, data: dict[str, Any], existing: models.Model | None
    ) -> tuple[models.Model, list[str]]:
        """The object the row would write (not validated) and the fields left out of checks;
        notes on ``out`` what the row does and whether the user may do it."""
        out.changes = self.changes(existing, data)
        obj = existing if existing is not None else self.model()
        excluded = []
        for name, value in data.items():
            f = model_field(self.resource, name)
            if isinstance(value, Pending):
                excluded.append(name)
            elif not f.many_to_many:
                setattr(obj, name, value)
        if existing is None:
            out.action = "created"
            allowed = permissions.can(self.user, "add", self.model)
        else:
            out.action = "updated" if out.changes else "unchanged"
            allowed = not out.changes or permissions.can(self.user, "change", existing)
        if not allowed:
            out.error(
                "",
                _("You may not %(a)s this %(m)s.")
                % {
                    "a": _("add") if existing is None else _("change"),
                    "m": self.model._meta.verbose_name,
                },
            )
        return obj, excluded

    def apply(self, number: int, cells: list[str]) -> RowOutcome:
        """Writes one row through the services; raises nothing for bad rows (see ``errors``)."""
        try:
            out, data, existing = self.parse(number, cells)
        except RowInvalid as exc:
            exc.outcome.action = "invalid"
            return exc.outcome
        out.changes = self.changes(existing, data)
        return self.write(out, data, existing)

    def write(
        self, out: RowOutcome, data: dict[str, Any], existing: models.Model | None
    ) -> RowOutcome:
        """Creates or updates the object of a parsed row (``out.changes`` known)."""
        try:
            if existing is None:
                services.object_create(model=self.model, data=data, actor=self.user)
                out.action = "created"
            elif out.changes:
                changed = {name: data[name] for name in out.changes}
                services.object_update(obj=existing, data=changed, actor=self.user)
                out.action = "updated"
            else:
                out.action = "unchanged"
        except ValidationError as exc:
            for column, message in validation_messages(exc):
                out.error(column, message)
        except PermissionDenied as exc:
            out.error("", str(exc))
        except IntegrityError:
            out.error("", _("The row conflicts with an existing object."))
        if out.errors:
            out.action = "invalid"
        return out
