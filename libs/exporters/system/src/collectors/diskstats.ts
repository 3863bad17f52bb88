import { type Collector, type MetricDef, counter, gauge } from '@llmmon/metrics-core';
import type { SystemDeps } from './types';

/** The kernel counts sectors of 512 bytes in /proc/diskstats whatever the device's sector size. */
const SECTOR_BYTES = 512;

type Column = { def: MetricDef<'device'>; scale: number };
const col = (def: MetricDef<'device'>, scale = 1): Column => ({ def, scale });
const c = (name: string, help: string) => counter(name, help, ['device']);

/** /proc/diskstats columns 4.. (after major, minor, name), in order. */
const COLUMNS: Column[] = [
  col(c('node_disk_reads_completed_total', 'The total number of reads completed successfully.')),
  col(c('node_disk_reads_merged_total', 'The total number of reads merged.')),
  col(c('node_disk_read_bytes_total', 'The total number of bytes read successfully.'), SECTOR_BYTES),
  col(c('node_disk_read_time_seconds_total', 'The total number of seconds spent by all reads.'), 0.001),
  col(c('node_disk_writes_completed_total', 'The total number of writes completed successfully.')),
  col(c('node_disk_writes_merged_total', 'The number of writes merged.')),
  col(c('node_disk_written_bytes_total', 'The total number of bytes written successfully.'), SECTOR_BYTES),
  col(
    c('node_disk_write_time_seconds_total', 'This is the total number of seconds spent by all writes.'),
    0.001,
  ),
  col(gauge('node_disk_io_now', 'The number of I/Os currently in progress.', ['device'])),
  col(c('node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.'), 0.001),
  col(c('node_disk_io_time_weighted_seconds_total', 'The weighted # of seconds spent doing I/Os.'), 0.001),
  col(c('node_disk_discards_completed_total', 'The total number of discards completed successfully.')),
  col(c('node_disk_discards_merged_total', 'The total number of discards merged.')),
  col(c('node_disk_discarded_sectors_total', 'The total number of sectors discarded successfully.')),
  col(
    c('node_disk_discard_time_seconds_total', 'This is the total number of seconds spent by all discards.'),
    0.001,
  ),
  col(c('node_disk_flush_requests_total', 'The total number of flush requests completed successfully')),
  col(
    c(
      'node_disk_flush_requests_time_seconds_total',
      'This is the total number of seconds spent by all flush requests.',
    ),
    0.001,
  ),
];

const info = gauge('node_disk_info', 'Info of /sys/block/<block_device>.', [
  'device',
  'major',
  'minor',
  'path',
  'wwn',
  'model',
  'serial',
  'revision',
]);
const deviceMapper = gauge('node_disk_device_mapper_info', 'Info about disk device mapper.', [
  'device',
  'name',
  'uuid',
  'vg_name',
  'lv_name',
  'lv_layer',
]);

/** Per block device I/O counters, plus identity from the udev database when it is there. */
export function diskstatsCollector({ host, config }: SystemDeps): Collector {
  return {
    name: 'diskstats',
    metrics: [...COLUMNS.map((x) => x.def), info, deviceMapper],
    collect(out) {
      for (const line of host.read(host.proc('diskstats')).split('\n')) {
        const parts = line.trim().split(/\s+/);
        const [major, minor, device] = parts;
        if (!major || !minor || !device || config.DISKSTATS_DEVICE_EXCLUDE.test(device)) continue;
        const udev = readUdev(host.readOptional(`${config.UDEV_DATA_PATH}/b${major}:${minor}`));
        out.add(
          info,
          {
            device,
            major,
            minor,
            path: udev.get('ID_PATH') ?? '',
            wwn: udev.get('ID_WWN') ?? '',
            model: udev.get('ID_MODEL') ?? '',
            serial: udev.get('ID_SERIAL_SHORT') ?? '',
            revision: udev.get('ID_REVISION') ?? '',
          },
          1,
        );
        if (udev.has('DM_NAME')) {
          out.add(
            deviceMapper,
            {
              device,
              name: udev.get('DM_NAME') ?? '',
              uuid: udev.get('DM_UUID') ?? '',
              vg_name: udev.get('DM_VG_NAME') ?? '',
              lv_name: udev.get('DM_LV_NAME') ?? '',
              lv_layer: udev.get('DM_LV_LAYER') ?? '',
            },
            1,
          );
        }
        // Older kernels have fewer columns (no discards before 4.18, no flushes before 5.5).
        COLUMNS.forEach((column, i) => {
          const raw = parts[3 + i];
          if (raw !== undefined) out.add(column.def, { device }, Number(raw) * column.scale);
        });
      }
    },
  };
}

/** udev database lines look like `E:ID_MODEL=Samsung_SSD`. */
function readUdev(text: string | undefined): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of text?.split('\n') ?? []) {
    const m = /^E:([^=]+)=(.*)$/.exec(line);
    if (m) props.set(m[1]!, m[2]!);
  }
  return props;
}
