"""Files for tests: real and fake documents, and activity spreadsheets."""

import csv
import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cpeg.activities.tests.factories import PDF_BYTES
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import EngagementGroup

HEADERS = [
    "Type",
    "Title",
    "Date",
    "Start time",
    "Venue",
    "Public attendance",
    "Borough commander present",
    "Local authority present",
    "Other partners present",
    "Topics",
    "Outputs evidenced",
    "Notes",
    "Show on public page",
]


def disband(group, *, on, status=GroupStatus.DISBANDED):
    """Change the group's status as if it happened at ``on`` (an aware
    datetime): its history then says when, as a real change would."""
    group.status = status
    group.save()
    records = EngagementGroup.history.filter(id=group.pk)
    latest = records.latest("history_id")
    # What happened before this change happened before ``on``.
    records.exclude(pk=latest.pk).filter(history_date__gte=on).update(history_date=on - dt.timedelta(days=1))
    latest.history_date = on
    latest.save()
    return group


def pdf(name="minutes.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def csv_upload(rows, *, headers=HEADERS, name="activities.csv", encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if headers:
        writer.writerow(headers)
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_upload(rows, *, headers=HEADERS, name="activities.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Activities"
    if headers:
        sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
