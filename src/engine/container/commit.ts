import type { ContainerConfig } from '../../api-types';
import { type ImageConfigJson, type ImageRuntimeConfig, applyChanges, parseNormalizedNamed, storageKey, tagNameOnly } from '../../image';
import { InvalidParameterError } from '../../util/errors';
import type { CommitOptions } from '../backends';
import type { ContainerDeps } from './deps';
import { eventAttrs } from './deps';
import type { CommitImages } from './filesystem';
import type { ContainerDoc } from './model';
import { pauseContainer, unpauseContainer } from './stop';

/** The container config fields an image config carries, as Docker's commit copies them. */
function imageConfigOf(c: ContainerConfig): ImageRuntimeConfig & Record<string, unknown> {
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
  };
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
    // the upper directory copied into a new layer in one pass (no tar made and unpacked)
    const staged = await deps.layers.stageRw(doc.id);
    const empty = staged === null;
    const chainIds = [...(parent?.chainIds ?? [])];
    const diffIds = [...(parent?.config.rootfs.diff_ids ?? [])];
    if (staged) {
      const layer = await deps.layers.registerStaged(chainIds.length ? chainIds[chainIds.length - 1] : null, staged);
      chainIds.push(layer.chainId);
      diffIds.push(layer.diffId);
    }
    const created = new Date().toISOString();
    const base = parent?.config;
    const config: ImageConfigJson & Record<string, unknown> = {
      architecture: base?.architecture ?? 'amd64',
      ...(base?.variant ? { variant: base.variant } : {}),
      ...(opts.author ? { author: opts.author } : {}),
      ...(opts.comment ? { comment: opts.comment } : {}),
      config: runtimeConfig,
      container: doc.id,
      container_config: imageConfigOf(doc.config),
      created,
      docker_version: '20.10.24',
      history: [
        ...(base?.history ?? []),
        {
          created,
          ...(opts.author ? { author: opts.author } : {}),
          // Docker records the container's Cmd (without the entrypoint)
          created_by: (doc.config.Cmd ?? []).join(' '),
          ...(opts.comment ? { comment: opts.comment } : {}),
          ...(empty ? { empty_layer: true } : {}),
        },
      ],
      os: base?.os ?? 'linux',
      rootfs: { type: 'layers', diff_ids: diffIds },
    };
    const img = images.addImage(Buffer.from(JSON.stringify(config)), chainIds, { parent: parent?.id, reference });
    deps.events.publish('container', 'commit', doc.id, eventAttrs(doc, { comment: opts.comment ?? '', imageID: img.id, imageRef: opts.reference ?? '' }));
    return { Id: img.id };
  } finally {
    if (pause && doc.state.Paused) await unpauseContainer(deps, doc).catch(() => undefined);
  }
}
