"""Views shared by the desk, the portal and API clients."""

import logging
import unicodedata
from urllib.parse import quote

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from servicedesk.accounts.models import User
from servicedesk.accounts.selectors import user_from_api_key
from servicedesk.core.errors import NotFound
from servicedesk.tickets.selectors import attachment_get

logger = logging.getLogger(__name__)

_TOKEN_SCHEMES = ("bearer", "token")


def _api_key(request: HttpRequest) -> str | None:
    """The key of an ``Authorization: Bearer <key>`` header; None when there is no such header."""
    scheme, _, key = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() not in _TOKEN_SCHEMES:
        return None
    return key.strip()


def _unauthorised(message: str) -> HttpResponse:
    response = HttpResponse(message, status=401, content_type="text/plain; charset=utf-8")
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name in RFC 5987 form (RFC 6266)."""
    name = "".join(ch for ch in filename if ch.isprintable()) or "attachment"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = "".join(ch if ch.isalnum() or ch in " .-_()[]+,;=@" else "_" for ch in ascii_name)
    ascii_name = ascii_name.strip()
    if not ascii_name.strip("._ "):
        ascii_name = "attachment"
    elif ascii_name.startswith("."):
        ascii_name = "attachment" + ascii_name  # "日本.pdf" must not fall back to a hidden ".pdf"
    value = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an attachment as a download, never inline, to whoever may see it."""
    key = _api_key(request)
    user: User | None
    if key is not None:
        user = user_from_api_key(key) if key else None
        if user is None:
            return _unauthorised("The token is unknown, revoked or expired.")
    elif request.user.is_authenticated:
        user = request.user
    else:
        return redirect_to_login(request.get_full_path())

    try:
        attachment = attachment_get(user=user, attachment_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        logger.error("attachment %s: file %r is missing", attachment.pk, attachment.file.name)
        raise Http404("The file of this attachment is missing.") from error

    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs with no origin and may load nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
