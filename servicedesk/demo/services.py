"""Load the demo desk: accounts, groups, categories and ticket stories, through the real services."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from servicedesk.accounts.models import Organisation, SupportGroup, User
from servicedesk.accounts.services import group_add_member
from servicedesk.core import clock
from servicedesk.core.errors import ValidationFailed
from servicedesk.demo.data import STORIES
from servicedesk.demo.data.directory import (
    CATEGORIES,
    CONFIGURATION_ITEMS,
    DEFAULT_GROUP,
    GROUP_LEADS,
    GROUPS,
    ORGANISATIONS,
    PASSWORDS,
    PEOPLE,
)
from servicedesk.demo.data.knowledge import ARTICLES
from servicedesk.demo.data.sla import CALENDAR, POLICIES, WORKING_HOURS, ZONE_HOLIDAYS
from servicedesk.demo.data.triage import RULES, STRATEGIES
from servicedesk.demo.replay import Names, last_working_day_end, sweep_until, tell
from servicedesk.demo.selectors import database_has_data
from servicedesk.knowledge.choices import ArticleState
from servicedesk.knowledge.models import Article
from servicedesk.knowledge.services import article_create, article_transition
from servicedesk.sla.durations import parse_duration
from servicedesk.sla.models import BusinessCalendar, SLAAction, SLAPolicy, SLATarget
from servicedesk.tickets.models import Category, ConfigurationItem
from servicedesk.triage.models import GroupRouting, Rule, RuleCondition
from servicedesk.triage.pipeline import suspended


@dataclass(frozen=True)
class DemoSummary:
    accounts: int
    tickets: int


@transaction.atomic
def demo_load(*, force: bool = False) -> DemoSummary:
    """Create the demo desk in one transaction: on any error nothing is left behind.

    Refuses a database that already holds tickets or accounts other than superusers, unless
    ``force``; then records with a demo name are reused and the tickets are added.
    """
    if not force and database_has_data():
        raise ValidationFailed(
            "The database already has tickets or accounts; the demo data goes only into an "
            "empty one (use --force to add it anyway).",
            code="not_empty",
        )
    organisations = {
        name: Organisation.objects.get_or_create(name=name, defaults={"email_domain": domain})[0]
        for name, domain in ORGANISATIONS.items()
    }
    groups = {
        name: SupportGroup.objects.get_or_create(
            name=settings.SERVICEDESK_DEFAULT_GROUP if name == DEFAULT_GROUP else name,
            defaults={"tier": tier, "email": mail},
        )[0]
        for name, (tier, mail) in GROUPS.items()
    }
    users = _people(organisations, groups)
    for group_name, username in GROUP_LEADS.items():
        SupportGroup.objects.filter(pk=groups[group_name].pk).update(lead=users[username])
    names = Names(users=users, groups=groups, categories=_categories(groups), items=_items())
    _service_levels()
    today_end = last_working_day_end(timezone.localtime(clock.now()))
    # The stories replay what people did; today's rules (under --force) would change it.
    with suspended():
        for story in STORIES:
            tell(story, today_end=today_end, names=names)
    sweep_until(clock.now())
    # The rules come after the stories: each new ticket then shows triage at work.
    _triage(names)
    _knowledge(names)
    return DemoSummary(accounts=len(users), tickets=len(names.tickets))


def _knowledge(names: Names) -> None:
    """Published articles, written by their owners and published by the lead, so that the
    portal suggests answers on the first new ticket (one public and one internal article are
    past their review date, for the owners' queue)."""
    lead = names.users["mo"]
    today = timezone.localdate()
    for title, category, keywords, audience, owner, review_days, body in ARTICLES:
        if Article.objects.filter(title=title).exists():
            continue
        article = article_create(
            by=names.users[owner],
            title=title,
            body=body,
            keywords=keywords,
            category=names.categories[category],
            audience=audience,
            review_date=today + timedelta(days=review_days),
        )
        article_transition(article=article, by=lead, to=ArticleState.PUBLISHED)


def _service_levels() -> None:
    """The demo's calendar and SLA policies, made before any ticket so that their clocks run.

    The calendar is the desk's working week in its own time zone; it becomes the default one
    unless the desk has a default already. Under --force an existing calendar or policy of the
    same name is left as it is.
    """
    calendar = BusinessCalendar.objects.filter(name=CALENDAR).first()
    if calendar is None:
        zone = settings.TIME_ZONE
        country, subdivision = ZONE_HOLIDAYS.get(zone, ("", ""))
        calendar = BusinessCalendar(
            name=CALENDAR, timezone=zone, hours=WORKING_HOURS, country=country,
            subdivision=subdivision,
            is_default=not BusinessCalendar.objects.filter(is_default=True).exists(),
        )  # fmt: skip
        calendar.full_clean()
        calendar.save()
    for spec in POLICIES:
        if SLAPolicy.objects.filter(name=spec.name).exists():
            continue
        policy = SLAPolicy.objects.create(
            name=spec.name, order=spec.order, kinds=list(spec.kinds),
            priorities=list(spec.priorities), calendar=calendar,
            auto_close_after=parse_duration(spec.auto_close_after),
        )  # fmt: skip
        SLATarget.objects.bulk_create(
            SLATarget(
                policy=policy, metric=metric, priority=priority, duration=parse_duration(text)
            )
            for metric, targets in (("response", spec.response), ("resolution", spec.resolution))
            for priority, text in targets.items()
        )
        SLAAction.objects.bulk_create(
            SLAAction(policy=policy, threshold=threshold, metric=metric, action=action)
            for threshold, metric, action in spec.actions
        )


def _triage(names: Names) -> None:
    """The demo's rules and group strategies; under --force existing ones are left as they are."""
    for position, name, conditions, actions in RULES:
        if Rule.objects.filter(name=name).exists():
            continue
        values = dict(actions)
        if "set_category" in values:
            values["set_category"] = names.categories[values["set_category"]]
        if "set_group" in values:
            values["set_group"] = names.groups[values["set_group"]]
        rule = Rule.objects.create(position=position, name=name, **values)
        RuleCondition.objects.bulk_create(
            RuleCondition(rule=rule, field=field, operator=operator, value=value)
            for field, operator, value in conditions
        )
    for group_name, strategy in STRATEGIES.items():
        GroupRouting.objects.get_or_create(
            group=names.groups[group_name], defaults={"strategy": strategy}
        )


def _people(
    organisations: dict[str, Organisation], groups: dict[str, SupportGroup]
) -> dict[str, User]:
    # One hash per role, computed side by side: hashing is slow on purpose (and releases the
    # GIL), and the demo shares one password per role.
    with ThreadPoolExecutor(max_workers=len(PASSWORDS)) as pool:
        hashes = dict(zip(PASSWORDS, pool.map(make_password, PASSWORDS.values()), strict=True))
    users: dict[str, User] = {}
    for person in PEOPLE:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            # An existing account keeps its password: --force never locks anyone out.
            user = User(username=person.username, password=hashes[person.role])
        user.first_name, user.last_name = person.first_name, person.last_name
        user.display_name = f"{person.first_name} {person.last_name}"
        user.email, user.phone, user.role = person.email, person.phone, person.role
        user.organisation = organisations.get(person.organisation)
        user.is_vip = person.vip
        user.can_see_organisation_tickets = person.sees_organisation
        user.can_see_all_tickets = person.sees_all
        # Never takes a privilege away from an account that existed before.
        user.is_staff = user.is_staff or person.is_admin
        user.is_superuser = user.is_superuser or person.is_admin
        user.is_active = True
        user.save()
        for group_name in person.groups:
            group_add_member(group=groups[group_name], user=user)
        users[person.username] = user
    return users


def _categories(groups: dict[str, SupportGroup]) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for name, (group_name, children) in CATEGORIES.items():
        parent, _ = Category.objects.get_or_create(
            name=name, parent=None, defaults={"default_group": groups[group_name]}
        )
        categories[name] = parent
        for child in children:
            categories[f"{name} > {child}"] = Category.objects.get_or_create(
                name=child, parent=parent
            )[0]
    return categories


def _items() -> dict[str, ConfigurationItem]:
    return {
        name: ConfigurationItem.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for name, kind in CONFIGURATION_ITEMS.items()
    }
