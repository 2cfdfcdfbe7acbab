"""The demo data as written: every story fits before the demo's "today" ends."""

from datetime import UTC, datetime, timedelta

import pytest

from servicedesk.demo.data import STORIES
from servicedesk.demo.data.directory import PEOPLE
from servicedesk.demo.data.story import Link, Watch
from servicedesk.demo.replay import DAY_ENDS, last_working_day_end, raised_at


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 3, 4, 18, 0, tzinfo=UTC), datetime(2026, 3, 4, 17, 0, tzinfo=UTC)),  # Wed
        (datetime(2026, 3, 4, 9, 0, tzinfo=UTC), datetime(2026, 3, 3, 17, 0, tzinfo=UTC)),
        (datetime(2026, 3, 2, 8, 0, tzinfo=UTC), datetime(2026, 2, 27, 17, 0, tzinfo=UTC)),  # Mon
        (datetime(2026, 3, 8, 12, 0, tzinfo=UTC), datetime(2026, 3, 6, 17, 0, tzinfo=UTC)),  # Sun
    ],
)
def test_the_demo_today_is_the_last_working_day_that_has_ended(now, expected):
    assert last_working_day_end(now) == expected


def test_days_ago_counts_working_days():
    friday_end = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
    story = next(s for s in STORIES if s.days_ago == 5)
    hour, minute = map(int, story.time.split(":"))
    assert raised_at(story, friday_end) == datetime(2026, 2, 27, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize("story", STORIES, ids=lambda story: story.key)
def test_each_story_ends_before_the_demo_today_ends(story):
    # The tightest case: no weekend between the ticket and the demo's "today".
    hour, minute = map(int, story.time.split(":"))
    room = timedelta(days=story.days_ago, hours=DAY_ENDS.hour - hour, minutes=-minute)
    steps = [timedelta(hours=step.at) for step in story.steps]
    assert steps == sorted(steps)
    assert all(step < room for step in steps), f"{story.key} runs past the demo's today"


def test_stories_name_only_known_people_and_earlier_tickets():
    usernames = {person.username for person in PEOPLE}
    seen: set[str] = set()
    for story in STORIES:
        seen.add(story.key)
        named = {story.requester, story.by, story.assignee, *story.watchers} - {""}
        named |= {step.by for step in story.steps}
        named |= {step.user for step in story.steps if isinstance(step, Watch)}
        assert named <= usernames, story.key
        for step in story.steps:
            if isinstance(step, Link):
                assert {step.source, step.target} <= seen, story.key
    assert len(seen) == len(STORIES)
