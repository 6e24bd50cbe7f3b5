// Sextant's operations (deploy, rollback, prune) as Temporal's visibility finds them: the search
// attributes each workflow starts with (declared in temporal-dev.yml), and the query by them.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

// 'operation' plans (app stop, proxy reboot, ...) come from the ops merge; their memo's kind is the command.
export type OperationKind = 'deploy' | 'rollback' | 'prune' | 'operation';

const key = (name: string) => defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
const SERVICE = key('SextantService');
const DESTINATION = key('SextantDestination');
const VERSION = key('SextantVersion');
const KIND = key('SextantKind');

/** What every Sextant workflow's memo carries, for `history`, `show` and `deploy status`. */
export interface OperationMemo {
  /** A deploy's ID (labels, lock details); for a prune, its own operation ID. */
  deployId: string;
  kind: OperationKind;
  version: string;
  performer: string;
  startedAt: string;
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
