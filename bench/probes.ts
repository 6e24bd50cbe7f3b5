// What a deploy costs besides time: new SSH connections per host (counted by the kernel in
// each lab host's network namespace), the peak memory of processes and their CPU time.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { LabHost } from '../test/support/lab';

const COMMENT = 'sextant-bench-ssh-syn';

/** The lab's network namespace of a host (test/lab/lib.sh: sxlab-host<i>, address 10.77.0.(10+i)). */
function netnsOf(host: LabHost): string {
  return `sxlab-${host.name}`;
}

function iptables(host: LabHost, args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', netnsOf(host), 'iptables', '-w', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Counts TCP SYNs to port 22 on each host: one per SSH connection opened. */
export class SshConnectionCounter {
  constructor(private readonly hosts: readonly LabHost[]) {
    for (const h of hosts) {
      const rule = ['INPUT', '-p', 'tcp', '--dport', '22', '--syn', '-m', 'comment', '--comment', COMMENT, '-j', 'ACCEPT'];
      try {
        iptables(h, ['-C', ...rule]);
      } catch {
        iptables(h, ['-I', ...rule]);
      }
    }
  }

  /** Connections opened so far, per host address. */
  counts(): Map<string, number> {
    return new Map(
      this.hosts.map((h) => {
        const line = iptables(h, ['-L', 'INPUT', '-v', '-x', '-n']).split('\n').find((l) => l.includes(COMMENT));
        return [h.address, Number(line?.trim().split(/\s+/)[0] ?? 0)];
      }),
    );
  }
}

/** Samples the resident memory of some processes every 50 ms; the peak of each, in MB. */
export function sampleRss(pids: () => number[]): { stop(): Map<number, number> } {
  const peaks = new Map<number, number>();
  const sample = () => {
    for (const pid of pids()) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peaks.set(pid, Math.max(peaks.get(pid) ?? 0, kb / 1024));
      } catch {
        // exited between samples: its last peak stays
      }
    }
  };
  const timer = setInterval(sample, 50);
  sample();
  return {
    stop() {
      clearInterval(timer);
      return peaks;
    },
  };
}

/** CPU time a process has used so far, in clock ticks (user + system); null once it is gone. */
export function cpuTicks(pid: number): number | null {
  try {
    // Fields after the command's name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** The machine's CPU time so far (all cores, /proc/stat), to tell how busy it was between two reads. */
export function machineCpu(): { busy: number; total: number; busyShareSince(earlier: { busy: number; total: number }): number } {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  // idle and iowait are the only ticks a core was not working
  const busy = total - ticks[3]! - (ticks[4] ?? 0);
  return { busy, total, busyShareSince: (e) => Math.round((100 * (busy - e.busy)) / Math.max(1, total - e.total)) };
}
