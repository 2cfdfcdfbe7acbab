"""Refuse request bodies the desk will not read, before Django reads them."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from servicedesk.core.units import size_text, sizes_apart

_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    411: "Length required",
    413: "Too large",
    500: "Something went wrong",
}
# Room for form fields and multipart framing around the largest allowed attachment.
_OVERHEAD = 1024 * 1024


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH")
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not declared:
            # WSGI servers pass no length for a chunked body, and Django would read none of it.
            message = "Send the request body with a Content-Length header (no chunked encoding)."
            return refuse(request, 411, "length_required", message)
        try:
            length = int(declared or 0)
        except ValueError:
            length = 0
        if length > settings.ATTACHMENT_MAX_BYTES + _OVERHEAD:
            limit = settings.ATTACHMENT_MAX_BYTES + _OVERHEAD
            shown_length, shown_limit = sizes_apart(length, limit)
            message = (
                f"The request is {shown_length}; a request may be at most "
                f"{shown_limit} (an attachment at most "
                f"{size_text(settings.ATTACHMENT_MAX_BYTES)})."
            )
            return refuse(request, 413, "request_too_large", message)
        return self.get_response(request)


def refuse(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """An error answer in the API's error format under /api/, as a page elsewhere."""
    if request.path.startswith("/api/"):
        body = {"error": {"code": code, "message": message, "fields": {}}}
        return JsonResponse(body, status=status)
    context = {"title": _TITLES.get(status, "Request refused"), "message": message}
    return render(request, "error.html", context, status=status)
