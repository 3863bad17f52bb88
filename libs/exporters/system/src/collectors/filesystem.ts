import { join } from 'node:path';
import { type Collector, gauge } from '@llmmon/metrics-core';
import type { SystemDeps } from './types';

const LABELS = ['device', 'fstype', 'mountpoint'] as const;
const size = gauge('node_filesystem_size_bytes', 'Filesystem size in bytes.', LABELS);
const free = gauge('node_filesystem_free_bytes', 'Filesystem free space in bytes.', LABELS);
const avail = gauge(
  'node_filesystem_avail_bytes',
  'Filesystem space available to non-root users in bytes.',
  LABELS,
);
const files = gauge('node_filesystem_files', 'Filesystem total file nodes.', LABELS);
const filesFree = gauge('node_filesystem_files_free', 'Filesystem total free file nodes.', LABELS);
const readonly = gauge('node_filesystem_readonly', 'Filesystem read-only status.', LABELS);
const deviceError = gauge(
  'node_filesystem_device_error',
  'Whether an error occurred while getting statistics for the given device.',
  LABELS,
);

interface Mount {
  device: string;
  mountpoint: string;
  fstype: string;
  options: string[];
}

/** /proc/mounts escapes space, tab, newline and backslash as octal. */
const unescapeMount = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/**
 * Size, free space and inodes of every real filesystem. statfs runs in parallel with a
 * per-mount timeout: a hung NFS mount is reported as a device error and left alone until its
 * stuck call returns, instead of stalling every scrape.
 */
export function filesystemCollector({ host, config, statfs }: SystemDeps): Collector {
  const stuck = new Set<string>();
  return {
    name: 'filesystem',
    metrics: [size, free, avail, files, filesFree, readonly, deviceError],
    async collect(out) {
      const mounts = readMounts(
        host.readOptional(host.proc('1/mounts')) ?? host.read(host.proc('self/mounts')),
      );
      const rootfs = config.ROOTFS_PATH.replace(/\/+$/, '');
      const seen = new Set<string>();
      const wanted = mounts
        .map((m) => ({ ...m, mountpoint: stripRoot(m.mountpoint, rootfs) }))
        .filter((m) => {
          const key = `${m.device}\0${m.mountpoint}\0${m.fstype}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return (
            !config.FILESYSTEM_MOUNT_POINTS_EXCLUDE.test(m.mountpoint) &&
            !config.FILESYSTEM_FS_TYPES_EXCLUDE.test(m.fstype)
          );
        });

      await Promise.all(
        wanted.map(async (m) => {
          const labels = { device: m.device, fstype: m.fstype, mountpoint: m.mountpoint };
          out.add(readonly, labels, m.options.includes('ro') ? 1 : 0);
          if (stuck.has(m.mountpoint)) {
            out.add(deviceError, labels, 1);
            return;
          }
          const call = statfs(join(rootfs || '/', m.mountpoint));
          let timer: NodeJS.Timeout | undefined;
          const timedOut = new Promise<'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), config.FILESYSTEM_MOUNT_TIMEOUT_SECONDS * 1000);
          });
          try {
            const s = await Promise.race([call, timedOut]);
            if (s === 'timeout') {
              stuck.add(m.mountpoint);
              call.catch(() => undefined).finally(() => stuck.delete(m.mountpoint));
              out.add(deviceError, labels, 1);
              return;
            }
            out.add(deviceError, labels, 0);
            out.add(size, labels, s.blocks * s.bsize);
            out.add(free, labels, s.bfree * s.bsize);
            out.add(avail, labels, s.bavail * s.bsize);
            out.add(files, labels, s.files);
            out.add(filesFree, labels, s.ffree);
          } catch {
            // Permission denied or a vanished mount: report it, keep the rest of the scrape.
            out.add(deviceError, labels, 1);
          } finally {
            clearTimeout(timer);
          }
        }),
      );
    },
  };
}

function readMounts(text: string): Mount[] {
  return text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((p) => p.length >= 4)
    .map(([device = '', mountpoint = '', fstype = '', options = '']) => ({
      device: unescapeMount(device),
      mountpoint: unescapeMount(mountpoint),
      fstype,
      options: options.split(','),
    }));
}

/** With the host's / mounted at ROOTFS_PATH, report mount points as the host sees them. */
function stripRoot(mountpoint: string, rootfs: string): string {
  if (!rootfs || rootfs === '/') return mountpoint;
  if (mountpoint === rootfs) return '/';
  return mountpoint.startsWith(`${rootfs}/`) ? mountpoint.slice(rootfs.length) : mountpoint;
}
