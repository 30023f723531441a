import type { ContainerConfig } from './container';

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  Container: string;
  ContainerConfig: ContainerConfig | null;
  DockerVersion: string;
  Author: string;
  Config: ContainerConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  VirtualSize: number;
  GraphDriver: { Name: string; Data: Record<string, string> };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

export interface ImageDeleteResponseItem { Untagged?: string; Deleted?: string }

export interface ImageHistoryItem { Id: string; Created: number; CreatedBy: string; Tags: string[] | null; Size: number; Comment: string }

export interface ImagePruneResponse { ImagesDeleted: ImageDeleteResponseItem[] | null; SpaceReclaimed: number }

/** One JSON object of a pull/push/import/load progress stream. */
export interface ProgressMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  error?: string;
  errorDetail?: { message: string };
  aux?: Record<string, unknown>;
}

/** Docker's AuthConfig: the body of POST /auth and, base64url-encoded, X-Registry-Auth. */
export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64 "user:pass", as config.json keeps it */
  auth?: string;
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface AuthResponse { Status: string; IdentityToken?: string }

/** One result of GET /images/search. */
export interface ImageSearchResult { name: string; description: string; star_count: number; is_official: boolean; is_automated: boolean }

/** GET /distribution/{name}/json */
export interface DistributionInspect {
  Descriptor: { mediaType: string; digest: string; size: number };
  Platforms: { architecture: string; os: string; variant?: string; 'os.version'?: string }[];
}
