import { type GpuReading, type GpuSnapshot, unknownThrottle } from './types';

type Identity = Pick<GpuReading, 'index' | 'uuid' | 'name' | 'pciBusId'>;
const unnamed = (g: GpuReading) => g.uuid.startsWith('unknown-');

/**
 * The GPUs seen since the exporter started, by UUID. A GPU that vanishes from the source's list
 * (fallen off the bus: nvidia-smi stops listing it) is reported lost under its last identity
 * until the exporter restarts, never just dropped; a sick GPU the source could only call
 * `unknown-<index>` gets the identity last seen at that index.
 */
export class GpuRoster {
  private readonly seen = new Map<string, Identity>();

  apply(snap: GpuSnapshot): GpuSnapshot {
    const listed = new Set(snap.gpus.filter((g) => !unnamed(g)).map((g) => g.uuid));
    const missing = () => [...this.seen.values()].filter((k) => !listed.has(k.uuid));
    const gpus = snap.gpus.map((g) => {
      const known = unnamed(g) ? missing().find((k) => k.index === g.index) : undefined;
      if (!known) return g;
      listed.add(known.uuid);
      return { ...g, uuid: known.uuid, name: g.name || known.name, pciBusId: g.pciBusId || known.pciBusId };
    });
    for (const g of gpus)
      if (!unnamed(g))
        this.seen.set(g.uuid, { index: g.index, uuid: g.uuid, name: g.name, pciBusId: g.pciBusId });
    const vanished: GpuReading[] = missing().map((k) => ({
      ...k,
      fault: 'lost',
      throttle: unknownThrottle(),
    }));
    if (!vanished.length && gpus.every((g, i) => g === snap.gpus[i])) return snap;
    return { ...snap, gpus: [...gpus, ...vanished].sort((a, b) => a.index - b.index) };
  }
}
