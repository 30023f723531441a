// The reference grammar lives in util/ (the CLI parses names too); the image store's own name for it.
export * from '../util/reference';
