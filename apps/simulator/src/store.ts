import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { parseScenarioChoice, type ScenarioChoice } from './world/scenarios';

/**
 * What survives a restart: the chosen scenario and settings, plus a log of every change.
 * SQLite is the embedded default store (one file, no server).
 */
export class Store {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS scenario_changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, scenario TEXT NOT NULL, settings TEXT NOT NULL
      );
    `);
  }

  /** The stored choice, or undefined when none (or when what is stored no longer validates). */
  loadChoice(): ScenarioChoice | undefined {
    const row = this.db.prepare('SELECT value FROM state WHERE key = ?').get('scenario') as
      { value: string } | undefined;
    if (!row) return undefined;
    try {
      return parseScenarioChoice(JSON.parse(row.value));
    } catch {
      return undefined;
    }
  }

  saveChoice(choice: ScenarioChoice): void {
    const now = new Date().toISOString();
    const value = JSON.stringify(choice);
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
        )
        .run('scenario', value, now);
      this.db
        .prepare('INSERT INTO scenario_changes (at, scenario, settings) VALUES (?, ?, ?)')
        .run(now, choice.scenario, JSON.stringify(choice.settings));
    })();
  }

  close(): void {
    this.db.close();
  }
}
