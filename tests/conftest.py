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


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache and no kept parts of pages: a rolled-back test
    leaves the catalogue version where it found it, so the next test's pages would otherwise
    find its cached ones."""
    from django.core.cache import cache

    from catalogue import versioning

    cache.clear()
    versioning.forget()
    yield
    cache.clear()
    versioning.forget()


@pytest.fixture(autouse=True, scope="session")
def jinja2_pages_report_their_context():
    """As Django's test runner does for its own templates' rendering: a page rendered with
    Jinja2 hands its template and context to the test client (response.context)."""
    from django.template.backends.jinja2 import Template
    from django.test.signals import template_rendered

    render = Template.render

    def reported(self, context=None, request=None):
        template_rendered.send(sender=self, template=self.template, context=context or {})
        return render(self, context, request)

    Template.render = reported
    yield
    Template.render = render
