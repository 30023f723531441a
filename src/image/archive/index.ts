export { writeArchive, archiveIndexes, ociManifest, MEDIA, type SaveImage, type SaveLayer, type Descriptor } from './save';
export { extractArchive, resolveIn, type ExtractOptions, type LayerOutcome } from './extract';
export { parseArchive, type ArchiveImage } from './parse';
export { loadImages, chainIdOf, type LoadEvent, type LoadLayers, type LoadTarget, type StagedLayerRef, type StagedLayers } from './load';
