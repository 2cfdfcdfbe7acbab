"""/users/, /groups/ and /categories/: who and what tickets can refer to."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.accounts.models import SupportGroup, User
from servicedesk.accounts.selectors import groups_for, users_for
from servicedesk.api.serializers.directory import (
    CategoryOutput,
    GroupBrief,
    GroupOutput,
    UserOutput,
    UserSearchInput,
)
from servicedesk.api.views.common import ReadOnlyViewSet
from servicedesk.api.views.tickets import ERROR
from servicedesk.tickets.models import Category
from servicedesk.tickets.selectors import category_tree


class UserViewSet(ReadOnlyViewSet):
    """Agents look people up by name, email or phone; end users only see themselves."""

    queryset = User.objects.none()
    serializer_class = UserOutput
    keyset_ordering = ("username", "id")

    def get_queryset(self):
        return users_for(self.request.user)

    @extend_schema(parameters=[UserSearchInput], responses={200: UserOutput(many=True), 400: ERROR})
    def list(self, request: Request) -> Response:
        search = UserSearchInput(data=request.query_params)
        search.is_valid(raise_exception=True)
        users = users_for(request.user, **search.validated_data)
        page = self.paginate_queryset(users)
        return self.get_paginated_response(UserOutput(page, many=True).data)

    @extend_schema(responses={200: UserOutput, 404: ERROR})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(UserOutput(self.get_object()).data)

    @extend_schema(responses={200: UserOutput})
    @action(detail=False, methods=["get"], pagination_class=None)
    def me(self, request: Request) -> Response:
        return Response(UserOutput(users_for(request.user).get(pk=request.user.pk)).data)


class GroupViewSet(ReadOnlyViewSet):
    """Support groups with their tier; agents also see the lead and the members."""

    queryset = SupportGroup.objects.none()
    serializer_class = GroupOutput
    keyset_ordering = ("name", "id")

    def get_queryset(self):
        return groups_for(self.request.user)

    def get_serializer_class(self):
        return GroupOutput if getattr(self.request.user, "is_agent", False) else GroupBrief

    @extend_schema(responses={200: GroupOutput(many=True)})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: GroupOutput, 404: ERROR})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)


class CategoryViewSet(ReadOnlyViewSet):
    """The category tree: active categories, each with its active subcategories."""

    queryset = Category.objects.none()
    serializer_class = CategoryOutput
    pagination_class = None

    def get_queryset(self):
        return category_tree()

    @extend_schema(responses={200: CategoryOutput(many=True)})
    def list(self, request: Request) -> Response:
        return Response(CategoryOutput(self.get_queryset(), many=True).data)

    @extend_schema(responses={200: CategoryOutput, 404: ERROR})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(CategoryOutput(self.get_object()).data)
