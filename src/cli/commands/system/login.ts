import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { DEFAULT_INDEX_SERVER, configFile, getAuth, hostnameOf, storeAuth } from '../../auth/config-file';

/** docker login: the daemon checks the credentials (POST /auth), the CLI stores them. */
export const command: CommandDef = {
  usage: '[OPTIONS] [SERVER]',
  description: 'Log in to a registry.\nIf no server is specified, the default is defined by the daemon.',
  flags: [
    { name: 'password', short: 'p', kind: 'string', help: 'Password' },
    { name: 'password-stdin', kind: 'bool', help: 'Take the password from stdin' },
    { name: 'username', short: 'u', kind: 'string', help: 'Username' },
  ],
  args: { max: 1 },
  async run(ctx, v, args) {
    let username = get.str(v, 'username');
    let password = get.str(v, 'password');
    if (password !== undefined) ctx.err.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    if (get.bool(v, 'password-stdin')) {
      if (password !== undefined) throw new Error('--password and --password-stdin are mutually exclusive');
      if (!username) throw new Error('Must provide --username with --password-stdin');
      password = (await readAll(process.stdin)).replace(/\r?\n$/, '');
    }
    const server = args[0] ? (/^https?:\/\//.test(args[0]) || args[0] === DEFAULT_INDEX_SERVER ? args[0] : hostnameOf(args[0])) : DEFAULT_INDEX_SERVER;
    const key = server === DEFAULT_INDEX_SERVER || /(^|\/\/)(index\.)?docker\.io/.test(server) ? DEFAULT_INDEX_SERVER : hostnameOf(server);
    if (!username || password === undefined) {
      const stored = getAuth(key);
      if (!username && password === undefined && stored.username) {
        // docker login with saved credentials re-checks them
        username = stored.username;
        password = stored.password;
      } else {
        if (!process.stdin.isTTY && !username) throw new Error('Error: Cannot perform an interactive login from a non TTY device');
        if (!username) username = (await prompt(ctx.out, `Username${stored.username ? ` (${stored.username})` : ''}: `, false)) || stored.username;
        if (!username) throw new Error('Error: Non-null Username Required');
        if (password === undefined) password = await prompt(ctx.out, 'Password: ', true);
        if (!password) throw new Error('Error: Password Required');
      }
    }
    const res = await ctx.client().systemAuth({ username, password, serveraddress: key });
    const saved = storeAuth(key, res.IdentityToken ? { identitytoken: res.IdentityToken } : { username, password });
    if (saved.plain) {
      ctx.err.write(`WARNING! Your password will be stored unencrypted in ${configFile()}.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/engine/reference/commandline/login/#credentials-store\n\n`);
    }
    ctx.out.write(`${res.Status || 'Login Succeeded'}\n`);
    return 0;
  },
};

async function readAll(s: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** One line from the terminal; the password without echo. */
function prompt(out: NodeJS.WriteStream, question: string, hidden: boolean): Promise<string> {
  out.write(question);
  const stdin = process.stdin;
  return new Promise((resolve) => {
    let line = '';
    if (hidden && stdin.isTTY) stdin.setRawMode(true);
    const onData = (b: Buffer): void => {
      for (const ch of b.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.off('data', onData);
          if (hidden && stdin.isTTY) { stdin.setRawMode(false); out.write('\n'); }
          stdin.pause();
          resolve(line);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f') line = line.slice(0, -1);
        else line += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
