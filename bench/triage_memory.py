"""What predicting costs a web worker's memory: the compact predictor against scikit-learn.

    .venv/bin/python bench/triage_memory.py [--model PATH] [--predictions 1000] [--fields 1]

A model is trained on the whole IT-ticket corpus as the desk trains one field (or read from
``--model``, the bytes ``storage.to_bytes`` wrote) and kept in ``var/bench/triage-model.npz``.
Then, for each way of predicting, a fresh process sets up the desk as a web worker does (Django,
every URL, the admin, the tasks), loads ``--fields`` copies of the model (a desk predicts
category, kind and group: up to three fields of about this size) and predicts ``--predictions``
corpus tickets one at a time, as ``ticket_create`` does. It prints the process's resident memory
(RSS) after set-up, after loading and after the predictions, and the median CPU time of one
prediction. Standalone: no database is touched, only the loading and predicting code the desk's
``triage.predictions`` runs (``compact_from_bytes``, or ``storage.from_bytes`` for scikit-learn).
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "it-tickets" / "tickets.csv.gz"
MODEL = ROOT / "var" / "bench" / "triage-model.npz"

PROBE = """
import json, os, statistics, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

import django
django.setup()
import config.urls, config.queue, config.wsgi  # what a web worker holds
import csv, gzip
way, model_path, corpus, fields, count = sys.argv[1:6]
with gzip.open(corpus, "rt", newline="") as source:  # not evaluation's reader: it loads sklearn
    texts = [row["Document"] for row in csv.DictReader(source)]
texts = texts[:: max(1, len(texts) // int(count))][: int(count)]
figures = {"way": way, "rss_setup": rss()}
stored = open(model_path, "rb").read()
if way == "compact":
    from servicedesk.triage.classifier.compact import compact_from_bytes as load
else:
    from servicedesk.triage.classifier.storage import from_bytes as load
models = [load(stored) for _ in range(int(fields))]
del stored
figures["rss_loaded"] = rss()
cpu = []
for text in texts:
    began = time.thread_time()
    for model in models:
        model.predict([text])
    cpu.append((time.thread_time() - began) * 1000)
figures["rss_after"] = rss()
figures["predict_cpu_ms_p50"] = round(statistics.median(cpu), 2)
figures["modules"] = sorted(m for m in ("numpy", "scipy", "sklearn") if m in sys.modules)
print(json.dumps(figures))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--predictions", type=int, default=1000)
    parser.add_argument("--fields", type=int, default=1)
    args = parser.parse_args()
    if not args.model.exists():
        from servicedesk.triage.classifier.evaluation import read_labelled_csv
        from servicedesk.triage.classifier.storage import to_bytes
        from servicedesk.triage.classifier.training import train

        data = read_labelled_csv(args.corpus, text_col="Document", label_col="Topic_group")
        began = time.process_time()
        model = train(data.texts, data.labels)
        print(f"trained on {len(data.texts):,} tickets in {time.process_time() - began:.0f} s CPU")
        args.model.parent.mkdir(parents=True, exist_ok=True)
        args.model.write_bytes(to_bytes(model))
    print(f"model: {args.model.stat().st_size / 2**20:.1f} MiB stored; {args.fields} field(s)")
    for way in ("compact", "scikit-learn"):
        done = subprocess.run(
            [sys.executable, "-c", PROBE, way, str(args.model), str(args.corpus),
             str(args.fields), str(args.predictions)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        f = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{way:>12}: RSS {f['rss_setup']:.1f} MiB set up, {f['rss_loaded']:.1f} loaded, "
            f"{f['rss_after']:.1f} after {args.predictions} predictions "
            f"(+{f['rss_after'] - f['rss_setup']:.1f}); one prediction "
            f"{f['predict_cpu_ms_p50']} ms CPU (median); modules {f['modules']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
