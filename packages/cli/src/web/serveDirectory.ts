import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.css': 'text/css; charset=utf-8',
};

const inside = (root: string, file: string): boolean =>
  file === root || file.startsWith(root + sep);

/**
 * A static file server for the web demo on `host:port` (port 0: any free port). Only regular
 * files inside `dir` are served: `..`, absolute paths and symbolic links that resolve outside
 * `dir` are refused (403), a malformed percent-encoding is a bad request (400). Pages are
 * cross-origin isolated (COOP/COEP) so that the tfjs wasm backend may use threads where the
 * browser allows it.
 */
export function serveDirectory(
  dir: string,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; url: string }> {
  const root = realpathSync(resolve(dir));
  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad request: malformed URL');
      return;
    }
    const requested = normalize(join(root, path));
    if (!inside(root, requested)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    let file: string;
    try {
      // The lexical check above cannot see symbolic links: compare where the path really leads.
      file = realpathSync(requested);
      if (statSync(file).isDirectory()) file = realpathSync(join(file, 'index.html'));
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    if (!inside(root, file)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      const st = statSync(file);
      // A FIFO or device inside the folder would hang or stream forever: regular files only.
      if (!st.isFile()) throw new Error('not a regular file');
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': st.size,
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cache-Control': 'no-cache',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      ok({ server, url: `http://${host}:${p}/` });
    });
  });
}
