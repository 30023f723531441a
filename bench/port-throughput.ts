/**
 * Throughput through a published port (-p, netavark's DNAT) against the same busybox httpd
 * reached directly at its container address, on one berthd: requests per second of a Node
 * load generator on loopback, a new connection per request (busybox httpd closes each).
 *
 * usage: node dist/bench/port-throughput.js [--seconds 5] [--concurrency 16]
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { BerthEngine } from './lib/engines';
import { exec, loadAverage, mustExec } from './lib/proc';
import { buildBusyboxTar, hostLine, intArg, prepare, withCleanup } from './lib/session';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function get(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Requests per second over `seconds` with `concurrency` loops, and the failures. */
async function load(host: string, port: number, seconds: number, concurrency: number): Promise<{ rps: number; failed: number }> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      if (await get(host, port)) done++;
      else failed++;
    }
  }));
  return { rps: done / ((Date.now() - t0) / 1000), failed };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const seconds = intArg(argv, '--seconds', 5);
  const concurrency = intArg(argv, '--concurrency', 16);
  await withCleanup(async (onCleanup) => {
    const img = await buildBusyboxTar();
    onCleanup(img.cleanup);
    const berth = new BerthEngine();
    onCleanup(() => berth.destroy());
    await prepare(berth, img.tar);
    console.log(hostLine());
    const port = await freePort();
    await mustExec(berth.cli(['run', '-d', '--name', 'web', '-p', `${port}:80`, 'busybox', 'sh', '-c',
      'mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 80 -h /www']), 'run web');
    onCleanup(async () => { await exec(berth.cli(['rm', '-f', 'web'])); });
    const ip = (await mustExec(berth.cli(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'web']), 'inspect')).stdout.trim();
    for (let i = 0; i < 50 && !(await get(ip, 80)); i++) await new Promise((r) => setTimeout(r, 100));
    await load(ip, 80, 1, concurrency); // warm-up
    const loadBefore = loadAverage();
    const direct = await load(ip, 80, seconds, concurrency);
    const published = await load('127.0.0.1', port, seconds, concurrency);
    console.log(`\n${seconds} s each, ${concurrency} concurrent, a new connection per request; load average before ${loadBefore}, after ${loadAverage()}\n`);
    console.log(`direct    ${ip}:80    ${direct.rps.toFixed(0)} req/s (${direct.failed} failed)`);
    console.log(`published 127.0.0.1:${port}  ${published.rps.toFixed(0)} req/s (${published.failed} failed)`);
    console.log(`published / direct: ${(published.rps / direct.rps).toFixed(2)}x`);
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
