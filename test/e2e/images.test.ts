/**
 * The local image commands of the engine core: import (file, stdin, URL, with changes),
 * images, image inspect, tag and rmi. With berth and with the real docker CLI.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, run } from '../harness';
import { CLIS, cliFor, describeResult, inspectField, okRun } from './support/cli';
import { useDaemon } from './support/daemon';

const T = { timeout: 120000 };

describe('images', () => {
  const daemon = useDaemon('images');
  let tars = '';
  let server: http.Server;
  let url = '';

  before(async () => {
    tars = mkdtempSync(path.join(os.tmpdir(), 'berth-tars-'));
    const r = await run('bash', [path.join(ROOT, 'scripts', 'base-images.sh'), '--build-only', tars], { timeoutMs: 120000 });
    assert.equal(r.code, 0, describeResult(r));
    // a loopback server for import from a URL
    server = http.createServer((req, res) => {
      const file = path.join(tars, 'busybox.tar');
      res.writeHead(200, { 'Content-Length': statSync(file).size });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/busybox.tar`;
  });
  after(() => {
    server?.close();
    rmSync(tars, { recursive: true, force: true });
  });

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);
      const tar = (): string => path.join(tars, 'busybox.tar');

      it('import FILE REPO:TAG with --change gives a runnable image with that config', T, async () => {
        const repo = `imp-${name}`;
        const out = await okRun(cli, ['import', '-c', 'ENV GREETING=hola', '-c', 'WORKDIR /tmp', '-c', 'CMD ["sh", "-c", "echo $GREETING from $(pwd)"]', '-m', 'my message', tar(), `${repo}:v1`]);
        assert.match(out.trim(), /^sha256:[0-9a-f]{64}$/);
        assert.equal(await okRun(cli, ['run', '--rm', `${repo}:v1`]), 'hola from /tmp\n');
        assert.equal(await inspectField(cli, `${repo}:v1`, '{{.Comment}} {{json .Config.Cmd}} {{.Config.WorkingDir}} {{.Os}}'), 'my message ["sh","-c","echo $GREETING from $(pwd)"] /tmp linux');
        assert.equal(await inspectField(cli, `${repo}:v1`, '{{.Id}}'), out.trim());
      });

      it('import - reads stdin; import URL downloads the archive', T, async () => {
        const fromStdin = await okRun(cli, ['import', '-', `stdin-${name}`], { input: readFileSync(tar()) });
        assert.match(fromStdin.trim(), /^sha256:[0-9a-f]{64}$/);
        const fromUrl = await okRun(cli, ['import', url, `url-${name}:latest`]);
        assert.match(fromUrl.trim(), /sha256:[0-9a-f]{64}$/);
        assert.equal(await okRun(cli, ['run', '--rm', `url-${name}`, 'echo', 'ok']), 'ok\n');
        // the same layer is shared: one diff ID for both
        assert.equal(await inspectField(cli, `stdin-${name}`, '{{index .RootFS.Layers 0}}'), await inspectField(cli, `url-${name}`, '{{index .RootFS.Layers 0}}'));
      });

      it('images lists REPOSITORY TAG IMAGE ID CREATED SIZE; -q, --filter reference/dangling', T, async () => {
        const out = await okRun(cli, ['images']);
        assert.match(out.split('\n')[0], /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
        assert.match(out, new RegExp(`^imp-${name}\\s+v1\\s+[0-9a-f]{12}\\s+.+ago\\s+[0-9.]+[kM]?B$`, 'm'));
        const ids = (await okRun(cli, ['images', '-q'])).trim().split('\n');
        assert.ok(ids.every((i) => /^[0-9a-f]{12}$/.test(i)), ids.join(','));
        assert.equal((await okRun(cli, ['images', '--filter', `reference=imp-${name}`, '--format', '{{.Repository}}:{{.Tag}}'])).trim(), `imp-${name}:v1`);
        assert.equal((await okRun(cli, ['images', '-f', 'dangling=true', '-q'])).trim(), '');
      });

      it('tag adds a name; rmi of one name untags, of the last deletes', T, async () => {
        await okRun(cli, ['tag', `imp-${name}:v1`, `other-${name}:latest`]);
        const id = await inspectField(cli, `imp-${name}:v1`, '{{.Id}}');
        assert.equal(await inspectField(cli, `other-${name}`, '{{.Id}}'), id);
        assert.equal(await okRun(cli, ['rmi', `other-${name}`]), `Untagged: other-${name}:latest\n`);
        const del = await okRun(cli, ['rmi', `imp-${name}:v1`]);
        assert.match(del, new RegExp(`^Untagged: imp-${name}:v1\nDeleted: ${id}\n`));
        const r = await cli(['image', 'inspect', `imp-${name}:v1`]);
        assert.equal(r.code, 1, describeResult(r));
        assert.match(r.stderr, /No such image/);
      });

      it('rmi of the last name of an image a container uses is a conflict; -f removes it', T, async () => {
        // another name still references busybox: removing this one only untags
        await okRun(cli, ['tag', 'busybox', `alias-${name}`]);
        await okRun(cli, ['create', '--name', `alias-user-${name}`, `alias-${name}`, 'true']);
        assert.equal(await okRun(cli, ['rmi', `alias-${name}`]), `Untagged: alias-${name}:latest\n`);
        // the last name of an image in use: Docker's conflict, unless forced
        const solo = `solo-${name}`;
        const id = (await okRun(cli, ['import', '-c', 'CMD ["true"]', tar(), solo])).trim();
        const ctrId = (await okRun(cli, ['create', '--name', `solo-user-${name}`, solo])).trim();
        const r = await cli(['rmi', solo]);
        assert.equal(r.code, 1, describeResult(r));
        assert.match(r.stderr, new RegExp(`conflict: unable to remove repository reference "${solo}" \\(must force\\) - container ${ctrId.slice(0, 12)} is using its referenced image ${id.slice(7, 19)}`));
        const forced = await okRun(cli, ['rmi', '-f', solo]);
        assert.match(forced, new RegExp(`^Untagged: ${solo}:latest\n`));
        await okRun(cli, ['rm', `alias-user-${name}`, `solo-user-${name}`]);
      });
    });
  }
});
