/**
 * XID counts only rise: what one run of the exporter saw is kept by GPU UUID and continued by
 * the next, which the NVML source cannot do alone (the driver keeps no XID history).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonStateFile, silentLogger } from '@llmmon/metrics-core';
import { XidHistory, type XidState } from '../src/sources/xid-history';
import { type GpuReading, type GpuSnapshot, unknownThrottle, type XidCounts } from '../src/sources/types';

const gpu = (index: number, xid?: XidCounts): GpuReading => ({
  index,
  uuid: `GPU-${index}`,
  name: 'NVIDIA H200',
  pciBusId: '',
  xid,
  throttle: unknownThrottle(),
});
const snap = (...gpus: GpuReading[]): GpuSnapshot => ({ source: 'nvml', gpus, processes: [] });
const at = (code: number, timeSeconds: number) => ({ code, timeSeconds });

describe('XidHistory', () => {
  let dir: string;
  const file = () =>
    new JsonStateFile<XidState>(dir, 'xid-history.json', { logger: silentLogger(), withoutIt: '' });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'llmmon-xid-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('continues the counts of an earlier run after a restart, by UUID', () => {
    const first = new XidHistory(file());
    first.apply(snap(gpu(0, { counts: {} }), gpu(1, { counts: { 79: 1, 48: 1 }, last: at(48, 100) })));
    // Restarted: the source counts from 0 again; a new XID 48 arrives on GPU 1, now at index 2.
    const restarted = new XidHistory(file());
    const quiet = restarted.apply(snap(gpu(0, { counts: {} }), { ...gpu(2, { counts: {} }), uuid: 'GPU-1' }));
    expect(quiet.gpus[1]!.xid).toEqual({ counts: { 79: 1, 48: 1 }, last: at(48, 100) });
    const later = restarted.apply(
      snap(gpu(0, { counts: {} }), { ...gpu(2, { counts: { 48: 1 }, last: at(48, 200) }), uuid: 'GPU-1' }),
    );
    expect(later.gpus[1]!.xid).toEqual({ counts: { 79: 1, 48: 2 }, last: at(48, 200) });
    expect(later.gpus[0]!.xid).toEqual({ counts: {}, last: undefined });
    expect(
      (JSON.parse(readFileSync(join(dir, 'xid-history.json'), 'utf8')) as XidState).gpus['GPU-1'],
    ).toEqual(later.gpus[1]!.xid);
  });

  it('keeps the counts of a GPU that stops answering, and adds none where NVML gives no events', () => {
    const h = new XidHistory(file());
    h.apply(snap(gpu(0, { counts: { 79: 1 }, last: at(79, 5) })));
    // Lost: the roster reports it without readings, XIDs included.
    expect(h.apply(snap(gpu(0))).gpus[0]!.xid).toEqual({ counts: { 79: 1 }, last: at(79, 5) });
    // nvidia-smi (no XID events at all) and no history: no XID series.
    expect(new XidHistory(undefined).apply(snap(gpu(3))).gpus[0]!.xid).toBeUndefined();
  });

  it('starts over, in memory, when the state file is unreadable', () => {
    const h = new XidHistory(undefined);
    expect(h.apply(snap(gpu(0, { counts: { 31: 2 } }))).gpus[0]!.xid).toEqual({
      counts: { 31: 2 },
      last: undefined,
    });
  });
});
