import { machine } from 'node:os';
import { type Collector, gauge } from '@llmmon/metrics-core';
import type { SystemDeps } from './types';

const info = gauge('node_uname_info', 'Labeled system information as provided by the uname system call.', [
  'domainname',
  'machine',
  'nodename',
  'release',
  'sysname',
  'version',
]);

/**
 * uname(2) fields, read from procfs (the same kernel values) so a fixture tree can stand in
 * for the host.
 */
export function unameCollector({ host }: SystemDeps): Collector {
  return {
    name: 'uname',
    metrics: [info],
    collect(out) {
      const k = (f: string) => host.read(host.proc('sys/kernel', f)).trim();
      out.add(
        info,
        {
          domainname: k('domainname'),
          machine: host.readOptional(host.proc('sys/kernel/arch')) ?? machine(),
          nodename: k('hostname'),
          release: k('osrelease'),
          sysname: k('ostype'),
          version: k('version'),
        },
        1,
      );
    },
  };
}
