# Sourced by .ci/run: PostgreSQL and Redis on loopback for the store tests, installed from Debian's
# packages when missing and started here (nothing starts them on a fresh machine). Exports the
# variables the tests read; without them those tests are skipped.

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_lsclusters -h | grep "^$pg_version main" >/dev/null || pg_createcluster "$pg_version" main >/dev/null
pg_lsclusters -h | grep "^$pg_version main .* online" >/dev/null || pg_ctlcluster "$pg_version" main start
pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $3}')
as_postgres() { su postgres -c "psql -p $pg_port -v ON_ERROR_STOP=1 -tAc \"$1\""; }
as_postgres "SELECT 1 FROM pg_roles WHERE rolname = 'mcpauth'" | grep 1 >/dev/null \
  || as_postgres "CREATE ROLE mcpauth LOGIN PASSWORD 'mcpauth'" >/dev/null
as_postgres "SELECT 1 FROM pg_database WHERE datname = 'mcpauth'" | grep 1 >/dev/null \
  || as_postgres "CREATE DATABASE mcpauth OWNER mcpauth" >/dev/null
export MCP_AUTH_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$pg_port/mcpauth?user=mcpauth&password=mcpauth"

redis_port=6379
if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
    --logfile /tmp/mcp-auth-ci-redis.log
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
export MCP_AUTH_TEST_REDIS_URL="redis://127.0.0.1:$redis_port"

echo "PostgreSQL $pg_version on 127.0.0.1:$pg_port, $(redis-server --version | cut -d' ' -f3) on 127.0.0.1:$redis_port"
