// The argv each adapter builds, exactly (pure: nothing is run here).
import { strict as assert } from 'node:assert';
import { SecretsProblem, type FetchRequest } from '../../../secrets/adapter';
import { ADAPTERS, findAdapter } from '../../../secrets/adapters';

const argv = (adapter: string, request: Partial<FetchRequest>) =>
  findAdapter(adapter)!.calls({ names: [], env: {}, ...request }).map((c) => c.argv);

function refused(adapter: string, request: Partial<FetchRequest>): string {
  try {
    argv(adapter, request);
  } catch (e) {
    assert.ok(e instanceof SecretsProblem && e.kind === 'usage', String(e));
    return e.message;
  }
  throw new Error('expected a usage problem');
}

describe('secrets adapters: argv', () => {
  it('are found by Kamal names and aliases', () => {
    assert.deepEqual(ADAPTERS.map((a) => a.name), ['1password', 'bitwarden', 'bitwarden-sm', 'lastpass', 'aws_secrets_manager', 'gcp', 'doppler']);
    assert.equal(findAdapter('1Password')?.cli, 'op');
    assert.equal(findAdapter('aws')?.cli, 'aws');
    assert.equal(findAdapter('gcp_secret_manager')?.cli, 'gcloud');
    assert.equal(findAdapter('keychain'), undefined);
  });

  describe('1password', () => {
    it('reads the fields of one item with one call, `password` when no field is named', () => {
      assert.deepEqual(argv('1password', { account: 'acme', from: 'Prod/Web', names: ['REGISTRY', 'db/DB_PASSWORD'] }), [
        ['op', 'item', 'get', 'Web', '--vault', 'Prod', '--fields', 'label=REGISTRY,label=db.DB_PASSWORD', '--format', 'json', '--account', 'acme'],
      ]);
      assert.deepEqual(argv('1password', { account: 'acme', names: ['Prod/Web', 'op://Shared/Mailer/SMTP_PASSWORD'] }), [
        ['op', 'item', 'get', 'Web', '--vault', 'Prod', '--fields', 'label=password', '--format', 'json', '--account', 'acme'],
        ['op', 'item', 'get', 'Mailer', '--vault', 'Shared', '--fields', 'label=SMTP_PASSWORD', '--format', 'json', '--account', 'acme'],
      ]);
    });

    it('reads the whole item with --from VAULT/ITEM and no names', () => {
      assert.deepEqual(argv('1password', { account: 'acme', from: 'Prod/Web' }), [['op', 'item', 'get', 'Web', '--vault', 'Prod', '--format', 'json', '--account', 'acme']]);
    });

    it('refuses a name without an item', () => {
      assert.match(refused('1password', { account: 'acme', names: ['KEY'] }), /secret "KEY" names no item; expected VAULT\/ITEM\/FIELD/);
      assert.match(refused('1password', { account: 'acme' }), /give the secrets to fetch/);
    });
  });

  it('bitwarden: status, sync, then one `get item` per item', () => {
    assert.deepEqual(argv('bitwarden', { account: 'ops@acme.test', names: ['REGISTRY_PASSWORD', 'Shop/DB_PASSWORD', 'Shop/API_TOKEN'] }), [
      ['bw', 'status'],
      ['bw', 'sync'],
      ['bw', 'get', 'item', 'REGISTRY_PASSWORD'],
      ['bw', 'get', 'item', 'Shop'],
    ]);
    assert.deepEqual(argv('bitwarden', { account: 'a', from: 'Shop', names: ['DB_PASSWORD'] }).slice(2), [['bw', 'get', 'item', 'Shop']]);
  });

  it('bitwarden-sm: get by ID, list all, list a project', () => {
    assert.deepEqual(argv('bitwarden-sm', { names: ['be8e0ad8', '5c1d2e3f'] }), [
      ['bws', 'secret', 'get', 'be8e0ad8', '--output', 'json'],
      ['bws', 'secret', 'get', '5c1d2e3f', '--output', 'json'],
    ]);
    assert.deepEqual(argv('bitwarden-sm', { names: ['all'] }), [['bws', 'secret', 'list', '--output', 'json']]);
    assert.deepEqual(argv('bitwarden-sm', { from: 'e325ea69', names: ['all'] }), [['bws', 'secret', 'list', 'e325ea69', '--output', 'json']]);
    assert.match(refused('bitwarden-sm', {}), /secret IDs to fetch, `all`/);
  });

  it('lastpass: status, then one `show --json` for every name (under --from)', () => {
    assert.deepEqual(argv('lastpass', { account: 'ops@acme.test', from: 'Deploy', names: ['REGISTRY_PASSWORD', 'DB_PASSWORD'] }), [
      ['lpass', 'status', '--color=never'],
      ['lpass', 'show', '--json', 'Deploy/REGISTRY_PASSWORD', 'Deploy/DB_PASSWORD'],
    ]);
  });

  it('aws: one batch-get-secret-value, --account as the profile', () => {
    assert.deepEqual(argv('aws_secrets_manager', { names: ['shop/prod', 'shop/license'] }), [
      ['aws', 'secretsmanager', 'batch-get-secret-value', '--secret-id-list', 'shop/prod', 'shop/license', '--output', 'json'],
    ]);
    assert.deepEqual(argv('aws', { account: 'prod', from: 'shop', names: ['prod'] }), [
      ['aws', 'secretsmanager', 'batch-get-secret-value', '--secret-id-list', 'shop/prod', '--profile', 'prod', '--output', 'json'],
    ]);
  });

  it('gcp: auth list, then one access per secret with project, version and impersonation', () => {
    assert.deepEqual(argv('gcp', { account: 'default', names: ['db-password', 'billing-7/api-key/7'] }), [
      ['gcloud', 'auth', 'list', '--format=json'],
      ['gcloud', 'secrets', 'versions', 'access', 'latest', '--secret=db-password', '--format=json'],
      ['gcloud', 'secrets', 'versions', 'access', '7', '--secret=api-key', '--project=billing-7', '--format=json'],
    ]);
    assert.deepEqual(argv('gcp', { account: 'ops@acme.test|deployer@shop.iam.gserviceaccount.com', from: 'shop-prod', names: ['db-password'] }).slice(1), [
      ['gcloud', 'secrets', 'versions', 'access', 'latest', '--secret=db-password', '--project=shop-prod', '--account=ops@acme.test', '--impersonate-service-account=deployer@shop.iam.gserviceaccount.com', '--format=json'],
    ]);
  });

  it('doppler: project and config from --from, none with a service token', () => {
    assert.deepEqual(argv('doppler', { from: 'shop/prd', names: ['DB_PASSWORD', 'REGISTRY_PASSWORD'] }), [
      ['doppler', 'secrets', 'get', 'DB_PASSWORD', 'REGISTRY_PASSWORD', '--json', '-p', 'shop', '-c', 'prd'],
    ]);
    assert.deepEqual(argv('doppler', { from: 'shop/prd' }), [['doppler', 'secrets', 'get', '--json', '-p', 'shop', '-c', 'prd']]);
    assert.deepEqual(argv('doppler', { names: ['DB_PASSWORD'], env: { DOPPLER_TOKEN: 'dp.st.prd.x1y2' } }), [['doppler', 'secrets', 'get', 'DB_PASSWORD', '--json']]);
    assert.match(refused('doppler', { names: ['DB_PASSWORD'] }), /--from PROJECT\/CONFIG/);
  });
});
