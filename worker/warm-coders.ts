// protobufjs generates each message type's encoder and decoder on its first use. A command's
// first Start and history poll pay for theirs (~100 ms of CPU, in the CLI's own start and in
// the first second of a deploy); a warm process generates them while it waits.
import { temporal } from '@temporalio/proto';

/** The WorkflowService calls the warm commands make (connect, start, follow, look, steer). */
export const WARM_RPCS = [
  'GetSystemInfo',
  'StartWorkflowExecution',
  'GetWorkflowExecutionHistory',
  'DescribeWorkflowExecution',
  'QueryWorkflow',
  'SignalWorkflowExecution',
  'UpdateWorkflowExecution',
  'ListWorkflowExecutions',
] as const;

/** The slice of protobufjs's reflection that @temporalio/proto's objects are, which its types leave out. */
interface MessageType {
  fieldsArray: { resolve(): { resolvedType: unknown } }[];
  setup(): unknown;
}
interface Method {
  resolve(): { resolvedRequestType: unknown; resolvedResponseType: unknown };
}

const isMessageType = (t: unknown): t is MessageType => typeof (t as MessageType | null)?.setup === 'function' && Array.isArray((t as MessageType).fieldsArray);

/** Every message type the calls send or receive, nested ones included. */
export function messageTypesOf(rpcs: readonly string[]): MessageType[] {
  const methods = (temporal.api.workflowservice.v1.WorkflowService as unknown as { methods: Record<string, Method> }).methods;
  const seen = new Set<MessageType>();
  const visit = (t: unknown) => {
    if (!isMessageType(t) || seen.has(t)) return;
    seen.add(t);
    for (const field of t.fieldsArray) visit(field.resolve().resolvedType);
  };
  for (const name of rpcs) {
    const method = methods[name];
    if (!method) throw new Error(`WorkflowService has no method ${name}`);
    const { resolvedRequestType, resolvedResponseType } = method.resolve();
    visit(resolvedRequestType);
    visit(resolvedResponseType);
  }
  return [...seen];
}

/** Generates the coders of those types one call at a time, yielding between them; stops once `taken`. */
export async function warmCoders(taken: () => boolean, rpcs: readonly string[] = WARM_RPCS): Promise<void> {
  const done = new Set<MessageType>();
  for (const rpc of rpcs) {
    await new Promise((r) => setImmediate(r));
    if (taken()) return;
    for (const t of messageTypesOf([rpc]).filter((x) => !done.has(x))) {
      done.add(t);
      t.setup();
    }
  }
}
