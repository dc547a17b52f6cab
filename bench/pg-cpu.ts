import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * CPU seconds used by the local Postgres server so far: every live postgres process plus the
 * backends that have exited (accounted to the postmaster as children's time). Linux only;
 * null elsewhere. Shows how much of the machine the database itself takes per event.
 */
export function postgresCpuMs(): number | null {
  let ticks = 0;
  let found = false;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // exited while we looked
      }
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres') continue;
      found = true;
      // Fields after the command: state is [0]; utime [11], stime [12], cutime [13], cstime [14].
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
      ticks += f[11]! + f[12]! + f[13]! + f[14]!;
    }
  } catch {
    return null;
  }
  return found ? ticks * 10 : null; // USER_HZ is 100 on Linux
}

/**
 * CPU time the hypervisor took from this VM so far (the `steal` column of /proc/stat, all
 * cores), or null off Linux. On a shared VM it is why the same code's CPU per event drifts
 * from run to run: a run with more steal is slower and looks costlier.
 */
export function stealMs(): number | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    return Number(cpu[8]) * 10; // user nice system idle iowait irq softirq steal
  } catch {
    return null;
  }
}

/** The share of the machine's cores (%) the hypervisor took between two `stealMs()` readings `ms` apart. */
export function stolenPct(before: number | null, after: number | null, ms: number): number | null {
  return before === null || after === null ? null : ((after - before) / (ms * cpus().length)) * 100;
}
