/** Process entry of the berth CLI (bin/berth execs node on this file). */
import { main } from './main';

// a reader that went away (`berth images | head -1`) ends the command quietly, as SIGPIPE
// ends the docker CLI, instead of an unhandled EPIPE with a stack trace
const quietOnEpipe = (e: NodeJS.ErrnoException): void => {
  if (e.code === 'EPIPE') process.exit(141);
  throw e;
};
process.stdout.on('error', quietOnEpipe);

main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
