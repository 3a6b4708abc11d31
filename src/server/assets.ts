import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Dashboard files, read once at start from the `public/` directory next to this module (the
 * source tree under tsx, `dist/src/server/public` after `npm run build`). Only files found there
 * are served, by exact name, so no request path ever reaches the filesystem.
 */
export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function defaultPublicDir(): string {
  return fileURLToPath(new URL('./public/', import.meta.url));
}

export function loadAssets(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    const type = TYPES[extname(name).toLowerCase()];
    if (!type || !statSync(file).isFile()) continue;
    const body = readFileSync(file);
    const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
    out.set(name, { body, type, etag });
  }
  return out;
}
