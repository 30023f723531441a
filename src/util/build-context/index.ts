/**
 * The build context as both sides see it: the `.dockerignore` matcher (moby/patternmatcher)
 * and the context tar the client sends. In util so the CLI (which may not import src/build)
 * and the builder share one copy.
 */
export { PatternMatcher, readDockerignore, keepBuildFiles, cleanPath, type MatchInfo } from './dockerignore';
export { contextTar, contextTarChunks, contextEntries, contextExcludes, walkContext, singleFileTar, type ContextOptions, type ContextEntry } from './context-tar';
export { isArchive, isTarHeader, compressionOf, type ArchiveKind } from './archive-head';
