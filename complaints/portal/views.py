"""Resident portal views: thin. Each validates the form, calls one service and turns its
domain errors into field errors or messages. A complaint of someone else is a 404."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from complaints import permissions, services
from complaints.exceptions import (
    ChangedMeanwhile,
    ComplaintError,
    ComplaintNotFound,
    FilingLimitReached,
    InvalidInput,
)
from complaints.live_preview import preview_form_refused, preview_refused_for_rate
from complaints.models import AWAITING_RESPONSE_STATES, Complaint, Notification, State, Transition
from complaints.notifications import unread_count
from complaints.portal import display
from complaints.portal.drafts import draft_take, keeps_draft
from complaints.portal.forms import (
    ComplaintForm,
    PreviewForm,
    ReopenForm,
    SeenStateForm,
    SurveyForm,
    WithdrawForm,
)
from complaints.portal.my_data import resident_own_data
from complaints.selectors import (
    RESIDENT_SHOWN_JOINED,
    RESIDENT_SHOWN_PREFETCH,
    complaint_list_for_resident,
    resident_of,
)
from complaints.services.filing_limit import filing_limit_refusal

PAGE_SIZE = 20
NOTIFICATIONS_SHOWN = 50
# Service errors name model fields; the portal form shows the place as one choice.
FIELD_ALIASES = {"unit": "place", "building": "place", "property": "place"}
# While these last, the level's promise still matters to the resident.
# Each language named in itself, so everyone finds their own.
LANGUAGE_NAMES = {"zh-hans": "中文", "en": "English"}


def resident_required(view: Callable) -> Callable:
    """Anonymous users go to the portal login, staff to the admin; others are refused."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        resident = resident_of(request.user)
        if resident is None:
            if request.user.is_staff:
                return redirect("admin:index")
            return render(request, "portal/not_resident.html", _base_context(request), status=403)
        request.resident = resident
        return view(request, *args, **kwargs)

    return wrapper


def _base_context(request: HttpRequest, **context) -> dict:
    """What the portal's frame needs: the unread count and the language switch."""
    context.setdefault("unread_count", unread_count(request.user))
    here = context.pop("page_url", None) or request.get_full_path()
    # Each language's form carries the page already in that language: set_language cannot
    # translate an /en/ address back to the unprefixed default on its own.
    context["languages"] = [
        {"code": code, "name": LANGUAGE_NAMES.get(code, code), "next": translate_url(here, code)}
        for code, _name in settings.LANGUAGES
    ]
    return context


def _own_complaint(request: HttpRequest, pk: int) -> Complaint:
    queryset = (
        complaint_list_for_resident(request.user)
        .select_related(*RESIDENT_SHOWN_JOINED)
        .prefetch_related(*RESIDENT_SHOWN_PREFETCH)
    )
    return get_object_or_404(queryset, pk=pk)


def _add_service_error(form, error: InvalidInput) -> None:
    field = FIELD_ALIASES.get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


class LoginView(auth_views.LoginView):
    """Django's login with the portal's page; staff who log in here land in the admin."""

    template_name = "portal/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        if resident_of(self.request.user) is None and self.request.user.is_staff:
            return reverse("admin:index")
        return reverse("portal:complaint_list")

    def get_redirect_url(self) -> str:
        # A staff member is sent to the admin whatever portal page asked for the login.
        if resident_of(self.request.user) is None and self.request.user.is_staff:
            return ""
        return super().get_redirect_url()

    def get_context_data(self, **kwargs) -> dict:
        return _base_context(self.request, **super().get_context_data(**kwargs))


class LogoutView(auth_views.LogoutView):
    next_page = "portal:login"


def home(request: HttpRequest) -> HttpResponse:
    """The site's front door: residents to their complaints, staff to the admin."""
    if not request.user.is_authenticated:
        return redirect("portal:login")
    if resident_of(request.user) is None and request.user.is_staff:
        return redirect("admin:index")
    return redirect("portal:complaint_list")


@resident_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    """My complaints: state, last update and what happens next."""
    queryset = (
        complaint_list_for_resident(request.user)
        .prefetch_related("surveys", *RESIDENT_SHOWN_PREFETCH)
        .order_by("-created_at", "-pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "complaint": item,
            "state": display.state_words(item),
            "tone": display.STATE_TONE.get(item.state, "working"),
            "next_step": display.next_step(item),
        }
        for item in page
    ]
    return render(
        request, "portal/complaint_list.html", _base_context(request, page=page, rows=rows)
    )


@keeps_draft("place", "category", "description", "location_text", "preferred_contact_time")
@resident_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    """File a complaint; at most the hourly number per resident."""
    status = 200
    if request.method == "POST":
        form = ComplaintForm(request.POST, request.FILES, resident=request.resident)
        complaint = None
        # Asked first only to answer an over-limit form without checking it; the service
        # decides under its lock.
        refusal = filing_limit_refusal(request.user)
        if refusal is None and form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.complaint_create(
                    actor=request.user,
                    description=data["description"],
                    **data["place"],
                    category=data["category"],
                    location_text=data["location_text"],
                    preferred_contact_time=data["preferred_contact_time"],
                    photos=data["photos"],
                )
            except FilingLimitReached as error:
                refusal = error
            except InvalidInput as error:
                _add_service_error(form, error)
            except ComplaintError as error:
                form.add_error(None, error.message)
        if complaint is not None:
            return redirect("portal:complaint_submitted", pk=complaint.pk)
        if refusal is not None:
            form.is_valid()
            form.add_error(None, refusal.message)
            status = 429
        if request.FILES and form.errors:
            messages.warning(
                request, _("For your safety the photos were not kept: add them again.")
            )
    else:
        form = ComplaintForm(initial=draft_take(request), resident=request.resident)
    return render(
        request, "portal/complaint_form.html", _base_context(request, form=form), status=status
    )


@never_cache
@require_POST
@resident_required
def complaint_preview(request: HttpRequest) -> HttpResponse:
    """The filing form's live preview (JSON, POST with the CSRF token): a suspected
    emergency and the suggested kind, for a place of the resident's own."""
    refused = preview_refused_for_rate(request)
    if refused is not None:
        return refused
    form = PreviewForm(request.POST, resident=request.resident)
    if not form.is_valid():
        return preview_form_refused(form)
    return JsonResponse(form.preview().as_dict(staff=False))


@resident_required
def complaint_submitted(request: HttpRequest, pk: int) -> HttpResponse:
    """The first page after filing: the reference number and what happens next."""
    complaint = _own_complaint(request, pk)
    context = _base_context(
        request, complaint=complaint, promise=display.promise_sentences(complaint)
    )
    return render(request, "portal/complaint_submitted.html", context)


def _actions(complaint: Complaint, user) -> dict[str, bool]:
    """What the resident may do now, by the rules the services apply."""
    return {
        "can_withdraw": permissions.may(complaint, Transition.WITHDRAW, user),
        "can_confirm": permissions.may(complaint, Transition.CLOSE, user),
        "can_reopen": permissions.may(complaint, Transition.REOPEN, user),
        "not_fixed": complaint.state == State.HANDLED,
        "can_rate": display.survey_pending(complaint),
    }


def _detail(request: HttpRequest, complaint: Complaint, *, status: int = 200, **forms):
    latest_survey = complaint.surveys.filter(submitted_at__isnull=False).order_by("-cycle").first()
    context = _base_context(
        request,
        page_url=reverse("portal:complaint_detail", args=[complaint.pk]),
        complaint=complaint,
        state=display.state_words(complaint),
        tone=display.STATE_TONE.get(complaint.state, "working"),
        next_step=display.next_step(complaint),
        promise=display.promise_sentences(complaint)
        if complaint.state in AWAITING_RESPONSE_STATES
        else [],
        timeline=display.timeline(complaint),
        survey=latest_survey,
        survey_words={
            name: display.score_words(getattr(latest_survey, name))
            for name in ("solved", "speed", "attitude")
        }
        if latest_survey
        else {},
        reopen_form=forms.get("reopen_form")
        or ReopenForm(initial={"expected_state": complaint.state}),
        seen_state_form=SeenStateForm(initial={"expected_state": complaint.state}),
        withdraw_form=forms.get("withdraw_form") or WithdrawForm(),
        **_actions(complaint, request.user),
    )
    return render(request, "portal/complaint_detail.html", context, status=status)


@resident_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One complaint with its plain-words timeline and what the resident can do now."""
    return _detail(request, _own_complaint(request, pk))


def _refused(request: HttpRequest, error: ComplaintError, pk: int) -> HttpResponse:
    if isinstance(error, ComplaintNotFound):
        raise Http404(error.message)
    messages.error(request, _refusal_message(error))
    return redirect("portal:complaint_detail", pk=pk)


def _refusal_message(error: ComplaintError) -> str:
    if isinstance(error, ChangedMeanwhile):
        # Most often the resident's own other tab: nobody else is to blame.
        return _(
            "This complaint changed after you opened the page: it is now “%(state)s”. "
            "Nothing was done; check it and try again."
        ) % {"state": error.state_label}
    return error.message


@require_POST
@resident_required
def complaint_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a complaint nobody has accepted yet."""
    complaint = _own_complaint(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _detail(request, complaint, status=400, withdraw_form=form)
    try:
        services.complaint_withdraw(
            complaint_id=complaint.pk, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ComplaintError as error:
        return _refused(request, error, pk)
    messages.success(request, _("Your complaint was withdrawn."))
    return redirect("portal:complaint_detail", pk=pk)


@require_POST
@resident_required
def complaint_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The resident confirms the fix: the complaint closes."""
    complaint = _own_complaint(request, pk)
    form = SeenStateForm(request.POST)
    expected_state = form.cleaned_data["expected_state"] if form.is_valid() else None
    try:
        services.complaint_close(
            complaint_id=complaint.pk, actor=request.user, expected_state=expected_state
        )
    except ComplaintError as error:
        return _refused(request, error, pk)
    messages.success(request, _("Thank you for confirming. Please tell us how we did."))
    return redirect("portal:complaint_survey", pk=pk)


@require_POST
@resident_required
def complaint_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Say "not fixed" after handling, or reopen within 7 days of closing, with a reason."""
    complaint = _own_complaint(request, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_reopen(
                complaint_id=complaint.pk,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_state=form.cleaned_data["expected_state"],
            )
        except InvalidInput as error:
            _add_service_error(form, error)
        except ChangedMeanwhile as error:
            # The page was stale (another tab, say): the complaint as it is now, the
            # text kept.
            messages.error(request, _refusal_message(error))
            complaint.refresh_from_db()
            fresh = ReopenForm(
                initial={"reason": form.cleaned_data["reason"], "expected_state": complaint.state}
            )
            return _detail(request, complaint, status=409, reopen_form=fresh)
        except ComplaintError as error:
            # ReopenWindowClosed included: its message says the 7 days are over.
            return _refused(request, error, pk)
        else:
            messages.success(
                request, _("We are sorry it is not right yet. A manager will review it.")
            )
            return redirect("portal:complaint_detail", pk=pk)
    return _detail(request, complaint, status=400, reopen_form=form)


@resident_required
def complaint_survey(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate the latest closing once: three scores and a comment."""
    complaint = _own_complaint(request, pk)
    if not display.survey_pending(complaint):
        messages.info(request, _("There is nothing to rate for this complaint right now."))
        return redirect("portal:complaint_detail", pk=pk)
    if request.method == "POST":
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                services.survey_submit(
                    complaint_id=complaint.pk, actor=request.user, **form.cleaned_data
                )
            except InvalidInput as error:
                _add_service_error(form, error)
            except ComplaintError as error:
                return _refused(request, error, pk)
            else:
                messages.success(request, _("Thank you for your rating!"))
                return redirect("portal:complaint_detail", pk=pk)
        status = 400
    else:
        form = SurveyForm()
        status = 200
    return render(
        request,
        "portal/survey.html",
        _base_context(request, complaint=complaint, form=form),
        status=status,
    )


@resident_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The resident's notifications, newest first; showing them marks them read."""
    items = list(
        Notification.objects.filter(recipient=request.user)
        .select_related("complaint")
        .order_by("-created_at", "-pk")[:NOTIFICATIONS_SHOWN]
    )
    own = set(
        complaint_list_for_resident(request.user)
        .filter(pk__in={item.complaint_id for item in items if item.complaint_id})
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "notification": item,
            "unread": item.read_at is None,
            "complaint_id": item.complaint_id if item.complaint_id in own else None,
        }
        for item in items
    ]
    services.notification_mark_read(
        user=request.user, notification_ids=[item.pk for item in items if item.read_at is None]
    )
    return render(request, "portal/notifications.html", _base_context(request, rows=rows))


@resident_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Download everything kept about me as one JSON file (see `portal.my_data`)."""
    data = resident_own_data(request.resident)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = content_disposition_header(
        True, f"propertydesk-my-data-{timezone.localdate():%Y-%m-%d}.json"
    )
    response["Cache-Control"] = "no-store"
    return response
