"""Views shared by the desk and the portal."""

from django.http import HttpResponse


def attachment_download(request, pk: int) -> HttpResponse:
    raise NotImplementedError
