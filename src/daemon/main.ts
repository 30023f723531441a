/**
 * berthd: the one file that wires every layer together. Everything else receives only the
 * interfaces it needs.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { createApiServer } from '../api';
import { API_VERSION, MIN_API_VERSION } from '../api-types';
import {
  ContainerRegistry, ContainerService, EventBus, ImageArchives, ExecService, HealthMonitor, ImageService, MonitorTable, PendingWork,
  SystemService, handleExit, recoverContainers,
  ContainerNetworking, NetworkRegistry, NetworkService, ensureDefaultNetworks,
} from '../engine';
import { BuildService, pullingBaseImages, ContainerFsService, ContainerMounts, DiskUsageService, VolumeService } from '../engine';
import { ImagePuller, ImagePusher, RegistryService } from '../engine';
import { DistributionMetadata, RegistryClient } from '../registry';
import type { ContainerDeps, DaemonFacts } from '../engine';
import { LocalImageStore } from '../image';
import { OverlayLayerStore } from '../layer';
import { DOCKER_DEFAULT_POOLS, NetavarkNetworks, PortAllocator, parseAddressPool } from '../network';
import { ConmonRuntime, readHostFacts } from '../runtime';
import { BuildCacheTable, buildCacheSchema, ContainersTable, EventsTable, NetworksTable, VolumesTable, containersSchema, eventsSchema, imagesSchema, layersSchema, networksSchema, volumesSchema, openDatabase } from '../store';
import { LocalVolumes } from '../volume';
import { errorMessage } from '../util/errors';
import { parseDaemonFlags } from './flags';
import { lockRoots } from './lock';
import { createLogger } from './log';

// a pull inflates and writes several layers at once on libuv's pool (4 threads by default);
// set before anything uses the pool
process.env.UV_THREADPOOL_SIZE ??= '12';

const VERSION = '0.1.0';
const RUNTIME_PATHS: Record<string, string> = { runc: '/usr/sbin/runc', crun: '/usr/bin/crun' };

async function main(): Promise<void> {
  const opts = parseDaemonFlags(process.argv.slice(2));
  const log = createLogger(opts.logLevel);
  for (const dir of [opts.dataRoot, opts.execRoot]) mkdirSync(dir, { recursive: true, mode: 0o711 });
  const unlock = lockRoots([path.join(opts.dataRoot, 'berthd.lock'), opts.pidfile]);

  const db = openDatabase(path.join(opts.dataRoot, 'berth.db'), [containersSchema, imagesSchema, layersSchema, networksSchema, volumesSchema, buildCacheSchema]);
  const eventsDb = openDatabase(path.join(opts.dataRoot, 'events.db'), [eventsSchema], { durable: false });
  const host = readHostFacts();
  const runtimes = Object.fromEntries(Object.entries(RUNTIME_PATHS).filter(([, p]) => existsSync(p)));
  if (!runtimes[opts.defaultRuntime]) throw new Error(`default runtime ${opts.defaultRuntime} is not installed (${RUNTIME_PATHS[opts.defaultRuntime]})`);

  const layers = new OverlayLayerStore(db, opts.dataRoot);
  await layers.open();
  const images = new LocalImageStore(db, opts.dataRoot, layers);
  await images.open();
  const runtime = new ConmonRuntime({ execRoot: opts.execRoot, runtimes, defaultRuntime: opts.defaultRuntime, logLevel: opts.logLevel === "debug" ? "debug" : "warning" });
  const events = new EventBus(new EventsTable(eventsDb));
  const registry = new ContainerRegistry(new ContainersTable(db));
  const health = new HealthMonitor(runtime, registry, events);
  const localVolumes = new LocalVolumes(new VolumesTable(db), opts.dataRoot);
  await localVolumes.open();
  const mounts = new ContainerMounts(localVolumes, registry, events);
  const volumeService = new VolumeService(localVolumes, mounts, events);
  const networkRegistry = new NetworkRegistry(new NetworksTable(db));
  const netavark = new NetavarkNetworks({ configDir: path.join(opts.execRoot, 'netavark') });
  const networking = new ContainerNetworking(networkRegistry, registry, netavark, new PortAllocator(), path.join(opts.execRoot, 'netns'), (m) => log.warn(m));
  ensureDefaultNetworks(networkRegistry, { bridgeName: opts.bridgeName, bip: opts.bip }, (n) => registry.all().some((c) => Object.values(c.network.networks).some((e) => e.NetworkID === n.id && !!e.IPAddress)));
  networking.adopt();
  const pools = opts.addressPools.length ? opts.addressPools.map(parseAddressPool) : DOCKER_DEFAULT_POOLS;
  const networks = new NetworkService(networkRegistry, registry, networking, events, pools);
  const deps: ContainerDeps = {
    registry, images, layers, runtime, events, health, network: networking, volumes: mounts,
    monitors: new MonitorTable(),
    cleanups: new PendingWork(),
    dataRoot: opts.dataRoot,
    defaultRuntime: opts.defaultRuntime,
    runtimes: Object.keys(runtimes),
  };
  const execs = new ExecService(registry, runtime, events);
  const facts: DaemonFacts = {
    id: registryId(db),
    version: VERSION,
    gitCommit: '',
    dataRoot: opts.dataRoot,
    defaultRuntime: opts.defaultRuntime,
    runtimes,
    runtimeVersions: {},
    cgroupVersion: host.cgroupVersion === 2 ? '2' : '1',
    debug: opts.debug,
    securityOptions: ['name=seccomp,profile=builtin'],
    initPath: host.initPath ?? '',
  };

  runtime.watchExits((id) => {
    const doc = registry.tryGet(id);
    if (doc && doc.id === id) handleExit(deps, doc).catch((e) => log.error(`exit of ${id}: ${errorMessage(e)}`));
  });
  await recoverContainers(deps, (m) => log.warn(m));
  const strayNetns = await networking.collectOrphans();
  if (strayNetns) log.warn(`removed ${strayNetns} network namespace(s) of containers that no longer exist`);
  await mounts.reconcile();

  const containerFs = new ContainerFsService(deps, images);
  const containerService = new ContainerService(deps, (id) => execs.idsOf(id));
  const imageService = new ImageService(images, registry, events, new ImageArchives(images, layers, events, path.join(opts.dataRoot, 'content', 'tmp')));
  const registryClient = new RegistryClient({ certsDir: opts.registryCertsDir, insecure: opts.insecureRegistries, mirrors: opts.registryMirrors, defaultRegistry: opts.defaultRegistry, userAgent: `berth/${VERSION}` });
  const access = { client: registryClient, metadata: new DistributionMetadata(opts.dataRoot), tmpDir: path.join(opts.dataRoot, 'content', 'tmp') };
  const registryService = new RegistryService(
    { ...access, concurrency: opts.maxConcurrentDownloads },
    new ImagePuller(images, layers, { ...access, concurrency: opts.maxConcurrentDownloads }, events),
    new ImagePusher(images, layers, { ...access, concurrency: opts.maxConcurrentUploads }, events),
  );
  const diskUsage = new DiskUsageService(images, imageService, containerService, () => volumeService.usage());
  const builds = new BuildService({ containers: containerService, layers, images, imageApi: imageService, cache: new BuildCacheTable(db), dataRoot: opts.dataRoot });
  builds.setBaseImageResolver(pullingBaseImages(images, (ref, signal, platform, auth) => registryService.pull(ref, { platform, auth }, signal)));
  await builds.open();
  diskUsage.setBuildCache(builds);
  const server = createApiServer(
    { containers: containerService, containerFs, execs, images: imageService, diskUsage, networks, system: new SystemService(facts, registry, images, events), volumes: volumeService, builds, registry: registryService },
    { version: VERSION, apiVersion: API_VERSION, minApiVersion: MIN_API_VERSION, os: 'linux' },
    { log: (m) => log.error(m) },
  );
  const servers = await Promise.all(opts.hosts.map((h) => listen(server, h)));
  void detectRuntimeVersions(runtimes).then((v) => { facts.runtimeVersions = v; });
  events.publish('daemon', 'reload', facts.id, { name: 'berthd' });
  log.info(`berthd ${VERSION} listening on ${opts.hosts.join(', ')} (data-root ${opts.dataRoot}, exec-root ${opts.execRoot})`);

  let stopping = false;
  const shutdown = async (sig: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info(`${sig}: shutting down; containers keep running under conmon`);
    for (const s of servers) s.close();
    server.closeAllConnections?.();
    await deps.cleanups.drain();
    await networking.shutdown().catch((e) => log.warn(`network shutdown: ${errorMessage(e)}`));
    for (const h of opts.hosts) if (h.startsWith('unix://')) rmQuiet(h.slice(7));
    db.close();
    eventsDb.close();
    unlock();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * A log reader that went away (closed pipe) must not take the daemon down, nor loop: an EPIPE
 * on stderr would otherwise come back as an uncaught exception whose report fails again.
 */
for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);

/** The daemon never dies for one bad request: a stray async error is logged, not fatal. */
process.on('unhandledRejection', (e) => process.stderr.write(`berthd: unhandled rejection: ${errorMessage(e)}\n`));
process.on('uncaughtException', (e) => process.stderr.write(`berthd: uncaught exception: ${e.stack ?? e.message}\n`));

function listen(server: Server, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    if (host.startsWith('unix://')) {
      const sock = host.slice('unix://'.length);
      mkdirSync(path.dirname(sock), { recursive: true });
      rmQuiet(sock); // ours: the root lock is held, so a leftover socket is stale
      server.once('error', reject);
      server.listen(sock, () => {
        chmodSync(sock, 0o660);
        resolve(server);
      });
      return;
    }
    const m = /^tcp:\/\/([^:]*):(\d+)$/.exec(host);
    if (!m) {
      reject(new Error(`invalid --host ${host}: use unix:///path or tcp://addr:port`));
      return;
    }
    server.once('error', reject);
    server.listen(Number(m[2]), m[1] || '127.0.0.1', () => resolve(server));
  });
}

function rmQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // not there
  }
}

function registryId(db: ReturnType<typeof openDatabase>): string {
  db.exec("CREATE TABLE IF NOT EXISTS daemon (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  const row = db.prepare("SELECT value FROM daemon WHERE key = 'id'").get() as { value: string } | undefined;
  if (row) return row.value;
  const id = crypto.randomUUID();
  db.prepare("INSERT INTO daemon (key, value) VALUES ('id', ?)").run(id);
  return id;
}

function detectRuntimeVersions(runtimes: Record<string, string>): Promise<Record<string, string>> {
  return Promise.all(Object.entries(runtimes).map(([name, bin]) => new Promise<[string, string]>((resolve) => {
    execFile(bin, ['--version'], (err, out) => resolve([name, err ? '' : (/version\s+(\S+)/.exec(out)?.[1] ?? '')]));
  }))).then(Object.fromEntries);
}

main().catch((e) => {
  process.stderr.write(`berthd: ${errorMessage(e)}\n`);
  process.exit(1);
});
