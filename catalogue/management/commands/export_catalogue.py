import datetime
from itertools import chain
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from catalogue.management import unbounded_statements
from catalogue.search.documents import DOCUMENT_FIELDS

# The catalogue's own records, in an order that loads: what each refers to comes first.
# Not exported: history (it refers to users) and search vocabulary (rebuilt from the records).
MODELS = [
    "catalogue.Source",
    "catalogue.MajorGroup",
    "catalogue.MiddleGroup",
    "catalogue.MinorGroup",
    "catalogue.Announcement",
    "catalogue.Occupation",
    "catalogue.OccupationTask",
    "catalogue.AlternateTitle",
    "catalogue.JobType",
    "catalogue.SkillStandard",
    "catalogue.StandardLevel",
    "catalogue.OccupationalFunction",
    "catalogue.WorkContent",
    "catalogue.Requirement",
    "catalogue.Quote",
    "catalogue.Figure",
]


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond. DjangoJSONEncoder cuts them to the millisecond, so a time
    such as 12:00:00.000456 was written 12:00:00.000, loaded back as 12:00:00 and written
    12:00:00 the next time: a reloaded catalogue differed from the one exported."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            written = o.isoformat()
            return written.removesuffix("+00:00") + "Z" if written.endswith("+00:00") else written
        return super().default(o)


class Command(BaseCommand):
    help = (
        "Write the whole catalogue to PATH as a fixture (JSON, natural keys); "
        "`manage.py loaddata PATH` into an empty database reproduces it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        unbounded_statements()
        models = [apps.get_model(label) for label in MODELS]
        # Search documents are derived: they are rebuilt when the fixture is loaded.
        fields = {
            name  # serializers match plain fields by attname, relations by name
            for model in models
            for field in [*model._meta.local_fields, *model._meta.local_many_to_many]
            if field.name not in DOCUMENT_FIELDS and not field.generated
            for name in (field.name, field.attname)
        }
        records = chain.from_iterable(model._default_manager.order_by("pk") for model in models)
        with path.open("w", encoding="utf-8") as out:
            serializers.serialize(
                "json",
                records,
                fields=sorted(fields),
                indent=1,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
                cls=ExactJSONEncoder,
                stream=out,
            )
        self.stdout.write(f"Catalogue written to {path}.")
