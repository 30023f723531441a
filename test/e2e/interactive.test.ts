/**
 * `run -it` in a real terminal (tmux): typing, detaching with Ctrl-P Ctrl-Q, `attach`, `exit`,
 * and `start -ai` of a stopped -it container, with berth and with the real docker CLI.
 *
 * Every marker echoed inside the container carries $(hostname) (the container's short ID), so
 * it cannot be produced by the outer bash if the CLI returned early.
 */
import { describe, it, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { AGO, CLIS, cliBinary, cliFor, fullId, inspectField, psRow } from './support/cli';
import { useDaemon } from './support/daemon';
import { TmuxPty } from './support/tmux-pty';

const T = { timeout: 120000 };

describe('interactive', () => {
  const daemon = useDaemon('interactive');

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);
      const ctr = `it-${name}`;
      const bin = cliBinary(name);
      let pty: TmuxPty | undefined;
      let short = '';
      after(async () => { await pty?.close(); });
      const term = (): TmuxPty => {
        assert.ok(pty, 'the terminal of the first test');
        return pty;
      };

      it('run -it busybox sh: typed commands run in the container', T, async () => {
        pty = new TmuxPty(daemon(), `it-${name}`);
        await pty.start();
        await pty.type(`${bin} run -it --name ${ctr} busybox sh`);
        await pty.waitFor(/^\/ # /m);
        short = (await fullId(cli, ctr)).slice(0, 12);
        await pty.type('echo hi-$((1+1)) $(hostname)');
        await pty.waitFor(new RegExp(`^hi-2 ${short}\\s*$`, 'm'));
      });

      it('Ctrl-P Ctrl-Q detaches and the container keeps running', T, async () => {
        const p = term();
        await p.untilHostPrompt(() => p.keys('C-p', 'C-q'));
        // back in the outer bash: only bash sets BASH_VERSION
        await p.type('echo "detached shell=${BASH_VERSION:+bash}"');
        await p.waitFor(/^detached shell=bash/m);
        const row = await psRow(cli, ctr, []);
        assert.ok(row, 'ps lists the detached container');
        assert.match(row, /\bUp\b/);
      });

      it('attach returns to the container', T, async () => {
        const p = term();
        await p.type(`${bin} attach ${ctr}`);
        await p.type('echo back-$((2+2)) $(hostname)');
        await p.waitFor(new RegExp(`^back-4 ${short}\\s*$`, 'm'));
      });

      it('exit stops it: the CLI returns 0 and ps -a shows Exited (0)', T, async () => {
        const p = term();
        await p.untilHostPrompt(() => p.type('exit'));
        await p.type('echo "after-exit rc=$? shell=${BASH_VERSION:+bash}"');
        await p.waitFor(/^after-exit rc=0 shell=bash/m);
        assert.equal(await inspectField(cli, ctr, '{{.State.Status}} {{.State.ExitCode}}'), 'exited 0');
        const row = await psRow(cli, ctr);
        assert.ok(row);
        assert.match(row, new RegExp(`Exited \\(0\\) ${AGO}`));
      });

      it('start -ai reattaches to the stopped -it container', T, async () => {
        const p = term();
        await p.type(`${bin} start -ai ${ctr}`);
        await p.type('echo again-$((3+3)) $(hostname)');
        await p.waitFor(new RegExp(`^again-6 ${short}\\s*$`, 'm'));
        assert.equal(await inspectField(cli, ctr, '{{.State.Status}}'), 'running');
        await p.untilHostPrompt(() => p.type('exit 4'));
        await p.type('echo "after-start rc=$? shell=${BASH_VERSION:+bash}"');
        await p.waitFor(/^after-start rc=4 shell=bash/m);
        assert.equal(await inspectField(cli, ctr, '{{.State.Status}} {{.State.ExitCode}}'), 'exited 4');
      });
    });
  }
});
