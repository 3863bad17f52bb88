import {
  ConfigError,
  configTable,
  env,
  exporterConfigSchema,
  loadConfig,
  redactConfig,
  validateExporterConfig,
} from '../src';

const schema = {
  PORT: env.port('Port.', 9100),
  TIMEOUT: env.seconds('Timeout.', 5, { max: 60 }),
  MODE: env.oneOf('Mode.', ['auto', 'nvml'] as const, 'auto'),
  NAMES: env.list('Names.', ['cpu', 'meminfo'], ['cpu', 'meminfo', 'diskstats']),
  ENABLED: env.bool('Enabled.', false),
  EXCLUDE: env.regex('Exclude.', '^lo$'),
  URL: env.url('Upstream.', 'http://localhost:4000'),
  KEY: env.secret('API key.'),
};

describe('loadConfig', () => {
  it('applies documented defaults, treating empty strings as unset', () => {
    const c = loadConfig(schema, { PORT: '' });
    expect(c).toMatchObject({
      PORT: 9100,
      TIMEOUT: 5,
      MODE: 'auto',
      NAMES: ['cpu', 'meminfo'],
      ENABLED: false,
    });
    expect(c.KEY).toBeUndefined();
    expect(c.EXCLUDE.test('lo')).toBe(true);
  });

  it('parses typed values', () => {
    const c = loadConfig(schema, {
      PORT: '9445',
      TIMEOUT: '0.5',
      MODE: 'nvml',
      NAMES: 'cpu, diskstats',
      ENABLED: 'yes',
      URL: 'https://proxy:4000/',
      KEY: 'sk-1',
    });
    expect(c).toMatchObject({
      PORT: 9445,
      TIMEOUT: 0.5,
      MODE: 'nvml',
      NAMES: ['cpu', 'diskstats'],
      ENABLED: true,
    });
    expect(c.URL).toBe('https://proxy:4000');
  });

  it.each([
    ['PORT', 'abc', 'PORT: expected a TCP port between 0 and 65535 (got "abc")'],
    ['PORT', '70000', 'PORT: expected a TCP port between 0 and 65535 (got "70000")'],
    ['TIMEOUT', '-1', 'TIMEOUT: expected a number of seconds between 0 and 60 (got "-1")'],
    ['MODE', 'cuda', 'MODE: expected one of auto, nvml (got "cuda")'],
    ['NAMES', 'cpu,gpu', 'NAMES: unknown item(s) gpu; allowed: cpu, meminfo, diskstats (got "cpu,gpu")'],
    ['ENABLED', 'maybe', 'ENABLED: expected true or false (got "maybe")'],
    ['EXCLUDE', '(', 'EXCLUDE: expected a valid regular expression (got "(")'],
    ['URL', 'ftp://x', 'URL: expected an http(s) URL (got "ftp://x")'],
  ])('names the variable and the reason for %s=%s', (name, raw, message) => {
    expect(() => loadConfig(schema, { [name]: raw })).toThrow(
      new ConfigError(name, message.split(': ').slice(1).join(': ')),
    );
  });

  it('never echoes a secret, in errors or in logs', () => {
    const strict = {
      KEY: {
        ...env.secret('k'),
        parse: () => {
          throw new Error('too short');
        },
      },
    };
    expect(() => loadConfig(strict, { KEY: 'sk-secret' })).toThrow('KEY: too short');
    const c = loadConfig(schema, { KEY: 'sk-secret' });
    expect(JSON.stringify(redactConfig(schema, c))).not.toContain('sk-secret');
    expect(redactConfig(schema, c)['KEY']).toBe('(set)');
  });

  it('checks variables that only make sense together', () => {
    const base = loadConfig(exporterConfigSchema({ port: 1 }), {});
    expect(() => validateExporterConfig({ ...base, METRICS_AUTH_USERNAME: 'prom' })).toThrow(
      'METRICS_AUTH_PASSWORD: must be set together',
    );
    expect(() => validateExporterConfig({ ...base, ADMIN_TOKEN: 'short' })).toThrow(
      'ADMIN_TOKEN: must be at least 16',
    );
  });

  it('documents itself as a Markdown table', () => {
    expect(configTable(schema)).toContain('| `PORT` | `9100` | Port. |');
    expect(configTable(schema)).toContain('| `KEY` | `(unset)` | API key. |');
  });
});
