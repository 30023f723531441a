// Layering is enforced here (DESIGN.md "Layers of the code"): imports go downward only.
import tseslint from 'typescript-eslint';

const sub = ['image', 'layer', 'runtime', 'network', 'volume', 'build', 'registry'];
const up = (...dirs) => dirs.flatMap((d) => ['../', '../../', '../../../', '../../../../'].flatMap((p) => [`${p}${d}`, `${p}${d}/**`]));
const childProcess = { name: 'node:child_process', message: 'child_process only in runtime/, network/, layer/, build/ (and tests).' };
const childProcessBare = { name: 'child_process', message: childProcess.message };
const sqlite = { name: 'better-sqlite3', message: 'better-sqlite3 only in store/.' };
const fsBan = ['node:fs', 'fs', 'node:fs/promises', 'fs/promises'].map((name) => ({ name, message: 'api/ holds no filesystem access: ask the engine.' }));

// Other folders are reached through their index.ts only (util/ is a set of small modules).
const indexed = ['api', 'api-types', 'client', 'engine', 'image', 'layer', 'runtime', 'network', 'volume', 'build', 'registry', 'store'];
const deep = (self) => indexed.filter((d) => d !== self).flatMap((d) => ['../', '../../', '../../../'].map((p) => `${p}${d}/*`));

function rule(patterns, paths = [], self = '') {
  const groups = [];
  if (patterns.length) groups.push({ group: patterns, message: 'Import goes against the layering of DESIGN.md.' });
  groups.push({ group: deep(self), message: "Import another folder through its index.ts, not its internals." });
  return { 'no-restricted-imports': ['error', { patterns: groups, paths }] };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // cli speaks only the API: client and api-types, never the daemon's internals
  { files: ['src/cli/**/*.ts'], rules: rule(up('api', 'engine', 'daemon', 'store', 'compose-internal', ...sub), [childProcess, childProcessBare, sqlite], 'cli') },
  // ...but the docker CLI runs credential helpers (docker-credential-*) client-side, so this file may spawn them
  { files: ['src/cli/auth/cred-helper.ts'], rules: rule(up('api', 'engine', 'daemon', 'store', 'compose-internal', ...sub), [sqlite], 'cli') },
  { files: ['src/client/**/*.ts'], rules: rule(up('cli', 'api', 'engine', 'daemon', 'store', ...sub), [childProcess, childProcessBare, sqlite], 'client') },
  { files: ['src/api-types/**/*.ts'], rules: rule(up('cli', 'client', 'api', 'engine', 'daemon', 'store', 'util', ...sub), [], 'api-types') },
  // api: HTTP → engine calls; no filesystem, no subsystem internals
  { files: ['src/api/**/*.ts'], rules: rule(up('cli', 'client', 'daemon', 'store', ...sub), [childProcess, childProcessBare, sqlite, ...fsBan], 'api') },
  { files: ['src/engine/**/*.ts'], rules: rule(up('cli', 'client', 'api', 'daemon'), [childProcess, childProcessBare, sqlite], 'engine') },
  { files: ['src/daemon/**/*.ts'], rules: rule([], [], 'daemon') },
  // subsystems never import siblings, the engine, or the wire types
  ...sub.map((s) => ({
    files: [`src/${s}/**/*.ts`],
    rules: rule(up('cli', 'client', 'api', 'api-types', 'engine', 'daemon', ...sub.filter((o) => o !== s)),
      ['runtime', 'network', 'layer', 'build'].includes(s) ? [sqlite] : [childProcess, childProcessBare, sqlite], s),
  })),
  { files: ['src/store/**/*.ts'], rules: rule(up('cli', 'client', 'api', 'api-types', 'engine', 'daemon', ...sub), [], 'store') },
  { files: ['src/util/**/*.ts'], rules: rule(up('cli', 'client', 'api', 'api-types', 'engine', 'daemon', ...sub), [], 'util') },
);
