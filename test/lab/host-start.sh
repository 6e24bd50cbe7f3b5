#!/usr/bin/env bash
# The first process of a lab host. up.sh starts it as
#   ip netns exec sxlab-hostN unshare --mount --uts --propagation private host-start.sh hostN STATE
# so it already sits in the host's network namespace and in fresh mount and UTS namespaces.
# It prepares the host's filesystem view, starts dockerd and sshd, writes STATE/ready, and
# then stays alive: the mount namespace lives as long as a process in it, and nsenter uses
# this process's PID (STATE/pid) to enter the host.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

name="$1"
state="$2"
index="$(host_index "$name")"
keep="$(host_keep "$index")"
ip="$(host_ip "$index")"
here="$(cd "$(dirname "$0")" && pwd)"

echo $$ >"$state/pid"
hostname "$name"

# Own home and Docker data (bind mounts of per-run directories), own /run.
mount --bind "$state/root" /root
mount --bind "$state/docker" /var/lib/docker
mount -t tmpfs -o mode=755,size=64m tmpfs /run
mkdir -p /run/sshd
chmod 0755 /run/sshd

# `ip netns exec` mounted a fresh /sys, hiding the cgroup mounts: dockerd needs them back.
# Copy the machine's cgroup mounts (from PID 1's view), else the usual v1 controllers.
mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
if grep -qE '^[^ ]+ /sys/fs/cgroup/[^ ]+ cgroup2? ' /proc/1/mounts 2>/dev/null; then
  while read -r _ dir fstype opts _; do
    [[ "$dir" == /sys/fs/cgroup/* && ("$fstype" == cgroup || "$fstype" == cgroup2) ]] || continue
    mkdir -p "$dir"
    mount -t "$fstype" -o "$opts" cgroup "$dir"
  done </proc/1/mounts
else
  for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
    mkdir -p "/sys/fs/cgroup/$c"
    mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" || true
  done
  mkdir -p /sys/fs/cgroup/systemd
  mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
fi

bash "$here/host-dockerd.sh" "$name" start

# sshd: own host key (kept across runs in the persistent lab dir), key-only root login.
# MaxSessions: a connection pool multiplexes many channels over one connection; OpenSSH's
# default of 10 would make the 11th concurrent exec fail, so the lab allows 64.
# MaxStartups: parallel tests open many connections at once; the default 10:30:100 starts
# dropping unauthenticated connections after 10, so the lab raises it.
cat >"$state/sshd_config" <<EOF
ListenAddress $ip:22
HostKey $keep/ssh_host_ed25519_key
PidFile /run/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
MaxSessions 64
MaxStartups 100:30:200
LoginGraceTime 30
Subsystem sftp internal-sftp
LogLevel ERROR
EOF
/usr/sbin/sshd -f "$state/sshd_config" -E "$LAB_LOGS/$name-sshd.log" 9>&-
wait_for 15 "sshd on $name" tcp_open "$ip" 22

touch "$state/ready"
exec 9>&-
while :; do
  sleep 3600 &
  wait $! || true
done
