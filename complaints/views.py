from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from complaints.models import Photo
from complaints.selectors import complaint_list_visible_to


@require_GET
def photo(request: HttpRequest, pk: int, variant: str) -> FileResponse:
    """Serve a photo only to someone who may see its complaint; media is never public."""
    if variant not in ("image", "thumbnail"):
        raise Http404
    item = get_object_or_404(
        Photo.objects.filter(complaint__in=complaint_list_visible_to(request.user)), pk=pk
    )
    response = FileResponse(getattr(item, variant).open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
