#!/usr/bin/env bash
# Entry point of `npm run bench`. Settings come from the environment (BENCH_DURATION, BENCH_CONNECTIONS,
# BENCH_WARMUP, BENCH_SESSIONS, BENCH_GROUP=core|engines|frameworks|all, BENCH_ONLY=bare-node,django, ...); see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")"
bench=$PWD
root=$(cd .. && pwd)

# Django (gunicorn, python3) only for runs that measure it: not the frameworks group, not a BENCH_ONLY without it.
django=1
if [ "${BENCH_GROUP:-all}" = frameworks ] && [ -z "${BENCH_ONLY:-}" ]; then django=0; fi
if [ -n "${BENCH_ONLY:-}" ] && [[ ",${BENCH_ONLY// /}," != *,django,* ]]; then django=0; fi
tools=(wrk taskset)
[ "$django" = 1 ] && tools+=("${BENCH_GUNICORN:-/usr/bin/gunicorn}" "${BENCH_PYTHON:-/usr/bin/python3}")
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 1; }
done

# The harness runs on the root's tsx and typescript; the peers have their own install.
[ -x "$root/node_modules/.bin/tsx" ] || (cd "$root" && npm ci --no-audit --no-fund)
missing=0
for dep in express express-session connect-sqlite3 sqlite3/build connect-redis redis connect-pg-simple \
  @fastify/session @fastify/cookie koa-session hono hono-sessions @hono/session; do
  [ -d "node_modules/$dep" ] || missing=1
done
if [ "$missing" = 1 ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

# Migrate Django once into a template database; each run copies it into its own temp dir.
mkdir -p .work
if [ "$django" = 1 ]; then
  export BENCH_DJANGO_TEMPLATE="$bench/.work/django-template.sqlite3"
  rm -f "$BENCH_DJANGO_TEMPLATE"
  (cd django_app && BENCH_DJANGO_DB="$BENCH_DJANGO_TEMPLATE" "${BENCH_PYTHON:-/usr/bin/python3}" manage.py migrate --noinput >/dev/null)
fi

exec "$root/node_modules/.bin/tsx" "$bench/harness.ts"
