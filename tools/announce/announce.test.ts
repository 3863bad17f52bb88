/**
 * `npm run announce` against a stand-in for Grafana's annotations API (Grafana cannot run
 * here) that is as strict as Grafana: a Bearer token, JSON bodies, a non-empty text, times in
 * milliseconds, tag filters with matchAny. Posted announcements come back from `list`; bad
 * arguments and a refusing or absent Grafana are one line each.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort } from '@llmmon/native-stack';
import { ROOT, runScript } from '../demo/run-demo';
import { TAGS, parseCommand } from './main';

const TOKEN = 'glsa_announce_test_0123456789';

interface Stored {
  id: number;
  time: number;
  timeEnd: number;
  tags: string[];
  text: string;
  dashboardUID: string;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
  });
}

async function startFakeGrafana(): Promise<{ url: string; server: Server; stored: Stored[] }> {
  const stored: Stored[] = [];
  const server = createServer(async (req, res) => {
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: 'invalid API key' });
    const url = new URL(req.url ?? '/', 'http://grafana');
    if (url.pathname !== '/api/annotations') return send(404, { message: 'Not found' });
    if (req.method === 'POST') {
      if (!req.headers['content-type']?.startsWith('application/json'))
        return send(400, { message: 'bad request data' });
      let cmd: Record<string, unknown>;
      try {
        cmd = JSON.parse(await body(req)) as Record<string, unknown>;
      } catch {
        return send(400, { message: 'bad request data' });
      }
      if (typeof cmd['text'] !== 'string' || cmd['text'] === '')
        return send(400, { message: 'Failed to save annotation', error: 'text field should not be empty' });
      const tags = cmd['tags'];
      if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))
        return send(400, { message: 'bad request data' });
      const time = cmd['time'] ?? Date.now();
      if (!Number.isInteger(time) || (time as number) < 1e12)
        return send(400, { message: 'bad request data' });
      const timeEnd = cmd['timeEnd'] ?? time;
      if (!Number.isInteger(timeEnd) || (timeEnd as number) < (time as number))
        return send(400, { message: 'bad request data' });
      if (cmd['dashboardUID'] !== undefined && cmd['dashboardUID'] !== 'llmmon-status')
        return send(404, { message: 'Dashboard not found' });
      const id = stored.length + 1;
      stored.push({
        id,
        time: time as number,
        timeEnd: timeEnd as number,
        tags: tags as string[],
        text: cmd['text'],
        dashboardUID: (cmd['dashboardUID'] as string) ?? '',
      });
      return send(200, { message: 'Annotation added', id });
    }
    if (req.method === 'GET') {
      const wanted = url.searchParams.getAll('tags');
      const any = url.searchParams.get('matchAny') === 'true';
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const match = (a: Stored) =>
        wanted.length === 0 ||
        (any ? wanted.some((t) => a.tags.includes(t)) : wanted.every((t) => a.tags.includes(t)));
      return send(
        200,
        stored
          .filter(match)
          .slice(0, limit)
          .map((a) => ({ ...a, login: 'sa-announce', dashboardId: 0, panelId: 0 })),
      );
    }
    return send(405, { message: 'Method not allowed' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, stored };
}

const announce = (args: string[], env: Record<string, string>) =>
  runScript('tools/announce/main.ts', args, { ...process.env, ...env });

let grafana: Awaited<ReturnType<typeof startFakeGrafana>>;
beforeAll(async () => (grafana = await startFakeGrafana()));
afterAll(() => grafana.server.close());

it('posts announcements that list shows, newest first, and filters by tag', async () => {
  const env = { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN };
  const window = await announce(
    [
      'post',
      'maintenance',
      'vLLM upgrade, models restart',
      '--from',
      '2026-12-01T18:00Z',
      '--until',
      '2026-12-01T19:00Z',
    ],
    env,
  );
  expect(window).toMatchObject({
    code: 0,
    stdout: 'posted maintenance (id 1): vLLM upgrade, models restart\n',
  });
  expect(grafana.stored[0]).toMatchObject({
    time: Date.parse('2026-12-01T18:00Z'),
    timeEnd: Date.parse('2026-12-01T19:00Z'),
  });
  expect(
    (await announce(['post', 'new-model', 'qwen2.5-72b is available', '--from', '2026-12-02T09:00Z'], env))
      .code,
  ).toBe(0);

  const all = await announce(['list'], env);
  expect(all.code).toBe(0);
  expect(all.stdout.trim().split('\n')).toEqual([
    '2026-12-02 09:00 UTC  [new-model]  qwen2.5-72b is available  (id 2)',
    '2026-12-01 18:00 → 2026-12-01 19:00 UTC  [maintenance]  vLLM upgrade, models restart  (id 1)',
  ]);
  const models = await announce(['list', '--tag', 'new-model'], env);
  expect(models.stdout.trim().split('\n')).toEqual([
    '2026-12-02 09:00 UTC  [new-model]  qwen2.5-72b is available  (id 2)',
  ]);
});

it('says in one line, exit 1, when Grafana refuses the token or is not there', async () => {
  const refused = await announce(['list'], { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: 'glsa_wrong' });
  expect(refused.code).toBe(1);
  expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  expect(refused.stderr).toMatch(/answered 401: invalid API key \(check GRAFANA_TOKEN/);

  const down = await announce(['list'], {
    GRAFANA_URL: `http://127.0.0.1:${await freePort()}`,
    GRAFANA_TOKEN: TOKEN,
  });
  expect(down.code).toBe(1);
  expect(down.stderr.trim().split('\n')).toHaveLength(1);
});

it.each([
  [['post', 'outage', 'x'], /the tag must be one of announcement, maintenance, deprecation, new-model/],
  [['post', 'maintenance'], /say what to announce/],
  [
    ['post', 'maintenance', 'x', '--from', '2026-12-01T19:00Z', '--until', '2026-12-01T18:00Z'],
    /--until must be after --from/,
  ],
  [['post', 'maintenance', 'x', '--from', 'tomorrow'], /--from: "tomorrow" is not a time/],
  [['list', '--limit', '0'], /--limit must be a whole number/],
  [['shout'], /usage: announce/],
])('refuses %j in one line, exit 2, before calling Grafana', async (args, message) => {
  const before = grafana.stored.length;
  const r = await announce(args, { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN });
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(grafana.stored.length).toBe(before);
});

it('refuses to run without GRAFANA_TOKEN, naming it', async () => {
  const r = await announce(['list'], { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: '' });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/GRAFANA_TOKEN/);
});

it('uses the tags the System status dashboard lists and marks', () => {
  const status = JSON.parse(
    readFileSync(join(ROOT, 'infra/grafana/dashboards/status/status.json'), 'utf8'),
  ) as {
    panels: { type: string; options?: { tags?: string[] } }[];
    annotations: { list: { target?: { tags?: string[] } }[] };
  };
  const listed = status.panels.filter((p) => p.type === 'annolist').flatMap((p) => p.options!.tags!);
  const marked = status.annotations.list.flatMap((a) => a.target?.tags ?? []);
  expect(listed.sort()).toEqual([...TAGS].sort());
  expect(marked.sort()).toEqual([...TAGS].sort());
});

it('parses a post for now when no --from is given', () => {
  expect(parseCommand(['post', 'announcement', 'hello'], 1_800_000_000_000)).toEqual({
    kind: 'post',
    tag: 'announcement',
    text: 'hello',
    from: 1_800_000_000_000,
    until: undefined,
    dashboard: undefined,
  });
});
