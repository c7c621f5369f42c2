from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import imports, imports_standards, record_imports, services, translations
from .models import (
    AlternateTitle,
    Announcement,
    DataIssue,
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
    ReviewStatus,
    Revisioned,
    SearchSynonym,
    SkillStandard,
    Source,
    StandardLevel,
    TextOrigin,
    WorkContent,
)
from .outline_paste import parse_pasted_outline, standard_outline_paste

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

    # The same for an occupation's imported tasks, titles and job types, edited inline.
    child_owned_fields = {
        OccupationTask: record_imports.TASK_OWNED_FIELDS,
        AlternateTitle: record_imports.JOB_AD_TITLE_OWNED_FIELDS,
        JobType: record_imports.JOB_TYPE_OWNED_FIELDS,
    }

    def save_formset(self, request, form, formset, change):
        owned = self.child_owned_fields.get(formset.model, [])
        for inline in formset.forms:
            curated = [name for name in inline.changed_data if name in owned]
            if inline.instance.pk is not None and curated:
                inline.instance.curated_fields = sorted({*inline.instance.curated_fields, *curated})
        super().save_formset(request, form, formset, change)


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


class GroupAdmin(TranslationsAdminMixin, CuratedFieldsMixin, CatalogueAdmin):
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


class TaskInline(TabularInline):
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


class AlternateTitleInline(TabularInline):
    model = AlternateTitle
    extra = 0
    fields = ["title", "language", "kind", "source", "note"]
    autocomplete_fields = ["source"]


class JobTypeInline(TabularInline):
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
    fields = ["title", "issued_on", "document_number", "code_in_standard", "match_method"]
    readonly_fields = ["match_method"]
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
    CatalogueAdmin,
):
    english_fields = ["name_en", "definition_en"]
    import_owned_fields = sorted(
        {
            *imports.OCCUPATION_OWNED_FIELDS,
            *imports.OCCUPATION_ANNOUNCEMENT_FIELDS,
            *record_imports.FINAL_DEFINITION_FIELDS,
            *record_imports.FINAL_ADDITION_OWNED_FIELDS,
            *record_imports.PROPOSED_OWNED_FIELDS,
        }
    )
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
class OccupationTaskAdmin(CuratedFieldsMixin, CatalogueAdmin):
    english_fields = ["text_en"]
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
class JobTypeAdmin(CuratedFieldsMixin, CatalogueAdmin):
    english_fields = ["name_en"]
    list_display = ["name_zh", "name_en", "occupation", "announcement"]
    list_select_related = ["occupation", "announcement"]
    list_filter = ["announcement"]
    search_fields = ["name_zh", "name_en", "occupation__name_zh", "occupation__name_en"]
    autocomplete_fields = ["occupation", "announcement", "source"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(CatalogueAdmin):
    list_display = ["term", "language", "occupation", "reason"]
    list_select_related = ["occupation"]
    list_filter = ["language"]
    search_fields = ["term", "reason", "occupation__name_zh", "occupation__name_en"]
    autocomplete_fields = ["occupation"]


# --- Skill standards: standard → levels → functions → work contents → requirements -----------


class StandardLevelInline(TabularInline):
    model = StandardLevel
    extra = 0
    fields = ["scheme", "level", "content_status", "content_source", "outline"]
    readonly_fields = ["outline"]
    show_change_link = True

    @admin.display(description=_("outline"))
    def outline(self, obj):
        if obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:catalogue_standardlevel_outline", args=[obj.pk]),
            _("Edit this level's outline"),
        )


class LinkedFilter(admin.SimpleListFilter):
    title = _("occupation")
    parameter_name = "linked"

    def lookups(self, request, model_admin):
        return [("no", _("matched to no occupation")), ("yes", _("linked to an occupation"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(occupation__isnull=True)
        if self.value() == "yes":
            return queryset.filter(occupation__isnull=False)
        return queryset


class PasteForm(forms.Form):
    text = forms.CharField(
        label=_("Work requirements (工作要求) as copied from the standard's PDF"),
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "lang": "zh-Hans"}),
        help_text=_(
            "One or more levels, each under its heading (e.g. 3.1 五级/初级工): functions "
            "numbered 1, 2 …, work contents 1.1, 1.2 …, and their items 1.1.1 … — the skill "
            "column's, then the knowledge column's, numbered from 1.1.1 again. Lines without "
            "a number continue the line before."
        ),
    )


class SkillStandardAdminForm(forms.ModelForm):
    class Meta:
        model = SkillStandard
        fields = "__all__"  # noqa: DJ007 - the admin chooses what is shown

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and "occupation" in self.changed_data:
            # A curator's link or unlink says so, before the model's constraints are checked.
            linked = services.skill_standard_link(
                standard=SkillStandard(curated_fields=list(self.instance.curated_fields)),
                occupation=cleaned.get("occupation"),
                save=False,
            )
            for name in ("match_method", "unmatched_reason", "curated_fields"):
                cleaned[name] = getattr(linked, name)
        return cleaned


@admin.register(SkillStandard)
class SkillStandardAdmin(CuratedFieldsMixin, CatalogueAdmin):
    form = SkillStandardAdminForm
    import_owned_fields = [
        *imports_standards.STANDARD_OWNED_FIELDS,
        *imports_standards.STANDARD_WEIGHT_FIELDS,
        "text_source",
    ]
    change_form_template = "admin/catalogue/skillstandard/change_form.html"
    list_display = [
        "title",
        "occupation",
        "code_in_standard",
        "issued_on",
        "document_number",
        "match_method",
        "reason",
        "level_count",
    ]
    list_select_related = ["occupation"]
    search_fields = [
        "title",
        "document_number",
        "code_in_standard",
        "occupation__name_zh",
        "occupation__name_en",
        "occupation__code",
    ]
    list_filter = [LinkedFilter, "match_method"]
    autocomplete_fields = ["occupation", "source", "text_source", "weights_source"]
    inlines = [StandardLevelInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(level_count=Count("levels"))

    @admin.display(description=_("levels"), ordering="level_count")
    def level_count(self, obj):
        return obj.level_count

    @admin.display(description=_("why unmatched"))
    def reason(self, obj):
        return obj.unmatched_reason[:120]

    def get_urls(self):
        return [
            path(
                "<int:pk>/paste/",
                self.admin_site.admin_view(self.paste_view),
                name="catalogue_skillstandard_paste",
            ),
            *super().get_urls(),
        ]

    def paste_view(self, request, pk):
        """Paste a standard's 工作要求: preview with every problem by line, then save."""
        standard = get_object_or_404(SkillStandard, pk=pk)
        if not self.has_change_permission(request, standard):
            raise PermissionDenied
        form = PasteForm(request.POST or None)
        parsed = None
        existing = {}
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["text"]
            if "save" in request.POST:
                parsed = standard_outline_paste(standard=standard, text=text, user=request.user)
                if parsed.ok:
                    self.message_user(
                        request,
                        ngettext(
                            "Saved the outline of %(count)d level.",
                            "Saved the outlines of %(count)d levels.",
                            len(parsed.levels),
                        )
                        % {"count": len(parsed.levels)},
                        messages.SUCCESS,
                    )
                    return redirect("admin:catalogue_skillstandard_change", standard.pk)
                self.message_user(
                    request, _("Nothing was saved: the text has problems."), messages.ERROR
                )
            else:
                parsed = parse_pasted_outline(text)
            existing = {
                lv.key: lv.item_count
                for lv in StandardLevel.objects.filter(standard=standard).annotate(
                    item_count=Count("functions__work_contents__requirements")
                )
            }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": standard,
            "title": _("Paste work requirements: %(standard)s") % {"standard": standard},
            "form": form,
            "parsed": parsed,
            "replaced": [
                (lv, existing[lv.key])
                for lv in (parsed.levels if parsed else [])
                if existing.get(lv.key)
            ],
        }
        return TemplateResponse(request, "admin/catalogue/skillstandard/paste.html", context)


class OutlineFunctionForm(forms.ModelForm):
    class Meta:
        model = OccupationalFunction
        fields = ["position", "number", "name_zh", "name_en"]


class OutlineContentForm(forms.ModelForm):
    class Meta:
        model = WorkContent
        fields = ["function", "position", "number", "name_zh", "name_en"]


class OutlineRequirementForm(forms.ModelForm):
    class Meta:
        model = Requirement
        fields = [
            "work_content",
            "kind",
            "position",
            "number",
            "text_zh",
            "text_en",
            "structure_ok",
            "note",
        ]
        widgets = {
            "text_zh": forms.Textarea(attrs={"rows": 2, "cols": 40, "lang": "zh-Hans"}),
            "text_en": forms.Textarea(attrs={"rows": 2, "cols": 40, "lang": "en"}),
            "note": forms.Textarea(attrs={"rows": 2, "cols": 24}),
        }


def outline_formsets(level, data=None):
    """The level's functions, work contents and items as three formsets of one page, each
    choice limited to this level."""
    functions = OccupationalFunction.objects.filter(level=level)
    contents = WorkContent.objects.filter(function__level=level).select_related("function")
    items = Requirement.objects.filter(work_content__function__level=level).select_related(
        "work_content"
    )
    FunctionFormSet = forms.modelformset_factory(
        OccupationalFunction, form=OutlineFunctionForm, extra=1, can_delete=True
    )
    ContentFormSet = forms.modelformset_factory(
        WorkContent, form=OutlineContentForm, extra=1, can_delete=True
    )
    RequirementFormSet = forms.modelformset_factory(
        Requirement, form=OutlineRequirementForm, extra=2, can_delete=True
    )
    formsets = {
        "functions": FunctionFormSet(data, queryset=functions, prefix="functions"),
        "contents": ContentFormSet(data, queryset=contents, prefix="contents"),
        "requirements": RequirementFormSet(data, queryset=items, prefix="items"),
    }
    function_choices = list(functions)
    content_choices = list(contents)
    for form in formsets["contents"].forms:
        form.fields["function"].queryset = functions
        form.fields["function"].choices = [("", "---------")] + [
            (f.pk, str(f)) for f in function_choices
        ]
    for form in formsets["requirements"].forms:
        form.fields["work_content"].queryset = contents
        form.fields["work_content"].choices = [("", "---------")] + [
            (c.pk, str(c)) for c in content_choices
        ]
    return formsets


@admin.register(StandardLevel)
class StandardLevelAdmin(CatalogueAdmin):
    list_display = ["__str__", "standard", "scheme", "level", "content_status", "outline"]
    list_select_related = ["standard"]
    list_filter = ["scheme", "level", "content_status"]
    search_fields = ["standard__title", "standard__occupation__name_zh"]
    autocomplete_fields = ["standard"]
    inlines = []

    @admin.display(description=_("outline"))
    def outline(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:catalogue_standardlevel_outline", args=[obj.pk]),
            _("Edit this level's outline"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/outline/",
                self.admin_site.admin_view(self.outline_view),
                name="catalogue_standardlevel_outline",
            ),
            *super().get_urls(),
        ]

    def outline_view(self, request, pk):
        """A level's whole outline on one page: functions, work contents and items."""
        level = get_object_or_404(StandardLevel.objects.select_related("standard"), pk=pk)
        if not self.has_change_permission(request, level):
            raise PermissionDenied
        formsets = outline_formsets(level, request.POST or None)
        if request.method == "POST" and all(f.is_valid() for f in formsets.values()):
            changed = services.standard_level_outline_save(
                level=level,
                functions=formsets["functions"],
                contents=formsets["contents"],
                items=formsets["requirements"],
            )
            self.message_user(
                request,
                _("The outline was saved.") if changed else _("Nothing was changed."),
                messages.SUCCESS,
            )
            return redirect("admin:catalogue_standardlevel_outline", level.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": level,
            "title": _("Outline of %(level)s") % {"level": level},
            "formsets": formsets,
            "media": sum((f.media for f in formsets.values()), forms.Media()),
        }
        return TemplateResponse(request, "admin/catalogue/standardlevel/outline.html", context)


@admin.register(FunctionWeight)
class FunctionWeightAdmin(CatalogueAdmin):
    list_display = ["function_zh", "function_en", "weight_pct", "level", "has_artefacts"]
    list_select_related = ["level__standard"]
    list_filter = ["has_artefacts"]
    search_fields = ["function_zh", "function_en", "level__standard__title"]
    autocomplete_fields = ["level"]


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
    list_display = ["text_zh", "kind", "number", "structure_ok", "work_content", "position"]
    list_select_related = ["work_content"]
    list_filter = ["kind", "structure_ok"]
    search_fields = ["text_zh", "text_en", "note"]
    autocomplete_fields = ["work_content"]


# --- Announcements, sources, quotes, figures --------------------------------------------------


@admin.register(Announcement)
class AnnouncementAdmin(CuratedFieldsMixin, CatalogueAdmin):
    import_owned_fields = sorted(
        {*imports.ANNOUNCEMENT_OWNED_FIELDS, *record_imports.ANNOUNCEMENT_DOCUMENT_FIELDS}
    )
    list_display = [
        "label",
        "batch_number",
        "status",
        "document_number",
        "date_display",
        "issuing_body",
        "occupation_count",
        "data_issues",
    ]
    search_fields = ["label", "title", "document_number"]
    prepopulated_fields = {"key": ["label"]}
    autocomplete_fields = ["source"]

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
