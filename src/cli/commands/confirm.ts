import type { Ctx } from '../command';

/** docker's "[y/N]" prompt; anything but y/yes declines. */
export async function confirm(ctx: Ctx, question: string): Promise<boolean> {
  ctx.out.write(`${question} [y/N] `);
  const line = await new Promise<string>((resolve) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) { process.stdin.off('data', onData); process.stdin.pause(); resolve(buf.split('\n')[0]); }
    };
    process.stdin.on('data', onData);
    process.stdin.once('end', () => resolve(buf));
    process.stdin.resume();
  });
  return /^\s*y(es)?\s*$/i.test(line);
}
