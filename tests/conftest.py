import pytest
from django.core.management import call_command


@pytest.fixture
def seeded(db):
    """The seed catalogue, as `make run` loads it."""
    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("curator", "curator@example.org", "pw")
    client.force_login(user)
    client.user = user
    return client
