"""Every occupation's search document again, now that a name's pinyin holds every run of its
syllables as one word (catalogue.search.text.pinyin_tokens) and a query looks pinyin up as such
a word, no longer as a phrase of syllables: a document written before would find pinyin typed
for the start or the whole of a name but no longer for part of it.

The documents are what the current code makes of the catalogue, so this runs the current code,
not a historical model: it is derived data, rebuilt as an import would, and a database with no
occupations yet (a fresh clone, the tests) does nothing.
"""

from django.db import migrations


def rebuild_documents(apps, schema_editor):
    from catalogue.search.documents import refresh_search_documents

    refresh_search_documents()


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0019_search_row_trigrams"),
    ]

    operations = [
        migrations.RunPython(rebuild_documents, migrations.RunPython.noop, elidable=True),
    ]
