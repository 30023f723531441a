/**
 * The builder's public surface. How an executor uses it:
 *   parseDockerfileStages(text) → planBuild(df, {buildArgs, target}) → for each wave (stages
 *   of a wave may run concurrently), for each stage: new StageDispatcher({base config,
 *   buildArgs: plan.buildArgs}); run takeTriggers() through parseTrigger first; then per
 *   instruction dispatch() (or copy() + resolveCopySources() for COPY/ADD), look the step up
 *   with cacheKey(parentId, step.containerConfig), else run it (RUN, WORKDIR's mkdir, the
 *   copy) and commit with step.config, step.containerConfig and step.createdBy.
 * The client side sends contextTar(dir) (.dockerignore applied).
 */
export { DockerfileParseError } from './dockerfile/errors';
export { parseDockerfile, heredocContent, type Heredoc, type Node, type ParseResult } from './dockerfile/parser';
export {
  parseDockerfileStages, parseInstructions, parseTrigger,
  type Dockerfile, type Stage, type Instruction, type InstructionKind, type InstructionOf,
  type HealthConfig, type KeyValue, type ArgDecl,
} from './dockerfile/instructions';
export { ShellLex, envFromList, expandWord, type EnvLookup, type LexOptions, type WordResult } from './dockerfile/expand';
export { type RunMount, type MountType, type CacheSharing, type NetworkMode } from './dockerfile/run-mount';
export { goQuote, goQuoteSlice, parseGoDuration, formatGoDuration } from './dockerfile/go-format';
// the context matcher and tar live in util/build-context (shared with the CLI)
export { PatternMatcher, readDockerignore, keepBuildFiles, cleanPath } from '../util/build-context';
export { BuildArgs, BUILTIN_ARGS, type BuildArgValues } from './build-args';
export { planBuild, processMetaArgs, platformArgs, resolveStageRef, type BuildPlan, type PlannedStage, type PlanOptions } from './plan';
export {
  StageDispatcher, runFailedMessage, triggersMessage, stepLine, healthString, normalizeWorkdir, cloneConfig, DEFAULT_SHELL, DEFAULT_PATH_ENV,
  type RunConfig, type Step, type CopyStep, type StageOptions,
} from './steps';
export { exposedPortKeys } from './ports';
export { cacheKey, pathChecksum, sourceHash, hashStringSlice, entryChecksum, type EntryMeta } from './cache-key';
export {
  resolveCopySources, normalizeDest, destFor, goMatch, containsWildcards, cleanSource,
  type ResolvedSource, type ResolvedCopy,
} from './copy-sources';
export { archiveKind, isTarHeader, downloadFilename, type ArchiveKind } from './add-sources';
