/**
 * Bench: the images and the compose stack on the container engine (podman here), timed.
 *   1. cold build of every app's image (no layer cache: packages installed, every app bundled),
 *   2. warm rebuild of all of them after a one-line code change (the dependency layers reused),
 *   3. `docker-compose --profile mock up` until every healthcheck is healthy (every service but
 *      Grafana, Loki and Alloy, which cannot be had here),
 * and a table of each image's size and its app layers over the Node base. Targets (issue 18):
 * app layers at most 20 MB for the system, container, vLLM, LiteLLM and Langfuse exporters and
 * 40 MB for the GPU exporter, the simulator and the agent; anchor: the system exporter's 54.8 MB
 * with the Dockerfile before (the whole workspace's production node_modules in every image).
 *   npx tsx infra/bench/images.ts      (or: npm run bench)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildAppImage,
  composeProject,
  createDefaultNetwork,
  ensureBaseImages,
  composeStandIns,
  imageApps,
  imageName,
  revision,
  startEngine,
  WORKSPACE,
  type BuiltImage,
} from '@llmmon/engine';
import { freePort } from '@llmmon/native-stack';

const ANCHOR_SYSTEM_MB = 54.8;
const LIMIT_MB: Record<string, number> = { 'gpu-exporter': 40, simulator: 40, agent: 40 };
const limitOf = (app: string) => LIMIT_MB[app] ?? 20;
const PROJECT = 'llmmon-bench';
const LEFT_OUT = ['grafana', 'loki', 'alloy', 'check-env'];
/** The line the warm rebuild changes (and puts back): code every app bundles. */
const CHANGED_FILE = join(WORKSPACE, 'libs/metrics-core/src/entry.ts');
const CHANGED_TEXT = 'llmmon: not ready: ';

const mb = (bytes: number) => bytes / 1e6;
const say = (msg: string) => console.log(`[bench] ${msg}`);

async function main(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'llmmon-bench-images-'));
  const engine = await startEngine(runDir);
  try {
    const apps = imageApps();
    const t0 = Date.now();
    const base = await ensureBaseImages(engine, composeStandIns());
    say(`base images ready in ${((Date.now() - t0) / 1000).toFixed(0)} s (made once per machine)`);
    const rev = revision();
    const buildAll = async (label: string): Promise<{ seconds: number; images: BuiltImage[] }> => {
      const started = Date.now();
      const images: BuiltImage[] = [];
      for (const [i, app] of apps.entries()) {
        const built = await buildAppImage(engine, app, base, { revision: rev });
        await engine.podman(['tag', built.image, `docker.io/${built.image}`]);
        say(`${label}: ${built.image} in ${built.seconds.toFixed(0)} s (${i + 1}/${apps.length})`);
        images.push(built);
      }
      return { seconds: (Date.now() - started) / 1000, images };
    };

    // Cold: none of the apps' images or their build layers (untagged) left; the base images stay.
    for (const app of apps)
      await engine
        .podman(['rmi', '-f', `localhost/${imageName(app)}`, `docker.io/${imageName(app)}`])
        .catch(() => undefined);
    await engine.podman(['image', 'prune', '-f']);
    const cold = await buildAll('cold build');
    const original = readFileSync(CHANGED_FILE, 'utf8');
    if (!original.includes(CHANGED_TEXT)) throw new Error(`${CHANGED_FILE} no longer says "${CHANGED_TEXT}"`);
    let warm: { seconds: number };
    try {
      writeFileSync(
        CHANGED_FILE,
        original.replace(CHANGED_TEXT, `llmmon (bench ${Date.now()}): not ready: `),
      );
      warm = await buildAll('warm rebuild');
    } finally {
      writeFileSync(CHANGED_FILE, original);
    }
    // Back to the committed code for the stack (cached layers: seconds).
    await buildAll('restore');

    const reader = composeProject(engine, PROJECT);
    await reader.compose(['--profile', 'mock', 'down', '-v']).catch(() => undefined);
    await engine.podman(['network', 'rm', '-f', `${PROJECT}_default`]).catch(() => undefined);
    const services = (await reader.services('mock')).filter((s) => !LEFT_OUT.includes(s));
    const { gateway } = await createDefaultNetwork(engine, PROJECT);
    const project = composeProject(engine, PROJECT, {
      LLMMON_HOST_GATEWAY: gateway,
      SYSTEM_EXPORTER_HOST: gateway,
      SIMULATOR_PORT: String(await freePort()),
    });
    let upSeconds: number;
    try {
      const started = Date.now();
      await project.compose(['--profile', 'mock', 'up', '-d', '--no-build', ...services], {
        timeoutMs: 600_000,
      });
      await project.waitHealthy(600_000, (healthy, total) => say(`up: ${healthy}/${total} healthy`));
      upSeconds = (Date.now() - started) / 1000;
    } finally {
      await project.compose(['--profile', 'mock', 'down', '-v']).catch((e: Error) => say(e.message));
    }

    console.log('\n| image | size MB | app layers MB | target MB | |');
    console.log('|---|---:|---:|---:|---|');
    let failed = false;
    for (const i of cold.images) {
      const ok = mb(i.appLayerBytes) <= limitOf(i.app);
      failed ||= !ok;
      console.log(
        `| ${i.image} | ${mb(i.sizeBytes).toFixed(1)} | ${mb(i.appLayerBytes).toFixed(1)} | ≤ ${limitOf(i.app)} | ${ok ? 'PASS' : 'FAIL'} |`,
      );
    }
    const system = cold.images.find((i) => i.app === 'system-exporter')!;
    console.log(
      `\nsystem exporter app layers: ${mb(system.appLayerBytes).toFixed(1)} MB, ${(mb(system.appLayerBytes) / ANCHOR_SYSTEM_MB).toFixed(2)}x the ${ANCHOR_SYSTEM_MB} MB before`,
    );
    console.log(`cold build of ${apps.length} images: ${cold.seconds.toFixed(0)} s`);
    console.log(
      `warm rebuild of ${apps.length} images after a one-line change: ${warm.seconds.toFixed(0)} s`,
    );
    console.log(
      `compose --profile mock up until every healthcheck passes (${services.length} services; checks run on ` +
        `demand here, where Docker runs the first one after its 30 s interval): ${upSeconds.toFixed(0)} s`,
    );
    if (failed) process.exitCode = 1;
  } finally {
    await engine.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(`[bench] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
