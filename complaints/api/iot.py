"""Sensor alerts (SPEC §3, "pre-complaint" 预投诉): `POST /api/v1/iot/alerts/` with
`Authorization: Device <token>`. `complaints.services.device_alert_receive` decides what
an alert becomes; this module authenticates the device, throttles it and translates."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from complaints.api.errors import ErrorSerializer
from complaints.models import Device
from complaints.services import device_alert_receive
from complaints.services.iot import FAULT_CODE_LENGTH, AlertOutcome
from staff.selectors import system_user

KEYWORD = "Device"


class DeviceTokenAuthentication(BaseAuthentication):
    """`Authorization: Device <token>`: the active device holding that token. The request's
    user is the system actor that files sensor alerts; `request.auth` is the device."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD.lower().encode():
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as “Authorization: Device <token>”.")
            )
        try:
            token = words[1].decode("ascii")
        except UnicodeDecodeError:
            token = ""
        device = Device.objects.for_token(token) if token else None
        if device is None:
            raise exceptions.AuthenticationFailed(
                _("Unknown device token, or the device's token was revoked or it is inactive.")
            )
        return system_user(), device

    def authenticate_header(self, request) -> str:
        # Present, so DRF answers 401 (not 403) without valid credentials.
        return f'{KEYWORD} realm="api"'


class IsDevice(BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Device)


class DeviceRateThrottle(SimpleRateThrottle):
    """Alerts per device, at REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["iot_device"]
    (read at each request)."""

    scope = "iot_device"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, Device):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    target_class = DeviceTokenAuthentication
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("“Device <token>”: the token shown once when it was issued."),
        }


class AlertSerializer(serializers.Serializer):
    fault_code = serializers.CharField(
        max_length=FAULT_CODE_LENGTH, help_text=_("The device's code for the fault, e.g. E12.")
    )
    message = serializers.CharField(allow_blank=True, trim_whitespace=True)
    cleared = serializers.BooleanField(
        required=False, default=False, help_text=_("true: the device reports the fault gone.")
    )
    timestamp = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When the device saw it (ISO 8601 with a time zone); kept for reference."),
    )


class AlertReceivedSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AlertOutcome.choices)
    complaint = serializers.CharField(
        allow_null=True, help_text=_("The reference of the complaint the alert is on.")
    )
    alert_count = serializers.IntegerField(allow_null=True)


class AlertView(APIView):
    """Report a fault of this device, or that it is gone (`cleared`). The first alert of a
    fault files a complaint (201); repeats while it is open are counted on it, and a
    cleared report is recorded on it (200). Nothing is closed: a person confirms."""

    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [IsDevice]
    throttle_classes = [DeviceRateThrottle]

    @extend_schema(
        request=AlertSerializer,
        responses={
            201: AlertReceivedSerializer,
            200: AlertReceivedSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("The body is invalid.")),
            401: OpenApiResponse(
                ErrorSerializer, description=_("No token, or unknown, revoked or inactive.")
            ),
            403: OpenApiResponse(
                ErrorSerializer, description=_("The device was revoked or deactivated meanwhile.")
            ),
            429: OpenApiResponse(
                ErrorSerializer, description=_("Too many alerts from this device: retry later.")
            ),
        },
    )
    def post(self, request):
        serializer = AlertSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        received = device_alert_receive(
            device_id=request.auth.pk,
            fault_code=data["fault_code"],
            message=data["message"],
            cleared=data["cleared"],
            reported_at=data["timestamp"],
        )
        alert = received.alert
        body = {
            "outcome": received.outcome.value,
            "complaint": alert.complaint.reference if alert is not None else None,
            "alert_count": alert.alert_count if alert is not None else None,
        }
        created = received.outcome == AlertOutcome.OPENED
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


urlpatterns = [
    path("alerts/", AlertView.as_view(), name="iot_alerts"),
]
