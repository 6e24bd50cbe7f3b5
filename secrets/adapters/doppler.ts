/**
 * Doppler (`doppler`). Names are secret names under --from PROJECT/CONFIG (or PROJECT/CONFIG/NAME
 * each); with a service token in DOPPLER_TOKEN (`dp.st.…`) the token fixes project and config.
 * No names: every secret of the config. Results are keyed by secret name (computed values).
 */
import { z } from 'zod';
import { parseJson, prefixed, usage, type Adapter, type Call, type FetchRequest } from '../adapter';

const Secrets = z.record(z.string(), z.object({ computed: z.string().nullable() }));

function calls(request: FetchRequest): Call[] {
  const paths = request.names.length > 0 ? prefixed(request.names, request.from) : [];
  const serviceToken = request.env.DOPPLER_TOKEN?.startsWith('dp.st') ?? false;
  let scope: string[] = [];
  if (!serviceToken) {
    const [project, config] = (paths[0] ?? request.from ?? '').split('/');
    if (!project || !config) throw usage('say which project and config: --from PROJECT/CONFIG (or set a service token in DOPPLER_TOKEN)');
    scope = ['-p', project, '-c', config];
  }
  const names = paths.map((p) => p.split('/').pop()!);
  return [
    {
      argv: ['doppler', 'secrets', 'get', ...names, '--json', ...scope],
      subject: names.length ? names.join(', ') : 'the config',
      parse: (out) => Object.fromEntries(Object.entries(parseJson(Secrets, out)).map(([k, v]) => [k, v.computed ?? ''])),
    },
  ];
}

export const doppler: Adapter = {
  name: 'doppler',
  label: 'Doppler',
  cli: 'doppler',
  install: 'install the Doppler CLI: https://docs.doppler.com/docs/install-cli',
  requiresAccount: false,
  signIn: () => 'doppler login (or set DOPPLER_TOKEN)',
  signedOut: /doppler login|unable to authenticate|invalid auth token|not logged in/i,
  notFound: /could not find|not found/i,
  calls,
};
