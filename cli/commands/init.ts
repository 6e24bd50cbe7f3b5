// `sextant init`: a starting config/deploy.yml, .kamal/secrets and a sample of every hook Kamal
// knows. Never overwrites: an existing file is kept, and the output says which were kept.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, DEFAULT_SECRETS_PATH } from '../../config';
import { UsageError } from '../args';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../registry';

const TEMPLATES = resolve(__dirname, '..', '..', '..', 'templates', 'init');
const HOOKS_DIR = '.kamal/hooks';

/** Kamal 2's hooks and when Kamal runs them (docs/hooks.md says which Sextant runs). */
const KAMAL_HOOKS: ReadonlyArray<[name: string, when: string]> = [
  ['docker-setup', 'after Docker was installed on the hosts by `server bootstrap`'],
  ['pre-connect', 'before any host is contacted (e.g. to warm DNS or open a VPN)'],
  ['pre-build', 'before the image is built (e.g. to check that the tree is committed)'],
  ['pre-deploy', 'once the image is on every host and the deploy lock is taken, before any container starts (e.g. to check CI)'],
  ['post-deploy', 'after the new version serves everywhere; KAMAL_RUNTIME holds the seconds taken (e.g. to announce it)'],
  ['pre-app-boot', 'before the app containers of a group of hosts start'],
  ['post-app-boot', 'after the app containers of a group of hosts started'],
  ['pre-proxy-reboot', 'before kamal-proxy is rebooted on a host'],
  ['post-proxy-reboot', 'after kamal-proxy was rebooted on a host'],
];

function sampleHook(name: string, when: string): string {
  return `#!/bin/sh
# ${name}: runs ${when}.
# To use it, copy it to ${HOOKS_DIR}/${name} (no .sample) and make it executable. Exiting non-zero
# stops the command. Which hooks Sextant runs, and their KAMAL_* variables: docs/hooks.md.

echo "${name}: $KAMAL_SERVICE_VERSION to $KAMAL_HOSTS by $KAMAL_PERFORMER"
`;
}

export async function initCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument ${ctx.positionals[0]}`);
  const template = (file: string) => readFileSync(join(TEMPLATES, file), 'utf8');
  const files: Array<{ path: string; content: string; mode?: number }> = [
    { path: DEFAULT_CONFIG_FILE, content: template('deploy.yml') },
    { path: DEFAULT_SECRETS_PATH, content: template('secrets'), mode: 0o600 },
    ...KAMAL_HOOKS.map(([name, when]) => ({ path: `${HOOKS_DIR}/${name}.sample`, content: sampleHook(name, when), mode: 0o755 })),
  ];
  const made: string[] = [];
  const kept: string[] = [];
  for (const f of files) {
    const full = resolve(ctx.cwd, f.path);
    if (existsSync(full)) {
      kept.push(f.path);
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    // 'wx' refuses to replace a file that appeared meanwhile.
    writeFileSync(full, f.content, { flag: 'wx', mode: f.mode ?? 0o644 });
    if (f.mode) chmodSync(full, f.mode);
    made.push(f.path);
  }
  if (ctx.flags.json) {
    process.stdout.write(`${JSON.stringify({ created: made, kept })}\n`);
  } else {
    for (const p of made) process.stdout.write(`created ${p}\n`);
    for (const p of kept) process.stdout.write(`kept    ${p} (exists; not overwritten)\n`);
    if (made.includes(DEFAULT_CONFIG_FILE)) process.stdout.write(`Next: edit ${DEFAULT_CONFIG_FILE}, then check it with \`sextant config\`.\n`);
  }
  return EXIT.ok;
}
