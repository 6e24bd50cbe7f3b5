// Deterministic kill points for the fault tests: with SEXTANT_TEST_HOLD_DIR set, every activity
// records "<type>@<arg> <attempt> <worker identity>" in <dir>/reached as it starts, and waits (heartbeating) while
// <dir>/<type>@<arg>.hold exists. <arg> is the host, or a hook's name. Off unless the variable
// is set, so production workers never look at the disk here.
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export function testHoldInterceptors(dir: string | undefined, identity = ''): ActivityInterceptorsFactory[] {
  if (!dir) return [];
  return [
    (ctx) => ({
      inbound: {
        async execute(input, next) {
          const key = `${ctx.info.activityType}@${typeof input.args[1] === 'string' ? input.args[1] : ''}`;
          appendFileSync(join(dir, 'reached'), `${key} ${ctx.info.attempt} ${identity}\n`);
          while (existsSync(join(dir, `${key}.hold`))) {
            ctx.heartbeat();
            await new Promise((r) => setTimeout(r, 100));
          }
          return next(input);
        },
      },
    }),
  ];
}
