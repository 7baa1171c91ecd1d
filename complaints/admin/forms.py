"""Staff forms: one per action of the admin workspace, plus intake on behalf."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from buildings.models import Building, Resident, Unit
from complaints import services
from complaints.models import Category, Channel, Complaint, Hold, IntakeSuggestion, Level
from complaints.permissions import can_reopen_by_revisit, owner_candidates
from complaints.photos import MAX_PHOTOS_PER_COMPLAINT
from staff.models import Team
from staff.selectors import user_display_name


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to nine photos; their content is checked by the service (complaints.photos)."""

    widget = MultipleFileInput(attrs={"accept": "image/*"})

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_PHOTOS_PER_COMPLAINT:
            raise forms.ValidationError(
                _("At most %(limit)d photos.") % {"limit": MAX_PHOTOS_PER_COMPLAINT}
            )
        return [super(PhotosField, self).clean(item, initial) for item in files]


class ActionForm(forms.Form):
    """Every action form carries the state the page was rendered in, to refuse stale pages."""

    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, complaint: Complaint, user, **kwargs) -> None:
        self.complaint = complaint
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["expected_state"].initial = complaint.state


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when acting on a complaint owned by someone else."),
    )


class ConfirmForm(ActionForm):
    pass


class ClassifyForm(ActionForm, ReasonMixin):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True)
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("The category's default")), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.complaint.suspected_emergency:
            self.fields["level"].help_text = _(
                "Suspected emergency: confirm level I or downgrade it."
            )
            self.fields["level"].initial = Level.I
        suggestion = (
            IntakeSuggestion.objects.filter(complaint=self.complaint)
            .select_related("category__parent", "team")
            .first()
        )
        if suggestion is not None:
            # The keyword tables' proposal, with its reason; the agent's choice is final.
            self.fields["category"].help_text = _("Suggested: %(reason)s") % {
                "reason": suggestion.reason
            }
            if self.complaint.category_id is None:
                self.fields["category"].initial = suggestion.category_id


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of staff shown by their full names (staff.selectors.user_display_name)."""

    def label_from_instance(self, obj) -> str:
        return user_display_name(obj)


class TeamNameChoiceField(forms.ModelChoiceField):
    """Teams of one property: their own names (the property is the complaint's)."""

    def label_from_instance(self, obj) -> str:
        return obj.name


class TeamMemberSelect(forms.Select):
    """The people grouped by team, each option naming its team (data-team), so that
    complaints/dispatch.js offers only the members of the team chosen."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team_of: dict[str, int] = {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        team_id = self.team_of.get(str(value))
        if team_id is not None:
            option["attrs"]["data-team"] = team_id
        return option


class DispatchForm(ActionForm, ReasonMixin):
    team = TeamNameChoiceField(label=_("Team"), queryset=Team.objects.none())
    assignee = PersonChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=TeamMemberSelect(attrs={"data-team-members": ""}),
        help_text=_("Optional: one of the chosen team's members."),
    )

    class Media:
        js = ["complaints/dispatch.js"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        teams = list(Team.objects.filter(property_id=self.complaint.property_id).order_by("name"))
        self.fields["team"].queryset = Team.objects.filter(pk__in=[team.pk for team in teams])
        # Active members of this property's teams; the service refuses anyone who is not
        # a member of the team chosen (complaint_dispatch), and the page says so.
        members = list(
            get_user_model()
            .objects.filter(staff_profile__team__in=teams, is_active=True)
            .select_related("staff_profile")
            .order_by("last_name", "first_name", "username")
        )
        assignee = self.fields["assignee"]
        assignee.queryset = get_user_model().objects.filter(pk__in=[user.pk for user in members])
        assignee.choices = [
            ("", "---------"),
            *(
                (
                    team.name,
                    [
                        (user.pk, user_display_name(user))
                        for user in members
                        if user.staff_profile.team_id == team.pk
                    ],
                )
                for team in teams
                if any(user.staff_profile.team_id == team.pk for user in members)
            ),
        ]
        assignee.widget.team_of = {str(user.pk): user.staff_profile.team_id for user in members}
        category = self.complaint.category
        if category is not None and category.default_team_kind:
            self.fields["team"].initial = next(
                (team for team in teams if team.kind == category.default_team_kind), None
            )


class HandleForm(ActionForm, ReasonMixin):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    before_photos = PhotosField(label=_("Before photos"))
    after_photos = PhotosField(label=_("After photos"))


class CloseForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Why close without the resident's confirmation (e.g. unreachable)."),
    )


class RevisitForm(ActionForm):
    SOLVED, NOT_SOLVED = "solved", "not_solved"

    solved = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[
            (SOLVED, _("Solved")),
            (NOT_SOLVED, _("Not solved: reopen the complaint with what the resident said")),
        ],
        coerce=lambda value: value != RevisitForm.NOT_SOLVED,
        widget=forms.RadioSelect,
        initial=SOLVED,
        # A page without the choice (the user may not reopen) records a solved revisit.
        required=False,
        empty_value=True,
    )
    note = forms.CharField(
        label=_("What the resident said"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not can_reopen_by_revisit(self.complaint, self.user):
            del self.fields["solved"]


class ReopenForm(ActionForm):
    reason = forms.CharField(
        label=_("What is still wrong"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(ActionForm, ReasonMixin):
    into = forms.CharField(
        label=_("Duplicate of"), help_text=_("Reference (TS00000042) or number of the original.")
    )

    def clean_into(self) -> int:
        complaint_id = Complaint.parse_reference(self.cleaned_data["into"], prefix_required=False)
        if complaint_id is None:
            raise forms.ValidationError(_("Enter a complaint reference such as TS00000042."))
        return complaint_id


class TransferForm(ActionForm):
    new_owner = PersonChoiceField(label=_("New owner"), queryset=get_user_model().objects.none())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The transfer service accepts exactly these people (one rule, in permissions).
        self.fields["new_owner"].queryset = (
            owner_candidates(self.complaint)
            .exclude(pk=self.complaint.owner_id)
            .order_by("last_name", "first_name", "username")
        )


class HoldForm(ActionForm):
    reason = forms.ChoiceField(label=_("Waiting for"), choices=Hold.Reason.choices)
    resume_at = forms.DateTimeField(
        label=_("Expected resume"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("Note"), required=False)


class SetLevelForm(ActionForm):
    level = forms.TypedChoiceField(label=_("New level"), choices=Level.choices, coerce=int)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class BulkDispatchForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())

    def __init__(self, *args, property_ids, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = (
            Team.objects.filter(property_id__in=property_ids)
            .select_related("property")
            .order_by("property__name", "name")
        )


STAFF_CHANNELS = [
    (value, label)
    for value, label in Channel.choices
    if value in (Channel.PHONE, Channel.WALK_IN, Channel.PAPER, Channel.COMMITTEE)
]


class IntakeForm(forms.Form):
    """A complaint taken by phone, at the desk, from paper or from the residents' committee.

    The agent taking it becomes its owner (complaint_take_in); with a category it is
    classified at once, with a team dispatched too. `confirmed` and `merge_into` come only
    from the repeat warning's buttons ("Save anyway", "Merge into …"), never from an input.
    """

    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    resident = forms.ModelChoiceField(
        label=_("Resident"),
        queryset=Resident.objects.all(),
        required=False,
        help_text=_("Search by name, phone or unit number."),
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all(), required=False)
    building = forms.ModelChoiceField(
        label=_("Building (common area)"), queryset=Building.objects.all(), required=False
    )
    location_text = forms.CharField(label=_("Location"), required=False, max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        help_text=_(
            "Checks for repeats, and classifies the complaint at once. Leave it empty to "
            "classify later."
        ),
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("The category's default")), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("Dispatches it at once (needs a category)."),
    )
    assignee = forms.ModelChoiceField(
        label=_("Person"), queryset=get_user_model().objects.none(), required=False
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=20)
    preferred_contact_time = forms.CharField(
        label=_("Preferred contact time"), required=False, max_length=100
    )
    photos = PhotosField(label=_("Photos"))
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)
    merge_into = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, admin_site, property_ids, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scoped = {
            "resident": Resident.objects.filter(
                units__building__property_id__in=property_ids
            ).distinct(),
            "unit": Unit.objects.filter(building__property_id__in=property_ids),
            "building": Building.objects.filter(property_id__in=property_ids),
        }
        for name, queryset in scoped.items():
            field = self.fields[name]
            field.widget = AutocompleteSelect(
                Complaint._meta.get_field(name), admin_site, attrs={"class": "pd-wide-select"}
            )
            field.queryset = queryset  # also gives the new widget its choices
        teams = Team.objects.filter(property_id__in=property_ids).select_related("property")
        self.fields["team"].queryset = teams
        self.fields["assignee"].queryset = get_user_model().objects.filter(
            staff_profile__team__in=teams, is_active=True
        )

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not data.get("building"):
            raise forms.ValidationError(_("Choose the unit, or the building of a common area."))
        return data

    def take_in(self, actor) -> Complaint:
        """Take the valid form's complaint in (merged into the chosen repeat unless the
        agent confirmed it is new): one service call, which saves everything or nothing.
        The admin's intake page and the staff API both file through it."""
        data = self.cleaned_data
        return services.complaint_take_in(
            actor=actor,
            channel=data["channel"],
            description=data["description"],
            category=data["category"],
            level=data["level"],
            team=data["team"],
            assignee=data["assignee"],
            unit=data["unit"],
            building=data["building"],
            location_text=data["location_text"],
            resident=data["resident"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            preferred_contact_time=data["preferred_contact_time"],
            photos=data["photos"],
            merge_into_id=None if data["confirmed"] else data["merge_into"],
        )
