export { containerExporter } from './definition';
export { containerConfig } from './config';
