import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../command';
import { LiveView } from './live-view';

class Term {
  text = '';
  write(s: string): boolean { this.text += s; return true; }
  /** what the screen shows: redraws (cursor up n lines + clear) applied */
  screen(): string[] {
    const lines: string[] = [];
    let row = 0;
    const re = /\x1b\[(\d+)F\x1b\[J|\n|[^\n\x1b]+/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(this.text))) {
      if (m[1]) { row -= Number(m[1]); lines.length = row; } else if (m[0] === '\n') row++;
      else lines[row] = (lines[row] ?? '') + m[0];
    }
    return lines.slice(0, row);
  }
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

test('the live view shows each step with its time and the running step\'s last lines, redrawn in place', () => {
  const term = new Term();
  const c = clock();
  const v = new LiveView(term, { columns: 60, now: c.now, tickMs: 0 });
  v.contextProgress('Sending build context to Docker daemon  2.048kB\r');
  v.write({ stream: 'Step 1/3 : FROM busybox\n' });
  v.write({ stream: ' ---> 5b0d59026729\n' });
  v.write({ stream: 'Step 2/3 : RUN for i in 1 2 3 4 5 6 7 8; do echo line$i; done\n ---> Running in 0123456789ab\n' });
  c.advance(1500);
  v.write({ stream: 'line1\nline2\nline3\nline4\nline5\nline6\nline7\nli' });
  v.write({ stream: 'ne8\n' });
  const screen = term.screen();
  assert.match(screen[0], /^Building 1\.5s \(1\/3\)  context 2\.048kB$/);
  assert.match(screen[1], /^ => \[1\/3\] FROM busybox +0\.0s$/);
  assert.match(screen[2], /^ -> \[2\/3\] RUN for i in 1 2 3 4 5 6 7 8; do echo line.*… 1\.5s$/);
  assert.equal(screen[2].length, 59);
  assert.deepEqual(screen.slice(3), ['    line3', '    line4', '    line5', '    line6', '    line7', '    line8']);
  assert.ok(screen.every((l) => l.length <= 60), screen.join('\n'));
  v.write({ stream: 'Removing intermediate container 0123456789ab\n ---> 111111111111\n' });
  v.write({ stream: 'Step 3/3 : ENV a=b\n ---> Using cache\n ---> 222222222222\n' });
  v.write({ aux: { ID: 'sha256:' + '2'.repeat(64) } });
  v.write({ stream: 'Successfully built 222222222222\nSuccessfully tagged x:latest\n' });
  v.finish(true);
  assert.equal(v.imageId, 'sha256:' + '2'.repeat(64));
  const end = term.screen();
  assert.equal(end.length, 5, end.join('\n'));
  assert.match(end[0], /^ => \[1\/3\] FROM busybox +---> 5b0d59026729 0\.0s$/);
  assert.match(end[1], /^ => \[2\/3\] RUN for i in .* ---> 111111111111 1\.5s$/);
  assert.match(end[2], /^ => \[3\/3\] ENV a=b +---> 222222222222 CACHED$/);
  assert.deepEqual(end.slice(3), ['Successfully built 222222222222', 'Successfully tagged x:latest']);
});

test('on failure the live view keeps the failing step\'s output and throws docker\'s error', () => {
  const term = new Term();
  const v = new LiveView(term, { columns: 80, tickMs: 0 });
  v.write({ stream: 'Step 1/2 : FROM busybox\n ---> 5b0d59026729\nStep 2/2 : RUN echo oops; false\n ---> Running in 0123456789ab\noops\n' });
  const msg = "The command '/bin/sh -c echo oops; false' returned a non-zero code: 1";
  assert.throws(() => v.write({ errorDetail: { code: 1, message: msg }, error: msg }), (e: unknown) => e instanceof StatusError && e.message === msg && e.code === 1);
  v.finish(false);
  const end = term.screen();
  assert.match(end[1], /^ => \[2\/2\] RUN echo oops; false +\d+\.\ds$/);
  assert.equal(end[2], '    oops');
});

test('RUN output without a final newline does not swallow the builder\'s next line', () => {
  const term = new Term();
  const v = new LiveView(term, { columns: 80, tickMs: 0 });
  v.write({ stream: 'Step 1/2 : FROM busybox\n ---> 5b0d59026729\nStep 2/2 : RUN printf no-newline\n ---> Running in 0123456789ab\n' });
  v.write({ stream: 'no-newline' });
  // --rm=false: the result line follows the output directly
  v.write({ stream: ' ---> 111111111111\n' });
  v.finish(true);
  assert.match(term.screen()[1], /^ => \[2\/2\] RUN printf no-newline +---> 111111111111 \d+\.\ds$/);
});
