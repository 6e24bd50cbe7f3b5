// deploy.yml's free-form `options:` maps and `logging:` → docker flags, as Kamal maps them.

export type OptionValue = string | number | boolean | null | undefined | ReadonlyArray<string | number>;
export type DockerOptions = Readonly<Record<string, OptionValue>>;

const OPTION_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * `{memory: "1g", init: true, "add-host": ["a:1", "b:2"]}` →
 * `--memory 1g --init --add-host a:1 --add-host b:2`. null/undefined are skipped; `false` becomes
 * `--name=false` (a separate "false" word after a boolean flag would be taken as the image).
 * With `joined`, values attach as `--name=value` (kamal-proxy's style).
 */
export function optionize(options: DockerOptions | undefined, joined = false): string[] {
  const argv: string[] = [];
  for (const [name, value] of Object.entries(options ?? {})) {
    if (!OPTION_NAME.test(name)) {
      throw new Error(`invalid option name ${JSON.stringify(name)}: write it without leading dashes, e.g. "memory"`);
    }
    const values: ReadonlyArray<string | number | boolean | null | undefined> = Array.isArray(value) ? value : [value as Exclude<OptionValue, readonly unknown[]>];
    for (const v of values) {
      if (v === null || v === undefined) continue;
      if (v === true) argv.push(`--${name}`);
      else if (v === false || joined) argv.push(`--${name}=${String(v)}`);
      else argv.push(`--${name}`, String(v));
    }
  }
  return argv;
}

export interface LoggingParams {
  driver?: string;
  options?: Readonly<Record<string, string>>;
}

const DEFAULT_LOG_MAX_SIZE = '10m';

/** Given driver/options → those; otherwise Kamal's default `--log-opt max-size=10m`. */
export function loggingArgs(logging: LoggingParams | undefined): string[] {
  const options = Object.entries(logging?.options ?? {});
  if (!logging?.driver && options.length === 0) return ['--log-opt', `max-size=${DEFAULT_LOG_MAX_SIZE}`];
  return [
    ...(logging?.driver ? ['--log-driver', logging.driver] : []),
    ...options.flatMap(([k, v]) => ['--log-opt', `${k}=${v}`]),
  ];
}

/** Repeats `flag` for each `key=value`. */
export function keyValueArgs(flag: string, pairs: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(pairs ?? {}).flatMap(([k, v]) => {
    if (!k || k.includes('=')) throw new Error(`invalid key ${JSON.stringify(k)} for ${flag}`);
    return [flag, `${k}=${v}`];
  });
}
