/**
 * One docker-compose project on the engine: the compose file as users run it, its containers
 * as the Docker API lists them, and their health as the images' own healthchecks say.
 */
import { randomInt } from 'node:crypto';
import { parse } from 'yaml';
import type { Engine, RunOptions } from './engine';
import { WORKSPACE } from './images';

export interface ContainerState {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  /** created, running, exited … */
  readonly state: string;
  readonly exitCode: number;
  /** healthy, unhealthy, starting; undefined without a healthcheck. */
  readonly health?: string;
  readonly user: string;
  readonly image: string;
}

export interface ComposeProject {
  readonly name: string;
  /**
   * The services `--profile <profile>` runs (those of that profile and those of none), as the
   * resolved file says: `config --services` lists every profile's, and naming a service to
   * `up` starts it whatever its profile.
   */
  services(profile: string): Promise<string[]>;
  /** docker-compose with the project's name and environment, in the workspace. */
  compose(args: readonly string[], opts?: RunOptions): Promise<string>;
  containers(): Promise<ContainerState[]>;
  /**
   * Runs every healthcheck until all containers with one are healthy (podman runs them from
   * systemd timers, absent here: `podman healthcheck run` runs the image's own check). Fails
   * at once when a long-running container exited, and at the deadline naming the unhealthy
   * ones with their last answer and log.
   */
  waitHealthy(timeoutMs: number, onProgress?: (healthy: number, total: number) => void): Promise<void>;
}

interface InspectedContainer {
  Id: string;
  Name: string;
  Config: { Labels: Record<string, string>; User: string; Image: string; Healthcheck?: { Test?: string[] } };
  State: { Status: string; ExitCode: number; Health?: { Status: string } };
}

export function composeProject(
  engine: Engine,
  name: string,
  env: Record<string, string> = {},
): ComposeProject {
  const compose = (args: readonly string[], opts: RunOptions = {}) =>
    engine.compose(['-p', name, ...args], { cwd: WORKSPACE, ...opts, env });
  const inspectAll = async (): Promise<InspectedContainer[]> => {
    const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${name}`] }));
    const list = JSON.parse((await engine.api(`/v1.41/containers/json?all=1&filters=${filters}`)).body) as {
      Id: string;
    }[];
    return Promise.all(
      list.map(
        async (c) =>
          JSON.parse((await engine.api(`/v1.41/containers/${c.Id}/json`)).body) as InspectedContainer,
      ),
    );
  };
  const containers = async (): Promise<ContainerState[]> =>
    (await inspectAll()).map((c) => ({
      id: c.Id,
      name: c.Name.replace(/^\//, ''),
      service: c.Config.Labels['com.docker.compose.service'] ?? '',
      state: c.State.Status,
      exitCode: c.State.ExitCode,
      health:
        c.Config.Healthcheck?.Test?.length && c.Config.Healthcheck.Test[0] !== 'NONE'
          ? (c.State.Health?.Status ?? 'starting')
          : undefined,
      user: c.Config.User,
      image: c.Config.Image,
    }));

  return {
    name,
    compose,
    async services(profile) {
      const resolved = parse(await compose(['--profile', profile, 'config'])) as {
        services: Record<string, { profiles?: string[] }>;
      };
      return Object.entries(resolved.services)
        .filter(([, s]) => !s.profiles || s.profiles.includes(profile))
        .map(([n]) => n);
    },
    containers,
    async waitHealthy(timeoutMs, onProgress) {
      const deadline = Date.now() + timeoutMs;
      const last = new Map<string, string>();
      for (;;) {
        const all = await containers();
        const crashed = all.filter((c) => c.state === 'exited' && c.exitCode !== 0);
        if (crashed.length) {
          const logs = await Promise.all(
            crashed.map((c) => engine.podman(['logs', '--tail', '20', c.id]).catch((e: Error) => e.message)),
          );
          throw new Error(
            `exited: ${crashed.map((c, i) => `${c.service} (exit ${c.exitCode}):\n${logs[i]}`).join('\n')}`,
          );
        }
        const checked = all.filter((c) => c.health !== undefined);
        let healthy = 0;
        for (const c of checked) {
          const ok = await engine.podman(['healthcheck', 'run', c.id], { timeoutMs: 30_000 }).then(
            () => true,
            (e: Error) => (last.set(c.service, e.message), false),
          );
          if (ok) healthy++;
        }
        onProgress?.(healthy, checked.length);
        if (checked.length > 0 && healthy === checked.length) return;
        if (Date.now() > deadline) {
          const sick = (await containers()).filter((c) => c.health !== undefined && c.health !== 'healthy');
          const logs = await Promise.all(
            sick.map((c) => engine.podman(['logs', '--tail', '10', c.id]).catch((e: Error) => e.message)),
          );
          throw new Error(
            `not healthy after ${timeoutMs / 1000} s:\n${sick
              .map((c, i) => `${c.service}: ${last.get(c.service) ?? c.health}\n${logs[i]}`)
              .join('\n')}`,
          );
        }
        await new Promise((r) => setTimeout(r, 3000));
      }
    },
  };
}

/**
 * Creates the project's default network before `up`, on a subnet chosen here (or `subnet`,
 * to make it again after `down` removed it), so the caller knows its gateway (the host's
 * address on it) in advance: a host-network service can then listen there, inside the
 * engine's network, rather than on every interface. Labelled as compose labels its own, so
 * compose adopts it and `down` removes it.
 */
export async function createDefaultNetwork(
  engine: Engine,
  project: string,
  subnet?: string,
): Promise<{ subnet: string; gateway: string }> {
  const used = JSON.parse(await engine.podman(['network', 'ls', '--format', 'json'])) as {
    subnets?: { subnet: string }[];
  }[];
  const taken = new Set(used.flatMap((n) => (n.subnets ?? []).map((s) => s.subnet)));
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = subnet ?? `10.${randomInt(200, 250)}.${randomInt(0, 256)}.0/24`;
    if (taken.has(candidate) && !subnet) continue;
    const gateway = candidate.replace(/0\/24$/, '1');
    await engine.podman([
      'network',
      'create',
      '--subnet',
      candidate,
      '--gateway',
      gateway,
      '--label',
      `com.docker.compose.project=${project}`,
      '--label',
      'com.docker.compose.network=default',
      `${project}_default`,
    ]);
    return { subnet: candidate, gateway };
  }
  throw new Error('no free 10.x.y.0/24 subnet for the test network');
}
