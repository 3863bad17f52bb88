import type { Context, Next } from 'koa';

/** Thrown by routes and middleware; rendered as `{error, detail}` JSON with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${error}: ${detail}`);
    this.name = 'HttpError';
  }
}

export function sendError(ctx: Context, status: number, error: string, detail: string): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = { error, detail };
}

/** Outermost middleware: every failure becomes JSON; unexpected ones are logged and become 500. */
export function errorHandler(onUnexpected: (err: unknown, ctx: Context) => void) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        sendError(ctx, 404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
      } else if (ctx.status === 405) {
        sendError(ctx, 405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`);
      }
    } catch (err) {
      if (err instanceof HttpError) {
        ctx.set(err.headers);
        sendError(ctx, err.status, err.error, err.detail);
        return;
      }
      // Koa's own errors (e.g. a body parser's 413) carry a status and are safe to expose.
      const status = (err as { status?: number; expose?: boolean }).status;
      if (status && status >= 400 && status < 500 && (err as { expose?: boolean }).expose) {
        sendError(ctx, status, 'bad_request', (err as Error).message);
        return;
      }
      onUnexpected(err, ctx);
      sendError(ctx, 500, 'internal', 'internal error; see the exporter log');
    }
  };
}
