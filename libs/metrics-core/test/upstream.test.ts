import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ClassifiedError,
  HttpStatusError,
  classifyError,
  errorMessage,
  fetchExposition,
  fetchJson,
  fetchText,
  redactUrl,
} from '../src';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/ok':
        return res.end('hello');
      case '/json':
        res.setHeader('content-type', 'application/json');
        return res.end('{"a":1}');
      case '/notjson':
        return res.end('<html>');
      case '/500':
        res.statusCode = 500;
        return res.end('oops');
      case '/echo': {
        // Answers what it was sent: method, content type, body.
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'], body }));
        });
        return;
      }
      case '/big':
        return res.end('x'.repeat(10_000));
      case '/hang':
        return; // never answers
      case '/metrics-slowly': {
        // Sample lines split across writes, a multi-byte character across a chunk boundary.
        const body = Buffer.from('# TYPE x gauge\nx{city="Zürich"} 1\nx{city="Genève"} 2\n');
        let at = 0;
        const timer = setInterval(() => {
          res.write(body.subarray(at, at + 5));
          at += 5;
          if (at >= body.length) {
            clearInterval(timer);
            res.end();
          }
        }, 1);
        return;
      }
      case '/metrics-endless': {
        // 50 MB of valid lines without a Content-Length: only the byte cap stops it.
        const line = 'vllm:num_requests_running{model_name="m"} 1\n'.repeat(10_000);
        let sent = 0;
        const more = () => {
          while (sent < 50 * 1024 * 1024) {
            sent += line.length;
            if (!res.write(line)) return void res.once('drain', more);
          }
          res.end();
        };
        res.on('close', () => (sent = Infinity));
        return more();
      }
      case '/metrics-garbage':
        return res.end('<html><body>502 Bad Gateway</body></html>\n');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(ClassifiedError);
    return classifyError(e);
  }
}

describe('upstream helper', () => {
  it('returns bodies and parses JSON', async () => {
    expect((await fetchText(`${base}/ok`, { timeoutMs: 1000 })).text).toBe('hello');
    expect(await fetchJson(`${base}/json`, { timeoutMs: 1000 })).toEqual({ a: 1 });
  });

  it('classifies every failure', async () => {
    expect(await kindOf(fetchText(`${base}/500`, { timeoutMs: 1000 }))).toBe('http_status');
    expect(await kindOf(fetchText(`${base}/hang`, { timeoutMs: 100 }))).toBe('timeout');
    expect(await kindOf(fetchText(`${base}/big`, { timeoutMs: 1000, maxBytes: 1000 }))).toBe('too_large');
    expect(await kindOf(fetchJson(`${base}/notjson`, { timeoutMs: 1000 }))).toBe('parse');
    expect(await kindOf(fetchText(`http://127.0.0.1:${await closedPort()}/`, { timeoutMs: 1000 }))).toBe(
      'refused',
    );
  });

  it('names the cause of a failed call once in its message', async () => {
    const port = await closedPort();
    const err = await fetchText(`http://127.0.0.1:${port}/`, { timeoutMs: 1000 }).catch((e: unknown) => e);
    const message = errorMessage(err);
    expect(message).toMatch(new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/ failed: .*ECONNREFUSED`));
    expect(message.split('ECONNREFUSED')).toHaveLength(2);
  });

  it("sends a method and a JSON body when asked, and keeps an error answer's body", async () => {
    expect(
      await fetchJson(`${base}/echo`, { timeoutMs: 1000, method: 'POST', json: { text: 'hi' } }),
    ).toEqual({
      method: 'POST',
      type: 'application/json',
      body: '{"text":"hi"}',
    });
    const err = await fetchText(`${base}/500`, { timeoutMs: 1000, method: 'PUT' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).message).toBe(`PUT ${base}/500 answered 500`);
    expect((err as HttpStatusError).body).toBe('oops');
  });

  it('never puts credentials from a URL into an error', async () => {
    const port = await closedPort();
    await expect(fetchText(`http://user:s3cret@127.0.0.1:${port}/x`, { timeoutMs: 1000 })).rejects.toThrow(
      `GET http://127.0.0.1:${port}/x failed`,
    );
    expect(redactUrl('https://pk:sk@langfuse:3000/api')).toBe('https://langfuse:3000/api');
  });
});

describe('fetchExposition', () => {
  it('parses a body as it streams in, whatever the chunking', async () => {
    const f = await fetchExposition(`${base}/metrics-slowly`, { timeoutMs: 5000 });
    expect(f.get('x')!.samples.map((s) => [s.labels['city'], s.value])).toEqual([
      ['Zürich', 1],
      ['Genève', 2],
    ]);
  });

  it('stops an endless body at the byte cap, and refuses errors and garbage', async () => {
    expect(
      await kindOf(fetchExposition(`${base}/metrics-endless`, { timeoutMs: 10_000, maxBytes: 1024 * 1024 })),
    ).toBe('too_large');
    expect(await kindOf(fetchExposition(`${base}/500`, { timeoutMs: 1000 }))).toBe('http_status');
    expect(await kindOf(fetchExposition(`${base}/hang`, { timeoutMs: 100 }))).toBe('timeout');
    await expect(fetchExposition(`${base}/metrics-garbage`, { timeoutMs: 1000 })).rejects.toThrow(
      /metrics-garbage: line 1: invalid metric name/,
    );
  });
});
