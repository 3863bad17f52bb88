export { CONTAINERS_CONF, startEngine, type Engine, type RunOptions } from './engine';
export { debianMirror, ensureBaseImages, type BaseImages, type StandInNames } from './base-images';
export {
  buildAppImage,
  buildImages,
  composeStandIns,
  DOCKERFILE,
  imageApps,
  imageName,
  revision,
  WORKSPACE,
  type BuiltImage,
} from './images';
export { composeProject, createDefaultNetwork, type ComposeProject, type ContainerState } from './compose';
