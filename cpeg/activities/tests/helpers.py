"""Files for tests: real and fake documents, and activity spreadsheets."""

import csv
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cpeg.activities.tests.factories import PDF_BYTES

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
]


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
