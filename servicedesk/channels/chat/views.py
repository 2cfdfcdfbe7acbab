"""The chat panel in the portal: plain form posts, each answered with the whole conversation.

With JavaScript (static/chat/chat.js) the same posts go by fetch and the answer replaces the
panel in place (the request says so with the X-Chat-Panel header); without it, each post
redirects back to the page. Both read the stored conversation, so a reload or a second device
shows the same state.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from servicedesk.channels.chat.choices import Source
from servicedesk.channels.chat.forms import MessageForm, UploadForm
from servicedesk.channels.chat.models import Conversation
from servicedesk.channels.chat.selectors import (
    conversation_current,
    conversation_get,
    conversation_messages,
)
from servicedesk.channels.chat.services import conversation_start, message_post, upload_add
from servicedesk.core.errors import NotFound, ServiceError

PANEL_HEADER = "X-Chat-Panel"


def _panel(
    request: HttpRequest, conversation: Conversation | None, *, error: str = "", text: str = "",
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    messages = list(conversation_messages(conversation)) if conversation else []
    last_bot = next((m for m in reversed(messages) if m.author == "bot"), None)
    context = {
        "conversation": conversation,
        "chat_messages": messages,
        "choices": (last_bot.extra.get("choices") if last_bot else None) or [],
        "asks_screenshot": conversation is not None and conversation.step == "screenshot",
        "error": error,
        "text": text,
    }
    partial = request.headers.get(PANEL_HEADER) == "1"
    template = "chat/partials/_panel.html" if partial else "chat/panel.html"
    return render(request, template, context, status=status)


def _back(request: HttpRequest) -> HttpResponse:
    if request.headers.get(PANEL_HEADER) == "1":
        return _panel(request, conversation_current(user=request.user))
    return redirect(reverse("chat:panel") + "#chat-latest")


def _conversation(request: HttpRequest, conversation_id) -> Conversation:
    try:
        return conversation_get(user=request.user, conversation_id=conversation_id)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
def panel(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _panel(request, conversation_current(user=request.user))
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _panel(
            request, conversation_current(user=request.user),
            error="That message could not be read; please type it again.", status=400,
        )  # fmt: skip
    data = form.cleaned_data
    text = data["text"] or ""
    conversation = _conversation(request, data["conversation"]) if data["conversation"] else None
    try:
        if conversation is None or conversation.has_ended:
            conversation_start(user=request.user, source=Source.PORTAL, text=text or " ")
        else:
            message_post(
                conversation=conversation, by=request.user, text=text, article_id=data["article"]
            )
    except ServiceError as error:
        current = conversation or conversation_current(user=request.user)
        return _panel(request, current, error=error.message, text=text[:20000], status=400)
    return _back(request)


@login_required
@require_POST
def conversation_new(request: HttpRequest) -> HttpResponse:
    conversation_start(user=request.user, source=Source.PORTAL)
    return _back(request)


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        current = conversation_current(user=request.user)
        return _panel(request, current, error="Choose a file to upload.", status=400)
    conversation = _conversation(request, form.cleaned_data["conversation"])
    try:
        upload_add(conversation=conversation, by=request.user, upload=form.cleaned_data["file"])
    except ServiceError as error:
        return _panel(request, conversation, error=error.message, status=400)
    return _back(request)
