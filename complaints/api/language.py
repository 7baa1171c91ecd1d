"""The API answers in the caller's language: the language cookie, else Accept-Language.

LocaleMiddleware gives every path outside the portal's language prefixes the default
language (Chinese), since the default one has no prefix; /api/ has none either, so this
middleware, placed after it, chooses again for API paths, before any view, refusals and
authentication failures included."""

from django.utils import translation

API_PREFIX = "/api/"


class ApiLanguageMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
