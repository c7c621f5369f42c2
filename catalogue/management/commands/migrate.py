"""Django's migrate, without the request-sized deadlines: a migration that copies or indexes
every occupation (0018's search rows, say) may rightly take longer than any page."""

from django.core.management.commands.migrate import Command as MigrateCommand

from catalogue.management import unbounded_statements


class Command(MigrateCommand):
    def handle(self, *args, **options):
        if options["database"] == "default":
            unbounded_statements()
        return super().handle(*args, **options)
