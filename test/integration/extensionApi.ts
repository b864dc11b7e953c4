import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GitOpsLensApiV1, GitOpsLensExtensionExports } from '../../src/vscode/api';
import type { GitOpsLensTestApi } from '../../src/vscode/testApi';

const EXTENSION_ID = 'gitops-lens.gitops-lens';

/** Our extension as the host sees it; fails the test if it is not installed. */
export function extension(): vscode.Extension<GitOpsLensExtensionExports> {
  const ext = vscode.extensions.getExtension<GitOpsLensExtensionExports>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in the extension host`);
  return ext;
}

/** API version 1, after activation and the first kubeconfig load. */
export async function api(): Promise<GitOpsLensApiV1> {
  const ext = extension();
  const v1 = (ext.isActive ? ext.exports : await ext.activate()).getAPI(1);
  await v1.ready();
  return v1;
}

/** The internal hooks for these tests (src/vscode/testApi.ts), present because VS Code runs the extension for tests. */
export async function testApi(): Promise<GitOpsLensTestApi> {
  await api();
  const t = extension().exports.getTestApi?.();
  assert.ok(t, 'getTestApi() is missing: the extension host does not run GitOps Lens in ExtensionMode.Test');
  return t;
}
