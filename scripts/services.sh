#!/usr/bin/env bash
# Start (or reuse) the services the tests talk to, all on 127.0.0.1:
#   PostgreSQL (Airflow metadata), Redis (hot cache), moto (S3-compatible), SecantusDB (MongoDB-compatible).
# Installs what is missing. Idempotent: a service already answering on its port is reused.
# Writes the connection settings to .linguaflow/services.env.  Usage: services.sh up|down|env
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=.linguaflow/services
mkdir -p "$STATE"
PG_PORT=${LF_PG_PORT:-5432}
REDIS_PORT=${LF_REDIS_PORT:-6379}
S3_PORT=${LF_S3_PORT:-5055}
MONGO_PORT=${LF_MONGO_PORT:-27027}
PG_DB=linguaflow_test

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {  # poll until the port answers (never a blind sleep)
  local name=$1 port=$2 tries=${3:-150}
  for _ in $(seq "$tries"); do answers "$port" && return 0; sleep 0.2; done
  echo "$name did not come up on 127.0.0.1:$port" >&2; return 1
}
apt_install() {
  [ -n "${APT_UPDATED:-}" ] || { apt-get update -qq; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

postgres_up() {
  if ! answers "$PG_PORT"; then
    command -v pg_ctlcluster >/dev/null || apt_install postgresql
    local ver; ver=$(ls /etc/postgresql | sort -V | tail -1)
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
    wait_port postgres "$PG_PORT"
  fi
  local psql=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAq)
  for _ in $(seq 50); do "${psql[@]}" -c 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
  if [ "$("${psql[@]}" -c "select 1 from pg_database where datname='$PG_DB'")" != 1 ]; then
    "${psql[@]}" -c "create database $PG_DB" >/dev/null
  fi
}

redis_up() {
  answers "$REDIS_PORT" && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$PWD/$STATE" --logfile "$PWD/$STATE/redis.log" --pidfile "$PWD/$STATE/redis.pid"
  wait_port redis "$REDIS_PORT"
}

start_bg() {  # name port command...
  local name=$1 port=$2; shift 2
  answers "$port" && return 0
  nohup "$@" >"$STATE/$name.log" 2>&1 &
  echo $! >"$STATE/$name.pid"
  wait_port "$name" "$port"
}

case "${1:-up}" in
  up)
    [ -x .venv/bin/moto_server ] || scripts/setup.sh --dev
    postgres_up
    redis_up
    start_bg moto "$S3_PORT" .venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT"
    start_bg secantus "$MONGO_PORT" .venv/bin/secantusd-py --host 127.0.0.1 --port "$MONGO_PORT" \
      --storage-path "$PWD/$STATE/secantus-data"
    cat > .linguaflow/services.env <<ENV
LF_PG_URL=postgresql+psycopg2://postgres@127.0.0.1:$PG_PORT/$PG_DB
LF_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
LF_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
LF_MONGO_URI=mongodb://127.0.0.1:$MONGO_PORT/?directConnection=true&retryWrites=false
ENV
    echo "services up: postgres:$PG_PORT redis:$REDIS_PORT s3(moto):$S3_PORT mongo(secantus):$MONGO_PORT"
    ;;
  down)  # stops only what this script started; the machine's own postgres/redis keep running
    for name in moto secantus redis; do
      [ -f "$STATE/$name.pid" ] && kill "$(cat "$STATE/$name.pid")" 2>/dev/null || true
      rm -f "$STATE/$name.pid"
    done
    ;;
  env) cat .linguaflow/services.env ;;
  *) echo "usage: $0 up|down|env" >&2; exit 2 ;;
esac
