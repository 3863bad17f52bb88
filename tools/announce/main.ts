/**
 * `npm run announce`: post and list announcements for the server's users. They are Grafana
 * annotations with one of four tags, stored org-wide, so the System status dashboard lists
 * them and every dashboard that asks for the tag shows them as markers.
 *
 *   npm run announce -- post maintenance "vLLM upgrade, models restart" --from 2026-12-01T18:00Z --until 2026-12-01T19:00Z
 *   npm run announce -- post new-model "qwen2.5-72b is available"
 *   npm run announce -- list [--tag deprecation] [--limit 20]
 *
 * Environment: GRAFANA_URL (http://127.0.0.1:23000), GRAFANA_TOKEN (a service-account token;
 * Editor can post, Viewer can list). Bad arguments or configuration: one line, exit 2; Grafana
 * refusing or unreachable: one line, exit 1.
 */
import {
  ConfigError,
  HttpStatusError,
  env,
  errorMessage,
  fetchJson,
  loadConfigOrExit,
} from '@llmmon/metrics-core';

export const TAGS = ['announcement', 'maintenance', 'deprecation', 'new-model'] as const;
type Tag = (typeof TAGS)[number];

const schema = {
  GRAFANA_URL: env.url('Grafana.', 'http://127.0.0.1:23000'),
  GRAFANA_TOKEN: env.secret('A Grafana service-account token (Editor to post, Viewer to list).'),
};

const TIMEOUT_MS = 15_000;
const USAGE =
  'usage: announce post <announcement|maintenance|deprecation|new-model> "<text>" [--from <time>] [--until <time>] [--dashboard <uid>] | announce list [--tag <tag>] [--limit <n>]';

export type Command =
  | { kind: 'post'; tag: Tag; text: string; from: number; until?: number; dashboard?: string }
  | { kind: 'list'; tags: readonly Tag[]; limit: number };

/** Thrown for bad arguments: main prints it in one line and exits 2. */
export class UsageError extends Error {}

function parseTime(flag: string, value: string | undefined): number {
  if (value === undefined) throw new UsageError(`${flag} needs a time (ISO 8601, e.g. 2026-12-01T18:00Z)`);
  const ms = value === 'now' ? Date.now() : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new UsageError(`${flag}: "${value}" is not a time (ISO 8601, e.g. 2026-12-01T18:00Z)`);
  return ms;
}

function isTag(t: string | undefined): t is Tag {
  return TAGS.includes(t as Tag);
}

export function parseCommand(argv: readonly string[], now = Date.now()): Command {
  const [kind, ...rest] = argv;
  const flags = new Map<string, string | undefined>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('--')) flags.set(a, rest[++i]);
    else positional.push(a);
  }
  const known = kind === 'post' ? ['--from', '--until', '--dashboard'] : ['--tag', '--limit'];
  for (const f of flags.keys()) if (!known.includes(f)) throw new UsageError(`unknown option ${f}; ${USAGE}`);
  if (kind === 'post') {
    const [tag, text, extra] = positional;
    if (!isTag(tag))
      throw new UsageError(`the tag must be one of ${TAGS.join(', ')} (got ${tag ?? 'nothing'}); ${USAGE}`);
    if (!text?.trim()) throw new UsageError(`say what to announce: ${USAGE}`);
    if (extra !== undefined)
      throw new UsageError(`quote the text: one argument after the tag (got also "${extra}")`);
    const from = flags.has('--from') ? parseTime('--from', flags.get('--from')) : now;
    const until = flags.has('--until') ? parseTime('--until', flags.get('--until')) : undefined;
    if (until !== undefined && until <= from) throw new UsageError('--until must be after --from');
    const dashboard = flags.get('--dashboard');
    if (flags.has('--dashboard') && !/^[\w-]{1,40}$/.test(dashboard ?? ''))
      throw new UsageError(`--dashboard needs a dashboard uid (got ${dashboard ?? 'nothing'})`);
    return { kind: 'post', tag, text: text.trim(), from, until, dashboard };
  }
  if (kind === 'list') {
    if (positional.length) throw new UsageError(`list takes no text (got "${positional[0]}"); ${USAGE}`);
    const tag = flags.get('--tag');
    if (flags.has('--tag') && !isTag(tag)) throw new UsageError(`--tag must be one of ${TAGS.join(', ')}`);
    const limit = flags.has('--limit') ? Number(flags.get('--limit')) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new UsageError('--limit must be a whole number from 1 to 1000');
    return { kind: 'list', tags: tag ? [tag as Tag] : TAGS, limit };
  }
  throw new UsageError(USAGE);
}

interface Annotation {
  id: number;
  time: number;
  timeEnd?: number;
  tags: string[];
  text: string;
  dashboardUID?: string | null;
}

/** Grafana's HTTP API with the token; a refusal says Grafana's own reason in the one line. */
async function grafana<T>(
  url: string,
  token: string,
  path: string,
  init: { method?: 'POST'; json?: unknown } = {},
): Promise<T> {
  try {
    return await fetchJson<T>(`${url}${path}`, {
      timeoutMs: TIMEOUT_MS,
      headers: { authorization: `Bearer ${token}` },
      ...init,
    });
  } catch (err) {
    if (!(err instanceof HttpStatusError)) throw err;
    let reason = err.body?.slice(0, 200) ?? '';
    try {
      reason = (JSON.parse(err.body ?? '') as { message?: string }).message ?? reason;
    } catch {
      // not JSON: the start of the body says enough
    }
    const hint = err.status === 401 || err.status === 403 ? ' (check GRAFANA_TOKEN and its role)' : '';
    throw new Error(`${err.message}: ${reason}${hint}`);
  }
}

const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export function formatAnnotation(a: Annotation): string {
  const when = a.timeEnd && a.timeEnd !== a.time ? `${fmt(a.time)} → ${fmt(a.timeEnd)}` : fmt(a.time);
  const tag = a.tags.find(isTag) ?? a.tags[0] ?? '';
  return `${when} UTC  [${tag}]  ${a.text}  (id ${a.id})`;
}

export async function run(command: Command, url: string, token: string): Promise<string[]> {
  if (command.kind === 'post') {
    const body = {
      time: command.from,
      ...(command.until ? { timeEnd: command.until } : {}),
      tags: [command.tag],
      text: command.text,
      ...(command.dashboard ? { dashboardUID: command.dashboard } : {}),
    };
    const posted = await grafana<{ id: number }>(url, token, '/api/annotations', {
      method: 'POST',
      json: body,
    });
    return [`posted ${command.tag} (id ${posted.id}): ${command.text}`];
  }
  const query = new URLSearchParams({ type: 'annotation', matchAny: 'true', limit: String(command.limit) });
  for (const t of command.tags) query.append('tags', t);
  const found = await grafana<Annotation[]>(url, token, `/api/annotations?${query}`);
  if (found.length === 0) return [`no announcements tagged ${command.tags.join(' or ')}`];
  return found.sort((a, b) => b.time - a.time).map(formatAnnotation);
}

async function main(): Promise<void> {
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (err) {
    console.error(`[announce] ${errorMessage(err)}`);
    process.exit(2);
  }
  const c = loadConfigOrExit(schema, process.env, (x) => {
    if (!x.GRAFANA_TOKEN) throw new ConfigError('GRAFANA_TOKEN', 'set it to a Grafana service-account token');
  });
  try {
    for (const line of await run(command, c.GRAFANA_URL, c.GRAFANA_TOKEN!)) console.log(line);
  } catch (err) {
    console.error(`[announce] Grafana at ${c.GRAFANA_URL}: ${errorMessage(err)}`);
    process.exit(1);
  }
}

if (require.main === module) void main();
