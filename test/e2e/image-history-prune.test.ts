/**
 * history, image prune, rmi --no-prune, the dangling-images cleanup of the Docker notes,
 * system df and system prune: with berth and with the real docker CLI, on one berthd.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../harness';
import { CLIS, cliBinary, cliFor, describeResult, okRun, type Cli } from './support/cli';
import { useDaemon } from './support/daemon';
import { rawRequest } from './support/raw-http';

const T = { timeout: 120000 };
const LONG = 'echo 0123456789 > /f; echo abcdefghijklmnopqrstuvwxyz >> /f';

/** run a container with `script`, commit it (with `flags`, as `ref` if given), remove it; returns the new ID */
async function commitOf(cli: Cli, name: string, script: string, flags: string[], ref?: string, from = 'busybox'): Promise<string> {
  await okRun(cli, ['run', '--name', name, from, 'sh', '-c', script]);
  const id = (await okRun(cli, ['commit', ...flags, name, ...(ref ? [ref] : [])])).trim();
  await okRun(cli, ['rm', name]);
  return id;
}

async function danglingIds(cli: Cli): Promise<string[]> {
  return (await okRun(cli, ['images', '-f', 'dangling=true', '-q', '--no-trunc'])).split('\n').filter(Boolean).sort();
}

describe('image history and pruning', () => {
  const daemon = useDaemon('img-prune');
  let dir = '';
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'berth-prune-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);
      const sh = (script: string) => run('bash', ['-c', script], { envBase: { ...daemon().env, CLI: cliBinary(name) }, timeoutMs: 60000 });

      it('history: IMAGE CREATED CREATED BY SIZE COMMENT, the command cut at 45 with …, --no-trunc, -q, -H=false, --format', T, async () => {
        const id = await commitOf(cli, `hist-${name}`, LONG, ['-m', 'my comment'], `hist-${name}:v1`);
        const base = (await okRun(cli, ['inspect', '-f', '{{.Id}}', 'busybox'])).trim();
        const lines = (await okRun(cli, ['history', `hist-${name}:v1`])).trimEnd().split('\n');
        assert.match(lines[0], /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
        assert.equal(lines.length, 3, lines.join('\n'));
        const cut = `sh -c ${LONG}`.slice(0, 44) + '…';
        assert.match(lines[1], new RegExp(`^${id.slice(7, 19)}   .+ ago\\s+${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}   38B\\s+my comment$`));
        assert.match(lines[2], new RegExp(`^${base.slice(7, 19)}   .+ ago\\s+[0-9.]+MB\\s+Imported from -$`));
        const full = await okRun(cli, ['history', '--no-trunc', `hist-${name}:v1`]);
        assert.ok(full.includes(`${id}   `) && full.includes(`sh -c ${LONG}`), full);
        assert.equal(await okRun(cli, ['image', 'history', '-q', `hist-${name}:v1`]), `${id.slice(7, 19)}\n${base.slice(7, 19)}\n`);
        const raw = (await okRun(cli, ['history', '-H=false', `hist-${name}:v1`])).split('\n');
        assert.match(raw[0], /^IMAGE\s+CREATED AT\s+CREATED BY/);
        assert.match(raw[1], /\s\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)\s.*\s38\s+my comment$/);
        const f = await okRun(cli, ['history', '--format', '{{.ID}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}', `hist-${name}:v1`]);
        assert.equal(f, `${id.slice(7, 19)}|${cut}|38B|my comment\n${base.slice(7, 19)}||${(await okRun(cli, ['images', '--format', '{{.Size}}', 'busybox'])).trim()}|Imported from -\n`);
      });

      it('history: an unchanged commit is an empty layer; entries without an image show <missing>; the API gives Docker\'s JSON', T, async () => {
        const empty = await commitOf(cli, `hist-e-${name}`, 'true', [], `hist-e-${name}`, `hist-${name}:v1`);
        const rows = (await okRun(cli, ['history', '--format', '{{.ID}} {{.Size}} {{.CreatedBy}}', `hist-e-${name}`])).split('\n');
        assert.equal(rows[0], `${empty.slice(7, 19)} 0B sh -c true`);
        // saved and loaded anew, the image has no parent: its older entries have no image
        const f = path.join(dir, `hist-${name}.tar`);
        await okRun(cli, ['save', '-o', f, `hist-e-${name}`]);
        await okRun(cli, ['rmi', `hist-e-${name}`]);
        await okRun(cli, ['load', '-i', f]);
        const ids = (await okRun(cli, ['history', '-q', `hist-e-${name}`])).split('\n').filter(Boolean);
        assert.deepEqual(ids, [empty.slice(7, 19), '<missing>', '<missing>']);
        const res = await rawRequest(daemon().sock, 'GET', `/v1.41/images/hist-e-${name}/history`);
        assert.equal(res.status, 200, res.body);
        const items = JSON.parse(res.body) as { Id: string; Created: number; CreatedBy: string; Tags: string[] | null; Size: number; Comment: string }[];
        assert.deepEqual(items.map((i) => [i.Id, i.Tags, i.Size, i.CreatedBy, i.Comment]), [
          [empty, [`hist-e-${name}:latest`], 0, 'sh -c true', ''],
          ['<missing>', null, 38, `sh -c ${LONG}`, 'my comment'],
          ['<missing>', null, items[2].Size, '', 'Imported from -'],
        ]);
        assert.ok(items.every((i) => Number.isInteger(i.Created) && Math.abs(i.Created - Date.now() / 1000) < 600), res.body);
        assert.equal((await rawRequest(daemon().sock, 'GET', '/images/nosuch/history')).status, 404);
        await okRun(cli, ['rmi', `hist-e-${name}`, `hist-${name}:v1`]);
      });

      it('rmi --no-prune keeps the untagged parent; without it the parent goes too', T, async () => {
        for (const noPrune of [true, false]) {
          const parent = await commitOf(cli, `par-${name}`, 'echo p > /p', [], `par-${name}`);
          const child = await commitOf(cli, `chi-${name}`, 'echo c > /c', [], `chi-${name}`, `par-${name}`);
          // a parent with a child only loses its name
          assert.equal(await okRun(cli, ['rmi', `par-${name}`]), `Untagged: par-${name}:latest\n`);
          const out = await okRun(cli, ['rmi', ...(noPrune ? ['--no-prune'] : []), `chi-${name}`]);
          assert.match(out, new RegExp(`^Untagged: chi-${name}:latest\nDeleted: ${child}\n`));
          assert.equal(out.includes(`Deleted: ${parent}`), !noPrune, out);
          const all = await okRun(cli, ['images', '-a', '-q', '--no-trunc']);
          assert.equal(all.includes(parent), noPrune, all);
          if (noPrune) {
            assert.deepEqual(await danglingIds(cli), [parent]);
            assert.match(await okRun(cli, ['rmi', parent.slice(7, 19)]), new RegExp(`^Deleted: ${parent}\n`));
          }
        }
      });

      it('images -f dangling=true -q | xargs rmi removes the dangling images only', T, async () => {
        const a = await commitOf(cli, `dang-a-${name}`, 'echo a > /a', []);
        const b = await commitOf(cli, `dang-b-${name}`, 'echo b > /b', []);
        await commitOf(cli, `kept-${name}`, 'echo k > /k', [], `kept-${name}`);
        assert.deepEqual(await danglingIds(cli), [a, b].sort());
        const r = await sh('"$CLI" images -f dangling=true -q | xargs "$CLI" rmi');
        assert.equal(r.code, 0, describeResult(r));
        assert.ok(r.stdout.includes(`Deleted: ${a}\n`) && r.stdout.includes(`Deleted: ${b}\n`), r.stdout);
        assert.deepEqual(await danglingIds(cli), []);
        assert.equal((await okRun(cli, ['images', '-q', `kept-${name}`])).trim().length, 12);
        await okRun(cli, ['rmi', `kept-${name}`]);
      });

      it('image prune: the prompt; dangling only by default; -a takes unused tagged images but keeps a used one; until and label filters', T, async () => {
        const label = `prune-${name}`;
        const dangling = await commitOf(cli, `pr-d-${name}`, 'echo d > /d', ['-c', `LABEL ${label}=1`]);
        const unused = await commitOf(cli, `pr-u-${name}`, 'echo u > /u', ['-c', `LABEL ${label}=1`], `pr-unused-${name}`);
        const used = await commitOf(cli, `pr-k-${name}`, 'echo k > /k', ['-c', `LABEL ${label}=1`], `pr-used-${name}`);
        await okRun(cli, ['create', '--name', `pr-user-${name}`, `pr-used-${name}`]);
        const declined = await cli(['image', 'prune'], { input: 'n\n' });
        assert.equal(declined.code, 0, describeResult(declined));
        assert.equal(declined.stdout, 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ');
        assert.ok((await danglingIds(cli)).includes(dangling));
        // until=1h: everything here is newer, so nothing goes
        assert.equal(await okRun(cli, ['image', 'prune', '-a', '-f', '--filter', 'until=1h', '--filter', `label=${label}`]), 'Total reclaimed space: 0B\n');
        const pruned = await okRun(cli, ['image', 'prune', '-f', '--filter', `label=${label}`]);
        assert.match(pruned, new RegExp(`^Deleted Images:\ndeleted: ${dangling}\ndeleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: 2B\n$`));
        const all = await okRun(cli, ['image', 'prune', '-a', '-f', '--filter', `label=${label}`]);
        assert.match(all, new RegExp(`^Deleted Images:\nuntagged: pr-unused-${name}:latest\ndeleted: ${unused}\ndeleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: 2B\n$`));
        const left = await okRun(cli, ['images', '--format', '{{.Repository}}']);
        assert.ok(left.includes(`pr-used-${name}`) && left.includes('busybox') && !left.includes(`pr-unused-${name}`), left);
        // label! excludes; the used image stays whatever the filter
        assert.equal(await okRun(cli, ['image', 'prune', '-a', '-f', '--filter', `label!=${label}`, '--filter', `label=${label}`]), 'Total reclaimed space: 0B\n');
        await okRun(cli, ['rm', `pr-user-${name}`]);
        assert.match(await okRun(cli, ['image', 'prune', '-a', '-f', '--filter', `label=${label}`]), new RegExp(`untagged: pr-used-${name}:latest\ndeleted: ${used}\n`));
        const bad = await rawRequest(daemon().sock, 'POST', `/images/prune?filters=${encodeURIComponent('{"color":["red"]}')}`);
        assert.equal(bad.status, 400, bad.body);
        assert.match(bad.body, /invalid filter 'color'/);
      });

      it('system df: TYPE TOTAL ACTIVE SIZE RECLAIMABLE, numbers that follow a run and an rm; -v sections', T, async () => {
        const summary = async (): Promise<string[]> => (await okRun(cli, ['system', 'df', '--format', '{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}'])).trim().split('\n');
        const table = await okRun(cli, ['system', 'df']);
        assert.match(table, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\nImages\s+\d+\s+\d+\s+[0-9.]+[kMG]?B\s+[0-9.]+[kMG]?B \(\d+%\)\nContainers\s+\d+\s+\d+\s+[0-9.]+[kMG]?B\s+\S+.*\nLocal Volumes\s+0\s+0\s+0B\s+0B\nBuild Cache\s+0\s+0\s+0B\s+0B\n$/);
        const before = await summary();
        await okRun(cli, ['run', '-d', '--name', `df-${name}`, 'busybox', 'sh', '-c', 'head -c 5000 /dev/zero > /blob; sleep 60']);
        const during = await summary();
        const n = (s: string, i: number): number => Number(s.split('|')[i]);
        assert.equal(n(during[1], 1), n(before[1], 1) + 1, `${before}\n${during}`);
        assert.equal(n(during[1], 2), n(before[1], 2) + 1);
        assert.ok(n(during[0], 2) >= 1, during[0]);
        const verbose = await okRun(cli, ['system', 'df', '-v']);
        assert.match(verbose, /^Images space usage:\n\nREPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+SHARED SIZE\s+UNIQUE SIZE\s+CONTAINERS\n/);
        assert.match(verbose, new RegExp(`\nContainers space usage:\n\nCONTAINER ID\\s+IMAGE\\s+COMMAND\\s+LOCAL VOLUMES\\s+SIZE\\s+CREATED\\s+STATUS\\s+NAMES\n(.*\n)*[0-9a-f]{12}\\s+busybox\\s+"sh -c [^"]{13}…"\\s+0\\s+5kB\\s+.*df-${name}\n`));
        assert.match(verbose, /\nLocal Volumes space usage:\n\nVOLUME NAME\s+LINKS\s+SIZE\n\nBuild cache usage: 0B\n\nCACHE ID\s+CACHE TYPE\s+SIZE\s+CREATED\s+LAST USED\s+USAGE\s+SHARED\n$/);
        assert.match(verbose, /^busybox\s+latest\s+[0-9a-f]{12}\s+.+\s+[1-9]\d*\n/m);
        await okRun(cli, ['rm', '-f', `df-${name}`]);
        assert.deepEqual(await summary(), before);
        const api = JSON.parse((await rawRequest(daemon().sock, 'GET', '/v1.41/system/df')).body) as { LayersSize: number; Images: { Containers: number; SharedSize: number }[]; Volumes: unknown[]; BuildCache: unknown[] };
        assert.ok(api.LayersSize > 1000000 && api.Images.every((i) => i.Containers >= 0 && i.SharedSize >= 0), JSON.stringify(api));
        assert.deepEqual([api.Volumes, api.BuildCache], [[], []]);
      });

      it('system prune: docker\'s warning; removes stopped containers and dangling images, keeps tagged ones', T, async () => {
        const declined = await cli(['system', 'prune', '--filter', 'label=a=b'], { input: 'n\n' });
        assert.equal(declined.stdout, 'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all dangling images\n  - unused build cache\n\n  Items to be pruned will be filtered with:\n  - label=a=b\n\nAre you sure you want to continue? [y/N] ');
        const img = await commitOf(cli, `sp-i-${name}`, 'echo x > /x', []);
        const ctr = (await okRun(cli, ['create', '--name', `sp-c-${name}`, 'busybox', 'true'])).trim();
        await okRun(cli, ['run', '-d', '--name', `sp-r-${name}`, 'busybox', 'sleep', '60']);
        const out = await okRun(cli, ['system', 'prune', '-f']);
        assert.match(out, new RegExp(`^Deleted Containers:\n${ctr}\n\nDeleted Images:\ndeleted: ${img}\ndeleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: 2B\n$`));
        assert.match(await okRun(cli, ['ps', '-a', '--format', '{{.Names}}']), new RegExp(`^sp-r-${name}$`, 'm'));
        assert.match(await okRun(cli, ['images', '--format', '{{.Repository}}']), /^busybox$/m);
        assert.equal(await okRun(cli, ['system', 'prune', '-f']), 'Total reclaimed space: 0B\n');
        await okRun(cli, ['rm', '-f', `sp-r-${name}`]);
      });
    });
  }
});
