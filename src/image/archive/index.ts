export { writeArchive, archiveIndexes, ociManifest, MEDIA, type SaveImage, type SaveLayer, type Descriptor } from './save';
export { extractArchive, resolveIn } from './extract';
export { parseArchive, type ArchiveImage } from './parse';
export { loadImages, chainIdOf, type LoadEvent, type LoadTarget } from './load';
