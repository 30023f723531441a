import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { PatternMatcher, readDockerignore } from '../../build';
import { decompressedTar } from '../../layer';
import { extractTar, scopedJoin } from '../../util/archive';
import { completeTar } from '../../util/archive/tar-reader';
import { InvalidParameterError } from '../../util/errors';

/**
 * The build context on the daemon's side, as moby's remotecontext does it: the client's tar
 * (plain or compressed, hostile or not) is extracted with the engine's safe extractor, so no
 * entry and no symlink leads out of the context directory; the Dockerfile is read through
 * the context's own links; then .dockerignore is applied to itself and to the Dockerfile
 * (moby's removeDockerfile): the client already left out the other excluded files.
 */

export interface BuildContext {
  /** the extracted context */
  dir: string;
  dockerfile: string;
}

/** Extracts the context tar into `dir` (created, empty); `rename` may leave entries out (null). */
export async function extractContext(body: Readable, dir: string, rename?: (name: string) => string | null): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  let tar: Readable;
  try {
    tar = await decompressedTar(body);
  } catch (e) {
    throw new InvalidParameterError(`failed to read the build context: ${(e as Error).message}`);
  }
  try {
    await extractTar(Readable.from(completeTar(tar)), dir, { scope: dir, noOverwriteDirNonDir: false, ...(rename ? { rename } : {}) });
  } catch (e) {
    throw new InvalidParameterError(`failed to extract the build context: ${(e as Error).message}`);
  }
}

/** A context that is just a Dockerfile (`docker build - < Dockerfile`, or a `remote` text file). */
export async function writeDockerfileContext(content: Buffer, dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.promises.writeFile(path.join(dir, 'Dockerfile'), content, { mode: 0o600 });
}

/** Reads the Dockerfile named by `name` (relative to the context) and applies .dockerignore. */
export async function readDockerfile(dir: string, name: string): Promise<string> {
  const wanted = name === '' ? 'Dockerfile' : name;
  const rel = path.posix.normalize(wanted.replace(/\\/g, '/')).replace(/^\/+/, '');
  let file = scopedJoin(dir, rel);
  let text: string | null = await readFileOrNull(file);
  // moby: a missing "Dockerfile" falls back to "dockerfile"
  if (text === null && name === '' ) {
    file = scopedJoin(dir, 'dockerfile');
    text = await readFileOrNull(file);
  }
  if (text === null) throw new InvalidParameterError(`Cannot locate specified Dockerfile: ${wanted}`);
  await removeIgnored(dir, [path.relative(dir, file)]);
  return text;
}

async function readFileOrNull(file: string): Promise<string | null> {
  try {
    const st = await fs.promises.stat(file);
    if (!st.isFile()) return null;
    return await fs.promises.readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/** moby's removeDockerfile: .dockerignore and the Dockerfile leave the context when it excludes them. */
async function removeIgnored(dir: string, files: string[]): Promise<void> {
  let patterns: string[];
  try {
    patterns = readDockerignore(await fs.promises.readFile(path.join(dir, '.dockerignore'), 'utf8'));
  } catch {
    return; // no .dockerignore
  }
  const matcher = new PatternMatcher(patterns);
  for (const f of ['.dockerignore', ...files]) {
    if (matcher.matches(f)) await fs.promises.rm(path.join(dir, f), { force: true });
  }
}

/** A Readable over a buffer already read. */
export function bufferStream(chunks: Buffer[], rest: Readable): Readable {
  return Readable.from((async function* () {
    for (const c of chunks) yield c;
    for await (const c of rest) yield c as Buffer;
  })());
}
