// Each adapter against recorded outputs of its CLI: a fake executable first on PATH replays the
// recording and records the argv it got, so spawning, parsing and every error path really run.
import { strict as assert } from 'node:assert';
import { SecretsError, type ProblemKind } from '../../../secrets/adapter';
import { findAdapter } from '../../../secrets/adapters';
import { fetchSecrets } from '../../../secrets/run';
import { FakeClis, type Recorded } from '../../support/fake-cli';

describe('secrets adapters against recorded CLI output', () => {
  const fakes = new FakeClis();
  after(() => fakes.cleanup());

  const fetch = (adapter: string, request: { names?: string[]; account?: string; from?: string; env?: NodeJS.ProcessEnv }) =>
    fetchSecrets(findAdapter(adapter)!, { names: request.names ?? [], account: request.account, from: request.from, env: fakes.env(request.env) });

  function fails(kind: ProblemKind, message: RegExp, run: () => unknown): void {
    assert.throws(run, (e: unknown) => {
      assert.ok(e instanceof SecretsError, String(e));
      assert.equal(e.kind, kind, e.message);
      assert.match(e.message, message);
      return true;
    });
  }

  const serve = (cli: string, ...responses: Recorded[]) => fakes.serve(cli, responses);

  describe('1password (op)', () => {
    const get = ['item', 'get', 'Web', '--vault', 'Prod'];
    const tail = ['--format', 'json', '--account', 'acme'];

    it('reads named fields of an item, keyed by reference', () => {
      serve('op', { argv: [...get, '--fields', 'label=password,label=db.DB_PASSWORD', ...tail], stdout: 'op/item-get-fields.json' });
      assert.deepEqual(fetch('1password', { account: 'acme', from: 'Prod/Web', names: ['password', 'db/DB_PASSWORD'] }), {
        'Prod/Web': 'kj3-Registry-88qz',
        'Prod/Web/db/DB_PASSWORD': 'pg-7f1e2d9c',
      });
      assert.deepEqual(fakes.calls('op'), [[...get, '--fields', 'label=password,label=db.DB_PASSWORD', ...tail]]);
    });

    it('reads a single field (op prints an object, not a list) and a whole item', () => {
      serve(
        'op',
        { argv: ['item', 'get', 'Mailer', '--vault', 'Shared', '--fields', 'label=SMTP_PASSWORD', ...tail], stdout: 'op/item-get-one-field.json' },
        { argv: [...get, ...tail], stdout: 'op/item-get-all.json' },
      );
      assert.deepEqual(fetch('1password', { account: 'acme', names: ['Shared/Mailer/SMTP_PASSWORD'] }), { 'Shared/Mailer/SMTP_PASSWORD': 'mail-55a1c0' });
      assert.deepEqual(fetch('1password', { account: 'acme', from: 'Prod/Web' }), {
        'Prod/Web/username': 'deploy',
        'Prod/Web': 'kj3-Registry-88qz',
        'Prod/Web/SECRET_KEY_BASE': 'c0ffee1234abcd',
      });
    });

    it('says when op is not installed, and how to install it', () => {
      fails('not-installed', /^1Password: the 1Password CLI `op` is not installed \(not found on PATH\)\. Fix: install the 1Password CLI: https:\/\/developer\.1password\.com/, () =>
        fetchSecrets(findAdapter('1password')!, { names: ['Prod/Web'], account: 'acme', env: { PATH: fakes.dir } }),
      );
    });

    it('says when nobody is signed in or the session expired, with the command to sign in', () => {
      serve('op', { argv: [...get, '--fields', 'label=password', ...tail], stderr: 'op/not-signed-in.txt', status: 1 });
      fails('signed-out', /^1Password: not signed in, or the session expired \(op: \[ERROR\] .* You are not currently signed in\. .*\)\. Fix: sign in: eval \$\(op signin --account acme\)$/, () =>
        fetch('1password', { account: 'acme', names: ['Prod/Web'] }),
      );
      serve('op', { argv: [...get, '--fields', 'label=password', ...tail], stderr: 'op/session-expired.txt', status: 1 });
      fails('signed-out', /session expired/, () => fetch('1password', { account: 'acme', names: ['Prod/Web'] }));
    });

    it('says which item or field is not there', () => {
      serve('op', { argv: [...get, '--fields', 'label=password', ...tail], stderr: 'op/item-not-found.txt', status: 1 });
      fails('not-found', /^1Password: item Web in vault Prod not found \(op: .*"Web" isn't an item in the "Prod" vault/, () => fetch('1password', { account: 'acme', names: ['Prod/Web'] }));
      serve('op', { argv: [...get, '--fields', 'label=SMTP_PASSWORD,label=NOPE', ...tail], stdout: 'op/item-get-one-field.json' });
      fails('not-found', /^1Password: item Web in vault Prod has no field NOPE\. Fix: check the names/, () =>
        fetch('1password', { account: 'acme', names: ['Prod/Web/SMTP_PASSWORD', 'Prod/Web/NOPE'] }),
      );
    });

    it('says when the output is not the JSON it expects', () => {
      serve('op', { argv: [...get, '--fields', 'label=password', ...tail], stdout: 'text:Web password: hunter2\n' });
      fails('bad-output', /^1Password: `op item get Web --vault Prod --fields label=password --format json --account acme` printed something that is not JSON/, () =>
        fetch('1password', { account: 'acme', names: ['Prod/Web'] }),
      );
      serve('op', { argv: [...get, '--fields', 'label=password', ...tail], stdout: 'text:{"fields": 3}' });
      fails('bad-output', /printed JSON of an unexpected shape/, () => fetch('1password', { account: 'acme', names: ['Prod/Web'] }));
    });

    it('needs --account', () => {
      fails('usage', /^1Password: --account is required/, () => fetch('1password', { names: ['Prod/Web'] }));
    });
  });

  describe('bitwarden (bw)', () => {
    const ok = [
      { argv: ['status'], stdout: 'bw/status-unlocked.json' },
      { argv: ['sync'], stdout: 'bw/sync.txt' },
    ];

    it('reads a login password and custom fields', () => {
      serve('bw', ...ok, { argv: ['get', 'item', 'REGISTRY_PASSWORD'], stdout: 'bw/get-item-login.json' }, { argv: ['get', 'item', 'Shop'], stdout: 'bw/get-item-fields.json' });
      assert.deepEqual(fetch('bitwarden', { account: 'ops@acme.test', names: ['REGISTRY_PASSWORD', 'Shop/DB_PASSWORD'] }), {
        REGISTRY_PASSWORD: 'bw-reg-61d0',
        'Shop/DB_PASSWORD': 'bw-db-9e42',
      });
      assert.deepEqual(fakes.calls('bw'), [['status'], ['sync'], ['get', 'item', 'REGISTRY_PASSWORD'], ['get', 'item', 'Shop']]);
      assert.deepEqual(fetch('bitwarden', { account: 'ops@acme.test', names: ['Shop'] }), { 'Shop/DB_PASSWORD': 'bw-db-9e42', 'Shop/API_TOKEN': 'bw-api-77c3' });
    });

    it('stops at a locked vault, a logged-out CLI or another user', () => {
      serve('bw', { argv: ['status'], stdout: 'bw/status-locked.json' });
      fails('signed-out', /^Bitwarden: the vault is locked .*Fix: sign in: bw login ops@acme\.test \(once\), then export BW_SESSION=\$\(bw unlock --raw\)$/, () =>
        fetch('bitwarden', { account: 'ops@acme.test', names: ['X'] }),
      );
      assert.deepEqual(fakes.calls('bw'), [['status']]);
      serve('bw', { argv: ['status'], stdout: 'bw/status-unauthenticated.json' });
      fails('signed-out', /^Bitwarden: bw is not logged in/, () => fetch('bitwarden', { account: 'ops@acme.test', names: ['X'] }));
      serve('bw', ...ok);
      fails('signed-out', /bw is logged in as ops@acme\.test, not dev@acme\.test/, () => fetch('bitwarden', { account: 'dev@acme.test', names: ['X'] }));
    });

    it('says which item or field is missing', () => {
      serve('bw', ...ok, { argv: ['get', 'item', 'Nope'], stderr: 'bw/not-found.txt', status: 1 }, { argv: ['get', 'item', 'Shop'], stdout: 'bw/get-item-fields.json' });
      fails('not-found', /^Bitwarden: item Nope not found \(bw: Not found\.\)/, () => fetch('bitwarden', { account: 'ops@acme.test', names: ['Nope'] }));
      fails('not-found', /^Bitwarden: item Shop has no field SMTP/, () => fetch('bitwarden', { account: 'ops@acme.test', names: ['Shop/SMTP'] }));
    });
  });

  describe('bitwarden-sm (bws)', () => {
    it('gets secrets by ID and lists a project', () => {
      serve(
        'bws',
        { argv: ['secret', 'get', 'be8e0ad8-d545-4017-a55a-b02f014d4158', '--output', 'json'], stdout: 'bws/secret-get.json' },
        { argv: ['secret', 'list', 'e325ea69-a3ab-4dff-836f-b02e013fe530', '--output', 'json'], stdout: 'bws/secret-list.json' },
      );
      assert.deepEqual(fetch('bitwarden-sm', { names: ['be8e0ad8-d545-4017-a55a-b02f014d4158'] }), { REGISTRY_PASSWORD: 'bws-reg-3c1a' });
      assert.deepEqual(fetch('bitwarden-sm', { names: ['e325ea69-a3ab-4dff-836f-b02e013fe530/all'] }), { REGISTRY_PASSWORD: 'bws-reg-3c1a', DB_PASSWORD: 'bws-db-8f20' });
    });

    it('says when there is no access token', () => {
      serve('bws', { argv: ['secret', 'list', '--output', 'json'], stderr: 'bws/no-token.txt', status: 1 });
      fails('signed-out', /^Bitwarden Secrets Manager: not signed in.*Fix: sign in: export BWS_ACCESS_TOKEN=/, () => fetch('bitwarden-sm', { names: ['all'] }));
    });
  });

  describe('lastpass (lpass)', () => {
    const show = ['show', '--json', 'Deploy/REGISTRY_PASSWORD', 'Deploy/DB_PASSWORD'];

    it('checks the account, then reads every entry at once', () => {
      serve('lpass', { argv: ['status', '--color=never'], stdout: 'lpass/status.txt' }, { argv: show, stdout: 'lpass/show.json' });
      assert.deepEqual(fetch('lastpass', { account: 'ops@acme.test', from: 'Deploy', names: ['REGISTRY_PASSWORD', 'DB_PASSWORD'] }), {
        'Deploy/REGISTRY_PASSWORD': 'lp-reg-0a9b',
        'Deploy/DB_PASSWORD': 'lp-db-4e6f',
      });
      assert.deepEqual(fakes.calls('lpass'), [['status', '--color=never'], show]);
    });

    it('says when not logged in, or logged in as someone else, and when an entry is missing', () => {
      serve('lpass', { argv: ['status', '--color=never'], stdout: 'lpass/status-logged-out.txt', status: 1 });
      fails('signed-out', /^LastPass: not signed in.*Fix: sign in: lpass login ops@acme\.test$/, () => fetch('lastpass', { account: 'ops@acme.test', names: ['X'] }));
      serve('lpass', { argv: ['status', '--color=never'], stdout: 'lpass/status.txt' }, { argv: ['show', '--json', 'Nope'], stderr: 'lpass/not-found.txt', status: 1 });
      fails('signed-out', /not logged in as dev@acme\.test/, () => fetch('lastpass', { account: 'dev@acme.test', names: ['Nope'] }));
      fails('not-found', /^LastPass: Nope not found \(lpass: Error: Could not find specified account\(s\)\.\)/, () => fetch('lastpass', { account: 'ops@acme.test', names: ['Nope'] }));
    });
  });

  describe('aws_secrets_manager (aws)', () => {
    const batch = (...names: string[]) => ['secretsmanager', 'batch-get-secret-value', '--secret-id-list', ...names, '--output', 'json'];

    it('splits a JSON secret into NAME/KEY, keeps a plain one whole', () => {
      serve('aws', { argv: batch('shop/prod', 'shop/license'), stdout: 'aws/batch.json' });
      assert.deepEqual(fetch('aws', { names: ['shop/prod', 'shop/license'] }), {
        'shop/prod/DB_PASSWORD': 'aws-db-5d2c',
        'shop/prod/REGISTRY_PASSWORD': 'aws-reg-19fe',
        'shop/license': 'LIC-2026-ACME-7731',
      });
    });

    it('reports the errors AWS lists, and missing credentials', () => {
      serve('aws', { argv: batch('shop/missing'), stdout: 'aws/batch-errors.json' }, { argv: batch('shop/prod'), stderr: 'aws/no-credentials.txt', status: 253 });
      fails('not-found', /^AWS Secrets Manager: shop\/missing: Secrets Manager can't find the specified secret\. Fix: check the names/, () => fetch('aws', { names: ['shop/missing'] }));
      fails('signed-out', /^AWS Secrets Manager: not signed in, or the session expired \(aws: Unable to locate credentials\. .*\)\. Fix: sign in: aws sso login/, () =>
        fetch('aws', { names: ['shop/prod'] }),
      );
    });
  });

  describe('gcp (gcloud)', () => {
    const access = (version: string, secret: string, ...rest: string[]) => ['secrets', 'versions', 'access', version, `--secret=${secret}`, ...rest, '--format=json'];

    it('decodes each payload, keyed by secret (and project when not the default)', () => {
      serve(
        'gcloud',
        { argv: ['auth', 'list', '--format=json'], stdout: 'gcloud/auth-list.json' },
        { argv: access('latest', 'db-password', '--account=ops@acme.test'), stdout: 'gcloud/access-db.json' },
        { argv: access('7', 'api-key', '--project=billing-7', '--account=ops@acme.test'), stdout: 'gcloud/access-api.json' },
      );
      assert.deepEqual(fetch('gcp', { account: 'ops@acme.test', names: ['db-password', 'billing-7/api-key/7'] }), { 'db-password': 'gcp-db-3a7f', 'billing-7/api-key': 'gcp-api-b2d9' });
      assert.equal(fakes.calls('gcloud').length, 3);
    });

    it('says when gcloud has no account, needs reauthentication, or the secret is missing', () => {
      serve('gcloud', { argv: ['auth', 'list', '--format=json'], stdout: 'gcloud/auth-list-empty.json' });
      fails('signed-out', /^GCP Secret Manager: gcloud has no credentialed account\. Fix: sign in: gcloud auth login$/, () => fetch('gcp', { account: 'default', names: ['db-password'] }));
      serve(
        'gcloud',
        { argv: ['auth', 'list', '--format=json'], stdout: 'gcloud/auth-list.json' },
        { argv: access('latest', 'db-password'), stderr: 'gcloud/reauth.txt', status: 1 },
        { argv: access('latest', 'nope'), stderr: 'gcloud/not-found.txt', status: 1 },
      );
      fails('signed-out', /^GCP Secret Manager: not signed in/, () => fetch('gcp', { account: 'default', names: ['db-password'] }));
      fails('not-found', /^GCP Secret Manager: secret nope \(version latest\) not found \(gcloud: ERROR: .*NOT_FOUND/, () => fetch('gcp', { account: 'default', names: ['nope'] }));
    });
  });

  describe('doppler', () => {
    const get = ['secrets', 'get', 'DB_PASSWORD', 'REGISTRY_PASSWORD', '--json', '-p', 'shop', '-c', 'prd'];

    it('reads computed values of a project config', () => {
      serve('doppler', { argv: get, stdout: 'doppler/secrets-get.json' });
      assert.deepEqual(fetch('doppler', { from: 'shop/prd', names: ['DB_PASSWORD', 'REGISTRY_PASSWORD'] }), { DB_PASSWORD: 'dp-db-6b1e', REGISTRY_PASSWORD: 'dp-reg-c43a' });
    });

    it('says when the token is invalid', () => {
      serve('doppler', { argv: get, stderr: 'doppler/invalid-token.txt', status: 1 });
      fails('signed-out', /^Doppler: not signed in, or the session expired \(doppler: Doppler Error: Invalid Auth token\)\. Fix: sign in: doppler login/, () =>
        fetch('doppler', { from: 'shop/prd', names: ['DB_PASSWORD', 'REGISTRY_PASSWORD'] }),
      );
    });
  });
});
