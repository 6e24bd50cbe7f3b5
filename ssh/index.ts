// Public API of ssh/: a pooled SSH client (exec with streamed output, atomic upload,
// known_hosts trust-on-first-use) and its errors.
export { SshPool, type SshPoolOptions, type SshPoolStats } from './pool';
export { type ExecOptions, type ExecResult } from './exec';
export { SshError, SshCommandError, isRetryable, type SshErrorKind } from './errors';
export { UploadError } from './upload';
export { type SshTarget, destination, knownHostsName } from './target';
export { fingerprint } from './known-hosts';
