"""The complaint page's POST views: one per action button, and the logged phone reveal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from complaints import services
from complaints.admin.actions import ACTIONS, available_actions
from complaints.exceptions import ChangedMeanwhile, ComplaintError, InvalidInput


class ActionViewsMixin:
    """The action buttons' view and the phone reveal of ComplaintAdmin."""

    def action_view(self, request: HttpRequest, object_id: int, action: str):
        complaint = self._get_complaint_or_404(request, object_id)
        spec = ACTIONS.get(action)
        if spec is None:
            raise Http404
        change_url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
        form_kwargs = {"complaint": complaint, "user": request.user}
        if request.method == "POST":
            form = spec.form(request.POST, request.FILES, **form_kwargs)
            if form.is_valid():
                stale = form.cleaned_data["expected_state"] != complaint.state
                try:
                    if stale and not spec.checks_expected_state:
                        raise ChangedMeanwhile(complaint.get_state_display())
                    # SPEC §3: whoever lost the race to accept is told by the service who
                    # owns it.
                    spec.run(complaint, request.user, form.cleaned_data)
                except InvalidInput as error:
                    field = error.field if error.field in form.fields else None
                    form.add_error(field, error.message)
                except ComplaintError as error:
                    level = messages.WARNING if stale else messages.ERROR
                    self.message_user(request, error.message, level)
                    return HttpResponseRedirect(change_url)
                else:
                    self.message_user(
                        request,
                        _("%(reference)s: %(action)s done.")
                        % {"reference": complaint.reference, "action": spec.label},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url)
        else:
            if spec not in available_actions(complaint, request.user):
                self.message_user(
                    request,
                    _("“%(action)s” is not available to you on this complaint now.")
                    % {"action": spec.label},
                    messages.WARNING,
                )
                return HttpResponseRedirect(change_url)
            form = spec.form(**form_kwargs)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{complaint.reference} · {spec.label}",
            "complaint": complaint,
            "action": spec,
            "form": form,
            "media": self.media + form.media,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/complaints/complaint/action.html", context)

    def reveal_phone_view(self, request: HttpRequest, object_id: int):
        if request.method != "POST":
            return redirect("admin:complaints_complaint_change", object_id)
        complaint = self._get_complaint_or_404(request, object_id)
        try:
            phone = services.complaint_reveal_contact(complaint_id=complaint.pk, actor=request.user)
        except ComplaintError as error:
            raise PermissionDenied(error.message) from None
        self.message_user(
            request,
            _("%(reference)s: contact phone %(phone)s (this view is logged).")
            % {"reference": complaint.reference, "phone": phone},
        )
        return redirect("admin:complaints_complaint_change", complaint.pk)
