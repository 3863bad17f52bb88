import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireExecutable, startProcess, type ManagedProcess } from './processes';

export interface AlertmanagerOptions {
  readonly port: number;
  /** Contents of alertmanager.yml (rendered: no placeholders left). */
  readonly config: string;
  /** Holds alertmanager.yml and its state (silences, notification log). */
  readonly dataDir: string;
  readonly logFile?: string;
}

export interface RunningAlertmanager extends ManagedProcess {
  readonly url: string;
}

/**
 * The alertmanager webhook of `alertmanager.yml` filled in: the URL where given, else the
 * receiver keeps no webhook (alerts are held and shown, sent nowhere).
 */
export function renderAlertmanagerConfig(template: string, webhookUrl: string | undefined): string {
  if (webhookUrl) return template.replace("'ALERT_WEBHOOK_URL'", JSON.stringify(webhookUrl));
  return template.replace(/\n\s+webhook_configs:\n\s+- url: 'ALERT_WEBHOOK_URL'\n\s+send_resolved: true/, '');
}

/** Starts Debian's Alertmanager on loopback, without clustering. */
export async function startAlertmanager(opts: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const binary = requireExecutable('prometheus-alertmanager', 'prometheus-alertmanager');
  mkdirSync(opts.dataDir, { recursive: true });
  const configFile = join(opts.dataDir, 'alertmanager.yml');
  writeFileSync(configFile, opts.config);
  const url = `http://127.0.0.1:${opts.port}`;
  const proc = await startProcess({
    name: 'alertmanager',
    command: binary,
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${join(opts.dataDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${opts.port}`,
      // One instance: no gossip port (it would bind 9094 on every interface).
      '--cluster.listen-address=',
    ],
    readyUrl: `${url}/-/ready`,
    logFile: opts.logFile,
    timeoutMs: 30_000,
  });
  return { ...proc, url };
}
