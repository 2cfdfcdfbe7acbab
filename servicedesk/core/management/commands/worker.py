"""``servicedesk worker``: the background worker, a Huey consumer (huey's ``run_huey``).

Run one per deployment with the scheduler (the default) and any number more with
``--no-periodic``; see docs/deployment.md.
"""

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand

# Registers the periodic jobs with the consumer; tasks.py modules are found by Huey itself.
import config.queue  # noqa: F401


class Command(RunHueyCommand):
    help = (
        "Run the background worker: executes queued tasks and, unless --no-periodic, the "
        "periodic jobs of config/queue.py."
    )
