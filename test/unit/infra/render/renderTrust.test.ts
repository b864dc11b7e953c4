/**
 * Rendering runs nothing the repository names (issue 12: it stays on in Restricted Mode for that
 * reason). GitOps Lens runs `kustomize build` / `kubectl kustomize` without `--enable-alpha-plugins`,
 * `--enable-exec` or `--enable-helm`, so kustomize itself refuses a KRM function whose `exec.path` is a
 * script in the repository, and a `helmCharts` field that would run `helm` (here a fake `helm` first on
 * PATH that writes a marker). Real `kubectl kustomize` (kustomize v5), real files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRenderer } from '../../../../src/infra/render/renderer';

const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n';

describe('render: nothing of the repository runs', function () {
  this.timeout(60_000);
  let tmp = '';
  const savedPath = process.env.PATH;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-render-trust-'));
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function script(file: string, marker: string): void {
    fs.writeFileSync(file, `#!/bin/sh\necho ran > '${marker}'\ncat\n`, { mode: 0o755 });
  }

  it('refuses a KRM function whose exec path is a script in the repository', async () => {
    const marker = path.join(tmp, 'exec-function-ran');
    const dir = path.join(tmp, 'repo', 'app');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'configmap.yaml'), CONFIGMAP);
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n- configmap.yaml\ntransformers:\n- fn.yaml\n');
    fs.writeFileSync(
      path.join(dir, 'fn.yaml'),
      'apiVersion: example.test/v1\nkind: Hostile\nmetadata:\n  name: hostile\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./plugin.sh\n',
    );
    script(path.join(dir, 'plugin.sh'), marker);
    const out = await createRenderer()({ fsPath: path.join(dir, 'configmap.yaml'), text: CONFIGMAP });
    assert.ok(out?.fallback, `kustomize rendered with the function: ${JSON.stringify(out)}`);
    assert.equal(fs.existsSync(marker), false, 'the repository\'s exec function ran');
  });

  it('refuses helmCharts, so no helm runs', async () => {
    const marker = path.join(tmp, 'helm-ran');
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    script(path.join(bin, 'helm'), marker);
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
    const dir = path.join(tmp, 'repo', 'chart-app');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'configmap.yaml'), CONFIGMAP);
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n- configmap.yaml\nhelmCharts:\n- name: podinfo\n  repo: https://charts.example.test\n  version: 6.0.0\n');
    const out = await createRenderer()({ fsPath: path.join(dir, 'configmap.yaml'), text: CONFIGMAP });
    assert.ok(out?.fallback, `kustomize rendered the chart: ${JSON.stringify(out)}`);
    assert.equal(fs.existsSync(marker), false, 'helm ran');
  });
});
