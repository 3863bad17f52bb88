/**
 * The world's random streams, by name. Every draw is a pure function of (seed, key, time or
 * request number, stream): two draws on the same stream are the same number, so each quantity
 * has a stream of its own, named here once rather than as a number at the call.
 */

/** Per request of a model (key: the container, index: the request number). */
export const REQUEST = {
  promptLength: 1,
  generationLength: 2,
  timeToFirstToken: 3,
  interTokenLatency: 4,
  finishReason: 5,
  preemption: 6,
  failure: 7,
  queueTime: 8,
  latencyOutlier: 9,
  apiKey: 10,
  proxyOverhead: 11,
  user: 12,
} as const;

/** Slow noise and rare events of the whole server (key only; the time is the index). */
export const SERVER = {
  loadNoise: 1,
  loadSpikes: 2,
  hostMemory: 3,
} as const;

/** Keys of per-entity noise, offset from the entity's own number so no two entities share one. */
export const NOISE = {
  /** GPU i: its utilisation; +1 its memory utilisation; +2 its power. */
  gpu: (index: number) => 100 + index,
  /** CPU i's busy share. */
  cpu: (index: number) => 1000 + index,
  /** A model's requests in flight (+ its container's key) and KV-cache use. */
  inFlight: 11,
  kvCache: 12,
} as const;
