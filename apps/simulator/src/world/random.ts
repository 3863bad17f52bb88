/**
 * Deterministic randomness as a pure function of (seed, key, time): the same seed gives the
 * same world whatever the tick size or the order in which things are sampled, so a run can
 * be repeated and a clock can jump.
 */

/** A 32-bit integer hash of several integers (splitmix-style mixing). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    h = (h + Math.imul(Math.floor(p / 4294967296) | 0, 0x27d4eb2f)) | 0;
  }
  return h >>> 0;
}

/** Stable small integer for a string key (entity names). */
export function keyOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Uniform in [0, 1). */
export function uniform(...parts: number[]): number {
  return hash32(...parts) / 4294967296;
}

/** Value noise in [-1, 1], smooth over `periodSeconds`, for a key at time `tSeconds`. */
export function smoothNoise(seed: number, key: number, tSeconds: number, periodSeconds: number): number {
  const x = tSeconds / periodSeconds;
  const i = Math.floor(x);
  const f = x - i;
  const a = uniform(seed, key, i) * 2 - 1;
  const b = uniform(seed, key, i + 1) * 2 - 1;
  const s = f * f * (3 - 2 * f); // smoothstep
  return a + (b - a) * s;
}

/** A standard normal sample (Box–Muller) from two hashed uniforms. */
export function normal(...parts: number[]): number {
  const u1 = Math.max(uniform(...parts, 1), 1e-12);
  const u2 = uniform(...parts, 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
