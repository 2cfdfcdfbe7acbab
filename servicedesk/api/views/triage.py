"""/api/v1/tickets/{number}/triage/ (why a ticket has its values; the model's suggestions) and
/api/v1/triage/rules/ (the rules in order, and "test this rule" against the last tickets).

Agents only, decided before any look-up; rules are written in the admin site, testing one is
for desk admins, like the admin page it mirrors.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.serializers.tickets import TicketOutput
from servicedesk.api.serializers.triage import (
    ExplanationOutput,
    RuleOutput,
    RuleTestInput,
    RuleTestOutput,
    SavedRuleTestInput,
)
from servicedesk.api.views.common import TICKET_NUMBER, ReadOnlyViewSet, TicketPartViewSet
from servicedesk.api.views.tickets import ERROR
from servicedesk.core.errors import NotFound, PermissionDenied
from servicedesk.tickets.choices import Channel
from servicedesk.triage.models import Rule, RuleCondition, Suggestion
from servicedesk.triage.selectors import rule_list, rule_test, ticket_explanation
from servicedesk.triage.services import suggestion_accept, suggestion_dismiss


def _agents_only(request: Request, number: str) -> None:
    if not request.user.is_agent:
        # The same answer whether or not the ticket exists, as for the SLA clocks.
        raise NotFound(f"No triage on {number} that you can see (agents only).")


@extend_schema(parameters=[TICKET_NUMBER])
class TriageViewSet(TicketPartViewSet):
    """Each triaged field with its source (rule, model version and confidence, strategy,
    person), and the model's pending suggestions."""

    queryset = Suggestion.objects.none()
    serializer_class = ExplanationOutput
    pagination_class = None

    @extend_schema(responses={200: ExplanationOutput, 404: ERROR})
    def list(self, request: Request, ticket_number: str) -> Response:
        _agents_only(request, ticket_number)
        return Response(ExplanationOutput(ticket_explanation(ticket=self.ticket())).data)


@extend_schema(parameters=[TICKET_NUMBER])
class SuggestionViewSet(TicketPartViewSet):
    """Accept (the change is made as yours, one event naming the model) or dismiss one."""

    queryset = Suggestion.objects.none()
    serializer_class = TicketOutput
    lookup_value_regex = "[0-9]{1,18}"

    @extend_schema(request=None, responses={200: TicketOutput, 404: ERROR, 409: ERROR})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, ticket_number: str, pk: str) -> Response:
        _agents_only(request, ticket_number)
        ticket = suggestion_accept(
            ticket=self.ticket(), suggestion_id=int(pk), by=request.user, channel=Channel.API
        )
        return Response(TicketOutput(ticket).data, headers={"ETag": f'"{ticket.version}"'})

    @extend_schema(request=None, responses={204: None, 404: ERROR, 409: ERROR})
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, ticket_number: str, pk: str) -> Response:
        _agents_only(request, ticket_number)
        suggestion_dismiss(ticket=self.ticket(), suggestion_id=int(pk), by=request.user)
        return Response(status=204)


class IsAgent(BasePermission):
    message = "Only agents can see triage rules."

    def has_permission(self, request, view) -> bool:
        return bool(getattr(request.user, "is_agent", False))


class RuleViewSet(ReadOnlyViewSet):
    """Triage rules in the order they are tried; written in the admin site."""

    queryset = Rule.objects.none()
    serializer_class = RuleOutput
    permission_classes = [IsAuthenticated, IsAgent]
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return rule_list()

    @extend_schema(responses={200: RuleOutput(many=True), 403: ERROR})
    def list(self, request: Request) -> Response:
        return Response(RuleOutput(self.get_queryset(), many=True).data)

    @extend_schema(responses={200: RuleOutput, 403: ERROR, 404: ERROR})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(RuleOutput(self.get_object()).data)

    @extend_schema(
        operation_id="v1_triage_rules_test_unsaved",
        request=RuleTestInput,
        responses={200: RuleTestOutput, 400: ERROR, 403: ERROR},
        description="How many of the last `last` tickets (default 1,000) these conditions "
        "match, before the rule is saved: the admin's 'Test this rule'. Desk admins.",
    )
    @action(detail=False, methods=["post"])
    def test(self, request: Request) -> Response:
        _admins_only(request)
        form = RuleTestInput(data=request.data)
        form.is_valid(raise_exception=True)
        conditions = [RuleCondition(**c) for c in form.validated_data["conditions"]]
        found = rule_test(conditions=conditions, last=form.validated_data["last"])
        return Response(RuleTestOutput(found).data)

    @extend_schema(
        operation_id="v1_triage_rules_test_saved",
        request=SavedRuleTestInput,
        responses={200: RuleTestOutput, 400: ERROR, 403: ERROR, 404: ERROR},
        description="The same for a saved rule's conditions. Desk admins.",
    )
    @action(detail=True, methods=["post"], url_path="test", url_name="test-saved")
    def test_saved(self, request: Request, pk: str) -> Response:
        _admins_only(request)
        rule = self.get_object()
        form = SavedRuleTestInput(data=request.data)
        form.is_valid(raise_exception=True)
        found = rule_test(conditions=rule.conditions.all(), last=form.validated_data["last"])
        return Response(RuleTestOutput(found).data)


def _admins_only(request: Request) -> None:
    if not request.user.is_desk_admin:
        raise PermissionDenied("Only desk admins can test triage rules.")
