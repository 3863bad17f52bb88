export { gpuExporter } from './definition';
export { gpuConfig } from './config';
export { APP_FIELDS, GPU_FIELDS } from './sources/nvidia-smi-parse';
