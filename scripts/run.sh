#!/usr/bin/env bash
# Started by `make run`: migrate, load the demo, then run the web server and a
# Celery worker side by side; Ctrl-C (or either one dying) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-newsroom.settings.local}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

"$PY" manage.py migrate --no-input
"$PY" manage.py load_demo

"$PY" -m celery -A newsroom worker --queues celery,nlp --concurrency "${WORKER_CONCURRENCY:-2}" --loglevel INFO &
worker=$!
"$PY" manage.py runserver "$HOST:$PORT" &
web=$!
trap 'kill "$worker" "$web" 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
echo "newsroom: http://$HOST:$PORT/ (worker pid $worker, web pid $web)"
wait -n "$worker" "$web"
