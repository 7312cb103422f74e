#!/usr/bin/env bash
# Installs Request Tracker 5 from Debian (request-tracker5, rt5-db-postgresql, rt5-standalone)
# on this machine's PostgreSQL (127.0.0.1:5432, user postgres, trust auth), and starts its
# standalone server on 127.0.0.1:${RT_PORT:-8099}. Idempotent: a second run only (re)starts it.
# Root's password is $RT_PASSWORD (default "bench-rt-password"). Used by bench/peers/rt_bench.py.
set -euo pipefail
PORT="${RT_PORT:-8099}"
PASSWORD="${RT_PASSWORD:-bench-rt-password}"
LOG="${RT_LOG:-/tmp/rt5-server.log}"

if ! dpkg -s request-tracker5 >/dev/null 2>&1; then
  debconf-set-selections <<SEL
request-tracker5 request-tracker5/rtname string bench.example
request-tracker5 request-tracker5/organization string bench.example
request-tracker5 request-tracker5/correspondaddress string rt@bench.example
request-tracker5 request-tracker5/commentaddress string rt-comment@bench.example
request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1:${PORT}
request-tracker5 request-tracker5/webpath string
request-tracker5 request-tracker5/initial-root-password password ${PASSWORD}
request-tracker5 request-tracker5/install-cronjobs boolean false
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/database-type select pgsql
request-tracker5 request-tracker5/pgsql/method select TCP/IP
request-tracker5 request-tracker5/remote/host string 127.0.0.1
request-tracker5 request-tracker5/remote/newhost string 127.0.0.1
request-tracker5 request-tracker5/pgsql/admin-user string postgres
request-tracker5 request-tracker5/pgsql/admin-pass password
request-tracker5 request-tracker5/pgsql/app-pass password rtpass
request-tracker5 request-tracker5/pgsql/authmethod-admin select password
request-tracker5 request-tracker5/pgsql/authmethod-user select password
SEL
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    request-tracker5 rt5-db-postgresql rt5-standalone
fi

if curl -fsS "http://127.0.0.1:${PORT}/" >/dev/null 2>&1; then
  echo "RT already answers on 127.0.0.1:${PORT}"
  exit 0
fi
nohup /usr/share/request-tracker5/libexec/rt-server --port "${PORT}" >"${LOG}" 2>&1 &
for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/"; then
    echo "RT on http://127.0.0.1:${PORT}/ (log ${LOG})"
    exit 0
  fi
  sleep 1
done
echo "RT did not start; see ${LOG}" >&2
exit 1
