import type { ContainerConfig } from '../../api-types';
import { type ImageConfigJson, type ImageRecord, type ImageRuntimeConfig, applyChanges, parseNormalizedNamed, storageKey, tagNameOnly } from '../../image';
import { rwDiffTar } from '../../layer';
import { InvalidParameterError } from '../../util/errors';
import type { CommitOptions } from '../backends';
import type { ContainerDeps } from './deps';
import { eventAttrs } from './deps';
import type { CommitImages } from './filesystem';
import type { ContainerDoc } from './model';
import { pauseContainer, unpauseContainer } from './stop';

/** The container config fields an image config carries, as Docker's commit copies them. */
export function imageConfigOf(c: ContainerConfig): ImageRuntimeConfig & Record<string, unknown> {
  return {
    Hostname: c.Hostname ?? '', Domainname: c.Domainname ?? '', User: c.User ?? '',
    AttachStdin: !!c.AttachStdin, AttachStdout: !!c.AttachStdout, AttachStderr: !!c.AttachStderr,
    ...(c.ExposedPorts ? { ExposedPorts: c.ExposedPorts as ImageRuntimeConfig['ExposedPorts'] } : {}),
    Tty: !!c.Tty, OpenStdin: !!c.OpenStdin, StdinOnce: !!c.StdinOnce,
    Env: c.Env ?? [], Cmd: c.Cmd ?? null,
    ...(c.Healthcheck ? { Healthcheck: c.Healthcheck } : {}),
    Image: c.Image ?? '', Volumes: (c.Volumes ?? null) as ImageRuntimeConfig['Volumes'], WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null, OnBuild: c.OnBuild ?? null, Labels: c.Labels ?? {},
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    ...(c.Shell?.length ? { Shell: c.Shell } : {}),
  };
}

/** One image made from a read-write layer (or none: a metadata-only image) over `parent`. */
export interface LayerCommit {
  /** the read-write layer (a container's ID, or a builder's scratch layer); null: no new layer */
  rwId: string | null;
  parent: ImageRecord | null;
  config: ImageRuntimeConfig;
  containerConfig: ImageRuntimeConfig;
  /** the "container" field of the image config */
  containerId: string;
  createdBy: string;
  author?: string;
  comment?: string;
  /** storage key of a tag to set */
  reference?: string;
}

/**
 * The commit path shared by `docker commit` and the builder: the upper directory becomes one
 * layer on top of the parent's chain (none when nothing changed), history and rootfs extend
 * the parent's.
 */
export async function commitRwLayer(layers: ContainerDeps['layers'], images: CommitImages, c: LayerCommit): Promise<ImageRecord> {
  const { parent } = c;
  const chainIds = [...(parent?.chainIds ?? [])];
  const diffIds = [...(parent?.config.rootfs.diff_ids ?? [])];
  let empty = true;
  if (c.rwId !== null) {
    const diff = await rwDiffTar(layers.graphData(c.rwId).UpperDir);
    empty = diff.empty;
    if (empty) {
      diff.tar.destroy();
    } else {
      const layer = await layers.register(chainIds.length ? chainIds[chainIds.length - 1] : null, diff.tar);
      chainIds.push(layer.chainId);
      diffIds.push(layer.diffId);
    }
  }
  const created = new Date().toISOString();
  const base = parent?.config;
  const config: ImageConfigJson & Record<string, unknown> = {
    architecture: base?.architecture ?? 'amd64',
    ...(base?.variant ? { variant: base.variant } : {}),
    ...(c.author ? { author: c.author } : {}),
    ...(c.comment ? { comment: c.comment } : {}),
    config: c.config,
    container: c.containerId,
    container_config: c.containerConfig,
    created,
    docker_version: '20.10.24',
    history: [
      ...(base?.history ?? []),
      {
        created,
        ...(c.author ? { author: c.author } : {}),
        created_by: c.createdBy,
        ...(c.comment ? { comment: c.comment } : {}),
        ...(empty ? { empty_layer: true } : {}),
      },
    ],
    os: base?.os ?? 'linux',
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
  return images.addImage(Buffer.from(JSON.stringify(config)), chainIds, { parent: parent?.id, reference: c.reference });
}

/**
 * docker commit: the container's upper directory becomes one new layer on top of its
 * image's chain (none when nothing changed), its config (with --change applied) the new
 * image's, history and rootfs extending the parent's. Paused meanwhile unless told not to.
 */
export async function commitContainer(deps: ContainerDeps, images: CommitImages, doc: ContainerDoc, opts: CommitOptions): Promise<{ Id: string }> {
  let reference: string | undefined;
  if (opts.reference) {
    const named = parseNormalizedNamed(opts.reference);
    if (named.digest !== undefined) throw new InvalidParameterError('invalid reference format: commit cannot use a digest reference');
    reference = storageKey(tagNameOnly(named));
  }
  const parent = deps.images.tryResolve(doc.image);
  const runtimeConfig = applyChanges(imageConfigOf(doc.config), opts.changes);
  const pause = opts.pause && doc.state.Running && !doc.state.Paused;
  if (pause) await pauseContainer(deps, doc);
  try {
    // Docker records the container's Cmd (without the entrypoint)
    const img = await commitRwLayer(deps.layers, images, {
      rwId: doc.id, parent, config: runtimeConfig, containerConfig: imageConfigOf(doc.config), containerId: doc.id,
      createdBy: (doc.config.Cmd ?? []).join(' '), author: opts.author, comment: opts.comment, reference,
    });
    deps.events.publish('container', 'commit', doc.id, eventAttrs(doc, { comment: opts.comment ?? '', imageID: img.id, imageRef: opts.reference ?? '' }));
    return { Id: img.id };
  } finally {
    if (pause && doc.state.Paused) await unpauseContainer(deps, doc).catch(() => undefined);
  }
}
