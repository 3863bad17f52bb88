export { vllmExporter } from './definition';
export { vllmConfig } from './config';
