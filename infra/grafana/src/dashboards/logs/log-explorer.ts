import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  type DashboardSpec,
  linkTo,
  logql,
  logsPanel,
  timeSeries,
  UIDS,
  UNIT,
  VARIABLES,
} from '../../blocks';

/** The stream selector every panel shares: the picked containers and levels, then the search text. */
const STREAM = '{container=~"$container", level=~"$level"} |~ "(?i)$search"';

export const logExplorer: DashboardSpec = {
  uid: UIDS.logExplorer,
  title: 'Log explorer',
  description:
    "Search the containers' logs: pick containers and levels, type a text (a regular expression, case-insensitive).",
  folder: 'logs',
  file: 'log-explorer.json',
  from: 'now-1h',
  refresh: '',
  variables: [
    VARIABLES.container(),
    new dashboard.CustomVariableBuilder('level')
      .label('Level')
      .values('fatal,error,warn,info,debug')
      .multi(true)
      .includeAll(true)
      .allValue('.*')
      .current({ text: 'All', value: '$__all' }),
    new dashboard.TextBoxVariableBuilder('search')
      .label('Search')
      .defaultValue('')
      .current({ text: '', value: '' }),
  ],
  links: [linkTo(UIDS.dockerContainers, 'Docker containers', true)],
  panels: [
    timeSeries({
      title: 'Log lines by level',
      description: 'Lines per second matching the filters, by level.',
      unit: UNIT.perSecond,
      stack: true,
      w: 16,
      h: 7,
      queries: [logql(`sum by (level) (rate(${STREAM} [$__auto]))`, '{{level}}')],
    }),
    timeSeries({
      title: 'Errors by container',
      description: 'Error and fatal lines per second, per container (the level filter does not apply).',
      unit: UNIT.perSecond,
      w: 8,
      h: 7,
      queries: [
        logql(
          'sum by (container) (rate({container=~"$container", level=~"error|fatal"} |~ "(?i)$search" [$__auto]))',
          '{{container}}',
        ),
      ],
    }),
    logsPanel({
      title: 'Logs',
      description: 'Matching lines, newest first; expand one for its labels.',
      h: 20,
      queries: [logql(STREAM)],
    }),
  ],
};
