/**
 * A throw-away copy of test/fixtures/workspace plus the kubeconfig fixtures, so that tests may
 * change files without touching the repository.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

export interface TestWorkspace {
  readonly root: string;
  readonly folder: string;
  readonly fixtures: string;
  /** The KUBECONFIG the extension host sees: two contexts, prod-eu and staging. */
  readonly kubeconfig: string;
}

export function prepareWorkspace(): TestWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-ws-'));
  const folder = path.join(root, 'workspace');
  const fixtures = path.join(root, 'fixtures');
  fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), folder, { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'kubeconfig'), fixtures, { recursive: true });
  return { root, folder, fixtures, kubeconfig: path.join(fixtures, 'two-clusters.yaml') };
}
