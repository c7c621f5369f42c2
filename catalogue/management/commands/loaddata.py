"""Django's loaddata, saying which file and line a bad fixture fails at.

Before anything is loaded, every JSON fixture is read whole: a file that is not UTF-8 or not
complete JSON is refused with the line of the fault. Each record is validated as a form would
validate it (a quote must stand verbatim in its source) and two records that are the same row
(two occupations of one code) are refused rather than merged; when a record cannot be loaded,
the error names the line where that record begins. As with Django's own command, everything is
loaded in one transaction, so a failure leaves the database as it was.
"""

import json

from django.core.management.base import CommandError
from django.core.management.commands.loaddata import Command as LoadDataCommand


class Command(LoadDataCommand):
    def find_fixtures(self, fixture_label):
        fixtures = super().find_fixtures(fixture_label)
        for fixture_file, _dir, _name in fixtures:
            if fixture_file.endswith(".json"):
                self._object_lines = getattr(self, "_object_lines", {})
                self._object_lines[fixture_file] = object_lines(fixture_file)
        return _Tracked(self, fixtures)

    def save_obj(self, obj):
        self._index += 1
        self._saving = True
        record = obj.object
        where = self._where()
        # Natural keys resolve a record to the row it updates: a second record resolved to a
        # row this load already wrote is a duplicate, not an update.
        first = self._loaded.get((record._meta.label, record.pk))
        if record.pk is not None and first is not None:
            file, line = first
            place = f"line {line}" if file == self._current else f"{file}, line {line}"
            raise ValueError(
                f"the same record as {place} ({record._meta.verbose_name} {record}); "
                "a fixture may hold each record once"
            )
        # Raw saves skip what the admin's forms check: field values and clean() (a quote must
        # stand verbatim in its source). Uniqueness and constraints are the database's.
        record.full_clean(validate_unique=False, validate_constraints=False)
        saved = super().save_obj(obj)
        self._loaded[(record._meta.label, record.pk)] = where
        self._saving = False
        return saved

    def _where(self) -> tuple[str, str]:
        """The file and line (or record number) of the record being saved."""
        lines = getattr(self, "_object_lines", {}).get(self._current)
        if not lines:
            return self._current, f"? (record {self._index})"
        return self._current, str(lines[min(self._index, len(lines)) - 1])

    def loaddata(self, fixture_labels):
        self._loaded: dict[tuple[str, object], tuple[str, str]] = {}
        return super().loaddata(fixture_labels)

    def load_label(self, fixture_label):
        try:
            return super().load_label(fixture_label)
        except Exception as error:
            lines = getattr(self, "_object_lines", {}).get(getattr(self, "_current", None))
            if not lines:
                raise
            # The record being saved (counted), or the next one, being deserialized.
            index = min(self._index - 1 if self._saving else self._index, len(lines) - 1)
            line = lines[max(index, 0)]
            raise CommandError(
                f"{self._current}, line {line} (record {max(index, 0) + 1}): {error}"
            ) from error


class _Tracked(list):
    """The fixture files, noting which one is being loaded and counting its records."""

    def __init__(self, command, fixtures):
        super().__init__(fixtures)
        self.command = command

    def __iter__(self):
        for fixture in super().__iter__():
            self.command._current = fixture[0]
            self.command._index = 0
            self.command._saving = False
            yield fixture


def object_lines(path: str) -> list[int]:
    """The line each top-level record of a JSON fixture starts on; CommandError with the
    line of the fault for a file that is not UTF-8 or not whole JSON."""
    with open(path, "rb") as fixture:
        data = fixture.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CommandError(
            f"{path}, line {line}: not UTF-8 (byte {data[error.start]:#x}); save it as UTF-8"
        ) from error
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        ending = " (the file ends early: truncated?)" if error.pos >= len(text.rstrip()) else ""
        raise CommandError(f"{path}, line {error.lineno}: {error.msg}{ending}") from error
    if not isinstance(records, list):
        raise CommandError(f"{path}, line 1: a fixture is a JSON list of records")
    decoder = json.JSONDecoder()
    lines, position = [], text.index("[") + 1
    for _ in records:
        while text[position] in " \t\r\n,":
            position += 1
        lines.append(text.count("\n", 0, position) + 1)
        _, position = decoder.raw_decode(text, position)
    return lines
