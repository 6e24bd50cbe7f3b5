/** The secrets adapters by the names `--adapter` takes (Kamal's names). */
import type { Adapter } from '../adapter';
import { awsSecretsManager } from './aws';
import { bitwarden } from './bitwarden';
import { bitwardenSecretsManager } from './bitwarden-sm';
import { doppler } from './doppler';
import { gcpSecretManager } from './gcp';
import { lastPass } from './lastpass';
import { onePassword } from './onepassword';

export const ADAPTERS: readonly Adapter[] = [onePassword, bitwarden, bitwardenSecretsManager, lastPass, awsSecretsManager, gcpSecretManager, doppler];

export function findAdapter(name: string): Adapter | undefined {
  const wanted = name.toLowerCase();
  return ADAPTERS.find((a) => a.name === wanted || a.aliases?.includes(wanted));
}
