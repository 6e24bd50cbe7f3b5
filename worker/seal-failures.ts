// A step that cannot open a sealed secret will not succeed on a retry with the same key: fail
// it at once (non-retryable), naming the secret, this worker and where its key comes from.
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { SealKeyError } from '../plan/seal';

export function sealFailureInterceptors(identity: string, keySource: string): ActivityInterceptorsFactory[] {
  return [
    () => ({
      inbound: {
        async execute(input, next) {
          try {
            return await next(input);
          } catch (err) {
            if (!(err instanceof SealKeyError)) throw err;
            throw ApplicationFailure.nonRetryable(`${err.message} (worker ${identity}, key from ${keySource})`, 'SealKey');
          }
        },
      },
    }),
  ];
}
