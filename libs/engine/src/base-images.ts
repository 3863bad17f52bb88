/**
 * Base images for tests, made without Docker Hub: a Debian minimal root file system
 * (debootstrap from the mirror apt uses) with the Node.js that runs the tests, and Prometheus,
 * Alertmanager, VictoriaMetrics, vmalert and a shell image from Debian's packages on this
 * machine, with the entrypoint
 * and paths of the official images the compose file names (so they stand in under those
 * names). Each is tagged by a hash of what goes into it and built only when that tag is
 * missing: once per machine.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Engine } from './engine';

/** Where Debian's Alertmanager looks for its default notification templates. */
const ALERTMANAGER_TEMPLATES = '/usr/share/prometheus/alertmanager';

/** Debian's victoria-metrics package. */
const VICTORIA_METRICS = { victoriaMetrics: '/usr/bin/victoria-metrics', vmalert: '/usr/bin/vmalert' };

/** Bump when what a base image holds changes in a way the inputs below do not show. */
const RECIPE = 3;

export interface BaseImages {
  /** Debian minbase + Node.js (/usr/local/bin/node) + user node (1000): the apps' final stage. */
  readonly node: string;
  /** The same + npm, Node's headers (/usr/local/include/node), python3, make, g++: the build stage. */
  readonly nodeBuild: string;
}

/** The images compose names for the services we do not build (read from the compose files). */
export interface StandInNames {
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly busybox: string;
  /** The fleet's centre (docker-compose.fleet.yml). */
  readonly victoriaMetrics: string;
  readonly vmalert: string;
}

/** The Debian mirror apt uses here (debian.sources or sources.list), else deb.debian.org. */
export function debianMirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const uri =
      /^URIs:\s*(\S+)/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text)?.[1];
    if (uri) return uri;
  }
  return 'http://deb.debian.org/debian';
}

const say = (msg: string) => process.stderr.write(`[engine] ${msg}\n`);

function hashOf(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12);
}

/** Size and mtime: enough to tell another build of a binary. */
const fileId = (path: string) => {
  const s = statSync(path);
  return `${path}:${s.size}:${s.mtimeMs}`;
};

async function exists(engine: Engine, tag: string): Promise<boolean> {
  return engine.podman(['image', 'exists', tag]).then(
    () => true,
    () => false,
  );
}

async function importRoot(
  engine: Engine,
  root: string,
  tag: string,
  changes: readonly string[],
): Promise<void> {
  const tar = join(dirname(root), `${tag.replace(/[/:]/g, '_')}.tar`);
  execFileSync('tar', ['-C', root, '-cf', tar, '.']);
  try {
    await engine.podman(['import', ...changes.flatMap((c) => ['--change', c]), tar, tag], {
      timeoutMs: 600_000,
    });
  } finally {
    rmSync(tar, { force: true });
  }
}

/** A Debian bookworm minbase root with `packages`, in `dir` (debootstrap; ~30 s). */
function debootstrap(dir: string, packages: readonly string[]): void {
  execFileSync(
    'debootstrap',
    ['--variant=minbase', `--include=${packages.join(',')}`, 'bookworm', dir, debianMirror()],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 900_000 },
  );
  // Smaller images: no apt lists or package caches.
  rmSync(join(dir, 'var/cache/apt/archives'), { recursive: true, force: true });
  rmSync(join(dir, 'var/lib/apt/lists'), { recursive: true, force: true });
  mkdirSync(join(dir, 'var/lib/apt/lists/partial'), { recursive: true });
  mkdirSync(join(dir, 'var/cache/apt/archives/partial'), { recursive: true });
}

/** The node user of the official images (uid/gid 1000, home /home/node). */
function addNodeUser(root: string): void {
  appendFileSync(join(root, 'etc/passwd'), 'node:x:1000:1000::/home/node:/bin/sh\n');
  appendFileSync(join(root, 'etc/group'), 'node:x:1000:\n');
  mkdirSync(join(root, 'home/node'), { recursive: true });
  execFileSync('chown', ['1000:1000', join(root, 'home/node')]);
}

/** This machine's Node.js at the official images' paths; with npm and headers for a build image. */
function addNode(root: string, withNpm: boolean): void {
  const node = process.execPath;
  mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
  cpSync(node, join(root, 'usr/local/bin/node'));
  if (!withNpm) return;
  const prefix = dirname(dirname(node)); // /usr or /usr/local
  cpSync(join(prefix, 'lib/node_modules/npm'), join(root, 'usr/local/lib/node_modules/npm'), {
    recursive: true,
  });
  cpSync(join(prefix, 'include/node'), join(root, 'usr/local/include/node'), { recursive: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(root, 'usr/local/bin/npx'));
}

/**
 * A Prometheus-project server as its official image lays it out: `/bin/<name>` as entrypoint,
 * its config in `/etc/<name>`, its data in `/<name>` owned by `nobody`, who runs it.
 */
async function importOfficialLayout(
  engine: Engine,
  root: string,
  tag: string,
  o: { readonly name: string; readonly bin: string; readonly port: number; readonly cmd: string },
): Promise<void> {
  cpSync(o.bin, join(root, `bin/${o.name}`));
  for (const d of [`etc/${o.name}`, o.name]) mkdirSync(join(root, d), { recursive: true });
  execFileSync('chown', ['65534:65534', join(root, o.name)]);
  await importRoot(engine, root, tag, [
    'USER nobody',
    `WORKDIR /${o.name}`,
    `EXPOSE ${o.port}`,
    `ENTRYPOINT ["/bin/${o.name}"]`,
    `CMD [${o.cmd}]`,
  ]);
}

/**
 * Makes (or finds) the Node base images and the stand-ins for Prometheus, Alertmanager and
 * busybox, under the names compose uses. Long: say so.
 */
export async function ensureBaseImages(engine: Engine, standIns: StandInNames): Promise<BaseImages> {
  const prometheusBin = '/usr/bin/prometheus';
  const alertmanagerBin = '/usr/bin/prometheus-alertmanager';
  const base = ['ca-certificates', 'wget'];
  const buildPackages = ['python3', 'make', 'g++'];
  const node = `localhost/llmmon-node:${hashOf(RECIPE, base, fileId(process.execPath))}`;
  const nodeBuild = `localhost/llmmon-node-build:${hashOf(RECIPE, base, buildPackages, fileId(process.execPath))}`;
  const prometheus = `localhost/llmmon-prometheus:${hashOf(RECIPE, base, fileId(prometheusBin), fileId('/usr/bin/promtool'))}`;
  const alertmanager = `localhost/llmmon-alertmanager:${hashOf(RECIPE, base, fileId(alertmanagerBin), fileId(join(ALERTMANAGER_TEMPLATES, 'default.tmpl')))}`;
  const busybox = `localhost/llmmon-shell:${hashOf(RECIPE, base)}`;
  const vm = `localhost/llmmon-victoria-metrics:${hashOf(RECIPE, base, fileId(VICTORIA_METRICS.victoriaMetrics))}`;
  const vmalert = `localhost/llmmon-vmalert:${hashOf(RECIPE, base, fileId(VICTORIA_METRICS.vmalert))}`;
  const wanted = [node, nodeBuild, prometheus, alertmanager, busybox, vm, vmalert];
  const missing = [];
  for (const tag of wanted) if (!(await exists(engine, tag))) missing.push(tag);
  if (missing.length) {
    say(
      `making ${missing.length} base image(s) from Debian (debootstrap, once per machine): ${missing.join(', ')}`,
    );
    const work = mkdtempSync(join(tmpdir(), 'llmmon-base-'));
    try {
      const minbase = join(work, 'minbase');
      debootstrap(minbase, base);
      const variant = (name: string) => {
        const dir = join(work, name);
        execFileSync('cp', ['-a', minbase, dir]);
        return dir;
      };
      if (missing.includes(busybox)) await importRoot(engine, variant('shell'), busybox, ['CMD ["sh"]']);
      if (missing.includes(node)) {
        const root = variant('node');
        addNode(root, false);
        addNodeUser(root);
        await importRoot(engine, root, node, ['CMD ["node"]', 'ENV PATH=/usr/local/bin:/usr/bin:/bin']);
      }
      if (missing.includes(nodeBuild)) {
        const root = join(work, 'node-build');
        debootstrap(root, [...base, ...buildPackages]);
        addNode(root, true);
        addNodeUser(root);
        await importRoot(engine, root, nodeBuild, ['CMD ["node"]', 'ENV PATH=/usr/local/bin:/usr/bin:/bin']);
      }
      if (missing.includes(prometheus)) {
        const root = variant('prometheus');
        cpSync('/usr/bin/promtool', join(root, 'bin/promtool'));
        await importOfficialLayout(engine, root, prometheus, {
          name: 'prometheus',
          bin: prometheusBin,
          port: 9090,
          cmd: '"--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"',
        });
      }
      if (missing.includes(alertmanager)) {
        const root = variant('alertmanager');
        // Debian's build reads its notification templates from here.
        cpSync(ALERTMANAGER_TEMPLATES, join(root, ALERTMANAGER_TEMPLATES.slice(1)), { recursive: true });
        if (existsSync('/usr/bin/amtool')) cpSync('/usr/bin/amtool', join(root, 'bin/amtool'));
        await importOfficialLayout(engine, root, alertmanager, {
          name: 'alertmanager',
          bin: alertmanagerBin,
          port: 9093,
          cmd: '"--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"',
        });
      }
      // VictoriaMetrics's official layout: /<name>-prod as entrypoint, run as root.
      for (const [tag, name, bin] of [
        [vm, 'victoria-metrics', VICTORIA_METRICS.victoriaMetrics],
        [vmalert, 'vmalert', VICTORIA_METRICS.vmalert],
      ] as const) {
        if (!missing.includes(tag)) continue;
        const root = variant(name);
        cpSync(bin, join(root, `${name}-prod`));
        await importRoot(engine, root, tag, [`ENTRYPOINT ["/${name}-prod"]`]);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  // The compose files' names for the stand-ins (never pulled: they exist here).
  await engine.podman(['tag', prometheus, standIns.prometheus]);
  await engine.podman(['tag', alertmanager, standIns.alertmanager]);
  await engine.podman(['tag', busybox, standIns.busybox]);
  await engine.podman(['tag', vm, standIns.victoriaMetrics]);
  await engine.podman(['tag', vmalert, standIns.vmalert]);
  return { node, nodeBuild };
}
