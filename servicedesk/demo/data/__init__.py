"""The demo desk, written as data: who is who, what tickets are filed under, and ticket stories."""

from servicedesk.demo.data.finished_tickets import FINISHED
from servicedesk.demo.data.open_tickets import OPEN
from servicedesk.demo.data.story import TicketStory

# Oldest first, so that ticket numbers rise with the time the tickets were raised.
STORIES: tuple[TicketStory, ...] = tuple(
    sorted(OPEN + FINISHED, key=lambda story: (-story.days_ago, story.time))
)
