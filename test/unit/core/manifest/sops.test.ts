/**
 * SOPS-encrypted manifests (src/core/manifest/sops.ts): recognised as kustomize-controller recognises
 * them, and compared by key names only. The documents are ours, shaped like `sops --encrypt` output
 * (age recipient, `encrypted_regex` for data/stringData).
 */
import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { compareSopsKeys, isSopsEncrypted, isSopsEncryptedValue, sopsComparableKeys } from '../../../../src/core/manifest/sops';

const ENC = (data: string) => `ENC[AES256_GCM,data:${data},iv:q3k0m1Zb8Q0mS2wM7pL0vDc1rT9yW4xE6uH2jN8aK5o=,tag:Zm9vYmFyYmF6cXV4MTIzNA==,type:str]`;

const SOPS_BLOCK = `sops:
    kms: []
    gcp_kms: []
    azure_kv: []
    hc_vault: []
    age:
        - recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBleGFtcGxlCg==
            -----END AGE ENCRYPTED FILE-----
    lastmodified: "2025-05-04T10:00:00Z"
    mac: ${ENC('bWFjbWFjbWFjbWFj')}
    pgp: []
    encrypted_regex: ^(data|stringData)$
    version: 3.9.0
`;

const SECRET = parse(`apiVersion: v1
kind: Secret
metadata:
    name: db-credentials
    namespace: apps
type: Opaque
stringData:
    username: ${ENC('YWRtaW4=')}
    password: ${ENC('czNjcjN0')}
data:
    ca.crt: ${ENC('LS0tLS1CRUdJTg==')}
${SOPS_BLOCK}`) as Record<string, unknown>;

const CONFIG = parse(`apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: apps}
data:
    plain_unencrypted: visible
    token: ${ENC('dG9rZW4=')}
    nested:
        - name: first
          value: ${ENC('MQ==')}
${SOPS_BLOCK}`) as Record<string, unknown>;

describe('core/manifest/sops', () => {
  it('recognises a SOPS document by its sops block with a mac (kustomize-controller isSOPSEncryptedResource)', () => {
    assert.equal(isSopsEncrypted(SECRET), true);
    assert.equal(isSopsEncrypted(CONFIG), true);
    const plain = { ...SECRET };
    delete plain.sops;
    assert.equal(isSopsEncrypted(plain), false, 'ENC values without a sops block are not decrypted by Flux');
    assert.equal(isSopsEncrypted({ ...plain, sops: { mac: '' } }), false);
    assert.equal(isSopsEncrypted({ ...plain, sops: 'x' }), false);
    assert.equal(isSopsEncrypted(null), false);
    assert.equal(isSopsEncryptedValue(ENC('YQ==')), true);
    assert.equal(isSopsEncryptedValue('ENC[not sops]'), false);
    assert.equal(isSopsEncryptedValue('plain'), false);
  });

  it('lists the encrypted values and, per mapping holding one, its key names; a Secret’s stringData counts as data', () => {
    const view = sopsComparableKeys(SECRET)!;
    assert.deepEqual(view.encryptedPaths, ['/stringData/username', '/stringData/password', '/data/ca.crt']);
    assert.deepEqual([...view.keysByParent], [['/data', ['ca.crt', 'password', 'username']]]);
    const cfg = sopsComparableKeys(CONFIG)!;
    assert.deepEqual(cfg.encryptedPaths, ['/data/token', '/data/nested/0/value']);
    assert.deepEqual([...cfg.keysByParent], [
      ['/data', ['nested', 'plain_unencrypted', 'token']],
      ['/data/nested/0', ['name', 'value']],
    ]);
    assert.equal(sopsComparableKeys({ apiVersion: 'v1', kind: 'Secret', data: { a: ENC('YQ==') } }), undefined);
  });

  it('compares with the live object by key names only: values never, missing and extra keys always', () => {
    const live = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db-credentials', namespace: 'apps' },
      data: { username: 'YWRtaW4=', password: 'ZGlmZmVyZW50', 'ca.crt': 'LS0t' },
    };
    assert.deepEqual(compareSopsKeys(SECRET, live), [], 'different values are not drift');
    const drifted = { ...live, data: { username: 'YWRtaW4=', 'ca.crt': 'LS0t', extra: 'eA==' } };
    assert.deepEqual(compareSopsKeys(SECRET, drifted), [{ parent: '/data', missing: ['password'], unexpected: ['extra'] }]);
    assert.deepEqual(compareSopsKeys(SECRET, { ...live, data: undefined }), [{ parent: '/data', missing: ['ca.crt', 'password', 'username'], unexpected: [] }]);
    assert.equal(compareSopsKeys({ kind: 'Secret', data: { a: 'b' } }, live), undefined);
  });

  it('never returns a value of the document (nothing to decrypt, nothing to leak)', () => {
    const view = sopsComparableKeys(SECRET)!;
    const text = JSON.stringify({ paths: view.encryptedPaths, keys: [...view.keysByParent] });
    assert.ok(!text.includes('ENC['), text);
    assert.ok(!text.includes('age1'), text);
  });

  it('escapes key names as JSON pointers and stops at a bounded depth', () => {
    const doc = { sops: { mac: ENC('eA==') }, data: { 'a/b~c': ENC('eA==') } };
    assert.deepEqual(sopsComparableKeys(doc)!.encryptedPaths, ['/data/a~1b~0c']);
    let deep: Record<string, unknown> = { v: ENC('eA==') };
    for (let i = 0; i < 200; i++) deep = { d: deep };
    assert.deepEqual(sopsComparableKeys({ sops: { mac: ENC('eA==') }, deep })!.encryptedPaths, []);
  });
});
