/**
 * Configuration from environment variables, described by a schema.
 *
 * Every variable has a type, a documented default and a validator. A bad value stops
 * start-up with one line naming the variable (see `loadConfigOrExit`), never a stack trace.
 * Empty strings count as unset, because compose files often write `FOO=`.
 */

export interface VarSpec<T> {
  readonly description: string;
  /** Shown in docs; `undefined` means the variable is optional and has no default. */
  readonly default: T | undefined;
  /** Secrets are never printed, logged or put in error messages. */
  readonly secret: boolean;
  /** Returns the parsed value, or throws an Error whose message says what is expected. */
  parse(raw: string): T;
  /** Renders the default for docs. */
  readonly defaultText: string;
}

export type ConfigSchema = Record<string, VarSpec<unknown>>;
export type ConfigOf<S extends ConfigSchema> = {
  readonly [K in keyof S]: S[K] extends VarSpec<infer T> ? T : never;
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

/**
 * Refuses a setting that must stay below another (a call's timeout below the collection's or
 * the poll's): `<name>: must be below <limit> (<value>)`, and why, if given.
 */
export function requireBelow<C extends Record<string, unknown>>(
  c: C,
  name: keyof C & string,
  limit: keyof C & string,
  why?: string,
): void {
  if ((c[name] as number) >= (c[limit] as number)) {
    throw new ConfigError(name, `must be below ${limit} (${String(c[limit])})${why ? `, ${why}` : ''}`);
  }
}

function spec<T>(
  description: string,
  def: T | undefined,
  parse: (raw: string) => T,
  opts: { secret?: boolean; defaultText?: string } = {},
): VarSpec<T> {
  return {
    description,
    default: def,
    secret: opts.secret ?? false,
    parse,
    defaultText: opts.defaultText ?? (def === undefined ? '(unset)' : String(def)),
  };
}

function parseNumber(raw: string, what: string, min: number, max: number, integer: boolean): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new Error(`expected ${what} between ${min} and ${max}`);
  }
  return n;
}

/** Builders for each kind of variable. Optional variables (no default) yield `undefined` when unset. */
export const env = {
  string: (description: string, def?: string) => spec(description, def, (raw) => raw),
  secret: (description: string) =>
    spec<string | undefined>(description, undefined, (raw) => raw, { secret: true }),
  int: (description: string, def: number, opts: { min?: number; max?: number } = {}) =>
    spec(description, def, (raw) =>
      parseNumber(
        raw,
        'an integer',
        opts.min ?? Number.MIN_SAFE_INTEGER,
        opts.max ?? Number.MAX_SAFE_INTEGER,
        true,
      ),
    ),
  port: (description: string, def: number) =>
    spec(description, def, (raw) => parseNumber(raw, 'a TCP port', 0, 65535, true)),
  /** A duration in seconds (fractions allowed). */
  seconds: (description: string, def: number, opts: { min?: number; max?: number } = {}) =>
    spec(description, def, (raw) =>
      parseNumber(raw, 'a number of seconds', opts.min ?? 0, opts.max ?? 86400, false),
    ),
  bool: (description: string, def: boolean) =>
    spec(description, def, (raw) => {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new Error('expected true or false');
    }),
  oneOf: <T extends string>(description: string, values: readonly T[], def: T) =>
    spec<T>(description, def, (raw) => {
      const v = raw.trim() as T;
      if (!values.includes(v)) throw new Error(`expected one of ${values.join(', ')}`);
      return v;
    }),
  /** A comma-separated list; with `allowed`, every item must be one of them. */
  list: <T extends string = string>(description: string, def: readonly T[], allowed?: readonly T[]) =>
    spec<readonly T[]>(
      description,
      def,
      (raw) => {
        const items = raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean) as T[];
        const unknown = allowed ? items.filter((i) => !allowed.includes(i)) : [];
        if (unknown.length)
          throw new Error(`unknown item(s) ${unknown.join(', ')}; allowed: ${allowed?.join(', ')}`);
        return items;
      },
      { defaultText: def.join(',') },
    ),
  regex: (description: string, def: string) =>
    spec<RegExp>(
      description,
      new RegExp(def),
      (raw) => {
        try {
          return new RegExp(raw);
        } catch {
          throw new Error('expected a valid regular expression');
        }
      },
      { defaultText: def },
    ),
  /** A value `parse` makes of the text (it throws an Error saying what is expected); `def` is text too. */
  parsed: <T>(description: string, def: string, parse: (raw: string) => T) =>
    spec<T>(description, parse(def), parse, { defaultText: def }),
  url: (description: string, def?: string) =>
    spec(description, def, (raw) => {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new Error('expected an http(s) URL');
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('expected an http(s) URL');
      return raw.replace(/\/+$/, '');
    }),
} as const;

/** Parses `source` against `schema`. Throws ConfigError for the first bad variable. */
export function loadConfig<S extends ConfigSchema>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(schema)) {
    const raw = source[name];
    if (raw === undefined || raw === '') {
      out[name] = v.default;
      continue;
    }
    try {
      out[name] = v.parse(raw);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new ConfigError(name, v.secret ? reason : `${reason} (got "${raw}")`);
    }
  }
  return out as ConfigOf<S>;
}

/** For entry points: on a ConfigError print one line and exit 2 (the conventional usage-error code). */
export function loadConfigOrExit<S extends ConfigSchema>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
  validate?: (config: ConfigOf<S>) => void,
): ConfigOf<S> {
  try {
    const config = loadConfig(schema, source);
    validate?.(config);
    return config;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`llmmon: invalid configuration: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

/** Values safe to log: secrets are replaced by whether they are set. */
export function redactConfig(schema: ConfigSchema, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(schema)) {
    const value = config[name];
    if (v.secret) out[name] = value === undefined ? '(unset)' : '(set)';
    else out[name] = value instanceof RegExp ? value.source : value;
  }
  return out;
}

/** A Markdown table of the schema, for READMEs. */
export function configTable(schema: ConfigSchema): string {
  // A pipe would end the table cell, even inside a code span.
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = Object.entries(schema).map(
    ([name, v]) => `| \`${name}\` | \`${cell(v.defaultText)}\` | ${cell(v.description)} |`,
  );
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
