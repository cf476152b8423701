#!/usr/bin/env bash
# Create (once) a Python venv with Django 5.2 and psycopg: what the tests and the
# demo drive through manage.py. Reuses the venv when it already imports Django.
#   scripts/ensure-venv.sh [DIR]     (default: .cache/venv)
set -euo pipefail
dir=${1:-"$(cd "$(dirname "$0")/.." && pwd)/.cache/venv"}
if "$dir/bin/python" -c 'import django, psycopg' >/dev/null 2>&1; then
  echo "$dir/bin/python"; exit 0
fi
python3 -m venv "$dir"
# Machines here carry a local package index; prefer it so pip never waits on the network.
if [ -z "${PIP_INDEX_URL:-}" ] && [ -d /opt/pypi/simple ]; then export PIP_INDEX_URL=file:///opt/pypi/simple; fi
"$dir/bin/pip" install -q --disable-pip-version-check 'django>=5.2,<5.3' 'psycopg[binary]' >&2
"$dir/bin/python" -c 'import django, psycopg' >/dev/null
echo "$dir/bin/python"
