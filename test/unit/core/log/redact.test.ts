import * as assert from 'node:assert/strict';
import { redact } from '../../../../src/core/log/redact';

describe('core/log/redact', () => {
  const cases: Array<[string, string, string]> = [
    ['bearer header', 'request failed: {"Authorization":"Bearer abc.def.ghi"}', 'abc.def.ghi'],
    ['GitLab header', 'PRIVATE-TOKEN: glpat-abcdefghijklmnop1234', 'glpat-abcdefghijklmnop1234'],
    ['GitHub token', 'push with ghp_0123456789abcdefghijABCDEFGHIJ0123 failed', 'ghp_0123456789abcdefghijABCDEFGHIJ0123'],
    ['URL credentials', 'fatal: https://oauth2:s3cr3t@git.example.com/a/b.git not found', 's3cr3t'],
    ['kubeconfig token', 'user: {token: kube-token-value}', 'kube-token-value'],
    ['client key data', 'client-key-data: LS0tLS1CRUdJTi', 'LS0tLS1CRUdJTi'],
  ];
  for (const [name, line, secret] of cases) {
    it(`removes a ${name}`, () => {
      const out = redact(line);
      assert.ok(!out.includes(secret), `"${secret}" survived in "${out}"`);
      assert.ok(out.includes('***'));
    });
  }

  it('leaves ordinary lines alone', () => {
    const line = '[ClusterStore][reload] 2 context(s) from 1 file(s): https://127.0.0.1:6443';
    assert.equal(redact(line), line);
  });
});
