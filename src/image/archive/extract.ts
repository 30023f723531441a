import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tarStream from 'tar-stream';
import { InvalidParameterError } from '../../util/errors';

/**
 * Unpacks an image archive (docker save / OCI layout tar) into a private temporary
 * directory, as dockerd does before reading it. Only directories, regular files and
 * relative symlinks are kept; nothing is created through a symlink or outside `dir`.
 * Files are read back with resolveIn(), which follows those symlinks inside `dir` only.
 */

function bad(msg: string): InvalidParameterError {
  return new InvalidParameterError(`invalid image archive: ${msg}`);
}

function components(name: string): string[] {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw bad(`entry "${name}" escapes the archive`);
  return parts;
}

export async function extractArchive(input: Readable, dir: string): Promise<void> {
  const extract = tarStream.extract();
  const consume = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const parts = components(h.name);
      let p = dir;
      for (let i = 0; i < parts.length - 1; i++) {
        p = path.join(p, parts[i]);
        const st = fs.lstatSync(p, { throwIfNoEntry: false });
        if (!st) fs.mkdirSync(p, { mode: 0o700 });
        else if (!st.isDirectory()) throw bad(`entry "${h.name}": parent is not a directory`);
      }
      const target = path.join(dir, ...parts);
      if (parts.length === 0 || h.type === 'directory') {
        if (parts.length && !fs.existsSync(target)) fs.mkdirSync(target, { mode: 0o700 });
        entry.resume();
        continue;
      }
      fs.rmSync(target, { force: true });
      if (h.type === 'file' || h.type === 'contiguous-file') {
        const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
        await pipeline(entry, fs.createWriteStream('', { fd }));
      } else if (h.type === 'symlink') {
        entry.resume();
        if (path.isAbsolute(h.linkname ?? '')) throw bad(`symlink "${h.name}" points outside the archive`);
        fs.symlinkSync(h.linkname ?? '', target);
      } else {
        entry.resume(); // links, devices, fifos: no place in an image archive
      }
    }
  })();
  try {
    await Promise.all([pipeline(input, extract), consume]);
  } catch (e) {
    extract.destroy();
    input.destroy();
    await consume.catch(() => undefined);
    const err = e as NodeJS.ErrnoException;
    if (e instanceof InvalidParameterError) throw e;
    if (err.code?.startsWith('Z_') || /unexpected end|invalid tar|header|checksum/i.test(err.message ?? '')) {
      throw bad(err.message.replace(/^invalid image archive: /, ''));
    }
    throw e;
  }
}

/** The real path of `rel` inside `dir`, following symlinks only while they stay inside. */
export function resolveIn(dir: string, rel: string): string {
  let parts = components(rel);
  let hops = 0;
  const done: string[] = [];
  while (parts.length) {
    const [head, ...rest] = parts;
    if (head === '..') {
      if (!done.length) throw bad(`"${rel}" escapes the archive`);
      done.pop();
      parts = rest;
      continue;
    }
    const p = path.join(dir, ...done, head);
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (st?.isSymbolicLink()) {
      if (++hops > 40) throw bad(`too many symlinks resolving "${rel}"`);
      const link = fs.readlinkSync(p);
      if (path.isAbsolute(link)) throw bad(`"${rel}" escapes the archive`);
      parts = [...link.split('/').filter((x) => x !== '' && x !== '.'), ...rest];
      continue;
    }
    done.push(head);
    parts = rest;
  }
  return path.join(dir, ...done);
}

export function readArchiveFile(dir: string, rel: string): Buffer {
  const p = resolveIn(dir, rel);
  try {
    return fs.readFileSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw bad(`${rel} is missing`);
    throw e;
  }
}
