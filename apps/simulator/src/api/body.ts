import type { Context } from 'koa';
import { HttpError } from '@llmmon/metrics-core';

/** Reads a JSON request body of at most `limitBytes`: 415, 413 and 400 as JSON errors. */
export async function readJsonBody(ctx: Context, limitBytes = 16 * 1024): Promise<unknown> {
  if (!ctx.is('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'send Content-Type: application/json');
  }
  const declared = Number(ctx.get('content-length'));
  if (declared > limitBytes) {
    throw new HttpError(413, 'payload_too_large', `body is ${declared} bytes; the limit is ${limitBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      throw new HttpError(413, 'payload_too_large', `body exceeds ${limitBytes} bytes`);
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
}
