import type { RegistryTransport } from './transport';
import { readText } from './session';

/**
 * Docker Hub's v1 search (GET /v1/search?q=&n=), which Docker also asks of other registries
 * named in the term ("127.0.0.1:5000/app"). Anonymous, as Docker's search of public images.
 */

export interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

export async function searchRegistry(transport: RegistryTransport, domain: string, term: string, limit: number): Promise<SearchResult[]> {
  const base = domain === 'docker.io' ? [transport.searchEndpoint()] : transport.endpoints(domain);
  let last: unknown = null;
  for (const first of base) {
    for (let ep: typeof first | undefined = first; ep; ep = (ep as { fallback?: typeof first }).fallback) {
      const url = `${ep.base}/v1/search?${new URLSearchParams({ q: term, n: String(limit) })}`;
      try {
        const res = await transport.request('GET', url, ep.agent, { redirects: 3 });
        const text = await readText(res);
        if (res.statusCode !== 200) throw new Error(`Unexpected status code ${res.statusCode}`);
        const body = JSON.parse(text) as { results?: SearchResult[] };
        return (body.results ?? []).slice(0, limit);
      } catch (e) {
        last = e;
      }
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}
