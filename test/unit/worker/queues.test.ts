import assert from 'node:assert/strict';
import { HOST_QUEUE, hostQueue, localQueue, WORKFLOW_COMPAT } from '../../../worker/queues';

// Temporal matches task queues by exact name: disjoint names mean a worker of one release never
// polls (so never replays) the workflows or steps of another.
describe('worker/queues (versioned task queues)', function () {
  it('names every queue after the workflow compatibility version', function () {
    assert.equal(HOST_QUEUE, `sextant-${WORKFLOW_COMPAT}`);
    assert.equal(localQueue('laptop-1a2b'), `sextant-${WORKFLOW_COMPAT}-local-laptop-1a2b`);
  });

  it('gives two releases no queue in common', function () {
    const queues = (compat: string) => [hostQueue(compat), localQueue('laptop-1a2b', compat), localQueue('ci-9f8e', compat)];
    const current = queues(WORKFLOW_COMPAT);
    const next = queues(`${WORKFLOW_COMPAT}x`);
    assert.equal(new Set(current).size, current.length);
    for (const q of next) assert.ok(!current.includes(q), `${q} is shared by two releases`);
  });

  it('keeps one machine\'s local queue apart from the host queue and from other machines', function () {
    assert.notEqual(localQueue('a'), HOST_QUEUE);
    assert.notEqual(localQueue('a'), localQueue('b'));
  });
});
