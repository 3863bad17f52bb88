/**
 * The apps' images, built the way users build them: the project's Dockerfile on the Nx
 * workspace, here with podman and the local base images (no Docker Hub), the host's CA bundle
 * handed over as the optional build secret the Dockerfile documents.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureBaseImages, type BaseImages, type StandInNames } from './base-images';
import type { Engine } from './engine';

export const WORKSPACE = resolve(__dirname, '../../..');
export const DOCKERFILE = 'infra/docker/node-app.Dockerfile';
/** The CA bundle handed to npm inside the build, when this machine has one. */
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt';

/** Every app with an image: each folder of apps/ (exporters, the agent, the simulator). */
export function imageApps(): string[] {
  return readdirSync(join(WORKSPACE, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(WORKSPACE, 'apps', d.name, 'package.json')))
    .map((d) => d.name)
    .sort();
}

/** The name compose gives an app's image (`llmmon/<app>:<LLMMON_VERSION or dev>`). */
export const imageName = (app: string, version = 'dev') => `llmmon/${app}:${version}`;

export interface BuiltImage {
  readonly app: string;
  readonly image: string;
  /** The whole image, bytes. */
  readonly sizeBytes: number;
  /** What the app adds over its Node base image (its bundle and runtime packages), bytes. */
  readonly appLayerBytes: number;
  readonly seconds: number;
}

async function imageSize(engine: Engine, image: string): Promise<number> {
  return Number((await engine.podman(['image', 'inspect', '--format', '{{.Size}}', image])).trim());
}

/**
 * Builds `app`'s image with the project's Dockerfile from the local base images, reusing the
 * engine's layer cache (a code change rebuilds from the workspace copy on, not the packages).
 * `revision` goes into the OCI labels.
 */
export async function buildAppImage(
  engine: Engine,
  app: string,
  base: BaseImages,
  opts: { version?: string; revision?: string; onLine?: (line: string) => void } = {},
): Promise<BuiltImage> {
  const image = imageName(app, opts.version);
  const started = Date.now();
  const args = [
    'build',
    '--layers',
    // Docker's image format: OCI images have no HEALTHCHECK (podman drops it, with a warning).
    '--format',
    'docker',
    '-f',
    DOCKERFILE,
    '--build-arg',
    `APP=${app}`,
    '--build-arg',
    `BUILD_IMAGE=${base.nodeBuild}`,
    '--build-arg',
    `NODE_IMAGE=${base.node}`,
    '--build-arg',
    `VERSION=${opts.version ?? 'dev'}`,
    '--build-arg',
    `REVISION=${opts.revision ?? 'unknown'}`,
    ...(existsSync(HOST_CA) ? ['--secret', `id=ca,src=${HOST_CA}`] : []),
    '-t',
    image,
    '.',
  ];
  await engine.podman(args, { cwd: WORKSPACE, timeoutMs: 1_800_000, onLine: opts.onLine });
  const [sizeBytes, baseBytes] = await Promise.all([imageSize(engine, image), imageSize(engine, base.node)]);
  return {
    app,
    image,
    sizeBytes,
    appLayerBytes: sizeBytes - baseBytes,
    seconds: (Date.now() - started) / 1000,
  };
}

/** The workspace's git revision, for the images' labels. */
export function revision(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: WORKSPACE, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** The images the compose files name for Prometheus, Alertmanager, busybox and the centre's. */
export function composeStandIns(): StandInNames {
  const text = ['docker-compose.yml', 'docker-compose.fleet.yml']
    .map((f) => readFileSync(join(WORKSPACE, f), 'utf8'))
    .join('\n');
  const named = (repo: string) => {
    const image = new RegExp(`image: (${repo.replace('/', '\\/')}:\\S+)`).exec(text)?.[1];
    if (!image) throw new Error(`the compose files name no ${repo} image`);
    // Fully qualified: the name compose asks the engine for resolves to it under Docker Hub's prefix.
    return image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`;
  };
  return {
    prometheus: named('prom/prometheus'),
    alertmanager: named('prom/alertmanager'),
    busybox: named('busybox'),
    victoriaMetrics: named('victoriametrics/victoria-metrics'),
    vmalert: named('victoriametrics/vmalert'),
  };
}

/**
 * Base images (made once per machine) and then `apps`' images, one after another (they share
 * the Dockerfile's dependency and build stages), each reported as it finishes.
 */
export async function buildImages(
  engine: Engine,
  apps: readonly string[],
  opts: { onImage?: (built: BuiltImage) => void; onLine?: (line: string) => void } = {},
): Promise<{ base: BaseImages; images: BuiltImage[] }> {
  const base = await ensureBaseImages(engine, composeStandIns());
  const images: BuiltImage[] = [];
  const rev = revision();
  for (const app of apps) {
    const built = await buildAppImage(engine, app, base, { revision: rev, onLine: opts.onLine });
    // Short names: compose asks for llmmon/<app>, which the API may read as Docker Hub's.
    await engine.podman(['tag', built.image, `docker.io/${built.image}`]);
    images.push(built);
    opts.onImage?.(built);
  }
  return { base, images };
}
