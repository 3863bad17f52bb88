import { fetchJson } from '@llmmon/metrics-core';
import { parseHealth, parseModelInfo, parseReadiness } from './proxy';
import type { ProxyState } from './collectors/litellm';

export interface ProxyReadOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly healthTimeoutMs: number;
}

/**
 * One background read of the admin API. /model/info must succeed (it is what `up` means: the
 * proxy answers and accepts the key); /health (slow: it calls every deployment) and
 * /health/readiness may fail on their own, leaving their part unknown.
 */
export async function readProxy(o: ProxyReadOptions, signal: AbortSignal): Promise<ProxyState> {
  const auth = { authorization: `Bearer ${o.apiKey}` };
  const [info, health, readiness] = await Promise.allSettled([
    fetchJson(`${o.url}/model/info`, {
      timeoutMs: o.timeoutMs,
      signal,
      headers: auth,
      maxBytes: 16 * 1024 * 1024,
    }),
    fetchJson(`${o.url}/health`, {
      timeoutMs: o.healthTimeoutMs,
      signal,
      headers: auth,
      maxBytes: 16 * 1024 * 1024,
    }),
    fetchJson(`${o.url}/health/readiness`, { timeoutMs: o.timeoutMs, signal, maxBytes: 1024 * 1024 }),
  ]);
  if (info.status === 'rejected') throw info.reason;
  const deployments = parseModelInfo(info.value);
  let parsedHealth: ProxyState['health'];
  try {
    parsedHealth = health.status === 'fulfilled' ? parseHealth(health.value, deployments) : undefined;
  } catch {
    parsedHealth = undefined;
  }
  return {
    deployments,
    health: parsedHealth,
    readiness: readiness.status === 'fulfilled' ? parseReadiness(readiness.value) : undefined,
  };
}
