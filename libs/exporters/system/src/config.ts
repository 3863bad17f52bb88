import { env } from '@llmmon/metrics-core';
import { COLLECTOR_NAMES } from './collectors';

/** The system exporter's own variables (the core adds the common ones). */
export const systemConfig = {
  COLLECTORS: env.list('Collectors to enable (comma-separated).', COLLECTOR_NAMES, COLLECTOR_NAMES),
  PROCFS_PATH: env.string('Where the host procfs is mounted.', '/proc'),
  SYSFS_PATH: env.string('Where the host sysfs is mounted.', '/sys'),
  ROOTFS_PATH: env.string('Where the host root filesystem is mounted (for filesystem sizes).', '/'),
  UDEV_DATA_PATH: env.string('udev database, for disk model/serial in node_disk_info.', '/run/udev/data'),
  FILESYSTEM_MOUNT_POINTS_EXCLUDE: env.regex(
    'Mount points to ignore (node_exporter default).',
    '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)',
  ),
  FILESYSTEM_FS_TYPES_EXCLUDE: env.regex(
    'Filesystem types to ignore (node_exporter default).',
    '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$',
  ),
  FILESYSTEM_MOUNT_TIMEOUT_SECONDS: env.seconds(
    'A mount whose statfs takes longer is reported with node_filesystem_device_error=1 and skipped until it answers.',
    5,
    { min: 0.001, max: 300 },
  ),
  DISKSTATS_DEVICE_EXCLUDE: env.regex(
    'Block devices to ignore (node_exporter default: partitions, ram, loop).',
    '^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$',
  ),
  FILESYSTEM_STATFS_FILE: env.string(
    'Mock data only: read filesystem sizes from this JSON file ({"<mount point>": {bsize, blocks, bfree, bavail, files, ffree}}, written by the simulator) instead of the statfs system call.',
  ),
  NETDEV_DEVICE_EXCLUDE: env.regex('Network devices to ignore.', '^lo$'),
  VMSTAT_FIELDS: env.regex(
    '/proc/vmstat fields to expose (node_exporter default).',
    '^(oom_kill|pgpg|pswp|pg.*fault).*',
  ),
};
