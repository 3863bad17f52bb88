export { litellmExporter } from './definition';
export { litellmConfig } from './config';
