import type { FlagSpec } from './args';

/** Options every command takes (Kamal's names). */
export const globalFlags: FlagSpec[] = [
  { name: 'config-file', short: 'c', type: 'string', description: 'Path to the config file (default config/deploy.yml)' },
  { name: 'destination', short: 'd', type: 'string', description: 'Destination: deep-merges config/deploy.DEST.yml' },
  { name: 'version', type: 'string', description: 'Run against this app version instead of the git commit' },
  { name: 'hosts', short: 'h', type: 'string', description: 'Only these hosts (comma list, * wildcards)' },
  { name: 'roles', short: 'r', type: 'string', description: 'Only these roles (comma list, * wildcards)' },
  { name: 'primary', short: 'p', type: 'boolean', description: 'Only the primary host' },
  { name: 'skip-hooks', short: 'H', type: 'boolean', description: 'Do not run hooks' },
  { name: 'verbose', short: 'v', type: 'boolean', description: 'Show every step and remote output' },
  { name: 'quiet', short: 'q', type: 'boolean', description: 'Only errors and the result' },
  { name: 'json', type: 'boolean', description: 'One JSON object per event on stdout (docs/json-events.md)' },
  { name: 'help', type: 'boolean', description: 'Show help for the command' },
];
