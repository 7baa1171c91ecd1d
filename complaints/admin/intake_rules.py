"""The intake rules in the admin: emergency phrases (project managers keep their
properties' own, head office those for every property) with a page to test a sentence
against a property's phrases; the category keyword tables and how often intake's
suggestion was kept."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from buildings.models import Property
from complaints.emergency import emergency_phrase_match
from complaints.models import CategoryKeyword, EmergencyPhrase
from complaints.services.intake_rules import (
    category_keyword_save,
    category_keywords_delete,
    emergency_phrase_save,
    emergency_phrases_delete,
)
from complaints.suggestions import suggestion_accuracy
from staff.admin_scope import PropertyScopedAdmin, ScopedAdmin
from staff.selectors import scoped_to_properties


class PhraseTestForm(forms.Form):
    property = forms.ModelChoiceField(
        label=gettext_lazy("Property"),
        queryset=Property.objects.none(),
        required=False,
        empty_label=gettext_lazy("(phrases for every property only)"),
    )
    sentence = forms.CharField(
        label=gettext_lazy("Sentence"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["property"].queryset = scoped_to_properties(Property.objects.all(), user)


@admin.register(EmergencyPhrase)
class EmergencyPhraseAdmin(PropertyScopedAdmin):
    list_display = ["phrase", "language", "scope", "is_active"]
    list_filter = ["language", "is_active", ("property", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("property",)
    search_fields = ["phrase"]
    fields = ["phrase", "language", "property", "is_active"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not request.user.is_superuser:
            # Phrases for every property are head office's.
            form.base_fields["property"].required = True
            form.base_fields["property"].empty_label = None
        return form

    @admin.display(description=gettext_lazy("property"), ordering="property__name")
    def scope(self, phrase: EmergencyPhrase):
        return phrase.property or _("All properties")

    def save_model(self, request, obj, form, change):
        emergency_phrase_save(actor=request.user, phrase=obj)

    def delete_model(self, request, obj):
        emergency_phrases_delete(actor=request.user, phrase_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        emergency_phrases_delete(
            actor=request.user, phrase_ids=list(queryset.values_list("pk", flat=True))
        )

    def get_urls(self):
        test = path(
            "test/",
            self.admin_site.admin_view(require_GET(self.test_view)),
            name="complaints_emergencyphrase_test",
        )
        return [test, *super().get_urls()]

    def test_view(self, request):
        """Which phrase a sentence matches for a property, as a filing there would."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PhraseTestForm(request.GET or None, user=request.user)
        result = None
        if form.is_valid():
            chosen = form.cleaned_data["property"]
            result = {
                "phrase": emergency_phrase_match(
                    form.cleaned_data["sentence"],
                    property_id=chosen.pk if chosen is not None else None,
                ),
                "property": chosen,
            }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Test a sentence against the emergency phrases"),
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/complaints/emergencyphrase/test.html", context)


@admin.register(CategoryKeyword)
class CategoryKeywordAdmin(ScopedAdmin):
    list_display = ["keyword", "language", "category", "weight"]
    list_filter = ["language", ("category", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("category__parent",)
    search_fields = ["keyword"]
    fields = ["category", "keyword", "language", "weight"]

    def save_model(self, request, obj, form, change):
        category_keyword_save(actor=request.user, keyword=obj)

    def delete_model(self, request, obj):
        category_keywords_delete(actor=request.user, keyword_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        category_keywords_delete(
            actor=request.user, keyword_ids=list(queryset.values_list("pk", flat=True))
        )

    def get_urls(self):
        accuracy = path(
            "accuracy/",
            self.admin_site.admin_view(require_GET(self.accuracy_view)),
            name="complaints_categorykeyword_accuracy",
        )
        return [accuracy, *super().get_urls()]

    def accuracy_view(self, request):
        """How often the agents kept the suggested category (and level and team), per
        month and suggested category, over the complaints the user may see: where a
        table's keywords mislead, its share drops."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("How often the suggestion was kept"),
            "rows": suggestion_accuracy(request.user),
        }
        return TemplateResponse(request, "admin/complaints/categorykeyword/accuracy.html", context)
