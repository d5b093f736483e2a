# gunicorn settings for production (docs/deploy.md). Sync workers: measured on a 2-core machine
# they give the best p99 for template pages (shared/docs/performance-baselines.md).
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(4, max(2, multiprocessing.cpu_count()))))
worker_class = "sync"
backlog = 2048
timeout = 60
accesslog = "-"
wsgi_app = "gcmhub.wsgi:application"
