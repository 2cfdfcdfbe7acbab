"""The people, organisations, groups and categories generated tickets refer to.

Created once and reused by every later run: the pool is drawn from a fixed seed, whatever seed
the tickets use, and each record is looked up by its name (users by their ``gen-`` username)
before it is created. Sizes and skews come from the profile: as many end users as the log has
callers, each calling as often as a caller of the log; as many agents as it has assignees; one
group per group of the log, as large as the number of people assigned tickets in it; one
organisation per location. The log's largest group becomes the L1 service desk (the group
settings.SERVICEDESK_DEFAULT_GROUP names), the next 24 are L2 teams and the rest L3.
"""

import secrets
from dataclasses import dataclass, field
from random import Random

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils.text import slugify

from servicedesk.accounts.choices import Role, Tier
from servicedesk.accounts.models import Membership, Organisation, SupportGroup, User
from servicedesk.core import config
from servicedesk.tickets.generate import vocabulary as v
from servicedesk.tickets.generate.profile import Profile, Weighted
from servicedesk.tickets.models import Category

POOL_SEED = 20160229  # the first day of the log
USERNAME_PREFIX = "gen-"
L2_GROUPS = 24


@dataclass(slots=True)
class Person:
    id: int
    name: str
    organisation_id: int | None = None


@dataclass(slots=True)
class Team:
    id: int
    name: str
    tier: str
    members: list[Person] = field(default_factory=list)


@dataclass(slots=True)
class Topic:
    """A category with its subcategories: (id, label as events write it, item name)."""

    id: int
    name: str
    family: str
    subcategories: list[tuple[int, str, str]]
    pick: Weighted[int] | None


@dataclass(slots=True)
class Directory:
    teams: list[Team]  # ranked like the log's groups; teams[0] is the L1 service desk
    team_pick: Weighted[int]
    requesters: list[Person]
    requester_pick: Weighted[int]
    topics: list[Topic]
    topic_pick: Weighted[int]
    users_created: int
    pool_size: int


def directory_ensure(*, profile: Profile) -> Directory:
    """Create what is missing of the generated pool (in the caller's transaction) and load it."""
    rng = Random(POOL_SEED)
    organisations = _organisations(rng, len(profile.locations))
    org_pick = Weighted(organisations, profile.locations[: len(organisations)])
    people = _people(rng, profile, org_pick)
    existing = dict(
        User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", "id")
    )
    new = [
        User(
            username=username,
            display_name=name,
            first_name=name.split()[0],
            last_name=name.split(maxsplit=1)[1],
            email=f"{username[len(USERNAME_PREFIX) :]}@{domain}",
            role=role,
            organisation_id=org_id,
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
        )
        for username, name, role, org_id, domain in people
        if username not in existing
    ]
    User.objects.bulk_create(new, batch_size=500)
    ids = dict(
        User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", "id")
    )
    agents = [Person(ids[u], name) for u, name, role, _, _ in people if role != Role.END_USER]
    requesters = [
        Person(ids[u], name, org) for u, name, role, org, _ in people if role == Role.END_USER
    ]
    teams = _teams(rng, profile, agents)
    weights = [profile.tickets_per_caller.draw(rng) for _ in requesters]
    topics = _topics(profile)
    return Directory(
        teams=teams,
        team_pick=Weighted(range(len(teams)), profile.groups[: len(teams)]),
        requesters=requesters,
        requester_pick=Weighted(range(len(requesters)), weights),
        topics=topics,
        topic_pick=Weighted(
            range(len(topics)), [c["tickets"] for c in profile.categories[: len(topics)]]
        ),
        users_created=len(new),
        pool_size=len(people),
    )


def _organisations(rng: Random, wanted: int) -> list[tuple[int, str]]:
    names = [f"{a} {b}" for a in v.ORGANISATION_PREFIXES for b in v.ORGANISATION_SUFFIXES]
    rng.shuffle(names)
    names = names[:wanted]
    found = dict(Organisation.objects.filter(name__in=names).values_list("name", "id"))
    new = [
        Organisation(name=name, email_domain=f"{slugify(name)}.example")
        for name in names
        if name not in found
    ]
    Organisation.objects.bulk_create(new)
    found = dict(Organisation.objects.filter(name__in=names).values_list("name", "id"))
    return [(found[name], f"{slugify(name)}.example") for name in names]


def _people(rng: Random, profile: Profile, org_pick: Weighted) -> list[tuple]:
    """(username, name, role, organisation id, mail domain) for agents, then end users."""
    people = []
    for i in range(profile.agents):
        name = f"{rng.choice(v.FIRST_NAMES)} {rng.choice(v.LAST_NAMES)}"
        people.append((f"{USERNAME_PREFIX}agent-{i:04d}", name, Role.AGENT, None, "desk.example"))
    for i in range(profile.callers):
        name = f"{rng.choice(v.FIRST_NAMES)} {rng.choice(v.LAST_NAMES)}"
        org_id, domain = org_pick.draw(rng)
        people.append((f"{USERNAME_PREFIX}user-{i:05d}", name, Role.END_USER, org_id, domain))
    return people


def _group_names(count: int) -> list[tuple[str, str]]:
    names = [(settings.SERVICEDESK_DEFAULT_GROUP, Tier.L1)]
    for rank in range(1, count):
        if rank <= L2_GROUPS:
            area, suffix, tier = v.AREAS[(rank - 1) % len(v.AREAS)], "Support", Tier.L2
            lap = (rank - 1) // len(v.AREAS)
        else:
            area, suffix, tier = (
                v.AREAS[(rank - 1 - L2_GROUPS) % len(v.AREAS)],
                "Engineering",
                Tier.L3,
            )
            lap = (rank - 1 - L2_GROUPS) // len(v.AREAS)
        names.append((f"{area} {suffix}" + (f" {lap + 1}" if lap else ""), tier))
    return names


def _teams(rng: Random, profile: Profile, agents: list[Person]) -> list[Team]:
    names = _group_names(len(profile.groups))
    found = {g.name: g for g in SupportGroup.objects.filter(name__in=[n for n, _ in names])}
    SupportGroup.objects.bulk_create(
        [SupportGroup(name=n, tier=tier) for n, tier in names if n not in found]
    )
    groups = {g.name: g for g in SupportGroup.objects.filter(name__in=[n for n, _ in names])}
    teams = []
    memberships = []
    for (name, _), size in zip(names, profile.group_agents, strict=True):
        group = groups[name]
        members = rng.sample(agents, max(1, min(size, len(agents))))
        teams.append(Team(group.pk, group.name, group.tier, members))
        memberships += [Membership(group_id=group.pk, user_id=p.id) for p in members]
    Membership.objects.bulk_create(memberships, batch_size=500, ignore_conflicts=True)
    # Each group's first member leads it; the service desk's lead sees every ticket.
    for team, (name, _) in zip(teams, names, strict=True):
        lead = team.members[0]
        if groups[name].lead_id is None:
            SupportGroup.objects.filter(pk=team.id).update(lead_id=lead.id)
        User.objects.filter(pk=lead.id, role=Role.AGENT).update(role=Role.LEAD)
    User.objects.filter(pk=teams[0].members[0].id).update(can_see_all_tickets=True)
    config.changed()  # groups made in bulk send no signal: running processes re-read them
    return teams


def _topics(profile: Profile) -> list[Topic]:
    topics = []
    for (name, items, family), measured in zip(v.CATEGORIES, profile.categories, strict=False):
        root, _ = Category.objects.get_or_create(name=name, parent=None)
        counts = list(measured["subcategories"])
        if len(counts) > len(items):  # the log's long tail goes under the last name
            counts[len(items) - 1 :] = [sum(counts[len(items) - 1 :])]
        subcategories = []
        for item in items[: len(counts)]:
            sub, _ = Category.objects.get_or_create(name=item, parent=root)
            subcategories.append((sub.pk, f"{name} > {item}", item))
        pick = Weighted(range(len(counts)), counts) if counts else None
        topics.append(Topic(root.pk, name, family, subcategories, pick))
    return topics
