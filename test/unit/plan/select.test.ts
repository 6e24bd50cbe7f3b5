import assert from 'node:assert/strict';
import { patterns, selectRoles, SelectionError } from '../../../plan/select';

const roles = [
  { name: 'web', primary: true, hosts: ['10.0.0.1', '10.0.0.2'] },
  { name: 'workers', primary: false, hosts: ['10.0.0.2', '10.0.0.3'] },
  { name: 'web-admin', primary: false, hosts: ['10.0.0.4'] },
];
const view = (rs: typeof roles) => rs.map((r) => `${r.name}:${r.hosts.join(',')}`);

describe('plan/select (-h, -r, -p)', function () {
  it('selects everything when nothing is given', function () {
    assert.deepEqual(view(selectRoles(roles, {})), ['web:10.0.0.1,10.0.0.2', 'workers:10.0.0.2,10.0.0.3', 'web-admin:10.0.0.4']);
  });

  it('keeps only the matching roles, with wildcards', function () {
    assert.deepEqual(view(selectRoles(roles, { roles: ['web*'] })), ['web:10.0.0.1,10.0.0.2', 'web-admin:10.0.0.4']);
    assert.deepEqual(view(selectRoles(roles, { roles: ['workers', 'web'] })), ['web:10.0.0.1,10.0.0.2', 'workers:10.0.0.2,10.0.0.3']);
  });

  it('keeps only the matching hosts in each role, dropping roles left empty', function () {
    assert.deepEqual(view(selectRoles(roles, { hosts: ['10.0.0.2'] })), ['web:10.0.0.2', 'workers:10.0.0.2']);
    assert.throws(() => selectRoles(roles, { hosts: ['10.0.0.[34]'] }), SelectionError, 'brackets are literal, not a class');
  });

  it('combines roles and hosts', function () {
    assert.deepEqual(view(selectRoles(roles, { roles: ['workers'], hosts: ['*.3'] })), ['workers:10.0.0.3']);
  });

  it('--primary keeps the first host of the primary role', function () {
    assert.deepEqual(view(selectRoles(roles, { primary: true })), ['web:10.0.0.1']);
    assert.deepEqual(view(selectRoles(roles, { primary: true, roles: ['workers'] })), ['workers:10.0.0.2']);
  });

  it('names what exists when nothing matches', function () {
    assert.throws(() => selectRoles(roles, { roles: ['db'] }), (e: Error) => e instanceof SelectionError && /no role matches --roles db; the roles are web, workers, web-admin/.test(e.message));
    assert.throws(() => selectRoles(roles, { hosts: ['10.9.*'] }), /no host matches --hosts 10\.9\.\*; the hosts are 10\.0\.0\.1, 10\.0\.0\.2, 10\.0\.0\.3, 10\.0\.0\.4/);
  });

  it('escapes everything but *', function () {
    const [re] = patterns(['a.b*']);
    assert.ok(re!.test('a.bcd'));
    assert.ok(!re!.test('axbcd'));
  });
});
