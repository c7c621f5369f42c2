from django.apps import apps


def snapshot():
    """Every row of every catalogue table, many-to-many and history tables included."""
    rows = {}
    for model in apps.get_app_config("catalogue").get_models(include_auto_created=True):
        rows[model._meta.db_table] = list(model.objects.order_by("pk").values())
    return rows
