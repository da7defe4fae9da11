"""Worker processes that never outlive the process that started them."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

POLL_S = 0.5


def die_with_parent(*_worker_info) -> None:
    """Run first in a worker process (a Grain `worker_init_fn` or a pool `initializer`): a daemon
    thread ends the worker within POLL_S seconds of its parent's death, even by `kill -9`, so
    nothing it holds (the multiprocessing resource tracker included) is left behind. The kernel's
    PR_SET_PDEATHSIG is not used: it fires when the *thread* that started the worker ends, and
    Grain may start workers from short-lived threads."""
    # The parent multiprocessing recorded at spawn time: os.getppid() here would already be init's
    # if the parent died while this worker was still importing.
    started_by = multiprocessing.parent_process()
    parent = started_by.pid if started_by is not None else os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()
