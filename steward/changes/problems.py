"""Every state change of problem management, and the lexical "similar incidents".

    problem_create → investigating → known_error (a workaround; published to the knowledge
    base for agents with ``problem_publish_known_error``) → resolved (a root cause) → closed

Incidents are service-desk tickets, read through ``steward.servicedesk.selectors`` and
linked by id; an agent attaches one, several, or the suggested similar ones in one action.
Each function is atomic, asks the permission layer first and writes through the audited
models. Raises ValidationError for bad input or a move the table forbids, PermissionDenied
for a role that may not act. Who may act: IT staff (agents, asset and IT managers,
administrators); employees and customer contacts see no problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.changes.models import (
    PROBLEM_TRANSITIONS,
    Problem,
    ProblemIncident,
    ProblemState,
    ProblemTask,
)
from steward.core import events, permissions, services

P = ProblemState
MAX_SIMILAR = 200
"""How many similar incidents "attach similar" links at most."""
FIELDS = (
    "title",
    "description",
    "priority",
    "owner",
    "assignment_team",
    "root_cause",
    "workaround",
)
WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "have",
        "has",
        "not",
        "are",
        "was",
        "were",
        "but",
        "after",
        "when",
        "cannot",
        "can't",
        "does",
        "doesn't",
        "into",
        "our",
        "your",
        "their",
        "les",
        "des",
        "une",
        "pour",
        "avec",
        "dans",
        "sur",
        "pas",
    ]
)


def _publish(name: str, problem: Problem) -> None:
    events.publish(f"changes.{name}", model=problem._meta.label, pk=problem.pk, state=problem.state)


@transaction.atomic
def problem_create(*, data: Mapping[str, Any], actor: Any) -> Problem:
    cleaned = {k: v for k, v in data.items() if k in FIELDS}
    problem: Problem = services.object_create(model=Problem, data=cleaned, actor=actor)
    ids = data.get("incidents") or []
    if ids:
        problem_link_incidents(problem=problem, ticket_ids=ids, actor=actor)
    _publish("problem_created", problem)
    return problem


@transaction.atomic
def problem_update(*, problem: Problem, data: Mapping[str, Any], actor: Any) -> Problem:
    cleaned = {k: v for k, v in data.items() if k in FIELDS}
    updated: Problem = services.object_update(obj=problem, data=cleaned, actor=actor)
    return updated


@transaction.atomic
def problem_transition(*, problem: Problem, state: str, actor: Any) -> Problem:
    """Move along ``PROBLEM_TRANSITIONS``. A known error needs a workaround; resolved needs
    the root cause (and records when)."""
    problem = Problem._base_manager.select_for_update().get(pk=problem.pk)
    permissions.ensure(actor, "change", problem)
    if state not in ProblemState.values or state not in PROBLEM_TRANSITIONS[problem.state]:
        raise ValidationError(
            {
                "state": [
                    _("A problem in %(from)s cannot move to %(to)s.")
                    % {"from": problem.get_state_display().lower(), "to": state}
                ]
            }
        )
    if state == P.KNOWN_ERROR and not problem.workaround.strip():
        raise ValidationError({"workaround": [_("A known error needs its workaround.")]})
    if state == P.RESOLVED:
        if not problem.root_cause.strip():
            raise ValidationError({"root_cause": [_("Write the root cause first.")]})
        problem.resolved_at = timezone.now()
    problem.state = state
    problem.full_clean()
    problem.save()
    _publish(f"problem_{state}", problem)
    return problem


@transaction.atomic
def problem_link_incidents(*, problem: Problem, ticket_ids: Iterable[Any], actor: Any) -> int:
    """Link incidents ``actor`` may see (already linked ones are skipped); returns how many
    were added. Raises ValidationError naming the first unknown id."""
    permissions.ensure(actor, "change", problem)
    from steward.servicedesk import selectors as desk

    tickets = desk.incidents_by_ids(actor, ticket_ids)
    linked = set(
        ProblemIncident.objects.filter(problem=problem).values_list("ticket_id", flat=True)
    )
    added = 0
    for ticket in tickets:
        if ticket.pk not in linked:
            ProblemIncident.objects.create(problem=problem, ticket_id=ticket.pk)
            added += 1
    return added


@transaction.atomic
def problem_unlink_incident(*, problem: Problem, ticket_id: int, actor: Any) -> None:
    permissions.ensure(actor, "change", problem)
    for link in ProblemIncident.objects.filter(problem=problem, ticket_id=ticket_id):
        link.delete()


def words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP}


def similar_incidents(*, problem: Problem, user: Any, limit: int = 10) -> list[dict[str, Any]]:
    """Incidents ``user`` may see that share words with the problem's title and description,
    best first: score = shared words / words of the problem (Jaccard would punish long
    tickets); linked ones left out. Lexical for now: the candidates are the 500 most recent
    incidents matching any of the problem's eight longest words."""
    from django.db.models import Q

    from steward.servicedesk import selectors as desk

    mine = words(f"{problem.title} {problem.description}")
    if not mine:
        return []
    keys = sorted(mine, key=lambda w: (-len(w), w))[:8]
    condition = Q()
    for key in keys:
        condition |= Q(title__icontains=key) | Q(description__icontains=key)
    linked = ProblemIncident.objects.filter(problem=problem).values_list("ticket_id", flat=True)
    candidates = (
        desk.ticket_list(user, kind="incident")
        .filter(condition)
        .exclude(pk__in=list(linked))
        .order_by("-created_at", "-pk")[:500]
    )
    scored: list[dict[str, Any]] = []
    for ticket in candidates:
        shared = mine & words(f"{ticket.title} {ticket.description}")
        if shared:
            scored.append(
                {
                    "id": ticket.pk,
                    "reference": ticket.reference,
                    "title": ticket.title,
                    "status": ticket.status,
                    "score": round(len(shared) / len(mine), 3),
                    "shared": sorted(shared)[:10],
                }
            )
    scored.sort(key=lambda s: (-float(s["score"]), -int(s["id"])))
    return scored[:limit]


@transaction.atomic
def problem_attach_similar(*, problem: Problem, actor: Any, min_score: float = 0.5) -> int:
    """Link every suggested similar incident scoring at least ``min_score``, in one action."""
    found = similar_incidents(problem=problem, user=actor, limit=MAX_SIMILAR)
    ids = [s["id"] for s in found if s["score"] >= min_score]
    return problem_link_incidents(problem=problem, ticket_ids=ids, actor=actor) if ids else 0


@transaction.atomic
def problem_publish_known_error(*, problem: Problem, actor: Any) -> int:
    """The known-error record in the knowledge base, for IT staff (visibility internal): a
    new article the first time, submitted for review (the knowledge base publishes with four
    eyes), a new version of it after that. Returns the article id. Raises ValidationError
    when the problem has no workaround yet."""
    from steward.knowledge import selectors as kb
    from steward.knowledge import services as kb_services

    problem = Problem._base_manager.select_for_update().get(pk=problem.pk)
    permissions.ensure(actor, "change", problem)
    if not problem.workaround.strip():
        raise ValidationError({"workaround": [_("A known error needs its workaround.")]})
    body = "\n\n".join(
        part
        for part in (
            f"## {_('Symptoms')}\n\n{problem.description.strip()}" if problem.description else "",
            f"## {_('Root cause')}\n\n{problem.root_cause.strip()}" if problem.root_cause else "",
            f"## {_('Workaround')}\n\n{problem.workaround.strip()}",
            _("Problem %(ref)s.") % {"ref": problem.reference},
        )
        if part
    )
    data = {
        "title": (_("Known error: %(t)s") % {"t": problem.title})[:200],
        "summary": problem.workaround.strip().splitlines()[0][:300],
        "body": body,
        "visibility": "internal",
    }
    article = None
    if problem.known_error_article_id:
        article = kb.article_get(actor, problem.known_error_article_id)
    if article is None:
        article = kb_services.article_create(actor=actor, data=data, note=problem.reference)
    else:
        article = kb_services.article_update(
            article=article, actor=actor, data=data, note=problem.reference
        )
    if article.status == "draft":
        article = kb_services.article_submit_for_review(article=article, actor=actor)
    problem.known_error_article_id = article.pk
    problem.save(update_fields=["known_error_article_id", "updated_at"])
    return int(article.pk)


@transaction.atomic
def task_add(*, problem: Problem, title: str, actor: Any, assignee: Any = None) -> ProblemTask:
    permissions.ensure(actor, "change", problem)
    task = ProblemTask(problem=problem, title=title, assignee=assignee)
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def task_set_done(*, task: ProblemTask, done: bool, actor: Any) -> ProblemTask:
    permissions.ensure(actor, "change", task.problem)
    task.done, task.done_at = done, timezone.now() if done else None
    task.save(update_fields=["done", "done_at", "updated_at"])
    return task
