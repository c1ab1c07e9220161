"""gunicorn settings for production: ``gunicorn -c qtakes/gunicorn.py qtakes.wsgi``.

Every value can be overridden with the usual GUNICORN_CMD_ARGS or the environment variables below.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Threads let one worker keep connections alive while another request waits on the database.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5
timeout = 30
graceful_timeout = 20
max_requests = 20000  # recycle workers now and then; jitter so they do not restart together
max_requests_jitter = 2000
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
