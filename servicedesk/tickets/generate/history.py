"""One generated ticket's life, from its creation to where it stands now.

A ticket draws a path of states from the log (new -> ... -> resolved -> closed), a time to
resolution and a delay to closing, a number of reassignments and a number of comments. The
path's inner moves, the reassignments and the comments fall at random moments before the
resolution; whatever falls after "now" has not happened yet, so recent tickets are still open
in whichever state their path had reached. The ticket row, its events and its comments are
written from that one walk, the way the services would have written them: the created event
lists what intake records, each change lists ``{field: [from, to]}`` with readable values, the
first public agent reply stamps the first response, a reopen clears ``resolved_at``, closing
stamps ``closed_at``, and every change except a comment bumps the version.

The log's updates that moved neither the state nor the group (work notes, replies, small edits)
become comments, public or internal.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from random import Random
from typing import Any

from servicedesk.tickets.choices import Channel, EventKind, ResolutionCode, State
from servicedesk.tickets.generate import text
from servicedesk.tickets.generate.directory import Directory, Person, Team
from servicedesk.tickets.generate.profile import Profile, Weighted

# The log's close codes are anonymised; the most frequent takes the first of these, and so on.
RESOLUTION_BY_RANK = (
    ResolutionCode.SOLVED, ResolutionCode.WORKAROUND, ResolutionCode.REMOTE,
    ResolutionCode.USER_ERROR, ResolutionCode.NOT_SOLVED, ResolutionCode.DUPLICATE,
    ResolutionCode.CLOSED_BY_CALLER, ResolutionCode.KNOWN_ERROR,
    ResolutionCode.NOT_SOLVED_COSTLY, ResolutionCode.OTHER,
)  # fmt: skip
_STATE, _GROUP, _COMMENT = 0, 1, 2
_WAITING_ON_REQUESTER = (State.AWAITING_USER, State.RESOLVED)
_FINAL = (State.CLOSED, State.CANCELLED)
_REPLY_CHANNEL = {Channel.EMAIL: Channel.EMAIL}  # how a requester answers: by mail or the portal


@dataclass(slots=True)
class Made:
    ticket: dict[str, Any]
    events: list[dict[str, Any]]
    comments: list[dict[str, Any]]


def _moment(ts: float) -> datetime:
    return datetime.fromtimestamp(int(ts), UTC)


class TicketMaker:
    """Makes tickets from one profile and directory; all chance comes from the given rng."""

    def __init__(
        self,
        *,
        profile: Profile,
        directory: Directory,
        matrix: dict[tuple[int, int], int],
        now: datetime,
    ) -> None:
        self.p = profile
        self.d = directory
        self.matrix = matrix
        self.now = now.timestamp()
        ranks = min(len(RESOLUTION_BY_RANK), len(profile.close_codes))
        weights = profile.close_codes[:ranks]
        weights[-1] += sum(profile.close_codes[ranks:])
        self.codes: Weighted[str] = Weighted(RESOLUTION_BY_RANK[:ranks], weights)
        self.desk = directory.teams[0]

    # ---- choices -------------------------------------------------------------------------

    def _member(self, rng: Random, team: Team) -> Person:
        return team.members[int(rng.random() * len(team.members))]

    def _chain(self, rng: Random, final: int, moves: int) -> list[int]:
        """Groups a ticket passes through: it starts at the service desk, ends in ``final``."""
        chain = [0]
        for _ in range(moves - 1):
            step = self.d.team_pick.draw(rng)
            chain.append(step if step != chain[-1] else (step + 1) % len(self.d.teams))
        if final == chain[-1]:
            final = (final + 1) % len(self.d.teams)
        chain.append(final)
        return chain

    # ---- one ticket ----------------------------------------------------------------------

    def make(self, rng: Random, *, created: float, kind: str) -> Made:
        p, d, r = self.p, self.d, rng.random
        impact, urgency = p.impact_urgency.draw(rng)
        priority = self.matrix[(impact, urgency)]
        topic = d.topics[d.topic_pick.draw(rng)]
        if topic.pick is not None:
            sub_id, sub_label, item = topic.subcategories[topic.pick.draw(rng)]
        else:
            sub_id, sub_label, item = None, None, topic.name
        channel = p.channels.draw(rng)
        channel = Channel.EMAIL if channel == "email" else Channel.PHONE
        requester = d.requesters[d.requester_pick.draw(rng)]
        title = text.title(rng, kind=kind, item=item, family=topic.family)
        description = text.description(rng, title=title, item=item)

        path = p.state_paths.draw(rng)
        moves = p.reassignments.draw(rng)
        resolve_at = created + p.resolution_hours.draw(rng) * 3600
        close_after = p.close_hours.draw(rng)
        span = resolve_at - created

        last_resolve = len(path) - 2
        inner = sorted(created + r() * span for _ in range(last_resolve - 1))
        moments: list[tuple[float, int, int, Any]] = [
            (ts, i, _STATE, path[i]) for i, ts in enumerate(inner, start=1)
        ]
        moments.append((resolve_at, last_resolve, _STATE, State.RESOLVED))
        moments.append((resolve_at + close_after * 3600, last_resolve + 1, _STATE, State.CLOSED))
        if r() < p.cancelled_share:
            # Withdrawn before it was solved: cancelled where the path would have moved on.
            cut = int(r() * last_resolve)
            while cut and path[cut] == State.RESOLVED:
                cut -= 1
            ts, order, _, _ = moments[cut]
            moments[cut:] = [(ts, order, _STATE, State.CANCELLED)]
        moments += [(created + r() * span, 100 + k, _GROUP, None) for k in range(moves)]
        comments = p.notes.draw(rng)
        share = p.public_comment_share
        moments += [(created + r() * span, 200 + k, _COMMENT, r() < share) for k in range(comments)]
        moments.sort()

        final_team = d.team_pick.draw(rng)
        chain = self._chain(rng, final_team, moves) if moves else [final_team]
        team = d.teams[chain[0]]
        reporter = self._member(rng, self.desk) if channel == Channel.PHONE else None
        made_at = _moment(created)
        created_changes = {
            "kind": [None, kind], "state": [None, State.NEW.value], "channel": [None, channel.value],
            "title": [None, title], "requester": [None, requester.name], "impact": [None, impact],
            "urgency": [None, urgency], "priority": [None, priority],
            "category": [None, topic.name], "subcategory": [None, sub_label],
            "assignment_group": [None, team.name],
        }  # fmt: skip
        if sub_label is None:
            del created_changes["subcategory"]
        events = [
            {
                "kind": EventKind.CREATED.value,
                "actor_id": reporter.id if reporter else requester.id,
                "channel": channel.value,
                "created_at": made_at,
                "changes": created_changes,
                "message": "",
                "is_internal": False,
            }
        ]
        comment_rows: list[dict[str, Any]] = []
        reply_channel = _REPLY_CHANNEL.get(channel, Channel.PORTAL).value

        state = State.NEW.value
        assignee: Person | None = None
        hop = 0
        version = 1
        reopens = 0
        code = ""
        notes = ""
        resolved_at: datetime | None = None
        resolved_by: Person | None = None
        closed_at: datetime | None = None
        first_response: datetime | None = None
        updated = made_at
        now = self.now

        for ts, _, what, value in moments:
            if ts > now:
                break
            at = _moment(ts)
            message = ""
            internal = False
            event_kind = EventKind.UPDATED.value
            event_channel = Channel.DESK.value
            if what == _COMMENT:
                by_requester = value and state not in _WAITING_ON_REQUESTER and r() < 0.4
                author = requester if by_requester else (assignee or self._member(rng, team))
                if not value:
                    body = text.internal_note(rng)
                elif by_requester:
                    body = text.requester_reply(rng)
                else:
                    body = text.agent_reply(rng)
                comment_channel = reply_channel if by_requester else Channel.DESK.value
                comment_rows.append(
                    {
                        "author_id": author.id,
                        "body": body,
                        "is_public": value,
                        "channel": comment_channel,
                        "created_at": at,
                    }
                )
                changes: dict[str, list[Any]] = {
                    "comment": [None, "public" if value else "internal"]
                }
                if value and not by_requester and first_response is None:
                    first_response = at
                    changes["first_response_at"] = [None, at.isoformat()]
                event_kind = EventKind.COMMENTED.value
                event_channel = comment_channel
                actor = author
                internal = not value
            elif what == _GROUP:
                if hop + 1 >= len(chain):
                    continue
                hop += 1
                before = team
                team = d.teams[chain[hop]]
                actor = assignee or self._member(rng, before)
                changes = {
                    "assignment_group": [before.name, team.name],
                    "reassignment_count": [hop - 1, hop],
                }
                if state != State.NEW:
                    new_assignee = self._member(rng, team)
                    # An agent in both groups may keep the ticket: then the assignee is no change.
                    if assignee is None or new_assignee.id != assignee.id:
                        before_name = assignee.name if assignee else None
                        changes["assignee"] = [before_name, new_assignee.name]
                    assignee = new_assignee
                version += 1
            else:
                changes = {"state": [state, value]}
                actor = assignee
                if state == State.NEW and value != State.CANCELLED and assignee is None:
                    assignee = actor = self._member(rng, team)
                    changes["assignee"] = [None, assignee.name]
                if value == State.RESOLVED:
                    new_code = self.codes.draw(rng).value
                    if new_code != code:
                        changes["resolution_code"] = [code, new_code]
                        code = new_code
                    if not notes:
                        notes = text.resolution_notes(rng)
                        changes["resolution_notes"] = ["", notes]
                    resolved_at, resolved_by = at, assignee
                    changes["resolved_at"] = [None, at.isoformat()]
                elif state == State.RESOLVED and value != State.CLOSED:
                    # The requester rejects the resolution: back to work, counted as a reopen.
                    reopens += 1
                    changes["reopen_count"] = [reopens - 1, reopens]
                    changes["resolved_at"] = [
                        resolved_at.isoformat() if resolved_at else None,
                        None,
                    ]
                    resolved_at = resolved_by = None
                    event_kind = EventKind.RESOLUTION_REJECTED.value
                    event_channel = reply_channel
                    actor = requester
                    message = text.reopen_reason(rng)
                elif value == State.CLOSED:
                    closed_at = at
                    changes["closed_at"] = [None, at.isoformat()]
                    if close_after < p.accept_within_hours:
                        event_kind = EventKind.RESOLUTION_ACCEPTED.value
                        event_channel = reply_channel
                        actor = requester
                    else:
                        actor = None
                        event_channel = Channel.SYSTEM.value
                        message = (
                            "Closed automatically: no reply within five days of the resolution."
                        )
                elif value == State.CANCELLED and actor is None:
                    actor = self._member(rng, team)
                state = value
                version += 1
            events.append(
                {
                    "kind": event_kind,
                    "actor_id": actor.id if actor else None,
                    "channel": event_channel,
                    "created_at": at,
                    "changes": changes,
                    "message": message,
                    "is_internal": internal,
                }
            )
            updated = at
            if state in _FINAL:
                break

        ticket = {
            "kind": kind,
            "title": title,
            "description": description,
            "state": state,
            "channel": channel.value,
            "requester_id": requester.id,
            "reported_by_id": reporter.id if reporter else None,
            "organisation_id": requester.organisation_id,
            "category_id": topic.id,
            "subcategory_id": sub_id,
            "impact": impact,
            "urgency": urgency,
            "priority": priority,
            "assignment_group_id": team.id,
            "assignee_id": assignee.id if assignee else None,
            "reassignment_count": hop,
            "reopen_count": reopens,
            "created_at": made_at,
            "updated_at": updated,
            "first_response_at": first_response,
            "resolved_at": resolved_at,
            "closed_at": closed_at,
            "resolved_by_id": resolved_by.id if resolved_by else None,
            "resolution_code": code,
            "resolution_notes": notes,
            "knowledge": r() < p.knowledge_share,
            "version": version,
        }
        return Made(ticket, events, comment_rows)
