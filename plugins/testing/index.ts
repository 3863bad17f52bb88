export { describeDist } from './dist-checks';
export { T0, panelData, panelProps, series } from './frames';
