"""gunicorn's settings for the web processes, one place for every way Ruche is served:

    gunicorn config.wsgi:application -c python:config.gunicorn --bind 127.0.0.1:8000

(deploy/systemd/ruche-web.service, deploy/compose.yaml, deploy/Dockerfile and `make loadtest`;
a setting given on the command line wins over this file.)

Sync workers, (2 × CPUs) + 1 of them, as gunicorn's documentation advises: each process serves
one request at a time and closes the connection after its answer, so waiting requests stay in
the kernel's one queue and go to whichever process is free first. With threads (gthread) each
kept-alive connection stays with the process that accepted it, and a process that happens to
hold more connections answers them later: at 50 signed-in members voting, the same machine gave
a p95 of 156–312 ms with 4 processes × 4 threads and 84–136 ms with 5 sync processes, for
about as many votes a second (docs/benchmarks.md, "gunicorn's workers").

A sync worker must not wait on a slow client: run it behind a proxy that reads each request
whole before passing it on and takes the answer at once (nginx does both by default:
`proxy_request_buffering` and `proxy_buffering`; docs/operations.md, "The web processes").
"""

import os

from config.numbers import whole_number


def default_workers() -> int:
    """WEB_CONCURRENCY when set (a container's CPU quota is not visible here), else 2 × the CPUs
    this process may run on, plus one."""
    configured = os.environ.get("WEB_CONCURRENCY", "").strip()
    if configured:
        workers = whole_number(configured)
        if workers is None or workers < 1:
            raise ValueError(f"WEB_CONCURRENCY must be a whole number ≥ 1, not {configured!r}")
        return workers
    return 2 * usable_cpus() + 1


def usable_cpus() -> int:
    """The CPUs this process may run on (Linux: its affinity, which `taskset` and cgroup
    cpusets narrow); elsewhere (macOS has no affinity call) every CPU of the machine."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


workers = default_workers()
worker_class = "sync"
# A request still running after this is stopped and its process replaced (a sync worker's only
# guard against a request that never ends).
timeout = 60
graceful_timeout = 30
accesslog = "-"
