"""Logging in from an app (/api/v1/auth/): a django-rest-knox token for a username and
password, and logging that token (or all of the user's) out again.

The password is checked by Django's login form, as the portal's and the admin's login
check it: through `authenticate(request=...)`, so django-axes counts failures and refuses
a locked-out address or account, and an inactive user gets the same answer as a wrong
password. Browsers keep using their session (CSRF is enforced for it by DRF's
SessionAuthentication); tokens are stored hashed, expire (REST_KNOX) and are revoked one
by one on logout.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox import views as knox_views
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api.errors import error_responses
from complaints.api.resident_serializers import flat_errors
from staff.logins.lockout import lockout_message


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).max_length
    )
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send it as "Authorization: Token <token>".')
    expiry = serializers.DateTimeField(
        help_text="When it lapses unless used: each use extends it (REST_KNOX)."
    )


@extend_schema(tags=["auth"])
class LoginView(knox_views.LoginView):
    """A new token for the user's app; every device gets its own."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    serializer_class = LoginSerializer

    @extend_schema(
        operation_id="auth_login",
        request=LoginSerializer,
        responses={200: TokenSerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request, format=None) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        django_request = request._request
        form = AuthenticationForm(django_request, data=serializer.validated_data)
        if not form.is_valid():
            if getattr(django_request, "axes_locked_out", False):
                # AxesMiddleware would replace the answer with its text page: this one
                # carries the same message in the API's error body.
                django_request.axes_locked_out = False
                return Response(
                    {"code": "locked_out", "detail": lockout_message(django_request)},
                    status=settings.AXES_HTTP_RESPONSE_CODE,
                )
            raise serializers.ValidationError(flat_errors(form.errors))
        request.user = form.get_user()
        return super().post(request, format=format)


@extend_schema(tags=["auth"])
class LogoutView(knox_views.LogoutView):
    """Revoke the token this request carries."""

    @extend_schema(
        operation_id="auth_logout",
        request=None,
        responses={204: OpenApiResponse(description="Revoked."), **error_responses(401)},
    )
    def post(self, request: Request, format=None) -> Response:
        return super().post(request, format=format)


@extend_schema(tags=["auth"])
class LogoutAllView(knox_views.LogoutAllView):
    """Revoke every token of the user (all their devices)."""

    @extend_schema(
        operation_id="auth_logoutall",
        request=None,
        responses={204: OpenApiResponse(description="All revoked."), **error_responses(401)},
    )
    def post(self, request: Request, format=None) -> Response:
        return super().post(request, format=format)


urlpatterns = [
    path("login/", LoginView.as_view(), name="auth_login"),
    path("logout/", LogoutView.as_view(), name="auth_logout"),
    path("logoutall/", LogoutAllView.as_view(), name="auth_logoutall"),
]
