#!/usr/bin/env bash
# A streaming replica of this machine's PostgreSQL, on 127.0.0.1, made with Debian's PostgreSQL
# tools: for trying DATABASE_READ_URL and for its test (test/replica.test.ts). Run as root;
# running it again starts the replica if it has stopped. Prints the replica's address.
set -euo pipefail

version=$(ls /etc/postgresql | sort -V | tail -1)
primary_port=${PRIMARY_PORT:-5432}
port=${REPLICA_PORT:-5433}
name=${REPLICA_CLUSTER:-replica}
primary_hba=/etc/postgresql/${version}/main/pg_hba.conf

# Replication connections match only a `replication` line, never `all`.
if ! grep -qE '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "${primary_hba}"; then
  echo 'host replication all 127.0.0.1/32 trust' >>"${primary_hba}"
  pg_ctlcluster --skip-systemctl-redirect "${version}" main reload
fi

if ! pg_lsclusters -h | awk -v n="${name}" '$2 == n { found = 1 } END { exit !found }'; then
  pg_createcluster "${version}" "${name}" --port "${port}" >/dev/null
  cp "${primary_hba}" "/etc/postgresql/${version}/${name}/pg_hba.conf"
  data_dir=/var/lib/postgresql/${version}/${name}
  # pg_basebackup needs the (empty) directory that pg_createcluster made, owned by postgres.
  find "${data_dir}" -mindepth 1 -delete
  # -R writes standby.signal and the primary's address: the copy starts as a hot standby.
  # -c fast: checkpoint at once, not spread over minutes behind the primary's other work.
  runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p "${primary_port}" -U postgres \
    -D "${data_dir}" -R -X stream -c fast
fi

if ! pg_isready -q -h 127.0.0.1 -p "${port}"; then
  pg_ctlcluster --skip-systemctl-redirect "${version}" "${name}" start
fi
for _ in $(seq 1 30); do
  if pg_isready -q -h 127.0.0.1 -p "${port}"; then
    in_recovery=$(psql -h 127.0.0.1 -p "${port}" -U postgres -Atc 'select pg_is_in_recovery()')
    if [[ "${in_recovery}" != 't' ]]; then
      echo "the cluster on port ${port} is not a replica" >&2
      exit 1
    fi
    echo "replica of 127.0.0.1:${primary_port} on 127.0.0.1:${port}"
    exit 0
  fi
  sleep 1
done
echo "the replica on port ${port} did not start" >&2
exit 1
