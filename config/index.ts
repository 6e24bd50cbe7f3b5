/** Public API of config/: load and validate config/deploy.yml, roles, secrets, reference. */
export { ConfigError, formatProblem } from './errors';
export type { Problem } from './errors';
export { loadConfig, destinationFile, DEFAULT_CONFIG_FILE } from './load';
export type { LoadConfigOptions, LoadedConfig } from './load';
export { ConfigSchema } from './schema';
export type {
  Config,
  ConfigInput,
  ServersConfig,
  RoleConfig,
  RoleOptions,
  EnvConfig,
  RegistryConfig,
  ProxyConfig,
  ProxyRunConfig,
  HealthcheckConfig,
  RoleProxyConfig,
  SshConfig,
  BuilderConfig,
  BootConfig,
  EnvBaseConfig,
  SshkitConfig,
  LoggingConfig,
  AccessoryConfig,
  SslCertificateConfig,
  HostEntry,
} from './schema';
export { hostName, hostTags } from './leaves';
export type { LegacyHealthcheck } from './legacy';
export { roles, findRole, primaryRole, allHosts, parseSecretRef, mergeProxy, mergeEnv, hostEnv } from './roles';
export type { Role, RoleEnv, RoleProxy, SecretEnv } from './roles';
export { bootGroupSize } from './boot';
export { accessoryHosts } from './accessories';
export {
  resolveSecrets,
  resolveConfigSecrets,
  secretNames,
  accessorySecretNames,
  secretsFiles,
  legacyEnvFiles,
  credentialValue,
  DEFAULT_SECRETS_PATH,
} from './secrets';
export type { ResolveSecretsOptions } from './secrets';
export { redactedConfig, REDACTED } from './redact';
export { renderReference } from './docs';
