"""What one chat message costs: queries and CPU time per step, in-process on SQLite.

    .venv/bin/python bench/chat_turns.py [--conversations 100] [--rules 50] [--articles 2000]

Migrates a fresh database in a temporary directory and makes a small desk: a service desk of
five agents, ten categories, ``--rules`` keyword rules (one in ten matching some problems) and
``--articles`` published public articles. Then ``--conversations`` conversations go the whole
way through the service (describe, articles "no", affected, since, people, urgency, skip,
confirm "yes"), and it prints, per step, the queries of one message (the last conversation's)
and the median CPU time (process time, not wall clock: the machine is shared) of the message
over all conversations. The describe step runs triage's rules and model (no model is trained
here: the model's cost is in docs/deployment.md) and the knowledge search; the confirm step
raises the ticket through ``ticket_create``, with the transcript as an attachment.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import fresh_sqlite_desk  # noqa: E402

PROBLEMS = ("My VPN drops every hour", "The printer on floor 3 jams on every job",
            "Outlook will not start since the update", "Wi-Fi is slow in the meeting room",
            "I cannot open the finance share")  # fmt: skip
ANSWERS = ("no", "my laptop", "since this morning", "my team", "soon", "skip", "yes")
STEPS = ("describe", "articles: no", "affected", "since", "people", "urgency", "screenshot: skip",
         "confirm: yes (raises the ticket)")  # fmt: skip
WORDS = ("vpn", "printer", "outlook", "wi-fi", "share", "password", "laptop", "teams", "excel",
         "badge", "monitor", "docking", "phone", "mailbox", "calendar")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    with fresh_sqlite_desk("chat-bench-"):
        run(args)


def run(args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from servicedesk.accounts.choices import Role
    from servicedesk.accounts.models import SupportGroup, User
    from servicedesk.channels.chat.services import conversation_start, message_post
    from servicedesk.knowledge.services import article_create
    from servicedesk.tickets.models import Category
    from servicedesk.triage.choices import Operator
    from servicedesk.triage.models import Rule, RuleCondition

    desk = SupportGroup.objects.create(name="Service Desk")
    for i in range(5):
        desk.members.add(User.objects.create(username=f"agent{i}", role=Role.AGENT))
    categories = [Category.objects.create(name=f"Category {i}") for i in range(10)]
    requester = User.objects.create(username="ann", email="ann@acme.example")
    for i in range(args.rules):
        words = WORDS[i // 10 % len(WORDS)] if i % 10 == 0 else f"never-{i}"
        rule = Rule.objects.create(name=f"rule {i}", position=i, set_category=categories[i % 10])
        RuleCondition.objects.create(rule=rule, field="text", operator=Operator.CONTAINS,
                                     value=words)  # fmt: skip
    for i in range(args.articles):
        a, b = WORDS[i % len(WORDS)], WORDS[(i * 7 + 3) % len(WORDS)]
        article = article_create(
            by=None, title=f"How to fix the {a} when the {b} fails ({i})",
            body=f"Restart the {a}. If the {b} still fails, reconnect it and sign in again. " * 5,
            keywords=f"{a}, {b}", audience="public",
        )  # fmt: skip
        type(article).objects.filter(pk=article.pk).update(state="published")

    cpu: dict[str, list[float]] = {step: [] for step in STEPS}
    queries: dict[str, int] = {}
    for n in range(args.conversations):
        texts = (PROBLEMS[n % len(PROBLEMS)], *ANSWERS)
        chat = None
        for step, text in zip(STEPS, texts, strict=True):
            with CaptureQueriesContext(connection) as captured:
                start = time.process_time()
                if chat is None:
                    chat = conversation_start(user=requester, text=text)
                else:
                    message_post(conversation=chat, by=requester, text=text)
                cpu[step].append((time.process_time() - start) * 1000)
            queries[step] = len(captured)
        chat.refresh_from_db()
        assert chat.step == "raised", chat.messages.last().body
    for step in STEPS:
        print(json.dumps({
            "step": step, "queries": queries[step],
            "cpu_ms_median": round(statistics.median(cpu[step]), 2),
            "cpu_ms_p90": round(sorted(cpu[step])[int(len(cpu[step]) * 0.9)], 2),
        }))  # fmt: skip


if __name__ == "__main__":
    main()
