"""Run by test_replica.py in a process of its own, with DATABASE_URL (a primary) and
DATABASE_REPLICA_URL (its streaming replica): prints one JSON object of what it saw."""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from catalogue.models import Occupation  # noqa: E402


def replica_count(**filters):
    return Occupation.objects.using("replica").filter(**filters).count()


def wait_until(check, timeout=20):
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        time.sleep(0.1)
    return check()


def queries_by_database(client, path):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(path)
    return response, len(primary), len(replica)


seen = {
    "caught_up": wait_until(
        lambda: replica_count() == Occupation.objects.using("default").count() > 0
    )
}

anonymous = Client()
response, primary, replica = queries_by_database(anonymous, "/occupations/ai-trainer/")
seen["anonymous"] = {"status": response.status_code, "primary": primary, "replica": replica}

staff = get_user_model().objects.create_superuser("curator", "c@example.org", "pw")
curator = Client()
curator.force_login(staff)
response, primary, replica = queries_by_database(curator, "/admin/catalogue/occupation/")
seen["admin"] = {"status": response.status_code, "primary": primary, "replica": replica}
response, primary, replica = queries_by_database(curator, "/occupations/ai-trainer/")
seen["signed_in"] = {"status": response.status_code, "primary": primary, "replica": replica}

occupation = Occupation.objects.get(slug="ai-trainer")  # read from the replica
occupation.name_en = "AI trainer (edited on the primary)"
occupation.save()  # written to the primary
seen["replicated"] = wait_until(
    lambda: replica_count(name_en__contains="edited on the primary") == 1
)
seen["page_after_edit"] = (
    "edited on the primary" in anonymous.get("/occupations/ai-trainer/").content.decode()
)

try:
    with connections["replica"].cursor() as cursor:
        cursor.execute("UPDATE catalogue_occupation SET name_en = 'x' WHERE slug = 'ai-trainer'")
    seen["replica_read_only"] = False
except Exception as error:
    seen["replica_read_only"] = "read-only transaction" in str(error)

print(json.dumps(seen))
