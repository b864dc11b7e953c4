/**
 * Kustomize-rendered lenses against the floor of the tool itself (issue 18: "stay at the floor of
 * `kustomize build`"): the lenses' renderer (src/infra/render, with the editor's unsaved text of a base
 * file, a temp copy of the folders the build reads and kustomize's origin annotations) against the same
 * build run directly on the tree on disk, side by side in each run. An overlay over a base of a
 * Deployment, a Service and a ConfigMap, with a patch, as the kustomize overlays of a GitOps repository.
 * `kustomize` when on PATH, else `kubectl kustomize`, as the renderer chooses; no render cache helps:
 * each run renders a different replica count.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Renderer } from '../src/infra/render/renderer';
import type { BenchCase } from './harness';

const deployment = (replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: registry.example.com/web:1.2.3
        resources:
          requests: {cpu: 100m, memory: 128Mi}
`;

const FILES: Readonly<Record<string, string>> = {
  'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - service.yaml\n  - configmap.yaml\n',
  'base/deployment.yaml': deployment(1),
  'base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: 8080\n',
  'base/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  LOG_LEVEL: info\n',
  'overlays/prod/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nnamePrefix: prod-\nresources:\n  - ../../base\npatches:\n  - path: replicas.yaml\n',
  'overlays/prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        env:\n        - {name: STAGE, value: prod}\n',
};

let tree: string | undefined;
function repo(): string {
  if (tree) return tree;
  tree = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-render-'));
  for (const [rel, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
    fs.writeFileSync(path.join(tree, rel), text);
  }
  process.on('exit', () => fs.rmSync(tree as string, { recursive: true, force: true }));
  return tree;
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d !== '' && fs.existsSync(path.join(d, name)));
}

/** The floor: the build itself on the tree as it is on disk. */
function buildDirectly(dir: string): Promise<number> {
  const [cmd, args] = onPath('kustomize') ? ['kustomize', ['build', dir]] : ['kubectl', ['kustomize', dir]];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd as string, args as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 && out.includes('prod-web') ? resolve(performance.now() - t0) : reject(new Error(`${cmd} exited ${code}`))));
  });
}

let renderer: Renderer | undefined;
let replicas = 1;
/** The lenses' path: the base Deployment with an unsaved edit, rendered through the overlay the app deploys. */
async function renderForLens(dir: string): Promise<number> {
  renderer ??= new Renderer();
  const fsPath = path.join(dir, 'base', 'deployment.yaml');
  const t0 = performance.now();
  const outcome = await renderer.render({ fsPath, text: deployment(++replicas % 50), root: path.join(dir, 'overlays', 'prod') });
  const ms = performance.now() - t0;
  const desired = outcome?.documents[0]?.desired as { metadata?: { name?: string }; spec?: { replicas?: number } } | undefined;
  // The render must be the overlay's, with this edit: else the figure measured nothing.
  if (outcome?.fallback !== undefined || desired?.metadata?.name !== 'prod-web' || desired.spec?.replicas !== replicas % 50) {
    throw new Error(`render failed: ${outcome?.fallback ?? JSON.stringify(desired)}`);
  }
  return ms;
}

export const cases: BenchCase[] = [
  {
    name: 'render: kustomize build of an overlay, run directly (floor)',
    unit: 'ms',
    runs: 10,
    warmup: 1,
    better: 'lower',
    measure: () => buildDirectly(path.join(repo(), 'overlays', 'prod')),
  },
  {
    name: 'render: the lenses\' kustomize render of a base file with an unsaved edit',
    unit: 'ms',
    runs: 10,
    warmup: 1,
    better: 'lower',
    measure: () => renderForLens(repo()),
  },
  {
    // Both in each run, one after the other, so machine load touches both alike.
    name: 'render: lenses\' kustomize render / kustomize build directly (same run)',
    unit: '×',
    runs: 10,
    warmup: 1,
    better: 'lower',
    measure: async () => {
      const dir = repo();
      const floor = await buildDirectly(path.join(dir, 'overlays', 'prod'));
      return (await renderForLens(dir)) / floor;
    },
  },
];
