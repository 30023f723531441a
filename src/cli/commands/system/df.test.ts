import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerSummary, DiskUsage, ImageSummary } from '../../../api-types';
import { renderSummary } from './df';
import { pruneWarning } from './prune';

const img = (id: string, size: number, shared: number, containers: number): ImageSummary => ({
  Id: `sha256:${id.repeat(64).slice(0, 64)}`, ParentId: '', RepoTags: ['<none>:<none>'], RepoDigests: [], Created: 0, Size: size, SharedSize: shared, VirtualSize: size, Labels: null, Containers: containers,
});
const ctr = (state: string, sizeRw: number): ContainerSummary => ({ Id: 'c'.repeat(64), State: state, SizeRw: sizeRw } as unknown as ContainerSummary);

test('system df summary: counts, active, sizes in go-units HumanSize, reclaimable with integer percent', () => {
  const du: DiskUsage = {
    LayersSize: 3_000_000,
    Images: [img('a', 2_000_000, 1_000_000, 1), img('b', 2_000_000, 1_000_000, 0)],
    Containers: [ctr('running', 1000), ctr('exited', 3000)],
    Volumes: [],
    BuildCache: [],
  };
  assert.equal(renderSummary(du), [
    'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE',
    'Images          2         1         3MB       2MB (66%)',
    'Containers      2         1         4kB       3kB (75%)',
    'Local Volumes   0         0         0B        0B',
    'Build Cache     0         0         0B        0B',
    '',
  ].join('\n'));
  assert.equal(renderSummary(du, '{{.Type}}:{{.Active}}'), 'Images:1\nContainers:1\nLocal Volumes:0\nBuild Cache:0\n');
});

test('system prune warning as docker renders its template', () => {
  assert.equal(pruneWarning({ all: false, volumes: false, filters: {} }),
    'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all dangling images\n  - unused build cache\n\nAre you sure you want to continue?');
  assert.equal(pruneWarning({ all: true, volumes: true, filters: { until: ['24h'], label: ['x'] } }),
    'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all anonymous volumes not used by at least one container\n'
    + '  - all images without at least one container associated to them\n  - all build cache\n\n  Items to be pruned will be filtered with:\n  - label=x\n  - until=24h\n\nAre you sure you want to continue?');
});
