/** The Engine API over HTTP: the daemon creates the server and listens where it likes. */
export { createApiServer, ALL_ROUTES, compareApiVersions, type ApiServerOptions, type ServerInfo } from './server';
