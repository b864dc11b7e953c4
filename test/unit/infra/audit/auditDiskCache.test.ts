/** src/infra/audit/diskCache.ts: the forge cache on disk, bounded and never followed through links. */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskCacheStore, defaultAuditCacheDir } from '../../../../src/infra/audit/diskCache';

describe('infra/audit/diskCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-cache-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const fileOf = (key: string) => {
    const h = createHash('sha256').update(key).digest('hex');
    return path.join(dir, h.slice(0, 2), `${h}.json`);
  };

  it('keeps values per key, in files named by the key’s hash (no key becomes a path)', async () => {
    const c = new DiskCacheStore(dir);
    assert.equal(await c.get('k'), undefined);
    await c.set('../../etc/passwd', '{"a":1}');
    await c.set('k', 'v1');
    await c.set('k', 'v2');
    assert.equal(await c.get('k'), 'v2');
    assert.equal(await new DiskCacheStore(dir).get('../../etc/passwd'), '{"a":1}');
    assert.ok(fs.existsSync(fileOf('../../etc/passwd')));
    assert.equal((fs.statSync(fileOf('k')).mode & 0o777).toString(8), '600');
  });

  it('a file for another key, a link, or an entry over 1 MiB is a miss', async () => {
    const c = new DiskCacheStore(dir);
    await c.set('a', 'x');
    fs.copyFileSync(fileOf('a'), path.join(dir, 'copy'));
    fs.mkdirSync(path.dirname(fileOf('b')), { recursive: true });
    fs.copyFileSync(path.join(dir, 'copy'), fileOf('b'));
    assert.equal(await c.get('b'), undefined, 'the stored key must match');
    fs.mkdirSync(path.dirname(fileOf('l')), { recursive: true });
    fs.symlinkSync(path.join(dir, 'copy'), fileOf('l'));
    assert.equal(await c.get('l'), undefined, 'links are not followed');
    await c.set('big', 'x'.repeat(2 << 20));
    assert.equal(await c.get('big'), undefined);
    assert.equal(fs.existsSync(fileOf('big')), false);
  });

  it('lives under XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(defaultAuditCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/h' }), '/x/cache/gitops-lens/audit');
    assert.equal(defaultAuditCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/h' }), '/h/.cache/gitops-lens/audit');
  });
});
