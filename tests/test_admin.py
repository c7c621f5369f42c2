from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from catalogue.models import (
    AlternateTitle,
    Announcement,
    Figure,
    FunctionWeight,
    JobType,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
    OccupationalFunction,
    OccupationTask,
    Quote,
    Requirement,
    SearchSynonym,
    SkillStandard,
    Source,
    StandardLevel,
    WorkContent,
)


def catalogue_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "catalogue"
    ]


class AdminPagesTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        cls.curator = get_user_model().objects.create_superuser("curator", "c@example.org", "pw")
        standard = SkillStandard.objects.first()
        level = StandardLevel.objects.create(standard=standard, level=3)
        function = OccupationalFunction.objects.create(level=level, name_zh="职业功能")
        FunctionWeight.objects.create(level=level, function_zh="职业功能", weight_pct=100)
        content = WorkContent.objects.create(function=function, name_zh="工作内容")
        Requirement.objects.create(work_content=content, kind="skill", text_zh="能够")
        OccupationTask.objects.create(occupation=standard.occupation, text_zh="任务")
        SearchSynonym.objects.create(
            occupation=standard.occupation, term="码农", language="zh-Hans", reason="Slang."
        )

    def urls(self, model):
        opts = model._meta
        obj = model.objects.first()
        self.assertIsNotNone(obj, f"no {opts.model_name} to open")
        name = f"admin:{opts.app_label}_{opts.model_name}"
        return {
            "changelist": reverse(f"{name}_changelist"),
            "add": reverse(f"{name}_add"),
            "change": reverse(f"{name}_change", args=[obj.pk]),
            "history": reverse(f"{name}_history", args=[obj.pk]),
        }

    def test_every_page_renders_for_staff(self):
        self.client.force_login(self.curator)
        self.assertGreaterEqual(len(catalogue_admins()), 15)
        for model, _ in catalogue_admins():
            for page, url in self.urls(model).items():
                with self.subTest(model=model.__name__, page=page):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_every_page_sends_anonymous_users_to_log_in(self):
        for model, _ in catalogue_admins():
            for page, url in self.urls(model).items():
                with self.subTest(model=model.__name__, page=page):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 302)
                    self.assertIn(reverse("admin:login"), response["Location"])

    def test_changelist_filters_render(self):
        self.client.force_login(self.curator)
        url = reverse("admin:catalogue_occupation_changelist")
        for params in [
            {"name_en": "missing"},
            {"status": "draft"},
            {"kind": "form"},
            {"needs_review__exact": "1"},
            {"q": "训练"},
        ]:
            with self.subTest(params=params):
                self.assertEqual(self.client.get(url, params).status_code, 200)

    def test_autocomplete_finds_occupations(self):
        self.client.force_login(self.curator)
        response = self.client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "catalogue",
                "model_name": "occupation",
                "field_name": "related",
                "term": "训练",
            },
        )
        self.assertEqual(response.status_code, 200)
        texts = [result["text"] for result in response.json()["results"]]
        self.assertEqual(texts, ["人工智能训练师 (AI trainer)"])


class AdminCurationTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        cls.curator = get_user_model().objects.create_superuser("curator", "c@example.org", "pw")

    def setUp(self):
        self.client.force_login(self.curator)

    def test_unpublish_and_publish_actions_record_who_did_it(self):
        occupation = Occupation.objects.get(slug="ai-trainer")
        url = reverse("admin:catalogue_occupation_changelist")
        response = self.client.post(
            url, {"action": "unpublish", "_selected_action": [occupation.pk]}, follow=True
        )
        self.assertContains(response, "1 of 1 occupation unpublished")
        occupation.refresh_from_db()
        self.assertEqual(occupation.status, "draft")
        self.assertEqual(self.client.get(occupation.get_absolute_url()).status_code, 200)  # staff
        self.client.logout()
        self.assertEqual(self.client.get(occupation.get_absolute_url()).status_code, 404)

        self.client.force_login(self.curator)
        self.client.post(url, {"action": "publish", "_selected_action": [occupation.pk]})
        occupation.refresh_from_db()
        self.assertEqual(occupation.status, "published")
        latest = occupation.history.first()
        self.assertEqual((latest.status, latest.history_user), ("published", self.curator))
        self.assertEqual(occupation.history.count(), 2)

    def test_actions_work_on_a_searched_list(self):
        # A search across alternate titles makes the list DISTINCT, which cannot be locked.
        occupation = Occupation.objects.get(slug="ai-trainer")
        url = reverse("admin:catalogue_occupation_changelist") + "?q=trainer"
        response = self.client.post(
            url, {"action": "unpublish", "_selected_action": [occupation.pk]}, follow=True
        )
        self.assertContains(response, "1 of 1 occupation unpublished")
        occupation.refresh_from_db()
        self.assertEqual(occupation.status, "draft")

    def change_form_data(self, occupation, **overrides):
        data = {
            "kind": occupation.kind,
            "code": occupation.code or "",
            "minor_group": occupation.minor_group_id or "",
            "name_zh": occupation.name_zh,
            "name_zh_origin": occupation.name_zh_origin,
            "name_en": occupation.name_en,
            "name_en_origin": occupation.name_en_origin,
            "name_en_review": occupation.name_en_review,
            "definition_en_origin": occupation.definition_en_origin,
            "definition_en_review": occupation.definition_en_review,
            "slug": occupation.slug,
            "status": occupation.status,
            "definition_zh": occupation.definition_zh,
            "definition_en": occupation.definition_en,
            "is_digital": "on" if occupation.is_digital else "",
            "announcement": occupation.announcement_id or "",
            "source": occupation.source_id or "",
            "source_page": occupation.source_page or "",
            "curation_notes": occupation.curation_notes,
            "opened_revision": occupation.revision,
        }
        for prefix, count in [
            ("tasks", 0),
            ("alternate_titles", occupation.alternate_titles.count()),
            ("job_types", occupation.job_types.count()),
            ("skill_standards", occupation.skill_standards.count()),
            ("Quote_occupations", occupation.quotes.count()),
            ("Figure_occupations", occupation.figures.count()),
        ]:
            data.update({f"{prefix}-TOTAL_FORMS": count, f"{prefix}-INITIAL_FORMS": count})
        inline_rows = {
            "alternate_titles": (
                occupation.alternate_titles.all(),
                ["title", "language", "kind", "source"],
            ),
            "job_types": (
                occupation.job_types.all(),
                [
                    "name_zh",
                    "name_en",
                    "name_en_origin",
                    "name_en_review",
                    "position",
                    "announcement",
                ],
            ),
            "skill_standards": (
                occupation.skill_standards.all(),
                ["title", "edition", "issuing_body"],
            ),
            "Quote_occupations": (
                Occupation.quotes.through.objects.filter(occupation=occupation),
                ["quote"],
            ),
        }
        for prefix, (rows, fields) in inline_rows.items():
            for i, row in enumerate(rows):
                data[f"{prefix}-{i}-id"] = row.pk
                data[f"{prefix}-{i}-occupation"] = occupation.pk
                if hasattr(row, "revision"):
                    data[f"{prefix}-{i}-opened_revision"] = row.revision
                for field in fields:
                    value = getattr(row, row._meta.get_field(field).attname)
                    data[f"{prefix}-{i}-{field}"] = "" if value is None else value
        data.update(overrides)
        return data

    def test_a_valid_edit_saves_and_is_in_the_history(self):
        occupation = Occupation.objects.get(slug="ai-trainer")
        url = reverse("admin:catalogue_occupation_change", args=[occupation.pk])
        response = self.client.post(
            url, self.change_form_data(occupation, name_en="AI trainer (curated)")
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        occupation.refresh_from_db()
        self.assertEqual(occupation.name_en, "AI trainer (curated)")
        self.assertEqual(occupation.history.first().history_user, self.curator)

    def test_the_second_of_two_concurrent_edits_is_refused_not_saved_over_the_first(self):
        occupation = Occupation.objects.get(slug="ai-trainer")
        url = reverse("admin:catalogue_occupation_change", args=[occupation.pk])
        # Both curators open the form at the same revision.
        opened = self.client.get(url).context["adminform"].form["opened_revision"].value()
        self.assertEqual(opened, occupation.revision)
        first = self.change_form_data(occupation, name_en="AI trainer (first)")
        second = self.change_form_data(occupation, name_en="AI trainer (second)")
        self.assertEqual(self.client.post(url, first).status_code, 302)
        response = self.client.post(url, second)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone else saved this occupation after you opened it")
        occupation.refresh_from_db()
        self.assertEqual(occupation.name_en, "AI trainer (first)")
        self.assertEqual(occupation.revision, opened + 1)
        # Opened again, at the new revision, the second curator's edit goes through.
        again = self.change_form_data(occupation, name_en="AI trainer (second)")
        self.assertEqual(self.client.post(url, again).status_code, 302)

    def test_an_import_since_the_form_was_opened_also_refuses_the_save(self):
        occupation = Occupation.objects.get(slug="ai-trainer")
        url = reverse("admin:catalogue_occupation_change", args=[occupation.pk])
        stale = self.change_form_data(occupation, name_en="AI trainer (stale)")
        from catalogue.imports import _save

        occupation.definition_zh = "导入的新定义"
        _save(Occupation, create=[], update={occupation: ["definition_zh"]}, reason="import")
        response = self.client.post(url, stale)
        self.assertContains(response, "Someone else saved this occupation after you opened it")
        occupation.refresh_from_db()
        self.assertEqual(occupation.definition_zh, "导入的新定义")

    def test_bad_input_shows_errors_and_saves_nothing(self):
        occupation = Occupation.objects.get(slug="ai-trainer")
        url = reverse("admin:catalogue_occupation_change", args=[occupation.pk])
        cases = {
            "code": {"code": "4-04-5-05"},
            "minor group": {"code": "4-04-04-99"},
            "slug": {"slug": "人工智能"},
            "role with code": {"kind": "role"},
        }
        for label, overrides in cases.items():
            with self.subTest(label):
                data = self.change_form_data(
                    occupation,
                    name_en="Should not be saved",
                    **{
                        "alternate_titles-TOTAL_FORMS": 2,
                        "alternate_titles-1-title": "new title",
                        "alternate_titles-1-language": "en",
                    },
                    **overrides,
                )
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["errors"])
                occupation.refresh_from_db()
                self.assertEqual(occupation.name_en, "AI trainer")
                self.assertFalse(AlternateTitle.objects.filter(title="new title").exists())

    def test_a_duplicate_job_type_is_an_error_not_a_crash(self):
        occupation = Occupation.objects.get(slug="ai-trainer")
        url = reverse("admin:catalogue_occupation_change", args=[occupation.pk])
        data = self.change_form_data(
            occupation,
            **{
                "job_types-TOTAL_FORMS": 2,
                "job_types-1-name_zh": "数据标注员",
                "job_types-1-position": 2,
            },
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(occupation.job_types.count(), 1)


def as_posted(page) -> dict:
    """What a browser posts back from an admin change page, as it was opened: the form's and
    every inline row's values, hidden ones included."""
    from django.contrib.postgres.forms import SimpleArrayField

    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({field.html_name: field.value() for field in formset.management_form})
        forms += formset.forms
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list) and not isinstance(field.field, SimpleArrayField):
                value = [str(v) for v in value]  # a many-to-many
            data[field.html_name] = value
            if field.field.show_hidden_initial:
                data[field.html_initial_name] = value
    return data


class ConcurrentEditTests(TestCase):
    """Every record curators edit carries the revision its form was opened at; a save made
    from an older revision is refused instead of overwriting the one made since."""

    fixtures = ["seed"]
    # Each curated model and a field a curator might change on it.
    CURATED = {
        Source: "notes",
        MajorGroup: "name_en",
        MiddleGroup: "name_en",
        MinorGroup: "name_en",
        Announcement: "notes",
        Occupation: "name_en",
        OccupationTask: "text_en",
        AlternateTitle: "title",
        JobType: "name_en",
        Quote: "speaker_role",
        Figure: "place",
        SearchSynonym: "reason",
    }

    @classmethod
    def setUpTestData(cls):
        cls.curator = get_user_model().objects.create_superuser("curator", "c@example.org", "pw")
        OccupationTask.objects.create(
            occupation=Occupation.objects.get(slug="ai-trainer"), text_zh="任务"
        )
        SearchSynonym.objects.create(
            occupation=Occupation.objects.get(slug="ai-trainer"),
            term="AI训练",
            language="zh-Hans",
            reason="Short for the name.",
        )

    def setUp(self):
        self.client.force_login(self.curator)

    def change_url(self, obj):
        opts = obj._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def test_every_curated_model_and_its_admin_carry_the_revision(self):
        from catalogue.admin import CatalogueAdmin, CatalogueInline, is_revisioned

        # The skill standard's own tables are not yet locked (one base class each to add).
        unlocked = {
            SkillStandard,
            StandardLevel,
            OccupationalFunction,
            WorkContent,
            Requirement,
            FunctionWeight,
        }
        for model, model_admin in catalogue_admins():
            with self.subTest(model.__name__):
                self.assertEqual(is_revisioned(model), model not in unlocked)
                self.assertIsInstance(model_admin, CatalogueAdmin)
                for inline in model_admin.get_inline_instances(self.request()):
                    self.assertIsInstance(inline, CatalogueInline)
        self.assertEqual(set(self.CURATED), {m for m, _ in catalogue_admins()} - unlocked)

    def request(self):
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        request.user = self.curator
        return request

    def test_the_second_of_two_edits_of_any_curated_record_is_refused(self):
        for model, field in self.CURATED.items():
            with self.subTest(model.__name__):
                obj = model.objects.order_by("pk").first()
                url = self.change_url(obj)
                opened = as_posted(self.client.get(url))  # both curators open it
                first = {**opened, field: "changed first"}
                second = {**opened, field: "changed second"}
                response = self.client.post(url, first)
                self.assertEqual(
                    response.status_code, 302, response.context and response.context["errors"]
                )
                response = self.client.post(url, second)
                self.assertEqual(response.status_code, 200)
                self.assertContains(
                    response,
                    f"Someone else saved this {model._meta.verbose_name} after you opened it",
                )
                obj.refresh_from_db()
                self.assertEqual(getattr(obj, field), "changed first")
                # Opened again, the second curator's edit goes through.
                again = {**as_posted(self.client.get(url)), field: "changed second"}
                self.assertEqual(self.client.post(url, again).status_code, 302)

    def test_an_inline_row_changed_elsewhere_is_not_saved_over_or_deleted(self):
        occupation = Occupation.objects.get(slug="ai-trainer")
        title = occupation.alternate_titles.order_by("pk").first()
        url = self.change_url(occupation)
        opened = as_posted(self.client.get(url))
        index = next(
            key.split("-")[1]
            for key, value in opened.items()
            if key.startswith("alternate_titles-") and key.endswith("-id") and value == title.pk
        )
        # Meanwhile someone edits that title on its own page.
        elsewhere = as_posted(self.client.get(self.change_url(title)))
        self.assertEqual(
            self.client.post(
                self.change_url(title), {**elsewhere, "language": "en-GB"}
            ).status_code,
            302,
        )
        for change in ({"language": "zh-Hans"}, {"DELETE": "on"}):
            with self.subTest(change):
                row = {f"alternate_titles-{index}-{k}": v for k, v in change.items()}
                response = self.client.post(url, {**opened, **row})
                self.assertContains(
                    response, "Someone else saved this alternate title after you opened it"
                )
                title.refresh_from_db()
                self.assertEqual(title.language, "en-GB")
        # Opened again, the edit goes through and the title keeps what was saved elsewhere.
        again = {**as_posted(self.client.get(url)), "name_en": "AI trainer (edited)"}
        self.assertEqual(self.client.post(url, again).status_code, 302)
        title.refresh_from_db()
        self.assertEqual(title.language, "en-GB")
