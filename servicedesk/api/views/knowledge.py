"""/api/v1/kb/articles/: articles (CRUD and the workflow), search, feedback, deflections.

Visibility as everywhere: end users read published public articles only, and an article they
may not see is a 404. Writing is for agents; publishing for knowledge publishers.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.serializers.knowledge import (
    ArticleInput,
    ArticleOutput,
    DeflectionInput,
    FeedbackInput,
    SearchInput,
    SearchOutput,
    TransitionInput,
    VersionOutput,
)
from servicedesk.api.views.common import ApiViewSet
from servicedesk.core.errors import PermissionDenied, TransitionNotAllowed
from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.knowledge.models import Article
from servicedesk.knowledge.selectors import (
    article_get,
    article_list,
    article_search_result,
    article_versions,
)
from servicedesk.knowledge.services import (
    article_create,
    article_deflection_record,
    article_feedback_record,
    article_transition,
    article_update,
)
from servicedesk.knowledge.workflow import is_publisher

ERROR = OpenApiResponse(description='{"error": {"code", "message", "fields"}}')


class ArticleViewSet(ApiViewSet):
    """Knowledge articles. ``?state=`` and ``?audience=`` filter the list (agents)."""

    queryset = Article.objects.none()
    serializer_class = ArticleOutput
    permission_classes = [IsAuthenticated]
    lookup_value_regex = "[0-9]{1,18}"
    keyset_ordering = ("-updated_at", "-id")

    def _get(self, pk) -> Article:
        return article_get(user=self.request.user, article_id=int(pk))

    def _out(self, article: Article, code: int = status.HTTP_200_OK) -> Response:
        article = Article.objects.select_related("owner").get(pk=article.pk)
        return Response(ArticleOutput(article, context={"request": self.request}).data, code)

    @extend_schema(responses={200: ArticleOutput(many=True), 400: ERROR})
    def list(self, request: Request) -> Response:
        state = request.query_params.get("state", "")
        audience = request.query_params.get("audience", "")
        problems = {}
        if state and state not in ArticleState.values:
            problems["state"] = [f"One of {ArticleState.values}."]
        if audience and audience not in Audience.values:
            problems["audience"] = [f"One of {Audience.values}."]
        if problems:
            raise ValidationError(problems)
        qs = article_list(user=request.user, state=state, audience=audience)
        page = self.paginate_queryset(qs)
        data = ArticleOutput(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(responses={200: ArticleOutput, 404: ERROR})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._out(self._get(pk))

    @extend_schema(request=ArticleInput, responses={201: ArticleOutput, 400: ERROR, 403: ERROR})
    def create(self, request: Request) -> Response:
        data = ArticleInput(data=request.data)
        data.is_valid(raise_exception=True)
        article = article_create(by=request.user, **data.service_values())
        return self._out(article, status.HTTP_201_CREATED)

    @extend_schema(
        request=ArticleInput, responses={200: ArticleOutput, 400: ERROR, 404: ERROR, 409: ERROR}
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        article = self._get(pk)
        data = ArticleInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        article = article_update(
            article=article,
            by=request.user,
            changes=data.service_values(),
            expected_version=data.validated_data.get("version"),
        )
        return self._out(article)

    @extend_schema(responses={204: None, 403: ERROR, 404: ERROR, 409: ERROR})
    def destroy(self, request: Request, pk: str) -> Response:
        """Delete a draft for good; a published article is retired instead (a transition)."""
        article = self._get(pk)
        if not is_publisher(request.user, article) and article.created_by_id != request.user.pk:
            raise PermissionDenied(
                "Only the article's author or a knowledge publisher can delete it."
            )
        if article.state != ArticleState.DRAFT:
            raise TransitionNotAllowed(
                "Only a draft can be deleted; retire a published article instead."
            )
        article.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=TransitionInput, responses={200: ArticleOutput, 403: ERROR, 409: ERROR})
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        article = self._get(pk)
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(
            article_transition(article=article, by=request.user, to=data.validated_data["to"])
        )

    @extend_schema(parameters=[SearchInput], responses={200: SearchOutput, 400: ERROR})
    @action(detail=False, methods=["get"])
    def search(self, request: Request) -> Response:
        """Published articles the caller may read, best first, with highlighted snippets."""
        data = SearchInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        hits, corrected = article_search_result(
            user=request.user, query=data.validated_data["q"], limit=data.validated_data["limit"]
        )
        return Response({"results": [h.__dict__ for h in hits], "corrected": corrected})

    @extend_schema(request=FeedbackInput, responses={201: None, 400: ERROR, 404: ERROR})
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk: str) -> Response:
        data = FeedbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        article_feedback_record(article_id=int(pk), user=request.user, **data.validated_data)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(request=DeflectionInput, responses={201: None, 400: ERROR, 404: ERROR})
    @action(detail=True, methods=["post"])
    def deflections(self, request: Request, pk: str) -> Response:
        """ "This solved my problem", from a bot or another front end."""
        data = DeflectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        article_deflection_record(
            article_id=int(pk), user=request.user, channel=data.validated_data["channel"]
        )
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: VersionOutput(many=True), 404: ERROR})
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request: Request, pk: str) -> Response:
        article = self._get(pk)
        if not request.user.is_agent:
            return Response(VersionOutput([], many=True).data)
        return Response(VersionOutput(article_versions(article=article), many=True).data)
