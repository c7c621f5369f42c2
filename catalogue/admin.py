from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import imports, services
from .models import (
    AlternateTitle,
    Announcement,
    DataIssue,
    Figure,
    JobType,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
    OccupationalFunction,
    OccupationTask,
    Quote,
    Requirement,
    Revisioned,
    SkillStandard,
    Source,
    StandardLevel,
    WorkContent,
)

# --- Classification ---------------------------------------------------------------------------


# --- Optimistic locking -----------------------------------------------------------------------
# Every form of a Revisioned record carries the revision it was opened at; a save made from an
# older one (someone else, or an import, saved the record since) is refused instead of
# overwriting theirs. CatalogueAdmin and CatalogueInline apply it to any Revisioned model.


def stale_message(model) -> str:
    return _(
        "Someone else saved this %(record)s after you opened it, so your changes were not saved. "
        "Open it again to see theirs, then make yours."
    ) % {"record": model._meta.verbose_name}


class RevisionedForm(forms.ModelForm):
    """A record's change form: holding the row lock, its save is refused when the record's
    revision is no longer the one the form was opened at."""

    opened_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_revision"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or not self.checks_revision:
            return cleaned
        # Locked until the admin's transaction ends: a second save waits, then sees ours.
        current = (
            self._meta.model.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("revision", flat=True)
            .first()
        )
        if cleaned.get("opened_revision") != current:
            raise forms.ValidationError(stale_message(self._meta.model), code="stale")
        return cleaned

    # An inline row's revision is checked by its formset, which also sees deleted rows.
    checks_revision = True


class RevisionedRowForm(RevisionedForm):
    checks_revision = False


class RevisionedInlineFormSet(BaseInlineFormSet):
    """Inline rows: a row changed or deleted from an older revision stops the whole save. Rows
    left as they were are not saved, so they are not checked."""

    def clean(self):
        super().clean()
        touched = {
            form.instance.pk: form
            for form in self.initial_forms
            if form.instance.pk is not None
            and (form.has_changed() or (self.can_delete and self._should_delete_form(form)))
        }
        if not touched:
            return
        current = dict(
            self.model.objects.select_for_update()
            .filter(pk__in=touched)
            .values_list("pk", "revision")
        )
        stale = [
            pk
            for pk, form in touched.items()
            if form.cleaned_data.get("opened_revision") != current.get(pk)
        ]
        if stale:
            raise forms.ValidationError(stale_message(self.model), code="stale")


def is_revisioned(model) -> bool:
    return issubclass(model, Revisioned)


def _with_revision(fieldsets):
    """The fieldsets, with the hidden opened_revision in the first one."""
    if any("opened_revision" in options["fields"] for _name, options in fieldsets):
        return fieldsets
    (name, options), *rest = fieldsets
    return [(name, {**options, "fields": [*options["fields"], "opened_revision"]}), *rest]


class CatalogueAdmin(SimpleHistoryAdmin):
    """Every catalogue model's admin: history, and optimistic locking for Revisioned models."""

    def __init__(self, model, admin_site):
        if is_revisioned(model) and not issubclass(self.form, RevisionedForm):
            self.form = type(f"Revisioned{self.form.__name__}", (RevisionedForm, self.form), {})
        super().__init__(model, admin_site)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return _with_revision(fieldsets) if is_revisioned(self.model) else fieldsets

    def get_changelist_form(self, request, **kwargs):
        # Rows edited in the list (list_editable) carry no revision.
        return super().get_changelist_form(request, **{"form": forms.ModelForm, **kwargs})


class CatalogueInline:
    """Mixed into inlines: optimistic locking of each row of a Revisioned model."""

    def __init__(self, parent_model, admin_site):
        if is_revisioned(self.model):
            if not issubclass(self.form, RevisionedRowForm):
                self.form = type(
                    f"Revisioned{self.form.__name__}", (RevisionedRowForm, self.form), {}
                )
            if not issubclass(self.formset, RevisionedInlineFormSet):
                self.formset = RevisionedInlineFormSet
        super().__init__(parent_model, admin_site)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return _with_revision(fieldsets) if is_revisioned(self.model) else fieldsets


class TabularInline(CatalogueInline, admin.TabularInline):
    pass


class StackedInline(CatalogueInline, admin.StackedInline):
    pass


class CuratedFieldsMixin:
    """Remember which import-owned fields a curator changed, so imports leave them alone."""

    import_owned_fields: list[str] = []

    def save_model(self, request, obj, form, change):
        curated = [name for name in form.changed_data if name in self.import_owned_fields]
        if change and curated:
            obj.curated_fields = sorted({*obj.curated_fields, *curated})
        super().save_model(request, obj, form, change)


class GroupAdmin(CuratedFieldsMixin, CatalogueAdmin):
    import_owned_fields = imports.GROUP_OWNED_FIELDS
    list_display = ["code", "name_zh", "name_en", "child_count"]
    search_fields = ["code", "name_zh", "name_en"]
    ordering = ["code"]
    child_relation = ""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(child_count=Count(self.child_relation))

    @admin.display(description=_("children"), ordering="child_count")
    def child_count(self, obj):
        return obj.child_count


@admin.register(MajorGroup)
class MajorGroupAdmin(GroupAdmin):
    child_relation = "middle_groups"


@admin.register(MiddleGroup)
class MiddleGroupAdmin(GroupAdmin):
    list_display = [*GroupAdmin.list_display, "major_group"]
    list_filter = ["major_group"]
    autocomplete_fields = ["major_group"]
    child_relation = "minor_groups"


@admin.register(MinorGroup)
class MinorGroupAdmin(GroupAdmin):
    list_display = [*GroupAdmin.list_display, "middle_group"]
    list_filter = ["middle_group__major_group"]
    autocomplete_fields = ["middle_group"]
    child_relation = "occupations"


# --- Occupations ------------------------------------------------------------------------------


class TaskInline(TabularInline):
    model = OccupationTask
    extra = 0
    fields = ["position", "text_zh", "text_en"]


class AlternateTitleInline(TabularInline):
    model = AlternateTitle
    extra = 0
    autocomplete_fields = ["source"]


class JobTypeInline(TabularInline):
    model = JobType
    extra = 0
    fields = ["position", "name_zh", "name_en", "announcement", "source"]
    autocomplete_fields = ["announcement", "source"]


class QuoteOccupationInline(TabularInline):
    model = Quote.occupations.through
    extra = 0
    autocomplete_fields = ["quote"]
    verbose_name = _("quote about this occupation")
    verbose_name_plural = _("quotes about this occupation")


class FigureOccupationInline(TabularInline):
    model = Figure.occupations.through
    extra = 0
    autocomplete_fields = ["figure"]
    verbose_name = _("figure about this occupation")
    verbose_name_plural = _("figures about this occupation")


class SkillStandardInline(TabularInline):
    model = SkillStandard
    extra = 0
    fields = ["title", "edition", "number", "issuing_body", "issued_on"]
    show_change_link = True


class MissingEnglishNameFilter(admin.SimpleListFilter):
    title = _("English name")
    parameter_name = "name_en"

    def lookups(self, request, model_admin):
        return [("missing", _("missing")), ("present", _("present"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(name_en="")
        if self.value() == "present":
            return queryset.exclude(name_en="")
        return queryset


class DataIssueFilter(admin.SimpleListFilter):
    title = _("data issue")
    parameter_name = "data_issue"

    def lookups(self, request, model_admin):
        return DataIssue.choices

    def queryset(self, request, queryset):
        if self.value() in DataIssue.values:
            return queryset.filter(data_issues__contains=[self.value()])
        return queryset


class StatusMessageMixin:
    def _report(self, request, changed: int, total: int, done: str):
        self.message_user(
            request,
            ngettext(
                "%(changed)d of %(total)d occupation %(done)s.",
                "%(changed)d of %(total)d occupations %(done)s.",
                total,
            )
            % {"changed": changed, "total": total, "done": done},
            messages.SUCCESS,
        )


@admin.register(Occupation)
class OccupationAdmin(CuratedFieldsMixin, StatusMessageMixin, CatalogueAdmin):
    import_owned_fields = [
        *imports.OCCUPATION_OWNED_FIELDS,
        *imports.OCCUPATION_ANNOUNCEMENT_FIELDS,
    ]
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "is_digital",
        "is_green",
        "status",
        "announcement",
        "needs_review",
        "updated_at",
    ]
    list_display_links = ["code", "name_zh"]
    list_filter = [
        "status",
        "kind",
        "is_digital",
        "is_green",
        "needs_review",
        MissingEnglishNameFilter,
        DataIssueFilter,
        "record_origin",
        "announcement",
        "minor_group__middle_group__major_group",
    ]
    list_select_related = ["announcement"]
    search_fields = ["code", "name_zh", "name_en", "slug", "alternate_titles__title"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["minor_group", "announcement", "source", "related"]
    readonly_fields = ["name_pinyin", "created_at", "updated_at", "imported_at"]
    actions = ["publish", "unpublish"]
    save_on_top = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "code",
                    "minor_group",
                    "name_zh",
                    "name_pinyin",
                    "name_en",
                    "slug",
                    "status",
                ]
            },
        ),
        (_("Definition"), {"fields": ["definition_zh", "definition_en"]}),
        (_("Flags"), {"fields": ["is_digital", "is_green"]}),
        (
            _("Provenance"),
            {
                "fields": [
                    "announcement",
                    "source",
                    "source_page",
                    "record_origin",
                    "origin_file",
                    "source_notes",
                    "imported_at",
                    "related",
                ]
            },
        ),
        (
            _("Curation"),
            {
                "fields": [
                    "needs_review",
                    "data_issues",
                    "curated_fields",
                    "curation_notes",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    inlines = [
        TaskInline,
        AlternateTitleInline,
        JobTypeInline,
        SkillStandardInline,
        QuoteOccupationInline,
        FigureOccupationInline,
    ]

    @admin.action(description=_("Publish selected occupations"), permissions=["change"])
    def publish(self, request, queryset):
        total = queryset.count()
        self._report(
            request, services.occupation_publish(occupations=queryset), total, _("published")
        )

    @admin.action(description=_("Unpublish selected occupations"), permissions=["change"])
    def unpublish(self, request, queryset):
        total = queryset.count()
        self._report(
            request, services.occupation_unpublish(occupations=queryset), total, _("unpublished")
        )


@admin.register(OccupationTask)
class OccupationTaskAdmin(CatalogueAdmin):
    list_display = ["__str__", "occupation", "position"]
    list_select_related = ["occupation"]
    search_fields = ["text_zh", "text_en", "occupation__name_zh"]
    autocomplete_fields = ["occupation"]


@admin.register(AlternateTitle)
class AlternateTitleAdmin(CatalogueAdmin):
    list_display = ["title", "language", "occupation", "source"]
    list_select_related = ["occupation", "source"]
    list_filter = ["language"]
    search_fields = ["title", "occupation__name_zh", "occupation__name_en"]
    autocomplete_fields = ["occupation", "source"]


@admin.register(JobType)
class JobTypeAdmin(CatalogueAdmin):
    list_display = ["name_zh", "name_en", "occupation", "announcement"]
    list_select_related = ["occupation", "announcement"]
    list_filter = ["announcement"]
    search_fields = ["name_zh", "name_en", "occupation__name_zh", "occupation__name_en"]
    autocomplete_fields = ["occupation", "announcement", "source"]


# --- Skill standards: standard → levels → functions → work contents → requirements -----------


class StandardLevelInline(TabularInline):
    model = StandardLevel
    extra = 0
    show_change_link = True


@admin.register(SkillStandard)
class SkillStandardAdmin(CatalogueAdmin):
    list_display = ["title", "occupation", "edition", "number", "issued_on", "level_count", "gaps"]
    list_select_related = ["occupation"]
    search_fields = ["title", "number", "occupation__name_zh", "occupation__name_en"]
    list_filter = ["issuing_body"]
    autocomplete_fields = ["occupation", "source", "text_source"]
    inlines = [StandardLevelInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(level_count=Count("levels"))

    @admin.display(description=_("levels"), ordering="level_count")
    def level_count(self, obj):
        return obj.level_count

    @admin.display(description=_("complete"), boolean=True)
    def gaps(self, obj):
        return not obj.missing


class FunctionInline(TabularInline):
    model = OccupationalFunction
    extra = 0
    show_change_link = True


@admin.register(StandardLevel)
class StandardLevelAdmin(CatalogueAdmin):
    list_display = ["__str__", "standard", "level"]
    list_select_related = ["standard"]
    list_filter = ["level"]
    search_fields = ["standard__title", "standard__occupation__name_zh"]
    autocomplete_fields = ["standard"]
    inlines = [FunctionInline]


class WorkContentInline(TabularInline):
    model = WorkContent
    extra = 0
    show_change_link = True


@admin.register(OccupationalFunction)
class OccupationalFunctionAdmin(CatalogueAdmin):
    list_display = ["name_zh", "name_en", "level", "position"]
    list_select_related = ["level__standard"]
    search_fields = ["name_zh", "name_en"]
    autocomplete_fields = ["level"]
    inlines = [WorkContentInline]


class RequirementInline(TabularInline):
    model = Requirement
    extra = 0


@admin.register(WorkContent)
class WorkContentAdmin(CatalogueAdmin):
    list_display = ["name_zh", "name_en", "function", "position"]
    list_select_related = ["function"]
    search_fields = ["name_zh", "name_en"]
    autocomplete_fields = ["function"]
    inlines = [RequirementInline]


@admin.register(Requirement)
class RequirementAdmin(CatalogueAdmin):
    list_display = ["text_zh", "kind", "work_content", "position"]
    list_select_related = ["work_content"]
    list_filter = ["kind"]
    search_fields = ["text_zh", "text_en"]
    autocomplete_fields = ["work_content"]


# --- Announcements, sources, quotes, figures --------------------------------------------------


@admin.register(Announcement)
class AnnouncementAdmin(CuratedFieldsMixin, CatalogueAdmin):
    import_owned_fields = imports.ANNOUNCEMENT_OWNED_FIELDS
    list_display = [
        "label",
        "batch_number",
        "date_display",
        "issuing_body",
        "occupation_count",
        "data_issues",
    ]
    search_fields = ["label", "title", "document_number"]
    prepopulated_fields = {"key": ["label"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(occupation_count=Count("occupations"))

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, obj):
        return obj.date_display

    @admin.display(description=_("occupations"), ordering="occupation_count")
    def occupation_count(self, obj):
        return obj.occupation_count


class QuoteInline(StackedInline):
    model = Quote
    extra = 0
    fields = [
        "position",
        "text",
        "corrected_text",
        "correction_note",
        "speaker_name",
        "speaker_role",
        "speaker_organisation",
        "occupations",
    ]
    autocomplete_fields = ["occupations"]


@admin.register(Source)
class SourceAdmin(CatalogueAdmin):
    list_display = ["title", "kind", "publisher", "published_on", "language", "quote_count"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "publisher", "key"]
    prepopulated_fields = {"key": ["title"]}
    inlines = [QuoteInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(quote_count=Count("quote"))

    @admin.display(description=_("quotes"), ordering="quote_count")
    def quote_count(self, obj):
        return obj.quote_count


@admin.register(Quote)
class QuoteAdmin(CatalogueAdmin):
    list_display = ["speaker_name", "short_text", "source", "position", "corrected"]
    list_select_related = ["source"]
    list_filter = ["source", "speaker_name"]
    search_fields = ["text", "speaker_name", "speaker_organisation"]
    autocomplete_fields = ["source", "occupations"]

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return obj.text[:80]

    @admin.display(description=_("corrected reading"), boolean=True)
    def corrected(self, obj):
        return bool(obj.corrected_text)


@admin.register(Figure)
class FigureAdmin(CatalogueAdmin):
    list_display = ["__str__", "place", "as_of", "source", "featured"]
    list_editable = ["featured"]
    list_select_related = ["source"]
    list_filter = ["featured", "source"]
    search_fields = ["counts", "excerpt", "place"]
    autocomplete_fields = ["source", "occupations"]
