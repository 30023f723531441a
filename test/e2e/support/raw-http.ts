/**
 * A raw HTTP request over the daemon's unix socket, for what no CLI sends: malformed bodies,
 * and exact status codes of the Engine API.
 */
import * as http from 'node:http';

export interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: string }

export function rawRequest(socketPath: string, method: string, urlPath: string, body?: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      socketPath,
      method,
      path: urlPath,
      headers: { Host: 'localhost', ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers },
      timeout: 30000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer within 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Parses Docker's error body {"message": "..."} and returns the message. */
export function errorMessage(res: RawResponse): string {
  const parsed: unknown = JSON.parse(res.body);
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { message?: unknown }).message !== 'string') {
    throw new Error(`not a Docker error body: ${res.body}`);
  }
  return (parsed as { message: string }).message;
}
