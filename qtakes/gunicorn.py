"""gunicorn settings for production: ``gunicorn -c qtakes/gunicorn.py qtakes.wsgi``.

Every value can be overridden with the usual GUNICORN_CMD_ARGS or the environment variables below.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Threads let one worker keep connections alive while another request waits on the database. Two,
# not four: on two cores shared with the load generator, more threads only queue for the GIL
# (p99 of cached pages went from 40-70 ms to 15-25 ms; the throughputs were within the noise).
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5
timeout = 30
graceful_timeout = 20
# Recycle workers now and then (jitter: not together). A worker serves thousands of cached pages a
# second: at 20,000 it restarted every few seconds under load, dropping its keep-alive connections.
max_requests = 500_000
max_requests_jitter = 50_000
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
