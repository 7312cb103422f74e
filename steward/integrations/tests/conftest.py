from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


def csv_file(text: str, name: str = "people.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list[object]], name: str = "people.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def run_jobs(batch):
    """Runs the batch's queued job in this process, as the worker would."""
    from steward.core.jobs import job_execute

    batch.refresh_from_db()
    job = batch.apply_job or batch.preview_job
    job_execute(job)
    batch.refresh_from_db()
    return batch


@pytest.fixture
def admin(org_world):
    return org_world["users"]["admin"]
