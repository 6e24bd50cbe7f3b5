/**
 * Runs an adapter's calls (argv, no shell) and turns every way they can fail into one
 * SecretsError that names the adapter, what went wrong and the fix.
 */
import { spawnSync } from 'node:child_process';
import { ZodError } from 'zod';
import { shellJoin } from '../commands/shell';
import { SecretsError, SecretsProblem, type Adapter, type Call, type FetchRequest, type ProblemKind } from './adapter';

/** The last non-empty line a CLI printed on stderr (or stdout), which is where they put the reason. */
function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim()).pop()?.trim() ?? '';
}

function fixFor(adapter: Adapter, kind: ProblemKind, request: FetchRequest): string {
  switch (kind) {
    case 'not-installed':
      return `${adapter.install}; it must be on PATH`;
    case 'signed-out':
      return `sign in: ${adapter.signIn(request.account)}`;
    case 'not-found':
      return 'check the names (and --from) against the vault';
    case 'bad-output':
      return `run the command yourself to see what it prints; Sextant expects the JSON of a current ${adapter.cli}`;
    default:
      return `run the command yourself to see why`;
  }
}

function fail(adapter: Adapter, request: FetchRequest, kind: ProblemKind, what: string): SecretsError {
  if (kind === 'usage') return new SecretsError(kind, `${adapter.label}: ${what}`);
  return new SecretsError(kind, `${adapter.label}: ${what.replace(/\.$/, '')}. Fix: ${fixFor(adapter, kind, request)}`);
}

function runCall(adapter: Adapter, request: FetchRequest, call: Call): Record<string, string> {
  const command = `\`${shellJoin(call.argv)}\``;
  const r = spawnSync(call.argv[0], call.argv.slice(1), {
    env: request.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw fail(adapter, request, 'not-installed', `the ${adapter.label} CLI \`${adapter.cli}\` is not installed (not found on PATH)`);
    }
    throw fail(adapter, request, 'failed', `${command} could not run (${r.error.message})`);
  }
  if (r.status !== 0) {
    const said = `${r.stderr}\n${r.stdout}`;
    const reason = lastLine(r.stderr) || lastLine(r.stdout) || (r.signal ? `signal ${r.signal}` : `exit ${r.status}`);
    if (adapter.signedOut.test(said)) throw fail(adapter, request, 'signed-out', `not signed in, or the session expired (${adapter.cli}: ${reason})`);
    if (adapter.notFound.test(said)) throw fail(adapter, request, 'not-found', `${call.subject ?? 'a secret'} not found (${adapter.cli}: ${reason})`);
    throw fail(adapter, request, 'failed', `${command} failed (${reason})`);
  }
  try {
    return call.parse(r.stdout);
  } catch (e) {
    if (e instanceof SecretsProblem) throw fail(adapter, request, e.kind, e.message);
    if (e instanceof SyntaxError) throw fail(adapter, request, 'bad-output', `${command} printed something that is not JSON (${e.message})`);
    if (e instanceof ZodError) {
      const issue = e.issues[0];
      const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
      throw fail(adapter, request, 'bad-output', `${command} printed JSON of an unexpected shape (${issue.message}${where})`);
    }
    throw e;
  }
}

export function fetchSecrets(adapter: Adapter, request: FetchRequest): Record<string, string> {
  if (adapter.requiresAccount && !request.account) throw fail(adapter, request, 'usage', `--account is required (the ${adapter.label} account to read from)`);
  let calls: Call[];
  try {
    calls = adapter.calls(request);
  } catch (e) {
    if (e instanceof SecretsProblem) throw fail(adapter, request, e.kind, e.message);
    throw e;
  }
  const results: Record<string, string> = {};
  for (const call of calls) Object.assign(results, runCall(adapter, request, call));
  return results;
}
