import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serveDirectory } from './serveDirectory.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-serve-'));
const site = join(dir, 'site');
let url: string;
let close: () => void;

/** GET with the raw path as given (fetch would re-encode `%`). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

before(async () => {
  mkdirSync(join(site, 'sub'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<p>demo</p>');
  writeFileSync(join(site, 'sub', 'a.json'), '{}');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  symlinkSync(join(dir, 'secret.txt'), join(site, 'leak.txt'));
  symlinkSync(dir, join(site, 'up'));
  symlinkSync(join(site, 'sub', 'a.json'), join(site, 'inside.json'));
  execFileSync('mkfifo', [join(site, 'pipe.bin')]);
  const s = await serveDirectory(site, 0);
  url = s.url;
  close = () => s.server.close();
});
after(() => {
  close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serveDirectory', () => {
  test('serves files and index.html of the folder', async () => {
    assert.deepEqual(await rawGet('/'), { status: 200, body: '<p>demo</p>' });
    assert.equal((await rawGet('/sub/a.json')).status, 200);
  });

  test('GET /% is a 400 and the server keeps serving (#16 case 7)', async () => {
    assert.equal((await rawGet('/%')).status, 400);
    assert.equal((await rawGet('/%E0%A4%A')).status, 400);
    assert.equal((await rawGet('/')).status, 200);
  });

  test('a symbolic link leading out of the folder is refused with 403 (#16 case 6)', async () => {
    assert.equal((await rawGet('/leak.txt')).status, 403);
    assert.equal((await rawGet('/up/secret.txt')).status, 403);
    assert.equal((await rawGet('/..%2Fsecret.txt')).status, 403);
    // A link that stays inside is fine.
    assert.equal((await rawGet('/inside.json')).status, 200);
  });

  test('a FIFO inside the folder is not served (no hang)', async () => {
    assert.equal((await rawGet('/pipe.bin')).status, 404);
  });
});
