import { ClassifiedError, HttpStatusError, TimeoutError, classifyError, errorMessage } from './errors';
import { ExpositionParser, type ParsedFamily, type ParserLimits } from './exposition';

export interface UpstreamRequest {
  readonly timeoutMs: number;
  /** Responses larger than this fail with kind `too_large` instead of filling memory. */
  readonly maxBytes?: number;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
  /** GET unless said (tools write to APIs too: announcements to Grafana). */
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as JSON, with its content type. */
  readonly json?: unknown;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

/** Drops user:password@ from a URL so it can appear in logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}

/**
 * Calls an upstream (GET unless `method` says) with a hard timeout (connect + headers + body)
 * and a size cap. Any failure is a ClassifiedError whose kind feeds the errors counter:
 * timeout, refused, dns, network, http_status (carrying the answer's body), too_large.
 */
export async function fetchText(url: string, req: UpstreamRequest): Promise<UpstreamResponse> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  const method = req.method ?? 'GET';
  const where = `${method} ${redactUrl(url)}`;
  const headers =
    req.json === undefined ? req.headers : { 'content-type': 'application/json', ...req.headers };
  const body = req.json === undefined ? undefined : JSON.stringify(req.json);
  try {
    const res = await fetch(url, { method, headers, body, signal, redirect: 'error' });
    const text = await readCapped(res, req.maxBytes ?? DEFAULT_MAX_BYTES, where);
    if (res.status >= 400) {
      throw new HttpStatusError(res.status, `${where} answered ${res.status}`, text);
    }
    return { status: res.status, headers: res.headers, text };
  } catch (err) {
    if (err instanceof ClassifiedError) throw err;
    if (timeout.aborted) throw new TimeoutError(`${where} timed out after ${req.timeoutMs} ms`);
    throw new ClassifiedError(classifyError(err), `${where} failed: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/** Like fetchText, then JSON.parse; a body that is not JSON fails with kind `parse`. */
export async function fetchJson<T = unknown>(url: string, req: UpstreamRequest): Promise<T> {
  const res = await fetchText(url, { ...req, headers: { accept: 'application/json', ...req.headers } });
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw new ClassifiedError('parse', `${req.method ?? 'GET'} ${redactUrl(url)} did not return JSON`);
  }
}

/**
 * GET an upstream's /metrics and parse it as it streams in: the body is never held whole,
 * a body over `maxBytes` or malformed stops at once (`too_large`, `parse`), and the hard
 * timeout covers the whole read. A status of 400 or more fails before the body is read.
 */
export async function fetchExposition(
  url: string,
  req: UpstreamRequest & { readonly limits?: ParserLimits },
): Promise<Map<string, ParsedFamily>> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  const where = redactUrl(url);
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    const res = await fetch(url, {
      headers: { accept: 'text/plain;version=0.0.4', ...req.headers },
      signal,
      redirect: 'error',
    });
    if (res.status >= 400) {
      await res.body?.cancel();
      throw new HttpStatusError(res.status, `GET ${where} answered ${res.status}`);
    }
    if (Number(res.headers.get('content-length')) > maxBytes) {
      await res.body?.cancel();
      throw new ClassifiedError('too_large', `GET ${where} is over the ${maxBytes}-byte cap`);
    }
    const parser = new ExpositionParser({ ...req.limits, maxBytes: Infinity });
    if (res.body) {
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let total = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.byteLength;
          if (total > maxBytes)
            throw new ClassifiedError('too_large', `GET ${where} exceeded the ${maxBytes}-byte cap`);
          parser.push(decoder.decode(value, { stream: true }));
        }
        parser.push(decoder.decode());
      } catch (err) {
        await reader.cancel().catch(() => undefined);
        throw err;
      }
    }
    return parser.end();
  } catch (err) {
    if (err instanceof ClassifiedError) {
      throw err.kind === 'parse' ? new ClassifiedError('parse', `GET ${where}: ${err.message}`) : err;
    }
    if (timeout.aborted) throw new TimeoutError(`GET ${where} timed out after ${req.timeoutMs} ms`);
    throw new ClassifiedError(classifyError(err), `GET ${where} failed: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

async function readCapped(res: Response, maxBytes: number, where: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new ClassifiedError('too_large', `${where} is ${declared} bytes, over the ${maxBytes}-byte cap`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ClassifiedError('too_large', `${where} exceeded the ${maxBytes}-byte cap`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
