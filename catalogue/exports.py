"""CSV and JSON Lines of a filtered occupation list, streamed row by row."""

import csv
import json
import re
from collections.abc import Iterator

from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse

from . import codes
from .models import english_provenance
from .querysets import ROW_FIELDS

EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
COLUMNS = [
    *ROW_FIELDS,
    "major_group",
    "middle_group",
    "minor_group",
    "announcement",
    "definition_zh",
    "definition_en",
    "definition_en_origin",
    "definition_en_review",
    "tasks",
    "standard_title",
    "standard_issued_on",
    "standard_document_number",
    "url",
]
# Columns not read from the occupation's own row.
DERIVED = {
    "major_group",
    "middle_group",
    "minor_group",
    "announcement",
    "tasks",
    "url",
    "standard_title",
    "standard_issued_on",
    "standard_document_number",
}
CHUNK = 1000


def _rows(queryset, request) -> Iterator[dict]:
    from .models import OccupationTask

    queryset = (
        queryset.select_related(None)
        .select_related("announcement")
        .only(*[c for c in COLUMNS if c not in DERIVED], "minor_group_id", "announcement__key")
        .prefetch_related(None)
        # One query of tasks and one of standards per chunk of rows.
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=OccupationTask.objects.order_by("position").only(
                    "occupation_id", "position", "text_zh"
                ),
            ),
        )
        .with_standard_titles()
    )
    for o in queryset.iterator(chunk_size=CHUNK):
        # The newest standard (an occupation may have several: editions, job types).
        standard = next(iter(o.skill_standards.all()), None)
        yield {
            "code": o.code,
            "slug": o.slug,
            "name_zh": o.name_zh,
            "name_en": o.name_en,
            **english_provenance(o, "name_en"),
            "name_pinyin": o.name_pinyin,
            "kind": o.kind,
            "is_digital": o.is_digital,
            "is_green": o.is_green,
            "major_group": codes.prefix(o.code, "major"),
            "middle_group": codes.prefix(o.code, "middle"),
            "minor_group": o.minor_group_id,
            "announcement": o.announcement.key if o.announcement else None,
            "definition_zh": o.definition_zh,
            "definition_en": o.definition_en,
            **english_provenance(o, "definition_en"),
            "tasks": [task.text_zh for task in o.tasks.all()],
            "standard_title": standard.title if standard else None,
            "standard_issued_on": standard.issued_on.isoformat()
            if standard and standard.issued_on
            else None,
            "standard_document_number": standard.document_number if standard else None,
            "url": request.build_absolute_uri(o.get_absolute_url()),
        }


# What a spreadsheet reads as the start of a formula in a cell: such text is written with a
# leading apostrophe, which shows it as text (https://owasp.org/www-community/attacks/CSV_Injection).
# JSON Lines and the API give every value as it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(\.[0-9]+)?")


def spreadsheet_safe(value):
    """The value, or for text a spreadsheet would run as a formula, that text as text."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return f"'{value}"
    return value


def _csv_line(writer, cells) -> str:
    return writer.writerow([spreadsheet_safe(cell) for cell in cells])


class _Line:
    """A file-like object csv.writer writes one line into, which we hand on."""

    def write(self, value: str) -> str:
        return value


def _csv(rows: Iterator[dict]) -> Iterator[str]:
    # A byte-order mark, so that Excel reads the Chinese as UTF-8.
    yield "\ufeff"
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield _csv_line(writer, [_cell(row[c]) for c in COLUMNS])


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        # Main tasks, in order: one line each, so a spreadsheet shows them as a list.
        return "\n".join(spreadsheet_safe(item) for item in value)
    return value


def _jsonl(rows: Iterator[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def streamed(request, chunks: Iterator[str], export_format: str, name: str):
    """A download streamed as it is produced. Its ETag and Last-Modified, like every page's,
    come from the catalogue version (catalogue.middleware), and so does a 304 Not Modified."""
    response = StreamingHttpResponse(chunks, content_type=EXPORT_FORMATS[export_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{export_format}"'
    return response


def export_response(queryset, export_format: str, request, name: str = "occupations"):
    """A streamed download of the queryset's occupations in its own order."""
    rows = _rows(queryset, request)
    return streamed(
        request, _csv(rows) if export_format == "csv" else _jsonl(rows), export_format, name
    )


def export_records(records: Iterator[dict], export_format: str, request, name: str):
    """A streamed download of serialized records: JSON Lines as they are; CSV with one column
    per top-level field, nested values written as JSON."""
    if export_format == "jsonl":
        return streamed(request, _jsonl(records), export_format, name)
    return streamed(request, _records_csv(records), export_format, name)


def _records_csv(records: Iterator[dict]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff"
    columns = None
    for record in records:
        if columns is None:
            columns = list(record)
            yield writer.writerow(columns)
        yield _csv_line(
            writer,
            [
                json.dumps(value, ensure_ascii=False)
                if isinstance(value, (dict, list))
                else ""
                if value is None
                else value
                for value in (record[c] for c in columns)
            ],
        )


def table_csv_response(columns: list[str], table: list[list], name: str) -> HttpResponse:
    """A small table as a CSV file, whole (so it gets an ETag like any page)."""
    writer = csv.writer(_Line())
    lines = ["\ufeff", writer.writerow(columns)]
    lines += [_csv_line(writer, ["" if cell is None else cell for cell in row]) for row in table]
    response = HttpResponse("".join(lines), content_type=EXPORT_FORMATS["csv"])
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
