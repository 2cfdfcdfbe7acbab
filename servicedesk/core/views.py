"""Site-wide views: the front door, the health check and error pages."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("desk:home" if request.user.is_agent else "portal:home")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        code = {400: "bad_request", 403: "permission_denied", 404: "not_found"}.get(
            status, "server_error"
        )
        return JsonResponse(
            {"error": {"code": code, "message": message, "fields": {}}}, status=status
        )
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "Bad request", "The request could not be understood.")


def forbidden(request, exception=None):
    return _error(request, 403, "Not allowed", "You are not allowed to do that.")


def not_found(request, exception=None):
    return _error(request, 404, "Not found", "There is nothing here that you can see.")


def server_error(request):
    return _error(request, 500, "Something went wrong", "The error was logged. Please try again.")
