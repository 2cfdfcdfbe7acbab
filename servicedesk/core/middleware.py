"""Refuse request bodies over the upload ceiling before Django reads them."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

# Room for form fields and multipart framing around the largest allowed attachment.
_OVERHEAD = 1024 * 1024


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.ATTACHMENT_MAX_BYTES + _OVERHEAD
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = (
                f"The request is {filesizeformat(length)}; attachments may be at most "
                f"{filesizeformat(settings.ATTACHMENT_MAX_BYTES)}."
            )
            if request.path.startswith("/api/"):
                body = {"error": {"code": "request_too_large", "message": message, "fields": {}}}
                return JsonResponse(body, status=413)
            return render(
                request, "error.html", {"title": "Too large", "message": message}, status=413
            )
        return self.get_response(request)
