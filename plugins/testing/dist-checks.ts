/**
 * Checks of a built plugin, shared by both panels' tests: dist/ holds what Grafana loads,
 * module.js is an AMD module asking only for the modules Grafana shares (and, handed the
 * real ones, gives a PanelPlugin), plugin.json validates, and the bundle stays small.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import * as grafanaData from '@grafana/data';
import * as grafanaUi from '@grafana/ui';
import * as grafanaRuntime from '@grafana/runtime';
import * as emotionCss from '@emotion/css';

const SHARED: string[] = JSON.parse(readFileSync(join(__dirname, '..', 'shared-modules.json'), 'utf8'));
const SCHEMA = JSON.parse(readFileSync(join(__dirname, 'plugin-json.schema.json'), 'utf8'));
const REAL: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/runtime': grafanaRuntime,
  '@emotion/css': emotionCss,
};

/** The dependencies a module.js declares, and what its factory returns given the real modules. */
function loadAmd(code: string): { deps: string[]; exports: Record<string, unknown> } {
  let captured: { deps: string[]; exports: Record<string, unknown> } | undefined;
  const define = (deps: string[], factory: (...m: unknown[]) => Record<string, unknown>) => {
    captured = { deps, exports: factory(...deps.map((d) => REAL[d])) };
  };
  new Function('define', code)(define);
  if (!captured) throw new Error('module.js did not call define()');
  return captured;
}

export function describeDist(pluginDir: string, id: string, name: string): void {
  const dist = join(pluginDir, 'dist');
  describe(`dist/ of ${id}`, () => {
    it('holds plugin.json, module.js, the logo, README and CHANGELOG', () => {
      for (const f of ['plugin.json', 'module.js', 'img/logo.svg', 'README.md', 'CHANGELOG.md'])
        expect({ f, exists: existsSync(join(dist, f)) }).toEqual({ f, exists: true });
    });

    it('plugin.json validates against the plugin.json schema, with the id, version and date filled in', () => {
      const json = JSON.parse(readFileSync(join(dist, 'plugin.json'), 'utf8'));
      const validate = new Ajv({ allErrors: true }).compile(SCHEMA);
      expect({ valid: validate(json), errors: validate.errors ?? [] }).toEqual({ valid: true, errors: [] });
      expect(json).toMatchObject({ id, type: 'panel', name });
      expect(json.info.version).toBe(
        JSON.parse(readFileSync(join(pluginDir, 'package.json'), 'utf8')).version,
      );
      // And the schema check itself catches a bad id.
      expect(validate({ ...json, id: 'Not A Plugin Id' })).toBe(false);
    });

    it('module.js is AMD, asks only for modules Grafana shares, and gives a PanelPlugin', () => {
      const code = readFileSync(join(dist, 'module.js'), 'utf8');
      expect(code.startsWith('define([')).toBe(true);
      const { deps, exports } = loadAmd(code);
      expect(deps.filter((d) => !SHARED.includes(d))).toEqual([]);
      expect(deps).toEqual(expect.arrayContaining(['react', '@grafana/data', '@grafana/ui']));
      // None of the shared modules is bundled inside.
      expect(code).not.toMatch(/react\.production|ReactCurrentOwner|createTheme=|__SECRET_INTERNALS/);
      expect(exports['plugin']).toBeInstanceOf(grafanaData.PanelPlugin);
    });

    it('module.js is under 150 kB minified', () => {
      expect(statSync(join(dist, 'module.js')).size).toBeLessThan(150 * 1024);
    });
  });
}
