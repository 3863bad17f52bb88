import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { HttpError } from './http-errors';

/** Constant-time string comparison (hashing first makes the lengths equal). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function credentials(ctx: Context): { bearer?: string; basic?: { user: string; pass: string } } {
  const header = ctx.get('authorization');
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '')) return { bearer: value };
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i >= 0) return { basic: { user: decoded.slice(0, i), pass: decoded.slice(i + 1) } };
  }
  return {};
}

export interface MetricsAuthOptions {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly token?: string | undefined;
}

/** Optional auth for /metrics: basic, bearer, or either when both are configured. */
export function metricsAuth(opts: MetricsAuthOptions) {
  const { username, password, token } = opts;
  const basicEnabled = username !== undefined && password !== undefined;
  const enabled = basicEnabled || token !== undefined;
  return async (ctx: Context, next: Next) => {
    if (!enabled) return next();
    const given = credentials(ctx);
    const ok =
      (token !== undefined && given.bearer !== undefined && safeEqual(given.bearer, token)) ||
      (username !== undefined &&
        password !== undefined &&
        given.basic !== undefined &&
        safeEqual(given.basic.user, username) &&
        safeEqual(given.basic.pass, password));
    if (!ok) {
      const challenge = basicEnabled ? 'Basic realm="llmmon"' : 'Bearer realm="llmmon"';
      throw new HttpError(401, 'unauthorized', 'valid credentials are required for /metrics', {
        'WWW-Authenticate': challenge,
      });
    }
    return next();
  };
}

/**
 * Guards routes that change state. Without a configured token such routes are refused
 * outright: an unset secret must never mean "open".
 */
export function requireAdmin(token: string | undefined) {
  return async (ctx: Context, next: Next) => {
    if (token === undefined) {
      throw new HttpError(403, 'forbidden', 'ADMIN_TOKEN is not configured, so changes are disabled');
    }
    const given = credentials(ctx).bearer;
    if (given === undefined) {
      throw new HttpError(401, 'unauthorized', 'send Authorization: Bearer <ADMIN_TOKEN>', {
        'WWW-Authenticate': 'Bearer realm="llmmon"',
      });
    }
    if (!safeEqual(given, token)) throw new HttpError(403, 'forbidden', 'wrong admin token');
    return next();
  };
}

/**
 * A fixed-window limit per client address for control routes. In memory: the control APIs
 * are small and local, and a restart resetting the window is harmless.
 */
export function rateLimit(perMinute: number, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number }>();
  return async (ctx: Context, next: Next) => {
    const t = now();
    const key = ctx.ip || 'unknown';
    let w = windows.get(key);
    if (!w || t - w.start >= 60_000) {
      if (windows.size > 10_000) windows.clear(); // bound memory under address churn
      w = { start: t, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    if (w.count > perMinute) {
      const retry = Math.max(1, Math.ceil((w.start + 60_000 - t) / 1000));
      throw new HttpError(429, 'rate_limited', `at most ${perMinute} requests per minute`, {
        'Retry-After': String(retry),
      });
    }
    return next();
  };
}
