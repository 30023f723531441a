export * from './etc-files';
export * from './ipam';
export * from './netavark';
export * from './netns';
export * from './ports';
export * from './veth';
