"""Knowledge-base search timed on 10,000 generated articles, SQLite and PostgreSQL.

    .venv/bin/python bench/kb_search.py [--articles 10000] [--samples 300] [--seed 0]
                                        [--database sqlite|postgres]

For the database named it makes a fresh one (SQLite: a file in a temporary folder; PostgreSQL: the
database ``kb_bench`` on ``BENCH_POSTGRES_URL``, default the local server), migrates it, and
inserts the articles in bulk (the index triggers / generated column fill the index as they
would for a real import). Articles: titles and bodies drawn from an IT-support vocabulary of
about 1,400 words plus 3,000 rarer made-up product and error names, 80-400 words each; 85%
published, 80% of those public.

Then ``article_search`` (what the portal, the desk and the chatbot call) runs as an end user
on six kinds of query, ``--samples`` of each, in a shuffled order: one common word, two words,
a sentence as a user types it into the ticket form, a prefix, a misspelt word (the spelling
fallback), and words no article holds. It prints p50 and p95 per kind and overall, wall
clock and this process's CPU time (PostgreSQL's own CPU is in the wall clock, not the CPU
column). Target: p95 under 100 ms on SQLite.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_P95_MS = 100
TOPICS = {
    "vpn": "vpn globalprotect tunnel gateway remote connect disconnect drops session token",
    "printer": "printer paper jam tray toner print queue spooler duplex scanner copier",
    "outlook": "outlook email mailbox calendar meeting invite attachment signature inbox",
    "password": "password reset locked account login sign expired security question mfa",
    "wifi": "wifi wireless network guest access point signal roaming certificate ssid",
    "laptop": "laptop battery charger dock screen keyboard touchpad bios boot slow fan",
    "erp": "erp invoice ledger report timeout posting vendor purchase order finance",
    "teams": "teams chat call camera microphone headset screen share channel presence",
    "monitor": "monitor display cable hdmi displayport resolution flicker dock adapter",
    "share": "share drive folder permission mapped network path quota restore backup",
    "phone": "phone mobile sim voicemail extension softphone pin contacts sync",
    "software": "software install licence update application center uninstall version",
}
COMMON = [
    "the",
    "a",
    "to",
    "and",
    "of",
    "in",
    "for",
    "on",
    "with",
    "is",
    "it",
    "your",
    "you",
    "this",
    "that",
    "if",
    "from",
    "by",
    "be",
    "are",
    "not",
    "can",
    "open",
    "click",
    "choose",
    "select",
    "then",
    "again",
    "after",
    "before",
    "when",
    "check",
    "restart",
    "sign",
    "close",
    "start",
    "menu",
    "settings",
    "window",
    "button",
    "page",
    "user",
    "desk",
    "ticket",
    "problem",
    "issue",
    "error",
    "message",
    "help",
    "works",
    "working",
    "stopped",
    "still",
    "every",
    "hour",
    "day",
    "week",
    "minute",
    "first",
    "next",
    "last",
    "time",
]


def _rare_words(rng: random.Random, n: int) -> list[str]:
    syllables = ["ka", "zo", "tri", "vex", "lor", "qua", "nim", "dra", "pel", "sor", "xi", "tum"]
    out = set()
    while len(out) < n:
        out.add(
            "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            + str(rng.randint(0, 99))
        )
    return sorted(out)


def _articles(rng: random.Random, n: int):
    rare = _rare_words(rng, 3000)
    topics = list(TOPICS)
    for i in range(n):
        topic = rng.choice(topics)
        words = TOPICS[topic].split()
        other = TOPICS[rng.choice(topics)].split()
        title = " ".join(rng.sample(words, 3) + [rng.choice(rare)]).capitalize()
        body_words = []
        for _ in range(rng.randint(80, 400)):
            r = rng.random()
            pool = words if r < 0.25 else other if r < 0.32 else rare if r < 0.36 else COMMON
            body_words.append(rng.choice(pool))
        body = " ".join(body_words)
        keywords = ", ".join(rng.sample(words, 3))
        state = "published" if rng.random() < 0.85 else rng.choice(["draft", "review", "retired"])
        audience = "public" if rng.random() < 0.8 else "internal"
        yield i, title, body, keywords, state, audience


def _queries(rng: random.Random, samples: int) -> list[tuple[str, str]]:
    all_words = sorted({w for v in TOPICS.values() for w in v.split()})
    kinds = {
        "one word": lambda: rng.choice(all_words),
        "two words": lambda: " ".join(rng.sample(TOPICS[rng.choice(list(TOPICS))].split(), 2)),
        "sentence": lambda: (
            f"my {rng.choice(all_words)} keeps {rng.choice(all_words)} every time I "
            f"{rng.choice(COMMON)} the {rng.choice(all_words)}"
        ),
        "prefix": lambda: rng.choice([w for w in all_words if len(w) >= 6])[:4],
        "typo": lambda: _typo(rng, rng.choice([w for w in all_words if len(w) >= 6])),
        "no match": lambda: f"zzqx{rng.randint(0, 9999)} wxyq{rng.randint(0, 9999)}",
    }
    queries = [(kind, make()) for kind, make in kinds.items() for _ in range(samples)]
    rng.shuffle(queries)
    return queries


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :]  # one letter dropped


def _setup(database: str, workdir: Path) -> None:
    os.environ["SERVICEDESK_DATA_DIR"] = str(workdir)
    if database == "postgres":
        base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        parts = urlsplit(base)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/kb_bench"))
        import psycopg

        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS kb_bench")
            conn.execute("CREATE DATABASE kb_bench")
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(n: int, seed: int) -> float:
    from django.db import connection, transaction

    from servicedesk.core import clock
    from servicedesk.knowledge.models import Article
    from servicedesk.knowledge.rendering import plain_text, render_markdown

    began = time.perf_counter()
    now = clock.now()
    batch = []
    with transaction.atomic():
        for _, title, body, keywords, state, audience in _articles(random.Random(seed), n):
            html = render_markdown(body)
            batch.append(
                Article(
                    title=title,
                    body=body,
                    body_html=html,
                    body_text=plain_text(html),
                    keywords=keywords,
                    state=state,
                    audience=audience,
                    created_at=now,
                    updated_at=now,
                )  # fmt: skip
            )
            if len(batch) == 1000:
                Article.objects.bulk_create(batch)
                batch = []
        Article.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE knowledge_article")
    return time.perf_counter() - began


def _pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def _measure(samples: int, seed: int) -> dict[str, tuple[list[float], list[float], int]]:
    from django.contrib.auth.models import AnonymousUser

    from servicedesk.knowledge.selectors import article_search

    user = AnonymousUser()
    for q in ("vpn", "printer jam", "pasword"):  # warm the caches and the connection
        article_search(user=user, query=q)
    out: dict[str, tuple[list[float], list[float], int]] = {}
    for kind, query in _queries(random.Random(seed + 1), samples):
        w0, c0 = time.perf_counter(), time.process_time()
        hits = article_search(user=user, query=query, limit=5)
        wall, cpu = (time.perf_counter() - w0) * 1000, (time.process_time() - c0) * 1000
        walls, cpus, found = out.setdefault(kind, ([], [], 0))
        walls.append(wall)
        cpus.append(cpu)
        out[kind] = (walls, cpus, found + (1 if hits else 0))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        _setup(args.database, workdir)
        fill_s = _fill(args.articles, args.seed)
        results = _measure(args.samples, args.seed)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{args.database}: {args.articles:,} articles inserted and indexed in {fill_s:.1f}s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    print("| query | found | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    every_wall: list[float] = []
    every_cpu: list[float] = []
    for kind, (walls, cpus, found) in results.items():
        every_wall += walls
        every_cpu += cpus
        print(f"| {kind} | {found}/{len(walls)} | {_pct(walls, 50):.1f} | {_pct(walls, 95):.1f} "
              f"| {_pct(cpus, 50):.1f} | {_pct(cpus, 95):.1f} |")  # fmt: skip
    p95 = _pct(every_wall, 95)
    print(f"| all | | {_pct(every_wall, 50):.1f} | {p95:.1f} | {_pct(every_cpu, 50):.1f} "
          f"| {_pct(every_cpu, 95):.1f} |")  # fmt: skip
    print(f"target p95 < {TARGET_P95_MS} ms: {'met' if p95 < TARGET_P95_MS else 'MISSED'}")


if __name__ == "__main__":
    main()
