"""Risk scoring on a configurable matrix.

    score = likelihood x impact        (1 to len(likelihood scale) x len(impact scale))

The level and colour of a score come from the matrix's bands: the band with the highest
``min_score`` not above the score. The default matrix is 5 x 5 (rare ... almost certain,
negligible ... severe) with bands low 1-4, medium 5-9, high 10-14, critical 15-25.

Residual likelihood and impact fall back to the inherent ones while the residual risk is
not assessed yet. A matrix can be reconfigured (labels, bands, even the size of its scales)
as long as every risk scored on it still fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from steward.strategy.models.risk import MAX_SCALE, Risk, RiskMatrix

DEFAULT_NAME = "Default 5 x 5"
DEFAULT_LIKELIHOOD = ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
DEFAULT_IMPACT = ["Negligible", "Minor", "Moderate", "Major", "Severe"]
DEFAULT_BANDS = [
    {"min_score": 1, "level": "Low", "colour": "#9fd89a"},
    {"min_score": 5, "level": "Medium", "colour": "#f6dc6e"},
    {"min_score": 10, "level": "High", "colour": "#f4a860"},
    {"min_score": 15, "level": "Critical", "colour": "#ec7a6e"},
]
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_LABEL = 40
MAX_BANDS = 10


@dataclass(frozen=True)
class Band:
    min_score: int
    level: str
    colour: str


def bands_of(matrix: RiskMatrix) -> list[Band]:
    return sorted(
        (Band(int(b["min_score"]), str(b["level"]), str(b["colour"])) for b in matrix.bands),
        key=lambda b: b.min_score,
    )


def band_for(matrix: RiskMatrix, score: int | None) -> Band | None:
    if score is None:
        return None
    found = None
    for band in bands_of(matrix):
        if band.min_score <= score:
            found = band
    return found


def score(likelihood: int | None, impact: int | None) -> int | None:
    if likelihood is None or impact is None:
        return None
    return likelihood * impact


def residual(risk: Risk) -> tuple[int, int]:
    if risk.residual_likelihood is None or risk.residual_impact is None:
        return risk.inherent_likelihood, risk.inherent_impact
    return risk.residual_likelihood, risk.residual_impact


def assessment(risk: Risk) -> dict[str, Any]:
    """Inherent, residual and target scores of ``risk`` with their levels and colours."""
    matrix = risk.matrix
    out: dict[str, Any] = {}
    for name, pair in (
        ("inherent", (risk.inherent_likelihood, risk.inherent_impact)),
        ("residual", residual(risk)),
        ("target", (risk.target_likelihood, risk.target_impact)),
    ):
        value = score(*pair)
        band = band_for(matrix, value)
        out[name] = {
            "likelihood": pair[0],
            "impact": pair[1],
            "score": value,
            "level": band.level if band else None,
            "colour": band.colour if band else None,
        }
    return out


def default_matrix() -> RiskMatrix:
    """The first matrix, created as the 5 x 5 default when there is none."""
    matrix = RiskMatrix.objects.order_by("pk").first()
    if matrix is None:
        matrix = RiskMatrix.objects.create(
            name=DEFAULT_NAME,
            likelihood_labels=list(DEFAULT_LIKELIHOOD),
            impact_labels=list(DEFAULT_IMPACT),
            bands=[dict(b) for b in DEFAULT_BANDS],
        )
    return matrix


def _labels(value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or not (2 <= len(value) <= MAX_SCALE):
        raise ValidationError(
            {field: [_("Give a list of 2 to %(n)s labels, lowest first.") % {"n": MAX_SCALE}]}
        )
    for label in value:
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL:
            raise ValidationError(
                {field: [_("Each label is text of 1 to %(n)s characters.") % {"n": MAX_LABEL}]}
            )
    if len({v.strip().casefold() for v in value}) != len(value):
        raise ValidationError({field: [_("Labels must differ.")]})
    return value


def matrix_validate(matrix: RiskMatrix) -> None:
    """Raises ValidationError (on the field at fault) for malformed scales or bands, and
    for a resize that would leave a risk's scores outside the matrix."""
    likelihood = _labels(matrix.likelihood_labels, "likelihood_labels")
    impact = _labels(matrix.impact_labels, "impact_labels")
    top = len(likelihood) * len(impact)
    bands = matrix.bands
    if not isinstance(bands, list) or not (1 <= len(bands) <= MAX_BANDS):
        raise ValidationError({"bands": [_("Give 1 to %(n)s bands.") % {"n": MAX_BANDS}]})
    seen: set[int] = set()
    for band in bands:
        if not isinstance(band, dict) or set(band) != {"min_score", "level", "colour"}:
            raise ValidationError(
                {"bands": [_("Each band has min_score, level and colour, nothing else.")]}
            )
        low, level, colour = band["min_score"], band["level"], band["colour"]
        if isinstance(low, bool) or not isinstance(low, int) or not 1 <= low <= top:
            raise ValidationError(
                {"bands": [_("A band starts at a score from 1 to %(top)s.") % {"top": top}]}
            )
        if low in seen:
            raise ValidationError({"bands": [_("Two bands start at %(n)s.") % {"n": low}]})
        seen.add(low)
        if not isinstance(level, str) or not level.strip() or len(level) > MAX_LABEL:
            raise ValidationError(
                {"bands": [_("A level is text of 1 to %(n)s characters.") % {"n": MAX_LABEL}]}
            )
        if not isinstance(colour, str) or not COLOUR.match(colour):
            raise ValidationError({"bands": [_("A colour is written #rrggbb.")]})
    if 1 not in seen:
        raise ValidationError({"bands": [_("The lowest band must start at score 1.")]})
    if matrix.pk:
        _risks_still_fit(matrix, len(likelihood), len(impact))


def _risks_still_fit(matrix: RiskMatrix, lmax: int, imax: int) -> None:
    from django.db.models import Q

    outside = Q()
    for field in ("inherent_likelihood", "residual_likelihood", "target_likelihood"):
        outside |= Q(**{f"{field}__gt": lmax})
    for field in ("inherent_impact", "residual_impact", "target_impact"):
        outside |= Q(**{f"{field}__gt": imax})
    n = Risk._base_manager.filter(matrix_id=matrix.pk).filter(outside).count()
    if n:
        raise ValidationError(
            {
                "likelihood_labels": [
                    _("%(n)s risks are scored beyond this size; rescore them first.") % {"n": n}
                ]
            }
        )


def risk_validate(risk: Risk) -> None:
    """Scores inside the risk's matrix (1 to the size of each scale), both parts of the
    residual and of the target given together. Raises ValidationError on the field."""
    if not risk.matrix_id:
        return
    matrix = risk.matrix
    sizes = {"likelihood": len(matrix.likelihood_labels), "impact": len(matrix.impact_labels)}
    errors: dict[str, list[str]] = {}
    for prefix in ("inherent", "residual", "target"):
        for axis, top in sizes.items():
            name = f"{prefix}_{axis}"
            value = getattr(risk, name)
            if value is not None and not 1 <= value <= top:
                errors[name] = [
                    _("Outside the matrix: %(axis)s goes from 1 to %(top)s.")
                    % {"axis": _(axis), "top": top}
                ]
    for prefix in ("residual", "target"):
        pair = (getattr(risk, f"{prefix}_likelihood"), getattr(risk, f"{prefix}_impact"))
        if (pair[0] is None) != (pair[1] is None):
            errors.setdefault(f"{prefix}_impact", []).append(
                _("Give both likelihood and impact, or neither.")
            )
    if errors:
        raise ValidationError(errors)
