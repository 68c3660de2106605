#!/usr/bin/env bash
# Installs Debian's xrdp package and links its server binary into $RDPMEDIC_TOOLS_DIR/xrdp/xrdp, where
# local/tools.ts finds it. The tests start their own xrdp on a loopback port with their own config
# (local/xrdp-server.ts); the package's service is never left running or enabled.
# Returns at once when xrdp is already installed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools_dir="${RDPMEDIC_TOOLS_DIR:-$root/.tools}"
dest="$tools_dir/xrdp"
link="$dest/xrdp"
system_xrdp="/usr/sbin/xrdp"
policy="/usr/sbin/policy-rc.d"

link_binary() {
  mkdir -p "$dest"
  ln -sfn "$system_xrdp" "$link"
}

# invoke-rc.d and deb-systemd-invoke ask policy-rc.d before starting a service; exit 101 means "don't".
# An existing policy is the machine's own and stays as it is.
block_service_start() {
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# Temporary: keeps xrdp from starting while it is installed.\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
}

# Whatever the policy said, leave nothing of the package's service running or enabled (it listens on 3389).
stop_package_service() {
  if [[ -d /run/systemd/system ]]; then
    systemctl disable --now xrdp.service xrdp-sesman.service >/dev/null 2>&1 || true
    return 0
  fi
  # Only the processes named in the package's own pid files: /etc/init.d/xrdp stop would also end every other
  # /usr/sbin/xrdp, such as a test's private instance.
  local name
  for name in xrdp xrdp-sesman; do
    if [[ -f "/run/xrdp/$name.pid" ]]; then
      start-stop-daemon --stop --quiet --retry=TERM/10/KILL/5 --pidfile "/run/xrdp/$name.pid" \
        --exec "/usr/sbin/$name" >/dev/null 2>&1 || true
    fi
  done
  # The package enables its units even where systemd isn't running; a later boot with systemd would start them.
  if command -v systemctl >/dev/null 2>&1; then
    systemctl disable xrdp.service xrdp-sesman.service >/dev/null 2>&1 || true
  elif command -v update-rc.d >/dev/null 2>&1; then
    update-rc.d xrdp disable >/dev/null 2>&1 || true
  fi
}

service_enabled() {
  compgen -G "/etc/systemd/system/*.wants/xrdp*.service" >/dev/null || compgen -G "/etc/rc[2-5].d/S*xrdp" >/dev/null
}

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends xrdp
}

if [[ -x "$system_xrdp" ]]; then
  if service_enabled; then
    stop_package_service
  fi
  link_binary
  echo "xrdp: already installed ($system_xrdp), linked at $link"
  exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
  echo "xrdp: installing Debian's xrdp package needs root (apt-get install xrdp)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "xrdp: apt-get not found: this installer uses Debian's xrdp package" >&2
  exit 1
fi

block_service_start
# Package lists are empty on a fresh machine and go stale on an old one: update once when xrdp has no
# candidate, and once more if the install still fails (a stale list points at files the mirror dropped).
updated=""
if ! apt-cache policy xrdp 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  apt-get update
  updated=1
fi
if ! apt_install; then
  [[ -z "$updated" ]] || exit 1
  apt-get update
  apt_install
fi
stop_package_service

if [[ ! -x "$system_xrdp" ]]; then
  echo "xrdp: the package installed but $system_xrdp is missing" >&2
  exit 1
fi
link_binary
echo "xrdp: $("$link" --version 2>&1 | head -n 1), linked at $link"
