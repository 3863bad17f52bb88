export { containerIdFromCgroup, containerIdOfPid } from './cgroup';
export { assignedGpus, gpuLabel, type GpuRequestFields } from './gpus';
export {
  ContainerDirectory,
  imageVersion,
  toContainerInfo,
  type ContainerInfo,
  type DirectoryOptions,
} from './directory';
export {
  dockerAddress,
  dockerClients,
  dockerConfigSchema,
  dockerDirectory,
  parseDockerHost,
  type DockerEndpoint,
} from './host';
