#!/usr/bin/env node
// A stand-in nvidia-smi for tests: replays a real capture from libs/fixtures/data/real-upstream
// (FAKE_NVIDIA_SMI_CAPTURE), answering any subset of the fields the capture holds, in the
// requested format. FAKE_NVIDIA_SMI_SLEEP_FILE: while that file exists, hang (a wedged driver).
const fs = require('node:fs');

const sleepFile = process.env.FAKE_NVIDIA_SMI_SLEEP_FILE;
if (sleepFile && fs.existsSync(sleepFile)) setTimeout(() => process.exit(0), 30_000);
else main();

function section(lines, title) {
  const at = lines.findIndex((l) => l.startsWith(`# ${title}`));
  if (at < 0) throw new Error(`capture has no section ${title}`);
  const fields = lines[at + 1]
    .split(/--query-[a-z-]+=/)[1]
    .split(' ')[0]
    .split(',');
  const rows = [];
  for (let i = at + 3; i < lines.length && lines[i].trim() && !lines[i].startsWith('#'); i++)
    rows.push(lines[i]);
  return { fields, header: rows[0].split(', '), values: rows.slice(1).map((r) => r.split(', ')) };
}

function main() {
  const lines = fs.readFileSync(process.env.FAKE_NVIDIA_SMI_CAPTURE, 'utf8').split('\n');
  const arg = (name) =>
    process.argv
      .slice(2)
      .find((a) => a.startsWith(`${name}=`))
      ?.slice(name.length + 1);
  if (process.argv.includes('--version')) {
    const at = lines.findIndex((l) => l.startsWith('# capabilities :: version'));
    const end = lines.findIndex((l, i) => i > at + 2 && !l.trim());
    process.stdout.write(lines.slice(at + 3, end).join('\n') + '\n');
    return;
  }
  const format = (arg('--format') || '').split(',');
  const gpuQuery = arg('--query-gpu');
  const appQuery = arg('--query-compute-apps');
  const data = gpuQuery ? section(lines, 'load :: query-gpu') : section(lines, 'load :: query-compute-apps');
  // Aliases nvidia-smi documents in --help-query-compute-apps.
  const alias = { used_memory: 'used_gpu_memory', name: 'process_name' };
  const wanted = (gpuQuery || appQuery).split(',').map((f) => (appQuery && alias[f]) || f);
  for (const f of wanted) {
    if (!data.fields.includes(f)) {
      process.stdout.write(`Field "${f}" is not a valid field to query.\n\n`);
      process.exit(2);
    }
  }
  const idx = wanted.map((f) => data.fields.indexOf(f));
  const strip = (v) => (format.includes('nounits') ? v.replace(/ (%|MiB|W|MHz|us|C)$/, '') : v);
  const out = [];
  if (!format.includes('noheader')) out.push(idx.map((i) => data.header[i]).join(', '));
  for (const row of data.values) out.push(idx.map((i) => strip(row[i])).join(', '));
  process.stdout.write(out.join('\n') + '\n');
}
