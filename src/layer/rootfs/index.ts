export { computeChanges, comparePaths, opaqueDirs, rwDiffTar, statDifferent, type ChangeKind, type LayerChange } from './rw-changes';
export { withLowerView } from './lower-view';
