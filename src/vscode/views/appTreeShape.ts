/**
 * Where objects other than a group's top-level apps sit in the Applications view (issue 15), decided
 * from AppStore snapshots only and free of `vscode` on purpose (like appText.ts), so the unit layer
 * checks the shape users see:
 * - app of apps: an Argo CD Application managed by another (AppStore.parentOf) is nested under it;
 * - notifications: Flux Alerts and Receivers under the apps they watch (AppStore.alertsFor,
 *   receiversFor), each Alert with the Provider it sends to;
 * - image automation: ImageRepository, ImagePolicy and ImageUpdateAutomation objects of a cluster.
 */
import { appKey, type App, type AppKey } from '../../core/model/app';
import type { AppStore } from '../../core/store/appStore';

export type TreeShapeStore = Pick<AppStore, 'get' | 'parentOf' | 'childrenOf' | 'alertsFor' | 'receiversFor' | 'all'>;

/** Parents followed at most when looking for a cycle (an app of apps of apps… is rarely 3 deep). */
const MAX_DEPTH = 32;

/**
 * The Application an app is shown under, or undefined when it is listed in its own group: it has no
 * parent, the parent is not listed (`listed`), or the parents loop back to it (A manages B manages A:
 * both stay at the top, where the user can still find them).
 */
export function nestingParent(store: TreeShapeStore, app: App, listed: (a: App) => boolean): App | undefined {
  if (app.tool !== 'argocd' || app.kind !== 'Application') return undefined;
  const parent = store.parentOf(app.key);
  if (parent === undefined || !listed(parent)) return undefined;
  const seen = new Set<AppKey>([app.key]);
  for (let p: App | undefined = parent, depth = 0; p !== undefined && depth < MAX_DEPTH; p = store.parentOf(p.key), depth++) {
    if (seen.has(p.key)) return undefined;
    seen.add(p.key);
  }
  return parent;
}

/** The Applications shown under `app` (those whose nestingParent it is), sorted by name. */
export function nestedApps(store: TreeShapeStore, app: App, listed: (a: App) => boolean): App[] {
  return store.childrenOf(app.key).filter((c) => listed(c) && nestingParent(store, c, listed)?.key === app.key);
}

/** What watches an app: Flux Alerts (events sent somewhere) and Receivers (webhooks that reconcile it). */
export interface AppNotifications {
  readonly alerts: readonly App[];
  readonly receivers: readonly App[];
}

export function notificationsOf(store: TreeShapeStore, app: App): AppNotifications {
  if (app.tool !== 'flux') return { alerts: [], receivers: [] };
  return { alerts: store.alertsFor(app.key), receivers: store.receiversFor(app.key) };
}

/** `2 alerts · 1 receiver`. */
export function notificationsSummary(n: AppNotifications): string {
  const part = (count: number, word: string) => (count === 0 ? undefined : `${count} ${word}${count === 1 ? '' : 's'}`);
  return [part(n.alerts.length, 'alert'), part(n.receivers.length, 'receiver')].filter(Boolean).join(' · ');
}

/** The Provider an Alert sends to (`spec.providerRef`, in the Alert's namespace), when listed. */
export function providerOf(store: TreeShapeStore, alert: App): App | undefined {
  if (alert.notification?.kind !== 'alert' || alert.notification.provider === undefined) return undefined;
  const [kind, namespace, name] = alert.notification.provider.split('/');
  if (kind !== 'Provider' || namespace === undefined || name === undefined) return undefined;
  return store.get(appKey(alert.cluster, 'flux', 'Provider', namespace, name));
}

/**
 * What a notification or image row says after its status and kind: where an Alert's events go, what
 * calls a Receiver, where a Provider delivers, which image a policy selects. No address, token or
 * webhook path: the model keeps none (NotificationInfo).
 */
export function objectDetail(app: App, provider?: App): string | undefined {
  const n = app.notification;
  if (n?.kind === 'alert') {
    const to = provider?.notification?.kind === 'provider' ? `${provider.name} (${[provider.notification.type, provider.notification.channel].filter(Boolean).join(' ')})` : n.provider?.split('/')[2];
    return `${n.severity} events${to ? ` → ${to}` : ''}`;
  }
  if (n?.kind === 'provider') return [n.type, n.channel, n.host].filter(Boolean).join(' · ') || undefined;
  if (n?.kind === 'receiver') return `${n.type ?? 'webhook'}${n.events && n.events.length > 0 ? `: ${n.events.join(', ')}` : ''}`;
  const i = app.image;
  if (i?.kind === 'policy') return i.selected ? `${i.selected.name}:${i.selected.tag ?? i.selected.digest ?? ''}` : undefined;
  if (i?.kind === 'repository') return [i.image, app.revision].filter(Boolean).join(' · ') || undefined;
  if (i?.kind === 'update') {
    const branch = i.pushBranch ?? i.checkoutBranch;
    return [branch ? `pushes to ${branch}` : undefined, app.revision].filter(Boolean).join(' · ') || undefined;
  }
  return app.revision;
}

const IMAGE_KINDS: readonly string[] = ['ImageUpdateAutomation', 'ImagePolicy', 'ImageRepository'];

export function isImageAutomation(app: App): boolean {
  return app.tool === 'flux' && IMAGE_KINDS.includes(app.kind);
}

export function isNotification(app: App): boolean {
  return app.tool === 'flux' && app.role === 'notification';
}

/** The image automation objects of a cluster: automations, then policies, then repositories, by namespace and name. */
export function imageAutomationOf(store: TreeShapeStore, cluster: string): App[] {
  return store
    .all()
    .filter((a) => a.cluster === cluster && isImageAutomation(a))
    .sort((a, b) => IMAGE_KINDS.indexOf(a.kind) - IMAGE_KINDS.indexOf(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
