from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import imports, services, translations
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
    ReviewStatus,
    SkillStandard,
    Source,
    StandardLevel,
    TextOrigin,
    WorkContent,
)

# --- Classification ---------------------------------------------------------------------------


class OccupationAdminForm(forms.ModelForm):
    """Optimistic locking: the form carries the revision it was opened at, and saving is
    refused when someone else (a curator or an import) has saved the occupation since."""

    opened_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Occupation
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_revision"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # Locked until the admin's transaction ends: a second save waits, then sees ours.
        current = (
            Occupation.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("revision", flat=True)
            .first()
        )
        if cleaned.get("opened_revision") != current:
            raise forms.ValidationError(
                _(
                    "Someone else saved this occupation after you opened it, so your changes "
                    "were not saved. Open it again to see theirs, then make yours."
                ),
                code="stale",
            )
        return cleaned


class CuratedFieldsMixin:
    """Remember which import-owned fields a curator changed, so imports leave them alone, and
    make English a curator writes the curator's (see translations.curator_edited_english)."""

    import_owned_fields: list[str] = []
    english_fields: list[str] = []

    def save_model(self, request, obj, form, change):
        curated = [name for name in form.changed_data if name in self.import_owned_fields]
        if change and curated:
            obj.curated_fields = sorted({*obj.curated_fields, *curated})
        translations.curator_edited_english(obj, form.changed_data, self.english_fields)
        super().save_model(request, obj, form, change)


class CuratedEnglishInlinesMixin:
    """English a curator writes in an inline (tasks, job types) becomes the curator's."""

    inline_english_fields = {OccupationTask: ["text_en"], JobType: ["name_en"]}

    def save_formset(self, request, form, formset, change):
        english = self.inline_english_fields.get(formset.model, [])
        for inline_form in formset.forms:
            if english and inline_form.has_changed() and inline_form not in formset.deleted_forms:
                translations.curator_edited_english(
                    inline_form.instance, inline_form.changed_data, english
                )
        super().save_formset(request, form, formset, change)


class TranslationStatusFilter(admin.SimpleListFilter):
    """Records by the state of their English: none, a translation to review, a reviewed one,
    or English a source gives. A record is listed when any of its texts is in that state."""

    title = _("translation")
    parameter_name = "translation"
    # Each English field, with the condition under which the record needs it.
    texts: list[tuple[str, Q | None]] = [("name_en", None)]

    def lookups(self, request, model_admin):
        return [
            ("untranslated", _("untranslated")),
            ("unreviewed", _("translated, unreviewed")),
            ("reviewed", _("translated, reviewed")),
            ("sourced", _("English from a source")),
        ]

    def _condition(self, field: str, needed: Q | None, value: str) -> Q:
        present = ~Q(**{field: ""})
        translated = Q(
            **{f"{field}_origin__in": [TextOrigin.CATALOGUE_TRANSLATION, TextOrigin.CURATOR]}
        )
        review = Q(**{f"{field}_review": ReviewStatus.REVIEWED})
        return {
            "untranslated": Q(**{field: ""}) & (needed if needed is not None else Q()),
            "unreviewed": present & translated & ~review,
            "reviewed": present & translated & review,
            "sourced": present & ~translated & ~Q(**{f"{field}_origin": ""}),
        }[value]

    def queryset(self, request, queryset):
        if self.value() not in {value for value, _ in self.lookup_choices}:
            return queryset
        condition = Q(pk__in=[])
        for field, needed in self.texts:
            condition |= self._condition(field, needed, self.value())
        return queryset.filter(condition)


class OccupationTranslationFilter(TranslationStatusFilter):
    texts = [("name_en", None), ("definition_en", ~Q(definition_zh=""))]


class ReviewedTranslationsForm(forms.Form):
    MAX_BYTES = 20 * 1024 * 1024

    kind = forms.ChoiceField(
        label=_("What the file holds"),
        required=False,
        choices=[
            ("", _("tell from the file name")),
            *((kind.name, kind.file) for kind in translations.KINDS.values()),
        ],
    )
    file = forms.FileField(label=_("Reviewed CSV file"))

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > self.MAX_BYTES:
            self.add_error("file", _("The file is larger than 20 MB."))
        kind = translations.KINDS.get(cleaned.get("kind") or "") or translations.kind_for_file(
            upload.name
        )
        if kind is None:
            self.add_error(
                "kind",
                _("Say what the file holds: its name does not begin with one of the file names."),
            )
        cleaned["text_kind"] = kind
        return cleaned


class TranslationsAdminMixin:
    """The curators' round trip on the occupation and group lists: a CSV of everything
    untranslated or unreviewed, one file per kind of text in the format of data/translations,
    and an upload of a reviewed file."""

    change_list_template = "admin/catalogue/translations_change_list.html"
    # The models each kind of text writes: viewing or changing it needs their permissions.
    KIND_MODELS = {
        "occupation_names": ["occupation"],
        "occupation_definitions": ["occupation"],
        "group_names": ["majorgroup", "middlegroup", "minorgroup"],
        "task_texts": ["occupationtask"],
        "job_type_names": ["jobtype"],
    }

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "translations/",
                self.admin_site.admin_view(self.translations_view),
                name=f"{prefix}_translations",
            ),
            path(
                "translations/<str:kind>.csv",
                self.admin_site.admin_view(self.translations_export),
                name=f"{prefix}_translations_export",
            ),
            *super().get_urls(),
        ]

    def _allowed(self, request, kind, action: str) -> bool:
        return request.user.has_perms(
            [f"catalogue.{action}_{model}" for model in self.KIND_MODELS[kind.name]]
        )

    def translations_export(self, request, kind):
        text_kind = translations.KINDS.get(kind)
        if text_kind is None or not self._allowed(request, text_kind, "view"):
            raise PermissionDenied
        lines = translations.write_csv(text_kind.columns, translations.export_rows(text_kind))
        response = StreamingHttpResponse(_with_bom(lines), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{text_kind.name}-to-review.csv"'
        return response

    def translations_view(self, request):
        errors = []
        if request.method == "POST":
            form = ReviewedTranslationsForm(request.POST, request.FILES)
            if form.is_valid():
                kind = form.cleaned_data["text_kind"]
                if not self._allowed(request, kind, "change"):
                    raise PermissionDenied
                upload = form.cleaned_data["file"]
                try:
                    result = translations.review_import(
                        kind=kind, name=upload.name, content=upload.read(), user=request.user
                    )
                except translations.ReviewFileError as error:
                    errors = [str(problem) for problem in error.errors]
                else:
                    self._report_review(request, result)
                    return redirect(request.path)
        else:
            form = ReviewedTranslationsForm()
        export = f"admin:{self.opts.app_label}_{self.opts.model_name}_translations_export"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Translations to review"),
            "form": form,
            "errors": errors,
            "downloads": [
                (kind, reverse(export, args=[kind.name]))
                for kind in translations.KINDS.values()
                if self._allowed(request, kind, "view")
            ],
        }
        return TemplateResponse(request, "admin/catalogue/translations.html", context)

    def _report_review(self, request, result) -> None:
        self.message_user(
            request,
            _(
                "%(updated)d records updated, %(unchanged)d unchanged, %(empty)d rows without "
                "English left as they were."
            )
            % {
                "updated": result.updated,
                "unchanged": result.unchanged,
                "empty": result.without_english,
            },
            messages.SUCCESS,
        )
        if result.refused:
            self.message_user(
                request,
                _("Refused as stale (the record's Chinese has changed since the export): %s")
                % "; ".join(result.refused),
                messages.WARNING,
            )


def _with_bom(lines):
    # A byte-order mark, so that Excel reads the Chinese as UTF-8; the import skips it.
    yield "\ufeff"
    yield from lines


class GroupAdmin(TranslationsAdminMixin, CuratedFieldsMixin, SimpleHistoryAdmin):
    import_owned_fields = imports.GROUP_OWNED_FIELDS
    english_fields = ["name_en"]
    list_display = ["code", "name_zh", "name_en", "name_en_review", "child_count"]
    list_filter = [TranslationStatusFilter]
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
    list_filter = [TranslationStatusFilter, "major_group"]
    autocomplete_fields = ["major_group"]
    child_relation = "minor_groups"


@admin.register(MinorGroup)
class MinorGroupAdmin(GroupAdmin):
    list_display = [*GroupAdmin.list_display, "middle_group"]
    list_filter = [TranslationStatusFilter, "middle_group__major_group"]
    autocomplete_fields = ["middle_group"]
    child_relation = "occupations"


# --- Occupations ------------------------------------------------------------------------------


class TaskInline(admin.TabularInline):
    model = OccupationTask
    extra = 0
    fields = [
        "position",
        "text_zh",
        "text_en",
        "text_en_origin",
        "text_en_review",
        "source",
        "note",
    ]
    autocomplete_fields = ["source"]


class AlternateTitleInline(admin.TabularInline):
    model = AlternateTitle
    extra = 0
    fields = ["title", "language", "kind", "source", "note"]
    autocomplete_fields = ["source"]


class JobTypeInline(admin.TabularInline):
    model = JobType
    extra = 0
    fields = [
        "position",
        "name_zh",
        "name_en",
        "name_en_origin",
        "name_en_review",
        "code_in_source",
        "announcement",
        "source",
        "note",
    ]
    autocomplete_fields = ["announcement", "source"]


class QuoteOccupationInline(admin.TabularInline):
    model = Quote.occupations.through
    extra = 0
    autocomplete_fields = ["quote"]
    verbose_name = _("quote about this occupation")
    verbose_name_plural = _("quotes about this occupation")


class FigureOccupationInline(admin.TabularInline):
    model = Figure.occupations.through
    extra = 0
    autocomplete_fields = ["figure"]
    verbose_name = _("figure about this occupation")
    verbose_name_plural = _("figures about this occupation")


class SkillStandardInline(admin.TabularInline):
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
class OccupationAdmin(
    TranslationsAdminMixin,
    CuratedEnglishInlinesMixin,
    CuratedFieldsMixin,
    StatusMessageMixin,
    SimpleHistoryAdmin,
):
    form = OccupationAdminForm
    english_fields = ["name_en", "definition_en"]
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
        OccupationTranslationFilter,
        MissingEnglishNameFilter,
        DataIssueFilter,
        "record_origin",
        "announcement",
        "minor_group__middle_group__major_group",
    ]
    list_select_related = ["announcement"]
    search_fields = ["code", "name_zh", "name_en", "slug", "alternate_titles__title"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["minor_group", "announcement", "source", "definition_source", "related"]
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
                    "name_zh_origin",
                    "name_pinyin",
                    "name_en",
                    "name_en_origin",
                    "name_en_review",
                    "slug",
                    "status",
                    "opened_revision",
                ]
            },
        ),
        (
            _("Definition"),
            {
                "fields": [
                    "definition_zh",
                    "definition_source",
                    "definition_en",
                    "definition_en_origin",
                    "definition_en_review",
                ]
            },
        ),
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
class OccupationTaskAdmin(CuratedFieldsMixin, SimpleHistoryAdmin):
    english_fields = ["text_en"]
    list_display = ["__str__", "occupation", "position"]
    list_select_related = ["occupation"]
    search_fields = ["text_zh", "text_en", "occupation__name_zh"]
    autocomplete_fields = ["occupation"]


@admin.register(AlternateTitle)
class AlternateTitleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "language", "occupation", "source"]
    list_select_related = ["occupation", "source"]
    list_filter = ["language"]
    search_fields = ["title", "occupation__name_zh", "occupation__name_en"]
    autocomplete_fields = ["occupation", "source"]


@admin.register(JobType)
class JobTypeAdmin(CuratedFieldsMixin, SimpleHistoryAdmin):
    english_fields = ["name_en"]
    list_display = ["name_zh", "name_en", "occupation", "announcement"]
    list_select_related = ["occupation", "announcement"]
    list_filter = ["announcement"]
    search_fields = ["name_zh", "name_en", "occupation__name_zh", "occupation__name_en"]
    autocomplete_fields = ["occupation", "announcement", "source"]


# --- Skill standards: standard → levels → functions → work contents → requirements -----------


class StandardLevelInline(admin.TabularInline):
    model = StandardLevel
    extra = 0
    show_change_link = True


@admin.register(SkillStandard)
class SkillStandardAdmin(SimpleHistoryAdmin):
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


class FunctionInline(admin.TabularInline):
    model = OccupationalFunction
    extra = 0
    show_change_link = True


@admin.register(StandardLevel)
class StandardLevelAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "standard", "level"]
    list_select_related = ["standard"]
    list_filter = ["level"]
    search_fields = ["standard__title", "standard__occupation__name_zh"]
    autocomplete_fields = ["standard"]
    inlines = [FunctionInline]


class WorkContentInline(admin.TabularInline):
    model = WorkContent
    extra = 0
    show_change_link = True


@admin.register(OccupationalFunction)
class OccupationalFunctionAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "name_en", "level", "position"]
    list_select_related = ["level__standard"]
    search_fields = ["name_zh", "name_en"]
    autocomplete_fields = ["level"]
    inlines = [WorkContentInline]


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 0


@admin.register(WorkContent)
class WorkContentAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "name_en", "function", "position"]
    list_select_related = ["function"]
    search_fields = ["name_zh", "name_en"]
    autocomplete_fields = ["function"]
    inlines = [RequirementInline]


@admin.register(Requirement)
class RequirementAdmin(SimpleHistoryAdmin):
    list_display = ["text_zh", "kind", "work_content", "position"]
    list_select_related = ["work_content"]
    list_filter = ["kind"]
    search_fields = ["text_zh", "text_en"]
    autocomplete_fields = ["work_content"]


# --- Announcements, sources, quotes, figures --------------------------------------------------


@admin.register(Announcement)
class AnnouncementAdmin(CuratedFieldsMixin, SimpleHistoryAdmin):
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


class QuoteInline(admin.StackedInline):
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
class SourceAdmin(SimpleHistoryAdmin):
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
class QuoteAdmin(SimpleHistoryAdmin):
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
class FigureAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "place", "as_of", "source", "featured"]
    list_editable = ["featured"]
    list_select_related = ["source"]
    list_filter = ["featured", "source"]
    search_fields = ["counts", "excerpt", "place"]
    autocomplete_fields = ["source", "occupations"]
