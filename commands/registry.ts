// Registry login/logout. The password goes over stdin: `-p` would put it in the host's process list.
import { CommandWithInput } from './remote';

export interface RegistryLoginParams {
  /** Absent = Docker Hub. */
  server?: string;
  username: string;
  password: string;
}

function serverArgs(server: string | undefined): string[] {
  if (server === undefined || server === '') return [];
  if (server.startsWith('-') || /\s/.test(server)) throw new Error(`invalid registry server ${JSON.stringify(server)}`);
  return [server];
}

export function login(p: RegistryLoginParams): CommandWithInput {
  if (!p.username) throw new Error('registry username is empty');
  if (!p.password) throw new Error('registry password is empty');
  return { argv: ['docker', 'login', ...serverArgs(p.server), '-u', p.username, '--password-stdin'], stdin: p.password };
}

export function logout(server?: string): string[] {
  return ['docker', 'logout', ...serverArgs(server)];
}
