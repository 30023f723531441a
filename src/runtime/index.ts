export * from './oci-runtime';
