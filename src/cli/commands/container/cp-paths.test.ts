import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ERR_CANNOT_COPY_DIR, ERR_DIR_NOT_EXISTS, getRebaseName, prepareArchiveCopy, splitCpArg } from './cp-paths';

test('splitCpArg: container prefix unless the path is absolute or ./', () => {
  assert.deepEqual(splitCpArg('c:/etc'), { container: 'c', path: '/etc' });
  assert.deepEqual(splitCpArg('/a:b'), { container: '', path: '/a:b' });
  assert.deepEqual(splitCpArg('./a:b'), { container: '', path: './a:b' });
  assert.deepEqual(splitCpArg('file'), { container: '', path: 'file' });
});

test('prepareArchiveCopy follows moby: into a directory, renamed, or refused', () => {
  const file = { path: '/src/f', exists: true, isDir: false };
  const dir = { path: '/src/d', exists: true, isDir: true };
  assert.deepEqual(prepareArchiveCopy(file, { path: '/dst', exists: true, isDir: true }), { dstDir: '/dst' });
  assert.deepEqual(prepareArchiveCopy(file, { path: '/dst/g', exists: false, isDir: false }), { dstDir: '/dst', rebase: { from: 'f', to: 'g' } });
  assert.deepEqual(prepareArchiveCopy(dir, { path: '/dst/new', exists: false, isDir: false }), { dstDir: '/dst', rebase: { from: 'd', to: 'new' } });
  assert.deepEqual(prepareArchiveCopy({ path: '/src/d/.', exists: true, isDir: true }, { path: '/dst/new', exists: false, isDir: false }), { dstDir: '/dst', rebase: { from: '.', to: 'new' } });
  assert.throws(() => prepareArchiveCopy(dir, { path: '/dst/file', exists: true, isDir: false }), new RegExp(ERR_CANNOT_COPY_DIR));
  assert.throws(() => prepareArchiveCopy(file, { path: '/dst/new/', exists: false, isDir: false }), new RegExp(ERR_DIR_NOT_EXISTS));
});

test('getRebaseName keeps the asked name when a link resolves elsewhere', () => {
  assert.deepEqual(getRebaseName('/lnk', '/etc'), { path: '/etc', rebaseName: 'lnk' });
  assert.deepEqual(getRebaseName('/lnk/.', '/etc'), { path: '/etc/.' });
  assert.deepEqual(getRebaseName('/etc', '/etc'), { path: '/etc' });
});
