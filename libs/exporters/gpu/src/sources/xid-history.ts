import type { JsonStateFile } from '@llmmon/metrics-core';
import type { GpuSnapshot, XidCounts } from './types';

export interface XidState {
  readonly version: 1;
  /** By GPU UUID: indices can change across reboots, a GPU's UUID does not. */
  readonly gpus: Readonly<Record<string, XidCounts>>;
}

const isXidState = (v: unknown): v is XidState =>
  typeof v === 'object' &&
  v !== null &&
  (v as { version?: unknown }).version === 1 &&
  typeof (v as { gpus?: unknown }).gpus === 'object';

/**
 * XID counts that only rise: the NVML source counts from its start, and the driver keeps no
 * history, so what earlier runs saw is kept in a state file and added. A restart of the exporter
 * then continues each GPU's counters instead of starting them over (an XID 79 last night is still
 * there this morning), and a GPU that stops answering keeps the counts it had.
 */
export class XidHistory {
  /** What earlier runs saw, loaded once at start. */
  private readonly before: Readonly<Record<string, XidCounts>>;
  /** Totals as last served, by UUID. */
  private readonly now = new Map<string, XidCounts>();
  private saved = '';

  constructor(private readonly file: JsonStateFile<XidState> | undefined) {
    this.before = file?.load(isXidState)?.gpus ?? {};
  }

  apply(snap: GpuSnapshot): GpuSnapshot {
    const gpus = snap.gpus.map((g) => {
      const earlier = this.before[g.uuid];
      const xid = g.xid ? add(earlier, g.xid) : (this.now.get(g.uuid) ?? earlier);
      if (!xid) return g;
      this.now.set(g.uuid, xid);
      return { ...g, xid };
    });
    this.persist();
    return { ...snap, gpus };
  }

  /** Written only when a count changed: the file sees a write per XID, not per read. */
  private persist(): void {
    if (!this.file) return;
    const state: XidState = { version: 1, gpus: { ...this.before, ...Object.fromEntries(this.now) } };
    const text = JSON.stringify(state);
    if (text === this.saved) return;
    this.saved = text;
    this.file.save(state);
  }
}

function add(earlier: XidCounts | undefined, since: XidCounts): XidCounts {
  const counts: Record<number, number> = { ...earlier?.counts };
  for (const [code, n] of Object.entries(since.counts))
    counts[Number(code)] = (counts[Number(code)] ?? 0) + n;
  return { counts, last: since.last ?? earlier?.last };
}
