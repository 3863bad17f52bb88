import { join } from 'node:path';
import { describeDist } from '@llmmon/panel-testing';

describeDist(join(__dirname, '..'), 'llmmon-gpuheatmap-panel', 'GPU heatmap');
