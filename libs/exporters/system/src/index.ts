export { systemExporter } from './definition';
export { systemConfig } from './config';
export { COLLECTOR_NAMES, createCollectors, type CollectorName } from './collectors';
