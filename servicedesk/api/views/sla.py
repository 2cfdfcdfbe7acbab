"""/api/v1/sla/: business calendars (desk admins), SLA policies (agents, read only) and the
groups' escalation targets (agents read, desk admins write).

Who may call what is checked before any look-up, so the answer to someone without the role is
the same 403 whether the record exists or not. Policies are written in the admin site.
"""

from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.serializers.sla import (
    CalendarInput,
    CalendarOutput,
    DueInput,
    DueOutput,
    ElapsedInput,
    ElapsedOutput,
    EscalationTargetChange,
    EscalationTargetInput,
    EscalationTargetOutput,
    PolicyOutput,
)
from servicedesk.api.views.common import ReadOnlyViewSet
from servicedesk.api.views.tickets import ERROR
from servicedesk.sla import clock
from servicedesk.sla.calc import due_answer, elapsed_answer
from servicedesk.sla.calendar import Calendar, CalendarError
from servicedesk.sla.configuration import (
    CalendarUnusable,
    calendar_create,
    calendar_delete,
    calendar_update,
    escalation_target_create,
    escalation_target_delete,
    escalation_target_update,
)
from servicedesk.sla.models import BusinessCalendar, EscalationTarget, SLAPolicy
from servicedesk.sla.selectors import calendar_list, escalation_target_list, policy_list


class IsDeskAdmin(BasePermission):
    message = "Only desk admins can manage business calendars."

    def has_permission(self, request, view) -> bool:
        return bool(getattr(request.user, "is_desk_admin", False))


class IsAgent(BasePermission):
    message = "Only agents can see SLA policies."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(getattr(user, "is_agent", False) or getattr(user, "is_desk_admin", False))


class CalendarViewSet(ReadOnlyViewSet):
    """Business calendars: when SLA clocks run (docs/admin-guide.md, Business calendars)."""

    queryset = BusinessCalendar.objects.none()
    serializer_class = CalendarOutput
    permission_classes = [IsAuthenticated, IsDeskAdmin]
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return calendar_list()

    @extend_schema(responses={200: CalendarOutput(many=True), 403: ERROR})
    def list(self, request: Request) -> Response:
        return Response(CalendarOutput(self.get_queryset(), many=True).data)

    @extend_schema(request=CalendarInput, responses={201: CalendarOutput, 400: ERROR, 403: ERROR})
    def create(self, request: Request) -> Response:
        form = CalendarInput(data=request.data)
        form.is_valid(raise_exception=True)
        calendar = calendar_create(values=form.validated_data)
        return Response(
            CalendarOutput(calendar).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"{request.path}{calendar.pk}/"},
        )

    @extend_schema(responses={200: CalendarOutput, 403: ERROR, 404: ERROR})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(CalendarOutput(self.get_object()).data)

    @extend_schema(
        request=CalendarInput(partial=True),
        responses={200: CalendarOutput, 400: ERROR, 403: ERROR, 404: ERROR},
        description="Change the fields sent; the calendar as a whole must still be usable.",
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        calendar = self.get_object()
        form = CalendarInput(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        calendar = calendar_update(calendar=calendar, changes=form.validated_data)
        return Response(CalendarOutput(calendar).data)

    @extend_schema(
        responses={204: None, 403: ERROR, 404: ERROR, 409: ERROR},
        description="Refused with 409 while a policy, a group or an organisation uses it.",
    )
    def destroy(self, request: Request, pk: str) -> Response:
        calendar_delete(calendar=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _calendar(self) -> Calendar:
        try:
            return self.get_object().calendar()
        except CalendarError as error:
            raise CalendarUnusable(f"The calendar as saved cannot be used: {error}.") from None

    @extend_schema(
        request=DueInput,
        responses={200: DueOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
        description="When a target falls due on this calendar: the arithmetic of "
        "`servicedesk sla-calc --target`.",
    )
    @action(detail=True, methods=["post"])
    def due(self, request: Request, pk: str) -> Response:
        return self._answer(request, DueInput, _due, blame="target")

    @extend_schema(
        request=ElapsedInput,
        responses={200: ElapsedOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
        description="Business time from start to until, less pauses: the arithmetic of "
        "`servicedesk sla-calc --until`.",
    )
    @action(detail=True, methods=["post"])
    def elapsed(self, request: Request, pk: str) -> Response:
        return self._answer(request, ElapsedInput, _elapsed, blame="until")

    def _answer(
        self,
        request: Request,
        form_class: type,
        compute: Callable[[Calendar, dict], dict],
        *,
        blame: str,
    ) -> Response:
        """Parse the times in the calendar's zone, compute, answer; what the arithmetic
        refuses (past its horizon, out of range) is a 400 under ``blame``."""
        calendar = self._calendar()
        form = form_class(data=request.data, context={"zone": calendar.zone})
        form.is_valid(raise_exception=True)
        try:
            return Response(compute(calendar, form.validated_data))
        except (ValueError, OverflowError) as error:
            raise ValidationError({blame: [_sentence(error)]}) from None


def _due(calendar: Calendar, values: dict) -> dict:
    due = clock.due_at(
        calendar=calendar, start=values["start"], target=values["target"],
        pauses=values.get("pauses", []),
    )  # fmt: skip
    return due_answer(due, zone=calendar.zone)


def _elapsed(calendar: Calendar, values: dict) -> dict:
    spent = clock.elapsed(
        calendar=calendar, start=values["start"], end=values["until"],
        pauses=values.get("pauses", []),
    )  # fmt: skip
    return elapsed_answer(spent)


class PolicyViewSet(ReadOnlyViewSet):
    """SLA policies in the order they are tried; written in the admin site."""

    queryset = SLAPolicy.objects.none()
    serializer_class = PolicyOutput
    permission_classes = [IsAuthenticated, IsAgent]
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return policy_list()

    @extend_schema(responses={200: PolicyOutput(many=True), 403: ERROR})
    def list(self, request: Request) -> Response:
        return Response(PolicyOutput(self.get_queryset(), many=True).data)

    @extend_schema(responses={200: PolicyOutput, 403: ERROR, 404: ERROR})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PolicyOutput(self.get_object()).data)


class AgentReadsAdminWrites(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if getattr(user, "is_desk_admin", False):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            self.message = "Only agents can see escalation targets."
            return bool(getattr(user, "is_agent", False))
        self.message = "Only desk admins can change escalation targets."
        return False


class EscalationTargetViewSet(ReadOnlyViewSet):
    """Where "escalate to the next tier" sends each group's tickets (docs/admin-guide.md,
    SLA policies). A group without a target falls back to the category's group of the next
    tier, then to the only active group of that tier."""

    queryset = EscalationTarget.objects.none()
    serializer_class = EscalationTargetOutput
    permission_classes = [IsAuthenticated, AgentReadsAdminWrites]
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return escalation_target_list()

    @extend_schema(responses={200: EscalationTargetOutput(many=True), 403: ERROR})
    def list(self, request: Request) -> Response:
        return Response(EscalationTargetOutput(self.get_queryset(), many=True).data)

    @extend_schema(responses={200: EscalationTargetOutput, 403: ERROR, 404: ERROR})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(EscalationTargetOutput(self.get_object()).data)

    @extend_schema(
        request=EscalationTargetInput,
        responses={201: EscalationTargetOutput, 400: ERROR, 403: ERROR, 409: ERROR},
        description="One target per group: a second one for the same group is a 409.",
    )
    def create(self, request: Request) -> Response:
        form = EscalationTargetInput(data=request.data)
        form.is_valid(raise_exception=True)
        target = escalation_target_create(**form.validated_data)
        return Response(
            EscalationTargetOutput(target).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"{request.path}{target.pk}/"},
        )

    @extend_schema(
        request=EscalationTargetChange,
        responses={200: EscalationTargetOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        target = self.get_object()
        form = EscalationTargetChange(data=request.data)
        form.is_valid(raise_exception=True)
        target = escalation_target_update(target=target, **form.validated_data)
        return Response(EscalationTargetOutput(target).data)

    @extend_schema(responses={204: None, 403: ERROR, 404: ERROR})
    def destroy(self, request: Request, pk: str) -> Response:
        escalation_target_delete(target=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _sentence(error: Exception) -> str:
    text = str(error)
    return text[:1].upper() + text[1:]
