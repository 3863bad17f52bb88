/**
 * A small, bounded vocabulary of failure kinds. These become the `kind` label of the errors
 * counter, so raw error text (unbounded, possibly secret) never reaches a label.
 */
export const ERROR_KINDS = [
  'timeout',
  'refused',
  'dns',
  'network',
  'http_status',
  'too_large',
  'parse',
  'not_found',
  'permission',
  'error',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** An error that already knows its kind (thrown by the upstream helper and by parsers). */
export class ClassifiedError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClassifiedError';
  }
}

export class TimeoutError extends ClassifiedError {
  constructor(message: string) {
    super('timeout', message);
    this.name = 'TimeoutError';
  }
}

export class ParseError extends ClassifiedError {
  constructor(message: string) {
    super('parse', message);
    this.name = 'ParseError';
  }
}

/** An upstream that answered with an error status (kind `http_status`): callers may tell 404 from 503. */
export class HttpStatusError extends ClassifiedError {
  constructor(
    readonly status: number,
    message: string,
    /** What the upstream answered with the status (an API's own explanation), when read. */
    readonly body?: string,
  ) {
    super('http_status', message);
    this.name = 'HttpStatusError';
  }
}

const CODE_KINDS: Record<string, ErrorKind> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'network',
  EPIPE: 'network',
  EHOSTUNREACH: 'network',
  ENETUNREACH: 'network',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ENOENT: 'not_found',
  EACCES: 'permission',
  EPERM: 'permission',
};

/** Maps any thrown value to an ErrorKind, looking through `cause` chains (fetch wraps its errors). */
export function classifyError(err: unknown): ErrorKind {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof ClassifiedError) return e.kind;
    if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return 'timeout';
    if (e instanceof SyntaxError) return 'parse';
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CODE_KINDS[code]) return CODE_KINDS[code];
    e = (e as { cause?: unknown }).cause;
  }
  return 'error';
}

/** A one-line message for logs, following `cause` so "fetch failed" says why. */
export function errorMessage(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    // A wrapper often quotes its cause already (fetchText: "GET … failed: <cause>"): say it once.
    if (!parts.some((p) => p.includes(message))) parts.push(message);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}
