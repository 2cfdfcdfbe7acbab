"""Site-wide views: the front door, the health check and error pages."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat

from servicedesk.core.errors import NOT_FOUND_MESSAGE
from servicedesk.core.middleware import refuse


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("desk:home" if request.user.is_agent else "portal:home")


_schema_current = False


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the database answers and its schema is up to date."""
    global _schema_current
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    if not _schema_current:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            body = {"status": "migrations_pending", "pending": len(pending)}
            return JsonResponse(body, status=503)
        _schema_current = True
    return JsonResponse({"status": "ok"})


def bad_request(request, exception=None):
    # Django raises these while reading a body past its limits: say which limit was hit.
    if isinstance(exception, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        message = f"The request's fields exceed {limit}; send long content as an attachment."
        return refuse(request, 413, "request_too_large", message)
    if isinstance(exception, TooManyFilesSent):
        message = f"At most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files per request."
        return refuse(request, 400, "too_many_files", message)
    if isinstance(exception, TooManyFieldsSent):
        message = f"At most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields per request."
        return refuse(request, 400, "too_many_fields", message)
    return refuse(request, 400, "bad_request", "The request could not be understood.")


def forbidden(request, exception=None):
    return refuse(request, 403, "permission_denied", "You are not allowed to do that.")


def not_found(request, exception=None):
    return refuse(request, 404, "not_found", NOT_FOUND_MESSAGE)


def server_error(request):
    return refuse(request, 500, "server_error", "The error was logged. Please try again.")
