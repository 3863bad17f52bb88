import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { freePort } from '../src';

const ephemeralLow = Number(
  readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
);

it('hands out distinct free ports below the range bind(0) draws from', async () => {
  const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
  expect(new Set(ports).size).toBe(40);
  for (const port of ports) {
    expect(port).toBeGreaterThanOrEqual(10_000);
    expect(port).toBeLessThan(ephemeralLow);
  }
  // Each one can really be bound.
  const server = createServer();
  await new Promise<void>((r) => server.listen(ports[0], '127.0.0.1', r));
  server.close();
});
