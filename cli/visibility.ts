// Sextant's operations (deploy, rollback, prune) as Temporal's visibility finds them: the search
// attributes each workflow starts with (declared in temporal-dev.yml), and the query by them.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { CliError, EXIT } from './exit-codes';

/** 'deploy', 'rollback', 'prune', or the command of a host operation (e.g. 'app stop'). */
export type OperationKind = string;

const key = (name: string) => defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
const SERVICE = key('SextantService');
const DESTINATION = key('SextantDestination');
const VERSION = key('SextantVersion');
const KIND = key('SextantKind');

/** What every Sextant workflow's memo carries, for `history`, `show` and `deploy status`. */
export interface OperationMemo {
  /** The deploy's ID (container labels, lock details). */
  deployId: string;
  kind: OperationKind;
  version: string;
  performer: string;
  startedAt: string;
  /** Set by a prune that skipped (the deploy lock was held), and why. */
  result?: string;
}

/** No destination: the attribute is left unset (queried as IS NULL). */
export function operationAttributes(o: { service: string; destination: string | null; version: string; kind: OperationKind }): SearchAttributePair[] {
  return [
    { key: SERVICE, value: o.service },
    ...(o.destination ? [{ key: DESTINATION, value: o.destination }] : []),
    ...(o.version ? [{ key: VERSION, value: o.version }] : []),
    { key: KIND, value: o.kind },
  ];
}

const quoted = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Every operation of a service and destination (newest first is visibility's order). */
export function operationsQuery(service: string, destination: string | null): string {
  return `${SERVICE.name} = ${quoted(service)} AND ${destination ? `${DESTINATION.name} = ${quoted(destination)}` : `${DESTINATION.name} IS NULL`}`;
}

/** Starting a workflow failed because the namespace lacks the attributes: say how to add them. */
export function missingSearchAttributes(err: unknown, namespace: string): CliError | null {
  const why = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
  const m = /no mapping defined for search attribute (\w+)/.exec(why);
  if (!m) return null;
  return new CliError(
    `the Temporal namespace ${namespace} has no search attribute ${m[1]}, which Sextant sets on every operation (\`sextant history\` finds them by it). ` +
      'Nothing was started. Fix: register SextantService, SextantDestination, SextantVersion and SextantKind as Keyword (docs/team.md)',
    EXIT.temporal,
  );
}
