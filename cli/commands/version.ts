import type { CommandContext } from '../registry';

export async function versionCommand(_ctx: CommandContext): Promise<number> {
  process.stdout.write(`${(require('../../../package.json') as { version: string }).version}\n`);
  return 0;
}
