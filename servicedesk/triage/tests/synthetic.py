"""Small labelled ticket sets made up for fast tests: each label has words of its own, and
every text also carries words shared by all labels, so the classes overlap a little."""

import random

VOCABULARY = {
    "Hardware": [
        "laptop",
        "screen",
        "keyboard",
        "dock",
        "monitor",
        "battery",
        "charger",
        "mouse",
        "broken",
    ],
    "Access": [
        "password",
        "account",
        "locked",
        "login",
        "reset",
        "permission",
        "mailbox",
        "vpn",
        "access",
    ],
    "Purchase": [
        "order",
        "licence",
        "quote",
        "invoice",
        "buy",
        "purchase",
        "supplier",
        "budget",
        "approve",
    ],
}
SHARED = [
    "please",
    "help",
    "thanks",
    "urgent",
    "user",
    "team",
    "issue",
    "request",
    "today",
    "hello",
    "regards",
]


def tickets(n_per_label: int, *, seed: int = 0, labels=None) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, answers = [], []
    for label in labels or VOCABULARY:
        for _ in range(n_per_label):
            words = rng.choices(VOCABULARY[label], k=rng.randint(2, 5))
            words += rng.choices(SHARED, k=rng.randint(3, 8))
            # One text in ten borrows the words of another label: the labels are noisy.
            if rng.random() < 0.1:
                words += rng.choices(VOCABULARY[rng.choice(list(VOCABULARY))], k=3)
            rng.shuffle(words)
            texts.append(" ".join(words))
            answers.append(label)
    return texts, answers
