import { basename, dirname, join } from 'node:path';
import { type Collector, gauge } from '@llmmon/metrics-core';
import type { Host } from '../host';
import type { SystemDeps } from './types';

const chipNames = gauge('node_hwmon_chip_names', 'Annotation metric for human-readable chip names', [
  'chip',
  'chip_name',
]);
const sensorLabel = gauge('node_hwmon_sensor_label', 'Label for given chip and sensor', [
  'chip',
  'label',
  'sensor',
]);
const temp = gauge('node_hwmon_temp_celsius', 'Hardware monitor for temperature (input)', ['chip', 'sensor']);
const tempMax = gauge('node_hwmon_temp_max_celsius', 'Hardware monitor for temperature (max)', [
  'chip',
  'sensor',
]);
const tempCrit = gauge('node_hwmon_temp_crit_celsius', 'Hardware monitor for temperature (crit)', [
  'chip',
  'sensor',
]);
const fan = gauge('node_hwmon_fan_rpm', 'Hardware monitor for fan revolutions per minute (input)', [
  'chip',
  'sensor',
]);
const fanMin = gauge('node_hwmon_fan_min_rpm', 'Hardware monitor for fan revolutions per minute (min)', [
  'chip',
  'sensor',
]);

/** Sensor files we read, and how their values convert to base units. */
const READINGS = [
  { re: /^(temp\d+)_input$/, def: temp, scale: 0.001 },
  { re: /^(temp\d+)_max$/, def: tempMax, scale: 0.001 },
  { re: /^(temp\d+)_crit$/, def: tempCrit, scale: 0.001 },
  { re: /^(fan\d+)_input$/, def: fan, scale: 1 },
  { re: /^(fan\d+)_min$/, def: fanMin, scale: 1 },
];

/** node_exporter's cleanMetricName: lowercase, anything else becomes "_", trimmed. */
const clean = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9:_]/g, '_')
    .replace(/^_+|_+$/g, '');

/** A stable chip name: bus type + device (e.g. platform_coretemp_0), else the name file, else hwmonN. */
function chipName(host: Host, dir: string): string {
  const device = host.realpath(join(dir, 'device'));
  if (device) {
    const devName = clean(basename(device));
    const devType = clean(basename(dirname(device)));
    if (devType && devName) return `${devType}_${devName}`;
    if (devName) return devName;
  }
  const name = clean(host.readOptional(join(dir, 'name')) ?? '');
  return name || clean(basename(host.realpath(dir) ?? dir));
}

/** Temperatures and fans from /sys/class/hwmon; hosts without sensors (VMs) simply report none. */
export function hwmonCollector({ host }: SystemDeps): Collector {
  return {
    name: 'hwmon',
    metrics: [chipNames, sensorLabel, temp, tempMax, tempCrit, fan, fanMin],
    collect(out) {
      for (const entry of host.list(host.sys('class/hwmon'))) {
        const dir = host.sys('class/hwmon', entry);
        const chip = chipName(host, dir);
        const humanName = host.readOptional(join(dir, 'name'));
        if (humanName) out.add(chipNames, { chip, chip_name: humanName }, 1);
        // Some drivers put the sensor files one level down, in device/.
        const files = host.list(dir).length ? host.list(dir) : [];
        const sensorDir = files.some((f) => /_input$/.test(f)) ? dir : join(dir, 'device');
        for (const file of host.list(sensorDir)) {
          const label = /^(\w+?\d+)_label$/.exec(file);
          if (label) {
            const text = host.readOptional(join(sensorDir, file));
            if (text) out.add(sensorLabel, { chip, label: text, sensor: label[1]! }, 1);
            continue;
          }
          for (const r of READINGS) {
            const m = r.re.exec(file);
            if (!m) continue;
            const raw = host.readOptional(join(sensorDir, file));
            if (raw !== undefined && raw !== '' && !Number.isNaN(Number(raw))) {
              out.add(r.def, { chip, sensor: m[1]! }, Number(raw) * r.scale);
            }
          }
        }
      }
    },
  };
}
