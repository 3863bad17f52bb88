/**
 * Prints /etc/llmmon/<app>.env for an app: every variable it reads, commented out at its
 * default with its description, so the file documents itself (from the same schema the app
 * validates with, as README's tables are).
 */
import { join } from 'node:path';
import type { ConfigSchema } from '@llmmon/metrics-core';

async function main(): Promise<void> {
  const app = process.argv[2] ?? '';
  const { configSchema } = (await import(join(__dirname, '../../apps', app, 'src/config.ts'))) as {
    configSchema: ConfigSchema;
  };
  const lines = [`# llmmon ${app}: uncomment and set what differs from the default; see README.md.`];
  for (const [name, spec] of Object.entries(configSchema)) {
    const value = spec.defaultText === '(unset)' ? '' : spec.defaultText;
    lines.push('', `# ${spec.description}`, `#${name}=${value}`);
  }
  console.log(lines.join('\n'));
}

void main();
