"""Pages of problem management: the list, a problem with its incidents, the similar
incidents to attach in one action, its tasks and the known-error record; the form. Reads go
through the selectors, writes through one service call each."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from steward.changes import filtersets, problems, selectors
from steward.changes.models import PROBLEM_TRANSITIONS, Problem, ProblemState
from steward.core.ui.views import Column, ObjectDetailView, ObjectEditView, ObjectListView
from steward.core.validation import is_id

PROBLEM_FIELDS = [
    "title",
    "priority",
    "description",
    "owner",
    "assignment_team",
    "root_cause",
    "workaround",
]


class ProblemForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Problem
        fields = PROBLEM_FIELDS


class ProblemList(ObjectListView):
    model, url_prefix = Problem, "changes:problem"
    filterset_class = filtersets.ProblemFilterSet
    select_related = ("assignment_team", "owner")
    columns = [
        Column("reference", _("Reference"), sort="id"),
        Column("title", _("Title"), sort="title"),
        Column("get_state_display", _("State"), sort="state"),
        Column("get_priority_display", _("Priority"), sort="priority"),
        Column("assignment_team", _("Assignment group")),
        Column("owner", _("Owner")),
    ]


class ProblemDetail(ObjectDetailView):
    model, url_prefix = Problem, "changes:problem"
    template_name = "changes/problem_detail.html"
    select_related = ("assignment_team", "owner")
    fields = [
        Column("reference", _("Reference")),
        Column("get_state_display", _("State")),
        Column("get_priority_display", _("Priority")),
        Column("owner", _("Owner")),
        Column("assignment_team", _("Assignment group")),
        Column("description", _("Description")),
        Column("root_cause", _("Root cause")),
        Column("workaround", _("Workaround")),
        Column("resolved_at", _("Resolved")),
    ]

    def extra_context(self, obj: Problem) -> dict[str, Any]:
        user = self.request.user
        return {
            "incidents": selectors.problem_incidents(problem=obj, user=user),
            "similar": problems.similar_incidents(problem=obj, user=user),
            "tasks": list(obj.tasks.select_related("assignee")),
            "moves": [
                ProblemState(s) for s in ProblemState.values if s in PROBLEM_TRANSITIONS[obj.state]
            ],
            "can_delete": False,
        }


class ProblemEdit(ObjectEditView):
    model, url_prefix = Problem, "changes:problem"
    form_class = ProblemForm

    def form_data(self, form: Any) -> dict[str, Any]:
        return {n: form.cleaned_data[n] for n in PROBLEM_FIELDS if n in form.cleaned_data}

    def save(self, obj: Problem | None, data: dict[str, Any]) -> Problem:
        if obj is None:
            return problems.problem_create(data=data, actor=self.request.user)
        return problems.problem_update(problem=obj, data=data, actor=self.request.user)


def _problem(request: HttpRequest, pk: Any) -> Problem:
    problem = selectors.problem_get(user=request.user, pk=pk)
    if problem is None:
        raise Http404
    return problem


def _done(
    request: HttpRequest, problem: Problem, exc: ValidationError | None = None
) -> HttpResponse:
    if exc is not None:
        for message in exc.messages:
            messages.error(request, message)
    return HttpResponseRedirect(reverse("changes:problem_detail", kwargs={"pk": problem.pk}))


@login_required
@require_POST
def problem_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One POST per action of the problem page: move, link (ids or a reference), unlink,
    attach the similar incidents, publish the known error, add or tick a task."""
    problem = _problem(request, pk)
    post, user = request.POST, request.user
    try:
        if action == "move":
            problems.problem_transition(problem=problem, state=post.get("state", ""), actor=user)
        elif action == "link":
            ids = [int(i) for i in post.getlist("ticket") if is_id(i)]
            if not ids:
                raise ValidationError(_t("Choose an incident."))
            n = problems.problem_link_incidents(problem=problem, ticket_ids=ids, actor=user)
            messages.success(request, _t("%(n)s incident(s) linked.") % {"n": n})
        elif action == "unlink" and is_id(post.get("ticket", "")):
            problems.problem_unlink_incident(
                problem=problem, ticket_id=int(post["ticket"]), actor=user
            )
        elif action == "attach-similar":
            n = problems.problem_attach_similar(problem=problem, actor=user)
            messages.success(request, _t("%(n)s similar incident(s) linked.") % {"n": n})
        elif action == "publish":
            problems.problem_publish_known_error(problem=problem, actor=user)
            messages.success(request, _t("Known error sent to the knowledge base."))
        elif action == "task" and post.get("title", "").strip():
            problems.task_add(problem=problem, title=post["title"].strip()[:200], actor=user)
        elif action == "task-done" and is_id(post.get("task", "")):
            task = problem.tasks.filter(pk=post["task"]).first()
            if task is None:
                raise Http404
            problems.task_set_done(task=task, done=post.get("done") == "1", actor=user)
        else:
            raise Http404
    except ValidationError as exc:
        return _done(request, problem, exc)
    return _done(request, problem)
