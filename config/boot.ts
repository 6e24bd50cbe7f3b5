/** Rolling boot: the size of each group of hosts, from boot.limit (as Kamal computes it). */
import type { Config } from './schema';

/**
 * How many hosts boot at a time, out of `hostCount`: all of them without a limit; a number
 * limit as given (at most hostCount); a percentage of hostCount rounded down, at least 1.
 */
export function bootGroupSize(config: { boot: Pick<Config['boot'], 'limit'> }, hostCount: number): number {
  const limit = config.boot.limit;
  const all = Math.max(hostCount, 1);
  if (limit === undefined) return all;
  if (typeof limit === 'number') return Math.min(limit, all);
  const percent = parseInt(limit, 10);
  return Math.min(Math.max(Math.floor((hostCount * percent) / 100), 1), all);
}
