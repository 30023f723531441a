import type { IPAMConfig, NetworkContainer, NetworkResource } from '../../api-types';

/** A persisted network. host and none are kept as rows too, as Docker lists them. */
export interface NetworkDoc {
  id: string;
  name: string;
  created: string;
  driver: 'bridge' | 'host' | 'null';
  internal: boolean;
  attachable: boolean;
  /** bridge only: subnet/gateway/ip-range actually used, and the bridge interface */
  subnet: string;
  gateway: string;
  ipRange: string;
  bridge: string;
  /** aardvark-dns name resolution (user-defined bridges; never the default bridge) */
  dns: boolean;
  /** the IPAM config shown by inspect (Docker shows what was asked for, completed) */
  ipamConfig: IPAMConfig[];
  ipamOptions: Record<string, string> | null;
  options: Record<string, string>;
  labels: Record<string, string>;
  /** bridge, host, none: cannot be removed */
  predefined: boolean;
}

export function toResource(n: NetworkDoc, containers: Record<string, NetworkContainer>): NetworkResource {
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: n.ipamOptions, Config: n.ipamConfig },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: n.options,
    Labels: n.labels,
  };
}
