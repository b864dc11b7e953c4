/**
 * An app's deployment history for the editor's History node (issue 17): its object read again from the
 * cluster (the App model keeps only the newest entries of `status.history`), and for Flux objects
 * without `status.history` the Events of its namespace, read and mapped exactly as `gitops-lens audit`
 * reads them (clusterApps.ts historyOf). An app read through Argo CD's API has no kubeconfig context to
 * read it from: its object as the API sent it (the AppStore keeps it, with the whole `status.history`)
 * is given instead. Rejects with K8sRequestError when the object cannot be read.
 */
import type { DeploymentHistory } from '../../core/audit/deployments';
import { isRecord } from '../../core/json';
import { gitOpsKind, type App } from '../../core/model/app';
import { historyOf, type AuditClusterAccess } from './clusterApps';

export async function readAppDeployments(access: AuditClusterAccess, app: App, fromArgoCdApi?: unknown): Promise<DeploymentHistory> {
  const k = gitOpsKind(app.kind);
  if (!k) return { deployments: [], problems: [`${app.kind} has no deployment history GitOps Lens reads`] };
  const apiVersion = app.apiVersion ?? `${k.group}/${k.version}`;
  // The API's list items may come without their type (Argo CD leaves TypeMeta empty in lists).
  const obj = isRecord(fromArgoCdApi) ? { apiVersion, kind: app.kind, ...fromArgoCdApi } : await access.get(app.cluster, { apiVersion, kind: app.kind, namespace: app.namespace, name: app.name });
  return historyOf(access, { cluster: app.cluster, apps: [app], raw: new Map([[app.key, obj]]), notes: [] }, app, new Map());
}
