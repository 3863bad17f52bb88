import { type Collector, gauge } from '@llmmon/metrics-core';
import { readLocalTzif, zoneAbbreviation } from '../timezone';
import type { SystemDeps } from './types';

const now = gauge('node_time_seconds', 'System time in seconds since epoch (1970).');
const zone = gauge('node_time_zone_offset_seconds', 'System time zone offset in seconds.', ['time_zone']);
const available = gauge(
  'node_time_clocksource_available_info',
  "Available clocksources read from '/sys/devices/system/clocksource'.",
  ['clocksource', 'device'],
);
const current = gauge(
  'node_time_clocksource_current_info',
  "Current clocksource read from '/sys/devices/system/clocksource'.",
  ['clocksource', 'device'],
);

/** The host clock (uptime = node_time_seconds - node_boot_time_seconds) and its clocksource. */
export function timeCollector({ host, now: clock }: SystemDeps): Collector {
  const tzif = readLocalTzif();
  return {
    name: 'time',
    metrics: [now, zone, available, current],
    collect(out) {
      const t = clock();
      out.add(now, t.getTime() / 1000);
      out.add(zone, { time_zone: zoneAbbreviation(t, tzif) }, -t.getTimezoneOffset() * 60);
      for (const entry of host.list(host.sys('devices/system/clocksource'))) {
        const m = /^clocksource(\d+)$/.exec(entry);
        if (!m) continue;
        const dir = host.sys('devices/system/clocksource', entry);
        for (const cs of (host.readOptional(`${dir}/available_clocksource`) ?? '')
          .split(/\s+/)
          .filter(Boolean)) {
          out.add(available, { clocksource: cs, device: m[1]! }, 1);
        }
        const cur = host.readOptional(`${dir}/current_clocksource`);
        if (cur) out.add(current, { clocksource: cur, device: m[1]! }, 1);
      }
    },
  };
}
