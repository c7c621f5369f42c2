import time

from django.core.management.base import BaseCommand
from django.db import transaction

from catalogue.management import unbounded_statements
from catalogue.search.documents import refresh_search_documents
from catalogue.search.vocabulary import rebuild_vocabulary


class Command(BaseCommand):
    help = "Rebuild every occupation's search document and the spelling-suggestion vocabulary."

    def handle(self, *args, **options):
        unbounded_statements()
        started = time.monotonic()
        with transaction.atomic():
            documents = refresh_search_documents()
            words = rebuild_vocabulary()
        self.stdout.write(
            f"search: {documents} documents and {words} vocabulary words rebuilt "
            f"in {time.monotonic() - started:.1f} s"
        )
