export { langfuseExporter } from './definition';
export { langfuseConfig } from './config';
