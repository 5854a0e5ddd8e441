"""The review's downloads (``reviews.downloads``): the draft under the
year, each published version under ``published/``."""

from django.urls import path

from cpeg.reviews import downloads

urlpatterns = [
    path("<fy:year>/review.pdf", downloads.draft_pdf, name="draft-pdf"),
    path("<fy:year>/review.docx", downloads.draft_docx, name="draft-docx"),
    path("<fy:year>/review.xlsx", downloads.draft_xlsx, name="draft-xlsx"),
    path("<fy:year>/tables/<str:key>.csv", downloads.draft_table_csv, name="draft-table-csv"),
    path("published/<fy:year>/v<int:number>/review.pdf", downloads.published_pdf, name="published-pdf"),
    path("published/<fy:year>/v<int:number>/review.docx", downloads.published_docx, name="published-docx"),
    path("published/<fy:year>/v<int:number>/review.xlsx", downloads.published_xlsx, name="published-xlsx"),
    path(
        "published/<fy:year>/v<int:number>/tables/<str:key>.csv",
        downloads.published_table_csv,
        name="published-table-csv",
    ),
]
