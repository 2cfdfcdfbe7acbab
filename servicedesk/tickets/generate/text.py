"""Ticket titles, descriptions and comments composed from ``vocabulary``.

Common words (a category's objects, symptoms, offices) recur across many tickets, while asset
tags, host names and error codes are nearly unique: text search meets both broad and very
selective terms, as it does on a real desk.
"""

from random import Random

from servicedesk.tickets.generate import vocabulary as v

_GREETINGS = ("Hello,", "Hi team,", "Good morning,", "Hi,", "")


def _asset(rng: Random) -> str:
    return f"{rng.choice(('LT', 'PC', 'MB', 'PR'))}-{rng.randrange(10000, 100000)}"


def _host(rng: Random) -> str:
    role = rng.choice(("app", "db", "file", "web", "print", "mail"))
    return f"srv-{role}-{rng.randrange(1, 1000):03d}"


def _error(rng: Random) -> str:
    if rng.random() < 0.5:
        return f"0x{rng.randrange(0x80000000, 0x80100000):08X}"
    return f"ERR-{rng.randrange(1000, 10000)}"


def title(rng: Random, *, kind: str, item: str, family: str) -> str:
    symptom = rng.choice(v.SYMPTOMS[family])
    if kind == "request":
        return f"{rng.choice(v.REQUEST_ACTIONS)} {item} for {rng.choice(v.FIRST_NAMES)}"
    if kind == "change":
        version = f"{rng.randrange(1, 13)}.{rng.randrange(0, 10)}"
        return f"{rng.choice(v.CHANGE_ACTIONS)} {item} to version {version}"
    if kind == "problem":
        return f"{rng.choice(v.PROBLEM_OPENERS)} {item} {symptom}"
    shape = rng.random()
    if shape < 0.45:
        return f"{item} {symptom}"
    if shape < 0.8:
        return f"{item} {symptom} {rng.choice(v.CONTEXTS)}"
    if shape < 0.9:
        return f"{item}: error {_error(rng)}"
    return f"{item} on {_asset(rng)} {symptom}"


def description(rng: Random, *, title: str, item: str) -> str:
    parts = [rng.choice(_GREETINGS), f"{title} {rng.choice(v.CONTEXTS)}."]
    if rng.random() < 0.6:
        parts.append(f"I have already tried {rng.choice(v.ATTEMPTS)} but it did not help.")
    if rng.random() < 0.4:
        parts.append(f'The message says "{item} error {_error(rng)}".')
    if rng.random() < 0.5:
        parts.append(f"Asset tag {_asset(rng)}.")
    if rng.random() < 0.2:
        parts.append(f"It runs on {_host(rng)}.")
    if rng.random() < 0.3:
        parts.append(f"This affects {rng.randrange(2, 40)} colleagues.")
    return " ".join(p for p in parts if p)


def agent_reply(rng: Random) -> str:
    return rng.choice(v.AGENT_REPLIES)


def requester_reply(rng: Random) -> str:
    return rng.choice(v.REQUESTER_REPLIES)


def internal_note(rng: Random) -> str:
    return rng.choice(v.INTERNAL_NOTES).format(
        host=_host(rng),
        kb=rng.randrange(1000, 10000),
        ticket=rng.randrange(100000, 1000000),
        asset=_asset(rng),
    )


def resolution_notes(rng: Random) -> str:
    return rng.choice(v.RESOLUTION_NOTES)


def reopen_reason(rng: Random) -> str:
    return rng.choice(v.REOPEN_REASONS)
