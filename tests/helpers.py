from django.apps import apps


def snapshot():
    """Every row of every catalogue table, many-to-many and history tables included."""
    rows = {}
    for model in apps.get_app_config("catalogue").get_models(include_auto_created=True):
        if model._meta.model_name in {"catalogueversion", "importedfile"}:
            # Bookkeeping: the version is raised by any save, even one that changes nothing,
            # and a forced import records when it read each file.
            continue
        rows[model._meta.db_table] = list(model.objects.order_by("pk").values())
    return rows


def index_for_search():
    """Build the search documents and vocabulary as a commit would (TestCase never commits)."""
    from catalogue.search.documents import refresh_search_documents
    from catalogue.search.vocabulary import rebuild_vocabulary

    refresh_search_documents()
    rebuild_vocabulary()
