import type { ContainerInfo } from '@llmmon/docker';

/** The labels every per-container series carries (cAdvisor's `name` and `image`, plus ours). */
export const CONTAINER_LABELS = ['name', 'image', 'id', 'compose_service', 'compose_project'] as const;
export type ContainerLabel = (typeof CONTAINER_LABELS)[number];

export function containerLabels(c: ContainerInfo): Record<ContainerLabel, string> {
  return {
    name: c.name,
    image: c.image,
    id: c.id.slice(0, 12),
    compose_service: c.composeService,
    compose_project: c.composeProject,
  };
}

/** What the collectors read the containers from: the Docker directory, or a fixed list in tests. */
export interface ContainerList {
  list(): readonly ContainerInfo[];
}

/** Docker writes "0001-01-01T00:00:00Z" for "never"; undefined then. */
export function dockerTimeSeconds(iso: string | undefined): number | undefined {
  if (!iso || iso.startsWith('0001-')) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}
