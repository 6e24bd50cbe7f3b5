/**
 * What a secrets adapter is: pure argv builders for one vendor CLI plus parsers of its output.
 * Adapters never spawn anything; secrets/run.ts runs their calls and turns every failure into
 * one message (see SecretsError), so the seven adapters share one runner and one error path.
 */
import { z } from 'zod';

export interface FetchRequest {
  /** Secret names as given on the command line; adapters apply --from themselves. */
  names: string[];
  account?: string;
  from?: string;
  /** Environment the CLIs run with (some adapters read it, e.g. Doppler's service token). */
  env: NodeJS.ProcessEnv;
}

/** One run of the vendor CLI. */
export interface Call {
  argv: string[];
  /** What this call reads, for "not found" messages, e.g. `item Web in vault Prod`. */
  subject?: string;
  /** The CLI's stdout → secrets (name → value). May throw SecretsProblem, SyntaxError or a zod error. */
  parse(stdout: string): Record<string, string>;
}

export interface Adapter {
  /** Name given to --adapter (Kamal's). */
  name: string;
  /** Other names --adapter accepts. */
  aliases?: string[];
  /** Product name used in messages. */
  label: string;
  /** The vendor CLI's executable. */
  cli: string;
  /** How to install the CLI (a sentence or URL). */
  install: string;
  requiresAccount: boolean;
  /** The command that signs in, shown when the CLI reports it is not signed in. */
  signIn(account: string | undefined): string;
  /** Matches the CLI's complaint (stderr or stdout) that nobody is signed in or the session expired. */
  signedOut: RegExp;
  /** Matches the CLI's complaint that an item or secret does not exist. */
  notFound: RegExp;
  /** The calls that fetch `request`, in order. Throws SecretsProblem('usage') for bad names. */
  calls(request: FetchRequest): Call[];
}

export type ProblemKind = 'usage' | 'not-installed' | 'signed-out' | 'not-found' | 'bad-output' | 'failed';

/** A problem an adapter detects; the runner adds the adapter's name and the fix. */
export class SecretsProblem extends Error {
  override name = 'SecretsProblem';
  constructor(
    readonly kind: ProblemKind,
    message: string,
  ) {
    super(message);
  }
}

/** The error a user sees: always starts with the adapter's name, ends with a fix. */
export class SecretsError extends Error {
  override name = 'SecretsError';
  constructor(
    readonly kind: ProblemKind,
    message: string,
  ) {
    super(message);
  }
}

/** Kamal's --from rule: a folder, vault or project that every name is read from. */
export function prefixed(names: readonly string[], from: string | undefined): string[] {
  return from ? names.map((n) => `${from}/${n}`) : [...names];
}

/** Parses a CLI's JSON output against the shape we rely on. */
export function parseJson<T extends z.ZodType>(schema: T, stdout: string): z.infer<T> {
  return schema.parse(JSON.parse(stdout));
}

export function usage(message: string): SecretsProblem {
  return new SecretsProblem('usage', message);
}
