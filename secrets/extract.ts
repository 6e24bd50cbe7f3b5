/**
 * `secrets extract NAME JSON`: one value out of `secrets fetch` output. NAME matches a key
 * exactly, or the last parts of a key (`DB_PASSWORD` finds `Vault/App/DB_PASSWORD`), as in Kamal.
 */
import { shellSplit } from '../commands/shell';

export class ExtractError extends Error {
  override name = 'ExtractError';
}

/** `fetch` prints its JSON shell-quoted; accept it quoted too, as pasted from a terminal. */
function parseFetched(text: string): Record<string, unknown> {
  for (const candidate of [text, ...(text.trimStart().startsWith("'") ? [unquote(text)] : [])]) {
    try {
      const parsed: unknown = JSON.parse(candidate);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // Try the next form.
    }
  }
  throw new ExtractError('the second argument is not the JSON object `secrets fetch` prints. Fix: pass it as $SECRETS after SECRETS=$(sextant secrets fetch ...)');
}

function unquote(text: string): string {
  try {
    return shellSplit(text.trim()).join(' ');
  } catch {
    return text;
  }
}

export function extractSecret(name: string, fetched: string): string {
  const secrets = parseFetched(fetched);
  const key = Object.prototype.hasOwnProperty.call(secrets, name) ? name : Object.keys(secrets).find((k) => k.endsWith(`/${name}`));
  if (key === undefined) {
    const keys = Object.keys(secrets);
    throw new ExtractError(`no secret ${name} in the fetched secrets (they are: ${keys.length ? keys.join(', ') : 'none'}). Fix: use one of those names, or its last part`);
  }
  const value = secrets[key];
  return typeof value === 'string' ? value : JSON.stringify(value);
}
