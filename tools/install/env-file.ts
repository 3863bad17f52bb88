/**
 * Prints /etc/llmmon/<app>.env for an app: every variable it reads, commented out at its
 * default with its description, so the file documents itself (from the same definitions the
 * app validates with, as the READMEs' tables are). For the agent: its own variables, then each
 * exporter's (a variable two exporters share appears once).
 */
import { agentSchema, exporterSchema, standaloneSchema, type ConfigSchema } from '@llmmon/metrics-core';
import { TOPOLOGY } from '@llmmon/topology';

function schemaOf(app: string): ConfigSchema {
  if (app === 'agent') {
    const all: ConfigSchema = { ...agentSchema(TOPOLOGY.map((t) => t.definition)) };
    for (const t of TOPOLOGY) Object.assign(all, exporterSchema(t.definition));
    return all;
  }
  const t = TOPOLOGY.find((x) => x.app === app);
  if (!t) throw new Error(`no app ${app}: one of agent, ${TOPOLOGY.map((x) => x.app).join(', ')}`);
  return standaloneSchema(t.definition);
}

const app = process.argv[2] ?? '';
const lines = [
  `# llmmon ${app}: uncomment and set what differs from the default; see apps/${app}/README.md.`,
];
for (const [name, spec] of Object.entries(schemaOf(app))) {
  const value = spec.defaultText === '(unset)' ? '' : spec.defaultText;
  lines.push('', `# ${spec.description}`, `#${name}=${value}`);
}
console.log(lines.join('\n'));
