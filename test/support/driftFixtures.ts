/**
 * The unit tests of the drift lenses (DriftSession) share this: a workspace clone of the repository
 * the Argo CD fixtures deploy (https://git.example.test/org/apps.git, path apps/<name>, into namespace
 * <name>), the guestbook manifests of Argo CD's example apps, live objects as the API server returns
 * them, and a LiveObjectReader answering from a map.
 */
import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { DriftSession, WorkspaceRepo } from '../../src/core/drift/session';
import type { LiveObjectReader, ObjectRef } from '../../src/core/ports';
import { k8sStatusError } from './k8sErrors';
import { applyDefaults } from '../sim/k8s/semantics/defaults';
import type { KubeObject } from '../sim/k8s/types';

export const ROOT = '/home/me/apps';
export const REMOTE = 'git@git.example.test:org/apps.git';
export const uriOf = (fsPath: string) => `file://${fsPath}`;

/** DriftResultsOptions.repoOf for a workspace whose only repository is the clone at ROOT, on main. */
export const repoOf = (fsPath: string): WorkspaceRepo | undefined => (fsPath.startsWith(`${ROOT}/`) ? { root: ROOT, remotes: [REMOTE], branch: 'main' } : undefined);

export interface GuestbookDeploymentText {
  readonly revisionHistoryLimit?: number;
  /** An init container before the app's, as an injecting webhook adds one. */
  readonly initContainer?: { readonly name: string; readonly image: string };
  readonly containerPort?: number;
}

/** The Deployment guestbook-ui (argoproj/argocd-example-apps, guestbook/guestbook-ui-deployment.yaml). */
export function guestbookDeploymentYaml({ revisionHistoryLimit, initContainer, containerPort }: GuestbookDeploymentText = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook-ui
spec:
  replicas: 1
${revisionHistoryLimit !== undefined ? `  revisionHistoryLimit: ${revisionHistoryLimit}\n` : ''}  selector:
    matchLabels: {app: guestbook-ui}
  template:
    metadata:
      labels: {app: guestbook-ui}
    spec:
${initContainer ? `      initContainers:\n      - name: ${initContainer.name}\n        image: ${initContainer.image}\n` : ''}      containers:
      - name: guestbook-ui
        image: gcr.io/heptio-images/ks-guestbook-demo:0.2
${containerPort !== undefined ? `        ports:\n        - containerPort: ${containerPort}\n` : ''}`;
}

export const GUESTBOOK_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: guestbook-ui
spec:
  selector: {app: guestbook-ui}
  ports:
  - port: 80
    targetPort: 80
`;

/** The ConfigMap guestbook-config with `data` in this order. */
export function guestbookConfigMapYaml(data: Readonly<Record<string, string>> = { LOG_LEVEL: 'info' }): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: guestbook-config
data:
${Object.entries(data)
  .map(([k, v]) => `  ${k}: ${v}\n`)
  .join('')}`;
}

/** What the API server returns for a manifest: defaulted, in the app's namespace, with server metadata. */
export function liveOf(manifest: string, namespace: string, edit?: (o: Record<string, unknown>) => void): Record<string, unknown> {
  const o = applyDefaults(parse(manifest) as KubeObject) as unknown as Record<string, unknown>;
  o.metadata = { ...(o.metadata as object), namespace, uid: 'b7f2c1d0-0000-4000-8000-000000000001', resourceVersion: '4711', generation: 1, creationTimestamp: '2026-11-23T10:00:00Z' };
  edit?.(o);
  return o;
}

export type Answer = { readonly obj: Record<string, unknown> } | { readonly status: number } | { readonly error: Error };

/** A LiveObjectReader answering from a map keyed `cluster kind namespace/name`; absent keys answer 404, as the API server does. */
export class FakeReader implements LiveObjectReader {
  readonly calls: string[] = [];
  readonly answers = new Map<string, Answer>();
  inFlight = 0;
  maxInFlight = 0;
  /** While true, reads wait for `release()`. */
  hold = false;
  private readonly waiting: Array<() => void> = [];

  static key(cluster: string, ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
    return `${cluster} ${ref.kind} ${ref.namespace}/${ref.name}`;
  }

  set(cluster: string, kind: string, namespace: string, name: string, answer: Answer): void {
    this.answers.set(FakeReader.key(cluster, { kind, namespace, name }), answer);
  }

  release(): void {
    this.hold = false;
    for (const w of this.waiting.splice(0)) w();
  }

  async get(cluster: string, ref: ObjectRef): Promise<unknown> {
    const key = FakeReader.key(cluster, ref);
    this.calls.push(key);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.hold) await new Promise<void>((r) => this.waiting.push(r));
      else await Promise.resolve();
      const a = this.answers.get(key) ?? { status: 404 };
      if ('obj' in a) return structuredClone(a.obj);
      // Typed as KubeClusterAccess rejects: the code of the API server's status.
      if ('status' in a) throw k8sStatusError(a.status);
      throw a.error;
    } finally {
      this.inFlight -= 1;
    }
  }
}

/** Lets queued reads run to the end (the fake answers on microtasks unless held). */
export async function settle(results: DriftSession, uri: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (results.lenses(uri).every((l) => l.state.kind !== 'loading')) {
      await new Promise((r) => setImmediate(r));
      return;
    }
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`lenses of ${uri} never settled: ${JSON.stringify(results.lenses(uri))}`);
}
