#!/usr/bin/env bash
# action.yml: PostgreSQL server binaries at least as new as the snapshot's
# major: the runner's own if it has them, else Debian/Ubuntu's packages (from
# PGDG for a major the distribution lacks). Writes pg-bin=DIR to $GITHUB_OUTPUT.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
major=$(node "$here/scripts/action/snapshot-major.mjs" "$SNAPSHOT")
pick() {
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
    v=$(basename "$(dirname "$d")")
    if [ -x "$d/initdb" ] && [ "$v" -ge "$major" ]; then echo "$d"; return 0; fi
  done
  return 1
}
if ! bin=$(pick); then
  sudo=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  echo "installing PostgreSQL $major server binaries" >&2
  $sudo apt-get update -q >/dev/null
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$major" >/dev/null 2>&1; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-common >/dev/null
    $sudo /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y >/dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$major" >/dev/null
  fi
  bin=$(pick)
fi
echo "PostgreSQL server binaries: $bin (the snapshot is from PostgreSQL $major)" >&2
echo "pg-bin=$bin" >> "$GITHUB_OUTPUT"
