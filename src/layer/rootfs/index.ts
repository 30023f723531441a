export { computeChanges, comparePaths, diffEntries, opaqueDirs, rwDiffTar, type DiffEntry, statDifferent, type ChangeKind, type LayerChange } from './rw-changes';
export { withLowerView } from './lower-view';
