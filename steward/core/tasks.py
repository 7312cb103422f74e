"""The one place Steward imports the tasks API from.

Django 6 ships ``django.tasks``; until then the django-tasks backport provides it. Moving to
Django 6 changes this file only.
"""

from django_tasks import TaskContext, TaskResult, TaskResultStatus, default_task_backend, task

__all__ = ["TaskContext", "TaskResult", "TaskResultStatus", "default_task_backend", "task"]
