"""Article files and images, for whoever may see the article (else 404), signed in: the
knowledge base is the desk's and the portal's, and both need an account."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from servicedesk.core.errors import NotFound
from servicedesk.knowledge.models import ArticleAttachment
from servicedesk.knowledge.selectors import article_get

# Shown inline (an article's images); anything else downloads. SVG is never inline: it can
# carry script.
INLINE = {"image/png", "image/jpeg", "image/gif", "image/webp"}


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, filename: str) -> FileResponse:
    attachment = ArticleAttachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such file.")
    try:
        article_get(user=request.user, article_id=attachment.article_id)
    except NotFound as error:
        raise Http404(error.message) from error
    inline = attachment.content_type in INLINE
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
