"""gunicorn's settings for Kylään (README, Deployment): `gunicorn -c gunicorn.conf.py` reads them;
anything given on the command line (`--workers`, `--bind`) wins.

Each worker process serves its requests in threads (gthread). gunicorn's `timeout` then means
"the worker process stopped answering", not "a request took long": the worker's main thread keeps
reporting while a request thread streams a download, so an export of every idea runs to its end
instead of being killed half-way, as a synchronous worker is after `timeout` seconds. Responses
whose length is not known up front (the exports) are sent in HTTP/1.1 chunks: a download cut off
anyway — a worker that crashed or was restarted — ends without the last chunk, and the browser
reports it as failed rather than keeping a truncated file.
"""

wsgi_app = "campaign.wsgi"
worker_class = "gthread"
workers = 4
# Requests served at once by one worker process, each with its own database connection.
threads = 4
# Seconds a worker may go without reporting before it is restarted (not a limit on a request).
timeout = 30
# On a restart or deployment (SIGHUP, SIGTERM) the downloads under way get this long to finish.
graceful_timeout = 120
keepalive = 5
