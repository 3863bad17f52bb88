export { describeDist, loadAmd } from './dist-checks';
export { T0, panelData, series } from './frames';
