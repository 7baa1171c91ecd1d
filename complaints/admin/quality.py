"""Service quality in the admin (issue 16): reply scripts (project managers keep their
properties', head office the company-wide ones; a used script is retired, never
deleted) and the "write to the resident" form, quality inspections (scored by
supervisors, seen by them and the inspected team), corrective actions (answered by the
team leader, closed by a supervisor) and the case library (written from a closed
complaint's page, searchable by category and text)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buildings.models import Property
from complaints import clock, permissions, services
from complaints.admin.forms import ActionForm
from complaints.admin.history import HistoryAdmin
from complaints.exceptions import ComplaintError
from complaints.models import (
    SCRIPT_PLACEHOLDERS,
    Category,
    ComplaintMessage,
    CorrectiveAction,
    Inspection,
    ModelCase,
    ReplyScript,
)
from complaints.quality.personal_data import personal_data_refusal
from complaints.quality.sampling import draw_explanation
from complaints.quality.scripts import script_fill, script_fill_html, unknown_placeholders
from complaints.quality.selectors import (
    corrective_action_list_visible_to,
    corrective_actions_overdue,
    inspection_list_visible_to,
    model_cases_visible_to,
    reply_scripts_offered,
    reply_scripts_visible_to,
)
from staff.admin_scope import ScopedAdmin
from staff.selectors import scoped_to_properties, user_display_name


class ReplyScriptForm(forms.ModelForm):
    """Staff other than head office keep only their properties' scripts."""

    user = None

    class Meta:
        model = ReplyScript
        fields = [
            "title",
            "situation",
            "category",
            "property",
            "text_zh_hans",
            "text_en",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        for name in ("text_zh_hans", "text_en"):
            unknown = unknown_placeholders(data.get(name) or "")
            if unknown:
                self.add_error(
                    name,
                    _("Unknown placeholder %(names)s: use %(known)s.")
                    % {
                        "names": ", ".join(f"{{{item}}}" for item in unknown),
                        "known": ", ".join(f"{{{item}}}" for item in SCRIPT_PLACEHOLDERS),
                    },
                )
        return data

    def clean_property(self):
        value = self.cleaned_data.get("property")
        if value is None and not (self.user and self.user.is_superuser):
            raise forms.ValidationError(
                _("Choose the property: company-wide scripts are kept by head office.")
            )
        return value


@admin.register(ReplyScript)
class ReplyScriptAdmin(HistoryAdmin, ScopedAdmin):
    form = ReplyScriptForm
    list_display = ["title", "situation", "category", "scope", "is_active", "times_used"]
    list_filter = ["situation", "is_active", ("category", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("category", "property")
    search_fields = ["title", "text_zh_hans", "text_en"]
    fields = [
        "title",
        ("situation", "category"),
        "property",
        "text_zh_hans",
        "text_en",
        "is_active",
    ]
    history_list_display = ["is_active", "title"]

    def get_queryset(self, request):
        # An aggregate drops Meta.ordering: order again for the paginator.
        return (
            reply_scripts_visible_to(request.user)
            .annotate(used=Count("messages"))
            .order_by("situation", "title", "pk")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_actions(self, request):
        # A bulk delete would skip the "used scripts are retired" rule.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "property":
            kwargs["queryset"] = scoped_to_properties(Property.objects.all(), request.user)
        elif db_field.name == "category":
            kwargs["queryset"] = Category.objects.filter(is_active=True).select_related("parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return permissions.script_change_refusal(obj, request.user) is None

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return (
            self.has_change_permission(request, obj)
            and permissions.script_delete_refusal(obj, request.user) is None
        )

    @admin.display(description=gettext_lazy("for"))
    def scope(self, script: ReplyScript) -> str:
        return script.property.name if script.property_id else _("the whole company")

    @admin.display(description=gettext_lazy("times used"), ordering="used")
    def times_used(self, script: ReplyScript) -> int:
        return script.used


class ScriptSelect(forms.Select):
    """The script choice with a "Fill in" button: the page comes back with the chosen
    script filled into the message, to be edited before sending (no script needed)."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '{} <button type="submit" name="fill" value="1" class="button">{}</button>',
            super().render(name, value, attrs, renderer),
            _("Fill in"),
        )


class MessageForm(ActionForm):
    """Writing to the resident from the complaint page: pick one of the scripts the
    complaint offers (its category's or any category's, active), fill it in, edit it,
    send it (services.complaint_message_send)."""

    script = forms.ModelChoiceField(
        label=gettext_lazy("Reply script"),
        queryset=ReplyScript.objects.none(),
        required=False,
        widget=ScriptSelect,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=ComplaintMessage.Language.choices,
        initial=ComplaintMessage.Language.ZH_HANS,
    )
    body = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Left empty, the chosen script is sent as filled in."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offered = list(reply_scripts_offered(self.complaint))
        self.fields["script"].queryset = ReplyScript.objects.filter(
            pk__in=[script.pk for script in offered]
        )
        self.fields["script"].choices = [
            ("", "---------"),
            *((script.pk, str(script)) for script in offered),
        ]
        language = self.data.get("language") or ComplaintMessage.Language.ZH_HANS
        if language not in ComplaintMessage.Language.values:
            language = ComplaintMessage.Language.ZH_HANS
        if offered:
            self.fields["script"].help_text = format_html(
                '<ul class="pd-script-previews">{}</ul>',
                format_html_join(
                    "",
                    "<li><strong>{}</strong>: {}</li>",
                    (
                        (str(script), script_fill_html(script, self.complaint, language=language))
                        for script in offered
                    ),
                ),
            )

    def clean(self):
        data = super().clean()
        script = data.get("script")
        if self.data.get("fill") and script is not None:
            self.data = self.data.copy()
            self.data["body"] = script_fill(script, self.complaint, language=data["language"])
            raise forms.ValidationError(
                _("The script is filled in below: edit it if you like, then send it.")
            )
        return data


def _complaint_link(complaint):
    return format_html(
        '<a href="{}">{}</a>',
        reverse("admin:complaints_complaint_change", args=[complaint.pk]),
        complaint.reference,
    )


SCORE_FIELDS = ["response_time_score", "handling_score", "communication_score", "findings"]


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = SCORE_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in SCORE_FIELDS[:3]:
            if name in self.fields:
                self.fields[name].required = True


@admin.register(Inspection)
class InspectionAdmin(HistoryAdmin, ScopedAdmin):
    form = InspectionForm
    list_display = ["reference", "team", "month", "mean", "result", "inspector_name"]
    list_filter = ["month", "passed", ("team", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("complaint", "team__property", "inspector")
    search_fields = ["findings"]
    fields = [
        "reference",
        ("team", "month"),
        "how_drawn",
        ("response_time_score", "handling_score", "communication_score"),
        "findings",
        ("inspector_name", "scored_at", "result"),
        "corrective_action_link",
    ]
    readonly_fields = [
        "reference",
        "team",
        "month",
        "how_drawn",
        "inspector_name",
        "scored_at",
        "result",
        "corrective_action_link",
    ]
    history_list_display = ["passed", "inspector"]

    def get_queryset(self, request):
        return inspection_list_visible_to(request.user)

    def has_add_permission(self, request):
        return False  # drawn by the monthly job

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return permissions.inspection_score_refusal(obj, request.user) is None

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            return self.readonly_fields
        return [*self.readonly_fields, *SCORE_FIELDS]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            services.inspection_score(
                inspection_id=obj.pk,
                actor=request.user,
                response_time=data["response_time_score"],
                handling=data["handling_score"],
                communication=data["communication_score"],
                findings=data.get("findings", ""),
            )
        except ComplaintError as error:
            self.message_user(request, error.message, messages.ERROR)

    @admin.display(description=gettext_lazy("complaint"))
    def reference(self, inspection: Inspection):
        return _complaint_link(inspection.complaint)

    @admin.display(description=gettext_lazy("how the sample was drawn"))
    def how_drawn(self, inspection: Inspection) -> str:
        return draw_explanation(inspection.draw)

    @admin.display(description=gettext_lazy("mean score"))
    def mean(self, inspection: Inspection) -> str:
        mean = inspection.mean_score
        return "—" if mean is None else f"{mean:.1f}"

    @admin.display(description=gettext_lazy("result"), ordering="passed")
    def result(self, inspection: Inspection) -> str:
        if inspection.passed is None:
            return _("Not scored yet")
        return _("Passed") if inspection.passed else _("Failed")

    @admin.display(description=gettext_lazy("inspector"))
    def inspector_name(self, inspection: Inspection) -> str:
        return user_display_name(inspection.inspector) if inspection.inspector_id else "—"

    @admin.display(description=gettext_lazy("corrective action"))
    def corrective_action_link(self, inspection: Inspection):
        action = getattr(inspection, "corrective_action", None)
        if action is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:complaints_correctiveaction_change", args=[action.pk]),
            action.get_state_display(),
        )


ANSWER_FIELDS = ["accountability", "correction", "training"]


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("Overdue: not answered by the due time"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return corrective_actions_overdue(queryset, now=clock.now())
        return queryset


class CorrectiveActionForm(forms.ModelForm):
    close = forms.BooleanField(
        label=gettext_lazy("Close it: the answer is accepted"), required=False
    )

    class Meta:
        model = CorrectiveAction
        fields = [*ANSWER_FIELDS, "closing_note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ANSWER_FIELDS:
            if name in self.fields:
                self.fields[name].required = True


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(HistoryAdmin, ScopedAdmin):
    form = CorrectiveActionForm
    list_display = ["reference", "team", "leader_name", "state", "due_at", "overdue"]
    list_filter = [OverdueFilter, "state", ("team", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("inspection__complaint", "team__property", "leader")
    search_fields = ["accountability", "correction", "training"]
    readonly_fields = [
        "reference",
        "inspection_link",
        "team",
        "leader_name",
        "state",
        "opened_at",
        "due_at",
        "answered_at",
        "closed_at",
    ]
    history_list_display = ["state"]

    def get_queryset(self, request):
        return corrective_action_list_visible_to(request.user)

    def has_add_permission(self, request):
        return False  # opened by a failed inspection

    def has_delete_permission(self, request, obj=None):
        return False

    def _may_answer(self, request, obj) -> bool:
        return permissions.corrective_answer_refusal(obj, request.user) is None

    def _may_close(self, request, obj) -> bool:
        return permissions.corrective_close_refusal(obj, request.user) is None

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self._may_answer(request, obj) or self._may_close(request, obj)

    def get_fields(self, request, obj=None):
        fields = [*self.readonly_fields, *ANSWER_FIELDS]
        if obj is not None and (obj.state != obj.State.OPEN or self._may_close(request, obj)):
            fields.append("closing_note")
        if obj is not None and self._may_close(request, obj):
            fields.append("close")
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        if obj is None or not self._may_answer(request, obj):
            readonly += ANSWER_FIELDS
        if obj is None or not self._may_close(request, obj):
            readonly.append("closing_note")
        return readonly

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if self._may_answer(request, obj):
                services.corrective_action_answer(
                    action_id=obj.pk,
                    actor=request.user,
                    accountability=data["accountability"],
                    correction=data["correction"],
                    training=data["training"],
                )
            elif self._may_close(request, obj) and data.get("close"):
                services.corrective_action_close(
                    action_id=obj.pk, actor=request.user, note=data.get("closing_note", "")
                )
        except ComplaintError as error:
            self.message_user(request, error.message, messages.ERROR)

    @admin.display(description=gettext_lazy("complaint"))
    def reference(self, action: CorrectiveAction):
        return _complaint_link(action.inspection.complaint)

    @admin.display(description=gettext_lazy("inspection"))
    def inspection_link(self, action: CorrectiveAction):
        inspection = action.inspection
        return format_html(
            '<a href="{}">{}</a> · {}',
            reverse("admin:complaints_inspection_change", args=[inspection.pk]),
            f"{inspection.mean_score:.1f}" if inspection.mean_score is not None else "—",
            inspection.findings,
        )

    @admin.display(description=gettext_lazy("team leader"))
    def leader_name(self, action: CorrectiveAction) -> str:
        return user_display_name(action.leader) if action.leader_id else "—"

    @admin.display(description=gettext_lazy("overdue"), boolean=True)
    def overdue(self, action: CorrectiveAction) -> bool:
        return action.state == action.State.OPEN and action.due_at < clock.now()


class CaseForm(ActionForm):
    """Marking a closed complaint as a model case (services.model_case_write)."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    what_happened = forms.CharField(
        label=gettext_lazy("What happened"), widget=forms.Textarea(attrs={"rows": 3})
    )
    what_fixed_it = forms.CharField(
        label=gettext_lazy("What fixed it"), widget=forms.Textarea(attrs={"rows": 3})
    )
    what_to_avoid = forms.CharField(
        label=gettext_lazy("What to avoid"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("No names, phone numbers or unit numbers: they are refused."),
    )


class ModelCaseForm(forms.ModelForm):
    class Meta:
        model = ModelCase
        fields = ["title", "what_happened", "what_fixed_it", "what_to_avoid"]


@admin.register(ModelCase)
class ModelCaseAdmin(HistoryAdmin, ScopedAdmin):
    form = ModelCaseForm
    list_display = ["title", "category", "reference", "written_at"]
    list_filter = [("category", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("category", "complaint")
    search_fields = ["title", "what_happened", "what_fixed_it", "what_to_avoid"]
    fields = [
        "title",
        ("category", "reference"),
        "what_happened",
        "what_fixed_it",
        "what_to_avoid",
        ("written_by_name", "written_at"),
    ]
    readonly_fields = ["category", "reference", "written_by_name", "written_at"]
    history_list_display = ["title"]

    def get_queryset(self, request):
        return model_cases_visible_to(request.user)

    def has_add_permission(self, request):
        return False  # written from a closed complaint's page

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return permissions.model_case_change_refusal(obj, request.user) is None

    def save_model(self, request, obj, form, change):
        try:
            services.model_case_change(case_id=obj.pk, actor=request.user, **form.cleaned_data)
        except ComplaintError as error:
            self.message_user(request, error.message, messages.ERROR)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        complaint = obj.complaint if obj is not None else None

        class CheckedForm(form_class):
            """The personal-data check shown next to its field before anything is saved."""

            def clean(self):
                data = super().clean()
                for name in ("title", "what_happened", "what_fixed_it", "what_to_avoid"):
                    value = data.get(name)
                    problem = value and complaint and personal_data_refusal(value, complaint)
                    if problem:
                        self.add_error(name, problem)
                return data

        return CheckedForm

    @admin.display(description=gettext_lazy("complaint"))
    def reference(self, case: ModelCase):
        return _complaint_link(case.complaint)

    @admin.display(description=gettext_lazy("written by"))
    def written_by_name(self, case: ModelCase) -> str:
        return user_display_name(case.written_by)
