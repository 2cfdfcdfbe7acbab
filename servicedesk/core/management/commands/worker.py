"""``servicedesk worker``: the background worker, a Huey consumer (huey's ``run_huey``).

Run one per deployment with the scheduler (the default) and any number more with
``--no-periodic``; see docs/deployment.md.
"""

import logging

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand

# Registers the periodic jobs with the consumer; tasks.py modules are found by Huey itself.
import config.queue  # noqa: F401


class Command(RunHueyCommand):
    help = (
        "Run the background worker: executes queued tasks and, unless --no-periodic, the "
        "periodic jobs of config/queue.py."
    )

    def handle(self, *args, **options):
        huey_logger = logging.getLogger("huey")
        if not huey_logger.handlers:
            # run_huey then gives the "huey" logger a handler of its own (its format, its
            # --logfile, its level); propagating as well would print each line a second time
            # through the console handler that LOGGING puts on the root logger.
            huey_logger.propagate = False
        super().handle(*args, **options)
