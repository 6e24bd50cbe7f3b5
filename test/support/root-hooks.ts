// Mocha root hooks for the integration tests: when a test file's process ends, the agents its
// projects started stop too. A leftover agent would keep polling the shared task queue and pick
// up the next file's steps with its own sealing key.
import { stopAgent } from '../../worker/agent';
import { madeProjects } from './project';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await Promise.all(madeProjects.map((p) => stopAgent(p.home).catch(() => undefined)));
  },
};
