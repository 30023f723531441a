/** Helpers of the network tests: free host ports, HTTP from the host, and leftovers of one daemon. */
import { spawnSync } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TestDaemon } from '../../harness';

/** A host port free right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** GET http://host:port/path from the host; the body, or null on any error. */
export function httpGet(host: string, port: number, p = '/'): Promise<string | null> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: p, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => { body += b.toString(); });
      res.on('end', () => resolve(res.statusCode === 200 ? body : null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

/** The busybox web server of the tests: serves `text` at / on port 80. */
export function webServer(text: string): string[] {
  return ['busybox', 'sh', '-c', `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 80 -h /www`];
}

/** A shell loop fetching `url` until it answers (the server may still be starting). */
export function fetchLoop(url: string, tries = 50): string[] {
  return ['busybox', 'sh', '-c', `for i in $(seq ${tries}); do wget -q -O- ${url} && exit 0; sleep 0.1; done; exit 1`];
}

/**
 * What the daemon left on the host: links naming its bridges, iptables rules naming its
 * 10.<k>/16 or its containers, netns files and mounts, and its aardvark-dns.
 */
export function leftovers(d: TestDaemon, bridges: string[], containerIds: string[] = []): string[] {
  const out: string[] = [];
  const links = spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' }).stdout.split('\n');
  for (const l of links) if (bridges.some((b) => new RegExp(`[ :]${b}[:@ ]`).test(l))) out.push(`link: ${l.slice(0, 120)}`);
  const rules = spawnSync('iptables-save', [], { encoding: 'utf8' }).stdout.split('\n');
  const ids = containerIds.map((id) => id.slice(0, 64));
  for (const r of rules) {
    if (bridges.some((b) => new RegExp(`[ !]-[io] ${b}( |$)`).test(r))) out.push(`iptables: ${r}`);
    else if (r.includes(` ${d.net.subnet}`) || r.includes(`-d ${d.net.subnet}`) || r.includes(`-s ${d.net.subnet}`) || r.includes(`to-destination ${d.net.subnet}`) || ids.some((id) => r.includes(id))) out.push(`iptables: ${r}`);
  }
  const nsDir = path.join(d.execRoot, 'netns');
  if (existsSync(nsDir)) for (const f of readdirSync(nsDir)) out.push(`netns: ${f}`);
  for (const m of d.mountsLeft()) if (m.includes('/netns/')) out.push(`mount: ${m}`);
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let cmd = '';
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (cmd.includes('aardvark-dns') && cmd.includes(d.execRoot)) out.push(`aardvark-dns: pid ${pid}`);
  }
  return out;
}
